"""The checks `Sequential.fit`, `evaluate` and `predict` make on the data they are given.

Each names the argument, what was expected and what came (the wording lives in
`glassnet._internal.checks`).

>>> import glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
>>> as_input(model, [[1, 2]], "x").dtype
dtype('int64')
>>> sample_weights(np.array([0, 1, 1]), {1: 2.0}, None, 3).tolist()
[1.0, 2.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._internal.checks import (
    as_float_array,
    check_finite,
    check_number,
    check_same_length,
    describe,
)
from glassnet.layers import DTYPE

__all__ = [
    "as_float32",
    "as_input",
    "as_targets",
    "sample_weights",
    "split_validation",
    "validation_arrays",
]

FLOAT32_MAX = float(np.finfo(np.float32).max)


def _asarray(name: str, values: Any) -> np.ndarray:
    try:
        return np.asarray(values)
    except (ValueError, TypeError) as error:  # ragged lists
        raise ValueError(
            f"{name} must be a numeric array, got {describe(values)}: {error}"
        ) from None


def _check_float32_range(name: str, array: np.ndarray) -> None:
    """Raise if a wider float array holds NaN, infinity or a value float32 cannot hold
    (it would become infinity in the cast, silently)."""
    if array.dtype.kind != "f" or array.dtype.itemsize <= 4 or array.size == 0:
        return
    low, high = float(array.min()), float(array.max())  # NaN spreads to both
    if not (np.isfinite(low) and np.isfinite(high)):
        check_finite(name, array)
    if max(high, -low) > FLOAT32_MAX:
        index = tuple(int(i) for i in np.argwhere(np.abs(array) > FLOAT32_MAX)[0])
        raise ValueError(
            f"{name} holds {float(array[index]):.4g} (at index {index}), beyond float32's "
            f"range of ±{FLOAT32_MAX:.3g} that glassnet computes in: scale the values first."
        )


def as_float32(name: str, values: Any, allow_empty: bool = False) -> np.ndarray:
    """`values` as a float32 array, or a TypeError (complex, object, text) or ValueError
    (NaN, infinity, beyond float32's range) naming `name`.

    >>> as_float32("weights[0]", [1e300])
    Traceback (most recent call last):
    ValueError: weights[0] holds 1e+300 (at index (0,)), beyond float32's range of ...
    """
    array = _asarray(name, values)
    _check_float32_range(name, array)
    return as_float_array(name, array, dtype=DTYPE, allow_empty=allow_empty)


def as_input(model: Any, x: Any, name: str) -> np.ndarray:
    """`x` as the model's input array: integer images kept for per-batch casting, else float32."""
    if x is None:
        raise ValueError(f"{name} is required: pass the input samples as an array.")
    array = _asarray(name, x)
    if array.dtype.kind in "biu" and array.ndim >= 1:
        if array.size == 0:
            raise ValueError(f"{name} is empty (shape {array.shape}).")
        return array
    shape = model.input_sample_shape
    if array.ndim == 1 and shape is not None and len(shape) >= 1 and array.dtype.kind in "f":
        size = int(np.prod(shape))
        if array.size % size:
            raise ValueError(
                f"{name} has {array.size} values, which is not a whole number of samples "
                f"shaped {tuple(shape)}."
            )
        array = array.reshape(-1, *shape)
    return as_float32(name, array)


def as_targets(model: Any, y: Any, name: str, n: int) -> np.ndarray:
    """`y` checked against the model's outputs by its loss."""
    if y is None:
        raise ValueError(f"{name} is required: pass the targets (labels) as an array.")
    y = _asarray(name, y)
    if y.dtype.kind == "f":
        as_float32(name, y)
    elif y.dtype.kind not in "biu":
        raise TypeError(f"{name} must be numeric, got dtype {y.dtype}.")
    result: np.ndarray = model.loss.check_targets(y, (len(y), *model.output_sample_shape))
    return result


def validation_arrays(model: Any, data: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """`validation_data` as checked (x_val, y_val) arrays."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValueError(
            f"validation_data must be (x_val, y_val) or [x_val, y_val], got {describe(data)}."
        )
    x_val = as_input(model, data[0], "validation_data x")
    model._ensure_built(x_val)
    y_val = as_targets(model, data[1], "validation_data y", len(x_val))
    check_same_length("validation_data x", x_val, "validation_data y", y_val)
    return x_val, y_val


def sample_weights(
    y: np.ndarray, class_weight: dict[int, float] | None, sample_weight: Any, n: int
) -> np.ndarray | None:
    """One weight per sample from `sample_weight` and `class_weight` (None when neither)."""
    weights = None
    if sample_weight is not None:
        weights = as_float_array("sample_weight", sample_weight, ndim=1)
        check_same_length("sample_weight", weights, "y", y)
    if class_weight is not None:
        if not isinstance(class_weight, dict):
            raise TypeError(
                f"class_weight must be a dict class -> weight, got {describe(class_weight)}."
            )
        labels = (
            y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(n).astype(np.intp)
        )
        table = np.ones(int(labels.max()) + 1)
        for label, weight in class_weight.items():
            if 0 <= int(label) < len(table):
                table[int(label)] = check_number(f"class_weight[{label}]", weight, 0)
        per_class = table[labels]
        weights = per_class if weights is None else weights * per_class
    return weights


def split_validation(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None,
    validation_data: Sequence[Any] | None,
    validation_split: float,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray | None], tuple[np.ndarray, np.ndarray] | None]:
    """((x, y, weights) to train on, (x_val, y_val) or None), as `fit` was asked.

    `validation_data` wins over `validation_split`, which takes the last fraction of the
    samples before shuffling, as Keras does.
    """
    if validation_data is not None:
        return (x, y, weights), validation_arrays(model, validation_data)
    if validation_split <= 0:
        return (x, y, weights), None
    cut = int(len(x) * (1 - validation_split))
    if cut == 0 or cut == len(x):
        raise ValueError(
            f"validation_split={validation_split} leaves {cut} training and "
            f"{len(x) - cut} validation samples of {len(x)}: both must be >= 1."
        )
    train_weights = None if weights is None else weights[:cut]
    return (x[:cut], y[:cut], train_weights), (x[cut:], y[cut:])
