"""Accuracy in context: the majority-class baseline, balanced accuracy, the imbalance rule
and `AccuracySummary`, which puts them beside every accuracy glassnet reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal import html
from glassnet._internal.jsonable import jsonable
from glassnet.metrics._scores import as_labels, label_pair

# Accuracy this close to the majority-class baseline (2 percentage points) is no
# evidence that the model learned anything: on a test set of a few hundred samples,
# two points is within the noise of which samples happened to be drawn.
NEAR_BASELINE_POINTS = 0.02

# Classes are "imbalanced" when the most frequent class has more than twice the
# samples of the least frequent one: from there on, accuracy is dominated by the large
# class. `datasets.describe` and the doctor warn by the same rule, `is_imbalanced`.
IMBALANCE_RATIO = 2.0


# ------------------------------------------------------ the baseline and the balance


def baseline_from_counts(counts: Any) -> float:
    """The majority-class baseline from the samples per class: the largest count / all.

    This is the one definition of the baseline; `majority_class_baseline` counts the
    labels first.

    >>> baseline_from_counts([90, 10])
    0.9
    """
    counts = np.asarray(counts)
    return float(counts.max() / counts.sum())


def imbalance_ratio(counts: Any) -> float:
    """Samples of the largest class / samples of the smallest one.

    >>> imbalance_ratio([90, 10])
    9.0
    """
    counts = np.asarray(counts)
    return float(counts.max() / counts.min())


def is_imbalanced(counts: Any) -> bool:
    """True when the largest class has more than IMBALANCE_RATIO (2) x the smallest's samples.

    >>> is_imbalanced([90, 10]), is_imbalanced([60, 40]), is_imbalanced([5])
    (True, False, False)
    """
    return imbalance_ratio(counts) > IMBALANCE_RATIO


def _recalls(true: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The classes of `true`, their sample counts, and the mean recall over them."""
    classes, index, counts = np.unique(true, return_inverse=True, return_counts=True)
    hits = np.bincount(index, weights=(true == pred), minlength=len(classes))  # (k,)
    return classes, counts, float(np.mean(hits / counts))


def balanced_accuracy(y_true: Any, y_pred: Any) -> float:
    """The mean recall over the classes present in y_true.

    A classifier that always predicts one class gets 1 / n_classes however
    imbalanced the data; a perfect one gets 1. Predictions of a class absent from
    y_true count as errors (as scikit-learn).

    >>> balanced_accuracy([0] * 9 + [1], [0] * 10)  # recalls 1 and 0
    0.5
    """
    return _recalls(*label_pair(y_true, y_pred))[2]


def majority_class_baseline(y_true: Any) -> float:
    """The accuracy of always predicting the most frequent class of y_true.

    Any accuracy must beat this to mean something: 0.9 on 90 cats and 10 dogs.

    >>> majority_class_baseline([0] * 90 + [1] * 10)
    0.9
    """
    true = as_labels("y_true", y_true, scores_allowed=False)
    return baseline_from_counts(np.unique(true, return_counts=True)[1])


baseline_accuracy = majority_class_baseline


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
        return imbalance_ratio(list(self.class_counts.values()))

    @property
    def imbalanced(self) -> bool:
        """True when the largest class has more than IMBALANCE_RATIO x the smallest."""
        return is_imbalanced(list(self.class_counts.values()))

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

    def __repr__(self) -> str:
        return "\n".join([f"AccuracySummary: {self.text}", *(f"  ⚠ {w}" for w in self.warnings)])

    def _repr_html_(self) -> str:
        rows = [
            ["accuracy", f"{self.accuracy:.3f}"],
            [f"baseline (always {self.majority_class!s})", f"{self.baseline:.3f}"],
            ["balanced accuracy", f"{self.balanced_accuracy:.3f}"],
        ]
        counts = html.table(["class", "samples"], self.class_counts.items())
        notes = [html.note(f"⚠ {w}") for w in self.warnings] or [html.note("✓ no warning", "ok")]
        return html.card("Accuracy summary", html.table(None, rows, right=[1]), counts, *notes)

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "accuracy": self.accuracy,
            "baseline": self.baseline,
            "balanced_accuracy": self.balanced_accuracy,
            "majority_class": jsonable(self.majority_class),
            "class_counts": {str(k): v for k, v in self.class_counts.items()},
            "imbalanced": self.imbalanced,
            "warnings": list(self.warnings),
            "text": self.text,
        }


def check_class_names(class_names: Any) -> list[str] | None:
    """`class_names` as a list of str (None stays None), or raise TypeError."""
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


def summarize(true: np.ndarray, pred: np.ndarray, name_of: dict[int, Any]) -> AccuracySummary:
    """The AccuracySummary of label arrays; `name_of` maps labels to names."""
    classes, counts, balanced = _recalls(true, pred)
    names = [name_of.get(c, c) for c in classes.tolist()]
    acc = float(np.mean(true == pred))
    baseline = baseline_from_counts(counts)
    majority = names[int(np.argmax(counts))]
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
    if is_imbalanced(counts):
        ratio = imbalance_ratio(counts)
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
    true, pred = label_pair(y_true, y_pred)
    return summarize(true, pred, _names_by_index(true, check_class_names(class_names)))
