"""End-to-end timing of the README's main command and of the backtest, cold and warm.

Cold: an empty PyTensor/numba compile cache (a fresh `base_compiledir`); warm: the same command
again with the cache the cold run left. Each run writes to a temporary folder. Baseline for the
ratios: the cold run of the same command.

    python benchmarks/bench_end_to_end.py [--commands report,backtest]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "report": ["report", "kz-2021-mazhilis"],
    "backtest": ["backtest"],
}


def timed(args: list[str], cache: str, out: str) -> float:
    env = {**os.environ, "PYTENSOR_FLAGS": f"base_compiledir={cache}"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "models.cli", *args, "--out", out, "--force"], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise RuntimeError(done.stderr[-3000:])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", default="report,backtest")
    args = parser.parse_args()
    print("pollmc end-to-end benchmark (default settings: 4 chains x 2000 draws, 100,000 simulations per "
          "information set)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for name in args.commands.split(","):
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            cold = timed(COMMANDS[name], cache, out)
            warm = timed(COMMANDS[name], cache, out)
        print(f"pollmc {' '.join(COMMANDS[name])}: cold {cold:.0f} s, warm {warm:.0f} s "
              f"(warm = x{cold / warm:.2f} of cold)")


if __name__ == "__main__":
    main()
