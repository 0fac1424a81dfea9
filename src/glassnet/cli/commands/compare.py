"""`glassnet compare RUN RUN ...`: runs side by side, the settings that differ beside results.

Prints a table with one row per run: the hyperparameters that differ between the runs
(those that are the same are listed once below it) and the results: the best validation
loss and its epoch, the test accuracy beside its majority-class baseline, and the training
time. Writes an HTML page (`--out`, default compare.html) with the same table, the
differing settings highlighted, and the runs' learning curves overlaid in one figure.
The table is `gn.tuning.compare` of the run folders, the figure `gn.plots.plot_runs`.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glassnet._internal.files import atomic_write
from glassnet.cli.runs import load_run
from glassnet.cli.runs.loaded import read_json_object
from glassnet.tuning import Comparison, compare

__all__ = ["FolderRun", "add_parser", "comparison", "read_runs", "run"]

# Settings that say where a run went, not how it trained.
_NOT_HYPERPARAMETERS = ("out",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet compare`."""
    p = subparsers.add_parser(
        "compare",
        help="compare run folders: the settings that differ beside their results",
        description="Compare two or more run folders: a table of the hyperparameters that "
        "differ beside the results (best validation loss and epoch, test accuracy with its "
        "baseline, time), and an HTML page with the learning curves overlaid.",
    )
    p.add_argument("runs", metavar="RUN", nargs="+", help="run folders (at least two)")
    p.add_argument("--out", default="compare.html", help="the HTML page (default compare.html)")
    p.set_defaults(func=run)


@dataclass
class FolderRun:
    """A run folder as `gn.tuning.compare` reads a run, with the test results it keeps.

    Attributes:
        params: the hyperparameters (config.json's settings, but not where the run went).
        history: history.json's loss and metrics per epoch ({} without one).
        seconds: the training time, or None.
        metrics: metrics.json ({} without one).
    """

    params: dict[str, Any]
    history: dict[str, list[float]]
    seconds: float | None
    metrics: dict[str, Any]


def _read_metrics(folder: Path) -> dict[str, Any]:
    file = folder / "metrics.json"
    return read_json_object(file) if file.is_file() else {}


def read_runs(folders: list[str | Path]) -> dict[str, FolderRun]:
    """Each folder (as given) -> its run, read and checked.

    Raises:
        ValueError: fewer than two runs, one given twice, or a folder that is not a run folder.

    >>> read_runs(["runs/one"])
    Traceback (most recent call last):
    ...
    ValueError: compare needs at least two run folders, got 1.
    """
    if len(folders) < 2:
        raise ValueError(f"compare needs at least two run folders, got {len(folders)}.")
    runs = {}
    for folder in folders:
        if str(folder) in runs:
            raise ValueError(f"compare got the run folder {folder} twice.")
        loaded = load_run(folder)
        if loaded.config is None:
            raise ValueError(f"{folder} is not a run folder of glassnet train (no config.json).")
        metrics = _read_metrics(Path(folder))
        runs[str(folder)] = FolderRun(
            params={
                k: v for k, v in loaded.config.to_dict().items() if k not in _NOT_HYPERPARAMETERS
            },
            history=loaded.history or {},
            seconds=metrics.get("training_seconds"),
            metrics=metrics,
        )
    return runs


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _test_score(metrics: dict[str, Any]) -> str | None:
    """The test accuracy beside its majority-class baseline; for a regression run, R²."""
    score, baseline = metrics.get("test_accuracy"), (metrics.get("summary") or {}).get("baseline")
    if score is None and _is_number(metrics.get("test_r2")):
        score, baseline = metrics["test_r2"], metrics.get("baseline_r2")
        baseline = baseline if _is_number(baseline) else None
    if score is None:
        return None
    return f"{score:.4f}" + ("" if baseline is None else f" (baseline {baseline:.4f})")


def _score_heading(runs: list[FolderRun]) -> str:
    """The test score's heading: "test R²" when every run is a regression."""
    has_r2 = [run.metrics.get("test_r2") is not None for run in runs]
    regression = [run.metrics.get("test_accuracy") is None for run in runs]
    if all(has_r2) and all(regression):
        return "test R²"
    return "test accuracy or R²" if any(has_r2) else "test accuracy"


def comparison(folders: list[str | Path]) -> Comparison:
    """The run folders side by side: `gn.tuning.compare` of their runs, scored on the test part.

    Raises:
        ValueError: fewer than two runs, or a folder that is not a run folder.
    """
    runs = read_runs(folders)
    scores = [_test_score(run.metrics) for run in runs.values()]
    return compare(runs, scores={_score_heading(list(runs.values())): scores})


def _figure_png(compared: Comparison) -> str | None:
    """The runs' learning curves in one figure (`gn.plots.plot_runs`), as a data: URL."""
    from glassnet import plots

    names = compared.names or []
    labels = [Path(name).name for name in names]
    if len(set(labels)) < len(labels):  # two folders of one name: their paths tell them apart
        labels = names
    curves = {
        label: run.history
        for label, run in zip(labels, compared.runs, strict=True)
        if run.history.get("loss")
    }
    if not curves:
        return None
    fig = plots.plot_runs(curves)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plots.pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _page(compared: Comparison) -> str:
    esc = html.escape
    n = len(compared.differ)
    headers = compared.header()[1:]  # the first is "run"
    head = "".join(f'<th class="differs">{esc(h)}</th>' for h in headers[:n])
    head += "".join(f"<th>{esc(h)}</th>" for h in headers[n:])
    body = ""
    for name, *cells in compared.rows():
        tds = "".join(f'<td class="differs">{esc(c)}</td>' for c in cells[:n])
        tds += "".join(f"<td>{esc(c)}</td>" for c in cells[n:])
        body += f"<tr><th>{esc(name)}</th>{tds}</tr>"
    notes = "".join(f"<p>{esc(line)}</p>" for line in compared.notes())
    figure = _figure_png(compared)
    curves = (
        f'<img alt="learning curves" src="{figure}">'
        if figure
        else "<p>No learning curves: the runs have no training history.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>glassnet compare</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em}"
        ".differs{background:#fff3c4}img{max-width:100%}</style></head><body>"
        "<h1>Runs compared</h1>"
        "<p>Highlighted: the hyperparameters that differ between the runs.</p>"
        f"<table><tr><th>run</th>{head}</tr>{body}</table>"
        f"{notes}<h2>Learning curves</h2>{curves}</body></html>\n"
    )


def run(args: argparse.Namespace) -> int:
    """Print the comparison and write the page; return the exit status."""
    compared = comparison(args.runs)
    print(compared)
    out = Path(args.out)
    page = _page(compared).encode("utf-8")
    with atomic_write(out) as handle:
        handle.write(page)
    print(f"Comparison page: {out}")
    return 0
