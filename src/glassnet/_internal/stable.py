"""The stable forms of sigmoid, softmax and the cross-entropies: one copy, shared by the
activations and losses of the engine and by the metrics below it.

Every function works on arrays of any shape (softmax on the last axis), keeps the float
dtype it is given and neither overflows nor warns for any finite input: exp is only taken
of numbers <= 0, and its underflow to 0 is the right answer, so it is not reported even
under `np.errstate(all="raise")`.

>>> import numpy as np
>>> binary_crossentropy(np.array([1.0]), np.array([0.0]), from_logits=True).round(4)  # log 2
array([0.6931])
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "EPSILON",
    "as_float",
    "binary_crossentropy",
    "categorical_crossentropy",
    "log_softmax",
    "sigmoid",
    "softmax",
    "sparse_categorical_crossentropy",
]

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before a log, as Keras does.
EPSILON = 1e-7


def as_float(z: Any) -> np.ndarray:
    """`z` as an array, integers converted to float64, floats kept in their dtype."""
    z = np.asarray(z)
    result: np.ndarray = z if z.dtype.kind == "f" else z.astype(np.float64)
    return result


def sigmoid(z: Any, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), without overflow for any z.

    Args:
        z: an array of any shape (integers are converted to float64).
        out: optional array to write the result into (may be `z` itself).

    Returns:
        An array shaped like `z`, in `z`'s float dtype, with values in [0, 1].

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = as_float(z)
    # exp(-|z|) never overflows; the two branches are the same function.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    result: np.ndarray = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(
        z.dtype, copy=False
    )
    if out is None:
        return result
    np.copyto(out, result)
    return out


def softmax(z: Any, out: np.ndarray | None = None) -> np.ndarray:
    """exp(z_i - max z) / sum_j exp(z_j - max z) over the last axis, without overflow.

    Subtracting the largest z changes nothing mathematically and keeps every exponent
    <= 0, so nothing overflows; an exponent far below 0 rounds to a probability of 0.

    Args:
        z: scores shaped (..., classes).
        out: optional array to write the result into (may be `z` itself).

    Returns:
        Probabilities shaped like `z`; each row sums to 1.

    >>> softmax(np.array([[0.0, 0.0], [1000.0, -1000.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = as_float(z)
    shifted = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    with np.errstate(under="ignore"):  # exp of a very negative shift is 0: correct
        np.exp(shifted, out=shifted)
        shifted /= shifted.sum(axis=-1, keepdims=True)
    result: np.ndarray = shifted
    return result


def log_softmax(z: Any) -> np.ndarray:
    """log(softmax(z)) over the last axis: z - max z - log(sum exp(z - max z)).

    Finite for any finite logits (log of softmax would give -inf where softmax rounds to 0).

    >>> log_softmax(np.array([[0.0, 0.0], [100.0, 0.0]])).round(4)
    array([[  -0.6931,   -0.6931],
           [   0.    , -100.    ]])
    """
    shifted = as_float(z) - np.max(z, axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        result: np.ndarray = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return result


def binary_crossentropy(y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool) -> np.ndarray:
    """-(y log p + (1 - y) log(1 - p)) element by element, shaped like `y_pred`.

    From logits z (p = sigmoid(z)): max(z, 0) - z y + log(1 + exp(-|z|)), exact for any z.
    From probabilities, p is clipped to [EPSILON, 1 - EPSILON] first, as Keras does.

    >>> binary_crossentropy(np.array([0.0, 1.0]), np.array([0.5, 0.5]), False).round(4)
    array([0.6931, 0.6931])
    """
    if from_logits:
        z = y_pred
        with np.errstate(under="ignore"):  # exp(-|z|) of a huge logit is 0: correct
            result: np.ndarray = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
            return result
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    result = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return result


def categorical_crossentropy(
    y_true: np.ndarray, y_pred: np.ndarray, from_logits: bool
) -> np.ndarray:
    """-sum_k y_k log p_k over the last axis, for one-hot (or soft) targets; shape (N,).

    From logits, log p is `log_softmax(z)`; from probabilities, p is clipped to
    [EPSILON, 1 - EPSILON].

    >>> categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]]), True).round(4)
    array([0.6931])
    """
    log_p = log_softmax(y_pred) if from_logits else np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
    result: np.ndarray = -(y_true * log_p).sum(axis=-1)
    return result


def sparse_categorical_crossentropy(
    labels: np.ndarray, y_pred: np.ndarray, from_logits: bool
) -> np.ndarray:
    """-log p_y for integer `labels` (N,) and predictions (N, C); shape (N,).

    >>> sparse_categorical_crossentropy(np.array([1]), np.array([[0.25, 0.75]]), False).round(4)
    array([0.2877])
    """
    rows = np.arange(len(labels))
    if from_logits:
        result: np.ndarray = -log_softmax(y_pred)[rows, labels]
        return result
    result = -np.log(np.clip(y_pred[rows, labels], EPSILON, 1 - EPSILON))
    return result
