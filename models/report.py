"""The forecast-accuracy report: one JSON file of every figure, a Markdown summary and a
self-contained HTML page with embedded plots.

`report_data(run)` turns a `models.forecast.Run` into the JSON document (its fields are
documented in the README); `write_report(run, folder, force=...)` writes the three files
atomically (each to a temporary name, then renamed), refuses to overwrite without `force`, and
escapes every text that comes from data files. Information sets whose sampler diagnostics
failed are listed as refused, with the failing figures, and no forecast of theirs is shown.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from models import plots
from models.atomic_file import write_atomic
from models.forecast import Run
from models.history import history_table
from models.infosets import knew_no_more
from models.priors import poll_error_evidence

__all__ = ["REPORT_FILES", "ReportExistsError", "report_data", "write_report"]

REPORT_FILES = ("report.json", "report.md", "report.html")


class ReportExistsError(FileExistsError):
    """Report files already exist and `force` was not given."""


def _clean(value):
    """JSON-ready: numpy scalars to Python, NaN to None (should not occur; checked by tests)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.date().isoformat()
    return value


def _posterior_table(idata, name: str, dims: tuple[str, str]) -> dict:
    post = idata.posterior[name]
    median = post.median(("chain", "draw"))
    low = post.quantile(0.05, ("chain", "draw"))
    high = post.quantile(0.95, ("chain", "draw"))
    rows, cols = (list(post.coords[d].values) for d in dims)
    return {str(r): {str(c): {"median": float(median.sel({dims[0]: r, dims[1]: c})),
                             "low_90": float(low.sel({dims[0]: r, dims[1]: c})),
                             "high_90": float(high.sel({dims[0]: r, dims[1]: c}))} for c in cols} for r in rows}


def report_data(run: Run) -> dict:
    """The JSON document of a run: every figure the report shows."""
    election = run.election
    model = run.model
    sets = []
    for result in run.results:
        fit = result.fit
        entry = {
            "name": result.information_set.name,
            "exit_polls": result.information_set.exit_polls,
            "counted_regions": list(result.information_set.counted_regions),
            "diagnostics": fit.diagnostics.to_dict(),
            "sampler": fit.sampler,
            "presented": result.presented,
        }
        if result.presented:
            entry["forecast"] = {
                "shares": result.share_table.to_dict(orient="index"),
                "seats": result.seat_table.to_dict(orient="index"),
                "most_likely_seats": result.outcomes.to_dict(orient="records"),
                "p_actual_seats": result.p_actual_seats,
            }
            if result.score is not None:
                entry["scores"] = result.score
            if "undecided_even" in fit.idata.posterior:
                entry["undecided_even"] = float(fit.idata.posterior["undecided_even"].median())
        sets.append(entry)
    extras = {}
    informed = _most_informed_fit(run)
    if informed is not None and "house" in informed.idata.posterior:
        extras["house_effects"] = {"information_set": informed.information_set.name, "unit": "log share",
                                   "firms": _posterior_table(informed.idata, "house", ("firm", "option"))}
    if election.has_results:
        extras["poll_errors_pp"] = plots.poll_errors(election).assign(
            date=lambda t: t["date"].astype(str)).to_dict(orient="records")
        if len(election.exit_polls):
            extras["exit_poll_errors_pp"] = plots.poll_errors(election, exit_polls=True).assign(
                date=lambda t: t["date"].astype(str)).to_dict(orient="records")
    data = {
        "format": "pollmc-report-1",
        "findings": _findings(sets, run.baselines),
        "election": {
            "id": election.id, "name": election.name, "country": election.country, "date": election.date.isoformat(),
            "list_seats": election.list_seats, "total_seats": election.total_seats,
            "other_seats": election.other_seats, "other_seats_kind": election.other_seats_kind,
            "rule": election.rule.describe(), "options": election.options, "parties": election.party_codes,
            "party_names": election.parties["name"].to_dict(),
            "regions": election.region_codes,
            "actual_shares_pct": (election.result_shares() * 100).to_dict() if election.has_results else None,
            "actual_seats": election.result_seats().to_dict() if election.has_results else None,
        },
        "settings": {**run.settings, "undecided": model.undecided},
        "priors": model.priors.to_dict(),
        "prior_evidence": poll_error_evidence().to_dict(),
        # the earlier elections behind the priors (weight 0: held out, the election itself or later)
        "prior_history": history_table(election).reset_index().assign(
            date=lambda t: t["date"].astype(str)).to_dict(orient="records"),
        "notes": run.notes,
        "information_sets": sets,
        "refused": [{"name": s["name"], "failures": s["diagnostics"]["failures"]} for s in sets if not s["presented"]],
        "baselines": run.baselines,
        "external": run.external,
        **extras,
    }
    return _clean(data)


