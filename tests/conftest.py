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
