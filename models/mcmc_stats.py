"""Rank-normalized split R-hat and bulk/tail effective sample size, all quantities at once.

The gate (`models.fit.check_diagnostics`) judges every element of every sampled variable: about
200 quantities in a fit of the 2021 model. ArviZ 0.2x computes these statistics one scalar at a
time in Python (about 4 ms each, 0.9 s per fit, a sixth of a warm report). These functions follow
ArviZ's algorithms step by step (Vehtari et al. 2021, https://arxiv.org/abs/1903.08008: split
chains, rank-normalize, Geyer's initial monotone sequence) on a (chain, draw, quantity) array, with
numpy doing the work along the quantity axis; `tests/test_mcmc_stats.py` checks them against
`arviz.rhat` and `arviz.ess`. Elements with a NaN draw, or fewer than four draws, get NaN.
"""

from __future__ import annotations

import numpy as np
from scipy import fft, special, stats

__all__ = ["gate_statistics"]


def _split_chains(values: np.ndarray) -> np.ndarray:
    """(k, chain, draw) -> (k, 2 chain, draw // 2): first halves, then second halves."""
    half = values.shape[2] // 2
    return np.concatenate([values[:, :, :half], values[:, :, values.shape[2] - half:]], axis=1)


def _z_scale(values: np.ndarray) -> np.ndarray:
    """Normal scores of each quantity's pooled ranks (ties averaged)."""
    k, chains, draws = values.shape
    size = chains * draws
    ranks = stats.rankdata(values.reshape(k, size), method="average", axis=1)
    return special.ndtri((ranks - 3 / 8) / (size - 2 * 3 / 8 + 1)).reshape(values.shape)


def _rhat(values: np.ndarray) -> np.ndarray:
    """Gelman-Rubin potential scale reduction of (k, chain, draw)."""
    draws = values.shape[2]
    between = draws * values.mean(axis=2).var(axis=1, ddof=1)
    within = values.var(axis=2, ddof=1).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt((between / within + draws - 1) / draws)


def _autocov(values: np.ndarray) -> np.ndarray:
    """Autocovariance of each chain at every lag, by FFT."""
    draws = values.shape[2]
    padded = fft.next_fast_len(2 * draws)
    centred = values - values.mean(axis=2, keepdims=True)
    spectrum = np.fft.rfft(centred, n=padded, axis=2)
    spectrum *= np.conjugate(spectrum)
    return np.fft.irfft(spectrum, n=padded, axis=2)[:, :, :draws] / draws


def _variance_as_arviz(rows: np.ndarray) -> np.ndarray:
    """Each row's variance (ddof 1) as ArviZ computes it where numba is installed, as it always is
    beside PyTensor (`arviz.stats.stats_utils.stats_variance_1d`: running sums of x and x^2).
    np.var's last bit differs, and a pair of autocorrelations adding up to about 1e-16 then
    changed sign and ended Geyer's sequence elsewhere (tail ESS 57.9 against ArviZ's 60.2)."""
    n = rows.shape[1]
    total = np.zeros(rows.shape[0])
    squares = np.zeros(rows.shape[0])
    for column in rows.T:  # in ArviZ's order
        total = total + column
        squares = squares + column * column
    return (squares / n - (total / n) ** 2) * (n / (n - 1))


