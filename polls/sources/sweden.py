"""Sweden: Riksdag elections of 2014, 2018 and 2022 from the raw files of `elections-raw/sweden`.

    python -m polls.sources.sweden --raw /work/shared/data/elections-raw --out polls/data

writes three election folders:

- `se-2014-riksdag`: the national result only (the previous election of 2018), from ParlGov.
- `se-2018-riksdag`, `se-2022-riksdag`: national and per-valkrets results (the valkrets files of
  Bippen/PoliSim, primary source Valmyndigheten), seats from ParlGov, pre-election polls and
  the election-day polls of SVT and TV4 from MansMeg/SwedishPolls.

Every derived figure (OTHERS, invalid ballots, the seat checks) is computed here, and the
SOURCES.md of each folder is written from the same numbers, so the folders and their
documentation cannot drift apart. The output depends only on the raw files: the same raw files
give the same bytes (tests/test_data_sweden.py runs this module and compares).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from . import command_line, format_number, write_csv, write_text

__all__ = ["ELECTIONS", "PARTIES", "VALKRETSAR", "allocate_exact", "build", "main", "select_polls"]

# ---------------------------------------------------------------------------------------
# fixed facts: codes, names, provenance
# ---------------------------------------------------------------------------------------
#: The eight parliamentary parties, in the column order of the valkrets files (which is also
#: the order of the 2018 result by votes). This is the registration order of the data sets.
PARTIES = ("S", "M", "SD", "C", "V", "KD", "L", "MP")
OTHERS = "OTHERS"
OPTIONS = (*PARTIES, OTHERS)

PARTY_NAMES = {
    "S": "Socialdemokraterna (Social Democrats)",
    "M": "Moderaterna (Moderate Party)",
    "SD": "Sverigedemokraterna (Sweden Democrats)",
    "C": "Centerpartiet (Centre Party)",
    "V": "Vänsterpartiet (Left Party)",
    "KD": "Kristdemokraterna (Christian Democrats)",
    "L": "Liberalerna (Liberals)",
    "MP": "Miljöpartiet de gröna (Green Party)",
    OTHERS: "All other parties together (not a list)",
}
L_NAME_2014 = "Folkpartiet liberalerna (Liberal People's Party)"

#: ParlGov's short names for our codes. 'Fi' (Feministiskt initiativ) and 2022's 'no-seat'
#: (Partiet Nyans) are not among them: they are inside OTHERS.
PARLGOV_CODES = {"SAP": "S", "M": "M", "SD": "SD", "C": "C", "V": "V", "KD": "KD", "FP": "L", "MP": "MP"}

#: The 29 valkretsar in the row order of both valkrets files: (name as printed, code, landsdel).
VALKRETSAR = (
    ("Stockholms län", "STHLM_LAN", "svealand"),
    ("Stockholms kommun", "STHLM_STAD", "svealand"),
    ("Uppsala län", "UPPSALA", "svealand"),
    ("Södermanlands län", "SODERMANLAND", "svealand"),
    ("Östergötlands län", "OSTERGOTLAND", "gotaland"),
    ("Jönköpings län", "JONKOPING", "gotaland"),
    ("Kronobergs län", "KRONOBERG", "gotaland"),
    ("Kalmar län", "KALMAR", "gotaland"),
    ("Gotlands län", "GOTLAND", "gotaland"),
    ("Blekinge län", "BLEKINGE", "gotaland"),
    ("Skåne läns västra", "SKANE_VASTRA", "gotaland"),
    ("Skåne läns södra", "SKANE_SODRA", "gotaland"),
    ("Skåne läns norra och östra", "SKANE_NORRA_OSTRA", "gotaland"),
    ("Malmö kommun", "MALMO", "gotaland"),
    ("Hallands län", "HALLAND", "gotaland"),
    ("Västra Götalands läns västra", "VG_VASTRA", "gotaland"),
    ("Västra Götalands läns norra", "VG_NORRA", "gotaland"),
    ("Västra Götalands läns södra", "VG_SODRA", "gotaland"),
    ("Västra Götalands läns östra", "VG_OSTRA", "gotaland"),
    ("Göteborgs kommun", "GOTEBORG", "gotaland"),
    ("Värmlands län", "VARMLAND", "svealand"),
    ("Örebro län", "OREBRO", "svealand"),
    ("Västmanlands län", "VASTMANLAND", "svealand"),
    ("Dalarnas län", "DALARNA", "svealand"),
    ("Gävleborgs län", "GAVLEBORG", "norrland"),
    ("Västernorrlands län", "VASTERNORRLAND", "norrland"),
    ("Jämtlands län", "JAMTLAND", "norrland"),
    ("Västerbottens län", "VASTERBOTTEN", "norrland"),
    ("Norrbottens län", "NORRBOTTEN", "norrland"),
)
LANDSDELAR = {"gotaland": "Götaland", "svealand": "Svealand", "norrland": "Norrland"}

SWEDISHPOLLS = "MansMeg/SwedishPolls"
SWEDISHPOLLS_COMMIT = "5df438f4038cb36429c1049fa60b064dd044d191"
PARLGOV = "hdigital/parlgov-web"
PARLGOV_COMMIT = "edd6f2d148057b5582a50d4e5e09ccb751423bc0"
PARLGOV_FILES_COMMIT = "5b4735ac23a54e4a6cae9eda3dbb2c2af3c3352e"
POLISIM = "Bippen/PoliSim"
POLISIM_COMMITS = {2018: "934680fc449be0fb74614b5025b864aadb964d10",
                   2022: "806fb17fb88c422b341ddcdb0781878061bd1e52"}

#: Polls count if their fieldwork ended at most this many days before election day.
WINDOW_DAYS = 100
SEATS = 349
THRESHOLD = 4


@dataclass(frozen=True)
class Spec:
    year: int
    date: dt.date
    first_divisor: str                 # as written in election.toml
    previous: str | None
    regional: bool                     # valkrets files, polls and exit polls


ELECTIONS = {
    "se-2014-riksdag": Spec(2014, dt.date(2014, 9, 14), "1.4", None, False),
    "se-2018-riksdag": Spec(2018, dt.date(2018, 9, 9), "1.2", "se-2014-riksdag", True),
    "se-2022-riksdag": Spec(2022, dt.date(2022, 9, 11), "1.2", "se-2018-riksdag", True),
}


# ---------------------------------------------------------------------------------------
# reading the raw files
# ---------------------------------------------------------------------------------------
@dataclass
class ParlGov:
    """One election of national_results_parlgov.csv."""

    electorate: int
    votes_cast: int
    votes_valid: int
    data_source: str
    votes: dict[str, int] = field(default_factory=dict)       # ParlGov short name -> votes
    seats: dict[str, int] = field(default_factory=dict)
    share: dict[str, str] = field(default_factory=dict)       # vote_share as printed


def read_parlgov(path: Path, date: dt.date) -> ParlGov:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["election_date"] == date.isoformat()]
    if not rows:
        raise ValueError(f"{path}: no rows for {date}")
    first = rows[0]
    out = ParlGov(int(first["electorate"]), int(first["votes_cast"]), int(first["votes_valid"]),
                  first["election_data_source"])
    for r in rows:
        if int(r["seats_total"]) != SEATS or r["country_name_short"] != "SWE":
            raise ValueError(f"{path}: unexpected row {r}")
        out.votes[r["party_name_short"]] = int(r["votes"])
        out.seats[r["party_name_short"]] = int(r["seats"])
        out.share[r["party_name_short"]] = r["vote_share"]
    return out


@dataclass
class Valkrets:
    name: str
    valid: int
    votes: dict[str, int]
    eligible: int | None
    cast: int | None


def read_valkrets(path: Path) -> list[Valkrets]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split(";")
    if header[:10] != ["valkrets", "valid", *PARTIES]:
        raise ValueError(f"{path}: unexpected header {header}")
    out = []
    for line in lines[1:]:
        cell = dict(zip(header, line.split(";"), strict=True))
        out.append(Valkrets(cell["valkrets"], int(cell["valid"]), {p: int(cell[p]) for p in PARTIES},
                            int(cell["eligible"]) if "eligible" in cell else None,
                            int(cell["cast"]) if "cast" in cell else None))
    names = [v.name for v in out]
    if names != [name for name, _, _ in VALKRETSAR]:
        raise ValueError(f"{path}: the valkretsar are not the 29 expected, in order: {names}")
    return out


def read_polls(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------------------
def allocate_exact(votes: dict[str, int], seats: int, first_divisor: Fraction, threshold: int,
                   base: int) -> tuple[dict[str, int], Fraction]:
    """Modified Sainte-Laguë (first_divisor, 3, 5, ...) among lists with at least `threshold`
    percent of `base`, in exact rational arithmetic. Returns the seats and the ratio of the
    last quotient that won a seat to the best quotient that did not (> 1: no tie decided it)."""
    admitted = [p for p, v in votes.items() if 100 * v >= threshold * base]
    won = dict.fromkeys(votes, 0)

    def quotient(p: str) -> Fraction:
        return Fraction(votes[p]) / (first_divisor if won[p] == 0 else 2 * won[p] + 1)

    last = Fraction(0)
    for _ in range(seats):
        best = max(admitted, key=quotient)   # a tie would go to the first listed
        last = quotient(best)
        won[best] += 1
    runner_up = max(quotient(p) for p in admitted)
    return won, last / runner_up


def share_agrees(printed: str, votes: int, total: int) -> bool:
    """Whether a printed percentage agrees with votes/total to its printed decimals."""
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    exact = Fraction(100 * votes, total)
    return abs(exact - Fraction(printed)) <= Fraction(1, 2 * 10**decimals)


def two_decimals(printed: str) -> str:
    """ParlGov's vote_share is a number with two decimals whose trailing zeros the extract drops."""
    return f"{Decimal(printed):.2f}"


