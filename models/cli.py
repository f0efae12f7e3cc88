"""The `pollmc` command line: a thin layer that parses arguments, calls the library, prints."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import polls

__all__ = ["main"]


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


def _election_arg(value: str) -> polls.Election:
    """An election given as a bundled id or as a folder path."""
    if value in polls.available():
        return polls.load(value)
    if os.path.isdir(value):
        return polls.load_path(value)
    return polls.load(value)  # raises DataError naming the bundled ids


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pollmc",
        description="Bayesian Monte Carlo polling model: polls, exit polls and regional results "
        "to vote shares and seats, scored against the actual outcome.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    data = commands.add_parser("data", help="list, show and validate election data sets",
                               description="Bundled election data sets and your own.")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION")
    data_commands.required = True
    p = data_commands.add_parser("list", help="list the bundled elections")
    p.set_defaults(func=_cmd_data_list)
    p = data_commands.add_parser("show", help="print a readable summary of an election")
    p.add_argument("election", help="a bundled election id (see 'pollmc data list') or a folder")
    p.set_defaults(func=_cmd_data_show)
    p = data_commands.add_parser("validate", help="check an election folder and report the first problem")
    p.add_argument("path", help="folder holding election.toml and its CSV files (see polls/README.md)")
    p.set_defaults(func=_cmd_data_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pollmc` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except polls.DataError as exc:
        print(f"pollmc: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
