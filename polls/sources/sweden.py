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

import argparse
import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from . import format_number, write_csv, write_text

__all__ = ["ELECTIONS", "PARTIES", "VALKRETSAR", "build", "main"]

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
    notes: list[str] = field(default_factory=list)


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
    polls: list[list[object]]
    exits: list[list[object]]
    published_on_election_day: list[dict[str, str]]
    no_publication_date: int
    firms: dict[str, int]
    renamed: dict[tuple[str, str], int]      # (Company, house) -> rows where they differ
    fi_rows: int
    uncertain_rows: int
    approx_rows: int


def _others(row: dict[str, str]) -> str:
    """100 minus the eight parties, exactly, to the decimals of the inputs."""
    values = [row[p] for p in PARTIES]
    if "NA" in values:
        return ""
    rest = Decimal(100) - sum((Decimal(v) for v in values), Decimal(0))
    if rest < 0:
        raise ValueError(f"poll shares of the eight parties exceed 100: {row}")
    return str(rest)


def _firm(row: dict[str, str]) -> str:
    return row["house"] if row["house"] not in ("", "NA") else row["Company"]


def select_polls(rows: list[dict[str, str]], election_day: dt.date) -> PollSelection:
    start = election_day - dt.timedelta(days=WINDOW_DAYS)
    chosen, exits, on_day = [], [], []
    no_publ = 0
    for index, row in enumerate(rows):
        if row["house"] == "Election" or row["collectPeriodTo"] == "NA":
            continue
        end = dt.date.fromisoformat(row["collectPeriodTo"])
        if end == election_day and row["collectPeriodFrom"] == election_day.isoformat():
            exits.append((index, row))
            continue
        if not start <= end < election_day:
            continue
        if row["PublDate"] == "NA":
            no_publ += 1
            continue
        published = dt.date.fromisoformat(row["PublDate"])
        if published > election_day:
            continue
        if published == election_day:
            on_day.append(row)
        chosen.append((index, row))
    # chronological by fieldwork end, then publication, then firm; ties keep the file order
    chosen.sort(key=lambda item: (item[1]["collectPeriodTo"], item[1]["PublDate"], _firm(item[1]), item[0]))

    polls, firms, renamed = [], {}, {}
    fi_rows = uncertain_rows = approx_rows = 0
    for _, row in chosen:
        firm = _firm(row)
        firms[firm] = firms.get(firm, 0) + 1
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
            notes.append(f"Uncertain {row['Uncertain']} (source column; not part of the shares)")
            uncertain_rows += 1
        if firm == "Sentio":
            notes.append("n = respondents naming a party")
        polls.append([firm, row["collectPeriodFrom"] if row["collectPeriodFrom"] != "NA" else "",
                      row["collectPeriodTo"], row["PublDate"], "" if row["n"] == "NA" else row["n"],
                      *(row[p] if row[p] != "NA" else "" for p in PARTIES), _others(row), "; ".join(notes)])

    exit_rows = []
    for _, row in sorted(exits, key=lambda item: (_firm(item[1]), item[0])):
        firm = _firm(row)
        notes = [f"published as {row['Company']}"] if row["Company"] != firm else []
        if row["FI"] != "NA":
            notes.append(f"FI {row['FI']} (inside OTHERS)")
        exit_rows.append([firm, row["collectPeriodTo"], "" if row["n"] == "NA" else row["n"],
                          *(row[p] if row[p] != "NA" else "" for p in PARTIES), _others(row), "; ".join(notes)])
    return PollSelection(polls, exit_rows, on_day, no_publ, dict(sorted(firms.items())), renamed,
                         fi_rows, uncertain_rows, approx_rows)


POLL_HEADER = ["firm", "fieldwork_start", "fieldwork_end", "published", "sample_size", *OPTIONS, "note"]
EXIT_HEADER = ["firm", "fieldwork_end", "sample_size", *OPTIONS, "note"]


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------
def _seat_check(result: Result, first_divisor: str) -> tuple[dict[str, int], Fraction]:
    lists = {p: result.votes[p] for p in PARTIES}
    return allocate_exact(lists, SEATS, Fraction(first_divisor), THRESHOLD, result.valid)


def _differences(computed: dict[str, int], official: dict[str, int]) -> list[tuple[str, int, int]]:
    return [(p, official[p], computed[p]) for p in PARTIES if computed[p] != official[p]]


