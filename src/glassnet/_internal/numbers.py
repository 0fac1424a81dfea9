"""The one way glassnet prints a number, in four forms.

| form                   | for                                   | examples                  |
|------------------------|---------------------------------------|---------------------------|
| `short(value)`         | equations, legends, reports, advice   | 3, -0.5, 0.2739, 1e-05    |
| `plain(value)`         | a calculation worked step by step     | 2.0, 0.75, -0.5, 0.3      |
| `precise(value)`       | explanations of a network's numbers   | 0.3, 0.0101987, 2         |
| `fixed(value, digits)` | table columns (NaN shows as "—")      | 0.900, —                  |

`short` and `plain` first round to 10 decimals, so the binary noise of arithmetic on
lecture numbers (0.1 + 0.2 - 0.3 = 5.6e-17) does not show: a value below 5e-11 prints
as 0. None of them prints "-0".
`short_value` applies `short` to the numbers inside lists and dicts.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet._internal.jsonable import jsonable

__all__ = ["UNDEFINED", "fixed", "plain", "precise", "short", "short_value"]

# How an undefined value (NaN) is printed in a table.
UNDEFINED = "—"

# Whole numbers at or beyond this size are printed in exponent form: a float64 no longer
# holds every integer exactly from about 9e15 on.
_LARGEST_WHOLE = 1e15


def _clean(value: float) -> float:
    """`value` rounded to 10 decimals, with -0.0 turned into 0.0."""
    return round(float(value), 10) + 0.0


def short(value: float, *, thousands: bool = False) -> str:
    """A number as a person writes it: whole numbers without '.0', others to 4 digits.

    Args:
        value: any real number (NaN and infinity print as "nan", "inf", "-inf").
        thousands: group the digits of whole numbers with commas (12,345).

    >>> short(3.0), short(-0.5), short(0.27391), short(0.1 + 0.2 - 0.3), short(-0.0)
    ('3', '-0.5', '0.2739', '0', '0')
    >>> short(12345.0, thousands=True), short(1e-5), short(float("nan"))
    ('12,345', '1e-05', 'nan')
    """
    value = _clean(value)
    if value.is_integer() and abs(value) < _LARGEST_WHOLE:
        return f"{int(value):,}" if thousands else str(int(value))
    return f"{value:.4g}"


def plain(value: float) -> str:
    """A float as Python prints it, without binary noise: 2.0, 0.75, -0.5, 0.3.

    >>> plain(2), plain(0.1 + 0.2), plain(-0.0), plain(1.5 * -0.5)
    ('2.0', '0.3', '0.0', '-0.75')
    """
    return repr(_clean(value))


def precise(value: float) -> str:
    """A number for an equation of a network's values: 6 significant digits, no '-0'.

    >>> precise(0.30000001192092896), precise(-0.0), precise(2.0), precise(0.010198659)
    ('0.3', '0', '2', '0.0101987')
    """
    return f"{float(value) + 0.0:.6g}"


def fixed(value: float, digits: int) -> str:
    """`digits` decimals, for a table column; NaN (undefined) as UNDEFINED, "—".

    >>> fixed(0.9, 3), fixed(float("nan"), 3)
    ('0.900', '—')
    """
    return UNDEFINED if math.isnan(value) else f"{value:.{digits}f}"


def short_value(value: Any) -> str:
    """Any value as short text: numbers by `short`, lists and dicts item by item.

    NumPy values count as the Python values they hold; NaN and infinity show as None,
    as they are written to JSON.

    >>> short_value({"best_epoch": 4, "loss": [0.123456, 2.0], "note": "ok", "x": float("nan")})
    '{best_epoch: 4, loss: [0.1235, 2], note: ok, x: None}'
    """
    value = jsonable(value)
    if isinstance(value, float):
        return short(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {short_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(short_value(v) for v in value) + "]"
    return str(value)
