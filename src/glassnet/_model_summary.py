"""The text of `Sequential.summary()`: one row per layer, with how each count arises.

>>> import glassnet as gn
>>> m = gn.Sequential([gn.layers.Dense(3, input_shape=(4,))]); m.build()
>>> print(summary_table(m).splitlines()[4])  # doctest: +NORMALIZE_WHITESPACE
dense... (Dense)  (None, 3)  15  4 x 3 + 3
"""

from __future__ import annotations

from typing import Any

__all__ = ["summary_table"]


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
                str((None, *layer.output_shape)),
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
    text += [
        line,
        f"Total params: {total:,} ({total * 4 / 1024:.2f} KB)",
        f"Trainable params: {total:,}",
        "Non-trainable params: 0",
    ]
    return "\n".join(text)
