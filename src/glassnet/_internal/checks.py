"""Input validation with one wording for every error in glassnet.

Every message names the argument, says what was expected and shows what came,
and suggests the fix when one is obvious:

    epochs must be an integer >= 1, got 0.
    Unknown activation 'rleu'. Did you mean 'relu'? Valid names: linear, relu, ...

`TypeError` is raised for the wrong kind of value, `ValueError` for a wrong value.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def describe(value: Any) -> str:
    """A short, readable rendering of `value` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_int(name: str, value: Any, minimum: int | None = None) -> int:
    """Return `value` as an int, or raise naming `name`.

    >>> check_int("epochs", 3, minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise TypeError(f"{name} must be an integer{bound}, got {describe(value)}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def check_number(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return `value` as a finite float inside the given range, or raise naming `name`.

    >>> check_number("rate", 0.5, 0, 1, high_inclusive=False)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {describe(value)}.")
    value = float(value)
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    too_low = low is not None and (value < low or (not low_inclusive and value == low))
    too_high = high is not None and (value > high or (not high_inclusive and value == high))
    if not np.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name}={value} is out of range {interval}.")
    result: float = value
    return result


def check_one_of(name: str, value: Any, options: Iterable[str], what: str | None = None) -> str:
    """Return `value` if it is one of `options`, else raise listing them (with a suggestion).

    >>> check_one_of("mode", "min", ["min", "max", "auto"])
    'min'
    """
    options = list(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(options)}; got {describe(value)}.")
    if value not in options:
        what = what or name
        close = difflib.get_close_matches(value, options, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"Unknown {what} '{value}'.{hint} Valid names: {', '.join(options)}.")
    return value


def lookup(family: str, name: Any, registry: Mapping[str, Any], kind: type | None = None) -> Any:
    """Resolve a name, an instance or a class of a family (activation, loss, ...).

    Names are matched case-insensitively. An instance of `kind` is returned as it is.

    >>> lookup("loss", "mse", {"mse": dict})
    {}
    """
    if kind is not None and isinstance(name, kind):
        return name
    if isinstance(name, type) and kind is not None and issubclass(name, kind):
        return name()
    if not isinstance(name, str):
        expected = f"a name or a {kind.__name__}" if kind else "a name"
        raise TypeError(f"{family} must be {expected}, got {describe(name)}.")
    key = name.lower()
    if key not in registry:
        check_one_of(family, key, sorted(registry))
    return registry[key]()


def as_float_array(
    name: str,
    values: Any,
    *,
    dtype: Any = np.float64,
    ndim: int | tuple[int, ...] | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Convert `values` to a finite float array, or raise naming `name`.

    >>> as_float_array("x", [[1, 2], [3, 4]], ndim=2).shape
    (2, 2)
    """
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{name} must be a numeric array, got {describe(values)}: {error}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be numeric, got dtype {array.dtype}"
            f"{' (for example ' + repr(array.flat[0]) + ')' if array.size else ''}."
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimension(s), got shape {array.shape}.")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {array.shape}); at least one value is needed.")
    array = array.astype(dtype, copy=False)
    check_finite(name, array)
    return array


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise if `array` holds NaN or infinity, saying where the first one is."""
    if array.dtype.kind != "f":
        return
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains NaN or infinity ({int(bad.sum())} value(s), the first at index "
            f"{index}: {array[index]}). Remove or impute them first."
        )


def check_same_length(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise if `a` and `b` don't have the same number of samples."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples, "
            f"got {len(a)} and {len(b)}."
        )


def check_weight_count(layer: str, count: int, detail: str, limit: int) -> None:
    """Raise before a layer allocates more than `limit` weights, saying how much that is.

    >>> check_weight_count("dense", 100_480, "784 inputs x 128 units", 10**9)
    >>> check_weight_count("big", 3 * 10**12, "3 inputs x 10**12 units", 10**9)
    Traceback (most recent call last):
    ...
    ValueError: layer 'big' would hold 3,000,000,000,000 weights (3 inputs x 10**12 units), \
12,000.0 GB as float32: more than the 1,000,000,000 (4.0 GB) a layer may hold. Use fewer \
units (or a smaller input).
    """
    if count > limit:
        raise ValueError(
            f"layer {layer!r} would hold {count:,} weights ({detail}), "
            f"{count * 4 / 1e9:,.1f} GB as float32: more than the {limit:,} "
            f"({limit * 4 / 1e9:,.1f} GB) a layer may hold. Use fewer units (or a smaller input)."
        )


# The seeds glassnet takes: those of `keras.utils.set_random_seed` (NumPy's legacy seeds).
MAX_SEED = 2**32 - 1


def check_seed(name: str, value: Any) -> int:
    """Return `value` as a seed, an integer from 0 to 2**32 - 1, or raise naming `name`.

    >>> check_seed("seed", 42)
    42
    >>> check_seed("seed", -1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer from 0 to 4294967295 (2**32 - 1), got -1.
    """
    expected = f"{name} must be an integer from 0 to {MAX_SEED} (2**32 - 1), got"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{expected} {describe(value)}.")
    if not 0 <= int(value) <= MAX_SEED:
        raise ValueError(f"{expected} {value}.")
    return int(value)
