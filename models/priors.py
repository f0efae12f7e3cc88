"""Default priors of the fusion model, derived in code from bundled evidence.

Poll-error scales come from the 9,008 US polls with their actual results bundled as
`us-poll-errors` (FiveThirtyEight pollster ratings data, CC BY 4.0). The derivation, run by
`poll_error_evidence()` on general-election polls taken in the last three weeks:

1. Each poll's error on the log-ratio scale of the two leading candidates,
   e = log(p1 / p2) - log(a1 / a2), and its sampling variance 1/(n p1) + 1/(n p2), both in
   units of binomial error (below).
2. Method of moments: the variance of e splits into sampling variance, an error shared by all
   polls of the same race (the industry-wide, election-day bias), a persistent pollster
   effect (house effect) and what is left for each poll (poll-level error beyond sampling).
3. Units: errors are measured as multiples of sqrt(p (1 - p)), the shape of sampling error.
   An error of c units moves a share p by c sqrt(p (1 - p)) (c = 0.07: 3.2 points at 50%,
   1.5 points at 5%); on the log scale of share p that is c sqrt((1 - p) / p), so the log ratio
   of two candidates errs by c sqrt((1 - a1)/a1 + (1 - a2)/a2), which each error is divided
   by. A scale c is an error as large as the sampling error of a poll of 1/c^2 respondents.
   The bundled European and Kazakh polls show why these units and not constant log errors:
   the firms' average missed small parties (under 8%) by 3.1 times more on the log scale than
   large ones, but by the same amount in these units (ratio 0.97; `models.history`).

The figures (printed by `pollmc priors` and quoted in the README) agree with the published
studies: Shirani-Mehr, Rothschild, Goel and Gelman (2018, JASA) find US polls' total error about
twice their sampling error, half of it shared within an election; Jennings and Wlezien (2018,
Nature Human Behaviour) find similar errors across 45 countries since 1942.

Scales that US data cannot inform (how fast opinion moves, how far a party moves between
elections, how the undecided break, exit polls) are stated assumptions, each in
`DefaultPriors` with its reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

import polls

__all__ = ["PRIOR_SOURCES", "DefaultPriors", "default_priors", "poll_error_evidence"]


def poll_error_evidence(frame: pd.DataFrame | None = None, max_days: int = 21,
                        min_polls_per_pollster: int = 10) -> pd.Series:
    """Decompose US poll errors (two leading candidates, log-ratio scale) into their sources.

    Returns a Series: numbers of polls and races, the root-mean-square ratio of margin error
    to the margin's sampling error (all polls, as the data set's README quotes), and the
    standard deviations of the total error, sampling error, race-level shared error, pollster
    house effect and poll-level error beyond sampling, all on the two-candidate log-ratio scale.
    """
    data = polls.load_us_poll_errors() if frame is None else frame
    # all polls: the margin-error ratio the literature quotes
    p1, p2, n = data["cand1_pct"] / 100, data["cand2_pct"] / 100, data["samplesize"]
    margin_se = np.sqrt((p1 + p2 - (p1 - p2) ** 2) / n) * 100
    margin_z = (data["margin_poll"] - data["margin_actual"]) / margin_se
    rms_margin_ratio = float(np.sqrt(np.mean(margin_z**2)))

    late = data[(data["type_simple"] != "Pres-P") & (data["days_before"] <= max_days)
                & (data["cand1_pct"] > 0) & (data["cand2_pct"] > 0)].copy()
    a1, a2 = late["cand1_actual"] / 100, late["cand2_actual"] / 100
    # one unit of shared error moves a share p by sqrt(p (1 - p)): on the log scale each
    # candidate errs by c sqrt((1 - p) / p), so the log ratio by c times this
    unit = np.sqrt((1 - a1) / a1 + (1 - a2) / a2)
    late["error"] = (np.log(late["cand1_pct"] / late["cand2_pct"]) - np.log(a1 / a2)) / unit
    late["sampling_var"] = (1 / (late["samplesize"] * late["cand1_pct"] / 100) + 1 / (
        late["samplesize"] * late["cand2_pct"] / 100)) / unit**2

    races = late.groupby("race_id")
    size = races["error"].transform("size")
    multi = late[size >= 2].copy()
    race_mean = multi.groupby("race_id")["error"].transform("mean")
    n_race = multi.groupby("race_id")["error"].transform("size")
    # within-race deviations, unbiased: E[(e - mean)^2] * n/(n-1) = var(poll) + var(house) + sampling
    multi["within"] = (multi["error"] - race_mean) ** 2 * n_race / (n_race - 1)
    within_var = float(multi["within"].mean())
    sampling_var = float(multi["sampling_var"].mean())
    # race-level: variance of race means minus the part that the within-race noise explains
    means = multi.groupby("race_id").agg(mean=("error", "mean"), n=("error", "size"),
                                         within=("within", "mean"))
    race_var = float(np.mean(means["mean"] ** 2 - means["within"] / means["n"]))
    # pollster house effects: mean within-race residual per pollster, minus its noise
    multi["residual"] = multi["error"] - race_mean
    by_pollster = multi.groupby("pollster").agg(mean=("residual", "mean"), n=("residual", "size"),
                                                var=("residual", "var"))
    by_pollster = by_pollster[by_pollster["n"] >= min_polls_per_pollster]
    house_var = float(np.mean(by_pollster["mean"] ** 2 - by_pollster["var"] / by_pollster["n"]))
    poll_var = within_var - sampling_var - max(house_var, 0.0)
    return pd.Series({
        "polls_all": len(data),
        "polls_used": len(multi),
        "races_used": len(means),
        "pollsters_used": len(by_pollster),
        "rms_margin_error_over_sampling_error": rms_margin_ratio,
        "sd_total": float(np.sqrt(np.mean(multi["error"] ** 2))),
        "sd_sampling": float(np.sqrt(sampling_var)),
        "sd_race_shared": float(np.sqrt(max(race_var, 0.0))),
        "sd_house": float(np.sqrt(max(house_var, 0.0))),
        "sd_poll_beyond_sampling": float(np.sqrt(max(poll_var, 0.0))),
    }, name="per unit of sqrt(p (1 - p))")


@dataclass(frozen=True)
class DefaultPriors:
    """Scales of the fusion model's priors, per option on the log-share scale unless stated.

    Poll-error scales are in units of sqrt(p (1 - p)) (see the module docstring); the model
    multiplies each by sqrt((1 - p) / p) for an option of share p to get a log-share scale.
    From the US evidence:
      bias_sd:        scale of the industry-wide election-day error shared by all pre-election
                      polls; the error is Student-t with bias_nu degrees of freedom
      house_sd:       half-t scale of the firms' house effects
      poll_sd:        half-t scale of each poll's error beyond sampling
    Updated by earlier elections' polls against their results (`models.history.history_priors`):
      bias_sd, bias_nu, exit_bias_sd, exit_bias_nu, exit_scale and exit_scale_nu; here the
      US-only values; and house_carry, the share of a firm's house effect at the previous
      election expected to recur (0 here: no pair of consecutive elections measured yet)
    Stated assumptions:
      bias_nu:        8, the US evidence counted as worth one earlier election of nine options
                      (it is large, but about another country's elections)
      exit_bias_sd, exit_bias_nu: exit polls' shared error, half of bias_sd (they ask people who
                      have voted, on the day), worth 4 degrees of freedom
      exit_scale:     exit polls' house and poll scales are this fraction of the polls' (0.5:
                      they ask people who have voted, in large samples), worth exit_scale_nu = 4
                      degrees of freedom against the spread of earlier exit polls
      drift_sd_week:  sd of the weekly random-walk step of each option's log share (0.03:
                      over ten weeks a party at 10% typically moves about +-1 point); fixed,
                      since a handful of polls cannot tell drift from poll error
      previous_sd:    sd of a party's log share around its predecessor's last result (1.0:
                      a factor of 2.7 either way)
      new_party_share, new_party_sd: prior median share and log sd of a list with no
                      predecessor (3%, sd 1.5: anywhere from about 0.2% to 40%)
      region_sd:      half-normal scale of regional deviations from the national log shares
      undecided_alpha, undecided_beta: Beta prior of the share of undecided respondents who
                      break evenly across the options instead of like the decided (2, 2:
                      centred on half, proportional splitting at 0 stays plausible)
      n_unknown:      effective sample size assumed for a poll whose size is not published
                      (1,000, a typical national poll); the poll-level error term absorbs any
                      overdispersion beyond it (a size and an error scale both free cannot be
                      told apart by a handful of polls)
      n_exit_unknown: the same for exit polls (10,000)
    """

    bias_sd: float
    house_sd: float
    poll_sd: float
    bias_nu: float = 8.0
    exit_bias_sd: float = 0.0
    exit_bias_nu: float = 4.0
    exit_scale: float = 0.5
    exit_scale_nu: float = 4.0
    house_carry: float = 0.0
    drift_sd_week: float = 0.03
    previous_sd: float = 1.0
    new_party_share: float = 0.03
    new_party_sd: float = 1.5
    region_sd: float = 0.5
    undecided_alpha: float = 2.0
    undecided_beta: float = 2.0
    n_unknown: float = 1000.0
    n_exit_unknown: float = 10_000.0

    def replace(self, **changes: float) -> DefaultPriors:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


#: Where each prior's value comes from, for people (`pollmc priors`); "earlier elections" means
#: the bundled elections held before the one forecast, never itself or a later one. The stated
#: starting values are read from `DefaultPriors`' defaults, so the text follows them.
PRIOR_SOURCES = {
    "bias_sd": "US polls (sd_race_shared), updated by earlier elections' shared poll errors",
    "house_sd": "US polls (sd_house)",
    "poll_sd": "US polls (sd_poll_beyond_sampling)",
    "bias_nu": f"{DefaultPriors.bias_nu:g} for the US evidence (stated), plus earlier elections' degrees of freedom",
    "exit_bias_sd": "half of the US bias_sd (stated), updated by earlier elections' exit polls",
    "exit_bias_nu": f"{DefaultPriors.exit_bias_nu:g} (stated), plus earlier elections' exit-poll degrees of freedom",
    "exit_scale": f"{DefaultPriors.exit_scale:g} (stated), updated by the spread of earlier elections' exit polls",
    "exit_scale_nu": f"{DefaultPriors.exit_scale_nu:g} (stated), plus the earlier exit polls' degrees of freedom",
    "house_carry": "slope of firms' deviations on their own at the previous election, earlier pairs",
}


@lru_cache(maxsize=1)
def default_priors() -> DefaultPriors:
    """The priors before any election of the corpus: poll-error scales from the bundled US polls."""
    evidence = poll_error_evidence()
    bias = round(float(evidence["sd_race_shared"]), 4)
    return DefaultPriors(
        bias_sd=bias,
        house_sd=round(float(evidence["sd_house"]), 4),
        poll_sd=round(float(evidence["sd_poll_beyond_sampling"]), 4),
        exit_bias_sd=round(bias / 2, 4),
    )
