"""What the doctor reads: a training history, optional data and the model, turned into the
curves and arrays the rules use.

A history is read by duck type, as anything with `.history` (metric name -> per-epoch
values) and `.params` (the fit settings), like the `History` that `model.fit` returns, or
as a plain dict of per-epoch lists: the doctor imports nothing of the engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_same_length, describe
from glassnet.doctor._thresholds import MAX_CLASSES
from glassnet.metrics import majority_class_baseline


@dataclass
class Run:
    """A training run as the doctor reads it.

    Attributes:
        logs: metric name -> per-epoch values, e.g. "loss", "val_accuracy".
        params: the fit settings (epochs, learning_rate, validation_split, ...).
    """

    logs: Mapping[str, Sequence[float]]
    params: Mapping[str, Any]


@dataclass
class Curves:
    """The per-epoch curves, float64, one value per epoch (NaN where an epoch has none)."""

    loss: np.ndarray  # (epochs,)
    val_loss: np.ndarray | None
    acc: np.ndarray | None
    val_acc: np.ndarray | None
    acc_key: str | None

    @property
    def epochs(self) -> int:
        return len(self.loss)


@dataclass
class Data:
    """The data given to `diagnose`, as arrays; labels are None for regression targets."""

    x_train: np.ndarray | None = None
    y_train: np.ndarray | None = None  # class labels, or None for regression / absent
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    split_note: str | None = None


def read_run(history: Any) -> Run:
    """A History (anything with `.history` and `.params`) or a dict of per-epoch lists."""
    logs = getattr(history, "history", None)
    if isinstance(logs, Mapping):
        return Run(logs, getattr(history, "params", None) or {})
    if not isinstance(history, Mapping):
        raise TypeError(
            f"history must be the History returned by model.fit (or a dict of per-epoch "
            f"lists), got {describe(history)}."
        )
    logs = {str(key): [float(v) for v in values] for key, values in history.items()}
    lengths = {len(values) for values in logs.values()}
    if len(lengths) > 1:
        raise ValueError(f"history lists must have one length, got lengths {sorted(lengths)}.")
    return Run(logs, {})


def read_curves(run: Run) -> Curves:
    """The loss and accuracy curves of `run`; raises if it has no loss."""
    logs = run.logs
    if "loss" not in logs or not logs["loss"]:
        raise ValueError(
            f"history has no 'loss' values (keys: {sorted(logs) or 'none'}); pass the "
            "History returned by model.fit after at least one epoch."
        )

    epochs = len(logs["loss"])

    def get(key: str | None) -> np.ndarray | None:
        if key not in logs:
            return None
        values = np.full(epochs, np.nan)  # an epoch cut short (NaN guard) has no val_ entry
        given = np.asarray(logs[key][:epochs], dtype=np.float64)
        values[: len(given)] = given
        return values

    acc_key = next((k for k in logs if not k.startswith("val_") and "acc" in k), None)
    return Curves(
        loss=get("loss"),
        val_loss=get("val_loss"),
        acc=get(acc_key),
        val_acc=get(f"val_{acc_key}") if acc_key else None,
        acc_key=acc_key,
    )


def _labels_or_none(name: str, y: Any) -> np.ndarray | None:
    """Class labels (int64, shape (n,)) from labels or one-hot rows; None for regression."""
    array = as_float_array(name, y, ndim=(1, 2))
    if array.ndim == 2 and array.shape[1] > 1:
        return np.argmax(array, axis=1).astype(np.int64)
    array = array.reshape(-1)
    if not np.array_equal(array, np.round(array)) or len(np.unique(array)) > MAX_CLASSES:
        return None
    return array.astype(np.int64)


def _pair(name: str, value: Any) -> tuple[Any, Any]:
    if not isinstance(value, Sequence | tuple) or isinstance(value, str) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (x, y), got {describe(value)}.")
    return value[0], value[1]


def _is_pair_of_pairs(value: Any) -> bool:
    # Tuples only: ([[1, 2], [3, 4]], [0, 1]) is one (x, y) pair of two samples.
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, tuple) and len(v) == 2 for v in value)
    )


def read_data(data: Any, run: Run) -> Data:
    """`diagnose`'s `data` argument as arrays, with the validation rows rebuilt if needed."""
    if data is None:
        return Data()
    if isinstance(data, Mapping):
        allowed = {"train", "validation", "val"}
        unknown = set(data) - allowed
        if unknown or "train" not in data:
            raise ValueError(
                f"data as a dict needs the key 'train' (and optionally 'validation'), each "
                f"an (x, y) pair; got keys {sorted(map(str, data))}."
            )
        train = _pair("data['train']", data["train"])
        val_value = data.get("validation", data.get("val"))
        val = _pair("data['validation']", val_value) if val_value is not None else None
    elif _is_pair_of_pairs(data):
        train, val = _pair("data[0]", data[0]), _pair("data[1]", data[1])
    else:
        train, val = _pair("data", data), None

    x, y = np.asarray(train[0]), train[1]
    if x.ndim == 0:
        raise ValueError(f"x_train must be an array of samples, got {describe(train[0])}.")
    y_labels = _labels_or_none("y_train", y)
    check_same_length("x_train", x, "y_train", np.asarray(y))
    result = Data(x_train=x, y_train=y_labels)
    if val is not None:
        x_val = np.asarray(val[0])
        check_same_length("x_val", x_val, "y_val", np.asarray(val[1]))
        result.x_val, result.y_val = x_val, _labels_or_none("y_val", val[1])
        return result
    split = run.params.get("validation_split")
    if split and "val_loss" in run.logs and 0 < float(split) < 1:
        # As Keras: validation_split holds out the LAST rows, taken before any shuffling.
        n = len(x)
        split_at = math.floor(n * (1.0 - float(split)))
        result.x_train, result.x_val = x[:split_at], x[split_at:]
        if y_labels is not None:
            result.y_train, result.y_val = y_labels[:split_at], y_labels[split_at:]
        result.split_note = f"validation_split={float(split):g}: the last {n - split_at} rows"
    return result


def learning_rate_of(run: Run, model: Any) -> float | None:
    """The learning rate from the fit settings or the model's optimizer, if it is a number."""
    value = run.params.get("learning_rate")
    if value is None and model is not None:
        value = getattr(getattr(model, "optimizer", None), "learning_rate", None)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def n_output_classes(model: Any) -> int | None:
    """Number of classes from the model's last layer with `units` (1 unit: binary)."""
    for layer in reversed(list(getattr(model, "layers", []) or [])):
        units = getattr(layer, "units", None)
        if isinstance(units, int | np.integer) and units >= 1:
            return 2 if units == 1 else int(units)
    return None


def class_mix(labels: np.ndarray) -> dict[int, float]:
    """Each class's share of `labels`: {class: fraction}."""
    classes, counts = np.unique(labels, return_counts=True)
    return {int(c): float(n / len(labels)) for c, n in zip(classes, counts, strict=True)}


def baseline_of(data: Data, model: Any) -> tuple[float, str] | None:
    """The majority-class baseline and where it comes from, or None when it is unknown."""
    if data.y_train is not None:
        return majority_class_baseline(data.y_train), "majority class of the training data"
    n_classes = n_output_classes(model) if model is not None else None
    if n_classes:
        return 1.0 / n_classes, f"1/{n_classes} classes (approximate: the class mix is unknown)"
    return None