def thousands(n: int) -> str:
    return f"{n:,}"


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------------------
# the national result
# ---------------------------------------------------------------------------------------
@dataclass
class Result:
    votes: dict[str, int]              # option -> votes
    seats: dict[str, int]
    percent: dict[str, str]            # option -> published_percent as written ('' = none)
    invalid: int
    registered: int
    valid: int


def national_2014(pg: ParlGov) -> Result:
    votes = {PARLGOV_CODES[k]: v for k, v in pg.votes.items() if k in PARLGOV_CODES}
    if sorted(votes) != sorted(PARTIES):
        raise ValueError(f"ParlGov 2014: parties {sorted(pg.votes)}")
    votes = {p: votes[p] for p in PARTIES}
    votes[OTHERS] = pg.votes_valid - sum(votes.values())
    seats = {PARLGOV_CODES[k]: s for k, s in pg.seats.items() if k in PARLGOV_CODES}
    seats = {p: seats[p] for p in PARTIES} | {OTHERS: 0}
    if any(s for k, s in pg.seats.items() if k not in PARLGOV_CODES):
        raise ValueError("ParlGov 2014: a party outside the eight has seats")
    percent = {}
    for k, code in PARLGOV_CODES.items():
        text = two_decimals(pg.share[k])
        percent[code] = text if share_agrees(text, votes[code], pg.votes_valid) else ""
    percent[OTHERS] = ""
    return Result(votes, seats, percent, pg.votes_cast - pg.votes_valid, pg.electorate, pg.votes_valid)


def national_from_valkretsar(rows: list[Valkrets], pg: ParlGov, year: int) -> Result:
    votes = {p: sum(r.votes[p] for r in rows) for p in PARTIES}
    valid = sum(r.valid for r in rows)
    for k, code in PARLGOV_CODES.items():
        if pg.votes[k] != votes[code]:
            raise ValueError(f"{year}: {code} sums to {votes[code]} in the valkrets file, ParlGov {pg.votes[k]}")
    votes[OTHERS] = valid - sum(votes.values())
    seats = {PARLGOV_CODES[k]: s for k, s in pg.seats.items() if k in PARLGOV_CODES}
    seats = {p: seats[p] for p in PARTIES} | {OTHERS: 0}
    if any(s for k, s in pg.seats.items() if k not in PARLGOV_CODES):
        raise ValueError(f"ParlGov {year}: a party outside the eight has seats")
    percent = {}
    for k, code in PARLGOV_CODES.items():
        text = two_decimals(pg.share[k])
        percent[code] = text if share_agrees(text, votes[code], valid) else ""
    percent[OTHERS] = ""
    if rows[0].cast is not None:
        cast = sum(r.cast for r in rows)
        registered = sum(r.eligible for r in rows)
    else:
        cast, registered = pg.votes_cast, pg.electorate
    return Result(votes, seats, percent, cast - valid, registered, valid)


