"""Metrics that can't mislead: accuracy always comes with its baseline.

The lecture's warning: on 90 cats and 10 dogs, a model that answers "cat" every
time scores 90 % accuracy and has learned nothing. So besides the usual metrics
(accuracy, top-k accuracy, confusion matrix, precision / recall / F1, MSE, MAE,
R^2), every accuracy glassnet reports is shown beside the *majority-class
baseline* (the accuracy of always predicting the most frequent class) and the
*balanced accuracy* (the mean recall over the classes), with a warning when the
two tell different stories.

Conventions, as scikit-learn's:
- the confusion matrix has true classes as rows and predicted classes as columns;
- a value that is undefined (precision of a class that was never predicted, recall
  of a class with no true samples) is NaN, never a silent 0; macro and weighted
  averages use the defined values only (scikit-learn's ``zero_division=np.nan``);
- F1 is ``2 tp / (2 tp + fp + fn)``, so it is 0, not undefined, for a class that
  exists but is never predicted.

`y_pred` may be class labels, a score or probability matrix of shape
(n_samples, n_classes) (its argmax is used) or a column (n_samples, 1) of
binary probabilities (thresholded at 0.5, as Keras's binary accuracy).

>>> y_true = [0] * 9 + [1]
>>> y_pred = [0] * 10
>>> print(accuracy_summary(y_true, y_pred).text)
accuracy 0.900 (baseline 0.900, balanced 0.500) ⚠ near baseline; imbalanced 9.0:1
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_int, check_one_of, check_same_length
from glassnet._internal.numbers import UNDEFINED, fixed

__all__ = [
    "IMBALANCE_RATIO",
    "NEAR_BASELINE_POINTS",
    "AccuracySummary",
    "ClassificationReport",
    "accuracy",
    "accuracy_summary",
    "balanced_accuracy",
    "baseline_accuracy",
    "classification_report",
    "confusion_matrix",
    "f1",
    "majority_class_baseline",
    "mean_absolute_error",
    "mean_squared_error",
    "precision",
    "r2_score",
    "recall",
    "top_k_accuracy",
]

# Accuracy this close to the majority-class baseline (2 percentage points) is no
# evidence that the model learned anything: on a test set of a few hundred samples,
# two points is within the noise of which samples happened to be drawn.
NEAR_BASELINE_POINTS = 0.02

# Classes are "imbalanced" when the most frequent class has more than twice the
# samples of the least frequent one (the wording datasets.describe() uses too):
# from there on, accuracy is dominated by the large class.
IMBALANCE_RATIO = 2.0


# --------------------------------------------------------------------------- inputs


def _as_labels(name: str, values: Any, *, scores_allowed: bool) -> np.ndarray:
    """Class labels as int64 of shape (n,), from labels, one-hot rows or scores."""
    array = as_float_array(name, values, ndim=(1, 2))
    if array.ndim == 2:
        if array.shape[1] > 1:
            return np.argmax(array, axis=1).astype(np.int64)  # one-hot or scores
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


def _label_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = _as_labels("y_true", y_true, scores_allowed=False)
    pred = _as_labels("y_pred", y_pred, scores_allowed=True)
    check_same_length("y_true", true, "y_pred", pred)
    return true, pred


def _class_labels(
    true: np.ndarray, pred: np.ndarray, n_classes: int | None, labels: Any
) -> np.ndarray:
    """The sorted class labels the per-class metrics are computed for."""
    if n_classes is not None and labels is not None:
        raise ValueError("Pass n_classes or labels, not both.")
    if n_classes is not None:
        classes = np.arange(check_int("n_classes", n_classes, minimum=1))
    elif labels is not None:
        given = _as_labels("labels", labels, scores_allowed=False)
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


def _average(values: np.ndarray, support: np.ndarray, average: str | None) -> Any:
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
    true, pred = _label_pair(y_true, y_pred)
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
    true = _as_labels("y_true", y_true, scores_allowed=False)
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
    true, pred = _label_pair(y_true, y_pred)
    classes = _class_labels(true, pred, n_classes, labels)
    return _confusion(true, pred, classes)


def _confusion(true: np.ndarray, pred: np.ndarray, classes: np.ndarray) -> np.ndarray:
    k = len(classes)
    rows = np.searchsorted(classes, true)  # (n,) index of each true class
    cols = np.searchsorted(classes, pred)
    return np.bincount(rows * k + cols, minlength=k * k).reshape(k, k).astype(np.int64)


def _per_class(true: np.ndarray, pred: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
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
    true, pred = _label_pair(y_true, y_pred)
    classes = _class_labels(true, pred, n_classes, labels)
    stats = _per_class(true, pred, classes)
    return _average(stats[which], stats["support"], average)


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
    return _prf("precision", y_true, y_pred, average, n_classes, labels)


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
    return _prf("recall", y_true, y_pred, average, n_classes, labels)


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
    return _prf("f1", y_true, y_pred, average, n_classes, labels)


def balanced_accuracy(y_true: Any, y_pred: Any) -> float:
    """The mean recall over the classes present in y_true.

    A classifier that always predicts one class gets 1 / n_classes however
    imbalanced the data; a perfect one gets 1. Predictions of a class absent from
    y_true count as errors (as scikit-learn).

    >>> balanced_accuracy([0] * 9 + [1], [0] * 10)  # recalls 1 and 0
    0.5
    """
    true, pred = _label_pair(y_true, y_pred)
    classes, index, counts = np.unique(true, return_inverse=True, return_counts=True)
    hits = np.bincount(index, weights=(true == pred), minlength=len(classes))  # (k,)
    return float(np.mean(hits / counts))


def majority_class_baseline(y_true: Any) -> float:
    """The accuracy of always predicting the most frequent class of y_true.

    Any accuracy must beat this to mean something: 0.9 on 90 cats and 10 dogs.

    >>> majority_class_baseline([0] * 90 + [1] * 10)
    0.9
    """
    true = _as_labels("y_true", y_true, scores_allowed=False)
    _, counts = np.unique(true, return_counts=True)
    return float(counts.max() / len(true))


baseline_accuracy = majority_class_baseline


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


# -------------------------------------------------------------- accuracy summary


@dataclass(frozen=True)
class AccuracySummary:
    """Accuracy with the numbers that keep it honest, and the warnings they raise.

    Attributes:
        accuracy: fraction of correct predictions.
        baseline: accuracy of always predicting `majority_class`.
        balanced_accuracy: mean recall over the classes of y_true.
        majority_class: the most frequent true class (its name if names were given).
        class_counts: true class (or name) -> number of samples.
        warnings: full sentences, empty when accuracy can be taken at face value.
        flags: the same warnings in a few words, for one-line displays.

    >>> s = accuracy_summary([0, 1, 1, 0], [0, 1, 1, 1])
    >>> s.accuracy, s.baseline, s.warnings
    (0.75, 0.5, ())
    """

    accuracy: float
    baseline: float
    balanced_accuracy: float
    majority_class: Any
    class_counts: dict[Any, int]
    warnings: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=(), repr=False)

    @property
    def imbalance_ratio(self) -> float:
        """Samples of the largest class / samples of the smallest class in y_true."""
        counts = list(self.class_counts.values())
        return max(counts) / min(counts)

    @property
    def imbalanced(self) -> bool:
        """True when the largest class has more than IMBALANCE_RATIO x the smallest."""
        return self.imbalance_ratio > IMBALANCE_RATIO

    @property
    def text(self) -> str:
        """One line: accuracy beside the baseline and balanced accuracy, and any flags."""
        line = (
            f"accuracy {self.accuracy:.3f} (baseline {self.baseline:.3f}, "
            f"balanced {self.balanced_accuracy:.3f})"
        )
        return line + (" ⚠ " + "; ".join(self.flags) if self.flags else "")

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "accuracy": self.accuracy,
            "baseline": self.baseline,
            "balanced_accuracy": self.balanced_accuracy,
            "majority_class": _plain(self.majority_class),
            "class_counts": {str(k): v for k, v in self.class_counts.items()},
            "imbalanced": self.imbalanced,
            "warnings": list(self.warnings),
            "text": self.text,
        }


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _check_class_names(class_names: Any) -> list[str] | None:
    if class_names is None:
        return None
    if isinstance(class_names, str) or not isinstance(class_names, Sequence | np.ndarray):
        raise TypeError(f"class_names must be a list of names, got {class_names!r}.")
    return [str(name) for name in class_names]


def _names_by_index(true: np.ndarray, class_names: list[str] | None) -> dict[int, Any]:
    """label -> name for labels 0 .. len(class_names)-1, checking y_true fits."""
    if class_names is None:
        return {}
    outside = true[(true < 0) | (true >= len(class_names))]
    if len(outside):
        raise ValueError(
            f"class_names has {len(class_names)} names (labels 0 .. {len(class_names) - 1}) "
            f"but y_true holds label {int(outside[0])}; give one name per label."
        )
    return dict(enumerate(class_names))


def _summary(true: np.ndarray, pred: np.ndarray, name_of: dict[int, Any]) -> AccuracySummary:
    """The AccuracySummary of label arrays; `name_of` maps labels to names."""
    classes, index, counts = np.unique(true, return_inverse=True, return_counts=True)
    names = [name_of.get(c, c) for c in classes.tolist()]
    acc = float(np.mean(true == pred))
    hits = np.bincount(index, weights=(true == pred), minlength=len(classes))
    balanced = float(np.mean(hits / counts))
    top = int(np.argmax(counts))
    baseline = float(counts[top] / len(true))
    majority = names[top]
    warnings: list[str] = []
    flags: list[str] = []
    if len(classes) == 1:
        warnings.append(
            f"y_true holds a single class ({majority!r}): accuracy can't tell a model "
            "from a constant guess; evaluate on data with every class."
        )
        flags.append("single class")
    elif acc < baseline - NEAR_BASELINE_POINTS:
        warnings.append(
            f"accuracy {acc:.3f} is below the majority-class baseline {baseline:.3f}: "
            f"always predicting {majority!r} would do better."
        )
        flags.append("below baseline")
    elif acc <= baseline + NEAR_BASELINE_POINTS + 1e-12:
        warnings.append(
            f"accuracy {acc:.3f} is within {NEAR_BASELINE_POINTS * 100:.0f} points of the "
            f"majority-class baseline {baseline:.3f} (always predicting {majority!r}): "
            f"the model may have learned little; read the balanced accuracy "
            f"({balanced:.3f}) and the recall of each class."
        )
        flags.append("near baseline")
    ratio = counts.max() / counts.min()
    if ratio > IMBALANCE_RATIO:
        small = names[int(np.argmin(counts))]
        warnings.append(
            f"classes are imbalanced: {majority!r} has {counts.max()} samples, {small!r} "
            f"only {counts.min()} ({ratio:.1f}x); accuracy is dominated by the large "
            f"class, so trust the balanced accuracy ({balanced:.3f})."
        )
        flags.append(f"imbalanced {ratio:.1f}:1")
    return AccuracySummary(
        accuracy=acc,
        baseline=baseline,
        balanced_accuracy=balanced,
        majority_class=majority,
        class_counts={name: int(c) for name, c in zip(names, counts, strict=True)},
        warnings=tuple(warnings),
        flags=tuple(flags),
    )


def accuracy_summary(
    y_true: Any, y_pred: Any, class_names: Sequence[str] | None = None
) -> AccuracySummary:
    """Accuracy beside the majority-class baseline and balanced accuracy, with warnings.

    Warns when accuracy is within NEAR_BASELINE_POINTS (2 points) of the baseline
    or below it, and when the classes are imbalanced (largest > 2x smallest).

    Args:
        y_true: true labels, shape (n_samples,).
        y_pred: predicted labels or scores (argmax).
        class_names: optional names for labels 0 .. n_classes-1.

    Returns:
        An `AccuracySummary`; `str()` of it is a one-line text.

    >>> s = accuracy_summary([0] * 9 + [1], [0] * 10, class_names=["cat", "dog"])
    >>> s.baseline, s.balanced_accuracy, s.majority_class
    (0.9, 0.5, 'cat')
    >>> len(s.warnings)
    2
    """
    true, pred = _label_pair(y_true, y_pred)
    return _summary(true, pred, _names_by_index(true, _check_class_names(class_names)))


# ------------------------------------------------------------ classification report


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


class ClassificationReport:
    """Per-class precision, recall, F1 and support, averages, and accuracy in context.

    Prints as a text table (`print(report)`), renders as an HTML table in a notebook
    and converts with `to_dict()`. Undefined values print as "—" and are explained
    under the table; in `to_dict()` they are None (JSON has no NaN).

    Build one with `classification_report`.

    Attributes:
        names: class names (or labels), one per row.
        precision, recall, f1: arrays of shape (n_classes,), NaN where undefined.
        support: true samples per class.
        macro, weighted: dicts of averaged precision, recall and f1.
        summary: the `AccuracySummary` (accuracy, baseline, balanced accuracy, warnings).
        matrix: the confusion matrix (rows true, columns predicted).
        undefined: sentences naming each undefined value and why.
    """

    def __init__(
        self,
        classes: np.ndarray,
        names: list[Any],
        stats: dict[str, np.ndarray],
        summary: AccuracySummary,
        digits: int = 3,
    ) -> None:
        self.classes = classes
        self.names = names
        self.precision = stats["precision"]
        self.recall = stats["recall"]
        self.f1 = stats["f1"]
        self.support = stats["support"]
        self.matrix = stats["matrix"]
        self.summary = summary
        self.digits = digits
        self.macro = {
            m: _average(stats[m], self.support, "macro") for m in ("precision", "recall", "f1")
        }
        self.weighted = {
            m: _average(stats[m], self.support, "weighted") for m in ("precision", "recall", "f1")
        }
        self.undefined = self._undefined_notes()

    def _undefined_notes(self) -> list[str]:
        notes = []
        for name, p, r, f in zip(self.names, self.precision, self.recall, self.f1, strict=True):
            if math.isnan(f):
                notes.append(f"{name!r}: precision, recall and F1 (not in y_true, never predicted)")
            elif math.isnan(p):
                notes.append(f"precision of {name!r} (never predicted)")
            elif math.isnan(r):
                notes.append(f"recall of {name!r} (no true samples)")
        return notes

    def _rows(self) -> list[tuple[str, list[str], str]]:
        d = self.digits
        rows = [
            (str(name), [fixed(p, d), fixed(r, d), fixed(f, d)], str(int(s)))
            for name, p, r, f, s in zip(
                self.names, self.precision, self.recall, self.f1, self.support, strict=True
            )
        ]
        total = str(int(self.support.sum()))
        for label, avg in (("macro avg", self.macro), ("weighted avg", self.weighted)):
            rows.append((label, [fixed(avg[m], d) for m in ("precision", "recall", "f1")], total))
        return rows

    def _context_line(self) -> str:
        s = self.summary
        return (
            f"accuracy {s.accuracy:.{self.digits}f}   baseline {s.baseline:.{self.digits}f} "
            f"(always {s.majority_class!r})   balanced accuracy "
            f"{s.balanced_accuracy:.{self.digits}f}"
        )

    def __str__(self) -> str:
        rows = self._rows()
        width = max(12, *(len(r[0]) for r in rows))
        header = f"{'':<{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>7}"
        lines = [header]
        n_classes = len(self.names)
        for i, (label, values, support) in enumerate(rows):
            if i == n_classes:
                lines.append("")
            cells = "  ".join(f"{v:>9}" for v in values)
            lines.append(f"{label:<{width}}  {cells}  {support:>7}")
        lines += ["", self._context_line()]
        lines += [f"⚠ {w}" for w in self.summary.warnings]
        if self.undefined:
            lines.append(
                f"{UNDEFINED} undefined: "
                + "; ".join(self.undefined)
                + ". Averages use the defined values only."
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{h}</th>" for h in ("", "precision", "recall", "f1-score", "support"))
        body = []
        for label, values, support in self._rows():
            cells = "".join(f"<td style='text-align:right'>{esc(v)}</td>" for v in values)
            body.append(
                f"<tr><th style='text-align:left'>{esc(label)}</th>{cells}"
                f"<td style='text-align:right'>{support}</td></tr>"
            )
        notes = "".join(f"<p style='color:#b45309'>⚠ {esc(w)}</p>" for w in self.summary.warnings)
        if self.undefined:
            notes += (
                f"<p>{UNDEFINED} undefined: {esc('; '.join(self.undefined))}. "
                "Averages use the defined values only.</p>"
            )
        return (
            "<div class='glassnet-report'><table>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<p><b>{esc(self._context_line())}</b></p>{notes}</div>"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (undefined -> None), ready for JSON."""
        classes = {
            str(name): {
                "label": int(label),
                "precision": _none_if_nan(p),
                "recall": _none_if_nan(r),
                "f1": _none_if_nan(f),
                "support": int(s),
            }
            for name, label, p, r, f, s in zip(
                self.names,
                self.classes,
                self.precision,
                self.recall,
                self.f1,
                self.support,
                strict=True,
            )
        }
        summary = self.summary.to_dict()
        return {
            "classes": classes,
            "macro avg": {k: _none_if_nan(v) for k, v in self.macro.items()},
            "weighted avg": {k: _none_if_nan(v) for k, v in self.weighted.items()},
            "accuracy": summary["accuracy"],
            "baseline": summary["baseline"],
            "balanced_accuracy": summary["balanced_accuracy"],
            "majority_class": summary["majority_class"],
            "warnings": summary["warnings"],
            "undefined": list(self.undefined),
            "confusion_matrix": self.matrix.tolist(),
        }


