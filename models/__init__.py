"""pollmc's modelling engine: seat rules, the Bayesian fusion model, simulation, scoring, reports.

Reads `polls.Election` objects, never files. Modules, each with one job:
`seats` (the seat laws, vectorized), `outcomes` (summaries of simulated seats),
`priors`, `fusion`, `fit`, `simulate`, `evaluate`, `report`, `backtest` and `cli`.
"""
