"""The scores: accuracy, top-k accuracy, the confusion matrix, precision, recall, F1 and the
regression errors, with the label checks and averages they share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_int, check_one_of, check_same_length

# --------------------------------------------------------------------------- inputs


def as_labels(name: str, values: Any, *, scores_allowed: bool) -> np.ndarray:
    """Class labels as int64 of shape (n,), from labels, one-hot rows or scores."""
    array = as_float_array(name, values, ndim=(1, 2))
    if array.ndim == 2:
        if array.shape[1] > 1:
            result: np.ndarray = np.argmax(array, axis=1).astype(np.int64)  # one-hot or scores
            return result
        column = array[:, 0]
        if scores_allowed and not np.array_equal(column, np.round(column)):
            return (column > 0.5).astype(np.int64)  # binary probabilities, as Keras
        array = column
    if not np.array_equal(array, np.round(array)):
        bad = array[array != np.round(array)][0]
        hint = (
            " Pass probabilities as a 2-D array (n_samples, n_classes) to use their argmax, "
            "or as (n_samples, 1) for binary probabilities thresholded at 0.5."
            if scores_allowed
            else ""
        )
        raise ValueError(
            f"{name} must hold integer class labels, got the non-integer value {bad}.{hint}"
        )
    return array.astype(np.int64)


def label_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = as_labels("y_true", y_true, scores_allowed=False)
    pred = as_labels("y_pred", y_pred, scores_allowed=True)
    check_same_length("y_true", true, "y_pred", pred)
    return true, pred


def class_labels(
    true: np.ndarray, pred: np.ndarray, n_classes: int | None, labels: Any
) -> np.ndarray:
    """The sorted class labels the per-class metrics are computed for."""
    if n_classes is not None and labels is not None:
        raise ValueError("Pass n_classes or labels, not both.")
    if n_classes is not None:
        classes = np.arange(check_int("n_classes", n_classes, minimum=1))
    elif labels is not None:
        given = as_labels("labels", labels, scores_allowed=False)
        classes = np.unique(given)
        if len(classes) != len(given):
            raise ValueError(f"labels must not repeat a class, got {given.tolist()}.")
    else:
        return np.union1d(true, pred)
    for name, values in (("y_true", true), ("y_pred", pred)):
        unknown = np.setdiff1d(values, classes)
        if len(unknown):
            raise ValueError(
                f"{name} holds label(s) {unknown[:5].tolist()} outside the classes "
                f"{_short_list(classes)}; widen n_classes / labels or fix the labels."
            )
    return classes


def _short_list(values: np.ndarray) -> str:
    items = values.tolist()
    return str(items) if len(items) <= 10 else f"[{items[0]}, ..., {items[-1]}]"


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (no warning raised)."""
    out = np.full(np.shape(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def average_over_classes(values: np.ndarray, support: np.ndarray, average: str | None) -> Any:
    """Per-class values, or their macro / weighted average over the defined ones."""
    if average is None:
        return values
    check_one_of("average", average, ["macro", "weighted"])
    defined = ~np.isnan(values)
    weights = np.ones_like(values) if average == "macro" else support.astype(np.float64)
    total = weights[defined].sum()
    if total == 0:
        return math.nan
    return float((values[defined] * weights[defined]).sum() / total)


# ------------------------------------------------------------------ classification


def accuracy(y_true: Any, y_pred: Any) -> float:
    """The fraction of samples whose predicted class is the true class.

    Args:
        y_true: true class labels, shape (n_samples,) (or one-hot rows).
        y_pred: predicted labels, or scores / probabilities of shape
            (n_samples, n_classes), whose argmax is taken.

    Returns:
        correct / total, in [0, 1]. Read it beside `majority_class_baseline`.

    Raises:
        ValueError: empty inputs, NaN, different lengths or non-integer labels.

    >>> accuracy([1, 1, 0, 0], [1, 0, 0, 0])
    0.75
    >>> accuracy([1, 0], [[0.2, 0.8], [0.9, 0.1]])
    1.0
    """
    true, pred = label_pair(y_true, y_pred)
    return float(np.mean(true == pred))


def top_k_accuracy(y_true: Any, scores: Any, k: int = 5) -> float:
    """The fraction of samples whose true class is among the k highest scores.

    Ties count in the sample's favour (as TensorFlow's `in_top_k`): the true class is
    a hit when fewer than `k` classes score strictly higher than it.

    Args:
        y_true: true class labels in [0, n_classes), shape (n_samples,).
        scores: scores, logits or probabilities, shape (n_samples, n_classes).
        k: how many of the best-scoring classes count (default 5, as Keras).

    Returns:
        The top-k accuracy in [0, 1]; with k = 1 it is the plain accuracy.

    >>> top_k_accuracy([2, 0], [[0.1, 0.3, 0.6], [0.2, 0.5, 0.3]], k=2)
    0.5
    """
    true = as_labels("y_true", y_true, scores_allowed=False)
    values = as_float_array("scores", scores, ndim=2)
    check_same_length("y_true", true, "scores", values)
    k = check_int("k", k, minimum=1)
    n_classes = values.shape[1]
    if true.min() < 0 or true.max() >= n_classes:
        raise ValueError(
            f"y_true must hold labels in [0, {n_classes}) to index the {n_classes} score "
            f"columns, got labels from {true.min()} to {true.max()}."
        )
    true_score = values[np.arange(len(true)), true]  # (n,)
    n_higher = (values > true_score[:, None]).sum(axis=1)  # (n,)
    return float(np.mean(n_higher < k))


def confusion_matrix(
    y_true: Any, y_pred: Any, n_classes: int | None = None, labels: Any = None
) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Row i is the true class, column j the predicted class, as scikit-learn: entry
    [i, j] counts the samples of class i predicted as class j.

    Args:
        y_true: true labels, shape (n_samples,).
        y_pred: predicted labels or scores (argmax).
        n_classes: use classes 0 .. n_classes-1 (so a class absent from both still
            gets a row and a column).
        labels: or the exact class labels, in any order (sorted in the output).
            Without either, the classes seen in y_true or y_pred are used.

    Returns:
        An int64 array of shape (n_classes, n_classes).

    Raises:
        ValueError: a label outside `n_classes` / `labels`, or both given.

    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
    array([[1, 1],
           [0, 2]])
    """
    true, pred = label_pair(y_true, y_pred)
    classes = class_labels(true, pred, n_classes, labels)
    return _confusion(true, pred, classes)


def _confusion(true: np.ndarray, pred: np.ndarray, classes: np.ndarray) -> np.ndarray:
    k = len(classes)
    rows = np.searchsorted(classes, true)  # (n,) index of each true class
    cols = np.searchsorted(classes, pred)
    return np.bincount(rows * k + cols, minlength=k * k).reshape(k, k).astype(np.int64)


def per_class(true: np.ndarray, pred: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """tp, predicted and true counts per class, and precision, recall, F1 (NaN if undefined)."""
    matrix = _confusion(true, pred, classes)
    tp = np.diag(matrix).astype(np.float64)
    predicted = matrix.sum(axis=0)  # tp + fp
    support = matrix.sum(axis=1)  # tp + fn
    return {
        "matrix": matrix,
        "support": support,
        "predicted": predicted,
        "precision": _safe_divide(tp, predicted),
        "recall": _safe_divide(tp, support),
        "f1": _safe_divide(2 * tp, predicted + support),  # 2tp / (2tp + fp + fn)
    }


def _prf(
    which: str, y_true: Any, y_pred: Any, average: str | None, n_classes: Any, labels: Any
) -> Any:
    true, pred = label_pair(y_true, y_pred)
    classes = class_labels(true, pred, n_classes, labels)
    stats = per_class(true, pred, classes)
    return average_over_classes(stats[which], stats["support"], average)


def precision(
    y_true: Any,
    y_pred: Any,
    average: str | None = None,
    n_classes: int | None = None,
    labels: Any = None,
) -> np.ndarray | float:
    """Precision per class: of the samples predicted as the class, the fraction right.

    precision = tp / (tp + fp); NaN (undefined) for a class that was never predicted.

    Args:
        y_true: true labels, shape (n_samples,).
        y_pred: predicted labels or scores (argmax).
        average: None for one value per class (sorted labels); "macro" for the
            plain mean over classes, "weighted" for the mean weighted by support;
            averages skip undefined values (NaN if none is defined).
        n_classes: classes 0 .. n_classes-1 (default: those seen).
        labels: or the exact class labels.

    Returns:
        An array of shape (n_classes,), or a float when averaged.

    >>> precision([0, 0, 1, 1], [0, 1, 1, 1])  # class 1: 2 right of 3 predicted
    array([1.        , 0.66666667])
    >>> precision([0, 1], [0, 0])  # class 1 never predicted: undefined
    array([0.5, nan])
    """
    result: np.ndarray | float = _prf("precision", y_true, y_pred, average, n_classes, labels)
    return result


def recall(
    y_true: Any,
    y_pred: Any,
    average: str | None = None,
    n_classes: int | None = None,
    labels: Any = None,
) -> np.ndarray | float:
    """Recall per class: of the samples of the class, the fraction found.

    recall = tp / (tp + fn); NaN (undefined) for a class with no true samples.
    Arguments as `precision`.

    >>> recall([0, 0, 1, 1], [0, 1, 1, 1])
    array([0.5, 1. ])
    >>> recall([0, 0, 1, 1], [0, 1, 1, 1], average="macro")
    0.75
    """
    result: np.ndarray | float = _prf("recall", y_true, y_pred, average, n_classes, labels)
    return result


def f1(
    y_true: Any,
    y_pred: Any,
    average: str | None = None,
    n_classes: int | None = None,
    labels: Any = None,
) -> np.ndarray | float:
    """F1 per class: the harmonic mean of precision and recall.

    f1 = 2 tp / (2 tp + fp + fn): 0 for a class that exists but is never predicted,
    NaN only for a class neither in y_true nor predicted. Arguments as `precision`.

    >>> f1([0, 0, 1, 1], [0, 1, 1, 1])  # class 0: 2*1/(2+0+1), class 1: 2*2/(4+1+0)
    array([0.66666667, 0.8       ])
    """
    result: np.ndarray | float = _prf("f1", y_true, y_pred, average, n_classes, labels)
    return result


# ----------------------------------------------------------------------- regression


def _regression_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = as_float_array("y_true", y_true, ndim=(1, 2))
    pred = as_float_array("y_pred", y_pred, ndim=(1, 2))
    check_same_length("y_true", true, "y_pred", pred)
    if true.ndim == 2 and true.shape[1] == 1:
        true = true[:, 0]
    if pred.ndim == 2 and pred.shape[1] == 1:
        pred = pred[:, 0]
    if true.shape != pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {true.shape} and {pred.shape}."
        )
    return true, pred


def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """mean((y_true - y_pred)^2) over all samples and outputs (no factor 1/2).

    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])  # (0 + 0 + 4) / 3
    1.3333333333333333
    """
    true, pred = _regression_pair(y_true, y_pred)
    return float(np.mean((true - pred) ** 2))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """mean(|y_true - y_pred|) over all samples and outputs.

    >>> mean_absolute_error([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])  # (1 + 0 + 2) / 3
    1.0
    """
    true, pred = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(true - pred)))


def r2_score(y_true: Any, y_pred: Any) -> float:
    """The coefficient of determination: 1 - SS_res / SS_tot, averaged over outputs.

    1 is perfect, 0 is no better than predicting the mean of y_true, and it can be
    negative. When y_true is constant (SS_tot = 0) R^2 is undefined and NaN is
    returned; scikit-learn's default replaces it with 1.0 or 0.0.

    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])  # 1 - 1 / 2
    0.5
    """
    true, pred = _regression_pair(y_true, y_pred)
    residual = np.sum((true - pred) ** 2, axis=0)  # () or (n_outputs,)
    total = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    ratio = _safe_divide(np.atleast_1d(residual), np.atleast_1d(total))
    return float(np.mean(1.0 - ratio))  # NaN stays NaN: undefined
