"""pollmc's observation layer: bundled election data sets, loading and validation.

>>> import polls
>>> polls.available()
['kz-2016-mazhilis', 'kz-2021-mazhilis', 'kz-2023-mazhilis']
>>> election = polls.load("kz-2021-mazhilis")
>>> election.polls          # one row per pre-election poll, one column per party (percent)

Nothing in this package imports from `models`.
"""

from .election import AGAINST_ALL, METHODS, THRESHOLD_BASES, Election, SeatRule
from .errors import DataError
from .load import (
    DATA_DIR,
    available,
    catalogue,
    check_previous_chain,
    load,
    load_any,
    load_path,
    load_previous,
    load_us_poll_errors,
)

__all__ = [
    "AGAINST_ALL", "DATA_DIR", "METHODS", "THRESHOLD_BASES", "DataError", "Election", "SeatRule",
    "available", "catalogue", "check_previous_chain", "load", "load_any", "load_path", "load_previous", "load_us_poll_errors",
]
