"""Pure functions on the dataset: statuses, counts, derived indicators, changes."""

from analysis.measures.core import *  # noqa: F401,F403
from analysis.measures.core import MANDATE_STATUSES, MILESTONE_STATUSES  # noqa: F401