# ---------------------------------------------------------------------------------------
# polls
# ---------------------------------------------------------------------------------------
@dataclass
class PollSelection:
    polls: list[list[str]]
    exits: list[list[str]]
    published_on_election_day: list[dict[str, str]]
    no_publication_date: int
    firms: dict[str, int]                    # firm -> polls, sorted by name
    renamed: dict[tuple[str, str], int]      # (Company, house) -> polls where they differ
    fi_rows: int
    uncertain_rows: int
    approx_rows: int
    party_sum: tuple[Decimal, Decimal]       # least and largest sum of the party columns (FI included)
    overlapping: dict[str, int]              # firm -> polls whose fieldwork overlaps the firm's previous poll
    same_fieldwork: list[tuple[str, str, str, str, int]]   # firm, start, end, n, rows


def _others(row: dict[str, str]) -> str:
    """100 minus the eight parties, exactly, to the decimals of the inputs ('' if one is missing)."""
    values = [row[p] for p in PARTIES]
    if "NA" in values:
        return ""
    rest = Decimal(100) - sum((Decimal(v) for v in values), Decimal(0))
    if rest < 0:
        raise ValueError(f"poll shares of the eight parties exceed 100: {row}")
    return str(rest)


def _firm(row: dict[str, str]) -> str:
    return row["house"] if row["house"] not in ("", "NA") else row["Company"]


def _cell(text: str) -> str:
    return "" if text == "NA" else text


def select_polls(rows: list[dict[str, str]], election_day: dt.date) -> PollSelection:
    """Pre-election polls: fieldwork ended in the WINDOW_DAYS days before election day and
    published by election day. Exit polls: fieldwork on election day only."""
    first_day = election_day - dt.timedelta(days=WINDOW_DAYS)
    chosen, exits, on_day = [], [], []
    no_publication = 0
    for index, row in enumerate(rows):
        if row["house"] == "Election" or row["collectPeriodTo"] == "NA":
            continue
        end = dt.date.fromisoformat(row["collectPeriodTo"])
        if end == election_day:
            if row["collectPeriodFrom"] != election_day.isoformat() or row["PublDate"] != election_day.isoformat():
                raise ValueError(f"an election-day row that is not a one-day exit poll: {row}")
            exits.append((index, row))
            continue
        if not first_day <= end < election_day:
            continue
        if row["PublDate"] == "NA":
            no_publication += 1
            continue
        published = dt.date.fromisoformat(row["PublDate"])
        if published > election_day:
            continue
        if published == election_day:
            on_day.append(row)
        chosen.append((index, row))
    # chronological by fieldwork end, then publication, then firm; ties keep the file's order
    chosen.sort(key=lambda item: (item[1]["collectPeriodTo"], item[1]["PublDate"], _firm(item[1]), item[0]))

    polls, firms, renamed = [], {}, {}
    fi_rows = uncertain_rows = approx_rows = 0
    sums, last_end, overlapping, fieldwork = [], {}, {}, {}
    for _, row in chosen:
        firm = _firm(row)
        firms[firm] = firms.get(firm, 0) + 1
        sums.append(sum(Decimal(row[p]) for p in (*PARTIES, "FI") if row[p] != "NA"))
        start = row["collectPeriodFrom"]
        if firm in last_end and start != "NA" and start <= last_end[firm]:
            overlapping[firm] = overlapping.get(firm, 0) + 1
        last_end[firm] = max(last_end.get(firm, ""), row["collectPeriodTo"])
        key = (firm, start, row["collectPeriodTo"], row["n"])
        fieldwork[key] = fieldwork.get(key, 0) + 1
        notes = []
        if row["Company"] != firm:
            notes.append(f"published as {row['Company']}")
            renamed[(row["Company"], firm)] = renamed.get((row["Company"], firm), 0) + 1
        if row["approxPeriod"] == "TRUE":
            notes.append("fieldwork dates approximate (source flag approxPeriod)")
            approx_rows += 1
        if row["PublDate"] == election_day.isoformat():
            notes.append("published on election day")
        if row["FI"] != "NA":
            notes.append(f"FI {row['FI']} (inside OTHERS)")
            fi_rows += 1
        if row["Uncertain"] != "NA":
            notes.append(f"Uncertain {row['Uncertain']} (source column; outside the shares)")
            uncertain_rows += 1
        if firm == "Sentio":
            notes.append("n = respondents naming a party")
        polls.append([firm, _cell(start), row["collectPeriodTo"], row["PublDate"], _cell(row["n"]),
                      *(_cell(row[p]) for p in PARTIES), _others(row), "; ".join(notes)])

    exit_rows = []
    for _, row in sorted(exits, key=lambda item: (_firm(item[1]), item[0])):
        firm = _firm(row)
        notes = [f"published as {row['Company']}"] if row["Company"] != firm else []
        if row["FI"] != "NA":
            notes.append(f"FI {row['FI']} (inside OTHERS)")
        exit_rows.append([firm, row["collectPeriodTo"], _cell(row["n"]),
                          *(_cell(row[p]) for p in PARTIES), _others(row), "; ".join(notes)])
    same = [(*k, n) for k, n in fieldwork.items() if n > 1]
    return PollSelection(polls, exit_rows, on_day, no_publication, dict(sorted(firms.items())), renamed,
                         fi_rows, uncertain_rows, approx_rows, (min(sums), max(sums)),
                         dict(sorted(overlapping.items())), same)


