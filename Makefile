# The commands a person types. Each sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?=
MEETING ?=

.PHONY: setup report test lab hygiene validate summary benchmark clean system-deps catalogues

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m analysis.i18n >/dev/null
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# System packages (Chromium for PDF and chart checks, LibreOffice for the Excel
# check). Installed only where we may (root with apt-get); otherwise skipped with a note.
system-deps:
	@sh scripts/system-deps.sh

## make report: set up, validate the shipped data, print the summary, and run the reports
report: setup system-deps
	$(PY) -m analysis validate
	$(PY) -m analysis summary
	$(PY) -m analysis run $(if $(MEETING),--meeting $(MEETING)) $(if $(JOBS),--jobs $(JOBS))

## make test: set up and run the whole test suite
test: setup system-deps
	$(PY) -m pytest

## make catalogues: compile the gettext catalogues (.po -> .mo); also done by setup and, when stale, on import
catalogues: setup
	$(PY) -m analysis.i18n

validate: setup
	$(PY) -m analysis validate

summary: setup
	$(PY) -m analysis summary

## make lab: JupyterLab on the notebooks; saved notebooks keep no outputs (jupyter_server_config.py).
## As root (containers, CI) Jupyter needs --allow-root; LAB_ARGS adds more (e.g. LAB_ARGS=--no-browser).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: setup
	$(VENV)/bin/jupyter lab --config=jupyter_server_config.py --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

## make hygiene: check that the committed notebooks carry no outputs (strip them with STRIP=1)
hygiene: setup
	$(PY) -m analysis.common.notebooks $(if $(STRIP),--strip) notebooks/*.ipynb

benchmark: setup system-deps
	$(PY) benchmarks/bench_run.py

clean:
	rm -rf $(VENV) .pytest_cache
