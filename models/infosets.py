"""Information sets: what is known at a moment of the campaign or of election night.

`polls` (pre-election polls only), `polls+exit` (and the exit polls), and
`polls+exit+regions` with any subset of regions counted. `election_night(election)` lists the
sequence a report replays: polls, polls+exit, then one region more at a time in the
election's count order.
"""

from __future__ import annotations

from dataclasses import dataclass

import polls

__all__ = ["InformationSet", "election_night", "parse_information_set"]


@dataclass(frozen=True)
class InformationSet:
    """Which data condition the model: always the polls; optionally exit polls and counted regions."""

    exit_polls: bool = False
    counted_regions: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        if not self.exit_polls and not self.counted_regions:
            return "polls"
        if not self.counted_regions:
            return "polls+exit"
        head = "polls+exit" if self.exit_polls else "polls"
        return f"{head}+regions:{len(self.counted_regions)}"

    def __str__(self) -> str:
        return self.name


def parse_information_set(spec: str | InformationSet, election: polls.Election) -> InformationSet:
    """'polls', 'polls+exit', 'polls+exit+regions' (all), 'polls+exit+regions:N' (the first N in
    count order), or 'polls+exit+regions:AKM,ALA' (those regions)."""
    if isinstance(spec, InformationSet):
        unknown = set(spec.counted_regions) - set(election.region_codes)
        if unknown:
            raise ValueError(f"unknown regions {sorted(unknown)} for {election.id}")
        return spec
    text = spec.strip()
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
