"""Forecasts made elsewhere: read, validated and scored exactly like the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr

import polls
from models.evaluate import model_forecast, score
from models.external import quantile_crps, read_forecast, score_external, write_forecast
from models.simulate import PosteriorDraws, simulate
from polls.errors import DataError

# tests share a module-scoped fixture: one worker runs them all (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("test_external")


@pytest.fixture(scope="module")
def kz_2021():
    return polls.load("kz-2021-mazhilis")


@pytest.fixture(scope="module")
def simulation(kz_2021):
    shares = np.random.default_rng(3).dirichlet(kz_2021.result_shares().to_numpy() * 300, size=400)
    return simulate(PosteriorDraws(kz_2021, "polls", shares, None), 3000, seed=5)


def test_the_models_own_draws_score_as_the_model(kz_2021, simulation, tmp_path):
    shares = pd.DataFrame(simulation["shares"].values * 100, columns=kz_2021.options)
    seats = pd.DataFrame(simulation["seats"].values, columns=kz_2021.party_codes)
    paths = write_forecast(tmp_path / "mine.csv", shares, seats, {"name": "mine", "knew": "polls", "made": "2021-01-05"})
    external = read_forecast(paths[0], kz_2021)
    assert external.name == "mine" and external.shape == "draws" and external.metadata["made"] == "2021-01-05"
    theirs = score_external(external, kz_2021, seed=1)
    ours = score(model_forecast(simulation), kz_2021, seed=1)
    for key in ("crps_mean", "abs_error_mean", "energy_score"):
        assert theirs[key] == pytest.approx(ours[key], abs=1e-4), key  # shares written to 4 decimals
    for key in ("p_actual_seats", "log_score_seats", "seat_abs_error", "brier_threshold_mean", "coverage"):
        assert theirs[key] == ours[key], key
    assert theirs["kind"] == "external" and theirs["information_set"] == "polls"
    # without seats, the rule gives them from each draw of shares: the same seats here
    write_forecast(tmp_path / "shares_only.csv", shares, None, {"name": "shares only"})
    alone = score_external(read_forecast(tmp_path / "shares_only.csv", kz_2021), kz_2021, seed=1)
    assert alone["p_actual_seats"] == ours["p_actual_seats"] and "rule applied" in alone["note"]
    with pytest.raises(FileExistsError, match="--force"):
        write_forecast(tmp_path / "mine.csv", shares, seats, {"name": "mine"})


def test_quantile_crps_approximates_the_exact_crps():
    """19 levels (0.05-0.95) of a normal forecast: the quantile score is within 10% of the exact
    CRPS, wherever the outcome falls."""
    from scipy import stats

    levels = np.round(np.arange(0.05, 0.951, 0.05), 2)
    for actual in (30.0, 31.5, 34.0, 24.0):
        exact = float(sr.crps_normal(actual, 30.0, 2.0))
        approximate = quantile_crps(levels, stats.norm.ppf(levels, 30.0, 2.0), actual)
        assert approximate == pytest.approx(exact, rel=0.10), actual


def test_a_quantile_forecast_is_scored_on_what_it_states(kz_2021, tmp_path):
    actual = kz_2021.result_shares() * 100
    rows = [(o, q, actual[o] + (q - 0.5) * 4) for o in kz_2021.options for q in (0.05, 0.25, 0.5, 0.75, 0.95)]
    pd.DataFrame(rows, columns=["option", "quantile", "value"]).to_csv(tmp_path / "q.csv", index=False)
    scored = score_external(read_forecast(tmp_path / "q.csv", kz_2021), kz_2021)
    assert scored["coverage"] == {"50": 1.0, "90": 1.0}  # the 80% and 95% intervals are not stated
    assert all(v["pit"] == pytest.approx(0.5) for v in scored["shares"].values())
    assert scored["energy_score"] is None and scored["p_actual_seats"] is None and scored["shape"] == "quantiles"


@pytest.mark.parametrize("content, fragment", [
    ("QHP,NO,AUYL,AJ,XX\n10,70,10,5,5\n", "'XX' is not an option of kz-2021-mazhilis"),
    ("QHP,NO,AUYL,AJ\n10,70,10,10\n", "no column for option 'ADAL'"),
    ("QHP,NO,AUYL,AJ,ADAL\n10,70,10,5,5\n10,170,10,5,5\n", "row 2 (line 3), field 'NO': share 170"),
    ("QHP,NO,AUYL,AJ,ADAL\n10,60,10,5,5\n", "shares sum to 90"),
    ("QHP,NO,AUYL,AJ,ADAL\n10,x,10,5,5\n", "'x' is not a number"),
    ("option,quantile,value\nNO,0.1,72\nNO,0.9,70\n", "'NO': the value falls as the quantile rises"),
    ("option,quantile,value\nNO,1.5,72\n", "quantile 1.5 is not strictly between 0 and 1"),
    ("option,quantile,value\nNO,0.5,72\n", "no quantiles for option 'QHP'"),
])
def test_bad_forecast_files_name_file_row_and_field(kz_2021, tmp_path, content, fragment):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataError, match="bad.csv") as error:
        read_forecast(path, kz_2021)
    assert fragment in str(error.value)


def test_metadata_beside_the_file_is_checked(kz_2021, tmp_path):
    (tmp_path / "f.csv").write_text("QHP,NO,AUYL,AJ,ADAL\n10,70,10,5,5\n")
    (tmp_path / "f.toml").write_text('name = "A pundit"\nmade = 2021-01-08\nwho = "me"\n')
    with pytest.raises(DataError, match="unknown key 'who'"):
        read_forecast(tmp_path / "f.csv", kz_2021)
    (tmp_path / "f.toml").write_text('knew = "polls+exit as of 2020-12-01"\n')
    with pytest.raises(DataError, match="f.toml, field 'knew'"):
        read_forecast(tmp_path / "f.csv", kz_2021)
    (tmp_path / "f.toml").write_text('name = "A pundit"\nmade = 2021-01-08\nknew = "polls"\n')
    forecast = read_forecast(tmp_path / "f.csv", kz_2021)
    assert forecast.name == "A pundit" and forecast.metadata["made"] == "2021-01-08"
