"""The fusion model: pre-election polls, exit polls and counted regions in one PyMC model.

Latent log shares of the ballot options move as a random walk by week up to election day,
starting from the previous election's result (`priors.DefaultPriors` sizes every scale).
Observations:

- Pre-election polls: each poll's respondents split into decided (shares theta over the options
  it reports) and a remainder r (undecided, refused, options not on the ballot). The
  poll-implied vote shares are v = (1 - r lambda) theta + r lambda g: a share lambda of the
  remainder breaks evenly (g uniform), the rest like the decided. lambda = 0 is proportional
  splitting (renormalising each poll); lambda has a Beta prior (`undecided="modelled"`,
  default) or is fixed at 0 (`undecided="proportional"`). v is Dirichlet around
  softmax(log national share at the poll's week + house effect of the firm + industry bias),
  with concentration the poll's effective sample size: its decided respondents n (an assumed
  1,000 where the size is not published) with the poll's own error beyond sampling added to
  the sampling variance, 1 / (1 / n + poll_sd^2) (`poll_sd` in units of sqrt(p (1 - p)), so
  the spread of the polls around each other sets the overdispersion). The change of variables from theta
  to v adds the term (k - 1) log(1 - r lambda).
- Poll errors are measured in units of sqrt(p (1 - p)), the shape of sampling error, so a
  party at 5% errs by fewer points than one at 40% but by more on the log scale
  (`models.priors`; p is each option's median share in the polls, `error_scale`).
- House effects are zero-sum over firms and options, each centred on the part of the firm's
  house effect at the previous election expected to recur (`models.history.carried_house`: 0
  where no earlier pair of elections measured how much recurs); the industry-wide bias is zero-sum over
  options, shared by every poll, and Student-t with the scale and degrees of freedom that the
  US evidence and the earlier elections give (`models.history`); both use non-centred draws.
- Exit polls observe the election-day shares the same way, with their own firm effects and
  bias at smaller default scales.
- Regions: each region's log shares are a typical region's plus its lean in the previous
  election (where the data have it: a swing model), plus its group's swing (`group` in
  election.toml: regions that report and move together), plus a region effect (zero-sum,
  partial pooling with a half-t scale). A counted region's shares are known exactly: its effect
  is then determined (observed log ratios minus the typical ones and its shift) and enters
  through its prior density, so counting a region needs no new parameters and no sharp
  likelihood. The votes not yet counted deviate from the typical region by the size-weighted
  mean of the uncounted regions' shifts and effects, and the national result is the counted
  votes plus that remainder: the size-weighted combination of regional shares. A group with no
  region counted keeps its whole swing uncertainty. Uncounted regions are predicted around the
  remainder.

Everything observed, including what changes between information sets (which exit polls and
regions count), is data: the named arrays of `observed_data`, packed into two `pm.Data`
containers (`pack_data`), so one compiled model serves every information set and election-night
step (see `fit.FusionModel`). Model structure follows Linzer (2013, JASA) and the
pollsposition models (ZeroSumNormal house effects, Dirichlet polls).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

import polls
from models.history import carried_house
from models.priors import DefaultPriors, default_priors

__all__ = ["ModelInputs", "build_model", "graph_key", "model_inputs", "observed_data", "pack_data", "previous_prior"]

UNDECIDED_MODES = ("modelled", "proportional")


@dataclass
class ModelInputs:
    """Everything the model reads, as labelled numpy arrays (one election, all information)."""

    election_id: str
    options: list[str]
    parties: list[str]
    prior_mean: np.ndarray            # (K,) log shares on election day
    prior_sd: np.ndarray              # (K,)
    dates: pd.DatetimeIndex           # weekly grid, election day first
    firms: list[str]
    poll_week: np.ndarray             # (N,) index into dates
    poll_firm: np.ndarray             # (N,)
    poll_decided: np.ndarray          # (N, K) decided composition, 0 where not reported
    poll_mask: np.ndarray             # (N, K) bool: option reported (its own figure, perhaps with others inside)
    poll_merge: np.ndarray            # (N, K, K) 1 where option k's share is inside column j's figure
                                      # (`Election.reporting`; merging is exact for a Dirichlet: a sum of
                                      # components is Dirichlet with their concentrations added)
    poll_remainder: np.ndarray        # (N,) share not attributed to a reported option
    poll_size: np.ndarray             # (N,) respondents, NaN if unknown
    house_prior: np.ndarray           # (F, K) prior mean of each firm's house effect (units of
                                      # sqrt(p (1 - p))), carried from the previous election
    exit_firms: list[str]
    exit_firm: np.ndarray             # (J,)
    exit_shares: np.ndarray           # (J, K)
    exit_mask: np.ndarray             # (J, K) bool
    exit_merge: np.ndarray            # (J, K, K)
    exit_size: np.ndarray             # (J,) NaN if unknown
    regions: list[str]
    region_weight: np.ndarray         # (R,) sums to 1
    region_observed: np.ndarray       # (R, K) observed shares, the prior mean where not counted
    region_has_result: np.ndarray     # (R,) bool
    region_stands: np.ndarray         # (R, K) bool: the option is on the region's ballot (a region
                                      # with a result: it got votes there; else assumed everywhere)
    region_baseline: np.ndarray       # (R, K) each region's log-ratio lean in the previous election
                                      # (weighted zero-sum over the regions where known; zero if unknown)
    error_scale: np.ndarray           # (K,) sqrt((1 - p) / p) at each option's reference share p:
                                      # poll-error scales times this are log-share scales
    notes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)   # groups of regions that swing together
    region_group: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # (R,) index into groups

    @property
    def n_polls(self) -> int:
        return len(self.poll_week)


def previous_prior(election: polls.Election, priors: DefaultPriors) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Prior mean and sd of each option's election-day log share, from the previous election.

    A party's predecessor (`predecessor` in election.toml) contributes its last share; a party
    without one, or without a previous election, gets the wide new-party prior, centred on its
    `prior_percent` where the data set states one (a regional list is not a 3% party).
    """
    notes = []
    previous = polls.load_previous(election)
    options = election.options
    mean = np.full(len(options), np.log(priors.new_party_share))
    sd = np.full(len(options), priors.new_party_sd)
    stated = election.parties["prior_percent"].reindex(options).to_numpy()  # NaN: none stated
    mean = np.where(np.isfinite(stated), np.log(stated / 100), mean)
    if previous is None:
        notes.append("no previous election: every option gets the wide new-list prior")
        return mean, sd, notes
    last = election.predecessor_shares(previous).to_numpy()
    for k, option in enumerate(options):
        if last[k] > 0:
            mean[k] = np.log(last[k])
            sd[k] = priors.previous_sd
        else:
            centre = (f"median {stated[k]:g}% as election.toml states" if np.isfinite(stated[k])
                      else f"median {100 * priors.new_party_share:g}%")
            notes.append(f"{option}: no share in {previous.id}, wide prior ({centre})")
    return mean, sd, notes


