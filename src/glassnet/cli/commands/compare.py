"""`glassnet compare RUN RUN ...`: runs side by side, the settings that differ beside results.

Prints a table with one row per run: the hyperparameters that differ between the runs
(those that are the same are listed once below it) and the results: the best validation
loss and its epoch, the test accuracy beside its majority-class baseline, and the training
time. Writes an HTML page (`--out`, default compare.html) with the same table, the
differing settings highlighted, and the runs' learning curves overlaid in one figure.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from glassnet._internal.files import atomic_write
from glassnet._internal.numbers import short
from glassnet.cli.runs import load_run

__all__ = ["add_parser", "compare_rows", "run"]

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


def _read_metrics(folder: Path) -> dict[str, Any]:
    file = folder / "metrics.json"
    if not file.is_file():
        return {}
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{file} is damaged: not valid JSON.") from None
    return value if isinstance(value, dict) else {}


def compare_rows(folders: list[str | Path]) -> tuple[list[str], list[dict[str, Any]], dict]:
    """(the hyperparameters that differ, one row per run, the ones all runs share).

    Each row holds "run" (the folder), "settings" (every hyperparameter), "history", and the
    results "best_val_loss", "best_epoch" (from 1), "test_accuracy", "baseline", "seconds",
    and for a regression run "test_r2" and "baseline_r2" (None when the run lacks it).

    Raises:
        ValueError: fewer than two runs, or a folder that is not a run folder.

    >>> compare_rows(["runs/one"])
    Traceback (most recent call last):
    ...
    ValueError: compare needs at least two run folders, got 1.
    """
    if len(folders) < 2:
        raise ValueError(f"compare needs at least two run folders, got {len(folders)}.")
    rows = []
    for folder in folders:
        loaded = load_run(folder)
        if loaded.config is None:
            raise ValueError(f"{folder} is not a run folder of glassnet train (no config.json).")
        settings = {
            k: v for k, v in loaded.config.to_dict().items() if k not in _NOT_HYPERPARAMETERS
        }
        history = loaded.history or {}
        val = history.get("val_loss") or []
        metrics = _read_metrics(Path(folder))
        best = min(range(len(val)), key=val.__getitem__) if val else None
        rows.append(
            {
                "run": str(folder),
                "settings": settings,
                "history": history,
                "best_val_loss": val[best] if best is not None else None,
                "best_epoch": best + 1 if best is not None else None,
                "test_accuracy": metrics.get("test_accuracy"),
                "baseline": (metrics.get("summary") or {}).get("baseline"),
                "test_r2": metrics.get("test_r2"),  # a regression run: R² beside its baseline
                "baseline_r2": metrics.get("baseline_r2"),
                "seconds": metrics.get("training_seconds"),
            }
        )
    keys = list(dict.fromkeys(k for row in rows for k in row["settings"]))
    differ = [k for k in keys if len({json.dumps(r["settings"].get(k)) for r in rows}) > 1]
    shared = {k: rows[0]["settings"].get(k) for k in keys if k not in differ}
    return differ, rows, shared


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ",".join(_value(v) for v in value)
    if isinstance(value, float):
        return short(value)
    return str(value)


def _results(row: dict[str, Any]) -> list[str]:
    accuracy = row["test_accuracy"]
    baseline = row["baseline"]
    shown = "—" if accuracy is None else f"{accuracy:.4f}"
    if accuracy is not None and baseline is not None:
        shown += f" (baseline {baseline:.4f})"
    r2 = row.get("test_r2")
    if accuracy is None and isinstance(r2, (int, float)):
        shown = f"{r2:.4f}"
        if isinstance(row.get("baseline_r2"), (int, float)):
            shown += f" (baseline {row['baseline_r2']:.4f})"
    return [
        "—" if row["best_val_loss"] is None else f"{row['best_val_loss']:.4f}",
        _value(row["best_epoch"]),
        shown,
        "—" if row["seconds"] is None else f"{row['seconds']:.1f} s",
    ]


_RESULT_HEADERS = ["best val_loss", "at epoch", "test accuracy", "time"]


def _result_headers(rows: list[dict[str, Any]]) -> list[str]:
    """The result columns' headings: "test R²" when every run is a regression."""
    if rows and all(r.get("test_accuracy") is None and r.get("test_r2") is not None for r in rows):
        return [*_RESULT_HEADERS[:2], "test R²", *_RESULT_HEADERS[3:]]
    if any(r.get("test_r2") is not None for r in rows):
        return [*_RESULT_HEADERS[:2], "test accuracy or R²", *_RESULT_HEADERS[3:]]
    return _RESULT_HEADERS


def _table_text(differ: list[str], rows: list[dict[str, Any]], shared: dict) -> str:
    headers = ["run", *differ, *_result_headers(rows)]
    body = [[r["run"], *(_value(r["settings"].get(k)) for k in differ), *_results(r)] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)).rstrip() for b in body]
    if not differ:
        lines.append("The runs have the same hyperparameters.")
    if shared:
        lines.append(
            "Same in every run: " + ", ".join(f"{k} {_value(v)}" for k, v in shared.items())
        )
    return "\n".join(lines)


def _figure_png(rows: list[dict[str, Any]]) -> str:
    """The runs' learning curves in one figure, as a data: URL."""
    from glassnet import plots

    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, row in enumerate(rows):
        colour = f"C{i % 10}"
        for key, style in (("loss", "--"), ("val_loss", "-")):
            values = row["history"].get(key) or []
            if values:
                label = f"{Path(row['run']).name} {key}"
                ax.plot(range(1, len(values) + 1), values, style, color=colour, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Learning curves (dashed: training, solid: validation)")
    ax.legend(fontsize="small")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _page(differ: list[str], rows: list[dict[str, Any]], shared: dict) -> str:
    esc = html.escape
    head = "".join(f'<th class="differs">{esc(k)}</th>' for k in differ)
    head += "".join(f"<th>{esc(h)}</th>" for h in _result_headers(rows))
    body = ""
    for row in rows:
        cells = "".join(
            f'<td class="differs">{esc(_value(row["settings"].get(k)))}</td>' for k in differ
        )
        cells += "".join(f"<td>{esc(c)}</td>" for c in _results(row))
        body += f"<tr><th>{esc(row['run'])}</th>{cells}</tr>"
    same = ", ".join(f"{esc(k)} {esc(_value(v))}" for k, v in shared.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>glassnet compare</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em}"
        ".differs{background:#fff3c4}img{max-width:100%}</style></head><body>"
        "<h1>Runs compared</h1>"
        "<p>Highlighted: the hyperparameters that differ between the runs.</p>"
        f"<table><tr><th>run</th>{head}</tr>{body}</table>"
        + (f"<p>Same in every run: {same}</p>" if same else "")
        + f'<h2>Learning curves</h2><img alt="learning curves" src="{_figure_png(rows)}">'
        + "</body></html>\n"
    )


def run(args: argparse.Namespace) -> int:
    """Print the comparison and write the page; return the exit status."""
    differ, rows, shared = compare_rows(args.runs)
    print(_table_text(differ, rows, shared))
    out = Path(args.out)
    page = _page(differ, rows, shared).encode("utf-8")
    with atomic_write(out) as handle:
        handle.write(page)
    print(f"Comparison page: {out}")
    return 0
