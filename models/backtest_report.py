"""The backtest summary as files people read: backtest.json, backtest.md and backtest.html.

The HTML page is self-contained like the election reports (figures inline, all text escaped):
calibration pooled and split by stage and country, CRPS of the model against the forecasts to
beat, and accuracy against days before the election when the backtest ran `--days-before`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from models import plots
from models.atomic_file import write_atomic
from models.report import PAGE_STYLE, _clean, _markdown_table, _png, _table_html

__all__ = ["BACKTEST_FILES", "calibration_table", "steps_text", "write_backtest"]

BACKTEST_FILES = ("backtest.json", "backtest.md", "backtest.html")

READING = ("Each election's priors come only from elections held before it (leave one election out). Coverage: how "
           "often each central interval held the actual share, with a 95% Wilson interval of the rate (the shares "
           "of one forecast are not independent, so these intervals are narrower than they should be). PIT: where "
           "the actual share fell in the forecast distribution, in tenths; a calibrated forecast fills them evenly "
           "(Kolmogorov-Smirnov p-value of uniformity).")


def calibration_table(summary: dict) -> pd.DataFrame:
    """One row per group (all, by stage, by country): coverage of each interval with its
    binomial interval, the PIT histogram and the uniformity test, formatted for people."""
    rows = []
    for group, found in summary["calibration"].items():
        pit = found["pit"]
        rows.append({"group": group, "shares": pit["values"],
                     **{c["interval"]: f"{100 * c['rate']:.0f}% ({100 * c['rate_low']:.0f}-{100 * c['rate_high']:.0f})"
                        for c in found["coverage"]},
                     "PIT histogram": " ".join(map(str, pit["counts"])),
                     "KS p": "" if pit["ks_p_value"] is None else f"{pit['ks_p_value']:.3f}"})
    return pd.DataFrame(rows).set_index("group") if rows else pd.DataFrame()


#: The forecasts to beat shown as columns of the per-election table (the JSON has them all).
SHOWN = ("baseline: last poll", "baseline: firms' last polls (average)", "baseline: exit polls (average)",
         "baseline: previous election")


def _rows_table(summary: dict) -> pd.DataFrame:
    """Per election and information set, for people: the model's CRPS, the main baselines', the
    best forecast to beat (any baseline or external that knew no more) and the model's coverage."""
    rows = []
    for r in summary["rows"]:
        row = {"election": r["election"], "information set": r["information_set"],
               "fit": "presented" if r["presented"] else "refused"}
        if "days_before" in r:
            row["days before"] = r["days_before"]
        if "crps_model" in r:
            others = {k.removeprefix("crps_"): v for k, v in r.items() if k.startswith("crps_") and k != "crps_model"}
            row["model CRPS"] = f"{r['crps_model']:.2f}"
            for name in SHOWN:
                row[name.removeprefix("baseline: ")] = f"{others[name]:.2f}" if name in others else ""
            if others:
                best = min(others, key=others.get)
                row["best other"] = f"{best.partition(': ')[2]} {others[best]:.2f}"
            row["50% / 90% covering"] = f"{100 * r['coverage_50']:.0f}% / {100 * r['coverage_90']:.0f}%"
        rows.append(row)
    return pd.DataFrame(rows).set_index("election").fillna("")


def steps_text(summary: dict) -> str:
    """One sentence on the election-night steps whose intervals covered too little, against chance."""
    found = summary.get("steps_below")
    if not found or not found["steps"]:
        return ""
    return (f"Election night: {found['below']} of {found['steps']} steps had {found['level']}% intervals covering "
            f"under {100 * found['floor']:.0f}% of the actual shares ({', '.join(found['which']) or 'none'}). With "
            f"calibrated intervals, {found['expected_if_calibrated']:.1f} would be expected (a step scores only a "
            f"handful of parties), none at all with probability {found['p_none_below_if_calibrated']:.3f}, and "
            f"{found['below']} or more with probability {found['p_this_many_or_more_if_calibrated']:.2f} "
            "(steps taken as independent; steps of one night share its errors, so these are a guide).")


def _markdown(summary: dict) -> str:
    lines = ["# pollmc backtest", "", f"Elections: {', '.join(summary['elections'])}."]
    lines += [f"Skipped: {eid} ({why})." for eid, why in summary.get("skipped", {}).items()]
    lines += ["", READING, "", "## Calibration, pooled over elections and parties", ""]
    calibration = calibration_table(summary)
    if not calibration.empty:
        lines += [_markdown_table(calibration.astype(object)), ""]
    steps = steps_text(summary)
    if steps:
        lines += [steps, ""]
    lines += ["## Per election and information set", "", _markdown_table(_rows_table(summary)), ""]
    return "\n".join(lines)


def _html(summary: dict) -> str:
    esc = html.escape
    figures = [("Calibration across elections", plots.plot_backtest_calibration(summary)),
               ("CRPS of the model and of the forecasts to beat", plots.plot_backtest_scores(summary))]
    if any("days_before" in r for r in summary["rows"]):
        figures.append(("Accuracy against days before the election", plots.plot_accuracy_by_days(summary)))
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'><title>pollmc backtest</title>",
             f"<style>{PAGE_STYLE}</style></head><body>",
             "<h1>Backtest: how far the intervals can be trusted</h1>",
             f"<p>Elections: {esc(', '.join(summary['elections']))}.</p>"]
    parts += [f"<p>Skipped: {esc(eid)} ({esc(why)}).</p>" for eid, why in summary.get("skipped", {}).items()]
    parts += [f"<p>{esc(READING)}</p>", "<h2>Calibration, pooled over elections and parties</h2>"]
    calibration = calibration_table(summary)
    if not calibration.empty:
        parts.append(_table_html(calibration))
    steps = steps_text(summary)
    if steps:
        parts.append(f"<p>{esc(steps)}</p>")
    for title, figure in figures:
        parts += [f"<h2>{esc(title)}</h2>", f"<img alt='{esc(title)}' src='data:image/png;base64,{_png(figure)}'>"]
    parts += ["<h2>Per election and information set</h2>", _table_html(_rows_table(summary)),
              "<p>Generated by pollmc backtest.</p></body></html>"]
    return "\n".join(parts)


def write_backtest(summary: dict, folder: str | Path) -> list[Path]:
    """Write backtest.json, backtest.md and backtest.html into `folder` (the caller checks for
    files it must not overwrite); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"backtest.json": json.dumps(_clean(summary), indent=1, allow_nan=False),
             "backtest.md": _markdown(summary), "backtest.html": _html(summary)}
    for name, text in texts.items():
        write_atomic(folder / name, text)
    return [folder / name for name in texts]
