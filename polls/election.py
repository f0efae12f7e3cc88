"""The Election object: one election's rule, lists, regions, polls and results, with labels.

Everything a model needs to know about an election, as pandas objects labelled by party
(`option`), region and poll, so that a notebook can inspect any piece directly. Built by
`polls.load`; nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["AGAINST_ALL", "METHODS", "PUBLICATION_LAG_DAYS", "THRESHOLD_BASES", "Election", "SeatRule",
           "first_divisor_problem"]

#: Code of the 'against all' ballot option: counted in the votes, never given seats.
AGAINST_ALL = "against_all"

#: Seat-allocation methods, named as electoral laws name them.
METHODS = {
    "hare": "largest remainder, Hare quota (votes / seats)",
    "droop": "largest remainder, exact Droop (Hagenbach-Bischoff) quota (votes / (seats + 1))",
    "dhondt": "D'Hondt highest averages (divisors 1, 2, 3, ...)",
    "sainte-lague": "Sainte-Laguë highest averages (divisors 1, 3, 5, ...)",
    "modified-sainte-lague": "modified Sainte-Laguë (first divisor 1.4 unless stated, then 3, 5, ...)",
}

#: Days from the end of fieldwork to publication, assumed where a poll's publication date is not
#: known: 91% of the 413 bundled polls with both dates were out within 4 days (median 1, 2026-12-01).
PUBLICATION_LAG_DAYS = 4

#: What a threshold is a share of. Seatless options (e.g. all other lists as one figure) are
#: votes for lists and count in both; 'against all' only in valid_votes.
THRESHOLD_BASES = {
    "party_votes": "valid votes cast for all party lists",
    "valid_votes": "all valid votes",
}


def first_divisor_problem(value: float) -> str | None:
    """Why `value` cannot be a modified Sainte-Laguë first divisor, or None if it can: the seat
    engine compares quotients exactly, which needs 0 < d <= 3 with at most three decimals."""
    from fractions import Fraction

    if not 0 < value <= 3:
        return f"first divisor {value:g} must be above 0 and at most 3 (1.4 in Norway, 1.2 in Sweden since 2018)"
    if Fraction(str(float(value))).denominator > 1000:
        return f"first divisor {value!r} has more than three decimals"
    return None


@dataclass(frozen=True)
class SeatRule:
    """How list seats are allocated: the method, the threshold and the special clauses.

    `threshold` is in percent of `threshold_base`; a list exactly at the threshold passes.
    `runner_up_min_seats`: if only one list passes, the list with the next most votes is
    admitted too and gets at least this many seats (`runner_up_reading="floor"`: it joins
    the allocation with that floor; `"exact"`: it gets exactly that many). `None`: no clause.
    `if_none_pass="all_lists"`: when no list passes, the threshold is waived.
    `first_divisor`: of modified Sainte-Laguë. `exempt`: lists admitted whatever their share
    (national minorities). `seatless`: options that are not lists (all other lists as one
    figure): they count in the threshold base, never win a seat. `approximate`: the national
    rule only approximates the law (e.g. overhang and levelling seats), so official seats may
    differ from it.
    """

    method: str
    seats: int
    threshold: float = 0.0
    threshold_base: str = "party_votes"
    tie_break: str = "registration_order"
    runner_up_min_seats: int | None = None
    runner_up_reading: str = "floor"
    if_none_pass: str = "all_lists"
    first_divisor: float = 1.4
    exempt: tuple[str, ...] = ()
    seatless: tuple[str, ...] = ()
    approximate: bool = False
    note: str = ""

    @property
    def short(self) -> str:
        """A few words for a table: method (first divisor), threshold, clauses."""
        text = self.method + (f" {self.first_divisor:g}" if self.method == "modified-sainte-lague" else "")
        text += f", {self.threshold:g}%" if self.threshold else ", no threshold"
        if self.exempt:
            text += f" ({', '.join(self.exempt)} exempt)"
        if self.approximate:
            text += ", approximate"
        return text

    def describe(self) -> str:
        """One line a reader of an electoral law recognises."""
        method = METHODS[self.method]
        if self.method == "modified-sainte-lague":
            method = f"modified Sainte-Laguë (divisors {self.first_divisor:g}, 3, 5, ...)"
        text = f"{self.seats} seats, {method}"
        if self.threshold:
            text += f", {self.threshold:g}% threshold of {THRESHOLD_BASES[self.threshold_base]}"
        if self.runner_up_min_seats:
            how = "at least" if self.runner_up_reading == "floor" else "exactly"
            text += f"; if one list passes, the runner-up gets {how} {self.runner_up_min_seats} seats"
        if self.exempt:
            text += f"; exempt from the threshold: {', '.join(self.exempt)}"
        if self.seatless:
            text += f"; {', '.join(self.seatless)} counted but never seated"
        if self.approximate:
            text += " (a national approximation of the law)"
        return text


@dataclass(frozen=True, eq=False)
class Election:
    """One election as described by its data folder (see `polls/README.md`).

    Attributes hold pandas objects: `parties` (index: party code, in registration order),
    `regions` (index: region code), `polls` and `exit_polls` (one row per poll, one column
    per ballot option in percent), `results` (index: option; votes, seats,
    published_percent) and `regional_results` (index: region; columns: options; votes).
    Missing files give empty tables (polls) or `None` (results).
    """

    id: str
    name: str
    country: str
    chamber: str
    date: dt.date
    total_seats: int
    list_seats: int
    rule: SeatRule
    parties: pd.DataFrame
    regions: pd.DataFrame
    polls: pd.DataFrame
    exit_polls: pd.DataFrame
    results: pd.DataFrame | None
    regional_results: pd.DataFrame | None
    has_against_all: bool = False
    previous: str | None = None
    other_seats: int = 0
    other_seats_kind: str | None = None
    other_seats_note: str = ""
    invalid_votes: int | None = None
    registered_voters: int | None = None
    count_order: tuple[str, ...] = ()
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    path: Path | None = None

    # -- labels -------------------------------------------------------------------------
    @property
    def party_codes(self) -> list[str]:
        """Party codes in registration order (the order that breaks ties)."""
        return list(self.parties.index)

    @property
    def options(self) -> list[str]:
        """Every ballot option that receives votes: the parties, then 'against all' if offered."""
        return self.party_codes + ([AGAINST_ALL] if self.has_against_all else [])

    @property
    def seatless(self) -> list[str]:
        """Options that never win seats: seatless [[parties]] and 'against all'."""
        return list(self.rule.seatless) + ([AGAINST_ALL] if self.has_against_all else [])

    @property
    def reported_in(self) -> dict[str, str]:
        """Option -> the option whose figure includes it where a poll leaves it blank."""
        return {code: host for code, host in self.parties["reported_in"].items() if isinstance(host, str)}

    def reporting(self, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Which figure of each row of a poll table holds each option: (N, K, K) with 1 where
        option k is inside column j (itself when reported; its `reported_in` option when blank
        and that one is reported; nowhere when neither), and the (N, K) mask of columns reported.
        An option is covered by a row when it is inside some figure: `merge.sum(axis=2) > 0`."""
        options = self.options
        mask = table[options].notna().to_numpy() if len(table) else np.zeros((0, len(options)), bool)
        merge = np.zeros((len(mask), len(options), len(options)))
        index = {o: k for k, o in enumerate(options)}
        for k, option in enumerate(options):
            merge[:, k, k] = mask[:, k]
            host = self.reported_in.get(option)
            if host is not None:
                merge[:, k, index[host]] = ~mask[:, k] & mask[:, index[host]]
        return merge, mask

    def predecessor_shares(self, previous: Election) -> pd.Series:
        """Each option's share (fraction) in `previous` through its `predecessor` code ('against
        all' through itself), NaN without one: from the votes, else the published percentages."""
        if previous.results is None:
            last = pd.Series(dtype=float)
        elif previous.has_results:
            last = previous.result_shares()
        else:
            last = previous.results["published_percent"] / 100
        return pd.Series({o: float(last.get(s, np.nan)) if s else np.nan
                          for o, s in self.predecessors().items()}, dtype=float)

    def predecessors(self) -> dict[str, str | None]:
        """Each option's code in the previous election (`predecessor`; 'against all' is itself),
        None without one."""
        sources = {o: o if o == AGAINST_ALL else self.parties.loc[o, "predecessor"] for o in self.options}
        return {o: s if isinstance(s, str) and s else None for o, s in sources.items()}

    @property
    def region_codes(self) -> list[str]:
        return list(self.regions.index)

    @property
    def firms(self) -> list[str]:
        """Firms of the pre-election polls, in order of first appearance."""
        return list(dict.fromkeys(self.polls["firm"])) if len(self.polls) else []

    @property
    def exit_firms(self) -> list[str]:
        return list(dict.fromkeys(self.exit_polls["firm"])) if len(self.exit_polls) else []

    @property
    def house_seats(self) -> int | None:
        """Seats of the whole house when its other seats belong to no list (appointed, as the 9
        Assembly seats of the Mazhilis), so that majorities of the house can be asked of the
        lists; None when the other seats are elected or there are none."""
        return self.total_seats if self.other_seats_kind == "appointed" else None

    # -- the actual outcome -------------------------------------------------------------
    def public_dates(self) -> pd.Series:
        """The day each pre-election poll was public: its publication date, else the end of its
        fieldwork plus `PUBLICATION_LAG_DAYS`."""
        if not len(self.polls):
            return pd.Series([], dtype="datetime64[ns]")
        published = pd.to_datetime(self.polls["published"])
        assumed = pd.to_datetime(self.polls["fieldwork_end"]) + pd.Timedelta(days=PUBLICATION_LAG_DAYS)
        return published.fillna(assumed).rename("public")

    def public_by(self, day: dt.date) -> np.ndarray:
        """Which pre-election polls were public by the end of `day` (`public_dates`)."""
        return (self.public_dates() <= pd.Timestamp(day)).to_numpy()

    def as_of(self, day: dt.date) -> Election:
        """What was public on `day` (its end): the polls published by then; before election day
        no exit polls and no counted regions. The result stays, for scoring only."""
        if day >= self.date:
            return self
        return replace(self, polls=self.polls[self.public_by(day)], exit_polls=self.exit_polls.iloc[0:0], regional_results=None)

    @property
    def has_results(self) -> bool:
        return self.results is not None and self.results["votes"].notna().all()

    def result_votes(self) -> pd.Series:
        """Votes per ballot option (parties and 'against all'); raises if the result is unknown."""
        if not self.has_results:
            raise ValueError(f"{self.id}: the national result (votes of every option) is not known")
        return self.results["votes"].astype("int64")

    def result_shares(self) -> pd.Series:
        """Each option's share of the valid votes (parties plus 'against all'), as a fraction."""
        votes = self.result_votes()
        return votes / votes.sum()

    def result_seats(self) -> pd.Series:
        """List seats won by each party (registration order); raises if unknown."""
        if self.results is None or self.results.loc[self.party_codes, "seats"].isna().any():
            raise ValueError(f"{self.id}: the seats won are not known")
        return self.results.loc[self.party_codes, "seats"].astype("int64")

    def regional_shares(self) -> pd.DataFrame:
        """Each counted region's shares of its valid votes (rows: regions; columns: options)."""
        if self.regional_results is None:
            raise ValueError(f"{self.id}: no regional results")
        votes = self.regional_results[self.options]
        return votes.div(votes.sum(axis=1), axis=0)

    # -- display ------------------------------------------------------------------------
    def summary(self) -> str:
        """A readable plain-text summary of everything the data set holds."""
        lines = [
            self.name,
            f"  id {self.id}; {self.country}, {self.chamber}; election day {self.date.isoformat()}",
            f"  seats: {self.total_seats} in all, {self.list_seats} from party lists"
            + (f", {self.other_seats} {self.other_seats_kind}" if self.other_seats else ""),
            f"  rule: {self.rule.describe()}",
            f"  previous election: {self.previous or 'none bundled'}",
            "",
            "Lists (registration order):",
        ]
        for code, row in self.parties.iterrows():
            lines.append(f"  {code:<12} {row['name']}")
        if self.has_against_all:
            lines.append(f"  {AGAINST_ALL:<12} 'against all' (counted, wins no seats)")
        lines.append("")
        for title, table in (("Pre-election polls", self.polls), ("Exit polls", self.exit_polls)):
            lines.append(f"{title} ({len(table)}):")
            if len(table):
                shown = table[["firm", "date", "sample_size", *self.options]].copy()
                shown["date"] = shown["date"].dt.date
                lines.append(_indent(shown.to_string(index=False, na_rep="-")))
            lines.append("")
        if self.results is not None:
            lines.append("Result:")
            table = self.results.copy()
            if self.has_results:
                table["percent"] = (100 * self.result_shares()).round(2)
            lines.append(_indent(table.to_string(na_rep="-")))
            extra = []
            if self.invalid_votes is not None:
                extra.append(f"invalid votes {self.invalid_votes:,}")
            if self.registered_voters is not None:
                extra.append(f"registered voters {self.registered_voters:,}")
            if extra:
                lines.append("  " + "; ".join(extra))
        else:
            lines.append("Result: not known yet")
        lines.append("")
        if self.regional_results is not None:
            lines.append(f"Regional results: {len(self.regional_results)} of {len(self.regions)} regions counted")
            shares = (100 * self.regional_shares()).round(2)
            shares.index = [f"{c} {self.regions.loc[c, 'name']}" for c in shares.index]
            lines.append(_indent(shares.to_string()))
        else:
            lines.append(f"Regional results: none ({len(self.regions)} regions defined)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Election {self.id}: {len(self.options)} options, {len(self.regions)} regions, "
            f"{len(self.polls)} polls, {len(self.exit_polls)} exit polls, "
            f"result {'known' if self.has_results else 'unknown'}>"
        )


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.splitlines())
