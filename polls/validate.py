"""Every check on the way in: raw TOML and CSV content to validated, typed tables.

Each function takes what `load.py` read (a TOML document or a `RawTable` of strings with
line numbers) and either returns clean pandas objects or raises `DataError` naming the
file, row and field. Nothing here touches the file system.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .election import AGAINST_ALL, METHODS, THRESHOLD_BASES, SeatRule, first_divisor_problem
from .errors import DataError

__all__ = [
    "RawTable",
    "check_election_toml",
    "check_poll_table",
    "check_regional_results",
    "check_results",
]

#: Counts (votes, respondents) must be below this: no electorate is larger, and it keeps
#: every sum exact in 64-bit integers.
MAX_COUNT = 10**12
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")
#: Column names of poll tables that are not ballot options.
POLL_FIELDS = (
    "firm", "fieldwork_start", "fieldwork_end", "published", "sample_size", "mode",
    "population", "other", "undecided", "stated_margin", "stations", "note",
)
RESERVED_CODES = {*POLL_FIELDS, "region", "entry", "votes", "seats", "invalid", "registered",
                  "published_percent", AGAINST_ALL, "date"}
OTHER_SEAT_KINDS = {"appointed": "chosen by a body, belong to no list",
                    "districts": "elected separately in districts"}


@dataclass(frozen=True)
class RawTable:
    """A CSV file as read: its name, header and rows of strings with their line numbers."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def error(self, message: str, row: int | None = None, field: str | None = None) -> DataError:
        line = self.rows[row - 1][0] if row is not None and 0 < row <= len(self.rows) else None
        return DataError(message, file=self.file, row=row, line=line, field=field)


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------
def _number(table: RawTable, row: int, field: str, text: str) -> float | None:
    text = text.strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        hint = " (write percent without the % sign)" if text.endswith("%") else ""
        hint = hint or (" (no thousands separators)" if "," in text else "")
        raise table.error(f"'{text}' is not a number{hint}", row, field) from None
    if not math.isfinite(value):
        raise table.error(f"'{text}' is not a finite number", row, field)
    return value


def _decimals(text: str) -> int:
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def _count(table: RawTable, row: int, field: str, text: str, *, positive: bool = False) -> int | None:
    value = _number(table, row, field, text)
    if value is None:
        return None
    if value != int(value):
        raise table.error(f"'{text.strip()}' is not a whole number", row, field)
    if value < 0 or (positive and value == 0):
        raise table.error(f"{text.strip()} must be {'positive' if positive else 'zero or more'}", row, field)
    if value >= MAX_COUNT:
        raise table.error(f"{text.strip()} is implausibly large (at most {MAX_COUNT - 1:,})", row, field)
    return int(value)


def _date(table: RawTable, row: int, field: str, text: str) -> dt.date | None:
    text = text.strip()
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise table.error(f"'{text}' is not a date in the form YYYY-MM-DD", row, field) from None


def _share(table: RawTable, row: int, field: str, text: str) -> float | None:
    value = _number(table, row, field, text)
    if value is not None and not 0 <= value <= 100:
        raise table.error(f"share {text.strip()} is outside 0-100 percent", row, field)
    return value


# ---------------------------------------------------------------------------------------
# election.toml
# ---------------------------------------------------------------------------------------
TOP_KEYS = {"id", "name", "country", "chamber", "date", "total_seats", "list_seats", "previous",
            "other_seats", "rule", "ballot", "parties", "regions", "election_night", "sources", "note"}
RULE_KEYS = {"method", "threshold", "threshold_base", "tie_break", "runner_up_min_seats",
             "runner_up_reading", "if_none_pass", "first_divisor", "threshold_exempt", "approximate", "note"}
PARTY_KEYS = {"code", "name", "predecessor", "seatless", "reported_in", "prior_percent", "note"}


