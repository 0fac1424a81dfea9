"""Keras's metric objects: state that adds up batch by batch, and the result of it so far.

Each metric has `update_state(y_true, y_pred, sample_weight=None)`, `result()` and
`reset_state()`; calling it (`metric(y_true, y_pred)`) updates and returns the result, as in
Keras. `compile(metrics=[...])` takes them (or their names), and `fit` and `evaluate` reset
and update them: fit once per batch, on the batch's outputs, which costs a few NumPy calls.

The mean metrics keep two numbers, the weighted sum of the per-sample values and the sum of
the weights (the number of samples without weights): the result is their ratio, which is
exactly the value over all the samples seen, however they were batched.

>>> import numpy as np
>>> m = SparseCategoricalAccuracy()
>>> m.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])  # first right, second wrong
>>> m.result()
np.float64(0.5)
>>> m([1], [[0.3, 0.7]])  # one more, right: 2 of 3
np.float64(0.6666666666666666)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from glassnet._internal import stable
from glassnet._internal.checks import check_number, describe
from glassnet._internal.tensor import Scalar, as_scalar

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
]


class Metric:
    """Base class: a state updated batch by batch (`update_state`) and read (`result`).

    Args:
        name: the metric's name: its key in `history.history` and in the logs.

    Subclasses implement `update_state`, `result` and `reset_state` (and create their
    state in `__init__`, as Keras's do), and set `default_name`.
    """

    default_name = "metric"

    def __init__(self, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {describe(name)}.")
        self.name = name or self.default_name

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add a batch of targets and predictions to the state."""
        raise NotImplementedError

    def result(self) -> Any:
        """The metric over everything seen since the last `reset_state`."""
        raise NotImplementedError

    def reset_state(self) -> None:
        """Forget everything seen (fit and evaluate call it at each start, as Keras)."""
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """`update_state(...)`, then return `result()` (as Keras)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The arguments that re-create the metric: `type(m)(**m.get_config())`."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def weights_per_sample(sample_weight: Any, n: int, name: str) -> np.ndarray | None:
    """None, or one float64 weight per sample from a number or n values."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        return np.full(n, float(weights))
    if weights.size != n:
        raise ValueError(
            f"{name}: sample_weight must be a number or one weight per sample ({n}), "
            f"got {describe(weights)}."
        )
    return weights.reshape(n)


class Mean(Metric):
    """The (weighted) mean of the values given: `update_state(values, sample_weight=None)`.

    Values with more than one axis are first averaged per sample (over the other axes);
    the result is sum(w_i v_i) / sum(w_i), 0 before anything was added (as Keras).

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    np.float64(2.0)
    """

    default_name = "mean"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 0:
            values = values.reshape(1)
        self._add(values.reshape(len(values), -1).mean(axis=1), sample_weight)

    def _add(self, per_sample: np.ndarray, sample_weight: Any) -> None:
        weights = weights_per_sample(sample_weight, len(per_sample), self.name)
        if weights is None:
            self.total += float(per_sample.sum())
            self.count += len(per_sample)
        else:
            self.total += float(np.dot(per_sample, weights))
            self.count += float(weights.sum())

    def result(self) -> Scalar:
        return as_scalar(self.total / self.count if self.count else 0.0)


class MeanMetricWrapper(Mean):
    """The mean over the samples of `fn(y_true, y_pred)`, a value per sample (as Keras).

    Args:
        fn: `fn(y_true, y_pred)` -> an array whose first axis is the samples (further axes
            are averaged per sample).
        name: the metric's name; default the function's name.

    >>> def max_error(y_true, y_pred):
    ...     return np.abs(np.asarray(y_true) - np.asarray(y_pred)).max(axis=1)
    >>> MeanMetricWrapper(max_error)([[0.0, 1.0], [2.0, 2.0]], [[0.5, 1.0], [2.0, 0.0]])
    np.float64(1.25)
    """

    def __init__(self, fn: Callable[..., Any] | None = None, name: str | None = None) -> None:
        if fn is not None and not callable(fn):
            raise TypeError(f"fn must be a function fn(y_true, y_pred), got {describe(fn)}.")
        self.fn: Callable[..., Any] | None = fn
        super().__init__(name or getattr(fn, "__name__", None))

    def update_state(  # type: ignore[override]  # Keras's (y_true, y_pred), not Mean's
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        y_true, y_pred = self.prepare(y_true, y_pred)
        if sample_weight is None:  # fit's path, once per batch: kept to a few NumPy calls
            self.total += self.batch_sum(y_true, y_pred)
            self.count += len(y_pred)
            return
        values = np.asarray(self.values(y_true, y_pred))
        if values.ndim != 1:
            values = values.reshape(len(y_pred), -1).mean(axis=1)
        self._add(values, sample_weight)

    def prepare(self, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
        """y_true reshaped like y_pred (a column and a flat vector are the same targets)."""
        if type(y_true) is np.ndarray and type(y_pred) is np.ndarray:
            if y_true.shape == y_pred.shape and y_pred.dtype.kind == "f":
                return y_true, y_pred  # fit's batches are already so
        y_pred = stable.as_float(y_pred)
        if y_pred.ndim == 0:
            y_pred = y_pred.reshape(1)
        y_true = np.asarray(y_true)
        if y_true.shape != y_pred.shape:
            if y_true.size != y_pred.size:
                raise ValueError(
                    f"{type(self).__name__} expected targets shaped like the predictions "
                    f"{y_pred.shape}, got {describe(y_true)}."
                )
            y_true = y_true.reshape(y_pred.shape)
        return y_true, y_pred

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """The value of each sample, shape (N,) (or (N, ...), averaged per sample)."""
        result: np.ndarray = cast("Callable[..., Any]", self.fn)(
            y_true, y_pred
        )  # given: values not overridden
        return result

    def batch_sum(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The sum over the batch of the per-sample values (of prepared arrays)."""
        values = np.asarray(self.values(y_true, y_pred), dtype=np.float64)
        if values.ndim != 1:
            values = values.reshape(len(y_pred), -1).mean(axis=1)
        return float(values.sum())

    def get_config(self) -> dict[str, Any]:
        if type(self) is MeanMetricWrapper:
            return {"fn": self.fn, "name": self.name}
        return {"name": self.name}


# ------------------------------------------------------------------------- accuracy


class Accuracy(MeanMetricWrapper):
    """How often the predictions equal the targets exactly (labels against labels).

    >>> Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    np.float64(0.75)
    """

    default_name = "accuracy"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        result: np.ndarray = y_true == y_pred
        return result


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` equals the 0/1 target, averaged over the outputs.

    Args:
        threshold: predictions above it count as 1 (Keras's default 0.5, for probabilities;
            use 0.0 for logits).

    >>> BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1.0], [0.0], [0.6]])
    np.float64(0.75)
    """

    default_name = "binary_accuracy"

    def __init__(self, name: str | None = None, threshold: float = 0.5) -> None:
        self.threshold = check_number("threshold", threshold)
        super().__init__(name=name)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        result: np.ndarray = (y_pred > self.threshold) == (y_true > 0.5)
        return result

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions is the argmax of the one-hot targets.

    >>> CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    np.float64(0.5)
    """

    default_name = "categorical_accuracy"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)

    def prepare(self, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
        y_true, y_pred = super().prepare(y_true, y_pred)
        if y_pred.ndim < 2:
            raise ValueError(
                f"CategoricalAccuracy expected predictions shaped (batch_size, classes), "
                f"got shape {y_pred.shape}."
            )
        return y_true, y_pred

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        result: np.ndarray = y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)
        return result

    def batch_sum(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        return float(np.count_nonzero(y_pred.argmax(axis=-1) == y_true.argmax(axis=-1)))


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions is the integer label.

    >>> SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    np.float64(0.5)
    """

    default_name = "sparse_categorical_accuracy"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)

    def prepare(self, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
        return _sparse_pair(type(self).__name__, y_true, y_pred)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        result: np.ndarray = y_pred.argmax(axis=-1) == y_true
        return result

    def batch_sum(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        return float(np.count_nonzero(y_pred.argmax(axis=-1) == y_true))


def _sparse_pair(who: str, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Integer labels (N,) (a column (N, 1) is flattened) and predictions (N, C)."""
    if (  # fit's batches are already so: nothing to convert
        type(y_pred) is np.ndarray
        and type(y_true) is np.ndarray
        and y_pred.ndim == 2
        and y_true.shape == y_pred.shape[:1]
        and y_pred.dtype.kind == "f"
    ):
        return y_true, y_pred
    y_pred = stable.as_float(y_pred)
    y_true = np.asarray(y_true)
    if y_pred.ndim != 2 or y_true.size != len(y_pred):
        raise ValueError(
            f"{who} expected predictions shaped (batch_size, classes) and one integer label "
            f"per sample, got predictions of shape {y_pred.shape} and labels {describe(y_true)}."
        )
    return y_true.reshape(len(y_pred)), y_pred


# ------------------------------------------------------------------- cross-entropies


class _SmoothedCrossentropy(MeanMetricWrapper):
    """What the binary and categorical cross-entropies share: from_logits, label smoothing."""

    def __init__(
        self, name: str | None = None, from_logits: bool = False, label_smoothing: float = 0.0
    ) -> None:
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_number("label_smoothing", label_smoothing, 0, 1)
        super().__init__(name=name)

    def smoothed(self, y_true: np.ndarray, classes: int) -> np.ndarray:
        """Keras's label smoothing s: y (1 - s) + s / classes."""
        if not self.label_smoothing:
            return y_true
        return y_true * (1 - self.label_smoothing) + self.label_smoothing / classes

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class BinaryCrossentropy(_SmoothedCrossentropy):
    """The binary cross-entropy, averaged over the outputs of each sample, then the samples.

    Args:
        name: default "binary_crossentropy".
        from_logits: True when the predictions are raw scores (no sigmoid).
        label_smoothing: in [0, 1]: targets become y (1 - s) + s / 2.

    >>> BinaryCrossentropy()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).round(4)
    np.float64(0.8149)
    """

    default_name = "binary_crossentropy"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        y_true = self.smoothed(y_true, 2)
        elementwise = stable.binary_crossentropy(y_true, y_pred, self.from_logits)
        result: np.ndarray = elementwise.reshape(len(y_pred), -1).mean(axis=1)
        return result


class CategoricalCrossentropy(_SmoothedCrossentropy):
    """-sum_k y_k log p_k per sample, for one-hot targets, averaged over the samples.

    Args:
        name: default "categorical_crossentropy".
        from_logits: True when the predictions are raw scores (no softmax).
        label_smoothing: in [0, 1]: targets become y (1 - s) + s / classes.

    >>> CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    np.float64(1.1769392...)
    """

    default_name = "categorical_crossentropy"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        y_true = self.smoothed(y_true, y_pred.shape[-1])
        return stable.categorical_crossentropy(y_true, y_pred, self.from_logits)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """-log p_y per sample, for integer labels, averaged over the samples.

    Args:
        from_logits: True when the predictions are raw scores (no softmax).

    >>> SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    np.float64(1.1769392...)
    """

    default_name = "sparse_categorical_crossentropy"

    def __init__(self, name: str | None = None, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)
        super().__init__(name=name)

    def prepare(self, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
        y_true, y_pred = _sparse_pair(type(self).__name__, y_true, y_pred)
        labels = y_true.astype(np.intp)
        if np.any(labels != y_true) or (
            labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[1])
        ):
            raise ValueError(
                f"SparseCategoricalCrossentropy expected integer labels in "
                f"[0, {y_pred.shape[1]}), got values from {y_true.min()} to {y_true.max()}."
            )
        return labels, y_pred

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        return stable.sparse_categorical_crossentropy(y_true, y_pred, self.from_logits)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "from_logits": self.from_logits}


# ------------------------------------------------------------------------ regression


class MeanSquaredError(MeanMetricWrapper):
    """mean((y_true - y_pred)^2) over the outputs of each sample, then the samples.

    >>> MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    np.float64(0.25)
    """

    default_name = "mean_squared_error"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        diff = y_pred - y_true
        result: np.ndarray = (diff * diff).reshape(len(y_pred), -1).mean(axis=1)
        return result


class MeanAbsoluteError(MeanMetricWrapper):
    """mean(|y_true - y_pred|) over the outputs of each sample, then the samples.

    >>> MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    np.float64(0.25)
    """

    default_name = "mean_absolute_error"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.abs(y_pred - y_true).reshape(len(y_pred), -1).mean(axis=1)
        return result
