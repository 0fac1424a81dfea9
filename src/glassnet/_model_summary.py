"""The text of `Sequential.summary()`: one row per layer, with how each count arises, and
the totals as Keras 3 prints them (with their size in memory, as float32).

>>> import glassnet as gn
>>> m = gn.Sequential([gn.layers.Dense(3, input_shape=(4,))]); m.build()
>>> print(summary_table(m).splitlines()[4])  # doctest: +NORMALIZE_WHITESPACE
dense... (Dense)  (None, 3)  15  4 x 3 + 3
"""

from __future__ import annotations

from typing import Any

from glassnet._internal import html

__all__ = ["readable_size", "summary_html", "summary_table"]

HEADER = ("Layer (type)", "Output Shape", "Param #", "how")


def readable_size(n_bytes: float) -> str:
    """A byte count as Keras's summary writes it: B, KB, MB, ... in steps of 1024.

    >>> readable_size(0), readable_size(40), readable_size(407080), readable_size(2**21)
    ('0.00 B', '40.00 B', '397.54 KB', '2.00 MB')
    """
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} PB"


def _layer_rows(model: Any) -> list[tuple[str, str, str, str]]:
    rows = []
    for layer in model.layers:
        how = ""
        if "kernel" in layer.params:
            fan_in, units = layer.params["kernel"].shape
            how = f"{fan_in} x {units}" + (f" + {units}" if "bias" in layer.params else "")
        rows.append(
            (
                f"{layer.name} ({type(layer).__name__})",
                str(layer.output_shape),
                f"{layer.count_params():,}",
                how,
            )
        )
    return rows


def _totals(model: Any) -> list[str]:
    total = model.count_params()
    trainable = sum(int(w.size) for w in model.trainable_weights)
    counts = (("Total", total), ("Trainable", trainable), ("Non-trainable", total - trainable))
    return [f"{label} params: {count:,} ({readable_size(count * 4)})" for label, count in counts]


def summary_table(model: Any) -> str:
    """The layer table of a built model, as Keras prints it, plus a "how" column."""
    rows = [HEADER, *_layer_rows(model)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    line = "-" * (sum(widths) + 6)
    text = [f'Model: "{model.name}"', line]
    for i, row in enumerate(rows):
        text.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            text.append(line)
    return "\n".join([*text, line, *_totals(model)])


def summary_html(model: Any) -> str:
    """The summary as an HTML table (a notebook's display of a model); the layers alone,
    without shapes or counts, while the model is not built."""
    if not model.built:
        layers = [[f"{layer.name} ({type(layer).__name__})"] for layer in model.layers]
        return html.card(
            f'Model: "{model.name}"',
            html.table(["Layer (type)"], layers),
            html.note("not built yet: shapes and parameter counts come with build() or fit()"),
            kind="model",
        )
    table = html.table(HEADER, _layer_rows(model), right=[2])
    return html.card(
        f'Model: "{model.name}"', table, html.pre("\n".join(_totals(model))), kind="model"
    )
