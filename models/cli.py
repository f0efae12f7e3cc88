"""The `pollmc` command line: a thin layer that parses arguments, calls the library, prints."""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

import polls

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `pollmc COMMAND: error: ...` and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    """A bad argument found after parsing (reported in one line, exit status 2)."""


def _cmd_data_list(args: argparse.Namespace) -> int:
    print(polls.catalogue().to_string())
    return 0


def _cmd_data_show(args: argparse.Namespace) -> int:
    print(polls.load_any(args.election).summary())
    return 0


def _cmd_data_validate(args: argparse.Namespace) -> int:
    from models.external import find_forecasts, read_forecast
    from models.forecast import seats_check

    election = polls.load_path(args.path)
    chain = polls.check_previous_chain(election)
    print(f"OK: {args.path} is a valid election data set")
    print(f"  {election!r}")
    if chain:
        print(f"  previous elections: {' <- '.join(e.id for e in chain)} (each loads; every predecessor code exists)")
    problem = seats_check(election)
    if problem:
        print(f"  {'note' if election.rule.approximate else 'warning'}: {problem}")
    for path in find_forecasts(election):
        forecast = read_forecast(path, election)
        print(f"  forecast {path.name}: '{forecast.name}', {forecast.shape}, knew {forecast.metadata['knew']}")
    return 0


def _cmd_seats(args: argparse.Namespace) -> int:
    from models.seats import allocate, allocate_rule

    votes = _parse_votes(args.votes)
    if args.election:
        given = [name for name in ("method", "seats", "threshold", "threshold_base", "runner_up_min", "first_divisor",
                                   "exempt", "seatless") if getattr(args, name) is not None]
        if given:
            raise UsageError(f"--election takes the rule from the file; do not also give --{given[0].replace('_', '-')}")
        path = Path(args.election)
        election = polls.load_path(path.parent if path.name == "election.toml" else path)
        if len(votes) != len(election.options):
            raise UsageError(f"{len(votes)} vote counts given; {election.id} has {len(election.options)} options "
                             f"({', '.join(election.options)})")
        seats = allocate_rule(votes, election.rule, election.options)
    else:
        if args.method is None or args.seats is None:
            raise UsageError("give --method and --seats, or --election FILE")
        if args.seats < 1:
            raise UsageError(f"--seats must be a positive number of seats, got {args.seats}")
        if args.threshold is not None and not 0 <= args.threshold < 100:
            raise UsageError(f"--threshold must be a percentage in [0, 100), got {args.threshold:g}")
        if args.threshold_base is not None and args.threshold_base <= 0:
            raise UsageError(f"--threshold-base must be a positive number of votes, got {args.threshold_base:g}")
        if args.runner_up_min is not None and not 1 <= args.runner_up_min <= args.seats:
            raise UsageError(f"--runner-up-min must be between 1 and --seats, got {args.runner_up_min}")
        if sum(votes) <= 0:
            raise UsageError("at least one list needs votes")
        if args.first_divisor is not None and args.method != "modified-sainte-lague":
            raise UsageError("--first-divisor applies to --method modified-sainte-lague only")
        exempt = _positions(args.exempt, len(votes), "--exempt")
        seatless = _positions(args.seatless, len(votes), "--seatless")
        if (exempt & seatless).any():
            raise UsageError("a list cannot be both --exempt and --seatless")
        if seatless.all():
            raise UsageError("every entry is --seatless: no list can win seats")
        base = args.threshold_base
        if base is None and seatless.any():
            base = float(sum(votes)) if votes.dtype.kind == "f" else int(sum(votes))
        seats = allocate(votes, args.seats, args.method, threshold=args.threshold or 0.0,
                         threshold_base=base, eligible=~seatless, exempt=exempt,
                         runner_up_min_seats=args.runner_up_min, runner_up_reading=args.runner_up_reading,
                         first_divisor=1.4 if args.first_divisor is None else args.first_divisor)
    values = [int(s) for s in seats]
    print(json.dumps(values) if args.json else " ".join(map(str, values)))
    return 0


def _positions(indices: list[int] | None, n: int, flag: str) -> np.ndarray:
    """A boolean mask over `n` lists from 1-based positions given on the command line."""
    mask = np.zeros(n, bool)
    for index in indices or []:
        if not 1 <= index <= n:
            raise UsageError(f"{flag} {index}: positions run from 1 to {n} (one per vote count given)")
        mask[index - 1] = True
    return mask


