"""Forecasts as of a day of the campaign: only what was public by then."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import polls
from models.evaluate import baseline_forecasts
from models.fit import FusionModel
from models.infosets import InformationSet, parse_information_set
from polls.election import PUBLICATION_LAG_DAYS

# tests share a module-scoped fixture: one worker runs them all (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("test_as_of")


@pytest.fixture(scope="module")
def se_2022():
    return polls.load("se-2022-riksdag")


def test_a_poll_is_public_when_published_else_after_the_stated_lag():
    election = polls.load("kz-2023-mazhilis")
    public = election.public_dates()
    table = election.polls
    with_date = table["published"].notna().to_numpy()
    assert (public[with_date] == pd.to_datetime(table["published"][with_date])).all()
    lag = public[~with_date] - pd.to_datetime(table["fieldwork_end"][~with_date])
    assert (lag == pd.Timedelta(days=PUBLICATION_LAG_DAYS)).all() and (~with_date).any()


def test_as_of_keeps_what_was_public_and_the_result_for_scoring(se_2022):
    day = dt.date(2022, 8, 15)
    then = se_2022.as_of(day)
    assert 0 < len(then.polls) < len(se_2022.polls)
    assert (then.public_dates() <= pd.Timestamp(day)).all()
    assert len(then.exit_polls) == 0 and then.regional_results is None
    assert then.has_results and then.result_shares().equals(se_2022.result_shares())
    assert se_2022.as_of(se_2022.date) is se_2022


def test_information_sets_as_of_a_day(se_2022):
    info = parse_information_set("polls as of 2022-08-15", se_2022)
    assert info == InformationSet(as_of=dt.date(2022, 8, 15)) and info.name == "polls as of 2022-08-15"
    assert parse_information_set(info.name, se_2022) == info
    with pytest.raises(ValueError, match="no exit polls or counted regions were known then"):
        parse_information_set("polls+exit as of 2022-09-01", se_2022)
    with pytest.raises(ValueError, match="no poll of se-2022-riksdag was public by 2020-01-01"):
        parse_information_set("polls as of 2020-01-01", se_2022)
    with pytest.raises(ValueError, match="not a date"):
        parse_information_set("polls as of 1 May", se_2022)
    assert parse_information_set("polls+exit as of 2022-09-11", se_2022).as_of is None  # election day: all known


def test_a_poll_moved_across_the_day_enters_or_leaves_the_fit(se_2022):
    """The fit's data as of a day: moving one poll's publication past the day takes it out."""
    day = dt.date(2022, 8, 15)
    model = FusionModel(se_2022)
    before = model.data_for(InformationSet(as_of=day))
    inside = int(np.flatnonzero(before["poll_used"])[-1])
    assert before["poll_used"].sum() == (se_2022.public_dates() <= pd.Timestamp(day)).sum()
    moved_polls = se_2022.polls.copy()
    moved_polls.loc[moved_polls.index[inside], "published"] = pd.Timestamp(day + dt.timedelta(days=1))
    model.election = replace(se_2022, polls=moved_polls)
    after = model.data_for(InformationSet(as_of=day))
    changed = np.flatnonzero(before["poll_used"] != after["poll_used"])
    assert changed.tolist() == [inside] and after["poll_used"][inside] == 0
    # the error scale is set by the public polls alone
    assert not np.array_equal(before["error_scale"], model.data_for(InformationSet())["error_scale"])


def test_baselines_as_of_a_day_use_the_polls_then_public(se_2022):
    day = dt.date(2022, 8, 15)
    last = {b.name: b for b in baseline_forecasts(se_2022.as_of(day))}["last poll"]
    public = se_2022.polls[(se_2022.public_dates() <= pd.Timestamp(day)).to_numpy()]
    assert str(public["date"].max().date()) in last.note
    assert all(b.information_set == "polls" for b in baseline_forecasts(se_2022.as_of(day)))


def test_a_forecast_is_compared_only_with_forecasts_that_knew_as_much():
    from models.infosets import knew_no_more

    assert knew_no_more("polls", "polls") and knew_no_more("polls", "polls+exit+regions:3")
    assert knew_no_more("polls as of 2021-01-01", "polls") and knew_no_more("polls as of 2021-01-01", "polls+exit")
    assert knew_no_more("polls as of 2021-01-01", "polls as of 2021-01-05")
    assert not knew_no_more("polls as of 2021-01-05", "polls as of 2021-01-01")
    assert not knew_no_more("polls", "polls as of 2021-01-01")
    assert not knew_no_more("polls+exit", "polls") and knew_no_more("polls+exit", "polls+exit+regions:1")
