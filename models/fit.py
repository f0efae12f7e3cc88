"""Sampling the fusion model, its diagnostics, and the gate that refuses a failing fit.

`FusionModel(election)` builds the PyMC model once; `.fit(information_set)` swaps the
information set's data into the same model (no new graph) and samples it with nutpie when
installed (one numba compile serves every information set) or PyMC's NUTS otherwise. Every fit
is checked: R-hat at most 1.01, bulk and tail effective sample size at least 400, no
divergences (`Diagnostics`). `models.forecast` presents nothing of a fit whose diagnostics
fail (the report lists it as refused, with the failing figures); `require_passing(fit)` raises
`DiagnosticsError` naming them, for a notebook that wants to stop there.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm
import pytensor

import models.digamma  # noqa: F401  registers a digamma numba can cache, so the compiled model is cached whole
import polls
from models.callback_cache import cached_callbacks
from models.forked_compile import can_fork, compile_in_children
from models.function_cache import NotOnFile, compile_with_cache, function_cache_folder, writable
from models.fusion import (
    ModelInputs,
    build_model,
    error_scale,
    graph_key,
    model_inputs,
    observed_data,
    pack_data,
)
from models.history import history_priors
from models.infosets import InformationSet, parse_information_set
from models.mcmc_stats import gate_statistics
from models.priors import DefaultPriors

__all__ = ["Diagnostics", "DiagnosticsError", "Fit", "FusionModel", "check_diagnostics", "require_passing",
           "resolve_sampler"]

RHAT_MAX = 1.01
ESS_MIN = 400

#: Default sampler runs (per chain), tried in order until one passes the gate. The short run,
#: with nutpie's larger steps at target_accept 0.85, passes 16 to 17 of the 19 sets of the 2021
#: report (bulk ESS 522 and more of 4,000 draws, measured 2026-12-01). Most fits failing it fail by
#: chance: the largest R-hat over a few hundred quantities crosses 1.01 now and then (1.010-1.016,
#: or an ESS of 387, in the 2021 report and the backtest at commit 86122d1). So the next run is the
#: short run again on as many new chains, judged together with the first run's (`more_chains`:
#: twice the chains for about a quarter of the careful run's cost); a fit still failing (Germany
#: 2021 from the polls: divergences after 300 tuning steps) gets the careful run, the previous
#: default, judged on its own chains, and then a run twice as long. The failures of earlier runs
#: are kept in `Diagnostics.earlier_runs`.
SHORT_RUN = {"draws": 1000, "tune": 300, "target_accept": 0.85}
CAREFUL_RUN = {"draws": 2000, "tune": 1000, "target_accept": 0.95}
RUNS = (SHORT_RUN, {**SHORT_RUN, "more_chains": True}, CAREFUL_RUN, {**CAREFUL_RUN, "draws": 4000, "tune": 2000})


def more_chains_seed(seed: int) -> int:
    """The seed of the chains added to a run of seed `seed`: drawn from it, so that no chain
    repeats one of the first run's whatever way the sampler derives each chain's stream."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


class DiagnosticsError(RuntimeError):
    """A fit whose sampler diagnostics fail: not to be presented as a forecast."""


@dataclass
class Diagnostics:
    """Convergence figures of one fit; `passed` is the gate."""

    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    draws: int
    chains: int
    table: pd.DataFrame = field(repr=False)
    rhat_max: float = RHAT_MAX
    ess_min: float = ESS_MIN
    earlier_runs: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        out = []
        if not self.max_rhat <= self.rhat_max:
            worst = self.table["r_hat"].idxmax()
            out.append(f"R-hat {self.max_rhat:.3f} > {self.rhat_max} (worst: {worst})")
        if not self.min_ess_bulk >= self.ess_min:
            worst = self.table["ess_bulk"].idxmin()
            out.append(f"bulk ESS {self.min_ess_bulk:.0f} < {self.ess_min:.0f} (worst: {worst})")
        if not self.min_ess_tail >= self.ess_min:
            worst = self.table["ess_tail"].idxmin()
            out.append(f"tail ESS {self.min_ess_tail:.0f} < {self.ess_min:.0f} (worst: {worst})")
        if self.divergences:
            out.append(f"{self.divergences} divergent transitions")
        return out

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict:
        return {"passed": self.passed, "max_rhat": self.max_rhat, "min_ess_bulk": self.min_ess_bulk,
                "min_ess_tail": self.min_ess_tail, "divergences": self.divergences, "draws": self.draws,
                "chains": self.chains, "rhat_max_allowed": self.rhat_max, "ess_min_required": self.ess_min,
                "failures": self.failures, "earlier_runs": self.earlier_runs}

    def __str__(self) -> str:
        state = "passed" if self.passed else "FAILED: " + "; ".join(self.failures)
        earlier = f" (after an earlier run failed: {'; '.join(self.earlier_runs)})" if self.earlier_runs else ""
        return (f"R-hat max {self.max_rhat:.3f}, ESS bulk min {self.min_ess_bulk:.0f}, "
                f"tail min {self.min_ess_tail:.0f}, {self.divergences} divergences "
                f"({self.chains} chains x {self.draws} draws): {state}{earlier}")