POLL_HEADER = ["firm", "fieldwork_start", "fieldwork_end", "published", "sample_size", *OPTIONS, "note"]
EXIT_HEADER = ["firm", "fieldwork_end", "sample_size", *OPTIONS, "note"]


# ---------------------------------------------------------------------------------------
# election.toml and the CSV files
# ---------------------------------------------------------------------------------------
@dataclass
class SeatCheck:
    computed: dict[str, int]       # national allocation with the year's first divisor
    ratio: Fraction                # last winning quotient / best losing quotient
    other_divisor: str
    other: dict[str, int]          # the same with the other first divisor (1.2 <-> 1.4)

    def differences(self, official: dict[str, int]) -> list[tuple[str, int, int]]:
        """(party, official, national) where they differ."""
        return [(p, official[p], self.computed[p]) for p in PARTIES if self.computed[p] != official[p]]


def seat_check(result: Result, first_divisor: str) -> SeatCheck:
    lists = {p: result.votes[p] for p in PARTIES}
    computed, ratio = allocate_exact(lists, SEATS, Fraction(first_divisor), THRESHOLD, result.valid)
    other_divisor = "1.2" if first_divisor == "1.4" else "1.4"
    other, _ = allocate_exact(lists, SEATS, Fraction(other_divisor), THRESHOLD, result.valid)
    return SeatCheck(computed, ratio, other_divisor, other)


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def rule_note(spec: Spec, result: Result, check: SeatCheck) -> str:
    text = ("Vallagen (2005:837), 14 kap.: 310 fixed seats are distributed within the 29 valkretsar and 39 "
            "adjustment seats (utjämningsmandat) are added so that the Riksdag as a whole is proportional to the "
            "parties' votes in the whole country; the method is the modified odd-number method (jämkade "
            f"uddatalsmetoden) with first divisor {spec.first_divisor}"
            + (" (1.4 before the 2018 election)" if spec.year >= 2018 else " (1.2 from the 2018 election)")
            + ", among parties with at least 4% of the valid votes in the whole country. When the adjustment "
            "seats suffice, the national allocation of all 349 seats is the binding one, and that is what this "
            "rule computes. A party under 4% with 12% of the votes in one valkrets takes part in that valkrets's "
            "fixed seats only; that clause is not modelled (SOURCES.md). Equal comparison numbers are decided by "
            "lot in the law; registration order stands in for it, and no tie occurs.")
    diffs = check.differences(result.seats)
    if diffs:
        text += (f" In {spec.year} the official seats differ from the national allocation (official against national): "
                 + ", ".join(f"{p} {o} against {c}" for p, o, c in diffs)
                 + "; the official seats come from the valkrets-level procedure, which our sources cannot replay "
                 "for this year.")
    else:
        text += f" The national allocation reproduces the official {spec.year} seats exactly."
    return text


def party_note(code: str, year: int) -> str:
    if code == "L":
        if year == 2014:
            return ("Folkpartiet liberalerna (ParlGov code FP), renamed Liberalerna in 2015; the code L is used in "
                    "every year so that the party keeps one code.")
        return "Folkpartiet liberalerna until 2015 (ParlGov code FP)."
    if code == "S":
        return "ParlGov code SAP."
    if code == OTHERS:
        return ("All other parties: valid votes minus the eight parties. Includes Feministiskt initiativ (FI)"
                + (" and Partiet Nyans." if year == 2022 else "."))
    return ""


def election_toml(eid: str, spec: Spec, result: Result, check: SeatCheck) -> str:
    day = _day(spec.date)
    out = [
        f"# Sweden, Riksdag election of {day}.",
        "# Format: polls/README.md. Where each figure comes from: SOURCES.md.",
        "# Written by polls/sources/sweden.py from shared/data/elections-raw: change the converter, not this file.",
        f"id = {toml_string(eid)}",
        f"name = {toml_string(f'Sweden Riksdag election, {day}')}",
        'country = "Sweden"',
        'chamber = "Riksdag"',
        f"date = {spec.date.isoformat()}",
        f"list_seats = {SEATS}",
    ]
    if spec.previous:
        out.append(f"previous = {toml_string(spec.previous)}")
    out += ["",
            "[rule]",
            'method = "modified-sainte-lague"',
            f"first_divisor = {spec.first_divisor}            # divisors {spec.first_divisor}, 3, 5, 7, ...",
            f"threshold = {THRESHOLD}                  # percent, of all valid votes in the whole country",
            'threshold_base = "valid_votes"  # OTHERS (all other parties) counts in the base',
            'tie_break = "registration_order"  # the law draws lots; no tie occurs']
    if check.differences(result.seats):
        out.append("approximate = true              # the official seats differ: see note and SOURCES.md")
    out.append(f"note = {toml_string(rule_note(spec, result, check))}")

    out += ["",
            f"# Registration order: the column order of the valkrets files ({', '.join(PARTIES)}), the same in",
            "# all three Swedish data sets. OTHERS is every other party together: counted, never seated."]
    for p in OPTIONS:
        out += ["", "[[parties]]", f"code = {toml_string(p)}",
                f"name = {toml_string(L_NAME_2014 if (p == 'L' and spec.year == 2014) else PARTY_NAMES[p])}"]
        if p == OTHERS:
            out.append("seatless = true")
        if spec.previous:
            out.append(f"predecessor = {toml_string(p)}")
        note = party_note(p, spec.year)
        if note:
            out.append(f"note = {toml_string(note)}")

    if spec.regional:
        out += ["",
                "# The 29 valkretsar (Riksdag constituencies) as the valkrets files name them. group: the",
                "# landsdel (Götaland, Svealand, Norrland) of the län the valkrets lies in (SOURCES.md)."]
        for name, code, group in VALKRETSAR:
            out += ["", "[[regions]]", f"code = {toml_string(code)}", f"name = {toml_string(name)}",
                    f"group = {toml_string(group)}"]
        out += ["",
                "[election_night]",
                "# The real order in which the valkretsar reported on election night is not in our",
                "# sources: the row order of the valkrets files is used.",
                "count_order = [" + ", ".join(toml_string(code) for _, code, _ in VALKRETSAR) + "]"]

    for key, what in source_keys(spec):
        out += ["", "[[sources]]", f"key = {toml_string(key)}", f"what = {toml_string(what)}"]
    return "\n".join(out) + "\n"


