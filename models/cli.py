"""The `pollmc` command line: a thin layer that parses arguments, calls the library, prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import polls

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: `pollmc COMMAND: error: ...` and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


class UsageError(Exception):
    """A bad argument found after parsing (reported in one line, exit status 2)."""


def _cmd_data_list(args: argparse.Namespace) -> int:
    for election_id in polls.available():
        election = polls.load(election_id)
        print(f"{election_id:<20} {election.name}")
    return 0


def _cmd_data_show(args: argparse.Namespace) -> int:
    print(_election_arg(args.election).summary())
    return 0


def _cmd_data_validate(args: argparse.Namespace) -> int:
    election = polls.load_path(args.path)
    print(f"OK: {args.path} is a valid election data set")
    print(f"  {election!r}")
    return 0


def _cmd_seats(args: argparse.Namespace) -> int:
    from models.seats import allocate, allocate_rule

    votes = _parse_votes(args.votes)
    if args.election:
        given = [name for name in ("method", "seats", "threshold", "threshold_base", "runner_up_min")
                 if getattr(args, name) is not None]
        if given:
            raise UsageError(f"--election takes the rule from the file; do not also give --{given[0].replace('_', '-')}")
        path = Path(args.election)
        election = polls.load_path(path.parent if path.name == "election.toml" else path)
        if len(votes) != len(election.options):
            raise UsageError(f"{len(votes)} vote counts given; {election.id} has {len(election.options)} options "
                             f"({', '.join(election.options)})")
        seats = allocate_rule(votes, election.rule, against_all=election.has_against_all)
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
        seats = allocate(votes, args.seats, args.method, threshold=args.threshold or 0.0,
                         threshold_base=args.threshold_base, runner_up_min_seats=args.runner_up_min,
                         runner_up_reading=args.runner_up_reading)
    values = [int(s) for s in seats]
    print(json.dumps(values) if args.json else " ".join(map(str, values)))
    return 0


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


def _election_arg(value: str) -> polls.Election:
    """An election given as a bundled id or as a folder path."""
    if value in polls.available():
        return polls.load(value)
    if os.path.isdir(value):
        return polls.load_path(value)
    return polls.load(value)  # raises DataError naming the bundled ids


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
    p.add_argument("--election", metavar="FILE", help="take the rule from an election.toml (or its folder) instead of options")
    p.add_argument("--json", action="store_true", help="print a JSON list of integers and nothing else")
    p.set_defaults(func=_cmd_seats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pollmc` command; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed in one line
        return int(exc.code or 0)
    try:
        return args.func(args)
    except (polls.DataError, UsageError) as exc:
        print(f"pollmc {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