def check_diagnostics(idata: az.InferenceData, var_names: list[str] | None = None, *,
                      rhat_max: float = RHAT_MAX, ess_min: float = ESS_MIN) -> Diagnostics:
    """R-hat and bulk/tail ESS of every listed variable (worst element of each), and divergences.

    The statistics are ArviZ's (rank-normalized split R-hat, bulk and tail ESS), computed for all
    elements at once by `models.mcmc_stats` (ArviZ 0.2x loops over them in Python, 0.9 s a fit)."""
    posterior = idata.posterior if var_names is None else idata.posterior[var_names]
    chains, draws = posterior.sizes["chain"], posterior.sizes["draw"]
    blocks = {name: posterior[name].transpose("chain", "draw", ...).values.reshape(chains, draws, -1)
              for name in posterior.data_vars}
    rhat, bulk, tail = gate_statistics(np.concatenate(list(blocks.values()), axis=2))
    rows = {}
    start = 0
    for name, values in blocks.items():
        elements = slice(start, start + values.shape[2])
        start = elements.stop
        varying = values.reshape(chains * draws, -1).std(axis=0) > 0
        if not varying.any():  # a constant (e.g. shares once every region is counted): nothing to mix
            continue
        rows[name] = {"r_hat": float(rhat[elements][varying].max()), "ess_bulk": float(bulk[elements][varying].min()),
                      "ess_tail": float(tail[elements][varying].min())}
    table = pd.DataFrame.from_dict(rows, orient="index")
    diverging = int(idata.sample_stats["diverging"].sum()) if "diverging" in idata.sample_stats else 0
    return Diagnostics(max_rhat=float(table["r_hat"].max()), min_ess_bulk=float(table["ess_bulk"].min()),
                       min_ess_tail=float(table["ess_tail"].min()), divergences=diverging,
                       draws=draws, chains=chains, table=table, rhat_max=rhat_max, ess_min=ess_min)


@dataclass
class Fit:
    """One information set's posterior: `idata` (ArviZ), its diagnostics and timings."""

    election: polls.Election
    information_set: InformationSet
    idata: az.InferenceData
    diagnostics: Diagnostics
    sampler: str
    seconds: dict[str, float]
    inputs: ModelInputs

    @property
    def shares(self):
        """Posterior draws of the election-day national shares (chain, draw, option)."""
        return self.idata.posterior["shares"]

    def __repr__(self) -> str:
        return f"<Fit {self.election.id} [{self.information_set}] {self.sampler}: {self.diagnostics}>"


def require_passing(fit: Fit) -> Fit:
    """Return the fit if its diagnostics pass; otherwise raise DiagnosticsError with the figures."""
    if not fit.diagnostics.passed:
        raise DiagnosticsError(f"{fit.election.id} [{fit.information_set}]: sampler diagnostics failed, "
                               f"so this is not presented as a forecast: {'; '.join(fit.diagnostics.failures)}")
    return fit


@dataclass
class _Compiled:
    nutpie: object = None
    seconds: float | None = None
    in_children: bool = False


def nutpie_available() -> bool:
    return importlib.util.find_spec("nutpie") is not None


def resolve_sampler(sampler: str) -> str:
    """The sampler a fit asking for `sampler` uses: "auto" is nutpie where installed, else PyMC."""
    if sampler == "auto":
        return "nutpie" if nutpie_available() else "pymc"
    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"unknown sampler '{sampler}' (auto, nutpie, pymc)")
    return sampler


