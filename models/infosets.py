"""Information sets: what is known at a moment of the campaign or of election night.

`polls` (pre-election polls only), `polls+exit` (and the exit polls), and
`polls+exit+regions` with any subset of regions counted. `election_night(election)` lists the
sequence a report replays: polls, polls+exit, then one region more at a time in the
election's count order. A day of the campaign: `polls as of 2021-09-12` (the polls public by
the end of that day, `polls.Election.public_dates`); before election day only `polls` can be
known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polls

__all__ = ["InformationSet", "election_night", "knew_no_more", "parse_information_set", "split_as_of"]


@dataclass(frozen=True)
class InformationSet:
    """Which data condition the model: always the polls; optionally exit polls and counted regions."""

    exit_polls: bool = False
    counted_regions: tuple[str, ...] = ()
    as_of: dt.date | None = None

    @property
    def name(self) -> str:
        if not self.exit_polls and not self.counted_regions:
            base = "polls"
        elif not self.counted_regions:
            base = "polls+exit"
        else:
            head = "polls+exit" if self.exit_polls else "polls"
            base = f"{head}+regions:{len(self.counted_regions)}"
        return base if self.as_of is None else f"{base}{AS_OF}{self.as_of.isoformat()}"

    def __str__(self) -> str:
        return self.name


AS_OF = " as of "


def split_as_of(name: str) -> tuple[str, str]:
    """An information set's name as (the set, the day as YYYY-MM-DD or '' when not as of a day)."""
    base, _, day = name.strip().partition(AS_OF)
    return base, day.strip()


def parse_information_set(spec: str | InformationSet, election: polls.Election) -> InformationSet:
    """'polls', 'polls+exit', 'polls+exit+regions' (all), 'polls+exit+regions:N' (the first N in
    count order), or 'polls+exit+regions:AKM,ALA' (those regions)."""
    if isinstance(spec, InformationSet):
        unknown = set(spec.counted_regions) - set(election.region_codes)
        if unknown:
            raise ValueError(f"unknown regions {sorted(unknown)} for {election.id}")
        return _check_as_of(spec, election)
    text, day = split_as_of(spec)
    if day:
        try:
            as_of = dt.date.fromisoformat(day)
        except ValueError:
            raise ValueError(f"'{day}' is not a date in the form YYYY-MM-DD") from None
        return parse_information_set(replace(parse_information_set(text, election), as_of=as_of), election)
    parts = text.split("+")
    if parts[0] != "polls" or len(parts) > 3:
        raise ValueError(f"unknown information set '{spec}' (polls, polls+exit, polls+exit+regions[:N|:CODES])")
    exit_polls = "exit" in parts[1:]
    regions_part = [p for p in parts[1:] if p.startswith("regions")]
    if len(parts[1:]) != exit_polls + len(regions_part):
        raise ValueError(f"unknown information set '{spec}' (polls, polls+exit, polls+exit+regions[:N|:CODES])")
    counted: tuple[str, ...] = ()
    if regions_part:
        _, _, which = regions_part[0].partition(":")
        order = election.count_order
        if not order:
            raise ValueError(f"{election.id} has no regions to count")
        if which == "":
            counted = tuple(order)
        elif which.isdigit():
            if not 0 <= int(which) <= len(order):
                raise ValueError(f"{election.id} has {len(order)} regions, not {which}")
            counted = tuple(order[: int(which)])
        else:
            counted = tuple(code.strip() for code in which.split(","))
    info = InformationSet(exit_polls=exit_polls, counted_regions=counted)
    if exit_polls and not len(election.exit_polls):
        raise ValueError(f"{election.id} has no exit polls")
    if counted and election.regional_results is None:
        raise ValueError(f"{election.id} has no regional results")
    missing = set(counted) - set(election.regional_results.index if election.regional_results is not None else [])
    if missing:
        raise ValueError(f"regions {sorted(missing)} have no results in {election.id}")
    return parse_information_set(info, election)


def _check_as_of(info: InformationSet, election: polls.Election) -> InformationSet:
    """An information set as of a day must hold only what was known then."""
    if info.as_of is None:
        return info
    if info.as_of >= election.date:  # on election day everything before it is known
        return replace(info, as_of=None)
    if info.exit_polls or info.counted_regions:
        raise ValueError(f"{info.as_of} is before election day ({election.date}): no exit polls or counted "
                         "regions were known then; use 'polls'")
    if not election.public_by(info.as_of).any():
        raise ValueError(f"no poll of {election.id} was public by {info.as_of} (the first: "
                         f"{election.public_dates().min().date()})")
    return info


def knew_no_more(known: str, information_set: str) -> bool:
    """Whether a forecast made with information set `known` (a name) knew no more than one
    made with `information_set`: polls as of the same day or earlier, or polls (with exit
    polls) when the other had them too."""
    known_base, known_day = split_as_of(known)
    base, day = split_as_of(information_set)
    if day and (not known_day or known_day > day):  # ISO dates compare as text
        return False
    if known_base == base or known_base == "polls":
        return True
    return known_base == "polls+exit" and "exit" in base


def election_night(election: polls.Election) -> list[InformationSet]:
    """polls; polls+exit (if there are exit polls); then each counted region added in count order."""
    sets = [InformationSet()]
    has_exit = len(election.exit_polls) > 0
    if has_exit:
        sets.append(InformationSet(exit_polls=True))
    if election.regional_results is not None:
        available = [r for r in election.count_order if r in election.regional_results.index]
        for k in range(1, len(available) + 1):
            sets.append(InformationSet(exit_polls=has_exit, counted_regions=tuple(available[:k])))
    return sets
