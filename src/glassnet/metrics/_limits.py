"""The limits of a classifier: it always answers one of its classes, even for a cow.

A classifier trained on ten kinds of clothing has no "none of these" answer: shown uniform
noise or a drawn face it still names a garment, often with a high probability. Two checks
say when an answer deserves less trust:

- `InputStatistics`: how unlike the training inputs an input is. Recorded at training
  time (each feature's mean and standard deviation), it scores an input by its mean
  squared z-score, ``mean_j ((x_j - mean_j) / scale_j) ** 2``, where ``scale_j =
  sqrt(std_j ** 2 + floor ** 2)`` (the floor keeps an always-black corner pixel from
  making any speck of ink infinitely strange). The threshold is the `coverage` quantile
  of the scores of held-out data (not the data the statistics came from), so about
  ``1 - coverage`` of real inputs are flagged.
- a low top probability (`prediction_caveats`' `min_probability`).

Neither check makes the answer right: a familiar-looking input may still be misread, and
an input can be unusual in ways the statistics don't see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal.checks import check_number, describe

__all__ = ["InputStatistics", "PredictionCaveats", "prediction_caveats"]

# The floor of each feature's scale, as a share of the features' typical standard deviation.
_FLOOR_SHARE = 0.1


def _rows(name: str, x: Any, n_features: int | None = None) -> np.ndarray:
    """`x` as float64 rows (n, features), or a ValueError naming `name`."""
    try:
        array = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {describe(x)}.") from None
    if array.ndim < 1 or array.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {array.shape}.")
    array = array.reshape(len(array), -1)
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} values per sample (as the training inputs), "
            f"got shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values.")
    return array


@dataclass(frozen=True)
class InputStatistics:
    """What the training inputs looked like, to flag an input unlike them.

    Build it with `InputStatistics.fit(x_train, x_holdout)`; `score(x)` is each sample's
    mean squared z-score, `is_unusual(x)` compares it with the calibrated `threshold`.

    Attributes:
        mean: each feature's training mean, shape (features,).
        scale: each feature's floored standard deviation, shape (features,).
        threshold: scores above it are unusual.
        coverage: the share of held-out inputs at or below the threshold.
        n_fit: samples the mean and scale came from.
        n_calibration: held-out samples the threshold came from.

    >>> rng = np.random.default_rng(0)
    >>> stats = InputStatistics.fit(rng.normal(size=(500, 3)), rng.normal(size=(200, 3)))
    >>> stats.is_unusual([[0.1, -0.2, 0.3], [9.0, 9.0, 9.0]]).tolist()
    [False, True]
    """

    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    coverage: float
    n_fit: int
    n_calibration: int

    @classmethod
    def fit(cls, x: Any, x_holdout: Any, coverage: float = 0.995) -> InputStatistics:
        """Record `x`'s statistics and calibrate the threshold on `x_holdout`.

        Args:
            x: the training inputs, shape (n, ...) (each sample is flattened).
            x_holdout: inputs from the same source not in `x` (e.g. the validation part),
                on which the threshold is the `coverage` quantile of the scores.
            coverage: in (0, 1]; default 0.995, so about 0.5 % of real inputs are flagged.

        Raises:
            TypeError, ValueError: not arrays of numbers, different feature counts, no
                samples, or `coverage` outside (0, 1].
        """
        coverage = check_number("coverage", coverage, 0, 1, low_inclusive=False)
        rows = _rows("x", x)
        held = _rows("x_holdout", x_holdout, rows.shape[1])
        with np.errstate(under="ignore"):  # a near-constant feature's tiny variance
            mean = rows.mean(axis=0)
            std = rows.std(axis=0)
            typical = float(np.sqrt(np.mean(std**2)))
            floor = _FLOOR_SHARE * typical if typical > 0 else 1.0
            scale = np.sqrt(std**2 + floor**2)
        stats = cls(mean, scale, 0.0, coverage, len(rows), len(held))
        threshold = float(np.quantile(stats.score(held), coverage))
        return cls(mean, scale, threshold, coverage, len(rows), len(held))

    def score(self, x: Any) -> np.ndarray:
        """Each sample's mean squared z-score, shape (n,): about 1 for a typical input."""
        rows = _rows("x", x, len(self.mean))
        with np.errstate(under="ignore"):
            result: np.ndarray = np.mean(((rows - self.mean) / self.scale) ** 2, axis=1)
            return result

    def is_unusual(self, x: Any) -> np.ndarray:
        """True for each sample whose score is above the threshold, shape (n,)."""
        return self.score(x) > self.threshold

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON; `from_dict` reads them back."""
        return {
            "kind": "mean-squared-z-score",
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "threshold": self.threshold,
            "coverage": self.coverage,
            "n_fit": self.n_fit,
            "n_calibration": self.n_calibration,
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> InputStatistics:
        """The statistics `to_dict` wrote.

        Raises:
            ValueError: a missing key, or values that are not finite numbers of one length.
        """
        if not isinstance(values, Mapping):
            raise TypeError(f"input statistics must be an object, got {describe(values)}.")
        keys = ("mean", "scale", "threshold", "coverage", "n_fit", "n_calibration")
        missing = [k for k in keys if k not in values]
        if missing:
            raise ValueError(f"input statistics lack the key(s) {', '.join(missing)}.")
        try:
            mean = np.asarray(values["mean"], dtype=np.float64)
            scale = np.asarray(values["scale"], dtype=np.float64)
            threshold = float(values["threshold"])
            coverage = float(values["coverage"])
        except (TypeError, ValueError):
            raise ValueError("input statistics must hold numbers.") from None
        if (
            mean.ndim != 1
            or mean.shape != scale.shape
            or not np.all(np.isfinite(mean))
            or not np.all(scale > 0)
            or not np.isfinite(threshold)
        ):
            raise ValueError(
                "input statistics: mean and scale must be lists of one length of finite "
                "numbers (scale > 0), and the threshold a finite number."
            )
        return cls(
            mean, scale, threshold, coverage, int(values["n_fit"]), int(values["n_calibration"])
        )


@dataclass
class PredictionCaveats:
    """What to keep in mind about some predictions (see `prediction_caveats`).

    Attributes:
        note: said once: the model always answers one of its classes.
        warnings: per sample, the warnings (may be empty).
        scores: per sample, the unusualness score, or None without statistics.
        unusual: per sample, True if the score is above the threshold, or None.
    """

    note: str
    warnings: list[list[str]] = field(default_factory=list)
    scores: np.ndarray | None = None
    unusual: np.ndarray | None = None

    @property
    def text(self) -> str:
        """The note, then each sample's warnings ("row 2: ..." when several samples)."""
        lines = [self.note]
        several = len(self.warnings) > 1
        for i, warns in enumerate(self.warnings):
            lines += [(f"row {i + 1}: " if several else "") + "⚠ " + w for w in warns]
        return "\n".join(lines)


