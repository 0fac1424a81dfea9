"""Keras's confusion-count metric objects: Precision, Recall and AUC.

They add up weighted counts of true and false positives and negatives at one or more
thresholds (a prediction above the threshold is positive; a target is positive when it is
not 0), every output of every sample counted once, as Keras does.

>>> p = Precision()
>>> p.update_state([0, 1, 1, 1], [1, 0, 1, 1])  # 3 predicted positive, 2 of them right
>>> p.result().round(4)
np.float64(0.6667)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal import stable
from glassnet._internal.checks import check_int, check_one_of, describe
from glassnet._internal.tensor import Scalar, as_scalar
from glassnet.metrics._objects import Metric, weights_per_sample

__all__ = ["AUC", "Precision", "Recall"]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (Keras's divide_no_nan)."""
    out = np.zeros(np.shape(numerator))
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


class _ConfusionCounts(Metric):
    """Weighted tp, fp, tn, fn at `self.thresholds` (an array), for the subclasses."""

    thresholds: np.ndarray
    class_id: int | None = None

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self.reset_state()

    def reset_state(self) -> None:
        k = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(k), np.zeros(k)
        self.true_negatives, self.false_negatives = np.zeros(k), np.zeros(k)

    def _scores(self, y_pred: np.ndarray) -> np.ndarray:
        return y_pred

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = stable.as_float(y_pred)
        y_true = np.asarray(y_true)
        if y_true.size != y_pred.size:
            raise ValueError(
                f"{type(self).__name__} expected targets shaped like the predictions "
                f"{y_pred.shape}, got {describe(y_true)}."
            )
        y_true = y_true.reshape(y_pred.shape)
        if self.class_id is not None:
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
        n = len(y_pred) if y_pred.ndim else 1
        weights = weights_per_sample(sample_weight, n, self.name)
        weights = np.ones(n) if weights is None else weights
        weights = np.broadcast_to(weights.reshape(n, *[1] * (y_pred.ndim - 1)), y_pred.shape)
        weights = weights.reshape(-1)
        positive = y_true.reshape(-1) != 0
        scores = self._scores(y_pred).reshape(-1)
        above = scores[None, :] > self.thresholds[:, None]  # (thresholds, values)
        w_pos, w_neg = weights * positive, weights * ~positive
        self.true_positives += above @ w_pos
        self.false_positives += above @ w_neg
        self.false_negatives += w_pos.sum() - above @ w_pos
        self.true_negatives += w_neg.sum() - above @ w_neg


class _ThresholdMetric(_ConfusionCounts):
    """Precision or Recall at one threshold (a Scalar) or several (a list)."""

    def __init__(
        self,
        thresholds: float | list[float] | None = None,
        class_id: int | None = None,
        name: str | None = None,
    ) -> None:
        values = [0.5] if thresholds is None else np.atleast_1d(thresholds).tolist()
        for value in values:
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(f"thresholds must be numbers in [0, 1], got {thresholds!r}.")
        self._one = thresholds is None or np.ndim(thresholds) == 0
        self.thresholds = np.asarray(values, dtype=np.float64)
        self.class_id = None if class_id is None else check_int("class_id", class_id, minimum=0)
        super().__init__(name=name)

    def _value(self) -> np.ndarray:
        raise NotImplementedError

    def result(self) -> Scalar | list[Scalar]:
        values = [as_scalar(v) for v in self._value()]
        return values[0] if self._one else values

    def get_config(self) -> dict[str, Any]:
        thresholds = None if self._one and self.thresholds[0] == 0.5 else self.thresholds.tolist()
        return {"thresholds": thresholds, "class_id": self.class_id, "name": self.name}


class Precision(_ThresholdMetric):
    """tp / (tp + fp): of the predictions above the threshold, the fraction truly positive.

    0 (not NaN) while nothing was predicted positive, as Keras.

    Args:
        thresholds: a threshold in [0, 1] (default 0.5) or a list (then `result` is a list).
        class_id: only this column of multi-output predictions.
        name: default "precision".
    """

    default_name = "precision"

    def _value(self) -> np.ndarray:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ThresholdMetric):
    """tp / (tp + fn): of the positive targets, the fraction predicted above the threshold.

    Arguments as `Precision`; default name "recall".

    >>> Recall()([0, 1, 1, 1], [1, 0, 1, 1]).round(4)
    np.float64(0.6667)
    """

    default_name = "recall"

    def _value(self) -> np.ndarray:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


class AUC(_ConfusionCounts):
    """The area under the ROC (or precision-recall) curve, from counts at fixed thresholds.

    As Keras: `num_thresholds - 2` thresholds evenly spaced in (0, 1), plus one just below
    0 and one just above 1; the area is summed over the intervals between them with the
    mean of their heights ("interpolation"), the smaller ("minoring") or the larger
    ("majoring"); the PR curve's interpolation is Davis & Goadrich's (precision varying as
    tp / (tp + fp) with both linear in between).

    Args:
        num_thresholds: > 1, default 200.
        curve: "ROC" (default) or "PR".
        summation_method: "interpolation", "minoring" or "majoring".
        name: default "auc".
        from_logits: the predictions are raw scores (a sigmoid is applied first).

    >>> AUC()([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).round(4)  # 3 of 4 pairs ordered right
    np.float64(0.75)
    """

    default_name = "auc"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        from_logits: bool = False,
    ) -> None:
        self.num_thresholds = check_int("num_thresholds", num_thresholds, minimum=2)
        self.curve = check_one_of("curve", str(curve).upper(), ["ROC", "PR"])
        self.summation_method = check_one_of(
            "summation_method", summation_method, ["interpolation", "minoring", "majoring"]
        )
        self.from_logits = bool(from_logits)
        inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = np.array([-stable.EPSILON, *inner, 1 + stable.EPSILON])
        super().__init__(name=name)

    def _scores(self, y_pred: np.ndarray) -> np.ndarray:
        return stable.sigmoid(y_pred) if self.from_logits else y_pred

    def result(self) -> Scalar:
        tp, fp, tn, fn = (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        )
        if self.curve == "PR" and self.summation_method == "interpolation":
            return as_scalar(self._interpolated_pr_auc())
        recall = _ratio(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _ratio(fp, fp + tn), recall
        else:
            x, y = recall, _ratio(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return as_scalar(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolated_pr_auc(self) -> float:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp  # predicted positive
        dp = p[:-1] - p[1:]
        slope = _ratio(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        p_ratio = np.where(both, _ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(np.where(p_ratio > 0, p_ratio, 1.0))
        increment = _ratio(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))
        return float(increment.sum())

    def get_config(self) -> dict[str, Any]:
        return {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "name": self.name,
            "from_logits": self.from_logits,
        }
