"""Forecasts made elsewhere, read from files and scored like the model.

A forecast is a CSV file in one of two shapes, with a TOML file of the same name beside it
(`NAME.csv` and `NAME.toml`; without one the forecast is named after the file):

- draws: one row per simulated outcome, one column per ballot option (its code, percent;
  each row sums to 100 within half a point), optionally `seats_CODE` columns for every party.
  An option inside another's figure (`reported_in`) may be left out: its host's share is
  split as the baselines split it (the previous election's shares).
- quantiles: columns `option`, `quantile` (strictly between 0 and 1), `value` (percent),
  values not decreasing in the quantile for each option.

The TOML file says `name`, `author`, `made` (the day it was made), `knew` (an information set:
"polls", "polls+exit", or "polls as of YYYY-MM-DD"), `source` and `licence`; all optional.
`pollmc forecast --save FILE` writes the draws shape, so a forecast saved before the count can
be scored after it with `pollmc report ELECTION --forecast FILE`.

Draws are scored exactly as the model is (`models.evaluate.score`); seats, where the file gives
none, are the election's rule applied to every draw of shares (said in the note). Quantiles
give marginal distributions only: CRPS by the quantile score, 2 x mean pinball loss over the
stated levels (exact as the levels fill 0-1 evenly; with the 19 levels 0.05-0.95 it is within
a few percent for smooth distributions: tests/test_external.py), PIT by linear interpolation of
the stated quantiles, coverage of the central intervals whose both ends are stated; no energy
score and no seat scores.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

import polls
from models.evaluate import TIE, Forecast, _carried_forward, score, split_reported_in
from models.infosets import parse_information_set
from models.outcomes import INTERVALS
from models.simulate import seats_and_passes
from polls.errors import DataError

__all__ = ["METADATA_FIELDS", "ExternalForecast", "find_forecasts", "quantile_crps", "read_forecast",
           "score_external", "write_forecast"]

METADATA_FIELDS = ("name", "author", "made", "knew", "source", "licence")
ROW_SUM_TOLERANCE = 0.5


class ExternalForecast:
    """A forecast read from a file: `draws` (a `Forecast`) or `quantiles` (DataFrame option x
    quantile, percent), and its metadata."""

    def __init__(self, path: Path, metadata: dict, draws: Forecast | None = None,
                 quantiles: pd.DataFrame | None = None) -> None:
        self.path, self.metadata, self.draws, self.quantiles = path, metadata, draws, quantiles

    @property
    def name(self) -> str:
        return self.metadata["name"]

    @property
    def shape(self) -> str:
        return "draws" if self.draws is not None else "quantiles"


def _metadata(path: Path) -> dict:
    toml_path = path.with_suffix(".toml")
    meta = {"name": path.stem, "knew": "polls"}
    if toml_path.exists():
        try:
            doc = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"not valid TOML: {exc}", file=str(toml_path)) from None
        unknown = sorted(set(doc) - set(METADATA_FIELDS))
        if unknown:
            raise DataError(f"unknown key '{unknown[0]}' (known: {', '.join(METADATA_FIELDS)})", file=str(toml_path),
                            field=unknown[0])
        meta.update({k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in doc.items()})
    return meta


def _number(text: str, file: str, row: int, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"'{text}' is not a number", file=file, row=row, line=row + 1, field=field) from None
    if not np.isfinite(value):
        raise DataError(f"'{text}' is not a finite number", file=file, row=row, line=row + 1, field=field)
    return value


def _read_draws(path: Path, table: pd.DataFrame, election: polls.Election, meta: dict) -> Forecast:
    file = str(path)
    options, parties = election.options, election.party_codes
    known = set(options) | {f"seats_{p}" for p in parties}
    for column in table.columns:
        if column not in known:
            raise DataError(f"'{column}' is not an option of {election.id} ({', '.join(options)}) or seats_CODE",
                            file=file, field=column)
    missing = [o for o in options if o not in table.columns and o not in election.reported_in]
    if missing:
        raise DataError(f"no column for option '{missing[0]}'", file=file, field=missing[0])
    values = pd.DataFrame(np.nan, index=table.index, columns=options)
    for r, row in enumerate(table.itertuples(index=False), start=1):
        cells = dict(zip(table.columns, row))
        for option in options:
            if option in cells and cells[option] != "":
                value = _number(cells[option], file, r, option)
                if not 0 <= value <= 100:
                    raise DataError(f"share {value:g} is not between 0 and 100", file=file, row=r, line=r + 1,
                                    field=option)
                values.iloc[r - 1, options.index(option)] = value
            elif option not in election.reported_in:
                raise DataError("empty share", file=file, row=r, line=r + 1, field=option)
        total = values.iloc[r - 1].sum()
        if abs(total - 100) > ROW_SUM_TOLERANCE:
            raise DataError(f"shares sum to {total:.4g}, not 100 (within {ROW_SUM_TOLERANCE})", file=file, row=r,
                            line=r + 1, field=options[0])
    note = "draws from the file"
    if values.isna().any().any():
        values = split_reported_in(election, values, _carried_forward(election, polls.load_previous(election)))
        note += "; figures holding other options split by the previous election's shares"
    shares = values[options].to_numpy(float)
    shares = shares / shares.sum(axis=1, keepdims=True)
    rule_seats, passed = seats_and_passes(election, shares)
    seat_columns = [f"seats_{p}" for p in parties]
    given = [c for c in seat_columns if c in table.columns]
    if given and len(given) < len(seat_columns):
        absent = next(c for c in seat_columns if c not in table.columns)
        raise DataError(f"seats are given for some parties but not '{absent}'", file=file, field=absent)
    if given:
        seats = np.empty((len(table), len(parties)), np.int64)
        for j, column in enumerate(seat_columns):
            for r, text in enumerate(table[column], start=1):
                value = _number(text, file, r, column)
                if value != int(value) or value < 0:
                    raise DataError(f"seats '{text}' are not a whole number of 0 or more", file=file, row=r,
                                    line=r + 1, field=column)
                seats[r - 1, j] = int(value)
        note += "; seats from the file"
    else:
        seats = rule_seats
        note += f"; seats: the election's rule applied to each draw ({election.rule.short})"
    return Forecast(meta["name"], "external", shares, seats, passed, information_set=meta["knew"], note=note)


def _read_quantiles(path: Path, table: pd.DataFrame, election: polls.Election) -> pd.DataFrame:
    file = str(path)
    rows = []
    for r, cells in enumerate(table.itertuples(index=False), start=1):
        option, level, value = cells.option, _number(cells.quantile, file, r, "quantile"), _number(
            cells.value, file, r, "value")
        if option not in election.options:
            raise DataError(f"'{option}' is not an option of {election.id} ({', '.join(election.options)})",
                            file=file, row=r, line=r + 1, field="option")
        if not 0 < level < 1:
            raise DataError(f"quantile {level:g} is not strictly between 0 and 1", file=file, row=r, line=r + 1,
                            field="quantile")
        if not 0 <= value <= 100:
            raise DataError(f"value {value:g} is not a share between 0 and 100", file=file, row=r, line=r + 1,
                            field="value")
        rows.append((option, level, value, r))
    frame = pd.DataFrame(rows, columns=["option", "quantile", "value", "row"])
    for option, own in frame.groupby("option", sort=False):
        own = own.sort_values("quantile")
        repeated = own["quantile"].duplicated()
        if repeated.any():
            r = int(own["row"][repeated].iloc[0])
            raise DataError(f"quantile {own['quantile'][repeated].iloc[0]:g} of '{option}' given twice", file=file,
                            row=r, line=r + 1, field="quantile")
        falls = np.flatnonzero(np.diff(own["value"].to_numpy()) < 0)
        if len(falls):
            r = int(own["row"].iloc[falls[0] + 1])
            raise DataError(f"'{option}': the value falls as the quantile rises", file=file, row=r, line=r + 1,
                            field="value")
    missing = [o for o in election.options if o not in set(frame["option"])]
    if missing:
        raise DataError(f"no quantiles for option '{missing[0]}'", file=file, field="option")
    return frame.pivot(index="option", columns="quantile", values="value").loc[election.options]


def read_forecast(path: str | Path, election: polls.Election) -> ExternalForecast:
    """Read and validate an external forecast (draws or quantiles) for `election`."""
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    meta = _metadata(path)
    try:
        parse_information_set(meta["knew"], election)
    except ValueError as exc:
        raise DataError(f"knew = '{meta['knew']}' is not an information set of {election.id}: {exc}",
                        file=str(path.with_suffix(".toml")), field="knew") from None
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"not valid CSV: {exc}", file=str(path)) from None
    table.columns = [c.strip() for c in table.columns]
    if table.empty:
        raise DataError("no rows", file=str(path))
    if {"option", "quantile", "value"} <= set(table.columns):
        return ExternalForecast(path, meta, quantiles=_read_quantiles(path, table, election))
    return ExternalForecast(path, meta, draws=_read_draws(path, table, election, meta))


def find_forecasts(election: polls.Election) -> list[Path]:
    """The forecast files in the election folder's `forecasts/` (sorted by name)."""
    if election.path is None or not (election.path / "forecasts").is_dir():
        return []
    return sorted((election.path / "forecasts").glob("*.csv"))


