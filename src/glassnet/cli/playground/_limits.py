"""The playground's limits: how much work one request may start, stated in its errors.

>>> LIMITS["max_units"]
32
>>> str(RequestError("units: at most 32 per layer, got 99"))
'units: at most 32 per layer, got 99'
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LIMITS", "RequestError", "choice", "integer", "number"]

LIMITS: dict[str, int] = {
    "max_body_bytes": 10 * 1024 * 1024,
    "max_rows": 5000,
    "max_columns": 50,
    "max_classes": 10,
    "max_samples": 2000,
    "max_layers": 6,
    "max_units": 32,
    "max_epochs": 2000,
    "max_batch_size": 5000,
    "max_trainings": 4,
    "max_sessions": 32,
    "max_name_length": 100,
}


class RequestError(ValueError):
    """A bad request: answered with `status` (400 by default) and this message as JSON."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def number(
    body: dict, name: str, default: float, low: float, high: float, *, open_low=False
) -> float:
    """`body[name]` as a finite float in [low, high] (or (low, high]), else RequestError.

    >>> number({"learning_rate": 0.1}, "learning_rate", 0.01, 0, 10, open_low=True)
    0.1
    """
    value: Any = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(f"{name}: expected a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise RequestError(f"{name}: expected a finite number, got {value}")
    if value < low or (open_low and value == low) or value > high:
        bracket = "(" if open_low else "["
        raise RequestError(f"{name}: expected a number in {bracket}{low}, {high}], got {value}")
    return value


def integer(body: dict, name: str, default: int, low: int, high: int) -> int:
    """`body[name]` as an int in [low, high], else RequestError naming the limit.

    >>> integer({}, "epochs", 100, 1, 2000)
    100
    """
    value: Any = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"{name}: expected an integer, got {type(value).__name__}")
    if value < low or value > high:
        raise RequestError(
            f"{name}: expected an integer from {low} to {high} (the limit), got {value}"
        )
    return value


def choice(body: dict, name: str, default: str, options: tuple[str, ...]) -> str:
    """`body[name]` as one of `options`, else RequestError listing them.

    >>> choice({"mode": "network"}, "mode", "perceptron", ("perceptron", "network"))
    'network'
    """
    value = body.get(name, default)
    if value not in options:
        shown = repr(value)[:40] if isinstance(value, str) else type(value).__name__
        raise RequestError(f"{name}: expected one of {', '.join(options)}, got {shown}")
    return value