def classification_report(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    n_classes: int | None = None,
    labels: Any = None,
    digits: int = 3,
) -> ClassificationReport:
    """Precision, recall, F1 and support per class, with accuracy never shown alone.

    Args:
        y_true: true labels, shape (n_samples,).
        y_pred: predicted labels or scores (argmax).
        class_names: names for labels 0 .. len(class_names)-1; every named class
            gets a row, even one absent from the data.
        n_classes: classes 0 .. n_classes-1 (default: the names, else those seen).
        labels: or the exact class labels to report.
        digits: decimals shown.

    Returns:
        A `ClassificationReport`: `print()` it, show it in a notebook, or `to_dict()`.

    >>> report = classification_report([0] * 9 + [1], [0] * 10, class_names=["cat", "dog"])
    >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
                  precision     recall   f1-score  support
    cat               0.900      1.000      0.947        9
    dog                   —      0.000      0.000        1
    <BLANKLINE>
    macro avg         0.900      0.500      0.474       10
    weighted avg      0.900      0.900      0.853       10
    <BLANKLINE>
    accuracy 0.900   baseline 0.900 (always 'cat')   balanced accuracy 0.500
    ⚠ accuracy 0.900 is within 2 points of the majority-class baseline 0.900 (always predicting 'cat'): the model may have learned little; read the balanced accuracy (0.500) and the recall of each class.
    ⚠ classes are imbalanced: 'cat' has 9 samples, 'dog' only 1 (9.0x); accuracy is dominated by the large class, so trust the balanced accuracy (0.500).
    — undefined: precision of 'dog' (never predicted). Averages use the defined values only.
    """  # noqa: E501
    names_given = _check_class_names(class_names)
    digits = check_int("digits", digits, minimum=0)
    true, pred = _label_pair(y_true, y_pred)
    if names_given is not None and n_classes is None and labels is None:
        n_classes = len(names_given)
    classes = _class_labels(true, pred, n_classes, labels)
    name_of: dict[int, Any] = {}
    if names_given is not None:
        # names follow `labels` in the order given, else label i is class_names[i]
        order = (
            classes.tolist()
            if labels is None
            else _as_labels("labels", labels, scores_allowed=False)
        )
        if len(names_given) != len(order):
            raise ValueError(
                f"class_names has {len(names_given)} names for {len(order)} classes; "
                "give one name per class."
            )
        name_of = dict(zip(np.asarray(order).tolist(), names_given, strict=True))
    names = [name_of.get(c, c) for c in classes.tolist()]
    stats = _per_class(true, pred, classes)
    return ClassificationReport(classes, names, stats, _summary(true, pred, name_of), digits)
