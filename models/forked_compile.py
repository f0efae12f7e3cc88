"""A cold compile split over two child processes, which fill the disk caches the parent then loads.

nutpie compiles two C callbacks: the log density with its gradient (about three quarters of a
cold compile of the 2021 model) and the expansion of a draw into the trace (about a fifth). numba
compiles one function at a time in a process, so in one process they run one after the other.
Here two forked children compile them at the same time, one callback each, into the disk caches
(`models.function_cache`, `models.callback_cache`); the parent, which compiled nothing, then loads
both as a warm run would. The parent's own memory stays that of a warm run, and it runs exactly
the code every later process loads.

Forking is safe only in a process with no other thread (a thread holding a lock at the fork would
leave it held in the child forever), so this is used only where the process has one thread, on
Linux; elsewhere (a Jupyter kernel has several) the compile runs in the process, as before. The
children's results are only a cache: whatever they did not file, the parent compiles itself.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

__all__ = ["can_fork", "compile_in_children"]


def can_fork() -> bool:
    """Whether this process may fork compiling children: Linux, and no thread but this one."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def compile_in_children(compile_part: Callable[[str], object], parts: tuple[str, ...]) -> bool:
    """Run `compile_part(part)` for each of `parts` in its own forked child, all at once, and wait
    for them. True when every child finished without error; False (nothing run) when this
    process cannot fork. The children write nothing to the terminal: an error of theirs comes
    back when the parent compiles what they left undone."""
    if not can_fork():
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for part in parts:
        pid = os.fork()
        if pid == 0:  # the child: compile, then leave at once (no atexit handlers, no buffers flushed)
            status = 1
            try:
                quiet = os.open(os.devnull, os.O_WRONLY)
                os.dup2(quiet, 1)
                os.dup2(quiet, 2)
                compile_part(part)
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in children]
    return all(status == 0 for status in statuses)