def model_inputs(election: polls.Election, priors: DefaultPriors | None = None) -> ModelInputs:
    """Arrays for `build_model` from an Election (all its polls, exit polls and regions)."""
    priors = priors or default_priors()
    options = election.options
    K = len(options)
    mean, sd, notes = previous_prior(election, priors)
    if len(election.polls) == 0:
        raise ValueError(f"{election.id} has no pre-election polls: the model needs at least one")

    table = election.polls
    days_before = (pd.Timestamp(election.date) - table["date"]).dt.days.to_numpy()
    week = np.maximum(np.rint(days_before / 7).astype(int), 1)
    n_weeks = int(week.max()) + 1
    dates = pd.DatetimeIndex([pd.Timestamp(election.date) - pd.Timedelta(weeks=w) for w in range(n_weeks)])
    firms = list(dict.fromkeys(table["firm"]))
    shares = table[options].to_numpy(float) / 100
    merge, mask = election.reporting(table)
    covered = merge.sum(axis=2) > 0
    reported = np.nansum(shares, axis=1)
    undecided = (table["undecided"].fillna(0) + table["other"].fillna(0)).to_numpy() / 100
    known_remainder = table["undecided"].notna().to_numpy()
    # with an option missing (not even inside another figure), what is neither reported nor
    # undecided/other belongs to it
    remainder = np.where(~covered.all(axis=1) & known_remainder, undecided, 1 - reported)
    remainder = np.clip(remainder, 0.0, 0.95)
    decided = np.where(mask, np.nan_to_num(shares), 0.0)
    decided = decided / decided.sum(axis=1, keepdims=True)

    exits = election.exit_polls
    exit_shares = exits[options].to_numpy(float) / 100 if len(exits) else np.zeros((0, K))
    exit_merge, exit_mask = election.reporting(exits)
    exit_shares = np.where(exit_mask, np.nan_to_num(exit_shares), 0.0)
    if len(exits):
        exit_shares = exit_shares / exit_shares.sum(axis=1, keepdims=True)
    exit_firms = list(dict.fromkeys(exits["firm"])) if len(exits) else []

    regions = election.region_codes
    R = len(regions)
    observed = np.tile(np.exp(mean) / np.exp(mean).sum(), (R, 1))
    has_result = np.zeros(R, bool)
    weight = np.full(R, 1.0 / max(R, 1))
    if R and election.regional_results is not None:
        shares_by_region = election.regional_shares()
        for r, code in enumerate(regions):
            if code in shares_by_region.index:
                observed[r] = shares_by_region.loc[code, options].to_numpy(float)
                has_result[r] = True
        if has_result.all():
            totals = election.regional_results.loc[regions, options].sum(axis=1).to_numpy(float)
            weight = totals / totals.sum()
            notes.append("regions are weighted by their counted valid votes (sizes known in advance "
                         "are not in the data; only each region's total is used, not its split)")
    if R and not has_result.all():
        notes.append("regions are weighted equally: regional vote totals are not all known")
    stands = ~has_result[:, None] | (observed > 0)
    observed = np.where(stands, np.clip(observed, 1e-6, None), 0.0)
    observed = observed / observed.sum(axis=1, keepdims=True)
    absent = [o for k, o in enumerate(options) if not stands[:, k].all()]
    if absent:
        notes.append(f"not on every region's ballot (no votes there): {', '.join(absent)}; their shares in "
                     "those regions are zero and take no part in the regional effects")
    groups, region_group = region_groups(election)
    baseline, baseline_note = regional_baseline(election, weight, stands)
    # without regions the baseline's own note would only say the same again
    notes.append(f"{election.id} has no regional results: the model is national only" if R == 0 else baseline_note)

    return ModelInputs(
        error_scale=error_scale(decided, mask, mean, exit_mask),
        election_id=election.id, options=options, parties=election.party_codes, prior_mean=mean, prior_sd=sd,
        dates=dates, firms=firms, poll_week=week, poll_firm=np.array([firms.index(f) for f in table["firm"]]),
        poll_decided=decided, poll_mask=mask, poll_merge=merge, poll_remainder=remainder,
        poll_size=table["sample_size"].astype("float64").to_numpy(),
        house_prior=carried_house(election, priors.house_carry).loc[firms, options].to_numpy(float),
        exit_firms=exit_firms,
        exit_firm=np.array([exit_firms.index(f) for f in exits["firm"]], dtype=int) if len(exits) else np.zeros(0, int),
        exit_shares=exit_shares, exit_mask=exit_mask, exit_merge=exit_merge,
        exit_size=exits["sample_size"].astype("float64").to_numpy(),
        regions=regions, region_weight=weight, region_observed=observed, region_has_result=has_result,
        region_stands=stands,
        notes=notes, groups=groups, region_group=region_group, region_baseline=baseline,
    )


