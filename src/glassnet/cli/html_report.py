"""One self-contained HTML page per training run: open report.html, nothing else needed.

The page opens with its headline: the test score beside its baseline and the diagnosis's
verdict. Then it holds the model summary, the settings, the test metrics (accuracy beside the
majority-class baseline and the balanced accuracy, and the per-class table; for a regression
R², MSE and MAE beside those of the training mean, and the predicted-vs-true figure), the
diagnosis and every figure, the PNGs embedded as base64 `data:` URLs, so the file can be
mailed or moved alone. No scripts, no external style sheets, no network.

>>> page = build_report("demo", summary="Model: tiny", metrics={"test_accuracy": 0.9})
>>> page.startswith("<!DOCTYPE html>"), "0.9000" in page
(True, True)
>>> headline({"test_accuracy": 0.9, "summary": {"baseline": 0.5, "majority_class": "cat"}})
["Test accuracy 0.900, against 0.500 for always the majority class ('cat')."]
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["build_report", "embed_png", "headline"]

# Figure file name -> section heading, in the order the page shows them.
FIGURE_TITLES = {
    "learning_curves.png": "Learning curves",
    "predicted_vs_true.png": "Predicted vs true (test part; the line is y = x)",
    "confusion_matrix.png": "Confusion matrix",
    "predictions.png": "Sample predictions (blue: right, red: wrong)",
    "decision_regions.png": "Decision regions",
    "network.png": "The network",
}

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; }
h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .2em; }
h2 { color: #1f77b4; margin-top: 1.6em; }
pre { background: #f6f8fa; padding: .8em; white-space: pre-wrap; font-size: 90%; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #f0f4f8; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
.note { color: #a33; font-weight: bold; }
.headline { font-size: 115%; background: #f0f4f8; padding: .6em .9em;
            border-left: 4px solid #1f77b4; }
.headline p { margin: .3em 0; }
"""