def election_toml(eid: str, spec: Spec, result: Result, computed: dict[str, int]) -> str:
    day = f"{spec.date.day} {spec.date:%B %Y}"
    diffs = _differences(computed, result.seats)
    out = [
        f"# Sweden, Riksdag election of {day}.",
        "# Format: polls/README.md. Where each figure comes from: SOURCES.md.",
        "# Written by polls/sources/sweden.py from shared/data/elections-raw; edit the converter, not this file.",
        f"id = {toml_string(eid)}",
        f"name = {toml_string(f'Sweden Riksdag election, {day}')}",
        'country = "Sweden"',
        'chamber = "Riksdag"',
        f"date = {spec.date.isoformat()}",
        f"list_seats = {SEATS}",
    ]
    if spec.previous:
        out.append(f"previous = {toml_string(spec.previous)}")
    out += ["", "[rule]", 'method = "modified-sainte-lague"',
            f"first_divisor = {spec.first_divisor}             # divisors {spec.first_divisor}, 3, 5, 7, ...",
            f"threshold = {THRESHOLD}                   # percent of all valid votes in the whole country",
            'threshold_base = "valid_votes"     # OTHERS (all other parties) counts in the base',
            "# The law decides equal comparison numbers by lot; registration order stands in for it.",
            "# No tie decides a seat in this election (SOURCES.md).",
            'tie_break = "registration_order"']
    law = ("Vallagen (2005:837), 14 kap.: 310 fixed seats are distributed in the 29 valkretsar and 39 "
           "adjustment seats (utjämningsmandat) so that the whole Riksdag is proportional to the parties' "
           "votes in the whole country, by the modified odd-number method (jämkade uddatalsmetoden) among "
           f"parties with at least 4% of the valid votes; the first divisor is {spec.first_divisor}"
           + (" (1.4 until the amendment that took effect for 2018)" if spec.year >= 2018 else
              " (lowered to 1.2 from the 2018 election)")
           + ". The allocation of all 349 seats nationally is therefore the binding one, as long as the "
           "adjustment seats suffice. A party under 4% with 12% in one valkrets takes part in that "
           "valkrets's fixed seats only; that clause is not modelled (no party used it in 2014, 2018 or 2022).")
    if diffs:
        off = ", ".join(f"{p} {o} official vs {c} nationally ({c - o:+d})" for p, o, c in diffs)
        law += (f" In {spec.year} the official seats differ from the national allocation: {off}; the official "
                "seats come from the valkrets-level distribution, which is not in our sources for this year.")
        out.insert(out.index('tie_break = "registration_order"') + 1, "approximate = true")
    else:
        law += f" The national allocation reproduces the official {spec.year} seats exactly."
    out.append(f"note = {toml_string(law)}")

    out += ["", f"# Registration order: the column order of the valkrets files ({', '.join(PARTIES)}), which is the",
            "# 2018 result's order by votes; it only breaks ties, and none occurs. OTHERS holds every other party.",
            ]
    for p in OPTIONS:
        out += ["", "[[parties]]", f"code = {toml_string(p)}"]
        name = L_NAME_2014 if (p == "L" and spec.year == 2014) else PARTY_NAMES[p]
        out.append(f"name = {toml_string(name)}")
        if p == OTHERS:
            out.append("seatless = true")
        if spec.previous:
            out.append(f"predecessor = {toml_string(p)}")
        note = party_note(p, spec.year)
        if note:
            out.append(f"note = {toml_string(note)}")

    if spec.regional:
        out += ["", "# The 29 valkretsar (Riksdag constituencies), as the valkrets files name them. group: the",
                "# landsdel (Götaland, Svealand, Norrland) of the län the valkrets lies in (SOURCES.md)."]
        for name, code, group in VALKRETSAR:
            out += ["", "[[regions]]", f"code = {toml_string(code)}", f"name = {toml_string(name)}",
                    f"group = {toml_string(group)}"]
        out += ["", "[election_night]",
                "# The real order in which the valkretsar reported is not in our sources: the row order",
                "# of the valkrets files is used.",
                "count_order = [" + ", ".join(toml_string(code) for _, code, _ in VALKRETSAR) + "]"]

    out += ["", "[[sources]]", 'key = "parlgov"',
            f"what = {toml_string(f'ParlGov ({PARLGOV} at {PARLGOV_COMMIT[:12]}), via elections-raw/sweden/national_results_parlgov.csv: seats, vote shares' + (', votes, valid and cast votes, electorate' if spec.year == 2014 else ', votes (cross-check)' + (', cast votes, electorate' if spec.year == 2018 else '')))}"]
    if spec.regional:
        out += ["", "[[sources]]", f'key = "valkrets-{spec.year}"',
                f"what = {toml_string(f'{POLISIM} ElectionsData/sweden/valkrets_votes_{spec.year}.csv at {POLISIM_COMMITS[spec.year][:12]} (from Valmyndigheten; no licence stated by the repository): votes per valkrets and nationally')}",
                "", "[[sources]]", 'key = "swedishpolls"',
                f"what = {toml_string(f'{SWEDISHPOLLS} Data/Polls.csv at {SWEDISHPOLLS_COMMIT[:12]} (CC0), via elections-raw/sweden/polls.csv: polls and election-day polls')}"]
    return "\n".join(out) + "\n"