def region_groups(election: polls.Election) -> tuple[list[str], np.ndarray]:
    """The groups of regions (`group` in election.toml) and each region's index among them; a
    region without a group is a group of its own. No groups at all: ([], empty)."""
    named = election.regions["group"] if "group" in election.regions else pd.Series(dtype=object)
    if not len(election.regions) or named.isna().all():
        return [], np.zeros(0, int)
    labels = [g if isinstance(g, str) else f"{code} (alone)" for code, g in named.items()]
    groups = list(dict.fromkeys(labels))
    return groups, np.array([groups.index(g) for g in labels], dtype=int)


def regional_baseline(election: polls.Election, weight: np.ndarray, stands: np.ndarray) -> tuple[np.ndarray, str]:
    """Each region's lean in the previous election: its log shares minus the national ones,
    through each option's predecessor, centred over the options it has a lean for and, size-
    weighted, over the regions where the option has one. An option has a lean in a region
    where it is on the ballot now (`stands`) and its predecessor had votes there before; elsewhere
    its lean is zero (a typical region's). The model then reads a region's shares as its previous
    lean plus a swing (a swing model)."""
    R, K = len(election.region_codes), len(election.options)
    baseline = np.zeros((R, K))
    if R == 0:
        return baseline, "no regions: no regional baseline"
    previous = polls.load_previous(election)
    if previous is None or previous.regional_results is None:
        return baseline, ("no regional results of a previous election: regions are modelled as deviations "
                          "from a typical region, without a swing baseline")
    before = previous.regional_shares()
    sources = {o: o if o == polls.AGAINST_ALL else election.parties.loc[o, "predecessor"] for o in election.options}
    known = np.zeros((R, K), bool)
    lean = np.zeros((R, K))
    national = election.predecessor_shares(previous).to_numpy()
    for r, code in enumerate(election.region_codes):
        if code not in before.index:
            continue
        for k, option in enumerate(election.options):
            source = sources[option]
            share = before.loc[code].get(source, np.nan) if isinstance(source, str) else np.nan
            if np.isfinite(share) and share > 0 and national[k] > 0 and stands[r, k]:
                lean[r, k] = np.log(share) - np.log(national[k])
                known[r, k] = True
    # a constant per region changes no region's shares; per option, the typical region leans nowhere
    lean -= lean.sum(axis=1, keepdims=True) / np.maximum(known.sum(axis=1, keepdims=True), 1)
    known_weight = weight @ known
    lean = np.where(known, lean - (weight @ np.where(known, lean, 0.0)) / np.where(known_weight > 0, known_weight, 1.0), 0.0)
    matched = int(known.any(axis=1).sum())
    none = [o for k, o in enumerate(election.options) if not known[:, k].any()]
    partial = [o for k, o in enumerate(election.options) if known[:, k].any() and not known[:, k].all()]
    note = f"regions swing from their lean in {previous.id} ({matched} of {R} regions matched"
    if partial:
        note += f"; {', '.join(partial)} lean only where on both ballots"
    if none:
        note += f"; no lean for {', '.join(none)} (no predecessor with regional votes)"
    return lean, note + ")"