def _findings(sets: list[dict], baselines: list[dict]) -> list[str]:
    """Plain sentences on accuracy and calibration: the model against the best baseline that knew
    no more than it did, and where the actual result fell outside the 90% intervals."""
    out = []
    for s in sets:
        scores = s.get("scores")
        if not scores or s["counted_regions"]:
            continue
        known = [b for b in baselines if knew_no_more(b["information_set"], s["name"])]
        if known:
            best = min(known, key=lambda b: b["crps_mean"])
            verdict = "better than" if scores["crps_mean"] < best["crps_mean"] else "no better than"
            out.append(f"[{s['name']}] mean CRPS {scores['crps_mean']:.2f} pp, {verdict} the best baseline with the "
                       f"same information ({best['name']}: {best['crps_mean']:.2f} pp).")
        missed = [f"{o} ({v['actual']:.2f}% against {v['interval_90'][0]:.2f}-{v['interval_90'][1]:.2f}%)"
                  for o, v in scores["shares"].items() if not v["covered_90"]]
        if missed:
            out.append(f"[{s['name']}] the actual share fell outside the 90% interval for {len(missed)} of "
                       f"{len(scores['shares'])} options: " + "; ".join(missed) + ".")
        else:
            out.append(f"[{s['name']}] every actual share fell inside its 90% interval.")
        out.append(f"[{s['name']}] probability given to the actual seats: {percent(scores['p_actual_seats'])}.")
    most_counted = max((len(s["counted_regions"]) for s in sets), default=0)
    night = [s for s in sets if s.get("scores") and 0 < len(s["counted_regions"]) < most_counted]
    if night:
        coverage = np.mean([s["scores"]["coverage"]["90"] for s in night])
        out.append(f"While regions were being counted ({len(night)} information set{'s' * (len(night) != 1)}), "
                   f"the 90% intervals covered {100 * coverage:.0f}% of the actual shares.")
    return out


def _most_informed_fit(run: Run):
    """The fit of the last presented information set (the most information: house effects are
    measured against the result there)."""
    shown = [r for r in run.results if r.presented]
    return shown[-1].fit if shown else None


