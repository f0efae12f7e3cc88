"""What earlier elections' polls teach about the next one: the shared poll error, by country.

The industry-wide error of an election's polls is the firms' last polls (each firm's last poll
in the final `LAST_DAYS` days, averaged) against the result, per option, in units of
sqrt(p (1 - p)) (`models.priors`). For exit polls, the average of the exit polls. The bundled
elections measure it (`shared_errors`); an election's prior combines the US evidence with every
bundled election held *before* it (never itself, never a later one) by the conjugate update of
a normal scale:

    c^2 = (nu0 c0^2 + sum_e w_e SS_e) / (nu0 + sum_e w_e (K_e - 1)),   nu = nu0 + sum_e w_e (K_e - 1)

where SS_e is the sum over options of the squared shared error of election e, less what the
averaging of F firms leaves of their house effects, poll errors and sampling error, and K_e - 1
its degrees of freedom (errors of shares sum to zero). The shared error is then Student-t with
nu degrees of freedom and scale c: its marginal under that scale's posterior, heavy-tailed
while little evidence is in. Elections of the same country count fully (w = 1), of another
country half (w = `OTHER_COUNTRY_WEIGHT`, a stated assumption: polling industries differ, but
not without bound), so a country whose polls missed widely before gets wider intervals.

Exit polls' own errors (house effect and poll error, beyond their shared error) are measured the
same way, from how far an election's exit polls fall from their own mean: per option
sum_f (e_f - mean e)^2 has (F - 1) degrees of freedom, less the sampling error that explains
(1 - 1/F) / n_f of it per option. Pooled with the assumed spread (`exit_scale` of the polls'
house and poll scales, worth `exit_scale_nu` degrees of freedom) by the same update, the
spread sets the election's `exit_scale`.

Firms recur, and so, partly, do their house effects. Each firm's house effect as an election's
result measured it is its polls' mean error over the final `LAST_DAYS` days less the firms' mean
(`firm_deviations`). How much of it recurs at the next election is the regression slope (through
the origin) of firms' deviations on their own deviations one election earlier, over the pairs of
consecutive bundled elections of a country held before the one forecast (`house_carry`: 0 without
such pairs, 1 at most); a firm's house effect then has its previous deviation times that slope as
its prior mean (`carried_house`). Only the previous election is carried: two elections back
would be the slope squared, and the bundled chains are short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

import polls
from models.priors import DefaultPriors, default_priors

__all__ = ["LAST_DAYS", "OTHER_COUNTRY_WEIGHT", "SharedError", "carried_house", "firm_deviations", "history_priors",
           "history_table", "shared_errors"]

LAST_DAYS = 21
OTHER_COUNTRY_WEIGHT = 0.5


@dataclass(frozen=True)
class SharedError:
    """One election's measured shared error (units of sqrt(p (1 - p))) of its polls or exit polls."""

    election: str
    country: str
    date: dt.date
    kind: str                 # "polls" or "exit polls"
    errors: pd.Series         # per option: mean of the firms' figures minus the result
    firms: int
    noise_var: float          # per option, expected variance the averaging leaves (units^2)
    spread_ss: float = 0.0    # the figures' squared deviations from their mean, less sampling (units^2)
    spread_dof: int = 0       # its degrees of freedom, (firms - 1) (options - 1)
    house: pd.DataFrame | None = None   # polls: each firm's deviation from the firms' mean (firm x option)
    previous: str | None = None         # the election's `previous`
    predecessors: tuple = ()            # (option, its code in `previous`) pairs

    @property
    def dof(self) -> int:
        return len(self.errors) - 1

    @property
    def sum_of_squares(self) -> float:
        """Squared shared error summed over options, less the averaging noise (at least 0)."""
        return max(float((self.errors**2).sum()) - self.dof * self.noise_var, 0.0)