def error_scale(decided: np.ndarray, mask: np.ndarray, prior_mean: np.ndarray, exit_mask: np.ndarray) -> np.ndarray:
    """sqrt((1 - p) / p) per option, p its median share in the polls that report it (the prior
    median where none does), clipped to 0.5%-90%: an error of c units of sqrt(p (1 - p)) is
    c times this on the log scale (`models.priors`). An option that no poll or exit poll gives a
    figure of its own (always inside another's) gets 0: errors are of the published figures,
    and its host's figure carries them."""
    prior = np.exp(prior_mean) / np.exp(prior_mean).sum()
    reported = np.where(mask, decided, np.nan)
    typical = np.full(len(prior), np.nan)
    seen = mask.any(axis=0)
    typical[seen] = np.nanmedian(reported[:, seen], axis=0)
    p = np.clip(np.where(np.isfinite(typical), typical, prior), 0.005, 0.9)
    return np.where(seen | exit_mask.any(axis=0), np.sqrt((1 - p) / p), 0.0)


def _masked_dirichlet_logp(x_log: pt.TensorVariable, alpha: pt.TensorVariable, mask: pt.TensorVariable) -> pt.TensorVariable:
    """Dirichlet log density per row over the options where `mask` is 1."""
    a = pt.switch(mask, alpha, 1.0)
    return (pt.gammaln(pt.sum(a * mask, axis=-1)) - pt.sum(mask * pt.gammaln(a), axis=-1)
            + pt.sum(mask * (a - 1.0) * x_log, axis=-1))


def _effective_size(respondents: pt.TensorVariable, error_sd: pt.TensorVariable) -> pt.TensorVariable:
    """The sample size whose sampling variance equals sampling plus poll-level error (both in
    units of p (1 - p)): 1 / (1 / n + sd^2)."""
    return 1.0 / (1.0 / respondents + error_sd**2)


def _null_reflection(scale: pt.TensorVariable) -> tuple[pt.TensorVariable, pt.TensorVariable]:
    """The Householder reflection, I - 2 w w' / (w' w), that swaps the first axis and the
    direction 1 / scale over the options with a scale (0 over the others): returns
    (w, 2 / (w' w)). `_centre(scale * x)` cannot see that direction, or, when some option has
    scale 0 (no figure of its own), sees it only through that option's share inside its host's
    figure. The reflection is orthogonal and its own inverse."""
    first = pt.set_subtensor(pt.zeros(scale.shape[0])[0], 1.0)
    unseen = pt.switch(scale > 0, 1.0 / pt.maximum(scale, 1e-12), 0.0)
    w = first - unseen / pt.sqrt(pt.sum(unseen**2))
    norm = pt.sum(w**2)
    return w, pt.switch(norm > 1e-12, 2.0 / norm, 0.0)


def _reflect(x: pt.TensorVariable, reflection: tuple[pt.TensorVariable, pt.TensorVariable]) -> pt.TensorVariable:
    w, factor = reflection
    return x - factor * pt.sum(w * x) * w


def _t_minus_normal(x: pt.TensorVariable, z: pt.TensorVariable, nu: float) -> pt.TensorVariable:
    """Standard Student-t log density of x less the standard normal one of z, without constants:
    the potential that gives draws x = f(z) (f orthogonal plus a shift) a Student-t prior."""
    return pt.sum(-0.5 * (nu + 1.0) * pt.log1p(x**2 / nu) + 0.5 * z**2)


def _centre(x: pt.TensorVariable, axis: int = -1) -> pt.TensorVariable:
    return x - pt.mean(x, axis=axis, keepdims=True)