def check_election_toml(doc: dict[str, Any], file: str = "election.toml") -> dict[str, Any]:
    """Validate an election.toml document; return its fields, with the rule as a `SeatRule`
    and parties, regions and sources as DataFrames."""

    def err(message: str, field: str | None = None) -> DataError:
        return DataError(message, file=file, field=field)

    def get(table: dict, key: str, kind: type | tuple, where: str, required: bool = True, default=None):
        if key not in table:
            if required:
                raise err("missing required key", f"{where}{key}")
            return default
        value = table[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise err(f"expected {names}, got {type(value).__name__} {value!r}", f"{where}{key}")
        return value

    def unknown(table: dict, allowed: set[str], where: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise err(f"unknown key (allowed: {', '.join(sorted(allowed))})", f"{where}{extra[0]}")

    unknown(doc, TOP_KEYS, "")
    out: dict[str, Any] = {}
    out["id"] = get(doc, "id", str, "")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", out["id"]):
        raise err(f"'{out['id']}' is not a valid id (letters, digits, '-', '_', '.')", "id")
    out["name"] = get(doc, "name", str, "")
    out["country"] = get(doc, "country", str, "", required=False, default="")
    out["chamber"] = get(doc, "chamber", str, "", required=False, default="")
    date = get(doc, "date", (dt.date, str), "")
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise err(f"'{date}' is not a date in the form YYYY-MM-DD", "date") from None
    out["date"] = date
    out["previous"] = get(doc, "previous", str, "", required=False)
    list_seats = get(doc, "list_seats", int, "")
    if list_seats <= 0:
        raise err(f"list_seats must be positive, got {list_seats}", "list_seats")
    out["list_seats"] = list_seats

    other = get(doc, "other_seats", dict, "", required=False, default={})
    unknown(other, {"count", "kind", "note"}, "other_seats.")
    other_count = get(other, "count", int, "other_seats.", required=False, default=0)
    if other_count < 0:
        raise err(f"must be zero or more, got {other_count}", "other_seats.count")
    other_kind = get(other, "kind", str, "other_seats.", required=other_count > 0)
    if other_kind is not None and other_kind not in OTHER_SEAT_KINDS:
        raise err(f"unknown kind '{other_kind}' (known: {', '.join(OTHER_SEAT_KINDS)})", "other_seats.kind")
    out.update(other_seats=other_count, other_seats_kind=other_kind,
               other_seats_note=get(other, "note", str, "other_seats.", required=False, default=""))
    total = get(doc, "total_seats", int, "", required=False, default=list_seats + other_count)
    if total != list_seats + other_count:
        raise err(f"total_seats {total} is not list_seats {list_seats} + other_seats.count {other_count}",
                  "total_seats")
    out["total_seats"] = total

    ballot = get(doc, "ballot", dict, "", required=False, default={})
    unknown(ballot, {"against_all"}, "ballot.")
    out["has_against_all"] = get(ballot, "against_all", bool, "ballot.", required=False, default=False)

    # -- parties --------------------------------------------------------------------
    entries = get(doc, "parties", list, "")
    if len(entries) < 1:
        raise err("at least one party list is needed", "parties")
    parties = []
    for i, entry in enumerate(entries):
        where = f"parties[{i + 1}]."
        if not isinstance(entry, dict):
            raise err("each party is a [[parties]] table", f"parties[{i + 1}]")
        unknown(entry, PARTY_KEYS, where)
        code = get(entry, "code", str, where)
        _check_code(code, err, f"{where}code")
        parties.append({
            "code": code,
            "name": get(entry, "name", str, where),
            "predecessor": get(entry, "predecessor", str, where, required=False),
            "seatless": get(entry, "seatless", bool, where, required=False, default=False),
            "reported_in": get(entry, "reported_in", str, where, required=False),
            "prior_percent": float(get(entry, "prior_percent", (int, float), where, required=False, default=np.nan)),
            "note": get(entry, "note", str, where, required=False, default=""),
        })
        if not (np.isnan(parties[-1]["prior_percent"]) or 0 < parties[-1]["prior_percent"] < 100):
            raise err(f"must be a share in percent above 0 and below 100, got {parties[-1]['prior_percent']:g}",
                      f"{where}prior_percent")
        if not parties[-1]["name"].strip():
            raise err("party name is empty", f"{where}name")
    codes = [p["code"] for p in parties]
    dup = _first_duplicate(codes)
    if dup:
        raise err(f"party code '{dup}' is used twice", "parties")
    hosts = codes + ([AGAINST_ALL] if out["has_against_all"] else [])
    for i, party in enumerate(parties):
        host = party["reported_in"]
        if host is None:
            continue
        field = f"parties[{i + 1}].reported_in"
        if host == party["code"] or host not in hosts:
            raise err(f"'{host}' is not another option of this election (options: {', '.join(hosts)})", field)
        if host in codes and parties[codes.index(host)]["reported_in"]:
            raise err(f"'{host}' is itself reported inside another option; name that option instead", field)
    if all(p["seatless"] for p in parties):
        raise err("every option is seatless: at least one list must be able to win seats", "parties")
    out["parties"] = pd.DataFrame(parties).set_index("code")
    out["parties"].index.name = "party"

    # -- rule -------------------------------------------------------------------------
    rule = get(doc, "rule", dict, "")
    unknown(rule, RULE_KEYS, "rule.")
    method = get(rule, "method", str, "rule.")
    if method not in METHODS:
        raise err(f"unknown method '{method}' (known: {', '.join(METHODS)})", "rule.method")
    threshold = float(get(rule, "threshold", (int, float), "rule.", required=False, default=0.0))
    if not 0 <= threshold <= 50:
        raise err(f"threshold {threshold:g}% makes no sense (expected 0 to 50 percent)", "rule.threshold")
    base = get(rule, "threshold_base", str, "rule.", required=False, default="party_votes")
    if base not in THRESHOLD_BASES:
        raise err(f"unknown threshold base '{base}' (known: {', '.join(THRESHOLD_BASES)})", "rule.threshold_base")
    tie = get(rule, "tie_break", str, "rule.", required=False, default="registration_order")
    if tie != "registration_order":
        raise err(f"unknown tie break '{tie}' (known: registration_order)", "rule.tie_break")
    runner = get(rule, "runner_up_min_seats", int, "rule.", required=False)
    if runner is not None and not 1 <= runner <= list_seats:
        raise err(f"must be between 1 and list_seats ({list_seats}), got {runner}", "rule.runner_up_min_seats")
    reading = get(rule, "runner_up_reading", str, "rule.", required=False, default="floor")
    if reading not in ("floor", "exact"):
        raise err(f"unknown reading '{reading}' (known: floor, exact)", "rule.runner_up_reading")
    none_pass = get(rule, "if_none_pass", str, "rule.", required=False, default="all_lists")
    if none_pass != "all_lists":
        raise err(f"unknown value '{none_pass}' (known: all_lists)", "rule.if_none_pass")
    first_divisor = get(rule, "first_divisor", (int, float), "rule.", required=False)
    if first_divisor is not None:
        if method != "modified-sainte-lague":
            raise err(f"first_divisor applies to modified-sainte-lague only (method is {method})", "rule.first_divisor")
        problem = first_divisor_problem(first_divisor)
        if problem:
            raise err(problem, "rule.first_divisor")
    exempt = get(rule, "threshold_exempt", list, "rule.", required=False, default=[])
    for code in exempt:
        if code not in codes or out["parties"].loc[code, "seatless"]:
            raise err(f"'{code}' is not a list of this election that can win seats", "rule.threshold_exempt")
    out["rule"] = SeatRule(method=method, seats=list_seats, threshold=threshold, threshold_base=base,
                           tie_break=tie, runner_up_min_seats=runner, runner_up_reading=reading,
                           if_none_pass=none_pass, first_divisor=float(first_divisor or 1.4),
                           exempt=tuple(exempt),
                           seatless=tuple(c for c in codes if out["parties"].loc[c, "seatless"]),
                           approximate=get(rule, "approximate", bool, "rule.", required=False, default=False),
                           note=get(rule, "note", str, "rule.", required=False, default=""))

    # -- regions ----------------------------------------------------------------------
    regions = []
    for i, entry in enumerate(get(doc, "regions", list, "", required=False, default=[])):
        where = f"regions[{i + 1}]."
        if not isinstance(entry, dict):
            raise err("each region is a [[regions]] table", f"regions[{i + 1}]")
        unknown(entry, {"code", "name", "turnout_percent", "group", "note"}, where)
        code = get(entry, "code", str, where)
        _check_code(code, err, f"{where}code")
        turnout = get(entry, "turnout_percent", (int, float), where, required=False)
        if turnout is not None and not 0 < turnout <= 100:
            raise err(f"turnout {turnout}% is outside 0-100", f"{where}turnout_percent")
        regions.append({"code": code, "name": get(entry, "name", str, where),
                        "turnout_percent": np.nan if turnout is None else float(turnout),
                        "group": get(entry, "group", str, where, required=False)})
    dup = _first_duplicate([r["code"] for r in regions])
    if dup:
        raise err(f"region code '{dup}' is used twice", "regions")
    out["regions"] = (pd.DataFrame(regions, columns=["code", "name", "turnout_percent", "group"])
                      .set_index("code").rename_axis("region"))

    night = get(doc, "election_night", dict, "", required=False, default={})
    unknown(night, {"count_order"}, "election_night.")
    order = get(night, "count_order", list, "election_night.", required=False,
                default=[r["code"] for r in regions])
    if sorted(map(str, order)) != sorted(r["code"] for r in regions):
        missing = set(r["code"] for r in regions) - set(map(str, order))
        extra = set(map(str, order)) - set(r["code"] for r in regions)
        raise err("must list every region exactly once"
                  + (f"; missing {sorted(missing)}" if missing else "")
                  + (f"; not a region: {sorted(extra)}" if extra else ""), "election_night.count_order")
    out["count_order"] = tuple(order)

    sources = []
    for i, entry in enumerate(get(doc, "sources", list, "", required=False, default=[])):
        where = f"sources[{i + 1}]."
        if not isinstance(entry, dict):
            raise err("each source is a [[sources]] table", f"sources[{i + 1}]")
        unknown(entry, {"key", "what"}, where)
        sources.append({"key": get(entry, "key", str, where), "what": get(entry, "what", str, where)})
    out["sources"] = pd.DataFrame(sources, columns=["key", "what"])
    return out


def _check_code(code: str, err, field: str) -> None:
    if not CODE_PATTERN.match(code):
        raise err(f"'{code}' is not a valid code (a letter, then letters, digits, '_', '.', '-')", field)
    if code.lower() in RESERVED_CODES:
        raise err(f"'{code}' is a reserved column name and cannot be a code", field)


def _first_duplicate(items: list) -> Any:
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


# ---------------------------------------------------------------------------------------
# polls.csv and exit_polls.csv
# ---------------------------------------------------------------------------------------
def check_poll_table(table: RawTable, options: list[str], election_day: dt.date, *, exit_polls: bool) -> pd.DataFrame:
    """Validate a poll table; return one row per poll with typed columns.

    Columns of the result: firm, fieldwork_start, fieldwork_end, published, date (the date
    the model uses: fieldwork end, else publication; election day for exit polls),
    sample_size, mode, population, note, stations, stated_margin, one float column per
    option (percent, NaN = not reported), other and undecided.
    """
    _check_header(table, required=["firm", *options], allowed=[*POLL_FIELDS, *options],
                  what="a poll field or an option of this election")
    if not exit_polls and table.rows and not {"fieldwork_end", "published"} & set(table.header):
        raise table.error("needs a fieldwork_end or a published column (the poll's date)")
    records = []
    seen: dict[tuple, int] = {}
    for r, (_, cells) in enumerate(table.rows, start=1):
        cell = dict(zip(table.header, cells))
        firm = cell["firm"].strip()
        if not firm:
            raise table.error("firm is empty", r, "firm")
        start = _date(table, r, "fieldwork_start", cell.get("fieldwork_start", ""))
        end = _date(table, r, "fieldwork_end", cell.get("fieldwork_end", ""))
        published = _date(table, r, "published", cell.get("published", ""))
        if start and end and start > end:
            raise table.error(f"fieldwork starts ({start}) after it ends ({end})", r, "fieldwork_start")
        if end and published and published < end:
            raise table.error(f"published ({published}) before fieldwork ended ({end})", r, "published")
        if exit_polls:
            if end is None:
                end = election_day
            if end != election_day:
                raise table.error(f"an exit poll is taken on election day ({election_day}), not {end}", r, "fieldwork_end")
            date = end
        else:
            date = end or published
            if date is None:
                raise table.error("the poll needs a fieldwork_end or a published date", r, "fieldwork_end")
            if date >= election_day:
                field = "fieldwork_end" if end else "published"
                raise table.error(f"a pre-election poll dated {date}, on or after election day "
                                  f"{election_day} (exit polls go in exit_polls.csv)", r, field)
        record: dict[str, Any] = {
            "firm": firm, "fieldwork_start": start, "fieldwork_end": end, "published": published, "date": date,
            "sample_size": _count(table, r, "sample_size", cell.get("sample_size", ""), positive=True),
            "stations": _count(table, r, "stations", cell.get("stations", ""), positive=True),
            "mode": cell.get("mode", "").strip(), "population": cell.get("population", "").strip(),
            "note": cell.get("note", "").strip(),
        }
        margin = _number(table, r, "stated_margin", cell.get("stated_margin", ""))
        if margin is not None and not 0 < margin < 50:
            raise table.error(f"stated margin {margin:g} is not between 0 and 50 points", r, "stated_margin")
        record["stated_margin"] = margin
        total, tolerance = 0.0, 1e-9
        for name in [*options, "other", "undecided"]:
            text = cell.get(name, "")
            value = _share(table, r, name, text)
            record[name] = np.nan if value is None else value
            if value is not None:
                total += value
                tolerance += 0.5 * 10.0 ** -_decimals(text)
        known = [o for o in options if not np.isnan(record[o])]
        if not known:
            raise table.error("no option's share is given", r, options[0])
        if total > 100 + tolerance:
            raise table.error(f"shares sum to {total:.4g}%, more than 100% beyond rounding "
                              f"(tolerance {tolerance:.2g} points from the printed decimals)", r, options[0])
        key = (firm, start, end, published, *(record[o] for o in [*options, "other", "undecided"]))
        key = tuple("nan" if isinstance(k, float) and np.isnan(k) else k for k in key)
        if key in seen:
            raise table.error(f"duplicates row {seen[key]} (same firm, dates and shares)", r, "firm")
        seen[key] = r
        records.append(record)
    columns = ["firm", "fieldwork_start", "fieldwork_end", "published", "date", "sample_size", "stations",
               "mode", "population", "stated_margin", *options, "other", "undecided", "note"]
    frame = pd.DataFrame(records, columns=columns)
    for name in ("fieldwork_start", "fieldwork_end", "published", "date"):
        frame[name] = pd.to_datetime(frame[name])
    for name in ("sample_size", "stations"):
        frame[name] = frame[name].astype("Int64")
    for name in ("stated_margin", *options, "other", "undecided"):
        frame[name] = frame[name].astype("float64")
    frame.index.name = "poll"
    return frame


def _check_header(table: RawTable, required: list[str], allowed: list[str], what: str) -> None:
    header = table.header
    if not header or all(not h.strip() for h in header):
        raise table.error("the file has no header row")
    dup = _first_duplicate(header)
    if dup is not None:
        raise table.error(f"column '{dup}' appears twice in the header", field=dup)
    for name in header:
        if name not in allowed:
            raise table.error(f"unknown column (not {what}: {', '.join(allowed)})", field=name)
    for name in required:
        if name not in header:
            raise table.error("missing column", field=name)
    for r, (_, cells) in enumerate(table.rows, start=1):
        if len(cells) != len(header):
            raise table.error(f"has {len(cells)} cells but the header has {len(header)} columns", r)


# ---------------------------------------------------------------------------------------
# results.csv
# ---------------------------------------------------------------------------------------
def check_results(table: RawTable, options: list[str], parties: list[str], list_seats: int,
                  seatless: tuple[str, ...] = ()) -> tuple[pd.DataFrame, int | None, int | None]:
    """Validate the national result; return (per-option table, invalid votes, registered voters).
    Seatless options (not lists) must have 0 seats or none recorded."""
    _check_header(table, required=["entry", "votes", "seats"], allowed=["entry", "votes", "seats", "published_percent"],
                  what="entry, votes, seats, published_percent")
    allowed = [*options, "invalid", "registered"]
    rows: dict[str, dict[str, Any]] = {}
    row_of: dict[str, int] = {}
    for r, (_, cells) in enumerate(table.rows, start=1):
        cell = dict(zip(table.header, cells))
        entry = cell["entry"].strip()
        if entry not in allowed:
            raise table.error(f"unknown entry '{entry}' (expected one of: {', '.join(allowed)})", r, "entry")
        if entry in rows:
            raise table.error(f"entry '{entry}' appears twice (first in row {row_of[entry]})", r, "entry")
        votes = _count(table, r, "votes", cell["votes"])
        seats = _count(table, r, "seats", cell["seats"])
        if entry not in parties and seats is not None:
            raise table.error(f"'{entry}' cannot win seats; leave seats empty", r, "seats")
        if entry in seatless and seats:
            raise table.error(f"'{entry}' is seatless (not a list) in election.toml, so its seats must be 0", r, "seats")
        if seats is not None and seats > list_seats:
            raise table.error(f"{seats} seats is more than the {list_seats} list seats", r, "seats")
        percent_text = cell.get("published_percent", "")
        percent = _share(table, r, "published_percent", percent_text)
        if entry in ("invalid", "registered") and percent is not None:
            raise table.error("leave published_percent empty for this entry", r, "published_percent")
        rows[entry] = {"votes": votes, "seats": seats, "published_percent": percent, "_text": percent_text}
        row_of[entry] = r
    for option in options:
        if option not in rows:
            raise table.error(f"no row for '{option}'", field="entry")
    frame = pd.DataFrame.from_dict({o: rows[o] for o in options}, orient="index")
    seats = frame.loc[parties, "seats"]
    if seats.notna().all() and int(seats.sum()) != list_seats:
        raise table.error(f"seats add up to {int(seats.sum())}, not the {list_seats} list seats", field="seats")
    votes = frame["votes"]
    if votes.notna().all() and votes.sum() > 0:
        for option in options:
            published = rows[option]["published_percent"]
            if published is None:
                continue
            actual = 100 * rows[option]["votes"] / votes.sum()
            tolerance = 0.5 * 10.0 ** -_decimals(rows[option]["_text"]) + 1e-9
            if abs(actual - published) > tolerance:
                raise table.error(f"published {published:g}% but the votes give {actual:.4g}% of the valid votes",
                                  row_of[option], "published_percent")
    invalid = rows.get("invalid", {}).get("votes")
    registered = rows.get("registered", {}).get("votes")
    if registered is not None and votes.notna().all() and registered < votes.sum() + (invalid or 0):
        raise table.error(f"registered voters ({registered:,}) fewer than the ballots counted",
                          row_of["registered"], "votes")
    frame = frame.drop(columns="_text")
    frame["votes"] = frame["votes"].astype("Int64")
    frame["seats"] = frame["seats"].astype("Int64")
    frame["published_percent"] = frame["published_percent"].astype("float64")
    frame.index.name = "option"
    return frame, invalid, registered


# ---------------------------------------------------------------------------------------
# regional_results.csv
# ---------------------------------------------------------------------------------------
def check_regional_results(table: RawTable, options: list[str], regions: list[str],
                           national: pd.DataFrame | None) -> pd.DataFrame:
    """Validate regional vote counts; complete counts must add up to the national votes exactly."""
    _check_header(table, required=["region", *options], allowed=["region", *options],
                  what="region or an option of this election")
    records, row_of = {}, {}
    for r, (_, cells) in enumerate(table.rows, start=1):
        cell = dict(zip(table.header, cells))
        region = cell["region"].strip()
        if region not in regions:
            raise table.error(f"unknown region '{region}' (regions of election.toml: {', '.join(regions) or 'none'})",
                              r, "region")
        if region in records:
            raise table.error(f"region '{region}' appears twice (first in row {row_of[region]})", r, "region")
        counts = {}
        for option in options:
            value = _count(table, r, option, cell[option])
            if value is None:
                raise table.error("vote count is empty (a counted region needs every option's votes)", r, option)
            counts[option] = value
        if sum(counts.values()) == 0:
            raise table.error("no votes in this region", r, options[0])
        records[region] = counts
        row_of[region] = r
    frame = pd.DataFrame.from_dict(records, orient="index", columns=options).astype("int64")
    frame.index.name = "region"
    if national is not None and national["votes"].notna().all() and len(frame):
        complete = len(frame) == len(regions)
        for option in options:
            total, expected = int(frame[option].sum()), int(national.loc[option, "votes"])
            if (complete and total != expected) or total > expected:
                relation = "add up to" if complete else "already exceed"
                raise table.error(f"regional votes {relation} {total:,} but results.csv gives {expected:,} nationally",
                                  field=option)
    return frame
