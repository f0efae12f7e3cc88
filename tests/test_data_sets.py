"""The bundled data sets load, validate and hold the figures their sources give."""

from __future__ import annotations

import numpy as np
import pytest

import polls


@pytest.mark.parametrize("election_id", polls.available())
def test_every_bundled_election_loads(election_id):
    election = polls.load(election_id)
    assert election.id == election_id
    assert (polls.DATA_DIR / election_id / "SOURCES.md").is_file()
    assert election.rule.seats == election.list_seats
    assert election.has_results


def test_bundled_ids():
    assert polls.available() == ["de-2009-bundestag", "de-2013-bundestag", "de-2017-bundestag", "de-2021-bundestag",
                                 "kz-2016-mazhilis", "kz-2021-mazhilis", "kz-2023-mazhilis",
                                 "se-2014-riksdag", "se-2018-riksdag", "se-2022-riksdag"]


def test_2021_national_shares_from_votes():
    election = polls.load("kz-2021-mazhilis")
    shares = (100 * election.result_shares()).round(2)
    assert shares.to_dict() == {"QHP": 9.10, "NO": 71.09, "AUYL": 5.29, "AJ": 10.95, "ADAL": 3.57}
    assert election.result_seats().to_dict() == {"QHP": 10, "NO": 76, "AUYL": 0, "AJ": 12, "ADAL": 0}
    assert election.result_votes().sum() == 7_241_562
    assert election.invalid_votes == 297_718
    assert election.registered_voters == 11_919_241


def test_2021_regions_add_up_exactly_to_national_votes():
    election = polls.load("kz-2021-mazhilis")
    regional = election.regional_results
    assert len(regional) == 17 == len(election.regions)
    assert (regional.sum() == election.result_votes()).all()
    assert regional.sum().to_dict() == {"QHP": 659_019, "NO": 5_148_074, "AUYL": 383_023,
                                       "AJ": 792_828, "ADAL": 258_618}


def test_2021_regional_corrections_recorded_in_sources():
    """The three printed percentages that the counts contradict, recomputed from the counts."""
    shares = (100 * polls.load("kz-2021-mazhilis").regional_shares()).round(2)
    assert shares.loc["ALA", "ADAL"] == 5.86
    assert shares.loc["MAN", "AJ"] == 14.30
    assert shares.loc["AST", "NO"] == 59.23
    sources = (polls.DATA_DIR / "kz-2021-mazhilis" / "SOURCES.md").read_text()
    for printed in ("5.21%", "12.08%", "67.50%"):
        assert printed in sources


def test_2021_polls_and_exit_polls():
    election = polls.load("kz-2021-mazhilis")
    assert len(election.polls) == 7
    assert sorted(set(election.polls["firm"])) == ["Astana Zertteu", "IEI", "Nur.kz", "PORI"]
    assert len(election.exit_polls) == 3
    assert (election.polls["date"] < np.datetime64(election.date)).all()
    assert election.polls["sample_size"].notna().sum() == 2
    # shares are stored as published (percent of all respondents), not renormalised
    last_iei = election.polls.iloc[5]
    assert last_iei[election.options].sum() == pytest.approx(95.6)


def test_2016_is_the_previous_election():
    election = polls.load("kz-2021-mazhilis")
    previous = polls.load_previous(election)
    assert previous.id == "kz-2016-mazhilis"
    assert previous.result_seats().to_dict() == {"NO": 84, "AJ": 7, "QKHP": 7, "AUYL": 0, "OSDP": 0, "BIRLIK": 0}
    assert (100 * previous.result_shares()).round(2)["OSDP"] == 1.18
    for predecessor in election.parties["predecessor"]:
        assert predecessor in previous.party_codes


def test_2023_against_all_is_an_option_without_seats():
    election = polls.load("kz-2023-mazhilis")
    assert election.has_against_all
    assert election.options[-1] == polls.AGAINST_ALL
    assert polls.AGAINST_ALL not in election.party_codes
    assert election.result_seats().to_dict() == {"AMANAT": 40, "AUYL": 8, "RESPUBLICA": 6, "AJ": 6,
                                                 "QHP": 5, "OSDP": 4, "BAYTAQ": 0}
    assert round(100 * election.result_shares()["AMANAT"], 2) == 53.90
    assert election.regional_results is None and len(election.regions) == 0


def test_us_poll_errors_bundled_with_credit():
    frame = polls.load_us_poll_errors()
    assert len(frame) == 9008
    readme = (polls.DATA_DIR / "us-poll-errors" / "README.md").read_text()
    assert "FiveThirtyEight pollster ratings data" in readme and "CC BY 4.0" in readme
    assert (frame["days_before"] >= 0).all()
