"""What the doctor reads: a training history, turned into curves, and the run summary
(`_summary`) of the data, the model and the callbacks.

A history is read by duck type, as anything with `.history` (metric name -> per-epoch
values) and `.params` (the fit settings), like the `History` that `model.fit` returns, or
as a plain dict of per-epoch lists: the doctor imports nothing of the engine. Data given
as arrays is summarised at once (`summarize_data`); the rules see only the summary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_same_length, describe
from glassnet.doctor._summary import (
    DataSummary,
    RunSummary,
    class_labels,
    summarize_data,
    summarize_run,
)
from glassnet.doctor._thresholds import DEFAULT_LEARNING_RATES
from glassnet.metrics import baseline_from_counts


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
    # None is how JSON holds a NaN (a run folder's history.json, the doctor's corpus).
    nan = float("nan")
    logs = {
        str(key): [nan if v is None else float(v) for v in values]
        for key, values in history.items()
    }
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

    # fit(validation_freq=2) validates only some epochs: no val_ curve to read epoch by epoch.
    sparse_validation = run.params.get("validation_freq", 1) != 1

    def get(key: str | None) -> np.ndarray | None:
        if key not in logs or (sparse_validation and key.startswith("val_")):
            return None
        values = np.full(epochs, np.nan)  # an epoch cut short (NaN guard) has no val_ entry
        given = np.asarray(
            [np.nan if v is None else v for v in logs[key][:epochs]], dtype=np.float64
        )
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
    array = as_float_array(name, y, ndim=(1, 2))  # raises on NaN or the wrong shape
    if array.ndim == 2 and array.shape[1] == 1:
        array = array.reshape(-1)
    return class_labels(array)


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


def read_data(data: Any, run: Run) -> DataSummary | None:
    """`diagnose`'s `data` argument, summarised, with the validation rows rebuilt if needed."""
    if data is None:
        return None
    if isinstance(data, DataSummary):
        return data
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
    if val is not None:
        x_val = np.asarray(val[0])
        check_same_length("x_val", x_val, "y_val", np.asarray(val[1]))
        y_val = _labels_or_none("y_val", val[1]) if y_labels is not None else None
        return summarize_data(x, y_labels, x_val, y_val)
    split = run.params.get("validation_split")
    if split and "val_loss" in run.logs and 0 < float(split) < 1:
        # As Keras: validation_split holds out the LAST rows, taken before any shuffling.
        at = math.floor(len(x) * (1.0 - float(split)))
        y_val = y_labels[at:] if y_labels is not None else None
        y_train = y_labels[:at] if y_labels is not None else None
        return summarize_data(x[:at], y_train, x[at:], y_val, validation_split=float(split))
    return summarize_data(x, y_labels)


def read_summary(history: Any, run: Run, data: Any, model: Any, summary: Any) -> RunSummary:
    """The run summary: `summary` as given (a RunSummary or its dict), else read from the
    live History and model; `data` (arrays or a DataSummary) replaces its data part."""
    if summary is None:
        result = summarize_run(history, model)
    elif isinstance(summary, RunSummary):
        result = summary
    elif isinstance(summary, Mapping):
        result = RunSummary.from_dict(summary)
    else:
        raise TypeError(
            f"summary must be a RunSummary or its dict (to_dict()), got {describe(summary)}."
        )
    given = read_data(data, run)
    if given is not None:
        result = RunSummary(data=given, model=result.model, early_stopping=result.early_stopping)
    if result.data is not None and is_regression(result) and result.data.class_counts:
        # Whole-number targets (grams, counts) look like labels; under a regression loss
        # they are values, and class mixes or baselines of them would mislead.
        plain = replace(result.data, class_counts=None, validation_class_counts=None)
        result = RunSummary(data=plain, model=result.model, early_stopping=result.early_stopping)
    return result


# Keras's regression losses, by the names a model summary records.
REGRESSION_LOSSES = frozenset(
    {
        "mean_squared_error",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "huber",
        "log_cosh",
    }
)