def quantile_crps(levels: np.ndarray, values: np.ndarray, actual: float) -> float:
    """The quantile score: 2 x the mean pinball loss over the stated levels, which approximates
    the CRPS (its integral over all levels)."""
    below = (actual < values).astype(float)
    return float(2 * np.mean((below - levels) * (values - actual)))


def _interpolated_pit(levels: np.ndarray, values: np.ndarray, actual: float) -> float:
    if actual < values[0] - TIE:
        return 0.0
    if actual > values[-1] + TIE:
        return 1.0
    return float(np.interp(actual, values, levels))


def score_external(forecast: ExternalForecast, election: polls.Election, *, seed: int = 0,
                   point_members: int = 100_000) -> dict:
    """The scores of an external forecast with the same fields as a baseline's, plus its metadata
    (fields a quantile forecast cannot give are None)."""
    if forecast.draws is not None:
        out = score(forecast.draws, election, seed=seed, point_members=point_members)
    else:
        actual = election.result_shares().to_numpy() * 100
        levels = forecast.quantiles.columns.to_numpy(float)
        per_option = {}
        for k, option in enumerate(election.options):
            values = forecast.quantiles.loc[option].to_numpy(float)
            stated = ~np.isnan(values)
            lv, vv = levels[stated], values[stated]
            median = float(np.interp(0.5, lv, vv))
            entry = {"actual": float(actual[k]), "median": median, "mean": None,
                     "pit": _interpolated_pit(lv, vv, actual[k]), "crps": quantile_crps(lv, vv, actual[k]),
                     "abs_error": float(abs(median - actual[k]))}
            for level in INTERVALS:
                ends = [(1 - level) / 2, (1 + level) / 2]
                found = [np.flatnonzero(np.isclose(lv, e)) for e in ends]
                if all(len(f) for f in found):
                    low, high = vv[found[0][0]], vv[found[1][0]]
                    entry[f"interval_{int(level * 100)}"] = [float(low), float(high)]
                    entry[f"covered_{int(level * 100)}"] = bool(low - TIE <= actual[k] <= high + TIE)
            per_option[option] = entry
        coverage = {}
        for level in INTERVALS:
            key = f"covered_{int(level * 100)}"
            if all(key in e for e in per_option.values()):
                coverage[f"{int(level * 100)}"] = float(np.mean([e[key] for e in per_option.values()]))
        out = {"name": forecast.name, "kind": "external", "information_set": forecast.metadata["knew"],
               "note": f"quantiles at {', '.join(f'{q:g}' for q in levels)}; CRPS by the quantile score",
               "members": None, "shares": per_option,
               "crps_mean": float(np.mean([e["crps"] for e in per_option.values()])),
               "abs_error_mean": float(np.mean([e["abs_error"] for e in per_option.values()])),
               "energy_score": None, "coverage": coverage, "seats": None, "actual_seats_hits": None,
               "p_actual_seats": None, "log_score_seats": None, "seat_abs_error": None,
               "brier_threshold_mean": None}
    out.update(kind="external", shape=forecast.shape, file=forecast.path.name, metadata=dict(forecast.metadata))
    return out


def write_forecast(path: str | Path, shares: pd.DataFrame, seats: pd.DataFrame | None, metadata: dict, *,
                   force: bool = False) -> list[Path]:
    """Write draws (percent, one column per option; `seats_CODE` columns from `seats`) and the
    metadata TOML beside them. Refuses to overwrite either file unless `force`."""
    path = Path(path)
    toml_path = path.with_suffix(".toml")
    existing = [p for p in (path, toml_path) if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} already exists; use --force to overwrite")
    table = shares.round(4)
    if seats is not None:
        table = pd.concat([table, seats.add_prefix("seats_")], axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    lines = [f"{key} = {_toml_string(str(metadata[key]))}" for key in METADATA_FIELDS if metadata.get(key) is not None]
    toml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path, toml_path]


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