def _folded(election: polls.Election, table: pd.DataFrame, result: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Figures and result over the options every row covers: an option reported inside another's
    figure (`reported_in`) is added to that figure, in the rows and in the result alike."""
    shares = table[election.options].astype(float)
    result = result.copy()
    for guest, host in election.reported_in.items():
        shares[host] = shares[host] + shares[guest].fillna(0.0)
        result[host] += result[guest]
    kept = [o for o in election.options if o not in election.reported_in]
    shares = shares[kept]
    return shares.div(shares.sum(axis=1), axis=0), result[kept] / result[kept].sum()


def _measure(election: polls.Election, table: pd.DataFrame, kind: str, priors: DefaultPriors,
             per_poll_var: float) -> SharedError | None:
    if not len(table):
        return None
    if kind == "polls":
        days = (pd.Timestamp(election.date) - table["date"]).dt.days
        late = table[days <= LAST_DAYS]
        table = (late if len(late) else table).sort_values("date", kind="stable").groupby("firm").tail(1)
    shares, actual = _folded(election, table, election.result_shares())
    shares = shares.dropna()
    if not len(shares):
        return None
    unit = np.sqrt(actual * (1 - actual))
    kept = unit > 0
    errors = ((shares.mean() - actual) / unit)[kept]
    sizes = table.loc[shares.index, "sample_size"].astype(float)
    size = float(sizes.mean()) if sizes.notna().any() else (
        priors.n_unknown if kind == "polls" else priors.n_exit_unknown)
    noise = (per_poll_var + 1 / size) / len(shares)
    # the spread of the figures around their own mean (exit polls: all of them, one per firm)
    deviations = ((shares - shares.mean()) / unit)[kept.index[kept]]
    sampling = (1 - 1 / len(shares)) * (len(deviations.columns) - 1) * float(
        (1 / sizes.fillna(size)).sum()) if len(shares) > 1 else 0.0
    spread_dof = (len(shares) - 1) * (len(deviations.columns) - 1)
    return SharedError(election.id, election.country, election.date, kind, errors, len(shares), noise,
                       spread_ss=max(float((deviations**2).to_numpy().sum()) - sampling, 0.0), spread_dof=spread_dof)


def firm_deviations(election: polls.Election) -> pd.DataFrame:
    """Each firm's house effect as the result measured it (units of sqrt(p (1 - p)); firm x
    option, options reported inside another folded into it): the mean error of its polls in the
    final `LAST_DAYS` days less the mean over firms. Empty without a result or such polls."""
    table = election.polls
    if not election.has_results or not len(table):
        return pd.DataFrame()
    late = table[(pd.Timestamp(election.date) - table["date"]).dt.days <= LAST_DAYS]
    shares, actual = _folded(election, late, election.result_shares())
    shares = shares.dropna()
    unit = np.sqrt(actual * (1 - actual))
    errors = ((shares - actual) / unit).loc[:, unit > 0]
    by_firm = errors.groupby(late.loc[shares.index, "firm"].to_numpy()).mean()
    return by_firm - by_firm.mean()


def shared_errors(election: polls.Election, priors: DefaultPriors | None = None) -> list[SharedError]:
    """The shared error of an election's pre-election polls and of its exit polls (those it has);
    the polls' record also holds the firms' deviations (`firm_deviations`)."""
    if not election.has_results:
        return []
    priors = priors or default_priors()
    exit_var = (priors.house_sd**2 + priors.poll_sd**2) * priors.exit_scale**2
    found = _measure(election, election.polls, "polls", priors, priors.house_sd**2 + priors.poll_sd**2)
    if found is not None:
        found = replace(found, house=firm_deviations(election), previous=election.previous or None,
                        predecessors=tuple((o, p) for o, p in election.predecessors().items() if p))
    found = [found, _measure(election, election.exit_polls, "exit polls", priors, exit_var)]
    return [f for f in found if f is not None]


@lru_cache(maxsize=1)
def _bundled_errors() -> tuple[SharedError, ...]:
    return tuple(e for eid in polls.available() for e in shared_errors(polls.load(eid)))


def _weight(record: SharedError, country: str) -> float:
    return 1.0 if record.country == country else OTHER_COUNTRY_WEIGHT


def _earlier(election: polls.Election, evidence) -> list[SharedError]:
    return [r for r in evidence if r.date < election.date and r.election != election.id]


def history_priors(election: polls.Election, evidence: tuple[SharedError, ...] | None = None,
                   base: DefaultPriors | None = None) -> DefaultPriors:
    """The priors of `election`: `base` (the US-only defaults) updated by the shared errors of
    the elections held before it (`evidence`: the bundled elections unless given)."""
    base = base or default_priors()
    earlier = _earlier(election, _bundled_errors() if evidence is None else evidence)

    def pooled(nu: float, scale: float, records: list[SharedError], squares, dof) -> tuple[float, float]:
        """The conjugate update: nu degrees of freedom at `scale`, plus each record's squares."""
        weights = [_weight(r, election.country) for r in records]
        total_dof = nu + sum(w * dof(r) for w, r in zip(weights, records))
        total = nu * scale**2 + sum(w * squares(r) for w, r in zip(weights, records))
        return float(np.sqrt(total / total_dof)), float(total_dof)

    polls_, exits = [r for r in earlier if r.kind == "polls"], [r for r in earlier if r.kind == "exit polls"]
    bias_sd, bias_nu = pooled(base.bias_nu, base.bias_sd, polls_, lambda r: r.sum_of_squares, lambda r: r.dof)
    exit_bias_sd, exit_bias_nu = pooled(base.exit_bias_nu, base.exit_bias_sd, exits,
                                        lambda r: r.sum_of_squares, lambda r: r.dof)
    # the exit polls' own errors: their spread around each other, as a fraction of the polls'
    polls_spread = float(np.hypot(base.house_sd, base.poll_sd))
    exit_spread, exit_scale_nu = pooled(base.exit_scale_nu, base.exit_scale * polls_spread, exits,
                                        lambda r: r.spread_ss, lambda r: r.spread_dof)
    return base.replace(bias_sd=round(bias_sd, 4), bias_nu=round(bias_nu, 2), exit_bias_sd=round(exit_bias_sd, 4),
                        exit_bias_nu=round(exit_bias_nu, 2), exit_scale=round(exit_spread / polls_spread, 4),
                        exit_scale_nu=round(exit_scale_nu, 2), house_carry=_house_carry(polls_))


