"""Named inputs: a CSV row's features by name, each raw value beside the scaled one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._internal.checks import describe
from glassnet._internal.numbers import precise
from glassnet.explain._text import indexed

# A row with more features than this shows the first ones and says how many are left out.
MAX_FEATURES = 30

# Column-name endings read as units: "flipper_length_mm" is in mm.
_UNITS = {
    "mm": "mm",
    "cm": "cm",
    "m": "m",
    "km": "km",
    "mg": "mg",
    "g": "g",
    "kg": "kg",
    "ms": "ms",
    "s": "s",
    "min": "min",
    "h": "h",
    "pct": "%",
    "percent": "%",
}


def unit_of(name: str) -> str:
    """The unit a column name ends with ("flipper_length_mm" -> "mm"), or "".

    >>> unit_of("flipper_length_mm"), unit_of("body_mass_g"), unit_of("island")
    ('mm', 'g', '')
    """
    head, _, tail = name.rpartition("_")
    return _UNITS.get(tail.lower(), "") if head else ""


def feature_lines(names: Sequence[str], raw: Any, scaled: Any) -> list[str]:
    """One line per input of a CSV row: its index, its column name, raw -> scaled.

    Args:
        names: the feature (column) names, in the order of the model's inputs.
        raw: the row as it is in the file (one number per feature), or None when the raw
            values are not known (then only the names and scaled values are shown).
        scaled: the same row as the network takes it (after scaling).

    Returns:
        The lines, e.g. "x[2] = flipper_length_mm = 181 mm raw -> -0.891 scaled".

    Raises:
        ValueError: the names, raw and scaled values differ in number.

    >>> for line in feature_lines(["bill_length_mm", "flipper_length_mm"], [39.1, 181],
    ...                           [-0.8834, -1.4186]):
    ...     print(line)
    x[0] = bill_length_mm = 39.1 mm raw -> -0.8834 scaled
    x[1] = flipper_length_mm = 181 mm raw -> -1.4186 scaled
    """
    names = [str(n) for n in names]
    scaled = np.asarray(scaled, dtype=np.float64).reshape(-1)
    if len(names) != scaled.size:
        raise ValueError(
            f"feature_names must name each of the {scaled.size} inputs, got {len(names)} name(s)."
        )
    if raw is not None:
        raw = np.asarray(raw, dtype=np.float64).reshape(-1)
        if raw.size != scaled.size:
            raise ValueError(
                f"raw must hold one value per input ({scaled.size}), got {describe(raw)}."
            )
    lines = []
    n = len(names)
    for i, name in enumerate(names[:MAX_FEATURES]):
        symbol = indexed("x", n, i)
        if raw is None:
            lines.append(f"{symbol} = {name} = {precise(scaled[i])} (scaled)")
            continue
        unit = unit_of(name)
        value = precise(raw[i]) + (f" {unit}" if unit else "")
        lines.append(f"{symbol} = {name} = {value} raw -> {precise(scaled[i])} scaled")
    if n > MAX_FEATURES:
        lines.append(f"... and {n - MAX_FEATURES} more feature(s)")
    return lines
