"""German Bundestag elections 2009-2021: raw public files -> four bundled data sets.

    python -m polls.sources.germany --raw /work/shared/data/elections-raw --out polls/data

writes `de-2009-bundestag` (national and Land results, no polls, no seats per party),
`de-2013-bundestag`, `de-2017-bundestag` and `de-2021-bundestag` (polls of the last 100 days,
national and Land results, seats).
Every file is generated here, SOURCES.md and election.toml included, so the same raw files
always give the same bytes. The raw files and their columns are described in the README of
`elections-raw`; the choices made here are explained in each data set's SOURCES.md.

Only the standard library is used: the seat comparison uses exact fractions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from . import command_line, format_number, write_csv, write_text

__all__ = ["ELECTIONS", "build", "convert", "main", "sainte_lague"]

# ---------------------------------------------------------------------------------------------
# The raw files and where they come from (elections-raw/README.md, "Sources, commits and licences")
# ---------------------------------------------------------------------------------------------
HENRYTHIER = "germany/polls_wahlrecht_henrythier_2013_2017.csv"
ZWEITSTIMME = "germany/polls_wahlrecht_zweitstimme_2017_2021.csv"
KERG13 = "germany/btw13_kerg.csv"
LAND_RESULTS = "germany/results_land_zweitstimmen_2013_2017_2021.csv"
PARLGOV = "germany/national_results_seats_parlgov.csv"

ORIGIN = {
    HENRYTHIER: "`henrythier/polls`, `Data/polls_and_elections.csv`, commit `03eb9f72c2c577dd03823ae0fcb89018908b4444`",
    ZWEITSTIMME: ("`zweitstimme-org/prediction-2025`, `output/polls/wahlrecht_polls_2025-02-21.RData` (object "
                  "`wahlrecht_polls`), commit `70268526a0f4004043a3a7a8d6d90f68eb45350c` (file last changed in "
                  "`4fac6129cc9d9f6f519c9a4ae24260c7068c6615`)"),
    KERG13: ("`favstats/btw_data`, `data/btw13_kerg.csv`, commit `0eca4e48e8910a82069cee782e81a1a1eb7c6fa2` "
             "(file last changed in `8fd9966d3dfb196867bedc4365fa6abe101ff004`)"),
    "btw17": ("`favstats/btw_data`, `data/btw17_kerg.csv`, commit `0eca4e48e8910a82069cee782e81a1a1eb7c6fa2` "
              "(file last changed in `8fd9966d3dfb196867bedc4365fa6abe101ff004`)"),
    "btw21": ("`zweitstimme-org/prediction-2025`, `data/btw21_kerg2.csv`, commit "
              "`70268526a0f4004043a3a7a8d6d90f68eb45350c` (file last changed in "
              "`bd69e8406a6d1185151bd608dbab482785ce302b`)"),
    PARLGOV: ("`hdigital/parlgov-web`, `scripts/migrate_parlgov-db/import-data-legacy/` (`31__elections__Election.csv`, "
              "`32__elections__ElectionResult.csv`, `21__parties__Party.csv`, `02__datacore__Country.csv`), commit "
              "`edd6f2d148057b5582a50d4e5e09ccb751423bc0` (files last changed in `5b4735ac23a54e4a6cae9eda3dbb2c2af3c3352e`)"),
}

#: Polling firms: the spelling of each raw file -> one name used across all three elections.
FIRMS_HENRYTHIER = {
    "Forsa": "Forsa",
    "Kantar(Emnid)": "Kantar (Emnid)",
    "INSA": "INSA",
    "Infratestdimap": "Infratest dimap",
    "Forsch’gr.Wahlen": "Forschungsgruppe Wahlen",
    "Allensbach": "Allensbach",
    "Yougov": "YouGov",
    "GMS": "GMS",
}
FIRMS_ZWEITSTIMME = {
    "forsa": "Forsa",
    "emnid": "Kantar (Emnid)",
    "insa": "INSA",
    "infdim": "Infratest dimap",
    "fgw": "Forschungsgruppe Wahlen",
    "allens": "Allensbach",
    "yougov": "YouGov",
    "gms": "GMS",
    "ipsos": "Ipsos",
    "trndrsrch": "Trend Research",
}
#: zweitstimme `meth` -> our `mode`.
MODES = {"cati": "telephone", "op": "online panel", "caop": "telephone and online", "ftf": "face to face"}

#: The 16 Länder in the official numbering (land_code 1-16), which is also the order of the files.
LAENDER = [
    ("SH", "Schleswig-Holstein", "west"),
    ("HH", "Hamburg", "west"),
    ("NI", "Niedersachsen", "west"),
    ("HB", "Bremen", "west"),
    ("NW", "Nordrhein-Westfalen", "west"),
    ("HE", "Hessen", "west"),
    ("RP", "Rheinland-Pfalz", "west"),
    ("BW", "Baden-Württemberg", "west"),
    ("BY", "Bayern", "west"),
    ("SL", "Saarland", "west"),
    ("BE", "Berlin", "east"),
    ("BB", "Brandenburg", "east"),
    ("MV", "Mecklenburg-Vorpommern", "east"),
    ("SN", "Sachsen", "east"),
    ("ST", "Sachsen-Anhalt", "east"),
    ("TH", "Thüringen", "east"),
]

OTHERS = "OTHERS"
THRESHOLD = 5


# ---------------------------------------------------------------------------------------------
# What each data set holds
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Party:
    code: str
    name: str
    groups: tuple[str, ...] = ()      # names in the official files whose votes make up this option
    parlgov: tuple[str, ...] = ()     # ParlGov party_name_short of the same parties
    predecessor: str | None = None
    note: str = ""
    reported_in: str | None = None
    poll_column: str | None = None    # column of the poll file
    seatless: bool = False
    prior_percent: float | None = None  # stated prior median share of a list with no predecessor


@dataclass(frozen=True)
class Spec:
    year: int
    date: dt.date
    list_seats: int
    previous: str | None
    parties: tuple[Party, ...]
    polls: str | None = None                   # HENRYTHIER, ZWEITSTIMME or None
    exempt: tuple[str, ...] = ()
    exempt_notes: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"de-{self.year}-bundestag"

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.parties]


UNION_NAME = "CDU/CSU (Christlich Demokratische Union Deutschlands and Christlich-Soziale Union in Bayern)"
UNION_NOTE = ("Two parties that never compete with each other: the CSU stands only in Bayern, the CDU everywhere else. "
              "Polls give one figure; results add the CDU's and the CSU's second votes.")
OTHERS_NAME = "All other parties (Sonstige)"


def _others_note(year: int) -> str:
    return ("Not a list: every party not named above, as one figure. Results: valid second votes minus the named "
            "options, per Land and nationally. It wins no seats. "
            + (f"In the {year} polls it is the firms' 'Sonstige' figure." if year != 2021 else
               "In the 2021 polls it is derived as 100 minus the reported parties (see SOURCES.md)."))


def _union(year: int, groups: tuple[str, ...], predecessor: str | None) -> Party:
    return Party("UNION", UNION_NAME, groups, ("CDU", "CSU"), predecessor, UNION_NOTE,
                 poll_column="CDU/CSU" if year in (2013, 2017) else "cdu")


ELECTIONS: tuple[Spec, ...] = (
    Spec(
        2009, dt.date(2009, 9, 27), 622, None,
        (
            _union(2009, ("CDU", "CSU"), None),
            Party("SPD", "Sozialdemokratische Partei Deutschlands", ("SPD",)),
            Party("FDP", "Freie Demokratische Partei", ("FDP",)),
            Party("LINKE", "DIE LINKE", ("DIE LINKE",)),
            Party("GRUENE", "BÜNDNIS 90/DIE GRÜNEN", ("GRÜNE",)),
            Party("PIRATEN", "Piratenpartei Deutschland", ("PIRATEN",),
                  note="Kept as an option so that the 2013 polls' PIRATEN figure has a predecessor."),
            Party(OTHERS, OTHERS_NAME, seatless=True,
                  note="Not a list: every other party, as one figure (valid second votes minus the named options, "
                       "per Land and nationally). The official file's 'Übrige' column of 2009 is part of it."),
        ),
    ),
    Spec(
        2013, dt.date(2013, 9, 22), 631, "de-2009-bundestag",
        (
            _union(2013, ("CDU", "CSU"), "UNION"),
            Party("SPD", "Sozialdemokratische Partei Deutschlands", ("SPD",), ("SPD",), "SPD", poll_column="SPD"),
            Party("FDP", "Freie Demokratische Partei", ("FDP",), ("FDP",), "FDP", poll_column="FDP"),
            Party("LINKE", "DIE LINKE", ("DIE LINKE",), ("PDS|Li",), "LINKE", poll_column="LINKE"),
            Party("GRUENE", "BÜNDNIS 90/DIE GRÜNEN", ("GRÜNE",), ("B90/Gru",), "GRUENE", poll_column="GRÜNE"),
            Party("PIRATEN", "Piratenpartei Deutschland", ("PIRATEN",), ("Pi",), "PIRATEN",
                  "Listed separately by some firms; where a poll leaves it blank it is inside 'Sonstige'.",
                  reported_in=OTHERS, poll_column="PIRATEN"),
            Party("AFD", "Alternative für Deutschland", ("AfD",), ("AfD",), None,
                  "Founded in February 2013, so no 2009 predecessor. Some polls of the summer still counted it "
                  "inside 'Sonstige' (blank cells).", reported_in=OTHERS, poll_column="AfD"),
            Party("FW", "FREIE WÄHLER", ("FREIE WÄHLER",), ("FW",), None,
                  "Did not stand for the Bundestag in 2009 (no 2009 column in the official file): no predecessor. "
                  "Only GMS and INSA list it; elsewhere it is inside 'Sonstige'.", reported_in=OTHERS, poll_column="FW"),
            Party(OTHERS, OTHERS_NAME, predecessor=OTHERS, note=_others_note(2013), poll_column="Other", seatless=True),
        ),
        polls=HENRYTHIER,
    ),
    Spec(
        2017, dt.date(2017, 9, 24), 709, "de-2013-bundestag",
        (
            _union(2017, ("Christlich Demokratische Union Deutschlands", "Christlich-Soziale Union in Bayern e.V."),
                   "UNION"),
            Party("SPD", "Sozialdemokratische Partei Deutschlands", ("Sozialdemokratische Partei Deutschlands",),
                  ("SPD",), "SPD", poll_column="SPD"),
            Party("LINKE", "DIE LINKE", ("DIE LINKE",), ("PDS|Li",), "LINKE", poll_column="LINKE"),
            Party("GRUENE", "BÜNDNIS 90/DIE GRÜNEN", ("BÜNDNIS 90/DIE GRÜNEN",), ("B90/Gru",), "GRUENE",
                  poll_column="GRÜNE"),
            Party("FDP", "Freie Demokratische Partei", ("Freie Demokratische Partei",), ("FDP",), "FDP",
                  poll_column="FDP"),
            Party("AFD", "Alternative für Deutschland", ("Alternative für Deutschland",), ("AfD",), "AFD",
                  poll_column="AfD"),
            Party(OTHERS, OTHERS_NAME, predecessor=OTHERS,
                  note=_others_note(2017) + " PIRATEN and FW, separate options in 2013, are inside it.",
                  poll_column="Other", seatless=True),
        ),
        polls=HENRYTHIER,
    ),
    Spec(
        2021, dt.date(2021, 9, 26), 736, "de-2017-bundestag",
        (
            _union(2021, ("CDU", "CSU"), "UNION"),
            Party("SPD", "Sozialdemokratische Partei Deutschlands", ("SPD",), ("SPD",), "SPD", poll_column="spd"),
            Party("AFD", "Alternative für Deutschland", ("AfD",), ("AfD",), "AFD", poll_column="afd"),
            Party("FDP", "Freie Demokratische Partei", ("FDP",), ("FDP",), "FDP", poll_column="fdp"),
            Party("LINKE", "DIE LINKE", ("DIE LINKE",), ("PDS|Li",), "LINKE",
                  "4.9% of the second votes but three constituency seats: admitted by the basic-mandate clause.",
                  poll_column="lin"),
            Party("GRUENE", "BÜNDNIS 90/DIE GRÜNEN", ("GRÜNE",), ("B90/Gru",), "GRUENE", poll_column="gru"),
            Party("SSW", "Südschleswigscher Wählerverband", ("SSW",), ("SSW",), None,
                  "Party of the Danish and Frisian minorities, on the ballot in Schleswig-Holstein only; exempt from "
                  "the 5% threshold as a national-minority party; won one seat. Not on the 2017 ballot (no "
                  "predecessor). No poll reports it: its share is inside the polls' other parties. Prior median "
                  "0.1% (prior_percent): a stated assumption, not a figure of the sources: it stands only in "
                  "Schleswig-Holstein, about 3.7% of Germany's valid second votes in 2017 (regional results of "
                  "de-2017-bundestag), and a few percent there is about 0.1% nationally. Without it the model's "
                  "new-list prior (median 3%) would let SSW take any part of the polls' other parties.",
                  reported_in=OTHERS, prior_percent=0.1),
            Party(OTHERS, OTHERS_NAME, predecessor=OTHERS,
                  note=_others_note(2021) + " FW, listed by wahlrecht.de for some firms, is inside it: the parser "
                                            "that made the poll file dropped that column.",
                  seatless=True),
        ),
        polls=ZWEITSTIMME,
        exempt=("SSW", "LINKE"),
        exempt_notes={
            "SSW": "national-minority party, exempt by law",
            "LINKE": "admitted by the basic-mandate clause (three constituency seats), known only from the "
                     "constituency results, which a national model cannot forecast",
        },
    ),
)


# ---------------------------------------------------------------------------------------------
# Reading the raw files
# ---------------------------------------------------------------------------------------------
class RawDataError(ValueError):
    """A raw file is not as its README describes."""


def _read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_land_results(raw: Path) -> dict[dt.date, dict[int, dict[str, int]]]:
    """election date -> land_code (1-16, 99 = Bund) -> group name -> votes."""
    out: dict[dt.date, dict[int, dict[str, int]]] = {}
    for row in _read_dicts(raw / LAND_RESULTS):
        date = dt.date.fromisoformat(row["election_date"])
        area = out.setdefault(date, {}).setdefault(int(row["land_code"]), {})
        if row["group_name"] in area:
            raise RawDataError(f"{LAND_RESULTS}: {row['group_name']} twice for {date} Land {row['land_code']}")
        area[row["group_name"]] = int(row["votes"])
    return out


def _read_kerg13_vorperiode(raw: Path) -> dict[str, tuple[str, str, dict[str, int]]]:
    """The 'Vorperiode' (2009) columns of the 2013 file for the Bund row (Nr 999) and the 16 Land
    rows (Nr 901-916, `gehört zu` 99): Nr -> (Gebiet, gehört zu, group -> second votes). Empty
    cells (a party not on that area's ballot in 2009) are left out; Wahlberechtigte comes from
    the first-vote column, because the second-vote one is empty."""
    text = (raw / KERG13).read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[5]
    if header[:3] != ["Nr", "Gebiet", "gehört"] or rows[7][3:7] != ["Endgültig", "Vorperiode"] * 2:
        raise RawDataError(f"{KERG13}: unexpected header layout")
    out: dict[str, tuple[str, str, dict[str, int]]] = {}
    for row in rows[8:]:
        if not row or not (row[0] == "999" or row[2] == "99"):
            continue
        if row[0] in out:
            raise RawDataError(f"{KERG13}: area {row[0]} twice")
        groups = {}
        for i, name in enumerate(header):
            if i < 3 or not name:
                continue
            second, first = row[i + 3], row[i + 1]
            cell = first if name == "Wahlberechtigte" else second
            if cell:
                groups[name] = int(cell)
        out[row[0]] = (row[1], row[2], groups)
    return out


def read_2009(raw: Path) -> dict[str, int]:
    """The 2009 national result from the 'Vorperiode' columns of the 2013 file (Bund row, Nr 999):
    group -> second votes; Wahlberechtigte from the first-vote column (the second-vote one is empty)."""
    bund = _read_kerg13_vorperiode(raw).get("999")
    if bund is None or bund[0] != "Bundesgebiet":
        raise RawDataError(f"{KERG13}: no single Bund row 999")
    return bund[2]


def read_2009_laender(raw: Path) -> dict[int, dict[str, int]]:
    """The 2009 result of each Land from the 'Vorperiode' columns of the 2013 file (Land rows
    Nr 901-916, `gehört zu` 99): land_code 1-16 -> group -> second votes. Checks that the rows
    are exactly the 16 Länder, named as in LAENDER and in that order."""
    areas = _read_kerg13_vorperiode(raw)
    laender = [(nr, name) for nr, (name, parent, _) in areas.items() if parent == "99"]
    expected = [(str(900 + n), name) for n, (_, name, _) in enumerate(LAENDER, start=1)]
    if laender != expected:
        raise RawDataError(f"{KERG13}: the Land rows are {laender}, not the 16 Länder 901-916")
    return {int(nr) - 900: areas[nr][2] for nr, _ in laender}


def read_parlgov(raw: Path) -> dict[dt.date, list[dict[str, str]]]:
    out: dict[dt.date, list[dict[str, str]]] = {}
    for row in _read_dicts(raw / PARLGOV):
        out.setdefault(dt.date.fromisoformat(row["election_date"]), []).append(row)
    return out


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
def option_votes(spec: Spec, groups: dict[str, int], *, where: str, complete: bool = True) -> dict[str, int]:
    """Votes per option from one area's group -> votes: named parties summed, OTHERS = Gültige - named."""
    votes = {}
    for party in spec.parties:
        if party.seatless:
            continue
        missing = [g for g in party.groups if g not in groups]
        if complete and missing:
            raise RawDataError(f"{where}: no votes for {missing}")
        votes[party.code] = sum(groups.get(g, 0) for g in party.groups)
    valid = groups["Gültige"]
    named = sum(votes.values())
    listed = sum(v for g, v in groups.items() if g not in _SYSTEM_GROUPS)
    if listed != valid:
        raise RawDataError(f"{where}: party votes add up to {listed}, not Gültige {valid}")
    votes[OTHERS] = valid - named
    return {code: votes[code] for code in spec.codes}


_SYSTEM_GROUPS = {"Wahlberechtigte", "Wähler", "Wählende", "Ungültige", "Gültige"}


def laender_votes(spec: Spec, areas: dict[int, dict[str, int]], national: dict[str, int], *,
                  where: str) -> dict[str, dict[str, int]]:
    """Land code (SH, HH, ...) -> option -> votes for the 16 Länder (land_code 1-16 of `areas`), with
    the national grouping; a party with no figure in a Land did not stand there and gets 0. Raises
    unless the Länder add up exactly to the national votes of every option."""
    regional = {}
    for number, (code, _name, _group) in enumerate(LAENDER, start=1):
        regional[code] = option_votes(spec, areas[number], where=f"{where} Land {number}", complete=False)
    for option in spec.codes:
        total = sum(r[option] for r in regional.values())
        if total != national[option]:
            raise RawDataError(f"{where} {option}: Länder add up to {total}, Bund has {national[option]}")
    return regional


@dataclass
class Result:
    votes: dict[str, int]
    seats: dict[str, int | None]
    percent: dict[str, str]              # printed text, '' where no source prints one
    invalid: int
    registered: int
    regional: dict[str, dict[str, int]] | None
    parlgov_checked: list[str]
    parlgov_seats: dict[str, int] = field(default_factory=dict)   # ParlGov party_name_short -> seats
    bund_groups: dict[str, int] = field(default_factory=dict)     # official group name -> national votes


def build_result(spec: Spec, land: dict, parlgov: dict, raw: Path) -> Result:
    if spec.year == 2009:
        groups = read_2009(raw)
        votes = option_votes(spec, groups, where="2009 Bund")
        regional = laender_votes(spec, read_2009_laender(raw), votes, where=f"{KERG13} Vorperiode 2009")
        return Result(votes, {c: (0 if c == OTHERS else None) for c in spec.codes}, {c: "" for c in spec.codes},
                      groups["Ungültige"], groups["Wahlberechtigte"], regional, [], {}, groups)
    areas = land[spec.date]
    if sorted(areas) != list(range(1, 17)) + [99]:
        raise RawDataError(f"{LAND_RESULTS}: {spec.date} does not have the 16 Länder and the Bund")
    votes = option_votes(spec, areas[99], where=f"{spec.date} Bund")
    regional = laender_votes(spec, areas, votes, where=str(spec.date))
    invalid, registered = areas[99]["Ungültige"], areas[99]["Wahlberechtigte"]

    # seats and printed percentages from ParlGov, checked against the official votes
    rows = parlgov[spec.date]
    seats: dict[str, int] = {c: 0 for c in spec.codes}
    percent = {c: "" for c in spec.codes}
    by_short = {p: party for party in spec.parties for p in party.parlgov}
    checked = []
    party_seats = {}
    for row in rows:
        if int(row["seats_total"]) != spec.list_seats or int(row["votes_valid"]) != sum(votes.values()):
            raise RawDataError(f"{PARLGOV}: {spec.date} totals differ from the official file")
        short = row["party_name_short"]
        if short == "CDU+CSU":  # the alliance row: no seats, no votes; CDU and CSU rows point to it
            if row["seats"] or row["votes"]:
                raise RawDataError(f"{PARLGOV}: the CDU+CSU alliance row has seats or votes")
            continue
        party = by_short.get(short)
        code = party.code if party else OTHERS
        seats[code] += int(row["seats"])
        party_seats[short] = int(row["seats"])
        if party is None:
            continue
        if len(party.parlgov) == 1:
            if int(row["votes"]) != votes[code]:
                raise RawDataError(f"{PARLGOV}: {spec.date} {short} votes {row['votes']} != official {votes[code]}")
            percent[code] = row["vote_share"]
            checked.append(code)
        else:  # CDU, CSU: check each against its own official group
            group = party.groups[party.parlgov.index(short)]
            if int(row["votes"]) != areas[99][group]:
                raise RawDataError(f"{PARLGOV}: {spec.date} {short} votes differ from the official file")
    if seats[OTHERS]:
        raise RawDataError(f"{PARLGOV}: {spec.date}: a party outside the named options won seats")
    if sum(seats.values()) != spec.list_seats:
        raise RawDataError(f"{PARLGOV}: {spec.date} seats add up to {sum(seats.values())}")
    for code, text in percent.items():
        if text and not _agrees(text, votes[code], sum(votes.values())):
            raise RawDataError(f"{PARLGOV}: {spec.date} {code} vote_share {text} disagrees with the votes")
    return Result(votes, dict(seats), percent, invalid, registered, regional, checked, party_seats, areas[99])


def _agrees(text: str, votes: int, total: int) -> bool:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(Fraction(100 * votes, total) - Fraction(Decimal(text))) <= Fraction(1, 2 * 10**decimals)


# ---------------------------------------------------------------------------------------------
# The national Sainte-Laguë approximation
# ---------------------------------------------------------------------------------------------
def sainte_lague(votes: dict[str, int], seats: int, *, threshold: int, seatless: set[str],
                 exempt: set[str]) -> dict[str, int]:
    """Exact national Sainte-Laguë (divisors 1, 3, 5, ...) of `seats` among the lists with at least
    `threshold` percent of all valid votes (seatless options count in that base) or in `exempt`.
    Raises on a tie for the last seat."""
    base = sum(votes.values())
    admitted = [c for c, v in votes.items() if c not in seatless and v > 0
                and (100 * v >= threshold * base or c in exempt)]
    held = dict.fromkeys(votes, 0)
    for _ in range(seats):
        best = max(admitted, key=lambda c: Fraction(votes[c], 2 * held[c] + 1))
        held[best] += 1
    last = min(Fraction(votes[c], 2 * held[c] - 1) for c in admitted if held[c])
    following = max(Fraction(votes[c], 2 * held[c] + 1) for c in admitted)
    if last == following:
        raise RawDataError("a tie for the last seat: the national approximation is not defined")
    return held


# ---------------------------------------------------------------------------------------------
# Polls
# ---------------------------------------------------------------------------------------------
_TIME = re.compile(r"^(\d\d)\.(\d\d)\.–(\d\d)\.(\d\d)\.$")
_SURVEYED = re.compile(r"^(?:(T) • )?(\d+)$")


def _fieldwork(text: str, published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """'DD.MM.–DD.MM.' without a year: the year is the one that puts the end on or before the
    publication date (the year before if the day would otherwise fall after it), and the start
    on or before the end (again stepping back a year if needed). '??' days: unknown."""
    match = _TIME.match(text)
    if not match:
        if "?" in text:
            return None, None
        raise RawDataError(f"{HENRYTHIER}: unreadable Time {text!r}")
    d1, m1, d2, m2 = map(int, match.groups())
    end = dt.date(published.year, m2, d2)
    if end > published:
        end = dt.date(published.year - 1, m2, d2)
    start = dt.date(end.year, m1, d1)
    if start > end:
        start = dt.date(end.year - 1, m1, d1)
    if (published - end).days > 31 or (end - start).days > 31:
        raise RawDataError(f"{HENRYTHIER}: implausible fieldwork {text!r} published {published}")
    return start, end


def _share_text(text: str) -> str:
    """A share as printed, without the trailing space some cells carry; '' if empty."""
    text = text.strip()
    if text and not re.fullmatch(r"\d+(\.\d+)?", text):
        raise RawDataError(f"unreadable share {text!r}")
    return text


@dataclass
class Poll:
    firm: str
    start: dt.date | None
    end: dt.date | None
    published: dt.date
    sample_size: int | None
    mode: str
    shares: dict[str, str]
    note: str


def _in_window(spec: Spec, published: dt.date) -> bool:
    return spec.date - dt.timedelta(days=100) <= published < spec.date


def polls_henrythier(spec: Spec, raw: Path) -> list[Poll]:
    rows = _read_dicts(raw / HENRYTHIER)
    used_columns = {"Date", "Surveyed", "Time", "Institute", "Non-Voters", "CDU/CSU", "SPD", "GRÜNE", "FDP", "LINKE",
                    "AfD", "PIRATEN", "FW", "Other"}
    polls = []
    for row in rows:
        published = dt.date.fromisoformat(row["Date"])
        if published.year != spec.year:
            continue
        if not _in_window(spec, published):
            raise RawDataError(f"{HENRYTHIER}: {published} is outside the 100-day window")
        for name, value in row.items():
            if value.strip() and name not in used_columns:
                raise RawDataError(f"{HENRYTHIER}: unexpected value in column {name}")
        institute = row["Institute"]
        if institute not in FIRMS_HENRYTHIER:
            raise RawDataError(f"{HENRYTHIER}: unknown institute {institute!r}")
        start, end = _fieldwork(row["Time"], published)
        surveyed = _SURVEYED.match(row["Surveyed"].strip())
        if not surveyed:
            raise RawDataError(f"{HENRYTHIER}: unreadable Surveyed {row['Surveyed']!r}")
        shares = {p.code: _share_text(row[p.poll_column]) for p in spec.parties if p.poll_column}
        notes = []
        if start is None:
            notes.append(f"fieldwork not given by the source ({row['Time']})")
        if not shares[OTHERS]:
            notes.append("Sonstige not given by the source")
        if surveyed.group(1):
            notes.append(f"sample size printed as '{row['Surveyed'].strip()}' (T: telephone)")
        non_voters = row["Non-Voters"].strip()
        if non_voters:
            notes.append(f"source column Non-Voters = {non_voters} (outside the party shares, which sum to 100)")
        polls.append(Poll(FIRMS_HENRYTHIER[institute], start, end, published, int(surveyed.group(2)),
                          "telephone" if surveyed.group(1) else "", shares, "; ".join(notes)))
    return polls


def polls_zweitstimme(spec: Spec, raw: Path) -> list[Poll]:
    polls = []
    columns = [p.poll_column for p in spec.parties if p.poll_column]
    for row in _read_dicts(raw / ZWEITSTIMME):
        published = dt.date.fromisoformat(row["date"])
        if published.year != spec.year:
            continue
        if not _in_window(spec, published):
            raise RawDataError(f"{ZWEITSTIMME}: {published} is outside the 100-day window")
        if (row["typ"], row["reg"], row["bsw"]) != ("btw", "de", "NA"):
            raise RawDataError(f"{ZWEITSTIMME}: row {row['id']} is not a national Bundestag poll without BSW")
        if row["institute"] not in FIRMS_ZWEITSTIMME or row["meth"] not in MODES:
            raise RawDataError(f"{ZWEITSTIMME}: unknown institute or method in row {row['id']}")
        shares = {p.code: _share_text(row[p.poll_column]) for p in spec.parties if p.poll_column}
        if not all(re.fullmatch(r"\d+(\.5)?", text) for text in shares.values()):
            raise RawDataError(f"{ZWEITSTIMME}: row {row['id']} has a share that is not a whole or half percent")
        reported = [Decimal(shares[p.code]) for p in spec.parties if p.poll_column]
        rest = Decimal(100) - sum(reported)
        if not Decimal(2) <= rest <= Decimal(20) or len(reported) != len(columns):
            raise RawDataError(f"{ZWEITSTIMME}: row {row['id']} leaves {rest} for other parties")
        shares[OTHERS] = str(rest)
        client = ("own account" if row["ag_agart"] == "eig"
                  else "for " + " and ".join(x for x in (row["ag_ag1"], row["ag_ag2"]) if x != "NA"))
        polls.append(Poll(FIRMS_ZWEITSTIMME[row["institute"]], dt.date.fromisoformat(row["beg"]),
                          dt.date.fromisoformat(row["end"]), published, int(row["sample_size"]), MODES[row["meth"]],
                          shares, f"wahlrecht.de id {row['id']}, {client}"))
    return polls


def read_polls(spec: Spec, raw: Path) -> list[Poll]:
    if spec.polls is None:
        return []
    polls = polls_henrythier(spec, raw) if spec.polls == HENRYTHIER else polls_zweitstimme(spec, raw)
    for poll in polls:
        if poll.end and not (poll.start <= poll.end <= poll.published):
            raise RawDataError(f"{spec.polls}: fieldwork {poll.start}-{poll.end} vs published {poll.published}")
        for party in spec.parties:
            if not party.seatless and party.code in poll.shares and not poll.shares[party.code] \
                    and party.reported_in != OTHERS:
                raise RawDataError(f"{spec.polls}: {party.code} blank in a poll but not marked reported_in")
    polls.sort(key=lambda p: (p.published, p.end or p.published, p.firm, p.note))
    return polls


@dataclass
class CrossCheck:
    common: int                 # polls in both files
    same_shares: int            # of those, with the same six party shares
    differences: list[str]      # what else differs, one phrase per poll
    only_zweitstimme: list[str]
    only_henrythier: list[str]


def cross_check_2017(raw: Path, henrythier: list[Poll]) -> CrossCheck:
    """Compare the 2017 polls of the two poll files. A zweitstimme row is the same poll as a henrythier
    row of the same firm with the same publication date, or failing that the same fieldwork."""
    spec = next(s for s in ELECTIONS if s.year == 2017)
    columns = {"UNION": "cdu", "SPD": "spd", "GRUENE": "gru", "FDP": "fdp", "LINKE": "lin", "AFD": "afd"}
    by_date = {(p.firm, p.published): p for p in henrythier}
    by_fieldwork = {(p.firm, p.start, p.end): p for p in henrythier}
    matched: set[int] = set()
    common = same = 0
    differences, only_z = [], []
    for row in _read_dicts(raw / ZWEITSTIMME):
        published = dt.date.fromisoformat(row["date"])
        if published.year != 2017 or not _in_window(spec, published):
            continue
        firm = FIRMS_ZWEITSTIMME[row["institute"]]
        start, end = dt.date.fromisoformat(row["beg"]), dt.date.fromisoformat(row["end"])
        poll = by_date.get((firm, published)) or by_fieldwork.get((firm, start, end))
        if poll is None or id(poll) in matched:
            only_z.append(f"{firm} published {published}")
            continue
        matched.add(id(poll))
        common += 1
        what = []
        if all(Decimal(poll.shares[c]) == Decimal(row[z]) for c, z in columns.items()):
            same += 1
        else:
            what.append("party shares")
        if poll.published != published:
            what.append(f"publication date {poll.published} here, {published} there")
        if (poll.start, poll.end) != (start, end):
            what.append(f"fieldwork {_iso(poll.start)} to {_iso(poll.end)} here, {start} to {end} there")
        if poll.sample_size != int(row["sample_size"]):
            what.append(f"sample size {poll.sample_size} here, {row['sample_size']} there")
        if what:
            differences.append(f"{firm} of {poll.published}: " + "; ".join(what))
    only_h = [f"{p.firm} published {p.published}" for p in henrythier if id(p) not in matched]
    return CrossCheck(common, same, differences, only_z, only_h)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _iso(date: dt.date | None) -> str:
    return "" if date is None else date.isoformat()


@dataclass
class Built:
    spec: Spec
    result: Result
    polls: list[Poll]
    allocation: dict[str, int] | None
    cross_check: CrossCheck | None = None
    reconstruction: dict[str, int] | None = None


#: Overhang seats that the law leaves without levelling seats (2020 amendment: up to three).
UNLEVELLED = {2013: 0, 2017: 0, 2021: 3}


def reconstruct_official(spec: Spec, result: Result) -> dict[str, int] | None:
    """The official party strengths recomputed as the law distributes them nationally: CDU and CSU as
    the separate parties they are, Sainte-Laguë of the house size minus the unlevelled overhang seats,
    then those overhang seats added to the party that won them (the CSU in 2021). Returns
    party -> seats (CDU, CSU, then the other options) and raises if it does not reproduce every
    official figure, since SOURCES.md states that it does."""
    if spec.year not in UNLEVELLED:
        return None
    union = next(p for p in spec.parties if p.code == "UNION")
    votes = {short: result.bund_groups[group] for short, group in zip(union.parlgov, union.groups)}
    votes.update({c: v for c, v in result.votes.items() if c != "UNION"})
    extra = UNLEVELLED[spec.year]
    seats = sainte_lague(votes, spec.list_seats - extra, threshold=THRESHOLD, seatless={OTHERS},
                         exempt=set(spec.exempt))
    seats["CSU"] += extra
    official = {short: result.parlgov_seats[short] for short in union.parlgov}
    official.update({c: n for c, n in result.seats.items() if c != "UNION"})
    if seats != official:
        raise RawDataError(f"{spec.year}: the national reconstruction {seats} does not give the official {official}")
    return seats


def build(raw: Path) -> list[Built]:
    land = read_land_results(raw)
    parlgov = read_parlgov(raw)
    out = []
    for spec in ELECTIONS:
        result = build_result(spec, land, parlgov, raw)
        polls = read_polls(spec, raw)
        allocation = sainte_lague(result.votes, spec.list_seats, threshold=THRESHOLD, seatless={OTHERS},
                                  exempt=set(spec.exempt))
        cross = cross_check_2017(raw, polls) if spec.year == 2017 else None
        out.append(Built(spec, result, polls, allocation, cross, reconstruct_official(spec, result)))
    return out


def _percent(votes: int, total: int, decimals: int = 2) -> str:
    value = Fraction(100 * votes, total)
    return format(Decimal(value.numerator) / Decimal(value.denominator), f".{decimals}f")


def _long_date(date: dt.date) -> str:
    return f"{date.day} {date.strftime('%B')} {date.year}"


def _differences(b: Built) -> list[tuple[str, int, int, int]]:
    """(code, national Sainte-Laguë, official, official - national) for every option with seats in either."""
    rows = []
    for code in b.spec.codes:
        official, approx = b.result.seats[code], b.allocation[code]
        if official is None:
            continue
        if official or approx:
            rows.append((code, approx, official, official - approx))
    return rows


def _difference_sentence(b: Built) -> str:
    if b.spec.year == 2009:
        parts = ", ".join(f"{c} {n}" for c, n in b.allocation.items() if n)
        return (f"A national Sainte-Laguë allocation of the 622 seats gives {parts}; the official seats per party are "
                "not in the raw files, so no difference is stated.")
    parts = []
    for code, approx, official, diff in _differences(b):
        parts.append(f"{code} {official} official vs {approx} national ({diff:+d})")
    text = ("Official seats against the national Sainte-Laguë allocation of the same house size among the admitted "
            "lists: " + "; ".join(parts) + ".")
    if all(diff == 0 for *_, diff in _differences(b)):
        text += " The approximation reproduces every party's official seats; only the house size is taken from the result."
    else:
        rec = b.reconstruction
        text += (f" The official figures are a national Sainte-Laguë allocation of {b.spec.list_seats - 3} seats with CDU "
                 f"({rec['CDU']}) and CSU ({rec['CSU'] - 3}) as separate parties, plus three CSU overhang seats left "
                 "unlevelled; the stored rule treats CDU/CSU as one list and allocates all "
                 f"{b.spec.list_seats} seats proportionally.")
    return text


def _law(year: int) -> str:
    """The seat law in force, as one paragraph (Bundeswahlgesetz § 6)."""
    common = ("Bundeswahlgesetz (BWahlG) § 6{version}: seats go to parties with at least 5% of the valid second votes "
              "or three constituency seats (basic-mandate clause); parties of national minorities need neither. "
              "Seats are allocated by Sainte-Laguë/Schepers between the parties and, within each party, between its "
              "Land lists; a party keeps constituency seats beyond its list share in a Land (overhang seats). ")
    if year == 2009:
        return common.format(version=" as in force in 2009") + "In 2009 overhang seats were not levelled."
    if year in (2013, 2017):
        return common.format(version=" as amended in 2013") + (
            "Levelling seats enlarge the house until a national Sainte-Laguë distribution of the enlarged house "
            "gives every party at least the seats it won in the Länder.")
    return common.format(version=" as amended in 2020") + (
        "Levelling seats enlarge the house as since 2013, except that up to three overhang seats stay unlevelled.")


def election_toml(b: Built) -> str:
    s = b.spec
    name = f"German federal election (Bundestag), {_long_date(s.date)}"
    lines = [
        f"# Germany, Bundestag election of {_long_date(s.date)}: second votes (Zweitstimmen).",
        "# Generated by polls/sources/germany.py from the raw public files; do not edit by hand.",
        "# Format: polls/README.md. Where each figure comes from: SOURCES.md.",
        f"id = {_toml(s.id)}",
        f"name = {_toml(name)}",
        'country = "Germany"',
        'chamber = "Bundestag"',
        f"date = {s.date.isoformat()}",
        f"list_seats = {s.list_seats}",
    ]
    if s.previous:
        lines.append(f"previous = {_toml(s.previous)}")
    if s.year == 2009:
        size = ("622 seats: the size of the Bundestag elected in 2009 as published by the Bundeswahlleiter "
                "(not in the raw files).")
    else:
        size = (f"{s.list_seats} seats: the official final size of the Bundestag elected in {s.year}, "
                "overhang and levelling seats included (the original result).")
    exempt = ""
    if s.exempt:
        exempt = " Exempt from the threshold here: " + "; ".join(f"{c}, {s.exempt_notes[c]}" for c in s.exempt) + "."
    note = (
        f"{_law(s.year)} "
        "The rule stored here is a national approximation: one Sainte-Laguë allocation of the official house size "
        "among the admitted lists, with CDU/CSU as one list, no Land lists, no overhang or levelling seats and no "
        f"forecast of constituency seats. {size}{exempt} {_difference_sentence(b)}"
    )
    lines += [
        "",
        "[rule]",
        'method = "sainte-lague"             # Sainte-Laguë/Schepers: divisors 1, 3, 5, ...',
        f"threshold = {THRESHOLD}.0                     # percent of all valid second votes",
        'threshold_base = "valid_votes"      # OTHERS (all other parties) counts in the base',
        'tie_break = "registration_order"    # order of [[parties]] below; no tie occurs',
    ]
    if s.exempt:
        lines.append(f"threshold_exempt = [{', '.join(_toml(c) for c in s.exempt)}]")
    lines += ["approximate = true                 # overhang and levelling seats are not modelled: see note",
              f"note = {_toml(note)}", ""]
    lines.append("# Options in the column order of the Bundeswahlleiter's result file (CDU for UNION); it only")
    lines.append("# breaks ties, and none occurs.")
    for p in s.parties:
        lines += ["[[parties]]", f"code = {_toml(p.code)}", f"name = {_toml(p.name)}"]
        if p.predecessor:
            lines.append(f"predecessor = {_toml(p.predecessor)}")
        if p.seatless:
            lines.append("seatless = true")
        if p.reported_in:
            lines.append(f"reported_in = {_toml(p.reported_in)}")
        if p.prior_percent is not None:
            lines.append(f"prior_percent = {p.prior_percent!r}")
        if p.note:
            lines.append(f"note = {_toml(p.note)}")
        lines.append("")
    if b.result.regional is not None:
        lines.append("# The 16 Länder in the official numbering. group: the five new Länder and Berlin are \"east\"")
        lines.append("# (see SOURCES.md: a convention chosen here, not part of the raw files).")
        for code, land_name, group in LAENDER:
            lines += ["[[regions]]", f"code = {_toml(code)}", f"name = {_toml(land_name)}", f"group = {_toml(group)}", ""]
        lines += [
            "[election_night]",
            "# The order in which the Länder report on election night is not in the raw files: this is",
            "# simply the order of the official files (Land numbers 1-16).",
            f"count_order = [{', '.join(_toml(c) for c, _, _ in LAENDER)}]",
            "",
        ]
    for key, what in _sources(s):
        lines += ["[[sources]]", f"key = {_toml(key)}", f"what = {_toml(what)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _sources(s: Spec) -> list[tuple[str, str]]:
    out = []
    if s.year == 2009:
        out.append(("btw13-kerg", "Der Bundeswahlleiter, final result of the 2013 Bundestag election with the 2009 "
                                  "result as 'Vorperiode' (btw13_kerg.csv, via favstats/btw_data): 2009 second votes "
                                  "per Land and nationally, invalid votes, eligible voters"))
        out.append(("bwl-2009-size", "Der Bundeswahlleiter, published final result of 2009: 622 members of the "
                                     "Bundestag (not in the raw files)"))
        return out
    official = {2013: "btw13_kerg.csv via favstats/btw_data", 2017: "btw17_kerg.csv via favstats/btw_data",
                2021: "btw21_kerg2.csv via zweitstimme-org/prediction-2025"}[s.year]
    out.append(("bwl-results", f"Der Bundeswahlleiter, final result ({official}), as extracted in "
                               "elections-raw/germany/results_land_zweitstimmen_2013_2017_2021.csv: second votes "
                               "per Land and nationally, invalid votes, eligible voters"))
    out.append(("parlgov", "ParlGov (Döring and Manow), via hdigital/parlgov-web, CC0: seats per party, "
                           "printed vote shares"))
    if s.polls == HENRYTHIER:
        out.append(("polls-henrythier", "wahlrecht.de poll tables as collected by henrythier/polls "
                                        "(Data/polls_and_elections.csv): polls of the last 100 days"))
    else:
        out.append(("polls-zweitstimme", "wahlrecht.de poll archive as parsed by zweitstimme-org/prediction-2025 "
                                         "(wahlrecht_polls_2025-02-21.RData): polls of the last 100 days"))
    return out


def results_rows(b: Built) -> list[list[object]]:
    r = b.result
    rows = []
    for code in b.spec.codes:
        rows.append([code, r.votes[code], format_number(r.seats[code]), r.percent[code]])
    rows.append(["invalid", r.invalid, "", ""])
    rows.append(["registered", r.registered, "", ""])
    return rows


def poll_rows(b: Built) -> tuple[list[str], list[list[object]]]:
    s = b.spec
    header = ["firm", "fieldwork_start", "fieldwork_end", "published", "sample_size", "mode", *s.codes, "note"]
    rows = []
    for p in b.polls:
        rows.append([p.firm, _iso(p.start), _iso(p.end), _iso(p.published), format_number(p.sample_size), p.mode,
                     *(p.shares.get(c, "") for c in s.codes), p.note])
    return header, rows


def write_election(b: Built, out: Path) -> None:
    folder = out / b.spec.id
    write_text(folder / "election.toml", election_toml(b))
    write_csv(folder / "results.csv", ["entry", "votes", "seats", "published_percent"], results_rows(b))
    if b.result.regional is not None:
        write_csv(folder / "regional_results.csv", ["region", *b.spec.codes],
                  [[code, *(b.result.regional[code][c] for c in b.spec.codes)] for code, _, _ in LAENDER])
    if b.polls:
        header, rows = poll_rows(b)
        write_csv(folder / "polls.csv", header, rows)
    write_text(folder / "SOURCES.md", sources_md(b))


def convert(raw: Path, out: Path) -> list[str]:
    """Write the four data sets under `out`; return their ids."""
    built = build(Path(raw))
    for b in built:
        write_election(b, Path(out))
    return [b.spec.id for b in built]


# ---------------------------------------------------------------------------------------------
# SOURCES.md
# ---------------------------------------------------------------------------------------------
#: (years whose SOURCES.md lists it, table row)
LICENCES = [
    ((2009, 2013), "| official results 2013, with 2009 as 'Vorperiode' | `btw13_kerg.csv` in `favstats/btw_data` | "
                   "the file carries \"(c) Der Bundeswahlleiter, Wiesbaden 2016\"; the repository states no licence |"),
    ((2017,), "| official results 2017 | `btw17_kerg.csv` in `favstats/btw_data` | the file carries \"(c) Der "
              "Bundeswahlleiter, Wiesbaden 2017\"; the repository states no licence |"),
    ((2021,), "| official results 2021 | `btw21_kerg2.csv` in `zweitstimme-org/prediction-2025` | \"(c) Der "
              "Bundeswahlleiter, Wiesbaden 2021\", Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0, "
              "https://www.govdata.de/dl-de/by-2-0); the repository states no licence |"),
    ((2013, 2017, 2021), "| seats, printed vote shares | ParlGov via `hdigital/parlgov-web` | data: CC0 1.0 |"),
    ((2013, 2017), "| polls | `henrythier/polls` | the repository states no licence; its README says the data are "
                   "taken from wahlrecht.de |"),
    ((2021,), "| polls | `zweitstimme-org/prediction-2025` | the repository states no licence; the data are parsed "
              "from wahlrecht.de's XML files |"),
    ((2017,), "| polls used only for the cross-check | `zweitstimme-org/prediction-2025` | the repository states no "
              "licence; the data are parsed from wahlrecht.de's XML files |"),
]


def _licences(year: int) -> list[str]:
    out = ["## Licences and attribution", "", "| what | source | licence as stated |", "| --- | --- | --- |"]
    out += [row for years, row in LICENCES if year in years]
    out.append("")
    credits = ["official results © Der Bundeswahlleiter (now Bundeswahlleiterin), Wiesbaden"]
    if year != 2009:
        credits.append("ParlGov: Döring, Holger, and Philip Manow, ParlGov (parlgov.org)")
        credits.append("poll figures: wahlrecht.de")
    out.append("Attribution: " + "; ".join(credits) + ".")
    out.append("")
    return out


ATTRIBUTION_2021 = """Required attribution for the 2021 official figures (dl-de/by-2-0): **Datenquelle: © Der Bundeswahlleiter,
Wiesbaden 2021, Datenlizenz Deutschland – Namensnennung – Version 2.0 (https://www.govdata.de/dl-de/by-2-0).**
Changes made to those data here: CDU and CSU second votes are added into one figure (UNION); the votes of all
parties other than the named options are added into OTHERS; only Land and Bund rows of the second vote are used.
"""


def sources_md(b: Built) -> str:
    s, r = b.spec, b.result
    total = sum(r.votes.values())
    out = [f"# {s.id}: sources and derivations", ""]
    out.append(
        f"The Bundestag election of {_long_date(s.date)}, second votes (Zweitstimmen), which decide the party "
        "strengths. Every file of this folder is written by `polls/sources/germany.py` from the raw files of "
        "`shared/data/elections-raw/` (run `python -m polls.sources.germany --raw ... --out polls/data`); "
        "nothing was typed in by hand except the figures marked below as not in the raw files.")
    out.append("")
    out.append("## Where the raw files come from")
    out.append("")
    out.append("| raw file | taken from |")
    out.append("| --- | --- |")
    if s.year == 2009:
        out.append(f"| `{KERG13}` (verbatim copy, ISO-8859-1) | {ORIGIN[KERG13]} |")
    else:
        source_file = {2013: KERG13, 2017: "btw17", 2021: "btw21"}[s.year]
        out.append(f"| `{LAND_RESULTS}` (extract, values unchanged) | the official file {ORIGIN[source_file]} |")
        out.append(f"| `{PARLGOV}` (extract) | {ORIGIN[PARLGOV]} |")
        out.append(f"| `{s.polls}` (date filter; "
                   + ("lines unchanged" if s.polls == HENRYTHIER else "R data written as CSV") + f") | {ORIGIN[s.polls]} |")
        if s.year == 2017:
            out.append(f"| `{ZWEITSTIMME}` (date filter; R data written as CSV; only for the cross-check under "
                       f"polls.csv) | {ORIGIN[ZWEITSTIMME]} |")
    out.append("")

    # ---- results
    out.append("## results.csv")
    out.append("")
    if s.year == 2009:
        out.append(
            "Votes are the 2009 second votes of the 'Vorperiode' columns of the official 2013 result file, Bund row "
            "(`Nr` 999): for each party group the fourth cell (Zweitstimmen, Vorperiode). UNION adds the CDU and CSU "
            f"columns. OTHERS is the valid second votes ({total:,}) minus the named options: it includes the file's "
            "'Übrige' column (2009 parties that did not stand in 2013). `registered` is Wahlberechtigte (the "
            "Erststimmen Vorperiode cell: the second-vote cell is empty in the file because the figure is the same); "
            "`invalid` is Ungültige of the second vote.")
        out.append("")
        out.append(
            "Seats are left empty: the seats per party are not in the raw files. OTHERS has 0 because it is not a "
            "list. `list_seats = 622` is the size of the Bundestag elected in 2009 as published by the "
            "Bundeswahlleiter; that figure is **not in the raw files**. No source in the raw files prints 2009 "
            "percentages, so `published_percent` is empty.")
        out.append("")
        out.append("This data set is the previous election of de-2013-bundestag, which needs the 2009 national "
                   "shares of its options and, as its regional swing baseline, the 2009 result of each Land "
                   "(regional_results.csv, below). The file's 2009 constituency (Wahlkreis) figures are not used. "
                   "There are no polls and no exit polls.")
        out.append("")
    else:
        out.append(
            "Votes: second votes of the Bund row (`land_code` 99). UNION = CDU + CSU (the CSU stands only in Bayern); "
            "every other named option is one party group. OTHERS = valid second votes (Gültige, "
            f"{total:,}) minus the named options. `invalid` = Ungültige (second vote), `registered` = "
            "Wahlberechtigte.")
        out.append("")
        out.append(
            "Seats: ParlGov, with CDU and CSU added into UNION. ParlGov's `CDU+CSU` alliance row has no seats and no "
            "votes (the CDU and CSU rows point to it) and is skipped, so nothing is counted twice. Every other "
            "party ParlGov lists without seats is part of OTHERS, which gets 0.")
        out.append("")
        checked = ", ".join(r.parlgov_checked)
        out.append(
            f"`published_percent`: ParlGov's `vote_share`, as printed, for {checked}. The converter checks that each "
            "equals the share of the valid votes computed from the official counts to the printed decimals, and "
            "that ParlGov's votes equal the official counts (also for CDU and CSU separately). UNION and OTHERS "
            "have no printed share (no source prints the sum), so theirs is empty.")
        out.append("")
        out.append("| option | votes | share of valid votes (computed) | seats | ParlGov share |")
        out.append("| --- | ---: | ---: | ---: | ---: |")
        for code in s.codes:
            out.append(f"| {code} | {r.votes[code]:,} | {_percent(r.votes[code], total)}% | {r.seats[code]} | "
                       f"{r.percent[code] or '—'} |")
        out.append("")
        if s.year == 2021:
            out.append(
                "The figures are the result declared in 2021 (file status 14.10.2021). The partial repeat election in "
                "Berlin on 11 February 2024 changed the house to 733 seats; it is not reflected here.")
            out.append("")

    # ---- regional
    if r.regional is not None:
        out.append("## regional_results.csv")
        out.append("")
        if s.year == 2009:
            out += _regional_2009(b)
        else:
            out.append(
                "The 16 Länder (`land_code` 1-16 of the extract), same derivation as the national row: UNION = CDU + "
                "CSU (CDU outside Bayern, CSU in Bayern); a party with no row in a Land did not stand there and gets 0 "
                "(e.g. " + ("SSW outside Schleswig-Holstein; " if s.year == 2021 else "")
                + "CSU outside Bayern); OTHERS = Gültige minus the named options in that Land. The converter checks that "
                "in every Land the party votes add up to Gültige, and that the 16 Länder add up exactly to the national "
                "votes of every option.")
            out.append("")
        out.append(
            "Region groups: SH, HH, NI, HB, NW, HE, RP, BW, BY, SL are `west`; BE, BB, MV, SN, ST, TH are `east`. The "
            "raw files contain no such grouping: it is a convention chosen here. Berlin cannot be split into its "
            "former western and eastern parts with Land-level counts, so the whole of Berlin is put with the five "
            "new Länder, as in the widely used statistical grouping 'new Länder including Berlin'. Anyone who "
            "prefers Berlin on its own can change its `group` in `election.toml`; the counts do not depend on it.")
        out.append("")
        out.append(
            "Election night: the order in which the Länder reported is not in the raw files. `count_order` is the "
            "file order (Land numbers 1-16)."
            + (" This data set has no polls and serves as a previous election, so the order is not used." if
               s.year == 2009 else ""))
        out.append("")

    # ---- polls
    if b.polls:
        out += _polls_section(b)
    if s.year != 2009:
        out.append("## exit_polls.csv")
        out.append("")
        out.append("None: the raw German files contain no exit polls, so this data set has none.")
        out.append("")

    # ---- rule
    out.append("## The seat rule (election.toml `[rule]`)")
    out.append("")
    out.append(
        f"The law: {_law(s.year)} A national model can only approximate this. The approximation stored here "
        "(`approximate = true`): one Sainte-Laguë allocation of the whole official house size "
        f"({s.list_seats}) among the lists with at least 5% of all valid second votes (OTHERS counts in that base "
        "and never wins a seat), with CDU/CSU as one list. The converter computes it exactly with fractions; "
        "`models.seats.allocate` gives the same (tested).")
    out.append("")
    if s.year == 2009:
        out.append(_difference_sentence(b))
        out.append("")
    else:
        if s.exempt:
            out.append("Admitted whatever their share (`threshold_exempt`): "
                       + "; ".join(f"**{c}**, {s.exempt_notes[c]}" for c in s.exempt) + "."
                       + (" DIE LINKE had 4.89% of the valid second votes and won three constituencies. Exempting it "
                          "uses the actual constituency results, which a national model does not forecast: it is the "
                          "honest way to approximate the basic-mandate clause in a backtest, and it would have to be "
                          "an assumption in a forecast." if "LINKE" in s.exempt else ""))
            out.append("")
        out.append("| option | national Sainte-Laguë | official seats | official minus national |")
        out.append("| --- | ---: | ---: | ---: |")
        for code, approx, official, diff in _differences(b):
            out.append(f"| {code} | {approx} | {official} | {diff:+d} |")
        out.append("")
        rec = b.reconstruction
        split = ", ".join(f"{c} {n}" for c, n in rec.items() if n)
        if all(diff == 0 for *_, diff in _differences(b)):
            out.append(
                "The approximation gives exactly the official seats of every party. That is what the law as amended "
                "in 2013 implies: the final party strengths are a national Sainte-Laguë distribution of the final, "
                "enlarged house. Computed as the law does it, with CDU and CSU as separate parties, the allocation "
                f"is {split}, again the official figures (ParlGov). What a national model cannot know beforehand is "
                f"the house size ({s.list_seats}), which depends on the overhang seats: it is taken from the result.")
        else:
            out.append(
                f"Where the differences come from: computed with CDU and CSU as the separate parties they are, a "
                f"national Sainte-Laguë allocation of {s.list_seats - 3} seats ({s.list_seats} minus three) gives "
                f"CSU {rec['CSU'] - 3}; adding the three CSU overhang seats that stay unlevelled gives {split}, which "
                "is every official figure (ParlGov). The stored rule differs in two ways: it allocates all "
                f"{s.list_seats} seats proportionally, and it treats CDU/CSU as one list.")
        out.append("")

    out.append("## election.toml")
    out.append("")
    out.append(
        "Option codes are the same in all four German data sets (UNION, SPD, GRUENE, FDP, LINKE, AFD, PIRATEN, FW, "
        "SSW, OTHERS), so `predecessor` links each option to the same option of the previous data set. "
        "`reported_in = \"OTHERS\"` marks the small parties that some polls do not list separately: a blank cell "
        "means that the party's share is inside the poll's OTHERS figure. The order of `[[parties]]` is the column "
        "order of the official result file.")
    out.append("")
    out += _licences(s.year)
    if s.year == 2021:
        out.append(ATTRIBUTION_2021)
    return "\n".join(out).rstrip("\n") + "\n"


def _regional_2009(b: Built) -> list[str]:
    """The regional_results.csv paragraphs of de-2009-bundestag (the 'Vorperiode' Land rows)."""
    regional = b.result.regional
    names = {code: name for code, name, _ in LAENDER}
    absent = [(option, code) for code in regional for option in b.spec.codes
              if option not in ("UNION", OTHERS) and regional[code][option] == 0]
    absent_text = "; ".join(f"{option} in {names[code]} ({code})" for option, code in absent)
    total = sum(b.result.votes.values())
    out = [
        "The 2009 second votes of the 16 Länder, from the same 'Vorperiode' columns of the official 2013 result "
        "file as the national row: the Land rows `Nr` 901-916 (`gehört zu` 99, in the official order Schleswig-"
        "Holstein ... Thüringen), for each party group the Zweitstimmen Vorperiode cell. The options are grouped as "
        "nationally: UNION = CDU + CSU (the CDU has no 2009 figure in Bayern, the CSU none outside it); OTHERS = "
        "Gültige minus the named options in that Land, so the file's 'Übrige' column is part of it in every Land. "
        "An empty cell means that the party was not on that Land's ballot in 2009 and gives 0. Besides CDU and CSU "
        "this happens "
        + (f"once: {absent_text}, which therefore has 0 there (a real absence, not a gap in the data: the Land's "
           "party votes still add up to its Gültige)." if len(absent) == 1 else
           (f"for {absent_text}." if absent else "for no party.")),
        "",
        "The converter checks that the Land rows are exactly Nr 901-916 with the names of the official Land "
        "numbering, that in every Land the party votes add up to Gültige, and that the 16 Länder add up exactly to "
        f"the national 2009 votes (Bund row 999) of every option, {total:,} valid second votes in all. All of it "
        "holds; a failure stops the conversion.",
        "",
        "Why the file exists: de-2013-bundestag's model reads each Land's 2009 shares against the national ones as "
        "that Land's lean (`models.fusion.regional_baseline`), so 2013's Länder are modelled as a swing from their "
        "2009 lean. An option takes a lean in a Land from a previous figure above 0 there, so the Piratenpartei, "
        "not on the 2009 ballot in Sachsen, gives its 2013 successor a lean in the other 15 Länder.",
        "",
    ]
    return out


def _polls_section(b: Built) -> list[str]:
    s = b.spec
    polls = b.polls
    firms = Counter(p.firm for p in polls)
    out = ["## polls.csv", ""]
    first, last = min(p.published for p in polls), max(p.published for p in polls)
    out.append(
        f"{len(polls)} polls published from {first} to {last}, i.e. in the 100 days before election day (the raw "
        "file was cut to that window by publication date). One row per poll, sorted by publication date. Firms: "
        + ", ".join(f"{f} {n}" for f, n in sorted(firms.items(), key=lambda x: (-x[1], x[0]))) + ".")
    out.append("")
    out.append(
        "Firm names are written the same way in all German data sets, whatever the raw file's spelling: "
        + ("'Kantar(Emnid)' → Kantar (Emnid) (in 2013 the firm traded as TNS Emnid; the source uses the later "
           "name), 'Infratestdimap' → Infratest dimap, 'Forsch’gr.Wahlen' → Forschungsgruppe Wahlen, 'Yougov' → "
           "YouGov; Forsa, INSA, Allensbach and GMS unchanged."
           if s.polls == HENRYTHIER else
           "emnid → Kantar (Emnid), fgw → Forschungsgruppe Wahlen, infdim → Infratest dimap, allens → Allensbach, "
           "forsa → Forsa, insa → INSA, yougov → YouGov, ipsos → Ipsos, trndrsrch → Trend Research. INSA "
           "publishes two series (an online panel for Bild and a telephone-and-online poll for Bild am Sonntag); "
           "both are kept as INSA, and the note names the client."))
    out.append("")
    out.append(
        "Shares are the percentages wahlrecht.de prints, unchanged"
        + (" (trailing spaces removed, decimals as printed: Allensbach's '38.0' stays '38.0')"
           if s.polls == HENRYTHIER else " (numbers as the R file holds them; every one is a whole or half percent)")
        + ". German polls report the shares of respondents who name a party, and those shares "
        "include 'Sonstige' and sum to 100; no firm's undecided share is part of them, so the `undecided` column "
        "is not used. They are stored as published, not renormalised.")
    out.append("")
    if s.polls == HENRYTHIER:
        nv = [p for p in polls if "Non-Voters" in p.note]
        blank = {p.code: sum(1 for q in polls if not q.shares[p.code]) for p in s.parties if p.poll_column}
        out.append(
            "Columns: `Date` → `published`; `CDU/CSU` → UNION; `GRÜNE` → GRUENE; `AfD` → AFD"
            + ("; `PIRATEN` → PIRATEN; `FW` → FW" if s.year == 2013 else "")
            + "; `Other` → OTHERS (the firms' 'Sonstige'); `Institute` → `firm`. The source's other party columns "
            "are empty in this window (checked).")
        out.append("")
        blanks = ", ".join(f"{c} {n}" for c, n in blank.items() if n)
        if blanks:
            out.append(
                f"Blank cells (polls that did not list the party separately): {blanks}. "
                + ("PIRATEN, AFD and FW carry `reported_in = \"OTHERS\"`: where blank, the party is inside the "
                   "'Sonstige' figure, which then includes it. "
                   if s.year == 2013 else "")
                + ("One INSA poll (published 2013-09-15) prints no 'Sonstige' and no fieldwork dates "
                   "('??.09.–??.09.'); its OTHERS is left blank (not reported) and it is dated by publication."
                   if s.year == 2013 else ""))
            out.append("")
        out.append(
            "Fieldwork: the source's `Time` is `DD.MM.–DD.MM.` without a year. The year is inferred from the "
            "publication date: the end date takes the publication year, or the year before if that would put it "
            "after publication; the start takes the end's year, or the year before if it would fall after the end "
            "(a poll running over New Year). No poll in these windows crosses a year boundary. The converter checks "
            "that every poll ends on or before its publication and within 31 days of it.")
        out.append("")
        tel = sum(1 for p in polls if p.mode == "telephone")
        out.append(
            f"Sample size: the source's `Surveyed`, trailing spaces removed. {tel} cells read 'T • n' (wahlrecht.de's "
            "marker for a telephone poll): n is the sample size and `mode` is set to telephone, and the note keeps "
            "the printed cell. The source gives no mode for the other polls, so `mode` is empty there.")
        out.append("")
        if nv:
            out.append(
                f"`Non-Voters`: filled for {len(nv)} Forsa polls. The source does not document it. The party shares "
                "of those polls already add up to 100, so it must be a figure on another base (most likely the share "
                "of all respondents who would not vote or are undecided, which wahlrecht.de prints beside the party "
                "percentages). It cannot be stored as `undecided`, which must fit inside the 100 with the shares, "
                "so it is kept verbatim in the poll's note and not used otherwise.")
            out.append("")
        elif s.year == 2013:
            out.append("`Non-Voters` is empty for every 2013 poll.")
            out.append("")
        if b.cross_check is not None:
            c = b.cross_check
            out.append(
                "Cross-check against the other poll file, which also covers 2017 (zweitstimme-org; both come from "
                "wahlrecht.de): a poll there is the same poll as one here if firm and publication date match, or "
                f"failing that firm and fieldwork. {c.common} polls are in both and {c.same_shares} of them have "
                "the same six party shares. Other differences, where this data set keeps henrythier/polls: "
                + "; ".join(c.differences) + ". Only in henrythier/polls (kept): " + ", ".join(c.only_henrythier)
                + ". Only in the zweitstimme file (not used, so that each election takes its polls from one "
                "source): " + ", ".join(c.only_zweitstimme) + ".")
            out.append("")
    else:
        sums = [sum(Decimal(p.shares[c]) for c in s.codes if c != OTHERS and p.shares.get(c)) for p in polls]
        rest = [Decimal(100) - x for x in sums]
        out.append(
            "Columns: `cdu` (CDU/CSU combined, wahlrecht.de code `cxu`) → UNION, `spd` → SPD, `gru` → GRUENE, "
            "`fdp` → FDP, `lin` → LINKE, `afd` → AFD; `beg`, `end` → fieldwork; `date` → published; `meth` → "
            "mode (cati: telephone, op: online panel, caop: telephone and online, ftf: face to face). `bsw` is "
            "empty throughout (founded 2024). The note keeps wahlrecht.de's poll id and the client (`ag_*`).")
        out.append("")
        out.append(
            "OTHERS is **derived**: the file has no 'Sonstige' column (the repository's parser drops it, and Freie "
            "Wähler with it), so OTHERS = 100 minus the six reported parties, computed exactly in decimal. The six "
            f"reported parties add up to between {min(sums):.1f} and {max(sums):.1f} in these polls, so OTHERS lies "
            f"between {min(rest):.1f} and {max(rest):.1f}: the firms' 'Sonstige' together with Freie Wähler, which "
            "wahlrecht.de lists separately for some firms. Every row therefore sums to exactly 100, and OTHERS "
            "carries the decimals of the cells it is computed from. SSW is never reported: it is inside OTHERS "
            "(`reported_in`).")
        out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    return command_line("python -m polls.sources.germany", __doc__.splitlines()[0],
                        lambda raw, out: [out / election_id for election_id in convert(raw, out)], argv)


if __name__ == "__main__":
    raise SystemExit(main())