def _house_carry(records: list[SharedError]) -> float:
    """The slope (through the origin, within 0-1) of firms' deviations on their deviations at
    the previous election, over every pair of records with the previous one among them."""
    by_id = {r.election: r for r in records}
    products = squares = 0.0
    for newer in records:
        older = by_id.get(newer.previous)
        if older is None or newer.house is None or older.house is None:
            continue
        firms = newer.house.index.intersection(older.house.index)
        for option, code in newer.predecessors:
            if option in newer.house.columns and code in older.house.columns:
                products += float((newer.house.loc[firms, option] * older.house.loc[firms, code]).sum())
                squares += float((older.house.loc[firms, code] ** 2).sum())
    return round(float(np.clip(products / squares, 0.0, 1.0)), 4) if squares > 0 else 0.0


def carried_house(election: polls.Election, carry: float) -> pd.DataFrame:
    """The prior mean of each firm's house effect (firm x option, units of sqrt(p (1 - p))):
    `carry` times its deviation at the previous election, through each option's predecessor;
    0 for a firm or option not measured there."""
    out = pd.DataFrame(0.0, index=election.firms, columns=election.options)
    previous = polls.load_previous(election) if carry > 0 else None
    if previous is None:
        return out
    measured = firm_deviations(previous)
    firms = out.index.intersection(measured.index)
    for option, code in election.predecessors().items():
        if code in measured.columns:
            out.loc[firms, option] = carry * measured.loc[firms, code]
    return out


def history_table(election: polls.Election | None = None,
                  evidence: tuple[SharedError, ...] | None = None) -> pd.DataFrame:
    """The evidence as a table: one row per election and kind, with its weight for `election`
    (rows after it, or itself, have weight 0), the root-mean-square shared error and the spread
    of the figures around their own mean (root mean square per degree of freedom)."""
    records = _bundled_errors() if evidence is None else evidence
    earlier = set(map(id, _earlier(election, records))) if election is not None else set(map(id, records))
    rows = [{"election": r.election, "country": r.country, "date": r.date, "kind": r.kind, "firms": r.firms,
             "options": len(r.errors), "rms_error": float(np.sqrt((r.errors**2).mean())),
             "rms_error_less_noise": float(np.sqrt(r.sum_of_squares / max(r.dof, 1))),
             "spread_less_sampling": float(np.sqrt(r.spread_ss / r.spread_dof)) if r.spread_dof else float("nan"),
             "weight": (_weight(r, election.country) if election is not None else 1.0) if id(r) in earlier else 0.0}
            for r in records]
    return pd.DataFrame(rows).sort_values(["date", "kind"]).set_index(["election", "kind"])