def _ess(values: np.ndarray) -> np.ndarray:
    """Effective sample size of (k, chain, draw) by Geyer's initial monotone sequence."""
    k, chains, draws = values.shape
    size = chains * draws
    # each lag's autocovariance averaged over the chains, summed in the order ArviZ's np.mean of
    # one lag sums it (pairwise, along a contiguous axis): see `_variance_as_arviz` for why
    lag_means = np.ascontiguousarray(_autocov(values).transpose(0, 2, 1)).mean(axis=2)  # (k, lag)
    mean_var = lag_means[:, 0] * draws / (draws - 1.0)
    var_plus = mean_var * (draws - 1.0) / draws
    if chains > 1:
        var_plus = var_plus + _variance_as_arviz(values.mean(axis=2))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho_all = (1.0 - (mean_var[:, None] - lag_means) / var_plus[:, None]).T  # (lag, k)

    rho = np.zeros((draws, k))
    rho[0] = 1.0
    rho[1] = rho_all[1]
    # initial positive sequence: pairs of lags (t+1, t+2) while the last pair's sum is positive
    last_even = np.ones(k)
    stop = np.ones(k, dtype=int)  # each quantity's t when its loop ended
    active = (1.0 + rho_all[1] > 0) & (1 < draws - 3)
    t = 1
    while active.any():
        even, odd = rho_all[t + 1], rho_all[t + 2]
        keep = active & (even + odd >= 0)
        rho[t + 1] = np.where(keep, even, rho[t + 1])
        rho[t + 2] = np.where(keep, odd, rho[t + 2])
        last_even = np.where(active, even, last_even)
        t += 2
        stop = np.where(active, t, stop)
        active &= (even + odd > 0) & (t < draws - 3)
    max_t = stop - 2
    columns = np.arange(k)
    rho[max_t + 1, columns] = np.where(last_even > 0, last_even, rho[max_t + 1, columns])
    # initial monotone sequence: no pair larger than the pair before it
    t = 1
    while (moving := t <= max_t - 2).any():
        before, pair = rho[t - 1] + rho[t], rho[t + 1] + rho[t + 2]
        lower = moving & (pair > before)
        rho[t + 1] = np.where(lower, before / 2.0, rho[t + 1])
        rho[t + 2] = np.where(lower, before / 2.0, rho[t + 2])
        t += 2
    cumulative = np.cumsum(rho, axis=0)
    head = np.where(max_t >= 0, cumulative[np.maximum(max_t, 0), columns], 0.0)
    tau = -1.0 + 2.0 * head + rho[max_t + 1, columns]
    tau = np.maximum(tau, 1 / np.log10(size))
    ess = size / tau
    ess[np.isnan(rho).any(axis=0)] = np.nan
    constant = values.max(axis=(1, 2)) - values.min(axis=(1, 2)) < np.finfo(float).resolution
    ess[constant] = size
    return ess


def _type7_quantiles(rows: np.ndarray, probs: tuple[float, ...]) -> np.ndarray:
    """Each row's quantiles (R's type 7) computed as ArviZ computes them (scipy's `mquantiles`
    with alphap = betap = 1): np.quantile's interpolation can differ in the last bit, and a draw
    lying between the two values then changes the tail ESS (677.5 against ArviZ's 681.8, found
    by the hypothesis test). (len(probs), rows)."""
    ordered = np.sort(rows, axis=1)
    n = ordered.shape[1]  # at least 4 (gate_statistics)
    p = np.asarray(probs, dtype=float)
    aleph = n * p + (1.0 - p)  # n p + m, m = alphap + p (1 - alphap - betap)
    index = np.floor(aleph.clip(1, n - 1)).astype(int)
    gamma = (aleph - index).clip(0, 1)
    return ((1.0 - gamma)[:, None] * ordered[:, index - 1].T + gamma[:, None] * ordered[:, index].T)


def gate_statistics(values: np.ndarray,
                    prob: tuple[float, float] = (0.05, 0.95)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R-hat, bulk ESS and tail ESS of each quantity of a (chain, draw, quantity) array, as
    `arviz.rhat(method="rank")` and `arviz.ess(method="bulk" / "tail")` give them; NaN where a
    quantity has a NaN draw or there are too few draws (4) or chains (2, for R-hat)."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 3:
        raise ValueError(f"expected a (chain, draw, quantity) array, got shape {values.shape}")
    chains, draws, k = values.shape
    nan = np.full(k, np.nan)
    if draws < 4:
        return nan, nan, nan
    invalid = np.isnan(values).any(axis=(0, 1))
    # quantity first: sorting and FFTs then run along contiguous rows, several times faster
    values = np.ascontiguousarray(np.where(invalid, 0.0, values).transpose(2, 0, 1))
    split = _split_chains(values)
    bulk_z = _z_scale(split)
    if chains >= 2:
        folded = np.abs(split - np.median(split.reshape(k, -1), axis=1)[:, None, None])
        rhat = np.maximum(_rhat(bulk_z), _rhat(_z_scale(folded)))
    else:
        rhat = nan
    bulk = _ess(bulk_z)
    quantiles = _type7_quantiles(values.reshape(k, -1), prob)  # (2, k), one sort for both
    tail = np.minimum(*(_ess(_split_chains((values <= q[:, None, None]).astype(float))) for q in quantiles))
    return tuple(np.where(invalid, np.nan, statistic) for statistic in (rhat, bulk, tail))