def source_keys(spec: Spec) -> list[tuple[str, str]]:
    if not spec.regional:
        return [("parlgov", f"ParlGov ({PARLGOV} at {PARLGOV_COMMIT[:12]}; CC0) via elections-raw/sweden/"
                            "national_results_parlgov.csv: votes, valid and cast votes, electorate, vote shares, seats")]
    parlgov_what = "seats, vote shares, party votes (cross-check)" + (
        ", ballots cast, electorate" if spec.year == 2018 else ", valid votes and ballots cast (cross-check)")
    return [
        ("parlgov", f"ParlGov ({PARLGOV} at {PARLGOV_COMMIT[:12]}; CC0) via elections-raw/sweden/"
                    f"national_results_parlgov.csv: {parlgov_what}"),
        (f"valkrets-{spec.year}", f"{POLISIM} ElectionsData/sweden/valkrets_votes_{spec.year}.csv at "
                                  f"{POLISIM_COMMITS[spec.year][:12]} (no licence stated; primary source "
                                  "Valmyndigheten): votes per valkrets, national votes by summation"
                                  + (", eligible voters and ballots cast" if spec.year == 2022 else "")),
        ("swedishpolls", f"{SWEDISHPOLLS} Data/Polls.csv at {SWEDISHPOLLS_COMMIT[:12]} (CC0) via "
                         "elections-raw/sweden/polls.csv: pre-election polls and election-day polls"),
    ]


def results_csv(path: Path, result: Result) -> None:
    rows = [[p, format_number(result.votes[p]), format_number(result.seats[p]), result.percent[p]] for p in OPTIONS]
    rows += [["invalid", format_number(result.invalid), "", ""],
             ["registered", format_number(result.registered), "", ""]]
    write_csv(path, ["entry", "votes", "seats", "published_percent"], rows)


def regional_csv(path: Path, rows: list[Valkrets]) -> None:
    out = []
    for (_, code, _), r in zip(VALKRETSAR, rows, strict=True):
        others = r.valid - sum(r.votes.values())
        out.append([code, *(format_number(r.votes[p]) for p in PARTIES), format_number(others)])
    write_csv(path, ["region", *OPTIONS], out)


# ---------------------------------------------------------------------------------------
# SOURCES.md
# ---------------------------------------------------------------------------------------
WIDTH = 100


def para(text: str) -> list[str]:
    return [*textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False), ""]


def item(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent="- ", subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)


def licence_rows(spec: Spec) -> list[str]:
    rows = [
        ("parlgov", f"`{PARLGOV}`, `scripts/migrate_parlgov-db/import-data-legacy/` (tables of elections, "
                    f"election results, parties and countries), commit `{PARLGOV_COMMIT}` (files last changed in "
                    f"`{PARLGOV_FILES_COMMIT}`); raw extract `sweden/national_results_parlgov.csv`",
         "CC0 1.0 for the data (MIT for the code). Credit: Döring, Holger, and Philip Manow, ParlGov "
         "(parlgov.org)."),
    ]
    if spec.regional:
        rows.append((f"valkrets-{spec.year}",
                     f"`{POLISIM}`, `ElectionsData/sweden/valkrets_votes_{spec.year}.csv`, commit "
                     f"`{POLISIM_COMMITS[spec.year]}`; raw copy `sweden/valkrets_votes_{spec.year}.csv`",
                     "**None stated**: the repository has no licence file. The file's header names Valmyndigheten "
                     "(the Swedish Election Authority) as its primary source."))
        rows.append(("swedishpolls",
                     f"`{SWEDISHPOLLS}`, `Data/Polls.csv`, commit `{SWEDISHPOLLS_COMMIT}`; raw copy "
                     "`sweden/polls.csv` (only rows published after 2022-09-11 were dropped)",
                     "CC0 for the data (MIT for the code). Credit: MansMeg/SwedishPolls and its contributors."))
    out = ["| key | repository, path, commit | licence as the source states it |", "| --- | --- | --- |"]
    out += [f"| `{k}` | {where} | {licence} |" for k, where, licence in rows]
    return out