def is_regression(summary: RunSummary) -> bool:
    """Whether the run's model was compiled with a regression loss (MSE, MAE, Huber, ...)."""
    model = summary.model
    return model is not None and str(model.loss or "").lower() in REGRESSION_LOSSES


def learning_rate_of(run: Run, summary: RunSummary) -> float | None:
    """The learning rate from the fit settings or the model's optimizer, if it is a number.

    With a schedule (or a callback changing the rate) the fit settings hold the rate of each
    epoch's first step as "learning_rates"; the highest one is the rate the run is judged at
    (the one that makes a blow-up, and if even it is far too low, all of them are).
    """
    rates = run.params.get("learning_rates")
    value = run.params.get("learning_rate")
    if isinstance(rates, Sequence) and not isinstance(rates, str) and len(rates):
        try:
            value = max(float(rate) for rate in rates)
        except (TypeError, ValueError):
            pass
    if value is None and summary.model is not None:
        value = summary.model.learning_rate
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def optimizer_of(summary: RunSummary) -> str | None:
    """The optimizer's name when it is one the doctor knows the usual range of."""
    name = summary.model.optimizer if summary.model is not None else None
    name = str(name).lower() if name else None
    return name if name in DEFAULT_LEARNING_RATES else None


def class_mix(counts: Mapping[int, int]) -> dict[int, float]:
    """Each class's share: {class: fraction}."""
    total = sum(counts.values())
    return {int(k): n / total for k, n in counts.items()}


def n_classes_of(summary: RunSummary) -> int | None:
    """The number of classes, from the class counts or the model's output units."""
    model = summary.model
    units = model.output_units if model is not None else None
    if units is not None and model.loss and "crossentropy" in model.loss:
        return 2 if units == 1 else int(units)
    data = summary.data
    if data is not None and data.class_counts:
        return max(len(data.class_counts), 2)
    if units is not None:
        return 2 if units == 1 else int(units)
    return None


def baseline_of(summary: RunSummary) -> tuple[float, str] | None:
    """The majority-class baseline and where it comes from, or None when it is unknown."""
    data = summary.data
    if data is not None and data.class_counts:
        counts = list(data.class_counts.values())
        return baseline_from_counts(counts), "majority class of the training data"
    n = n_classes_of(summary)
    if n:
        return 1.0 / n, f"1/{n} classes (approximate: the class mix is unknown)"
    return None


def chance_loss_of(summary: RunSummary) -> tuple[float, str] | None:
    """The cross-entropy of guessing the class mix (ln 10 = 2.3 for ten balanced classes),
    or None when the loss is not a cross-entropy or the classes are unknown."""
    model = summary.model
    if model is None or not model.loss or "crossentropy" not in model.loss:
        return None
    data = summary.data
    if data is not None and data.class_counts and len(data.class_counts) >= 2:
        shares = np.array(list(class_mix(data.class_counts).values()))
        return float(-(shares * np.log(shares)).sum()), "the class mix"
    n = n_classes_of(summary)
    if n and n >= 2:
        return math.log(n), f"ln {n}, {n} classes"
    return None


# ----------------------------------------------------------------- curve statistics


def noise(curve: np.ndarray) -> float:
    """The curve's noise: the robust standard deviation of its epoch-to-epoch wiggle around
    its own trend, over its later two thirds (0 for fewer than 4 finite epochs there).

    Second differences cancel a straight trend; for white noise of standard deviation s
    their median absolute value is 1.65 s.

    >>> round(noise(np.array([1.0, 0.8, 0.7, 0.62, 0.66, 0.6, 0.64, 0.58, 0.62])), 3)
    0.061
    """
    tail = curve[len(curve) // 3 :]
    tail = tail[np.isfinite(tail)]
    if len(tail) < 4:
        return 0.0
    return float(np.median(np.abs(np.diff(tail, 2))) / 1.65)


def level(curve: np.ndarray, k: int) -> float:
    """The mean of the last `k` epochs: the curve's end, with its noise averaged down."""
    return float(np.mean(curve[-max(1, k) :]))
