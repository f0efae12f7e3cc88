"""Figures of forecasts and their accuracy: each function returns a matplotlib Figure.

Used by the report and by the notebooks. Shares are in percent, seats in seats; every figure
has a title and labelled axes. Figures are built as `matplotlib.figure.Figure` objects, never
through pyplot, so importing this module or drawing a report never switches the backend or
leaves figures open in a notebook session (a notebook shows one with `display(fig)`).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import polls

__all__ = ["plot_accuracy_by_days", "plot_backtest_calibration", "plot_backtest_scores", "plot_calibration",
           "plot_election_night", "plot_house_effects", "plot_poll_errors", "plot_scores", "plot_seat_distributions",
           "plot_share_forecasts", "plot_sharpening", "poll_errors"]

COLORS = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]


def plot_share_forecasts(tables: dict[str, pd.DataFrame], actual: pd.Series | None = None,
                         title: str = "Vote share forecasts") -> Figure:
    """Median, 50% and 90% intervals per option for each forecast; the actual result as a cross."""
    names = list(tables)
    options = list(next(iter(tables.values())).index)
    fig = Figure(figsize=(8, 0.6 + 0.45 * len(options) * max(len(names), 1)))
    ax = fig.subplots()
    height = 0.8 / max(len(names), 1)
    for j, name in enumerate(names):
        table = tables[name]
        y = np.arange(len(options)) + j * height
        ax.hlines(y, table["low_90"], table["high_90"], color=COLORS[j % 10], lw=1.5)
        ax.hlines(y, table["low_50"], table["high_50"], color=COLORS[j % 10], lw=5, label=name)
        ax.plot(table["median"], y, "|", color="black", ms=10)
    if actual is not None:
        values = actual.loc[options].to_numpy() * 100
        for k, value in enumerate(values):
            ax.vlines(value, k - 0.1, k + 0.8, color="red", lw=2, label="actual result" if k == 0 else None)
    ax.set_yticks(np.arange(len(options)) + 0.4 - height / 2, options)
    ax.invert_yaxis()
    ax.set_xlabel("vote share (%)")
    ax.set_xscale("log")
    ticks = [1, 2, 5, 10, 20, 50, 80]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_title(title + "\nbars: 50% and 90% intervals; black ticks: medians", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_seat_distributions(seats: np.ndarray, parties: Sequence[str], actual: Sequence[int] | None = None,
                            title: str = "Seat distributions") -> Figure:
    """A histogram of simulated seats per party, the actual seats as a red line."""
    seats = np.asarray(seats)
    n = len(parties)
    cols = min(n, 4)
    rows = -(-n // cols)
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for j, party in enumerate(parties):
        ax = axes.flat[j]
        values, counts = np.unique(seats[:, j], return_counts=True)
        ax.bar(values, counts / len(seats), width=0.9, color=COLORS[0])
        if actual is not None:
            ax.axvline(actual[j], color="red", lw=2, label=f"actual {actual[j]}")
            ax.legend(fontsize=7)
        ax.set_title(party, fontsize=9)
        low, high = values.min(), values.max()
        ax.set_xlim(min(low, actual[j] if actual is not None else low) - 1.5,
                    max(high, actual[j] if actual is not None else high) + 1.5)
        ax.set_xlabel("seats")
        ax.set_ylabel("probability")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_calibration(pits: Sequence[float], coverage: dict[str, float], title: str = "Calibration") -> Figure:
    """PIT histogram (flat if calibrated) and empirical against nominal interval coverage."""
    fig = Figure(figsize=(9, 3.4))
    left, right = fig.subplots(1, 2)
    left.hist(pits, bins=np.linspace(0, 1, 11), color=COLORS[0], edgecolor="white")
    left.axhline(len(pits) / 10, color="grey", ls="--", label="calibrated")
    left.set_xlabel("PIT: forecast probability below the actual share")
    left.set_ylabel("options x information sets")
    left.set_title("PIT histogram")
    left.legend(fontsize=8)
    nominal = [int(k) for k in coverage]
    right.plot(nominal, [100 * coverage[k] for k in coverage], "o-", label="model")
    right.plot([40, 100], [40, 100], color="grey", ls="--", label="nominal")
    right.set_xlabel("central interval (%)")
    right.set_ylabel("actual values covered (%)")
    right.set_title("Interval coverage")
    right.set_ylim(0, 105)
    right.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_scores(model: pd.Series, baselines: pd.Series, metric: str = "CRPS (pp)",
                title: str = "Score by information set") -> Figure:
    """The model's score per information set (a line) against each baseline (horizontal lines)."""
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    ax.plot(range(len(model)), model.to_numpy(), "o-", color="black", label="model")
    for j, (name, value) in enumerate(baselines.items()):
        ax.axhline(value, color=COLORS[(j + 1) % 10], ls="--", lw=1, label=name)
    ax.set_xticks(range(len(model)), model.index, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel(metric + " (lower is better)")
    ax.set_xlabel("information set")
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def plot_sharpening(widths: pd.DataFrame, errors: pd.DataFrame,
                    title: str = "How the forecast sharpens on election night") -> Figure:
    """90% interval width and median error of each option's share, by information set."""
    fig = Figure(figsize=(9, 6))
    top, bottom = fig.subplots(2, 1, sharex=True)
    for j, option in enumerate(widths.columns):
        top.plot(range(len(widths)), widths[option], "o-", ms=3, color=COLORS[j % 10], label=option)
        bottom.plot(range(len(errors)), errors[option], "o-", ms=3, color=COLORS[j % 10], label=option)
    top.set_ylabel("90% interval width (pp)")
    bottom.set_ylabel("median - actual (pp)")
    bottom.axhline(0, color="grey", lw=1)
    bottom.set_xticks(range(len(widths)), widths.index, rotation=60, ha="right", fontsize=7)
    bottom.set_xlabel("information set")
    top.legend(fontsize=8, ncol=len(widths.columns))
    top.set_title(title)
    fig.tight_layout()
    return fig


def plot_election_night(shares: pd.DataFrame, actual: pd.Series | None = None,
                        seat_probabilities: pd.DataFrame | None = None,
                        title: str = "Election night: the forecast as regions are counted",
                        counted_label: str = "regions counted") -> Figure:
    """Each option's median and 50/90% bands against the number of regions counted, the actual
    share as a dashed line; below, probabilities about seats (one line per column) on the same axis.

    `shares` is long: columns `counted` (how much is counted, named by `counted_label`), `option`,
    `median`, `low_50`, `high_50`, `low_90`, `high_90` (percent). `seat_probabilities` has
    `counted` as index, values in [0, 1].
    """
    options = list(dict.fromkeys(shares["option"]))
    cols = min(len(options), 4)
    rows = -(-len(options) // cols) + (seat_probabilities is not None)
    fig = Figure(figsize=(3.2 * cols, 2.5 * rows))
    grid = fig.add_gridspec(rows, cols)
    for j, option in enumerate(options):
        ax = fig.add_subplot(grid[j // cols, j % cols])
        part = shares[shares["option"] == option].sort_values("counted")
        x = part["counted"].to_numpy()
        ax.fill_between(x, part["low_90"], part["high_90"], color=COLORS[0], alpha=0.25, lw=0, label="90%")
        ax.fill_between(x, part["low_50"], part["high_50"], color=COLORS[0], alpha=0.5, lw=0, label="50%")
        ax.plot(x, part["median"], color=COLORS[0], lw=1.5, label="median")
        if actual is not None:
            ax.axhline(100 * actual[option], color="red", ls="--", lw=1.2, label="actual")
        ax.set_title(option, fontsize=9)
        ax.set_xlabel(counted_label, fontsize=8)
        ax.set_ylabel("vote share (%)", fontsize=8)
        ax.tick_params(labelsize=7)
        if j == 0:
            ax.legend(fontsize=6, loc="best")
    if seat_probabilities is not None:
        ax = fig.add_subplot(grid[rows - 1, :])
        for k, column in enumerate(seat_probabilities.columns):
            ax.plot(seat_probabilities.index, 100 * seat_probabilities[column], "o-", ms=3,
                    color=COLORS[k % 10], label=column)
        ax.set_ylim(-3, 103)
        ax.set_xlabel(counted_label, fontsize=8)
        ax.set_ylabel("probability (%)", fontsize=8)
        ax.set_title("Seats over the night", fontsize=9)
        ax.legend(fontsize=7, ncol=min(len(seat_probabilities.columns), 3), loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def poll_errors(election: polls.Election, *, exit_polls: bool = False) -> pd.DataFrame:
    """Each poll's error per option, in points: renormalised published share minus the result."""
    table = election.exit_polls if exit_polls else election.polls
    options = election.options
    shares = table[options].div(table[options].sum(axis=1), axis=0) * 100
    errors = shares - election.result_shares()[options] * 100
    errors.insert(0, "date", table["date"].dt.date)
    errors.insert(0, "firm", table["firm"])
    return errors


def plot_poll_errors(errors: pd.DataFrame, title: str = "Each poll's error against the result") -> Figure:
    """Poll error (renormalised share - actual, points) per option, one marker per poll."""
    options = [c for c in errors.columns if c not in ("firm", "date")]
    firms = list(dict.fromkeys(errors["firm"]))
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    for f, firm in enumerate(firms):
        rows = errors[errors["firm"] == firm]
        for _, row in rows.iterrows():
            ax.plot(np.arange(len(options)) + 0.08 * (f - len(firms) / 2), row[options].to_numpy(float), "o",
                    color=COLORS[f % 10], label=firm)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), fontsize=8)
    ax.axhline(0, color="grey", lw=1)
    ax.set_xticks(range(len(options)), options)
    ax.set_ylabel("poll - result (percentage points)")
    ax.set_xlabel("option")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_house_effects(house: pd.DataFrame, low: pd.DataFrame, high: pd.DataFrame,
                       title: str = "House effects (posterior median, 90% interval)") -> Figure:
    """House effects per firm and option, in percent of the option's share (log scale x 100)."""
    firms, options = list(house.index), list(house.columns)
    fig = Figure(figsize=(9, 3.8))
    ax = fig.subplots()
    width = 0.8 / len(firms)
    for f, firm in enumerate(firms):
        x = np.arange(len(options)) + f * width
        ax.errorbar(x, house.loc[firm] * 100, yerr=[(house.loc[firm] - low.loc[firm]) * 100,
                                                   (high.loc[firm] - house.loc[firm]) * 100],
                    fmt="o", color=COLORS[f % 10], label=firm, capsize=2)
    ax.axhline(0, color="grey", lw=1)
    ax.set_xticks(np.arange(len(options)) + 0.4 - width / 2, options)
    ax.set_ylabel("effect on the option's share (%, relative)")
    ax.set_xlabel("option")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# -- backtests across elections ------------------------------------------------------------
def plot_backtest_calibration(summary: dict, groups: Sequence[str] | None = None,
                              title: str = "Calibration across elections") -> Figure:
    """Interval coverage against nominal, with 95% Wilson intervals, for groups of the backtest
    summary (`models.backtest.summarise`), and the pooled PIT histogram."""
    calibration = summary["calibration"]
    groups = [g for g in (groups or ["all", *[k for k in calibration if k.startswith("stage: ")]]) if g in calibration]
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2)
    for j, group in enumerate(groups):
        rows = pd.DataFrame(calibration[group]["coverage"])
        nominal = 100 * rows["nominal"] + (j - (len(groups) - 1) / 2) * 1.2  # side by side
        rate = 100 * rows["rate"]
        errors = [rate - 100 * rows["rate_low"], 100 * rows["rate_high"] - rate]
        left.errorbar(nominal, rate, yerr=errors, fmt="o-", ms=4, capsize=3, color=COLORS[j % 10],
                      label=f"{group} ({int(rows['shares'].iloc[0])} shares)")
    left.plot([45, 100], [45, 100], color="grey", ls="--", label="calibrated")
    left.set_xlabel("central interval (%)")
    left.set_ylabel("actual shares inside it (%)")
    left.set_ylim(0, 105)
    left.set_title("Interval coverage (95% intervals of the rate)")
    left.legend(fontsize=7)
    pit = summary["pit_histogram"]
    centres = (np.array(pit["edges"][:-1]) + np.array(pit["edges"][1:])) / 2
    right.bar(centres, pit["counts"], width=0.095, color=COLORS[0])
    right.axhline(pit["values"] / 10, color="grey", ls="--", label="calibrated")
    right.set_xlabel("PIT: forecast probability below the actual share")
    right.set_ylabel("forecast shares")
    p = pit.get("ks_p_value")
    right.set_title("PIT, all presented forecasts" + (f" (uniformity p = {p:.3f})" if p is not None else ""))
    right.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_backtest_scores(summary: dict, title: str = "CRPS by election: the model and the forecasts to beat") -> Figure:
    """Per election and information set, the model's mean CRPS against each baseline's (and each
    external forecast's) that knew no more."""
    rows = pd.DataFrame([r for r in summary["rows"] if "crps_model" in r])
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    if rows.empty:
        ax.set_title(title + ": no presented forecast")
        return fig
    labels = rows["election"] + " [" + rows["information_set"] + "]"
    columns = ["crps_model", *sorted(c for c in rows.columns if c.startswith("crps_") and c != "crps_model")]
    width = 0.8 / len(columns)
    for j, column in enumerate(columns):
        ax.bar(np.arange(len(rows)) + (j - (len(columns) - 1) / 2) * width, rows[column], width=width,
               color="black" if column == "crps_model" else COLORS[j % 10],
               label="model" if column == "crps_model" else column.removeprefix("crps_"))
    ax.set_xticks(np.arange(len(rows)), labels, rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("mean CRPS (points, lower is better)")
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def plot_accuracy_by_days(summary: dict, title: str = "Accuracy across the campaign") -> Figure:
    """Mean CRPS of the model and of the poll baselines, and the model's 90% coverage, against
    days before the election (rows of a `backtest --days-before` summary), pooled and per election."""
    rows = pd.DataFrame([r for r in summary["rows"] if "crps_model" in r and "days_before" in r])
    fig = Figure(figsize=(10, 3.8))
    left, right = fig.subplots(1, 2)
    if rows.empty:
        left.set_title("no forecasts as of days before the election")
        return fig
    pooled = rows.groupby("days_before").mean(numeric_only=True).sort_index(ascending=False)
    left.plot(pooled.index, pooled["crps_model"], "o-", color="black", lw=2, label="model (pooled)")
    for j, column in enumerate(c for c in pooled.columns if c.startswith("crps_baseline")):
        left.plot(pooled.index, pooled[column], "s--", color=COLORS[(j + 1) % 10], label=column.removeprefix("crps_"))
    for election, own in rows.groupby("election"):
        left.plot(own["days_before"], own["crps_model"], "-", color="grey", lw=0.7, alpha=0.6)
    left.invert_xaxis()
    left.set_xlabel("days before the election")
    left.set_ylabel("mean CRPS (points; grey: each election)")
    left.set_title("Accuracy")
    left.legend(fontsize=7)
    right.plot(pooled.index, 100 * pooled["coverage_90"], "o-", color="black", label="model (pooled)")
    right.axhline(90, color="grey", ls="--", label="nominal 90%")
    right.invert_xaxis()
    right.set_ylim(0, 105)
    right.set_xlabel("days before the election")
    right.set_ylabel("actual shares inside the 90% interval (%)")
    right.set_title("Calibration")
    right.legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
