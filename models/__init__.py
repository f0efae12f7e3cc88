"""pollmc's modelling engine: seat rules, the Bayesian fusion model, simulation, scoring, reports.

Reads `polls.Election` objects, never data files. Modules, each with one job:

- `seats`: the seat laws, vectorized over draws (no PyMC, no I/O); `outcomes`: seat summaries
- `priors`: default priors derived from the bundled US poll errors
- `infosets`: what is known at a moment of the campaign or of election night
- `fusion`: the PyMC model; `fit`: sampling, diagnostics and the gate
- `simulate`: posterior draws through the seat rule; `evaluate`: scores and baselines
- `forecast`: the pipeline as functions; `report` and `plots`: HTML, Markdown, JSON, figures
- `recovery`: simulation-based checks; `backtest`: several elections, locally or on Dask
- `cli`: the `pollmc` command
"""