# -- figures ---------------------------------------------------------------------------
def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figures(run: Run, data: dict) -> list[tuple[str, str]]:
    election = run.election
    shown = [r for r in run.results if r.presented]
    figures = []
    actual = election.result_shares() if election.has_results else None
    if shown:
        picks = [shown[0]] + ([shown[1]] if len(shown) > 1 else []) + ([shown[-1]] if len(shown) > 2 else [])
        tables = {r.information_set.name: r.share_table for r in picks}
        figures.append(("Vote share forecasts with the actual result",
                        _png(plots.plot_share_forecasts(tables, actual, f"{election.name}: vote shares"))))
        for r in [r for r in shown if r.simulation is not None][:2]:
            figures.append((f"Seat distributions [{r.information_set.name}]", _png(plots.plot_seat_distributions(
                r.simulation["seats"].values, election.party_codes,
                election.result_seats().tolist() if election.has_results else None,
                f"Seats [{r.information_set.name}]"))))
    scored = [s for s in data["information_sets"] if s.get("scores")]
    if scored:
        pits = [v["pit"] for s in scored for v in s["scores"]["shares"].values()]
        coverage = {k: float(np.mean([s["scores"]["coverage"][k] for s in scored])) for k in scored[0]["scores"]["coverage"]}
        figures.append(("PIT and interval coverage (all information sets and options)",
                        _png(plots.plot_calibration(pits, coverage))))
        model_crps = pd.Series({s["name"]: s["scores"]["crps_mean"] for s in scored})
        base = pd.Series({**{b["name"]: b["crps_mean"] for b in data["baselines"]},
                          **{f"external: {b['name']}": b["crps_mean"] for b in data.get("external", [])}})
        figures.append(("CRPS of the model and of each baseline",
                        _png(plots.plot_scores(model_crps, base))))
        widths = pd.DataFrame({s["name"]: {o: v["interval_90"][1] - v["interval_90"][0]
                                           for o, v in s["scores"]["shares"].items()} for s in scored}).T
        errors = pd.DataFrame({s["name"]: {o: v["median"] - v["actual"] for o, v in s["scores"]["shares"].items()}
                               for s in scored}).T
        figures.append(("Sharpening over election night", _png(plots.plot_sharpening(widths, errors))))
    night = _election_night(run)
    if night is not None:
        figures.append(("Election night: shares and seats as regions are counted",
                        _png(plots.plot_election_night(*night, title=f"{election.name}: election night"))))
    if "house_effects" in data:  # the posterior summary report_data already took
        house = data["house_effects"]
        median, low, high = (pd.DataFrame({firm: {o: v[stat] for o, v in options.items()}
                                           for firm, options in house["firms"].items()}).T
                             for stat in ("median", "low_90", "high_90"))
        figures.append((f"House effects of the pre-election polls [{house['information_set']}]",
                        _png(plots.plot_house_effects(median, low, high))))
    if election.has_results and len(election.polls):
        figures.append(("Each poll's error", _png(plots.plot_poll_errors(plots.poll_errors(election)))))
    return figures


def _election_night(run: Run) -> tuple[pd.DataFrame, pd.Series | None, pd.DataFrame] | None:
    """The arguments of `plots.plot_election_night`: the presented forecasts with exit polls or
    counted regions, by regions counted; seat probabilities of the parties whose passing the
    threshold is in doubt at some step, and of the actual seats once the result is known."""
    election = run.election
    steps = [r for r in run.results if r.presented
             and (r.information_set.exit_polls or r.information_set.counted_regions)]
    if len({len(r.information_set.counted_regions) for r in steps}) < 2:
        return None
    shares = pd.concat([r.share_table.reset_index().assign(counted=len(r.information_set.counted_regions))
                        for r in steps], ignore_index=True)
    passing = pd.DataFrame({len(r.information_set.counted_regions): r.seat_table["p_pass_threshold"]
                            for r in steps if "p_pass_threshold" in r.seat_table}).T
    doubtful = [party for party in passing if ((passing[party] > 0.005) & (passing[party] < 0.995)).any()]
    seats = passing[doubtful].rename(columns=lambda party: f"{party} passes the threshold")
    if election.has_results:
        seats["the actual seats, exactly"] = pd.Series({len(r.information_set.counted_regions): r.p_actual_seats
                                                         for r in steps})
    return (shares, election.result_shares() if election.has_results else None,
            seats.sort_index() if len(seats.columns) else None)


