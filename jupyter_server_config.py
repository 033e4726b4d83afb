# JupyterLab settings for this project, used by `make lab` (--config).
# Notebooks are saved without outputs, so the committed notebooks stay clean
# and diffable whatever Lab does (autosave included); see analysis.common.notebooks.
from analysis.common.notebooks import pre_save_hook

c = get_config()  # noqa: F821 - provided by Jupyter when it reads this file
c.FileContentsManager.pre_save_hook = pre_save_hook
c.ContentsManager.pre_save_hook = pre_save_hook
