"""The one way glassnet objects draw themselves in a notebook: cards, tables, text and curves.

Every `_repr_html_` in glassnet is built from these pieces, so all displays share one look.
The styles are inline (a notebook viewer or GitHub drops `<style>` blocks); text blocks and
tables are monospace, so aligned columns stay aligned, with a line height that leaves room
for underscores and descenders (`val_loss`). Every piece of text is escaped here: callers
pass plain text, never HTML, except to `card`, which takes the pieces built here.

>>> print(table(["name", "value"], [["w<1>", 0.5]]))  # doctest: +ELLIPSIS
<table ...><thead>...<tbody><tr><td ...>w&lt;1&gt;</td><td ...;text-align:right">0.5</td></tr>...
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "HIGHLIGHT",
    "MONOSPACE",
    "card",
    "epochs_card",
    "escape",
    "line_chart",
    "neuron_card",
    "note",
    "pre",
    "table",
]

MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
# 1.5 lines: a tighter line box clips the underscores of `val_loss` in some fonts.
_TEXT = f"font-family:{MONOSPACE};font-size:12.5px;line-height:1.5"
_CARD = (
    "display:inline-block;max-width:100%;box-sizing:border-box;margin:4px 0;"
    "padding:8px 12px;border:1px solid #d1d5db;border-radius:6px;"
    "font-family:system-ui, sans-serif;font-size:13px;line-height:1.5;overflow:visible"
)
_PRE = (
    f"{_TEXT};white-space:pre;overflow-x:auto;overflow-y:visible;margin:4px 0;"
    "padding:4px 8px 6px;background:#f8fafc;border-radius:4px"
)
# The background of a highlighted table column (e.g. the settings that differ between runs).
HIGHLIGHT = "#fff3c4"
_TABLE = f"{_TEXT};border-collapse:collapse;margin:4px 0"
# pre-wrap: spaces kept (aligned numbers), long sentences wrap instead of running off.
_CELL = (
    "padding:1px 10px 2px 0;border-bottom:1px solid #e5e7eb;white-space:pre-wrap;vertical-align:top"
)
TONES = {"problem": "#b91c1c", "warning": "#b45309", "tip": "#0e7490", "ok": "#15803d"}
# The colours of line_chart's series, in order.
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def escape(value: Any) -> str:
    """`str(value)` made safe to put in HTML (quotes too).

    >>> escape("<b>x</b> & 'y'")
    '&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27;'
    """
    return html.escape(str(value), quote=True)


def pre(text: str) -> str:
    """A block of monospace text, kept as it is (spaces, alignment, line breaks).

    >>> pre("a  <1>")  # doctest: +ELLIPSIS
    '<pre class="glassnet-text" style="font-family:...">a  &lt;1&gt;</pre>'
    """
    return f'<pre class="glassnet-text" style="{_PRE}">{escape(text)}</pre>'


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(
    header: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    *,
    right: Iterable[int] | None = None,
    highlight: Iterable[int] | None = None,
) -> str:
    """A monospace table of plain values; numbers (and the columns in `right`) align right.

    Args:
        header: the column titles, or None for a table without a header row.
        rows: the rows, each a sequence of values (shown with `str`, escaped).
        right: column indices to right-align besides those holding numbers.
        highlight: column indices shown on a light yellow background.
    """
    right = set(right or ())
    marked = set(highlight or ())

    def cell(tag: str, value: Any, column: int) -> str:
        align = "right" if column in right or _is_number(value) else "left"
        mark = f";background:{HIGHLIGHT}" if column in marked else ""
        return f'<{tag} style="{_CELL};text-align:{align}{mark}">{escape(value)}</{tag}>'

    head = ""
    if header is not None:
        head = "<thead><tr>" + "".join(cell("th", h, i) for i, h in enumerate(header))
        head += "</tr></thead>"
    body = "".join(
        "<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<table class="glassnet-table" style="{_TABLE}">{head}<tbody>{body}</tbody></table>'


def note(text: str, tone: str = "warning") -> str:
    """One line of text in the colour of `tone` ("problem", "warning", "tip", "ok")."""
    colour = TONES.get(tone, "#374151")
    return f'<div style="color:{colour};margin:2px 0">{escape(text)}</div>'


def card(title: str, *parts: str, kind: str = "object", subtitle: str = "") -> str:
    """A framed box: a bold `title` (and a plain `subtitle`), then `parts`.

    `title` and `subtitle` are plain text; `parts` are HTML built by this module.

    >>> card("A <b>", pre("x"), kind="demo")  # doctest: +ELLIPSIS
    '<div class="glassnet-card glassnet-demo" style="..."><div><b>A &lt;b&gt;</b></div><pre...'
    """
    head = f"<b>{escape(title)}</b>" + (f" {escape(subtitle)}" if subtitle else "")
    return (
        f'<div class="glassnet-card glassnet-{escape(kind)}" style="{_CARD}">'
        f"<div>{head}</div>{''.join(parts)}</div>"
    )


def _ticks(low: float, high: float) -> tuple[float, float]:
    if low == high:  # a flat curve: give it a band to sit in
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    return low, high


def line_chart(
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    width: int = 320,
    height: int = 170,
) -> str:
    """Curves over epochs 1..n as an inline SVG: one polyline per series, with a legend.

    Non-finite values (a diverged loss) leave a gap. The y axis spans the finite values,
    its ends labelled; x runs from epoch 1 (left) to epoch n (right).

    >>> svg = line_chart({"loss": [1.0, 0.5]}, title="loss")
    >>> svg.startswith("<svg") and 'points="44.0,22.0 310.0,134.0"' in svg
    True
    """
    left, right, top, bottom = 44, width - 10, 22, height - 36
    finite = [v for values in series.values() for v in values if math.isfinite(v)]
    n = max((len(values) for values in series.values()), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="glassnet-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'style="font-family:{MONOSPACE};font-size:11px;margin:4px 8px 4px 0">',
        f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        'fill="none" stroke="#d1d5db"/>',
    ]
    if finite and n:
        low, high = _ticks(min(finite), max(finite))

        def x_of(i: int) -> float:
            return left + (right - left) * (i / (n - 1) if n > 1 else 0.5)

        def y_of(v: float) -> float:
            return bottom - (bottom - top) * (v - low) / (high - low)

        parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{high:.3g}</text>')
        parts.append(f'<text x="{left - 4}" y="{bottom}" text-anchor="end">{low:.3g}</text>')
        parts.append(f'<text x="{left}" y="{bottom + 13}">1</text>')
        parts.append(f'<text x="{right}" y="{bottom + 13}" text-anchor="end">epoch {n}</text>')
        for k, (name, values) in enumerate(series.items()):
            colour = _COLOURS[k % len(_COLOURS)]
            runs: list[list[str]] = [[]]
            for i, v in enumerate(values):
                if math.isfinite(v):
                    runs[-1].append(f"{x_of(i):.1f},{y_of(v):.1f}")
                elif runs[-1]:
                    runs.append([])
            for run in runs:
                if len(run) == 1:
                    cx, cy = run[0].split(",")
                    parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
                elif run:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
                        f'points="{" ".join(run)}"><title>{escape(name)}</title></polyline>'
                    )
            parts.append(
                f'<text x="{left + 90 * k}" y="{height - 6}" fill="{colour}">'
                f"— {escape(name)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def epochs_card(
    title: str, logs: Mapping[str, Sequence[float]], *, last: int = 5, notes: Sequence[str] = ()
) -> str:
    """Per-epoch logs: a table of the `last` epochs (1-based, as fit prints them) and the
    curves, the losses in one chart and every other metric in a second one.

    `notes` are lines shown under the table (warnings, in the "warning" tone).
    """
    n = max((len(values) for values in logs.values()), default=0)
    names = list(logs)
    rows = [
        [i + 1, *(f"{logs[k][i]:.4f}" if i < len(logs[k]) else "" for k in names)]
        for i in range(max(n - last, 0), n)
    ]
    losses = {k: v for k, v in logs.items() if k.endswith("loss")}
    others = {k: v for k, v in logs.items() if k not in losses}
    charts = [
        line_chart(group, title=name)
        for name, group in (("loss", losses), ("metrics", others))
        if group
    ]
    shown = f"the last {last} of {n} epochs" if n > last else f"{n} epoch{'' if n == 1 else 's'}"
    return card(
        title,
        table(["epoch", *names], rows, right=range(1, len(names) + 1)) if n else "",
        *(note(text) for text in notes),
        f"<div>{''.join(charts)}</div>" if n else "",
        subtitle=f"({shown})",
        kind="history",
    )


def neuron_card(weights: Sequence[str] | None, bias: str, bias_weight: str, activation: str) -> str:
    """The perceptron: its equation with the weights written in, and the weights' table.

    The numbers come as text, already formatted by the caller; `weights=None` (not set
    yet) shows the equation with symbols.

    >>> "z = x1*0.5 + x2*(-0.2) + 1*0.3" in neuron_card(["0.5", "-0.2"], "1", "0.3", "sign")
    True
    """

    def factor(text: str) -> str:
        return f"({text})" if text.startswith("-") else text

    if weights is None:
        text = f"z = x1*w1 + ... + xn*wn + bias*w_bias, y = {activation}(z)\n"
        return card("Perceptron", pre(text + "no weights yet: fit, or pass weights="))
    terms = [f"x{i + 1}*{factor(w)}" for i, w in enumerate(weights)]
    terms.append(f"{factor(bias)}*{factor(bias_weight)}")
    equation = f"z = {' + '.join(terms)}\ny = {activation}(z)"
    names = [f"w{i + 1}" for i in range(len(weights))] + ["w_bias"]
    rows = zip(names, [*weights, bias_weight], strict=True)
    weights_table = table(["weight", "value"], rows, right=[1])
    return card("Perceptron", pre(equation), weights_table, kind="perceptron")