def embed_png(path: str | os.PathLike) -> str:
    """A PNG file as a `data:image/png;base64,...` URL.

    Raises:
        ValueError: the file is not a PNG.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.png"
    >>> _ = p.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n")
    >>> embed_png(p)
    'data:image/png;base64,iVBORw0KGgo='
    """
    data = Path(path).read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError(f"embed_png expected a PNG file, got {path} (no PNG signature).")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _regression_table(metrics: Mapping[str, Any]) -> str:
    """R², MSE and MAE on the test part, each beside the training-mean baseline's."""
    rows = ["<tr><th>test</th><th>model</th><th>baseline (always the training mean)</th></tr>"]
    for label, key in (("R²", "r2"), ("MSE", "mse"), ("MAE", "mae")):
        model, baseline = metrics.get(f"test_{key}"), metrics.get(f"baseline_{key}")
        rows.append(
            f"<tr><th>{label}</th><td>{_number(model)}</td><td>{_number(baseline)}</td></tr>"
        )
    mean, seconds = metrics.get("train_mean"), metrics.get("training_seconds")
    rows.append(f"<tr><th>training mean</th><td colspan=2>{_number(mean)}</td></tr>")
    if isinstance(seconds, (int, float)):
        rows.append(f"<tr><th>training time (s)</th><td colspan=2>{seconds:.4f}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _number(value: Any) -> str:
    from glassnet.cli.runs.regression import score_number

    return html.escape(score_number(value))


# The marks that start a finding's line in the diagnosis text (glassnet.doctor).
_FINDING_MARKS = ("✗", "⚠", "→", "✓")


def headline(metrics: Mapping[str, Any], diagnosis: str = "") -> list[str]:
    """The run in a line or two, as a reader wants it first: the test score beside its
    baseline (accuracy vs always the majority class; R² vs always the training mean), then
    the diagnosis's verdict (its first finding). Lines with nothing to say are left out.

    >>> text = "Training diagnosis (9 epochs)\\n✓ healthy: it learned.\\n→ tip: more."
    >>> for line in headline({"task": "regression", "test_r2": 0.8, "baseline_r2": -0.01}, text):
    ...     print(line)
    Test R² 0.8, against -0.01 for always the training mean.
    Diagnosis: ✓ healthy: it learned. (1 more finding below)
    """
    lines = []
    summary = metrics.get("summary") or {}
    accuracy, baseline = metrics.get("test_accuracy"), summary.get("baseline")
    if metrics.get("task") == "regression" and metrics.get("test_r2") is not None:
        from glassnet.cli.runs.regression import score_number

        r2, base = metrics.get("test_r2"), metrics.get("baseline_r2")
        against = (
            f", against {score_number(base)} for always the training mean"
            if base is not None
            else ""
        )
        lines.append(f"Test R² {score_number(r2)}{against}.")
    elif _is_number(accuracy):
        against = ""
        if _is_number(baseline):
            majority = summary.get("majority_class")
            which = f" ({str(majority)!r})" if majority is not None else ""
            against = f", against {baseline:.3f} for always the majority class{which}"
        lines.append(f"Test accuracy {accuracy:.3f}{against}.")
    findings = [line for line in diagnosis.splitlines() if line.startswith(_FINDING_MARKS)]
    if findings:
        more = len(findings) - 1
        rest = f" ({more} more finding{'' if more == 1 else 's'} below)" if more else ""
        lines.append(f"Diagnosis: {_short(findings[0])}{rest}")
    elif diagnosis.strip():
        lines.append(diagnosis.strip().splitlines()[0])
    return lines


def _short(text: str, limit: int = 160) -> str:
    """`text` up to the end of its first sentence; past `limit` characters, up to the last
    colon, semicolon or comma before it, and an ellipsis (the whole text is further down).

    >>> _short("⚠ slow: It learns. More epochs help.")
    '⚠ slow: It learns.'
    """
    import re

    end = re.search(r"[.!?](?=\s+[A-Z(])", text)
    text = text[: end.end()] if end else text
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in (": ", "; ", ", "))
    return text[: cut if cut > limit // 3 else limit].rstrip(" :;,") + " …"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    if metrics.get("task") == "regression":
        return _regression_table(metrics)
    rows = []
    summary = metrics.get("summary") or {}
    named = [
        ("test accuracy", metrics.get("test_accuracy")),
        ("majority-class baseline", summary.get("baseline")),
        ("balanced accuracy", summary.get("balanced_accuracy")),
        ("test loss", metrics.get("test_loss")),
        ("training time (s)", metrics.get("training_seconds")),
    ]
    for name, value in named:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            rows.append(f"<tr><th>{html.escape(name)}</th><td>{value:.4f}</td></tr>")
    return "<table>" + "".join(rows) + "</table>" if rows else ""


def build_report(
    title: str,
    *,
    summary: str = "",
    config: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    diagnosis: str = "",
    figures: Mapping[str, str | os.PathLike] | None = None,
    sections: Sequence[tuple[str, str]] = (),
) -> str:
    """The HTML page of a run.

    Args:
        title: the page heading.
        summary: the model's layer table (`model.summary` text).
        config: the settings that ran, shown as a table.
        metrics: as in a run's metrics.json: "test_accuracy", "test_loss", "summary"
            (baseline, balanced accuracy, warnings), "report_text" (per-class table),
            or for a regression ("task": "regression") "test_r2", "test_mse", "test_mae",
            their "baseline_..." and "train_mean", and "history_units";
            "interrupted" and "interrupted_note" (where training stopped and what the
            model is, as the console said it).
        diagnosis: the text of `gn.diagnose(...)`.
        figures: file name -> PNG path; known names get their heading (learning curves,
            predicted vs true, confusion matrix, predictions, decision regions, network),
            others their name.
        sections: (heading, HTML) pairs shown after the settings, e.g. the
            hyperparameters vs parameters tables; the HTML is inserted as given.

    Returns:
        The complete HTML document as a string, images embedded.
    """
    metrics = dict(metrics or {})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if metrics.get("interrupted"):
        kept = metrics.get("interrupted_note") or (
            "The model is the best complete epoch's or, when no epoch was complete, the one "
            "after the last complete batch."
        )
        parts.append(
            f'<p class="note">Training was interrupted (Ctrl-C). {html.escape(str(kept))}</p>'
        )
    top = headline(metrics, diagnosis)
    if top:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in top)
        parts.append(f'<div class="headline">{lines}</div>')
    if summary:
        parts += ["<h2>Model</h2>", f"<pre>{html.escape(summary)}</pre>"]
    if config:
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in config.items()
        )
        parts += ["<h2>Settings</h2>", f"<table>{rows}</table>"]
    for heading, body in sections:
        parts += [f"<h2>{html.escape(heading)}</h2>", body]
    table = _metrics_table(metrics)
    if table or metrics.get("report_text"):
        parts.append("<h2>Test metrics</h2>")
        parts.append(table)
        for warning in (metrics.get("summary") or {}).get("warnings", []):
            parts.append(f'<p class="note">{html.escape(str(warning))}</p>')
        if metrics.get("report_text"):
            parts.append(f"<pre>{html.escape(str(metrics['report_text']))}</pre>")
        if metrics.get("history_units"):
            parts.append(f"<p>{html.escape(str(metrics['history_units']))}</p>")
    if diagnosis:
        parts += ["<h2>Diagnosis</h2>", f"<pre>{html.escape(diagnosis)}</pre>"]
    ordered = sorted(
        (figures or {}).items(),
        key=lambda item: list(FIGURE_TITLES).index(item[0]) if item[0] in FIGURE_TITLES else 99,
    )
    for name, path in ordered:
        heading = FIGURE_TITLES.get(name, name)
        parts += [
            f"<h2>{html.escape(heading)}</h2>",
            f'<img alt="{html.escape(heading)}" src="{embed_png(path)}">',
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