# -- Markdown and HTML ---------------------------------------------------------------------
def percent(p: float) -> str:
    """A probability or a coverage as people read it: '12.3%', '<0.1%', '>99.9%', '0%', '100%'."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    if p < 0.001:
        return "<0.1%"
    if p > 0.999:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _score_columns(sc: dict) -> dict:
    """The headline scores of a forecast, formatted as the summary table shows them (blank where
    it cannot be scored: a quantile forecast has no energy or seat scores)."""
    def given(key: str, show) -> str:
        return "" if sc.get(key) is None else show(sc[key])

    return {"CRPS (points)": _number(sc["crps_mean"], 2), "energy score (points)": given("energy_score", lambda v: _number(v, 2)),
            "P(actual seats)": given("p_actual_seats", percent),
            "log score of the seats": given("log_score_seats", lambda v: _number(v, 2)),
            "seat error": given("seat_abs_error", lambda v: f"{v:g}"),
            # a point forecast states no interval: its 'coverage' would only say whether it hit exactly
            "90% intervals covering": percent(sc["coverage"]["90"]) if sc["members"] != 1 and "90" in sc["coverage"] else ""}


def _summary_rows(data: dict) -> list[dict]:
    rows = []
    for s in data["information_sets"]:
        row = {"forecast": f"model [{s['name']}]", "diagnostics": "passed" if s["diagnostics"]["passed"] else "FAILED"}
        if s.get("scores"):
            row.update(_score_columns(s["scores"]))
        rows.append(row)
    for b in data["baselines"]:
        rows.append({"forecast": f"baseline: {b['name']} [{b['information_set']}]", "diagnostics": "",
                     **_score_columns(b)})
    for b in data.get("external", []):
        rows.append({"forecast": f"external: {b['name']} [{b['information_set']}]", "diagnostics": "",
                     **_score_columns(b)})
    return rows


#: How to read the summary table, under it in both formats.
SCORES_READING = ("CRPS, energy score and seat error: lower is better; P(actual seats) and its log score: higher "
                  "is better; coverage: near its nominal 90%. The information set a forecast had is in brackets.")


def _summary_table(data: dict) -> pd.DataFrame:
    return pd.DataFrame(_summary_rows(data)).set_index("forecast").fillna("")


def _share_display(shares: dict) -> pd.DataFrame:
    """Per option: median and the 50% and 90% intervals, in percent with one decimal."""
    table = pd.DataFrame(shares).T
    return pd.DataFrame({
        "median (%)": table["median"].map(lambda v: _number(v, 1)),
        "50% interval": [f"{lo:.1f} to {hi:.1f}" for lo, hi in zip(table["low_50"], table["high_50"])],
        "90% interval": [f"{lo:.1f} to {hi:.1f}" for lo, hi in zip(table["low_90"], table["high_90"])],
    }, index=table.index.rename("option"))


SEAT_PROBABILITIES = {"p_any_seat": "P(any seat)", "p_pass_threshold": "P(passes the threshold)",
                      "p_majority_list": "P(majority of list seats)", "p_majority_house": "P(majority of the house)"}


def _seat_display(seats: dict) -> pd.DataFrame:
    """Per party: median seats and the 90% interval as integers, probabilities as percentages."""
    table = pd.DataFrame(seats).T
    out = pd.DataFrame({"median seats": table["q50"].map(lambda v: f"{int(v)}"),
                        "90% interval": [f"{int(lo)} to {int(hi)}" for lo, hi in zip(table["q5"], table["q95"])]},
                       index=table.index.rename("party"))
    for column, name in SEAT_PROBABILITIES.items():
        if column in table:
            out[name] = table[column].map(percent)
    return out


def _markdown(data: dict) -> str:
    e = data["election"]
    lines = [f"# Forecast accuracy: {e['name']}", "", f"Rule: {e['rule']}.", ""]
    if e["actual_shares_pct"]:
        lines.append("Actual result: " + ", ".join(f"{o} {v:.2f}%" for o, v in e["actual_shares_pct"].items())
                     + "; seats " + ", ".join(f"{p} {v}" for p, v in e["actual_seats"].items()) + ".")
        lines.append("")
    if data["findings"]:
        lines += ["## Findings", ""] + [f"- {f}" for f in data["findings"]] + [""]
    if data["refused"]:
        lines.append("## Refused (sampler diagnostics failed)")
        for r in data["refused"]:
            lines.append(f"- {r['name']}: {'; '.join(r['failures'])}")
        lines.append("")
    lines += ["## Scores of the model and the baselines", "",
              SCORES_READING, "",
              _markdown_table(_summary_table(data)), ""]
    for s in data["information_sets"]:
        if not s["presented"]:
            continue
        lines += [f"## Forecast [{s['name']}]", "",
                  f"Diagnostics: max R-hat {s['diagnostics']['max_rhat']:.3f}, min bulk ESS "
                  f"{s['diagnostics']['min_ess_bulk']:.0f}, min tail ESS {s['diagnostics']['min_ess_tail']:.0f}, "
                  f"{s['diagnostics']['divergences']} divergences.", ""]
        lines += ["Vote shares:", "", _markdown_table(_share_display(s["forecast"]["shares"])), "",
                  "Seats:", "", _markdown_table(_seat_display(s["forecast"]["seats"])), ""]
        break  # the first presented set in full; the JSON holds every set
    lines += ["## Notes", ""] + [f"- {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


def _markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table (index as the first column)."""
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        return str(value).replace("|", "\\|")

    header = [frame.index.name or ""] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in frame.iterrows():
        lines.append("| " + " | ".join([cell(index)] + [cell(v) for v in row]) + " |")
    return "\n".join(lines)