def _parse_votes(texts: list[str]) -> np.ndarray:
    values = []
    for text in texts:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"'{text}' is not a number of votes") from None
        if not np.isfinite(value) or value < 0:
            raise UsageError(f"votes must be finite and not negative, got '{text}'")
        values.append(value)
    if all(v == int(v) for v in values) and max(values, default=0) < 2**53:
        return np.array([int(v) for v in values], dtype=np.int64)
    return np.array(values, dtype=np.float64)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _days_list(text: str) -> list[int]:
    try:
        days = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of whole days") from None
    if not days or min(days) < 1:
        raise argparse.ArgumentTypeError(f"'{text}': days before the election must be 1 or more")
    return sorted(set(days), reverse=True)


def _fit_options(args: argparse.Namespace) -> dict:
    for name in ("draws", "tune", "chains", "simulations"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise UsageError(f"--{name} must be a positive number, got {getattr(args, name)}")
    return {"draws": args.draws, "tune": args.tune, "chains": args.chains, "sampler": args.sampler}


def _cmd_report(args: argparse.Namespace) -> int:
    from models.forecast import run, stderr_progress
    from models.report import REPORT_FILES, ReportExistsError, write_report

    election = polls.load_any(args.election)
    if not election.has_results:
        raise UsageError(f"{election.id} has no results.csv: nothing to score (use 'pollmc forecast')")
    out = Path(args.out) if args.out else Path("reports") / election.id
    existing = [name for name in REPORT_FILES if (out / name).exists()]
    if existing and not args.force:
        raise UsageError(f"{out}: {', '.join(existing)} already exist(s); use --force to overwrite")
    sets = _information_sets(args, election)
    _fit_options(args)
    result = run(election, sets, n=args.simulations, seed=args.seed, progress=stderr_progress, as_of=args.as_of,
                 forecasts=args.forecast or (), **_fit_options(args))
    stderr_progress("writing the report")
    try:
        paths = write_report(result, out, force=args.force)
    except ReportExistsError as exc:
        raise UsageError(str(exc)) from None
    for path in paths.values():
        print(path)
    refused = [r for r in result.results if not r.presented]
    for r in refused:
        print(f"pollmc report: refused to present [{r.information_set}]: {'; '.join(r.refused)}", file=sys.stderr)
    return 3 if refused else 0


def _cmd_forecast(args: argparse.Namespace) -> int:
    from models.forecast import forecast, stderr_progress
    from models.infosets import parse_information_set
    from models.report import _clean

    election = polls.load_any(args.election)
    before_the_day = args.as_of is not None and args.as_of < election.date
    spec = args.information_set or ("polls+exit" if len(election.exit_polls) and not before_the_day else "polls")
    info = parse_information_set(spec, election)
    if args.as_of:
        info = parse_information_set(replace(info, as_of=args.as_of), election)
    _fit_options(args)
    stderr_progress(f"{election.id} [{info}]: compiling and sampling")
    if args.save and Path(args.save).exists() and not args.force:
        raise UsageError(f"{args.save} already exists; use --force to overwrite")
    result = forecast(election, info, n=args.simulations, seed=args.seed, keep_simulation=bool(args.save),
                      **_fit_options(args))
    if result.refused:
        print(f"pollmc forecast: sampler diagnostics failed, so no forecast is presented: {'; '.join(result.refused)}",
              file=sys.stderr)
        return 3
    if args.save:
        for path in _save_forecast(args, election, result):
            print(path, file=sys.stderr)
    if args.json:
        print(json.dumps(_clean({
            "election": election.id, "information_set": result.information_set.name,
            "diagnostics": result.fit.diagnostics.to_dict(),
            "shares": result.share_table.to_dict(orient="index"), "seats": result.seat_table.to_dict(orient="index"),
            "most_likely_seats": result.outcomes.to_dict(orient="records")}), indent=1))
        return 0
    print(f"{election.name} [{result.information_set}]")
    print(f"diagnostics: {result.fit.diagnostics}")
    print("\nvote shares (%):")
    print(result.share_table[["median", "low_50", "high_50", "low_90", "high_90"]].round(2).to_string())
    print("\nseats:")
    cols = [c for c in ("mean", "q5", "q50", "q95", "p_pass_threshold", "p_majority_list", "p_majority_house")
            if c in result.seat_table]
    print(result.seat_table[cols].round(3).to_string())
    print("\nmost likely seat outcomes:")
    print(result.outcomes.head(5).to_string())
    return 0


#: Draws a saved forecast keeps: enough for CRPS and coverage to two decimals, a file of a few MB.
SAVED_DRAWS = 4000


def _save_forecast(args: argparse.Namespace, election: polls.Election, result) -> list[Path]:
    """Write the forecast's simulated shares and seats (a seeded sample of SAVED_DRAWS) in the
    external-forecast format, with what it knew and how it was made."""
    from importlib.metadata import version

    from models.external import write_forecast

    sim = result.simulation
    rng = np.random.default_rng(args.seed)
    keep = np.sort(rng.choice(sim.sizes["draw"], min(SAVED_DRAWS, sim.sizes["draw"]), replace=False))
    shares = pd.DataFrame(sim["shares"].values[keep] * 100, columns=election.options)
    seats = pd.DataFrame(sim["seats"].values[keep], columns=election.party_codes)
    metadata = {"name": Path(args.save).stem, "author": f"pollmc {version('pollmc')}",
                "made": dt.date.today().isoformat(), "knew": result.information_set.name,
                "source": (f"pollmc forecast {election.id} --information-set '{result.information_set.name}', seed "
                           f"{args.seed}, {result.fit.diagnostics.chains}x{result.fit.diagnostics.draws} posterior draws, "
                           f"{args.simulations:,} "
                           f"simulated elections of which {len(keep):,} are saved")}
    try:
        return write_forecast(args.save, shares, seats, metadata, force=args.force)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None


def _cmd_backtest(args: argparse.Namespace) -> int:
    from models.backtest import backtest
    from models.backtest_report import BACKTEST_FILES, write_backtest
    from models.forecast import stderr_progress
    from models.report import REPORT_FILES

    out = Path(args.out)
    ids = args.elections or None
    # reports go to out/ID/ under each election's own id, whether it was named by id or by folder
    report_ids = [polls.load_any(eid).id for eid in ids] if ids else polls.available()
    targets = [out / name for name in BACKTEST_FILES] + [out / eid / name for eid in report_ids for name in REPORT_FILES]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        raise UsageError(f"{existing[0]} already exists; use --force to overwrite")
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers must be 0 or more, got {args.workers}")
    sets = [s.strip() for s in args.information_sets.split(";")] if args.information_sets else None
    summary, reports, skipped = backtest(ids, out=out, information_sets=sets, n=args.simulations, seed=args.seed,
                                         force=args.force, days_before=args.days_before, scheduler=args.scheduler,
                                         workers=args.workers, progress=stderr_progress, **_fit_options(args))
    summary["skipped"] = skipped
    for path in write_backtest(summary, out):
        print(path)
    return 0


def _cmd_priors(args: argparse.Namespace) -> int:
    from models.history import carried_house, history_priors, history_table
    from models.priors import PRIOR_SOURCES, default_priors, poll_error_evidence

    evidence = poll_error_evidence()
    print("Poll errors of 9,008 US polls (FiveThirtyEight pollster ratings data, CC BY 4.0),")
    print("general-election polls of the last three weeks, log ratio of the two leading candidates,")
    print("in units of sqrt(p (1 - p)) (a scale c is the sampling error of a poll of 1/c^2 people):")
    print(evidence.round(4).to_string())
    election = polls.load_any(args.election) if args.election else None
    print("\nShared error of the bundled elections' polls (firms' last polls, averaged) against their results,"
          "\nsame units" + (f"; weight: how much each counts for {election.id} (0: held out, not earlier)"
                             if election else "") + ":")
    print(history_table(election).round(4).to_string())
    priors = history_priors(election) if election else default_priors()
    print(f"\nPriors {'of ' + election.id if election else 'before any bundled election (US evidence only)'}"
          " (poll-error scales in units of sqrt(p (1 - p)); log-share scales otherwise):")
    for name, value in priors.to_dict().items():
        print(f"  {name:<18} {value:<8g} {PRIOR_SOURCES.get(name, 'stated assumption (models/priors.py)')}")
    if election is not None:
        carried = carried_house(election, priors.house_carry)
        carried = carried.loc[(carried != 0).any(axis=1), (carried != 0).any(axis=0)]
        if len(carried):
            print(f"\nHouse effects carried from {election.previous or 'the previous election'} (prior means, same units):")
            print(carried.round(4).to_string())
        else:
            print("\nNo house effect is carried: no firm of these polls was measured at the previous election, "
                  "or no earlier pair of elections measured how much recurs.")
    return 0


def _information_sets(args: argparse.Namespace, election: polls.Election) -> list[str] | None:
    from models.infosets import parse_information_set

    if not args.information_sets:
        return None
    sets = [s.strip() for s in args.information_sets.split(";") if s.strip()]
    for spec in sets:
        parse_information_set(spec, election)
    return sets


def _add_fit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--draws", type=int, help="posterior draws per chain (default: 1000 after 300 tuning steps; "
                   "while the diagnostics fail, as many chains again judged with those, then 2000 after 1000 "
                   "and 4000 after 2000; given, one run)")
    p.add_argument("--tune", type=int, help="tuning steps per chain (default: see --draws)")
    p.add_argument("--chains", type=int, default=4, help="chains (default 4)")
    p.add_argument("--sampler", choices=("auto", "nutpie", "pymc"), default="auto",
                   help="nutpie when installed (auto), or PyMC's NUTS")
    p.add_argument("--simulations", type=int, default=100_000, help="simulated elections (default 100,000)")
    p.add_argument("--seed", type=int, default=0, help="seed of sampling and simulation (default 0)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pollmc",
        description="Bayesian Monte Carlo polling model: polls, exit polls and regional results "
        "to vote shares and seats, scored against the actual outcome.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    data = commands.add_parser("data", help="list, show and validate election data sets",
                               description="Bundled election data sets and your own.")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", parser_class=_Parser)
    data_commands.required = True
    p = data_commands.add_parser("list", help="list the bundled elections")
    p.set_defaults(func=_cmd_data_list)
    p = data_commands.add_parser("show", help="print a readable summary of an election")
    p.add_argument("election", help="a bundled election id (see 'pollmc data list') or a folder")
    p.set_defaults(func=_cmd_data_show)
    p = data_commands.add_parser("validate", help="check an election folder and report the first problem")
    p.add_argument("path", help="folder holding election.toml and its CSV files (see polls/README.md)")
    p.set_defaults(func=_cmd_data_validate)

    from models.seats import METHODS

    p = commands.add_parser(
        "seats", help="allocate seats from vote counts under a seat law",
        description="Seats of each list, printed in the order the votes were given (space-separated, "
        "or a JSON list with --json). Ties go to the list given first; a list exactly at the threshold passes.")
    p.add_argument("votes", nargs="+", metavar="VOTES", help="votes (or shares) of each list, in registration order")
    p.add_argument("--method", choices=METHODS, help="seat-allocation method")
    p.add_argument("--seats", type=int, metavar="N", help="number of seats to allocate")
    p.add_argument("--threshold", type=float, metavar="PERCENT", help="minimum share of the threshold base, in percent")
    p.add_argument("--threshold-base", type=float, metavar="VOTES",
                   help="what the threshold is a share of (default: the sum of VOTES), e.g. valid votes including 'against all'")
    p.add_argument("--runner-up-min", type=int, metavar="K",
                   help="if only one list passes, admit the runner-up with at least K seats (Kazakhstan: 2)")
    p.add_argument("--runner-up-reading", choices=("floor", "exact"), default="floor",
                   help="'floor': the runner-up joins the allocation with at least K seats (default); 'exact': exactly K")
    p.add_argument("--first-divisor", type=float, metavar="D",
                   help="first divisor of modified-sainte-lague (default 1.4; Sweden since 2018: 1.2)")
    p.add_argument("--exempt", type=int, action="append", metavar="INDEX",
                   help="1-based position of a list admitted whatever its share (national minorities); repeatable")
    p.add_argument("--seatless", type=int, action="append", metavar="INDEX",
                   help="1-based position of an entry that counts in the threshold base but wins no seats "
                   "(e.g. all other lists as one figure); repeatable")
    p.add_argument("--election", metavar="FILE", help="take the rule from an election.toml (or its folder) instead of options")
    p.add_argument("--json", action="store_true", help="print a JSON list of integers and nothing else")
    p.set_defaults(func=_cmd_seats)

    p = commands.add_parser(
        "report", help="fit, simulate and score every information set; write the forecast-accuracy report",
        description="The main job: fit the fusion model for each information set (polls; +exit polls; + regions "
        "counted one by one), simulate elections, score them and the baselines against the actual result, and "
        "write report.json, report.md and report.html.")
    p.add_argument("election", nargs="?", default="kz-2021-mazhilis",
                   help="a bundled election id or a folder (default: kz-2021-mazhilis)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: reports/ID/)")
    p.add_argument("--force", action="store_true", help="overwrite existing report files")
    p.add_argument("--information-sets", metavar="LIST",
                   help="';'-separated information sets, e.g. 'polls;polls+exit;polls+exit+regions:5' "
                   "(default: the whole election night)")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                   help="forecast as of that day: only the polls public by its end (default: election day)")
    p.add_argument("--forecast", action="append", metavar="FILE",
                   help="score a forecast made elsewhere beside the model (draws or quantiles CSV, metadata in FILE "
                   "with the suffix .toml when present; format: models/external.py); repeatable")
    _add_fit_options(p)
    p.set_defaults(func=_cmd_report)

    p = commands.add_parser("forecast", help="a forecast alone (no comparison with a result)",
                            description="Fit one information set, simulate elections and print shares, seats and "
                            "probabilities. Works before the result is known.")
    p.add_argument("election", nargs="?", default="kz-2021-mazhilis", help="a bundled election id or a folder")
    p.add_argument("--information-set",
                   help="polls, polls+exit, polls+exit+regions[:N|:CODES] (default polls+exit where the election has "
                   "exit polls and the day is not before election day, else polls)")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD",
                   help="forecast as of that day: only the polls public by its end")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--save", metavar="FILE", help=f"also write {SAVED_DRAWS:,} simulated outcomes (shares and seats) "
                   "and a FILE.toml of metadata, to score later with 'pollmc report ELECTION --forecast FILE'")
    p.add_argument("--force", action="store_true", help="overwrite the --save files")
    _add_fit_options(p)
    p.set_defaults(func=_cmd_forecast)

    p = commands.add_parser(
        "backtest", help="run the report for several elections and summarise calibration across them",
        description="Run the whole pipeline for every bundled election (or those named) that has polls and a "
        "result, write each report under --out/ID/, and a summary backtest.json and backtest.md. Local processes "
        "by default; a Dask cluster with --scheduler.")
    p.add_argument("elections", nargs="*", metavar="ELECTION", help="bundled ids or folders (default: all bundled)")
    p.add_argument("--out", default="reports/backtest", metavar="DIR", help="output folder (default reports/backtest)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a dask.distributed scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--workers", type=int, help="local processes (default: up to 2; 0 runs in this process)")
    p.add_argument("--information-sets", metavar="LIST", help="';'-separated information sets (default: all)")
    p.add_argument("--days-before", type=_days_list, metavar="LIST",
                   help="instead of the election night: polls-only forecasts as of these days before each election, "
                   "e.g. 90,60,30,14,7,1")
    _add_fit_options(p)
    p.set_defaults(func=_cmd_backtest)

    p = commands.add_parser("priors", help="show the priors and the evidence behind them (US polls, earlier elections)")
    p.add_argument("election", nargs="?", help="an election id or folder: its priors, from the elections before it")
    p.set_defaults(func=_cmd_priors)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pollmc` command; returns the exit status."""
    # PyTensor warns that its C backend found no BLAS; nutpie compiles with numba and does not
    # use it, and ArviZ announces its next major version: neither is for a command-line user.
    warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
    warnings.filterwarnings("ignore", category=FutureWarning, module="arviz")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed in one line
        return int(exc.code or 0)
    try:
        return args.func(args)
    except (polls.DataError, UsageError, ValueError) as exc:
        print(f"pollmc {args.command}: error: {exc}", file=sys.stderr)
        return 2


def command() -> NoReturn:
    """The `pollmc` console script: `main`, then exit without the interpreter's teardown.

    After a fit, Python's own teardown spends 1-2.5 s freeing what PyTensor, numba and LLVM
    built (1.2 s after the imports alone, 2.2 s after a fit; measured 2026-12-02), and none of
    it has anything to write. The exit handlers still run and the output streams are flushed
    first; every file pollmc writes is closed (and renamed into place) before `main` returns."""
    code = main()
    atexit._run_exitfuncs()  # logging, multiprocessing and the libraries' own handlers
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe or stream: nothing more to deliver
            pass
    os._exit(code)


if __name__ == "__main__":
    command()