def prediction_caveats(
    probabilities: Any,
    class_names: Sequence[str],
    *,
    x: Any = None,
    statistics: InputStatistics | None = None,
    min_probability: float = 0.5,
    no_statistics_reason: str | None = None,
) -> PredictionCaveats:
    """The limits of a classifier's answers: one note and each sample's warnings.

    Args:
        probabilities: class probabilities, shape (n, n_classes).
        class_names: one name per class.
        x: the inputs the probabilities came from (as the model saw them), needed with
            `statistics`.
        statistics: the training inputs' `InputStatistics`; None: no unusual-input check
            (the note says so).
        min_probability: a top probability below it is warned about; in [0, 1].
        no_statistics_reason: without `statistics`, why there are none (said in the note).

    Returns:
        A `PredictionCaveats`.

    Raises:
        TypeError, ValueError: probabilities not (n, n_classes) for the class names,
            `statistics` without `x`, or `min_probability` outside [0, 1].

    >>> c = prediction_caveats([[0.4, 0.35, 0.25]], ["cat", "dog", "bird"])
    >>> print(c.note[:64])
    This model always answers one of its 3 classes (cat, dog, bird):
    >>> c.warnings
    [['unsure: the top probability is only 40.0% (below 50%).']]
    """
    min_probability = check_number("min_probability", min_probability, 0, 1)
    probs = np.asarray(probabilities, dtype=np.float64)
    names = [str(n) for n in class_names]
    if probs.ndim != 2 or probs.shape[1] != len(names):
        raise ValueError(
            f"probabilities must have shape (n, {len(names)}) for the {len(names)} class "
            f"names, got shape {probs.shape}."
        )
    shown = ", ".join(names) if len(names) <= 10 else ", ".join(names[:10]) + ", ..."
    note = (
        f"This model always answers one of its {len(names)} classes ({shown}): it cannot say "
        '"none of these", so a picture of something else still gets one of these names.'
    )
    scores = unusual = None
    if statistics is None:
        reason = no_statistics_reason or "no input statistics were given"
        note += f" Unusual inputs are not detected: {reason}."
    else:
        note += (
            " Inputs unlike the training data are flagged (so are about "
            f"{1 - statistics.coverage:.1%} of real ones)."
        )
        if x is None:
            raise ValueError("x is needed with statistics: the inputs to check.")
        scores = statistics.score(x)
        if len(scores) != len(probs):
            raise ValueError(
                f"x has {len(scores)} samples but probabilities has {len(probs)} rows."
            )
        unusual = scores > statistics.threshold
    warnings: list[list[str]] = []
    for i, row in enumerate(probs):
        warns = []
        if unusual is not None and scores is not None and statistics is not None and unusual[i]:
            warns.append(
                f"unlike the training data: its unusualness score is {scores[i]:.3g}, above "
                f"the threshold {statistics.threshold:.3g} that "
                f"{statistics.coverage:.1%} of held-out real inputs stay under; "
                "the answer is likely meaningless."
            )
        top = float(row.max())
        if top < min_probability:
            warns.append(
                f"unsure: the top probability is only {top:.1%} (below {min_probability:.0%})."
            )
        warnings.append(warns)
    return PredictionCaveats(note=note, warnings=warnings, scores=scores, unusual=unusual)