def party_note(code: str, year: int) -> str:
    if code == "L":
        if year == 2014:
            return ("Folkpartiet liberalerna (ParlGov code FP); renamed Liberalerna in 2015. The code L is used in "
                    "every year so that the party keeps one code.")
        return "Folkpartiet liberalerna until 2015 (ParlGov code FP)."
    if code == "S":
        return "ParlGov code SAP."
    if code == OTHERS:
        text = "Valid votes for all other parties: valid votes minus the eight parties. Includes Feministiskt initiativ (FI)"
        return text + (" and Partiet Nyans." if year == 2022 else ".")
    return ""


def results_csv(path: Path, result: Result) -> None:
    rows = [[p, format_number(result.votes[p]), format_number(result.seats[p]), result.percent[p]] for p in OPTIONS]
    rows += [["invalid", format_number(result.invalid), "", ""], ["registered", format_number(result.registered), "", ""]]
    write_csv(path, ["entry", "votes", "seats", "published_percent"], rows)


def regional_csv(path: Path, rows: list[Valkrets]) -> None:
    out = []
    for (_, code, _), r in zip(VALKRETSAR, rows, strict=True):
        out.append([code, *(r.votes[p] for p in PARTIES), r.valid - sum(r.votes.values())])
    write_csv(path, ["region", *OPTIONS], out)


# ---------------------------------------------------------------------------------------
# SOURCES.md
# ---------------------------------------------------------------------------------------
LICENCES = f"""## Sources and licences
| key | repository, path, commit | licence as stated by the source |
| --- | --- | --- |
| `swedishpolls` | `{SWEDISHPOLLS}`, `Data/Polls.csv`, commit `{SWEDISHPOLLS_COMMIT}` (raw copy: `sweden/polls.csv`, rows after 2022-09-11 dropped, other rows unchanged) | CC0 for the data (MIT for the code). Credit: Måns Magnusson and contributors, SwedishPolls. |
| `parlgov` | `{PARLGOV}`, `scripts/migrate_parlgov-db/import-data-legacy/` (election, election result, party and country tables), commit `{PARLGOV_COMMIT}`, files last changed in `{PARLGOV_FILES_COMMIT}` (raw extract: `sweden/national_results_parlgov.csv`) | CC0 1.0 for the data. Credit: Döring, Holger, and Philip Manow, ParlGov (parlgov.org). |
| `valkrets-2018` | `{POLISIM}`, `ElectionsData/sweden/valkrets_votes_2018.csv`, commit `{POLISIM_COMMITS[2018]}` (raw copy: `sweden/valkrets_votes_2018.csv`) | **No licence stated**: the repository has no licence file. The file's own header names Valmyndigheten (the Swedish Election Authority) as the primary source. |
| `valkrets-2022` | `{POLISIM}`, `ElectionsData/sweden/valkrets_votes_2022.csv`, commit `{POLISIM_COMMITS[2022]}` (raw copy: `sweden/valkrets_votes_2022.csv`) | **No licence stated**: the repository has no licence file. The file's own header names Valmyndigheten (the Swedish Election Authority) as the primary source. |

The raw copies are in `shared/data/elections-raw/sweden/` (see its README for the exact changes made
to each file). This folder is written by `polls/sources/sweden.py`; to change a figure, change the
converter and run it again.
"""