class FusionModel:
    """The fusion model of one election, built once and refitted for any information set.

    >>> model = FusionModel(polls.load("kz-2021-mazhilis"))
    >>> fit = model.fit("polls+exit", seed=1)
    >>> fit.diagnostics.passed, fit.idata.posterior["shares"].mean(("chain", "draw"))
    """

    _cache: dict[tuple, FusionModel] = {}

    @classmethod
    def for_election(cls, election: polls.Election, priors: DefaultPriors | None = None, *,
                     undecided: str = "modelled") -> FusionModel:
        """The model of this election, reusing within the process an already built (and compiled)
        model of the same structure: only the observed data differ, and they are swapped in.
        Compiling is the expensive step; a notebook, a report or a test should pay it once."""
        priors = priors or history_priors(election)
        inputs = model_inputs(election, priors)
        key = graph_key(inputs, priors, undecided)
        if key not in cls._cache:
            cls._cache[key] = cls(election, priors, undecided=undecided, inputs=inputs)
            return cls._cache[key]
        shared = cls.__new__(cls)
        shared.__dict__.update(cls._cache[key].__dict__, election=election, inputs=inputs)
        return shared

    def __init__(self, election: polls.Election, priors: DefaultPriors | None = None, *,
                 undecided: str = "modelled", inputs: ModelInputs | None = None) -> None:
        self.election = election
        self.priors = priors or history_priors(election)
        self.undecided = undecided
        self.inputs = inputs if inputs is not None else model_inputs(election, self.priors)  # `for_election` has them
        self.model = build_model(self.inputs, self.priors, undecided=undecided)
        self._compiled = _Compiled()  # shared by every FusionModel reusing this graph

    # -- data for an information set --------------------------------------------------
    def data_for(self, information_set: str | InformationSet) -> dict[str, np.ndarray]:
        """Values of every data container for an information set (the observed data of this
        model's election, with the exit-poll and region switches set)."""
        info = parse_information_set(information_set, self.election)
        data = observed_data(self.inputs)
        if info.as_of is not None:  # only the polls public by then, and only they set the error scale
            used = self.election.public_by(info.as_of)
            data["poll_used"] = used.astype(float)
            data["error_scale"] = error_scale(self.inputs.poll_decided[used], self.inputs.poll_mask[used],
                                              self.inputs.prior_mean, self.inputs.exit_mask[:0])
        if "exit_used" in data:
            data["exit_used"] = np.full(len(self.inputs.exit_firm), float(info.exit_polls))
        if "region_counted" in data:
            data["region_counted"] = np.array([float(r in info.counted_regions) for r in self.inputs.regions])
        return data

    @property
    def gated(self) -> list[str]:
        """What the diagnostics gate checks: every sampled parameter, and the national shares."""
        return [*(rv.name for rv in self.model.free_RVs), "shares"]

    @property
    def compile_seconds(self) -> float | None:
        """Seconds the nutpie compile took (None before it ran)."""
        return self._compiled.seconds

    @property
    def compiled_in_children(self) -> bool:
        """Whether two child processes compiled the sampler, which this process then loaded."""
        return self._compiled.in_children

    def compile(self) -> None:
        """Compile the nutpie sampler once (numba); later fits only swap data. Where nothing is
        cached yet and the process may fork, two children compile nutpie's two callbacks at
        once and this process loads them (`models.forked_compile`)."""
        if self._compiled.nutpie is None:
            import nutpie

            folder = function_cache_folder()

            def compile_model(only_load: bool = False, only: str | None = None):
                with cached_callbacks(only):
                    return compile_with_cache(lambda: nutpie.compile_pymc_model(self.model, freeze_model=False),
                                              folder, only_load=only_load)

            start = time.perf_counter()
            # numba's fastmath lets LLVM reassociate sums differently in a fresh compile and in one
            # loaded from the cache, so the same seed gave different draws (measured: cold and warm
            # runs differed in every draw); without it the draws are identical across processes
            with pytensor.config.change_flags(numba__fastmath=False):
                try:
                    self._compiled.nutpie = compile_model(only_load=can_fork() and writable(folder))
                except NotOnFile:
                    self._compiled.in_children = compile_in_children(lambda only: compile_model(only=only),
                                                                     ("logp_numba", "expand_numba"))
                    self._compiled.nutpie = compile_model()
            self._compiled.seconds = time.perf_counter() - start

    def fit(self, information_set: str | InformationSet = "polls", *, draws: int | None = None,
            tune: int | None = None, chains: int = 4, seed: int = 0, sampler: str = "auto",
            target_accept: float | None = None, progress: bool = False, rhat_max: float = RHAT_MAX,
            ess_min: float = ESS_MIN, data: dict[str, np.ndarray] | None = None) -> Fit:
        """Sample the posterior given an information set; diagnostics are checked, not enforced
        (see `require_passing`). Without `draws` and `tune`, the runs of `RUNS` are tried in
        order until one passes; with them, that one run (the careful run's settings where not
        given). `data` replaces observed arrays (same shapes) without a new compile, e.g.
        synthetic polls for a recovery check (`models.recovery`)."""
        runs = RUNS if draws is None and tune is None else (
            {**CAREFUL_RUN, **{k: v for k, v in (("draws", draws), ("tune", tune)) if v is not None}},)
        if target_accept is not None:
            runs = tuple({**run, "target_accept": target_accept} for run in runs)
        info = parse_information_set(information_set, self.election)
        packed = pack_data({**self.data_for(info), **(data or {})})
        earlier: list[str] = []
        seconds: dict[str, float] = {}
        previous: az.InferenceData | None = None
        for run in runs:
            settings = {k: v for k, v in run.items() if k != "more_chains"}
            pooled = run.get("more_chains", False) and previous is not None
            idata, run_seconds = self._sample(info, packed, chains=chains, sampler=sampler, progress=progress,
                                              seed=more_chains_seed(seed) if pooled else seed, **settings)
            if pooled:  # the new chains judged together with the previous run's
                more_seed = idata.attrs["seed"]
                idata = az.concat(previous, idata, dim="chain")
                idata.attrs.update(previous.attrs, more_chains_seed=more_seed)
            diagnostics = check_diagnostics(idata, self.gated, rhat_max=rhat_max, ess_min=ess_min)
            diagnostics.earlier_runs = list(earlier)
            seconds = {k: seconds.get(k, 0.0) + run_seconds.get(k, 0.0) for k in {*seconds, *run_seconds}}
            fit = Fit(self.election, info, idata, diagnostics, idata.attrs["sampler"], seconds, self.inputs)
            if diagnostics.passed:
                break
            earlier.append(f"{diagnostics.chains} x {run['draws']} draws after {run['tune']} tuning steps "
                           f"(target_accept {run['target_accept']:g}): " + ", ".join(diagnostics.failures))
            previous = idata
        return fit

    def _sample(self, info: InformationSet, packed: dict[str, np.ndarray], *, draws: int, tune: int, chains: int,
                seed: int, sampler: str, target_accept: float,
                progress: bool) -> tuple[az.InferenceData, dict[str, float]]:
        """One sampler run: the posterior (labelled in `attrs`) and the seconds it took by stage."""
        sampler = resolve_sampler(sampler)
        seconds: dict[str, float] = {}
        if sampler == "nutpie":
            import nutpie

            was_compiled = self._compiled.nutpie is not None
            self.compile()
            seconds["compile"] = 0.0 if was_compiled else self.compile_seconds
            compiled = self._compiled.nutpie
            # the numba backend lists its data as `shared_data`, the JAX backend (a PyFuncModel) as
            # `_shared_data`; either accepts only the names its functions use
            known = getattr(compiled, "shared_data", None) or getattr(compiled, "_shared_data", {})
            if missing := set(known) - set(packed):  # a compile loaded from the cache holds another run's data
                raise RuntimeError(f"the compiled model reads data this fit does not set: {sorted(missing)}")
            compiled = compiled.with_data(**{k: v for k, v in packed.items() if k in known})
            start = time.perf_counter()
            idata = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains, seed=seed,
                                  target_accept=target_accept, progress_bar=progress, save_warmup=False)
            seconds["sample"] = time.perf_counter() - start
        else:
            start = time.perf_counter()
            with self.model:
                pm.set_data(packed)
                idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=min(chains, 2), random_seed=seed,
                                  target_accept=target_accept, progressbar=progress, compute_convergence_checks=False)
            seconds["compile+sample"] = time.perf_counter() - start
        idata.attrs.update(election=self.election.id, information_set=info.name, sampler=sampler, seed=seed,
                           undecided=self.undecided)
        return idata, seconds
