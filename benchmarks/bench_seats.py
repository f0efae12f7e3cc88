"""Seat allocation throughput: 1,000,000 simulated elections x 5 lists x 98 seats, each method.

Prints draws per second for the seat engine (models.seats.allocate) and, measured in the
same run on the same arrays, two baselines:
- "loop": the per-election reference implementation of the tests (tests/reference_seats.py,
  exact fractions), called once per election on a subsample and scaled to draws per second;
- "numpy floor": one plain numpy pass over the same array (multiply and cast to integers), the
  memory-bound floor that any allocator must pay; timed alternately with each method,
  so that both see the same load on a shared machine ("t/floor" is their ratio).

    python benchmarks/bench_seats.py [--draws 1000000] [--seed 0]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference_seats import reference_allocate

from models.seats import METHODS, allocate


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_pair(fn, baseline, repeats: int = 7) -> tuple[float, float]:
    """Best times of `fn` and `baseline`, run alternately: on a shared machine the two see the
    same load, so their ratio is steadier than two separate measurements'."""
    pairs = [(best_of(fn, 1), best_of(baseline, 1)) for _ in range(repeats)]
    return min(p[0] for p in pairs), min(p[1] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--loop-draws", type=int, default=300, help="elections run through the reference loop")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    # shares around the 2021 Kazakh result, wide enough that thresholds and ties vary
    shares = rng.dirichlet(np.array([71.1, 10.9, 9.1, 5.3, 3.6]) * 3, size=args.draws)
    options = dict(threshold=7.0, runner_up_min_seats=2)

    def numpy_pass():
        return (shares * 98.0).astype(np.int64)

    floor = best_of(numpy_pass)
    print(f"pollmc seat benchmark: {args.draws:,} draws x 5 lists x 98 seats, 7% threshold, runner-up clause")
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"numpy floor (multiply + cast, one pass): {args.draws / floor:,.0f} draws/s")
    print(f"{'method':<24}{'draws/s':>14}{'x loop':>10}{'t/floor':>10}   loop draws/s")
    for method in METHODS:
        allocate(shares[:10], 98, method, **options)  # compiled (or loaded from numba's cache) before timing
        engine, floor = best_of_pair(lambda method=method: allocate(shares, 98, method, **options), numpy_pass)
        subset = shares[: args.loop_draws]
        start = time.perf_counter()
        for row in subset:
            reference_allocate(row, 98, method, threshold=7.0, runner_up_min_seats=2)
        loop = (time.perf_counter() - start) / len(subset)
        rate = args.draws / engine
        print(f"{method:<24}{rate:>14,.0f}{rate * loop:>10,.0f}{engine / floor:>10.1f}   {1 / loop:,.0f}")


if __name__ == "__main__":
    main()