def observed_data(inputs: ModelInputs) -> dict[str, np.ndarray]:
    """Every observed array of the model by name, for these inputs (switches off); the model
    reads them from the containers `pack_data` makes of them."""
    data = {
        "error_scale": inputs.error_scale, "poll_used": np.ones(inputs.n_polls),
        "poll_week": inputs.poll_week, "poll_firm": inputs.poll_firm,
        "poll_mask": inputs.poll_mask.astype(float), "poll_merge": inputs.poll_merge, "poll_decided": inputs.poll_decided,
        "poll_remainder": inputs.poll_remainder, "poll_size_known": np.nan_to_num(inputs.poll_size),
        "poll_size_missing": np.isnan(inputs.poll_size).astype(float), "house_prior": inputs.house_prior,
    }
    if len(inputs.exit_firm):
        data.update(
            exit_used=np.zeros(len(inputs.exit_firm)), exit_firm_index=inputs.exit_firm,
            exit_mask=inputs.exit_mask.astype(float), exit_merge=inputs.exit_merge,
            exit_log_shares=np.log(np.where(inputs.exit_mask, np.clip(inputs.exit_shares, 1e-9, None), 1.0)),
            exit_size_known=np.nan_to_num(inputs.exit_size), exit_size_missing=np.isnan(inputs.exit_size).astype(float))
    if inputs.regions:
        data.update(region_counted=np.zeros(len(inputs.regions)), region_observed=inputs.region_observed,
                    region_weight=inputs.region_weight, region_baseline=inputs.region_baseline,
                    region_stands=inputs.region_stands.astype(float))
    return data


#: The integer arrays of `observed_data` (indices); every other array is a float array.
INDEX_DATA = frozenset({"poll_week", "poll_firm", "exit_firm_index"})


