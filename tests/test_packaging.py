"""The wheel carries the bundled data sets: loading works outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_data_and_loads_outside_the_source_tree(tmp_path):
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheel_dir), "--quiet"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheel_dir.glob("pollmc-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("polls/data/kz-2021-mazhilis/election.toml", "polls/data/kz-2021-mazhilis/regional_results.csv",
                     "polls/data/kz-2021-mazhilis/SOURCES.md", "polls/data/us-poll-errors/raw-polls-1998-2016.csv",
                     "polls/README.md", "models/cli.py"):
        assert required in names, required
    assert any(name.endswith("entry_points.txt") for name in names)

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import polls; e = polls.load('kz-2021-mazhilis'); "
            "print(polls.__file__); print(int(e.result_votes().sum()))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere,
                         env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    module_file, total = run.stdout.split()
    assert Path(module_file).is_relative_to(unpacked)
    assert total == "7241562"