def _table_html(frame: pd.DataFrame) -> str:
    """A table in a box of its own that scrolls sideways if it must, so the page never does."""
    return f"<div class='scroll'>{frame.to_html(escape=True, border=0, classes='t')}</div>"


#: The stylesheet of every HTML page pollmc writes (reports and the backtest page).
PAGE_STYLE = ("body{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em}"
              "table.t{border-collapse:collapse;font-size:12px}table.t td,table.t th{border:1px solid #ccc;padding:2px 6px}"
              "table.t td{text-align:right;white-space:nowrap}.scroll{overflow-x:auto;max-width:100%}"
              "details{margin:.5em 0}summary{cursor:pointer;font-weight:bold}"
              ".refused{background:#fee;border:1px solid #c00;padding:.5em}img{max-width:100%}")


def _html(data: dict, figures: list[tuple[str, str]]) -> str:
    e = data["election"]
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{esc('pollmc report: ' + e['name'])}</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
        f"<h1>Forecast accuracy: {esc(e['name'])}</h1>",
        f"<p>Rule: {esc(e['rule'])}.</p>",
        "<p>Lists: " + ", ".join(f"{esc(c)} ({esc(n)})" for c, n in e["party_names"].items()) + ".</p>",
    ]
    if data["refused"]:
        parts.append("<div class='refused'><b>Not presented as forecasts (sampler diagnostics failed):</b><ul>")
        parts += [f"<li>{esc(r['name'])}: {esc('; '.join(r['failures']))}</li>" for r in data["refused"]]
        parts.append("</ul></div>")
    if data["findings"]:
        parts += ["<h2>Findings</h2><ul>"] + [f"<li>{esc(f)}</li>" for f in data["findings"]] + ["</ul>"]
    parts += ["<h2>Scores of the model and the baselines</h2>",
              f"<p>{html.escape(SCORES_READING)}</p>", _table_html(_summary_table(data))]
    for title, png in figures:
        parts += [f"<h2>{esc(title)}</h2>", f"<img alt='{esc(title)}' src='data:image/png;base64,{png}'>"]
    for s in data["information_sets"]:
        if not s["presented"]:
            continue
        d = s["diagnostics"]
        parts += [f"<details><summary>Forecast [{esc(s['name'])}]</summary>",
                  f"<p>Diagnostics: max R-hat {d['max_rhat']:.3f}, min bulk ESS {d['min_ess_bulk']:.0f}, "
                  f"min tail ESS {d['min_ess_tail']:.0f}, {d['divergences']} divergences "
                  f"({d['chains']} chains x {d['draws']} draws, {esc(s['sampler'])})"
                  + "".join(f"; an earlier, shorter run failed ({esc(e)})" for e in d.get("earlier_runs", [])) + ".</p>",
                  _table_html(_share_display(s["forecast"]["shares"])),
                  _table_html(_seat_display(s["forecast"]["seats"])), "</details>"]
    parts += ["<h2>Notes</h2><ul>"] + [f"<li>{esc(n)}</li>" for n in data["notes"]] + ["</ul>"]
    parts.append("<p>Generated by pollmc. Poll-error priors from FiveThirtyEight pollster ratings data (CC BY 4.0).</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(run: Run, folder: str | Path, *, force: bool = False) -> dict[str, Path]:
    """Write report.json, report.md and report.html into `folder`; returns their paths."""
    folder = Path(folder)
    existing = [name for name in REPORT_FILES if (folder / name).exists()]
    if existing and not force:
        raise ReportExistsError(f"{folder}: {', '.join(existing)} already exist(s); use --force to overwrite")
    folder.mkdir(parents=True, exist_ok=True)
    data = report_data(run)
    figures = _figures(run, data)
    texts = {"report.json": json.dumps(data, indent=1, allow_nan=False),
             "report.md": _markdown(data), "report.html": _html(data, figures)}
    paths = {}
    for name, text in texts.items():
        write_atomic(folder / name, text)
        paths[name] = folder / name
    return paths
