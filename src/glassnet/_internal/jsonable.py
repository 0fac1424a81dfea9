"""Plain Python values for JSON: what `to_dict()` methods and run files hold."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """`value` with arrays as lists, NumPy scalars as Python numbers, mapping keys as
    strings, and NaN or infinity as None (JSON has neither); other objects as `str`.

    >>> jsonable({1: np.array([0.5, np.nan]), "n": np.int64(3), "t": (1, 2)})
    {'1': [0.5, None], 'n': 3, 't': [1, 2]}
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
