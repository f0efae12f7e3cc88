"""pollmc's modelling engine: seat rules, the Bayesian fusion model, simulation, scoring, reports.

Reads `polls.Election` objects, never data files. Modules, each with one job:

- `seats`: the seat laws over any number of draws (no PyMC, no I/O), run by `seat_kernel`, one
  compiled pass over the draws; `outcomes`: seat summaries
- `priors`: default priors derived from the bundled US poll errors; `history`: what earlier
  elections' polls teach about the next one, by country
- `infosets`: what is known at a moment of the campaign or of election night
- `fusion`: the PyMC model; `fit`: sampling, diagnostics and the gate (`mcmc_stats`), with
  nutpie's compile kept on disk (`callback_cache`, `function_cache`, `digamma`)
- `simulate`: posterior draws through the seat rule; `evaluate`: scores and baselines;
  `external`: other people's forecasts, scored like the model
- `forecast`: the pipeline as functions; `report` and `plots`: HTML, Markdown, JSON, figures;
  `browser_check`: a report in headless Chromium at desktop and phone widths; `atomic_file`: files
  written whole or not at all
- `recovery`: simulation-based checks; `backtest`: several elections, locally or on Dask, and
  `backtest_report` its summary files
- `cli`: the `pollmc` command
"""
