"""Recovery on simulated data: polls generated from the model with known house effects, bias
and shares, then fitted with the same compiled model (`FusionModel.fit(data=...)`).

A Bayesian model that is right about how the data arise covers the known values with its
90% intervals about 90% of the time. `synthetic_data` draws one such data set in the shapes of
a real election (same polls, firms, weeks, exit polls, regions); `interval_coverage` checks
which known values the posterior covers. The tests run a few; `benchmarks/recovery.py` many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from models.fit import Fit, FusionModel

__all__ = ["SyntheticTruth", "interval_coverage", "synthetic_data"]


@dataclass
class SyntheticTruth:
    shares: np.ndarray      # (K,) national shares on election day
    bias: np.ndarray        # (K,) industry-wide poll bias (log-share scale, zero-sum)
    house: np.ndarray       # (F, K) house effects (zero-sum over firms and options)
    exit_bias: np.ndarray   # (K,)
    group_swing: np.ndarray | None = None  # (groups, K) each group's swing from the typical region


def _centre(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return x - x.mean(axis=axis, keepdims=True)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def synthetic_data(model: FusionModel, rng: np.random.Generator, *, poll_size: int = 1000,
                   exit_size: int = 20_000, house_sd: float | None = None, poll_sd: float | None = None,
                   region_sd: float = 0.3) -> tuple[dict[str, np.ndarray], SyntheticTruth]:
    """Data overrides for `model.fit(data=...)` and the truth they were drawn from.

    Polls report every option with no undecided and a known size; every region has a result:
    the typical region's shares, moved by the region's lean in the previous election (the
    model's baseline), its group's swing and its own effect, each group and region at scale
    `region_sd` as in the model.
    House effects and poll errors have the model's prior scales unless given (larger values
    test what happens when the truth is outside what the prior expects).
    """
    inputs, priors = model.inputs, model.priors
    house_sd = priors.house_sd if house_sd is None else house_sd
    poll_sd = priors.poll_sd if poll_sd is None else poll_sd
    K, N, F, T = len(inputs.options), inputs.n_polls, len(inputs.firms), len(inputs.dates)
    R, J, G = len(inputs.regions), len(inputs.exit_firm), len(inputs.exit_firms)
    centre_shares = np.exp(inputs.prior_mean) / np.exp(inputs.prior_mean).sum()
    log_open = np.log(centre_shares) + rng.normal(0, 0.3, K)
    data: dict[str, np.ndarray] = {}
    group_swing = region_sd * _centre(rng.normal(size=(len(inputs.groups), K))) if inputs.groups else None
    if R:
        effects = region_sd * _centre(rng.normal(size=(R, K))) + inputs.region_baseline
        if group_swing is not None:
            effects = effects + group_swing[inputs.region_group]
        observed = _softmax(log_open[None, :] + effects)
        shares = inputs.region_weight @ observed
        data["region_observed"] = observed
    else:
        shares = _softmax(log_open)
    scale = inputs.error_scale  # errors in units of sqrt(p (1 - p)), as the model has them
    bias = _centre(priors.bias_sd * scale * rng.standard_t(priors.bias_nu, size=K))
    house = (_centre(_centre(scale * (inputs.house_prior + house_sd * rng.normal(size=(F, K))), 1), 0)
             if F > 1 else np.zeros((F, K)))
    walk = np.concatenate([np.zeros((1, K)), np.cumsum(_centre(rng.normal(size=(T - 1, K))), axis=0)
                           * priors.drift_sd_week]) if T > 1 else np.zeros((1, K))
    trend = np.log(shares)[None, :] + walk
    logits = trend[inputs.poll_week] + bias + house[inputs.poll_firm]
    effective = 1 / (1 / poll_size + poll_sd**2)  # sampling plus the poll's own error, as in the model
    decided = np.array([rng.dirichlet(effective * p) for p in _softmax(logits)])
    data.update(poll_decided=decided, poll_mask=np.ones((N, K)),
                poll_merge=np.broadcast_to(np.eye(K), (N, K, K)).copy(), poll_remainder=np.zeros(N),
                poll_size_known=np.full(N, float(poll_size)), poll_size_missing=np.zeros(N))
    exit_bias = _centre(priors.exit_bias_sd * scale * rng.standard_t(priors.exit_bias_nu, size=K))
    if J:
        exit_house = (priors.house_sd * priors.exit_scale * _centre(_centre(scale * rng.normal(size=(G, K)), 1), 0)
                      if G > 1 else np.zeros((G, K)))
        exit_logits = np.log(shares) + exit_bias + exit_house[inputs.exit_firm]
        exit_effective = 1 / (1 / exit_size + (priors.poll_sd * priors.exit_scale) ** 2)
        exit_shares = np.array([rng.dirichlet(exit_effective * p) for p in _softmax(exit_logits)])
        data.update(exit_log_shares=np.log(exit_shares), exit_mask=np.ones((J, K)),
                    exit_merge=np.broadcast_to(np.eye(K), (J, K, K)).copy(),
                    exit_size_known=np.full(J, float(exit_size)), exit_size_missing=np.zeros(J))
    return data, SyntheticTruth(shares, bias, house, exit_bias, group_swing)


def interval_coverage(fit: Fit, truth: SyntheticTruth, level: float = 0.9) -> dict[str, np.ndarray]:
    """For each known quantity, which elements its central `level` interval covers."""
    post = fit.idata.posterior
    out = {}
    for name, value in (("shares", truth.shares), ("bias", truth.bias), ("house", truth.house),
                        ("exit_bias", truth.exit_bias), ("group_swing", truth.group_swing)):
        if name not in post or value is None:
            continue
        draws: xr.DataArray = post[name]
        low = draws.quantile((1 - level) / 2, ("chain", "draw")).values
        high = draws.quantile((1 + level) / 2, ("chain", "draw")).values
        out[name] = (low <= value) & (value <= high)
    return out