def sources_md(eid: str, spec: Spec, pg: ParlGov, result: Result, check: SeatCheck,
               polls: PollSelection | None, rows: list[Valkrets] | None) -> str:
    out = [f"# {eid}: sources and choices", ""]
    if spec.regional:
        out += para(f"Sweden's Riksdag election of {_day(spec.date)}: {SEATS} seats, modified Sainte-Laguë with "
                    f"first divisor {spec.first_divisor} and a 4% threshold of all valid votes. National and "
                    "per-valkrets results, pre-election polls, and the election-day polls of SVT and TV4.")
    else:
        out += para(f"Sweden's Riksdag election of {_day(spec.date)}, kept as the previous election of "
                    f"`se-2018-riksdag`: the national result only ({SEATS} seats, modified Sainte-Laguë with first "
                    f"divisor {spec.first_divisor}, a 4% threshold of all valid votes). The raw sources have no 2014 "
                    "valkrets results, and 2014's polls are not needed, so there are no regions, polls or exit polls.")
    out += ["## Sources and licences", "", *licence_rows(spec), ""]
    out += para("The raw copies are in `shared/data/elections-raw/sweden/`; its README says exactly how each was "
                "made from the repository file. Every file of this folder is written by `polls/sources/sweden.py` "
                "from those copies: to change a figure, change the converter and run it again.")

    # -- options ---------------------------------------------------------------------------
    out += ["## Options", ""]
    out += para(f"The eight parties that sit in the Riksdag ({', '.join(PARTIES)}) and `OTHERS`, all other "
                "parties together. `OTHERS` is `seatless`: it is not a list and wins no seats (0 in `results.csv`), "
                "but its votes are in the threshold base, as the votes of small parties are under the law.")
    out += item("Order: the column order of the valkrets files, S, M, SD, C, V, KD, L, MP (the 2018 result's "
                "order by votes), in all three Swedish data sets. It only breaks ties between equal comparison "
                "numbers, which the law settles by lot and which do not occur.")
    out += item("Codes: those of the poll file. ParlGov's `SAP` is `S`. ParlGov's `FP` is Folkpartiet "
                "liberalerna, which renamed itself Liberalerna in 2015; it is `L` in every year, so that its "
                "predecessor is simply `L`.")
    if spec.year == 2014:
        out += item(f"Feministiskt initiativ (FI): ParlGov lists it for 2014 ({thousands(pg.votes['Fi'])} votes, "
                    f"{pg.share['Fi']}%, no seats), but here it is inside `OTHERS`. This data set has no polls that "
                    "could report FI on its own; its use is as the previous election of 2018, where FI has to be "
                    "inside `OTHERS` (the 2018 valkrets file lists only the eight parties). With FI inside in both "
                    "years, `OTHERS` means the same thing in both and is its own predecessor. FI was under 4%, so "
                    "no seat depends on the choice.")
    else:
        out += item("Feministiskt initiativ (FI) and every other party are inside `OTHERS`. The valkrets files "
                    "give only the eight parties and the valid votes, so valid votes minus the eight is the only "
                    "other figure that exists per valkrets; with it the regions add up to the national votes.")
        out += item(f"Predecessors: every option's own code in `{spec.previous}`.")
    out.append("")

    # -- results ---------------------------------------------------------------------------
    out += ["## results.csv", "", "| figure | value | source |", "| --- | --- | --- |"]
    eight = ", ".join(f"{p} {thousands(result.votes[p])}" for p in PARTIES)
    seats = ", ".join(f"{p} {result.seats[p]}" for p in PARTIES)
    if spec.year == 2014:
        listed = sum(result.votes[p] for p in PARTIES)
        out += [
            f"| votes of the eight parties | {eight} | parlgov, `votes` |",
            f"| valid votes | {thousands(pg.votes_valid)} | parlgov, `votes_valid` |",
            f"| `OTHERS` | {thousands(result.votes[OTHERS])} | derived: valid votes − the eight parties "
            f"({thousands(listed)}); that is FI's {thousands(pg.votes['Fi'])} and "
            f"{thousands(result.votes[OTHERS] - pg.votes['Fi'])} for the parties ParlGov does not list |",
            f"| seats | {seats}; `OTHERS` 0 | parlgov, `seats` |",
            f"| `invalid` | {thousands(result.invalid)} | derived: parlgov `votes_cast` {thousands(pg.votes_cast)} − "
            "`votes_valid`: blank and invalid ballots |",
            f"| `registered` | {thousands(result.registered)} | parlgov, `electorate` |",
            "",
        ]
        out += para(f"ParlGov names `{pg.data_source}` as its source for this election's figures.")
    else:
        same_valid = pg.votes_valid == result.valid
        out += [
            f"| votes of the eight parties | {eight} | valkrets-{spec.year}: the sums of the 29 valkretsar; each "
            "equals parlgov's `votes` (checked by the converter) |",
            f"| valid votes | {thousands(result.valid)} | valkrets-{spec.year}: the sum of `valid`"
            + (" (equal to parlgov's `votes_valid`)" if same_valid else
               f" (parlgov's `votes_valid` is {thousands(pg.votes_valid)}: see below)") + " |",
            f"| `OTHERS` | {thousands(result.votes[OTHERS])} | derived: valid votes − the eight parties |",
            f"| seats | {seats}; `OTHERS` 0 | parlgov, `seats` |",
        ]
        if rows[0].cast is not None:
            cast = sum(r.cast for r in rows)
            out += [f"| `invalid` | {thousands(result.invalid)} | derived: valkrets-{spec.year} `cast` "
                    f"{thousands(cast)} − `valid`: blank and invalid ballots |",
                    f"| `registered` | {thousands(result.registered)} | valkrets-{spec.year}: the sum of `eligible`"
                    + (" (equal to parlgov's `electorate`)" if pg.electorate == result.registered else
                       f" (parlgov's `electorate`: {thousands(pg.electorate)})") + " |"]
        else:
            out += [f"| `invalid` | {thousands(result.invalid)} | derived: parlgov `votes_cast` "
                    f"{thousands(pg.votes_cast)} − the valid votes: blank and invalid ballots |",
                    f"| `registered` | {thousands(result.registered)} | parlgov, `electorate` |"]
        out.append("")
        if not same_valid:
            gap = result.valid - pg.votes_valid
            out += para(f"ParlGov's valid votes ({thousands(pg.votes_valid)}) and ballots cast "
                        f"({thousands(pg.votes_cast)}) are both {thousands(gap)} lower than the valkrets file's "
                        f"({thousands(result.valid)} and {thousands(pg.votes_cast + gap)}), which its header gives "
                        "as Valmyndigheten's final count; the party votes agree exactly, so ParlGov's totals appear "
                        f"to come from before the final count. The final count is used: `OTHERS` is "
                        f"{thousands(result.votes[OTHERS])}, where ParlGov's totals would give "
                        f"{thousands(result.votes[OTHERS] - gap)}. Blank and invalid ballots are "
                        f"{thousands(result.invalid)} either way.")
        if spec.year == 2018:
            out += para("The 2018 valkrets file is marked provisional in its header (its author summed "
                        "Valmyndigheten's polling-district workbook by valkrets). Its sums reproduce ParlGov's "
                        "eight party votes and valid total exactly, so it is used unchanged.")
    dropped = [p for p in PARTIES if not result.percent[p]]
    padded = [f"`{pg.share[k]}` for {code}" for k, code in PARLGOV_CODES.items() if pg.share[k] != result.percent[code]
              and result.percent[code]]
    out += para("`published_percent` is ParlGov's `vote_share`, written with two decimals, the precision of "
                "ParlGov's shares"
                + (" (the raw extract drops trailing zeros: " + ", ".join(padded) + ")" if padded else "")
                + ". Every one agrees, to those two decimals, with the votes above as a share of all valid votes, "
                "`OTHERS` included"
                + (" (checked by the converter)." if not dropped else f", except {', '.join(dropped)}, left empty.")
                + " `OTHERS` has no printed share and none is stored.")

    # -- seats -----------------------------------------------------------------------------
    out += ["## Seat rule and check", ""]
    out += para("Vallagen (2005:837), chapter 14, distributes 310 fixed seats within the 29 valkretsar and then 39 "
                "adjustment seats (utjämningsmandat), so that the Riksdag as a whole is proportional to the "
                "parties' national votes, by the modified odd-number method (jämkade uddatalsmetoden) with "
                f"divisors {spec.first_divisor}, 3, 5, 7, ... among the parties with at least 4% of the valid votes. "
                "Where the adjustment seats suffice, the outcome is the national allocation of all 349 seats, which "
                "is what `[rule]` computes. The first divisor was 1.4 up to 2014 and 1.2 from 2018.")
    if spec.regional:
        worst = max(rows, key=lambda r: Fraction(r.valid - sum(r.votes.values()), r.valid))
        top = Fraction(worst.valid - sum(worst.votes.values()), worst.valid)
        out += para("A party under 4% nationally but with 12% of the votes in a valkrets takes part in that "
                    "valkrets's fixed seats. The clause is not modelled. It cannot have applied in "
                    f"{spec.year}: all other parties together have at most {float(100 * top):.2f}% of the "
                    f"valid votes in any valkrets ({worst.name}).")
    else:
        out += para("A party under 4% nationally but with 12% of the votes in a valkrets takes part in that "
                    "valkrets's fixed seats. The clause is not modelled; in 2014 only the eight parties won seats "
                    "(ParlGov), and there are no valkrets results here to check it further.")
    out += para("The law settles equal comparison numbers by lot; the format's registration order stands in for "
                "it. In the check below the last seat's comparison number beats the best losing one by a factor "
                f"of {float(check.ratio):.6f}, so no tie is involved.")
    diffs = check.differences(result.seats)
    basis = (f"349 seats allocated nationally with first divisor {spec.first_divisor}, in exact arithmetic, among the "
             f"eight parties with at least 4% of the {thousands(result.valid)} valid votes")
    if diffs:
        out += para(f"Check: {basis}, does **not** give the official {spec.year} seats, so `[rule] approximate = "
                    "true`. Party by party:")
        out += ["| party | official seats (ParlGov) | national allocation | national − official |",
                "| --- | --- | --- | --- |"]
        out += [f"| {p} | {result.seats[p]} | {check.computed[p]} | {check.computed[p] - result.seats[p]:+d} |"
                for p in PARTIES]
        out.append("")
        more = [p for p, o, c in diffs if o > c]
        fewer = [p for p, o, c in diffs if o < c]
        out += para(f"Officially {' and '.join(more)} hold more seats than the national allocation gives them and "
                    f"{', '.join(fewer)} fewer; the other parties match. The official seats come from the "
                    "valkrets-level procedure (fixed seats per valkrets, then the adjustment seats), which this "
                    "time did not end at the national allocation; without 2014 valkrets results it cannot be "
                    "replayed here. Reports at the time said the same of SD, whose 49 seats were two more than "
                    "expected from its national share (e.g. The Local, 18 September 2014); that report is context, "
                    "not a source of any figure here. "
                    + (f"First divisor {check.other_divisor} gives the same national allocation."
                       if check.other == check.computed else
                       f"First divisor {check.other_divisor} would give "
                       + ", ".join(f"{p} {check.other[p]}" for p in PARTIES) + "."))
    else:
        out += para(f"Check: {basis}, gives the official seats exactly: "
                    + ", ".join(f"{p} {check.computed[p]}" for p in PARTIES) + ". "
                    + (f"First divisor {check.other_divisor} would give the same seats."
                       if check.other == check.computed else
                       f"First divisor {check.other_divisor} would give "
                       + ", ".join(f"{p} {check.other[p]}" for p in PARTIES) + "."))
    if not spec.regional:
        return "\n".join(out).rstrip("\n") + "\n"

    # -- regions ---------------------------------------------------------------------------
    assert rows is not None and polls is not None
    out += ["## Regions and regional_results.csv", ""]
    out += para(f"The 29 valkretsar, named as the valkrets-{spec.year} file prints them, with codes of our own "
                "(ASCII letters and '_'). The eight parties' votes per valkrets are the file's; `OTHERS` is `valid` "
                "minus the eight. Every option's 29 counts add up exactly to its national votes (the loader checks).")
    if rows[0].cast is not None:
        out += para("Per-valkrets `eligible` and `cast` are in the file but not stored (no format field uses "
                    "them; their sums are `registered` and, with `valid`, `invalid` in `results.csv`).")
    out += para("`group` is the landsdel: Sweden's customary three-way division into Götaland, Svealand and "
                "Norrland. It is not in the raw sources. Each valkrets is assigned the landsdel of the län it lies "
                "in, the usual county-level reading (the landsdelar are made of provinces, whose borders do not "
                "everywhere follow county borders):")
    for group in ("gotaland", "svealand", "norrland"):
        members = [f"{name} (`{code}`)" for name, code, g in VALKRETSAR if g == group]
        out += item(f"{LANDSDELAR[group]}, `{group}` ({len(members)}): {', '.join(members)}.")
    out.append("")
    out += para("`[election_night] count_order`: the order in which the valkretsar reported on election night is "
                "not in our sources, so the row order of the valkrets files is used.")

    # -- polls -----------------------------------------------------------------------------
    first_day = spec.date - dt.timedelta(days=WINDOW_DAYS)
    last_day = spec.date - dt.timedelta(days=1)
    out += ["## polls.csv", ""]
    out += para(f"The swedishpolls rows whose fieldwork ended (`collectPeriodTo`) between {first_day} and "
                f"{last_day}, the {WINDOW_DAYS} days before election day, and that were published (`PublDate`) "
                f"no later than election day: **{len(polls.polls)} polls** from {len(polls.firms)} firms ("
                + ", ".join(f"{f} {n}" for f, n in polls.firms.items())
                + "). They are sorted by fieldwork end, then publication date, then firm.")
    for row in polls.published_on_election_day:
        out += item(f"One of them was published on election day: {row['Company']}, fieldwork "
                    f"{row['collectPeriodFrom']} to {row['collectPeriodTo']}, n = {row['n']}. Its fieldwork ended "
                    "before election day and it was published by election day, so it counts as a pre-election "
                    "poll, which is also how the loader dates it (by fieldwork end). Whether it appeared before the "
                    "polling stations closed is not in the source. Its note says it was published on election day.")
    if polls.no_publication_date:
        out += item(f"{polls.no_publication_date} rows in the window have no publication date; they are left out.")
    out += item("`firm`: the source's `house` (the firm's latest name), else `Company`. "
                + ("Where the two differ, the note gives the name published: "
                   + ", ".join(f"{c} as {h} ({n})" for (c, h), n in sorted(polls.renamed.items())) + "."
                   if polls.renamed else "In these rows `house` and `Company` agree."))
    out += item("Firm names are the same in 2018 and 2022 (Sifo, Novus, Demoskop, Ipsos, Skop, Sentio). Inizio "
                "appears only in 2018, Infostat only in 2022, YouGov only in 2018. Demoskop and Inizio merged in "
                "2019, and from November 2019 the polls published as Demoskop use Inizio's method (the "
                "SwedishPolls package's `handle_demoskop_inizio_polls` records this): `Demoskop` in 2022 is "
                "Inizio's method under Demoskop's name, not the Demoskop of 2018. The source's names are kept; "
                "house effects are estimated within each election, so nothing carries over the merger.")
    out += item("`fieldwork_start`, `fieldwork_end`, `published`, `sample_size`: `collectPeriodFrom`, "
                "`collectPeriodTo`, `PublDate`, `n`. `n` is the number of respondents; for Sentio it is the number "
                "naming a party, as the source's README says. Empty where the source has `NA`.")
    low, high = polls.party_sum
    out += item("Party columns: the source's shares, unchanged. They are percentages of respondents who name a "
                f"party: the party columns (FI included where given) sum to between {low} and {high}, the rest "
                "being smaller parties. `OTHERS` is derived as 100 − the eight parties, exactly, so it has the "
                "decimals of the inputs (one, or none where a firm printed whole numbers) and every row sums to "
                "exactly 100. The model thus reads every poll as having no undecided respondents.")
    out += item(f"`Uncertain` (given in {polls.uncertain_rows} rows) is not written to `undecided`. The party "
                "shares already sum to about 100 without it, so it must be a share of a larger base "
                "(presumably all respondents), "
                "while `undecided` is read as a share of the same base as the parties; adding it would push rows "
                "past 100. It is kept in the note only.")
    out += item(f"FI is given in {polls.fi_rows} rows; it is inside `OTHERS`, and the note gives its figure.")
    if polls.approx_rows:
        out += item(f"`approxPeriod` = TRUE in {polls.approx_rows} rows: their notes say the fieldwork dates are "
                    "approximate.")
    if polls.overlapping:
        out += item("Polls whose fieldwork overlaps the same firm's previous poll: "
                    + ", ".join(f"{f} {n}" for f, n in polls.overlapping.items())
                    + ". Most are rolling polls published daily in the last weeks, whose consecutive samples share "
                    "respondents. All are kept, as the source lists them; treating them as independent "
                    "overstates how much they tell.")
    for firm, start, end, n, count in polls.same_fieldwork:
        out += item(f"{count} {firm} rows share the same fieldwork ({start} to {end}) and n ({n}) but give "
                    "different shares and publication dates; the source has them as separate polls, and both "
                    "are kept.")
    out += item("The source's README says that Ipsos figures summing to 101 were scaled by 100/101.")
    out.append("")

    # -- exit polls ------------------------------------------------------------------------
    out += ["## exit_polls.csv", ""]
    out += para(f"The swedishpolls rows with fieldwork on election day ({spec.date}): "
                + "; ".join(f"{r[0]} (n = {r[2]}{', ' + r[-1] if r[-1] else ''})" for r in polls.exits)
                + ". `firm` is `house`, as for the polls; the note gives `Company` where it differs. "
                "`OTHERS` = 100 − the eight parties, as for the polls; FI is not given in these rows. Polling "
                "stations and stated margins are not in the source.")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------
