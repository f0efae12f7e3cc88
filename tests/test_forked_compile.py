"""Forked children compile parts of the model at once; the parent learns whether all of them did."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from models.forked_compile import can_fork, compile_in_children

SCRIPT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from models.forked_compile import compile_in_children

    folder = Path(sys.argv[1])

    def part(name):
        print("a child's output goes nowhere")
        if name == "fails":
            raise RuntimeError(name)
        (folder / name).write_text(str(os.getpid()))

    print(compile_in_children(part, ("one", "two")), compile_in_children(part, ("three", "fails")), os.getpid())
""")


def test_each_part_in_its_own_child_and_a_failure_reported(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    all_done, one_failed, parent = done.stdout.split()  # nothing else: the children wrote nothing
    assert (all_done, one_failed) == ("True", "False")
    pids = {(tmp_path / name).read_text() for name in ("one", "two", "three")}
    assert len(pids) == 3 and parent not in pids
    assert not (tmp_path / "fails").exists()


def test_no_fork_beside_another_thread():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        assert compile_in_children(lambda part: None, ("one",)) is False
    finally:
        stop.set()
        thread.join()