def sources_md(eid: str, spec: Spec, pg: ParlGov, result: Result, computed: dict[str, int],
               margin: Fraction, other_check: dict[str, int], polls: PollSelection | None,
               rows: list[Valkrets] | None) -> str:
    day = f"{spec.date.day} {spec.date:%B %Y}"
    out = [f"# {eid}: sources and choices", ""]
    if spec.regional:
        out.append(f"Sweden's Riksdag election of {day}: {SEATS} seats, modified Sainte-Laguë with first divisor "
                   f"{spec.first_divisor}, a 4% threshold of all valid votes; national and per-valkrets results, "
                   "pre-election polls and the election-day polls of SVT and TV4.")
    else:
        out.append(f"Sweden's Riksdag election of {day}, as the previous election of `se-2018-riksdag`: the national "
                   f"result only ({SEATS} seats, modified Sainte-Laguë with first divisor {spec.first_divisor}, a 4% "
                   "threshold of all valid votes). No polls, exit polls or regional results are included: "
                   "the raw sources hold no 2014 constituency results.")
    out += ["", LICENCES]

    # -- options --------------------------------------------------------------------
    out += ["## Options", "",
            f"The eight parties in the Riksdag ({', '.join(PARTIES)}) and `OTHERS`, all other parties together.",
            "`OTHERS` is marked `seatless`: it is not a list, it wins no seats (0 in `results.csv`), but its votes",
            "count in the threshold base, as the valid votes for small parties do under the law.",
            "",
            "- Order (it only breaks ties between equal comparison numbers, which the law settles by lot and",
            "  which do not occur): the column order of the valkrets files, S, M, SD, C, V, KD, L, MP; it is also",
            "  the order of the 2018 result by votes. The same order is used in all three Swedish data sets.",
            "- Codes: the poll file's codes. ParlGov's `SAP` is `S`; ParlGov's `FP` (Folkpartiet liberalerna,",
            "  renamed Liberalerna in 2015: the same party) is `L` in every year, so that L's predecessor",
            "  is simply `L`.",
            ]
    if spec.year == 2014:
        fi = pg.votes["Fi"]
        out += ["- Feministiskt initiativ (FI) is listed separately by ParlGov for 2014 "
                f"({thousands(fi)} votes, {pg.share['Fi']}%), but it is kept inside `OTHERS` here. This data set",
                "  has no polls that could report FI, and it serves as the previous election of 2018, where FI",
                "  has to be inside `OTHERS` (the 2018 valkrets file gives only the eight parties). Keeping FI",
                "  inside `OTHERS` in both years gives `OTHERS` one meaning and lets it be its own predecessor.",
                "  FI won no seats (under 4%), so the choice does not change any seat."]
    else:
        out += ["- Feministiskt initiativ (FI) and every other party are inside `OTHERS`: the valkrets files give only",
                "  the eight parties and the valid votes, so only `OTHERS` = valid − the eight can be",
                "  computed per valkrets, and only then do the regions add up to the national votes.",
                "- Predecessors: each option's predecessor is its own code in `" + str(spec.previous) + "`."]
    out.append("")

    # -- results ----------------------------------------------------------------------
    out += ["## results.csv", ""]
    if spec.year == 2014:
        listed = sum(v for k, v in pg.votes.items() if k != "Fi")
        out += [
            "| figure | value | source |", "| --- | --- | --- |",
            "| votes of the eight parties | " + ", ".join(f"{p} {thousands(result.votes[p])}" for p in PARTIES)
            + " | parlgov (`votes`) |",
            f"| valid votes | {thousands(pg.votes_valid)} | parlgov (`votes_valid`) |",
            f"| `OTHERS` | {thousands(result.votes[OTHERS])} | derived: valid votes {thousands(pg.votes_valid)} − the eight "
            f"parties {thousands(listed)}; this is FI's {thousands(pg.votes['Fi'])} plus "
            f"{thousands(pg.votes_valid - listed - pg.votes['Fi'])} for parties ParlGov does not list |",
            "| seats | " + ", ".join(f"{p} {result.seats[p]}" for p in PARTIES) + " (total 349; OTHERS 0) | parlgov (`seats`) |",
            f"| `invalid` | {thousands(result.invalid)} | derived: parlgov `votes_cast` {thousands(pg.votes_cast)} − `votes_valid` (blank and invalid ballots) |",
            f"| `registered` | {thousands(result.registered)} | parlgov (`electorate`) |",
            "",
            f"ParlGov gives `{pg.data_source}` as the data source of this election.",
        ]
    else:
        valid_note = (f"the same as parlgov's `votes_valid`" if pg.votes_valid == result.valid else
                      f"parlgov's `votes_valid` is {thousands(pg.votes_valid)}, {thousands(result.valid - pg.votes_valid)} "
                      "fewer")
        out += [
            "| figure | value | source |", "| --- | --- | --- |",
            "| votes of the eight parties | " + ", ".join(f"{p} {thousands(result.votes[p])}" for p in PARTIES)
            + f" | valkrets-{spec.year}: column sums over the 29 valkretsar; each equals parlgov's `votes` |",
            f"| valid votes | {thousands(result.valid)} | valkrets-{spec.year}: sum of `valid` ({valid_note}) |",
            f"| `OTHERS` | {thousands(result.votes[OTHERS])} | derived: valid votes − the eight parties |",
            "| seats | " + ", ".join(f"{p} {result.seats[p]}" for p in PARTIES) + " (total 349; OTHERS 0) | parlgov (`seats`) |",
        ]
        if rows[0].cast is not None:
            cast = sum(r.cast for r in rows)
            out += [f"| `invalid` | {thousands(result.invalid)} | derived: valkrets-{spec.year} `cast` {thousands(cast)} − `valid` (blank and invalid ballots) |",
                    f"| `registered` | {thousands(result.registered)} | valkrets-{spec.year}: sum of `eligible` (parlgov's `electorate` is {thousands(pg.electorate)}) |"]
        else:
            out += [f"| `invalid` | {thousands(result.invalid)} | derived: parlgov `votes_cast` {thousands(pg.votes_cast)} − valid votes (blank and invalid ballots) |",
                    f"| `registered` | {thousands(result.registered)} | parlgov (`electorate`) |"]
        out.append("")
        if pg.votes_valid != result.valid:
            out += [f"ParlGov's valid total ({thousands(pg.votes_valid)}) and ballots cast ({thousands(pg.votes_cast)}) are "
                    f"both {thousands(result.valid - pg.votes_valid)} lower than the valkrets file's, which is "
                    "Valmyndigheten's final count (`slutlig`, per the file's header); ParlGov's totals appear to",
                    "predate it. The party votes agree exactly. The final count is used, so `OTHERS` is "
                    f"{thousands(result.votes[OTHERS])} rather than {thousands(result.votes[OTHERS] - (result.valid - pg.votes_valid))}.", ""]
        if spec.year == 2018:
            out += ["The 2018 valkrets file's header marks it provisional (an aggregation of Valmyndigheten's "
                    "polling-district workbook by the repository's author); its column sums reproduce ParlGov's "
                    "party votes and valid total exactly, so it is used as it is.", ""]
    dropped = [p for p in PARTIES if not result.percent[p]]
    out += ["`published_percent`: ParlGov's `vote_share`. The raw extract writes it without trailing zeros",
            "(e.g. `8` for 8.00); it is written here with the two decimals ParlGov gives every other share.",
            "Each one agrees with the votes above (share of all valid votes, `OTHERS` included) to those two",
            "decimals" + (", checked by the converter." if not dropped else
                          f", except {', '.join(dropped)}, left empty."),
            f"`OTHERS` has no printed percentage (it is derived), so none is stored.", ""]

    # -- seat check -----------------------------------------------------------------------
    diffs = _differences(computed, result.seats)
    out += ["## Seat rule and check", "",
            f"Vallagen (2005:837), chapter 14: 310 fixed seats are distributed within the 29 valkretsar and 39",
            "adjustment seats are then added so that the Riksdag as a whole is proportional to the parties'",
            "national votes; the method is the modified odd-number method (jämkade uddatalsmetoden),",
            f"divisors {spec.first_divisor}, 3, 5, 7, ..., among parties with at least 4% of the valid votes. "
            "As long as the",
            "adjustment seats suffice, the result is the allocation of all 349 seats nationally, which is what",
            "`[rule]` describes. A party under 4% but with 12% in one valkrets takes part in that valkrets's",
            "fixed seats only; no party did so in 2014, 2018 or 2022, and the clause is not modelled.",
            "The law settles equal comparison numbers by lot; the format's registration order stands in for it.", ""]
    ratio = float(margin)
    if diffs:
        out += [f"Check: allocating 349 seats nationally with first divisor {spec.first_divisor} (exact arithmetic,",
                f"the eight parties, threshold 4% of {thousands(result.valid)} valid votes) does **not** reproduce the "
                f"official {spec.year} seats, so `[rule] approximate = true`:", "",
                "| party | official (ParlGov) | national allocation | difference |", "| --- | --- | --- | --- |"]
        for p in PARTIES:
            out.append(f"| {p} | {result.seats[p]} | {computed[p]} | {computed[p] - result.seats[p]:+d} |")
        out += ["",
                "The official result came out of the valkrets-level procedure (fixed seats per valkrets, then the",
                "adjustment seats), which did not end at the national proportional allocation this time: SD and S",
                "hold more seats than the national allocation gives, M, L and KD fewer. Our sources have no 2014",
                "valkrets results, so the procedure cannot be replayed here. (Press reports at the time described",
                "SD receiving 49 seats instead of the 47 of a national count, e.g. The Local, 18 September 2014;",
                "this is context, not a source of any figure.)"]
        if other_check != computed:
            out.append(f"With first divisor 1.2 the national allocation would be "
                       + ", ".join(f"{p} {other_check[p]}" for p in PARTIES) + ".")
        else:
            out.append("First divisor 1.2 gives the same national allocation.")
        out.append("")
    else:
        out += [f"Check: allocating 349 seats nationally with first divisor {spec.first_divisor} (exact arithmetic, the",
                f"eight parties, threshold 4% of {thousands(result.valid)} valid votes) reproduces the official seats "
                "exactly: " + ", ".join(f"{p} {computed[p]}" for p in PARTIES) + ".",
                "The last seat's comparison number exceeds the best losing one by a factor "
                f"{ratio:.6f}, so no tie is involved." + (" First divisor 1.4 gives the same seats." if other_check == computed
                                                          else ""),
                ""]

    if not spec.regional:
        return "\n".join(out)

    # -- regions ----------------------------------------------------------------------------
    groups: dict[str, list[str]] = {}
    for name, code, group in VALKRETSAR:
        groups.setdefault(group, []).append(f"{name} (`{code}`)")
    out += ["## Regions and regional_results.csv", "",
            f"The 29 valkretsar, named as the valkrets-{spec.year} file prints them, with codes of our own (ASCII",
            "letters, no spaces). Votes per valkrets are the file's; `OTHERS` per valkrets is derived as `valid`",
            "minus the eight parties. Every option's 29 values add up exactly to `results.csv` (checked by the",
            "loader).", ""]
    if rows[0].cast is not None:
        out += ["Valkrets turnout is not stored: it could be derived from `cast` / `eligible`, but nothing uses it.", ""]
    out += ["`group` is the landsdel, the traditional three-way division of Sweden into Götaland, Svealand and",
            "Norrland. It is not in the raw sources: it is assigned here by the län each valkrets lies in,",
            "following the usual county-level reading of the landsdelar (their historical borders follow the",
            "provinces, which do not everywhere coincide with county borders):", ""]
    for group in ("gotaland", "svealand", "norrland"):
        out.append(f"- {LANDSDELAR[group]} (`{group}`, {len(groups[group])}): {', '.join(groups[group])}.")
    out += ["", "`[election_night] count_order`: the order in which the valkretsar reported on election night is",
            "not in our sources; the row order of the valkrets files is used.", ""]

    # -- polls ----------------------------------------------------------------------------
    assert polls is not None
    start = spec.date - dt.timedelta(days=WINDOW_DAYS)
    firms = ", ".join(f"{f} {n}" for f, n in polls.firms.items())
    out += ["## polls.csv", "",
            f"Rows of swedishpolls whose fieldwork ended (`collectPeriodTo`) from {start} to {spec.date - dt.timedelta(days=1)}",
            f"(the {WINDOW_DAYS} days before election day) and that were published (`PublDate`) on or before election day:",
            f"**{len(polls.polls)} polls** from {len(polls.firms)} firms ({firms}). Sorted by fieldwork end,",
            "then publication date, then firm.", ""]
    if polls.published_on_election_day:
        for row in polls.published_on_election_day:
            out += [f"- Published on election day: {row['Company']}, fieldwork {row['collectPeriodFrom']} to "
                    f"{row['collectPeriodTo']}, n = {row['n']}. Its fieldwork ended before election day and it was out",
                    "  before the polls closed, so it counts as a pre-election poll (the loader dates polls by",
                    "  fieldwork end); the raw README's caution about election-day rows concerns the exit polls.",
                    "  Its note says so."]
    if polls.no_publication_date:
        out.append(f"- {polls.no_publication_date} rows in the window have no publication date and are left out.")
    out += [
        "- `firm`: the source's `house` (the firm's latest name), else `Company`. "
        + ("Where they differ, the note gives the published name: "
           + ", ".join(f"{c} → {h} ({n})" for (c, h), n in sorted(polls.renamed.items())) + "."
           if polls.renamed else "In this window `house` and `Company` agree for every poll."),
        "  The same names are used in 2018 and 2022 (Sifo, Novus, Demoskop, Ipsos, Skop, Sentio, ...).",
        "  Sifo is Kantar Sifo; the file calls it Sifo throughout. In 2019 Demoskop and Inizio merged and",
        "  from November 2019 the polls published as Demoskop continue Inizio's method (SwedishPolls'",
        "  `handle_demoskop_inizio_polls` documents this): `Demoskop` in 2022 is therefore methodologically",
        "  Inizio's successor, not the Demoskop of 2018. Names are kept as the source gives them; house",
        "  effects are estimated per election, so nothing is carried across the merger.",
        "- `fieldwork_start`, `fieldwork_end`, `published`, `sample_size`: `collectPeriodFrom`, `collectPeriodTo`,",
        "  `PublDate`, `n` (the number of respondents; for Sentio the number naming a party, as the source's",
        "  README says; empty where the source has `NA`).",
        f"- Party columns: the source's shares, unchanged. `OTHERS` is derived: 100 − the eight parties, exact",
        "  to the decimals of the inputs (one decimal, or none where a poll prints whole numbers), so every",
        "  row sums to exactly 100. This is right because the shares are percentages of respondents who name",
        "  a party: the nine party columns (FI included) sum to 95-99.7 in every row, the rest being",
        "  smaller parties. The model reads them as shares with nobody undecided.",
        f"- `Uncertain` ({polls.uncertain_rows} rows): the source's count of uncertain voters is a share *outside* the party",
        "  shares (the party shares already sum to about 100 without it), so it is **not** written to",
        "  `undecided`, which the format reads as a share of the same respondents as the parties (the",
        "  row would then exceed 100). It is kept in `note` only.",
        f"- FI: reported in {polls.fi_rows} rows; it is inside `OTHERS`, and the note gives its figure.",
        f"- `approxPeriod` = TRUE ({polls.approx_rows} rows): noted as approximate fieldwork dates.",
        "- From the source's README: Ipsos figures that summed to 101 were scaled by 100/101 by the source.",
        "",
        "## exit_polls.csv", "",
        f"The swedishpolls rows dated election day ({spec.date}; fieldwork that day): "
        + "; ".join(f"{r[0]} (n = {r[2]})" for r in polls.exits) + ".",
        "`firm` is `house` as for the polls (the note gives `Company`). `OTHERS` = 100 − the eight parties,",
        "as for the polls; FI is not reported in these rows. Polling stations and margins are not in the source.",
        "",
    ]
    return "\n".join(out)


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
        computed, margin = _seat_check(result, spec.first_divisor)
        other, _ = _seat_check(result, "1.2" if spec.first_divisor == "1.4" else "1.4")
        if spec.regional and _differences(computed, result.seats):
            raise ValueError(f"{eid}: the national allocation does not give the official seats")
        folder = out / eid
        selection = select_polls(poll_rows, spec.date) if spec.regional else None
        write_text(folder / "election.toml", election_toml(eid, spec, result, computed))
        results_csv(folder / "results.csv", result)
        if spec.regional:
            regional_csv(folder / "regional_results.csv", rows)
            write_csv(folder / "polls.csv", POLL_HEADER, selection.polls)
            write_csv(folder / "exit_polls.csv", EXIT_HEADER, selection.exits)
        write_text(folder / "SOURCES.md", sources_md(eid, spec, pg, result, computed, margin, other, selection, rows))
        written.append(folder)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m polls.sources.sweden", description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, required=True, help="the elections-raw folder (holds sweden/)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the election folders")
    args = parser.parse_args(argv)
    for folder in build(args.raw, args.out):
        print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