def pack_data(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The named observed arrays as the model's two data containers: `observed`, every float
    array flattened in name order, and `observed_index`, the integer ones. nutpie compiles a
    reader for each data container (about 0.6 s each, measured); one float and one integer vector
    keep that to two whatever the model holds."""
    names = sorted(values)
    floats = [np.ravel(values[n]).astype(np.float64) for n in names if n not in INDEX_DATA]
    indices = [np.ravel(values[n]).astype(np.int64) for n in names if n in INDEX_DATA]
    return {"observed": np.concatenate([np.zeros(0), *floats]),
            "observed_index": np.concatenate([np.zeros(0, np.int64), *indices])}


def _unpacked(values: dict[str, np.ndarray], observed: pt.TensorVariable,
              observed_index: pt.TensorVariable) -> dict[str, pt.TensorVariable]:
    """Each named array as a view into the packed containers (the inverse of `pack_data`)."""
    out, offsets = {}, {False: 0, True: 0}
    for name in sorted(values):
        is_index, shape = name in INDEX_DATA, np.shape(values[name])
        start, size = offsets[is_index], int(np.prod(shape))
        out[name] = (observed_index if is_index else observed)[start:start + size].reshape(shape)
        offsets[is_index] += size
    return out


def graph_key(inputs: ModelInputs, priors: DefaultPriors, undecided: str) -> tuple:
    """What a compiled model depends on: labels, shapes, prior constants and structure, not the
    observed values (those are data, swapped in without compiling)."""
    return (tuple(inputs.options), tuple(inputs.firms), tuple(inputs.exit_firms), tuple(inputs.regions),
            tuple(inputs.dates), inputs.n_polls, len(inputs.exit_firm), inputs.prior_mean.tobytes(),
            inputs.prior_sd.tobytes(), _repeated(inputs.poll_firm),
            _repeated(inputs.exit_firm), tuple(inputs.groups), inputs.region_group.tobytes(), undecided,
            tuple(priors.to_dict().items()))


def _repeated(firm_index: np.ndarray) -> bool:
    """Whether some firm has two or more polls and there are at least two firms."""
    counts = np.bincount(firm_index) if len(firm_index) else np.zeros(0)
    return len(counts) > 1 and counts.max() > 1


def _alr_prior_factor(mean: np.ndarray, sd: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """The prior of independent log shares, expressed on log ratios to a reference option.

    Only log ratios matter (shares are a softmax), so the model samples K - 1 of them with the
    exact multivariate normal they inherit: means m_k - m_ref, covariance diag(sd_k^2) + sd_ref^2.
    Returns the reference index, the mean and the Cholesky factor.
    """
    ref = int(np.argmax(mean))
    others = [k for k in range(len(mean)) if k != ref]
    cov = np.diag(sd[others] ** 2) + sd[ref] ** 2
    return ref, mean[others] - mean[ref], np.linalg.cholesky(cov)


def build_model(inputs: ModelInputs, priors: DefaultPriors | None = None, *,
                undecided: str = "modelled") -> pm.Model:
    """The PyMC model for one election. Every observed array is data (`pack_data`), so one
    compiled model serves every information set, and any election of the same shape.

    Switches: `poll_used` (N,), `exit_used` (J,) and `region_counted` (R,) in {0, 1}.
    Named outputs: `shares` (option), `region_shares` (region, option), `trend` (date, option),
    `house` (firm, option), `bias` (option), `exit_house`, `exit_bias`, `undecided_even`.
    """
    if undecided not in UNDECIDED_MODES:
        raise ValueError(f"undecided must be one of {UNDECIDED_MODES}, got {undecided!r}")
    priors = priors or default_priors()
    K, N, J, R, T = (len(inputs.options), inputs.n_polls, len(inputs.exit_firm), len(inputs.regions),
                     len(inputs.dates))
    coords = {"option": inputs.options, "column": inputs.options, "date": inputs.dates, "poll": np.arange(N),
              "firm": inputs.firms}
    if T > 1:
        coords["step"] = inputs.dates[1:]
    if J:
        coords.update(exit_poll=np.arange(J), exit_firm=inputs.exit_firms)
    if R:
        coords["region"] = inputs.regions
    G = len(inputs.groups)
    if G:
        coords["region_group"] = inputs.groups
    ref, alr_mean, alr_chol = _alr_prior_factor(inputs.prior_mean, inputs.prior_sd)
    order = np.argsort([ref] + [k for k in range(K) if k != ref])  # reference first -> option order
    values = observed_data(inputs)

    with pm.Model(coords=coords) as model:
        packed = pack_data(values)
        data = _unpacked(values, pm.Data("observed", packed["observed"]),
                         pm.Data("observed_index", packed["observed_index"]))
        # -- election day: the vote not yet counted, regions, the national result ---------
        # The shared poll error first: pre-election polls see the log shares plus `bias`, and
        # many polls pin that sum while the bias is known only from its prior. Sampling the log
        # shares and the bias separately leaves a long narrow ridge (R-hat above 1.01 on German
        # and Kazakh fits), so the model samples the polls' consensus `consensus_raw` (log ratios
        # to a reference option, K - 1) and sets the uncounted votes' log ratios to consensus
        # minus bias. The previous-election prior of those log ratios enters as a potential,
        # exactly replacing the standard-normal density of `consensus_raw` (a shift has unit
        # Jacobian), so the posterior is the same model's, with the ridge along the axes.
        # Poll errors are in units of sqrt(p (1 - p)), times `scale` on the log scale.
        scale = data["error_scale"]
        # The bias is centred over options after scaling, so one direction of the standardized
        # draws (proportional to 1 / scale) moves nothing but their Student-t prior. Late in a
        # count, when everything else is pinned, that unseen direction mixed slowly across the
        # options' axes (R-hat 1.08, bulk ESS 57 on Germany 2017 with 16 of 16 Länder). The model
        # samples the draws reflected so that this direction is the first axis (`_null_reflection`:
        # orthogonal, unit Jacobian), and the Student-t density enters as a potential in place of
        # their standard normal: the same prior, with the slow direction on an axis of its own.
        reflection = _null_reflection(scale)
        bias_axes = pm.Normal("bias_axes", 0.0, 1.0, dims="option")
        bias_raw = _reflect(bias_axes, reflection)
        pm.Potential("bias_prior", _t_minus_normal(bias_raw, bias_axes, priors.bias_nu))
        bias = pm.Deterministic("bias", _centre(priors.bias_sd * scale * bias_raw), dims="option")
        others = np.array([k for k in range(K) if k != ref])
        consensus_raw = pm.Normal("consensus_raw", 0.0, 1.0, shape=K - 1)
        consensus = alr_mean + pt.dot(alr_chol, consensus_raw)
        open_alr = consensus - (bias[others] - bias[ref])
        whitened = pt.dot(np.linalg.inv(alr_chol), open_alr - alr_mean)
        pm.Potential("previous_prior", -0.5 * pt.sum(whitened**2) + 0.5 * pt.sum(consensus_raw**2))
        # the log shares of the votes not yet counted (all of them before the count).
        # A region's log shares are a typical region's plus its shift (its lean in the previous
        # election, when known, and its group's swing) plus its own effect: zero-sum, half-t
        # scale `region_sd`. A group swings like one region (scale `region_sd` too: in the
        # corpus's swings groups and the regions within them moved by similar amounts,
        # benchmarks/regional_swings.py), so a
        # group nobody has counted yet keeps the uncertainty of a whole group however many
        # regions of other groups are in: regions that report together do not average out.
        # The uncounted votes are a size-weighted mean of uncounted regions, so they deviate from
        # the typical region by those regions' weighted mean shift plus the mean of their own
        # effects: sd region_sd * spread, spread = sqrt(sum w^2) / sum w over them.
        # The national result is the counted regions' votes plus the uncounted ones: exactly the
        # size-weighted combination of regional shares, whatever has been counted.
        log_open = pt.concatenate([pt.zeros(1), open_alr])[order]
        open_shares = pt.special.softmax(log_open)
        if R:
            counted = data["region_counted"]
            observed = data["region_observed"]
            weight = data["region_weight"]
            region_sd = pm.HalfStudentT("region_sd", nu=3, sigma=priors.region_sd)
            shift = data["region_baseline"]
            stands = data["region_stands"]
            if G:
                group_raw = _centre(pm.Normal("group_raw", 0.0, 1.0, dims=("region_group", "option")))
                swing = pm.Deterministic("group_swing", region_sd * group_raw, dims=("region_group", "option"))
                shift = shift + swing[inputs.region_group]
            open_weight = weight * (1 - counted)
            open_total = pt.sum(open_weight)
            open_shift = pt.sum(open_weight[:, None] * shift, axis=0) / (open_total + 1e-12)
            spread = pt.sqrt(pt.sum(open_weight**2)) / (open_total + 1e-12)
            remainder_raw = _centre(pm.Normal("remainder_raw", 0.0, 1.0, dims="option"))
            log_typical = log_open - open_shift - region_sd * spread * remainder_raw
            # counted regions: their effects are observed and inform the scale and the typical region
            # (log ratios among the options on the region's ballot only: centring over those
            # removes any constant, so a party standing in one region cannot shift the others)
            gap = stands * (pt.log(observed + 1 - stands) - log_typical[None, :] - shift)
            on_ballot = pt.sum(stands, axis=1, keepdims=True)
            observed_effect = stands * (gap - pt.sum(gap, axis=1, keepdims=True) / on_ballot)
            pm.Potential("counted_regions", pt.sum(counted * (
                -0.5 * pt.sum(observed_effect**2, axis=1) / region_sd**2 - (on_ballot[:, 0] - 1) * pt.log(region_sd))))
            # options on only some ballots: their share of the uncounted votes scales with the
            # part of those votes cast where they stand (relative to the whole country's)
            open_standing = pt.sum(open_weight[:, None] * stands, axis=0) / (open_total + 1e-12)
            all_standing = pt.sum(weight[:, None] * stands, axis=0)
            open_shares = pt.special.softmax(log_open + pt.log((open_standing + 1e-30) / all_standing))
            day = pt.sum((weight * counted)[:, None] * observed, axis=0) + open_total * open_shares
            # uncounted regions: effects that cancel in their size-weighted mean around the remainder
            region_raw = _centre(pm.Normal("region_raw", 0.0, 1.0, dims=("region", "option")))
            open_mean = pt.sum(open_weight[:, None] * region_raw, axis=0) / (open_total + 1e-12)
            predicted = pt.special.softmax(log_open[None, :] + shift - open_shift[None, :]
                                           + region_sd * (region_raw - open_mean[None, :]) + pt.log(stands + 1e-30), axis=-1)
            pm.Deterministic("region_shares", counted[:, None] * observed + (1 - counted[:, None]) * predicted,
                             dims=("region", "option"))
        else:
            day = open_shares
        shares = pm.Deterministic("shares", day, dims="option")

        # -- opinion in earlier weeks: a random walk back from election day ---------------
        log_shares = pt.log(shares)
        # the weekly step scale is a stated assumption (priors.drift_sd_week), not a parameter:
        # a handful of polls cannot tell drift from poll error
        drift_sd = priors.drift_sd_week
        if T > 1:
            steps = pm.Normal("steps_raw", 0.0, 1.0, dims=("step", "option"))
            walk = pt.concatenate([pt.zeros((1, K)), pt.cumsum(_centre(steps), axis=0) * drift_sd], axis=0)
            log_trend = log_shares[None, :] + walk
            pm.Deterministic("trend", pt.special.softmax(log_trend, axis=-1), dims=("date", "option"))
        else:
            log_trend = log_shares[None, :]

        # -- pre-election polls -----------------------------------------------------------
        poll_used = data["poll_used"]  # 0: not yet public (as of a day)
        week = data["poll_week"]
        mask = data["poll_mask"]
        merge = data["poll_merge"]
        decided = data["poll_decided"]
        remainder = data["poll_remainder"]
        size_known = data["poll_size_known"]
        size_missing = data["poll_size_missing"]

        logits = log_trend[week] + bias[None, :]
        if _repeated(inputs.poll_firm):  # house effects need a firm with two polls to be told apart
            house_sd = pm.HalfStudentT("house_sd", nu=3, sigma=priors.house_sd)
            house_raw = pm.Normal("house_raw", 0.0, 1.0, dims=("firm", "option"))
            house = pm.Deterministic("house", _centre(_centre(scale * (data["house_prior"] + house_sd * house_raw), 1), 0),
                                     dims=("firm", "option"))
            logits = logits + house[data["poll_firm"]]
        # each column's expected figure: its own option plus the options reported inside it
        expected = pt.sum(pt.exp(logits)[:, :, None] * merge, axis=1)
        expected = expected / pt.sum(expected, axis=1, keepdims=True)
        # each poll's own error beyond sampling, poll_sd units of sqrt(p (1 - p)), adds its
        # variance to the sampling variance p (1 - p) / n: the Dirichlet's concentration is the
        # effective size 1 / (1 / n + poll_sd^2), so no per-poll error parameters are needed
        poll_sd = pm.HalfStudentT("poll_sd", nu=3, sigma=priors.poll_sd)
        size = _effective_size((size_known + size_missing * priors.n_unknown) * (1 - remainder), poll_sd)
        reported = pt.sum(mask, axis=1)
        if undecided == "modelled":
            # undecided respondents who break evenly split over the options a poll covers,
            # so a column holding several options gets their shares
            options_in = pt.sum(merge, axis=1)
            even = pm.Beta("undecided_even", alpha=priors.undecided_alpha, beta=priors.undecided_beta)
            keep = 1.0 - remainder * even
            implied = keep[:, None] * decided + (remainder * even / pt.sum(options_in, axis=1))[:, None] * options_in
            pm.Potential("undecided_jacobian", pt.sum(poll_used * (reported - 1) * pt.log(keep)))
        else:
            implied = decided
        implied_log = pt.log(pt.switch(mask, implied, 1.0))
        pm.Potential("polls", pt.sum(poll_used * _masked_dirichlet_logp(implied_log, size[:, None] * expected, mask)))

        # -- exit polls -------------------------------------------------------------------
        if J:
            used = data["exit_used"]
            exit_mask = data["exit_mask"]
            exit_merge = data["exit_merge"]
            exit_log = data["exit_log_shares"]
            exit_size_known = data["exit_size_known"]
            exit_size_missing = data["exit_size_missing"]
            # The same ridge again: exit polls pin the log shares plus their bias, which the
            # pre-election polls pin as consensus minus theirs, so the two biases are known in
            # their difference only. When exit polls are used the model samples that difference
            # (`exit_offset_raw`) and sets the exit polls' standardized bias to the polls' one
            # times bias_sd / exit_bias_sd plus it; its Student-t density enters as a potential
            # in place of the offset's standard normal (a shift given `bias_raw`: unit Jacobian).
            # Without exit polls the coupling is off and the offset is the bias itself.
            coupling = pt.max(used)
            exit_offset_raw = pm.Normal("exit_offset_raw", 0.0, 1.0, dims="option")
            exit_bias_raw = (coupling * bias_raw * (priors.bias_sd / priors.exit_bias_sd)
                             + _reflect(exit_offset_raw, reflection))  # its unseen direction on an axis too
            pm.Potential("exit_bias_prior", _t_minus_normal(exit_bias_raw, exit_offset_raw, priors.exit_bias_nu))
            exit_bias = pm.Deterministic("exit_bias", _centre(priors.exit_bias_sd * scale * exit_bias_raw),
                                         dims="option")
            exit_logits = log_shares[None, :] + exit_bias[None, :]
            if _repeated(inputs.exit_firm):
                exit_house_sd = pm.HalfStudentT("exit_house_sd", nu=3, sigma=priors.house_sd * priors.exit_scale)
                exit_house_raw = pm.Normal("exit_house_raw", 0.0, 1.0, dims=("exit_firm", "option"))
                exit_house = pm.Deterministic("exit_house", exit_house_sd * _centre(_centre(scale * exit_house_raw, 1), 0),
                                              dims=("exit_firm", "option"))
                exit_logits = exit_logits + exit_house[data["exit_firm_index"]]
            exit_expected = pt.sum(pt.exp(exit_logits)[:, :, None] * exit_merge, axis=1)
            exit_expected = exit_expected / pt.sum(exit_expected, axis=1, keepdims=True)
            exit_sd = pm.HalfStudentT("exit_sd", nu=3, sigma=priors.poll_sd * priors.exit_scale)
            exit_size = _effective_size(exit_size_known + exit_size_missing * priors.n_exit_unknown, exit_sd)
            pm.Potential("exit_polls", pt.sum(used * _masked_dirichlet_logp(
                exit_log, exit_size[:, None] * exit_expected, exit_mask)))
    return model
