"""Reading election folders (TOML + CSV) into `Election` objects; finding bundled data sets.

Files are only ever opened for reading. Every problem is reported as a `DataError` naming
the file, row and field (see `validate.py`).
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pandas as pd

from .election import Election
from .errors import DataError
from .validate import (
    RawTable,
    check_election_toml,
    check_poll_table,
    check_regional_results,
    check_results,
)

__all__ = ["DATA_DIR", "available", "catalogue", "check_previous_chain", "load", "load_any", "load_path", "load_previous",
           "load_us_poll_errors"]

#: Folder of the bundled data sets, inside the installed package.
DATA_DIR = Path(__file__).resolve().parent / "data"
US_POLL_ERRORS = DATA_DIR / "us-poll-errors" / "raw-polls-1998-2016.csv"


def available() -> list[str]:
    """Ids of the bundled elections, sorted."""
    return sorted(p.name for p in DATA_DIR.iterdir() if (p / "election.toml").is_file())


def catalogue() -> pd.DataFrame:
    """One row per bundled election: country, date, seats, rule, polls, firms, regions, exit polls."""
    rows = []
    for election_id in available():
        e = load(election_id)
        rows.append({"id": e.id, "country": e.country, "date": e.date.isoformat(),
                     "seats": e.list_seats if e.total_seats == e.list_seats else f"{e.list_seats} of {e.total_seats}",
                     "rule": e.rule.short, "polls": len(e.polls), "firms": len(e.firms),
                     "regions": len(e.regions), "exit polls": len(e.exit_polls)})
    return pd.DataFrame(rows).set_index("id")


def load(election_id: str) -> Election:
    """Load and validate a bundled election by id, e.g. ``load("kz-2021-mazhilis")``."""
    if election_id not in available():
        raise DataError(f"unknown election id '{election_id}'; bundled: {', '.join(available())} "
                        "(use polls.load_path(folder) for your own)")
    return load_path(DATA_DIR / election_id)


def load_any(source: str | Path) -> Election:
    """A bundled election by id or, failing that, one from a folder: what a command-line argument
    or a list of elections to backtest may hold. Neither: the error names the bundled ids."""
    if str(source) in available():
        return load(str(source))
    if Path(source).is_dir():
        return load_path(source)
    return load(str(source))


def load_path(folder: str | Path) -> Election:
    """Load and validate an election from a folder in the format of `polls/README.md`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"'{folder}' is not a folder")
    toml_path = folder / "election.toml"
    if not toml_path.is_file():
        raise DataError("missing: every election folder needs an election.toml", file=str(toml_path))
    try:
        doc = tomllib.loads(_read_text(toml_path))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"not valid TOML: {exc}", file=str(toml_path)) from None
    meta = check_election_toml(doc, file=str(toml_path))
    options = meta["parties"].index.tolist() + (["against_all"] if meta["has_against_all"] else [])
    parties = meta["parties"].index.tolist()

    polls = _optional_table(folder / "polls.csv")
    exit_polls = _optional_table(folder / "exit_polls.csv")
    empty = RawTable("", ["firm", *options], [])
    polls_frame = check_poll_table(polls or empty, options, meta["date"], exit_polls=False)
    exit_frame = check_poll_table(exit_polls or empty, options, meta["date"], exit_polls=True)

    results_raw = _optional_table(folder / "results.csv")
    results, invalid, registered = (None, None, None)
    if results_raw is not None:
        results, invalid, registered = check_results(results_raw, options, parties, meta["list_seats"],
                                                        meta["rule"].seatless)
    regional_raw = _optional_table(folder / "regional_results.csv")
    regional = None
    if regional_raw is not None:
        regional = check_regional_results(regional_raw, options, meta["regions"].index.tolist(), results)

    return Election(
        polls=polls_frame, exit_polls=exit_frame, results=results, regional_results=regional,
        invalid_votes=invalid, registered_voters=registered, path=folder.resolve(), **meta,
    )


def load_previous(election: Election) -> Election | None:
    """The election named by `previous`: a bundled id, or a folder next to this one's folder
    (`previous = "de-2017"` beside `de-2021/`). A folder next to the election's own folder wins
    over a bundled id of the same name, so a user's own chain is never replaced by ours."""
    if not election.previous:
        return None
    file = str(election.path / "election.toml") if election.path else None
    sibling = election.path.parent / election.previous if election.path is not None else None
    try:
        if sibling is not None and sibling.is_dir() and sibling.resolve() != election.path:
            return load_path(sibling)
        if election.previous in available():
            return load(election.previous)
    except DataError as exc:
        raise DataError(f"previous election '{election.previous}' does not load: {exc}", file=file,
                        field="previous") from None
    raise DataError(f"previous election '{election.previous}' is neither a bundled id nor a folder next to "
                    f"this one ({sibling or 'the folder is not known'})", file=file, field="previous")


def check_previous_chain(election: Election) -> list[Election]:
    """Follow `previous` links and check each: the previous election loads, is earlier, and every
    `predecessor` code names one of its options. Returns the chain, newest first (without
    `election`). Raises DataError naming the file and field of the first broken link."""
    chain, current, seen = [], election, {election.path}
    while current.previous:
        earlier = load_previous(current)
        file = str(current.path / "election.toml") if current.path else None
        if earlier.path in seen:
            raise DataError(f"previous election '{current.previous}' leads back to an election already in the "
                            "chain", file=file, field="previous")
        if earlier.date >= current.date:
            raise DataError(f"previous election '{current.previous}' ({earlier.date}) is not before this one "
                            f"({current.date})", file=file, field="previous")
        for i, (code, predecessor) in enumerate(current.parties["predecessor"].items(), start=1):
            if isinstance(predecessor, str) and predecessor not in earlier.options:
                raise DataError(f"predecessor '{predecessor}' of {code} is not an option of '{earlier.id}' "
                                f"({', '.join(earlier.options)})", file=file, field=f"parties[{i}].predecessor")
        seen.add(earlier.path)
        chain.append(earlier)
        current = earlier
    return chain


def load_us_poll_errors() -> pd.DataFrame:
    """The bundled 9,008 US polls with their actual results (FiveThirtyEight pollster ratings
    data, CC BY 4.0), with dates parsed and `days_before` the election added."""
    frame = pd.read_csv(US_POLL_ERRORS)
    frame["polldate"] = pd.to_datetime(frame["polldate"], format="%m/%d/%Y")
    frame["electiondate"] = pd.to_datetime(frame["electiondate"], format="%m/%d/%Y")
    frame["days_before"] = (frame["electiondate"] - frame["polldate"]).dt.days
    return frame


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", file=str(path)) from None


def _optional_table(path: Path) -> RawTable | None:
    if not path.exists():
        return None
    text = _read_text(path)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = []
        header: list[str] | None = None
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not cells or all(not c.strip() for c in cells):
                continue  # blank line
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise DataError(f"not valid CSV: {exc}", file=str(path), line=reader.line_num) from None
    return RawTable(str(path), header or [], rows)
