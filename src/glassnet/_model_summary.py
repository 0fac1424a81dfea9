"""The text of `Sequential.summary()`: one row per layer, with how each count arises, and
the totals as Keras 3 prints them (with their size in memory, as float32).

>>> import glassnet as gn
>>> m = gn.Sequential([gn.layers.Dense(3, input_shape=(4,))]); m.build()
>>> print(summary_table(m).splitlines()[4])  # doctest: +NORMALIZE_WHITESPACE
dense... (Dense)  (None, 3)  15  4 x 3 + 3
"""

from __future__ import annotations

from typing import Any

__all__ = ["readable_size", "summary_table"]


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


def summary_table(model: Any) -> str:
    """The layer table of a built model, as Keras prints it, plus a "how" column."""
    rows = [("Layer (type)", "Output Shape", "Param #", "how")]
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
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    line = "-" * (sum(widths) + 6)
    text = [f'Model: "{model.name}"', line]
    for i, row in enumerate(rows):
        text.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            text.append(line)
    total = model.count_params()
    trainable = sum(int(w.size) for w in model.trainable_weights)
    text.append(line)
    counts = (("Total", total), ("Trainable", trainable), ("Non-trainable", total - trainable))
    for label, count in counts:
        text.append(f"{label} params: {count:,} ({readable_size(count * 4)})")
    return "\n".join(text)