def build(raw: Path, out: Path) -> list[Path]:
    """Write the three Swedish folders under `out` from `raw` (the elections-raw folder)."""
    base = raw / "sweden"
    poll_rows = read_polls(base / "polls.csv")
    written = []
    for eid, spec in ELECTIONS.items():
        pg = read_parlgov(base / "national_results_parlgov.csv", spec.date)
        rows = read_valkrets(base / f"valkrets_votes_{spec.year}.csv") if spec.regional else None
        result = national_from_valkretsar(rows, pg, spec.year) if rows else national_2014(pg)
        check = seat_check(result, spec.first_divisor)
        if check.ratio <= 1:
            raise ValueError(f"{eid}: a tie decides the last seat")
        if spec.regional and check.differences(result.seats):
            raise ValueError(f"{eid}: the national allocation does not give the official seats")
        selection = select_polls(poll_rows, spec.date) if spec.regional else None
        folder = out / eid
        write_text(folder / "election.toml", election_toml(eid, spec, result, check))
        results_csv(folder / "results.csv", result)
        if spec.regional:
            regional_csv(folder / "regional_results.csv", rows)
            write_csv(folder / "polls.csv", POLL_HEADER, selection.polls)
            write_csv(folder / "exit_polls.csv", EXIT_HEADER, selection.exits)
        write_text(folder / "SOURCES.md", sources_md(eid, spec, pg, result, check, selection, rows))
        written.append(folder)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    return command_line("python -m polls.sources.sweden", "Write the Swedish Riksdag data sets from the raw files.",
                        build, argv)


if __name__ == "__main__":
    raise SystemExit(main())
