"""Shared fixtures: copies of bundled election folders that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import polls


def copy_election(election_id: str, dest: Path) -> Path:
    """Copy a bundled election folder to `dest` and return the copy's path."""
    target = dest / election_id
    shutil.copytree(polls.DATA_DIR / election_id, target)
    return target


@pytest.fixture
def folder_2021(tmp_path: Path) -> Path:
    return copy_election("kz-2021-mazhilis", tmp_path)


#: Short chains for tests, with relaxed diagnostics thresholds (ESS 50, R-hat 1.05): enough to
#: check behaviour, not to publish. The report's defaults are `models.fit.RUNS`.
QUICK = dict(draws=500, tune=500, chains=2, ess_min=50, rhat_max=1.05)


@pytest.fixture(scope="session")
def model_2021():
    """The 2021 fusion model, compiled once per test session (nutpie)."""
    from models.fit import FusionModel

    model = FusionModel.for_election(polls.load("kz-2021-mazhilis"))
    model.compile()
    return model


#: The longest tests (seconds on 2 cores, `pytest --durations`, 2026-12-02): run first, so that the
#: two workers finish together instead of one waiting on a long test that started last.
LONGEST_FIRST = ("test_same_seed.py", "test_notebooks.py", "test_corpus_reports.py", "test_report.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
