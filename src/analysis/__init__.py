"""Analysis workbook for the OAS Inter-American Program on the human rights of migrants.

>>> from analysis import load_dataset
>>> ds = load_dataset()                     # data/program/ by default
>>> sorted(ds.tables)[:2]
['action_mandates', 'actions']
"""

from analysis.dataset.loading import Dataset, load_dataset
from analysis.errors import AnalysisError, DataError, Problem

__all__ = ["AnalysisError", "DataError", "Problem", "Dataset", "load_dataset"]
__version__ = "0.1.0"
