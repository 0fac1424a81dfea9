"""The training doctor: reads a training run and says what went wrong and what to try.

The lecture asks twice, after a training curve, "what would you do next?":
decrease the learning rate, increase the epochs, add dropout, stop early.
`diagnose` answers from the numbers. Each `Finding` has a name, one sentence,
the evidence (epochs are 1-based, as Keras prints them: "Epoch 6/20") and what
to try, in plain words. A healthy run gets one finding, "no_problem_found",
with the evidence for it.

Findings: learning_rate_too_high, overfitting, not_converged, underfitting,
imbalanced_data, unscaled_inputs, validation_mix, too_few_epochs.

`check_output_and_loss` is the compile-time check of the output layer against
the loss (softmax + from_logits=True, or raw logits + from_logits=False).

>>> from glassnet.callbacks import History
>>> h = History.from_dict({"loss": [2.3, 9.1, 41.0, float("nan")]},
...                       params={"learning_rate": 10.0})
>>> report = diagnose(h)
>>> report.names
['learning_rate_too_high']
>>> report[0].suggestions[0]
'Lower the learning rate 10x: learning_rate=1 instead of 10.'
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._checks import as_float_array, check_same_length, describe
from glassnet._json import jsonable
from glassnet.callbacks import History
from glassnet.metrics import IMBALANCE_RATIO, NEAR_BASELINE_POINTS

__all__ = [
    "ACCURACY_DROP",
    "FEATURE_SCALE_RATIO",
    "LOSS_RISE_RATIO",
    "MIN_EPOCHS_FOR_TRENDS",
    "OSCILLATION_FRACTION",
    "OSCILLATION_STEP",
    "OVERFIT_MIN_EPOCHS_AFTER_BEST",
    "OVERFIT_TRAIN_FALL",
    "OVERFIT_VAL_RISE",
    "SLOW_LEARNING_RATE",
    "SLOW_TOTAL_FALL",
    "STEADY_FALL_RATIO",
    "STILL_FALLING",
    "TREND_WINDOW",
    "UNDERFIT_PROGRESS",
    "UNSCALED_MAGNITUDE",
    "VALIDATION_MIX_DISTANCE",
    "VAL_OSCILLATION_FRACTION",
    "Diagnosis",
    "Finding",
    "check_output_and_loss",
    "diagnose",
]

# ----------------------------------------------------------------- thresholds
# Each number below decides when a curve "shows" something. They are chosen so that
# the noise of a healthy mini-batch run (an epoch's mean loss moves by a few percent)
# never triggers a finding, while the lecture's failure modes always do.

# With fewer epochs a curve has no shape: one step can't tell a trend from noise.
MIN_EPOCHS_FOR_TRENDS = 3

# Learning rate too high.
# A training loss ending 20 % above its best epoch is no noise: with a sane learning
# rate the training loss of a fixed data set only goes down, give or take a few %.
LOSS_RISE_RATIO = 1.2
# A loss that moves by more than 5 % in one epoch makes a "big step" ...
OSCILLATION_STEP = 0.05
# ... and when the big steps change direction (down, up, down, ...) in at least 30 % of
# the epochs, the training loss is bouncing, not descending. A healthy run has an
# occasional small rise; an overfitting validation curve turns once (down, then up).
OSCILLATION_FRACTION = 0.3
# The validation loss, computed on a smaller set, is noisier: half of the epochs.
VAL_OSCILLATION_FRACTION = 0.5
# Training accuracy 10 points below its best epoch: with a sane learning rate the
# accuracy on the training set creeps up (dropout noise moves it by a point or two);
# losing 10 points means the steps destroy what was learned.
ACCURACY_DROP = 0.10

# Overfitting.
# Validation loss at the end at least 5 % above its minimum: beyond epoch-to-epoch noise.
OVERFIT_VAL_RISE = 0.05
# ... for at least 2 epochs after the best (a single bad epoch is noise) ...
OVERFIT_MIN_EPOCHS_AFTER_BEST = 2
# ... while the training loss kept falling, by at least 2 % after the best epoch:
# the network keeps fitting the training set and loses the validation set.
OVERFIT_TRAIN_FALL = 0.02

# Not converged. Trends are read over the last TREND_WINDOW epochs (fewer on short runs).
TREND_WINDOW = 5
# The loss fell in every one of those epochs, by 1 % of its value per epoch or more ...
STILL_FALLING = 0.01
# ... or by at least 30 % of the pace of the first epochs: a converging curve flattens
# (its late steps are a small fraction of its early ones), a slow one does not.
STEADY_FALL_RATIO = 0.3
# "Very slow": a learning rate at or below 1e-4 (Adam's default is 1e-3; the lecture's
# 1e-5 run barely moves in 10 epochs) ...
SLOW_LEARNING_RATE = 1e-4
# ... or a curve that falls without flattening but lost less than 25 % of its first
# epoch's loss over the whole run: the optimizer takes uniformly tiny steps.
SLOW_TOTAL_FALL = 0.25

# Underfitting: the final training accuracy covered less than a quarter of the way from
# the majority-class baseline to 100 % (0.625 on a balanced binary task, 0.325 on ten
# balanced classes): the network is doing little better than guessing the common class.
UNDERFIT_PROGRESS = 0.25

# Unscaled inputs. With Glorot weights a unit's pre-activation has about the scale of its
# inputs: features whose typical magnitude (root mean square) is above 10 saturate
# sigmoid / tanh and give the first layer large gradients (0-255 pixels: about 70-100).
UNSCALED_MAGNITUDE = 10.0
# Features whose magnitudes differ more than 100x (age in years beside income in
# euros) share one learning rate that can't suit both; checked when some feature is > 1.
FEATURE_SCALE_RATIO = 100.0

# Validation class mix: the total variation distance between the training and the
# validation class proportions (the fraction of samples that would have to change class
# to make them equal). A shuffled split of a few hundred samples moves it by a few
# points; 0.3 happens with an unshuffled split of sorted data (Keras's validation_split
# takes the LAST rows) or a filtered one.
VALIDATION_MIX_DISTANCE = 0.3

# Labels with more distinct values than this are taken as regression targets.
_MAX_CLASSES = 100
# Unscaled-input statistics are computed on at most this many rows (evenly spaced).
_SAMPLE_ROWS = 5_000

_TITLES = {
    "learning_rate_too_high": "learning rate too high",
    "overfitting": "overfitting",
    "not_converged": "not converged",
    "underfitting": "underfitting",
    "imbalanced_data": "imbalanced data",
    "unscaled_inputs": "unscaled inputs",
    "validation_mix": "validation set unlike the training set",
    "too_few_epochs": "too few epochs to judge",
    "no_problem_found": "no problem found",
}


# ----------------------------------------------------------------- result types


@dataclass
class Finding:
    """One thing the doctor found, with its evidence and what to try.

    Attributes:
        name: a short identifier, e.g. "overfitting" or "no_problem_found".
        summary: one plain sentence with the key numbers.
        evidence: the numbers behind it (epochs 1-based, losses, gaps, ratios).
        suggestions: what to try, most promising first.
        severity: "problem", "warning" or "ok".

    >>> f = Finding("overfitting", "Overfitting from epoch 7.", {"best_epoch": 6})
    >>> f.title, f.to_dict()["evidence"]
    ('overfitting', {'best_epoch': 6})
    """

    name: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    severity: str = "problem"

    @property
    def title(self) -> str:
        """The name in plain words."""
        return _TITLES.get(self.name, self.name.replace("_", " "))

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "name": self.name,
            "severity": self.severity,
            "summary": self.summary,
            "evidence": {k: jsonable(v) for k, v in self.evidence.items()},
            "suggestions": list(self.suggestions),
        }

    def __str__(self) -> str:
        mark = {"problem": "✗", "warning": "⚠", "ok": "✓"}.get(self.severity, "•")
        lines = [f"{mark} {self.title}: {self.summary}"]
        if self.evidence:
            shown = ", ".join(f"{k}={_show(v)}" for k, v in self.evidence.items())
            lines.append(f"    evidence: {shown}")
        if self.suggestions:
            lines.append("    try:")
            lines += [f"      - {s}" for s in self.suggestions]
        return "\n".join(lines)


class Diagnosis:
    """The findings of `diagnose`, printable, notebook-friendly and convertible to a dict.

    Behaves as a list of `Finding`: iterate it, index it by position or by name, test
    a name with `in`.

    >>> from glassnet.callbacks import History
    >>> d = diagnose(History.from_dict({"loss": [1.0, 0.5, 0.3, 0.25, 0.24, 0.24]}))
    >>> d.ok, "no_problem_found" in d
    (True, True)
    """

    def __init__(self, findings: Sequence[Finding], epochs: int) -> None:
        self.findings = list(findings)
        self.epochs = epochs

    @property
    def names(self) -> list[str]:
        """The finding names, in order."""
        return [f.name for f in self.findings]

    @property
    def ok(self) -> bool:
        """True when the only finding is "no_problem_found"."""
        return self.names == ["no_problem_found"]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __getitem__(self, key: int | str) -> Finding:
        if isinstance(key, str):
            for finding in self.findings:
                if finding.name == key:
                    return finding
            raise KeyError(f"No finding named {key!r}; found: {', '.join(self.names)}.")
        return self.findings[key]

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "ok": self.ok,
            "epochs": self.epochs,
            "findings": [f.to_dict() for f in self.findings],
        }

    def _epochs_text(self) -> str:
        return f"{self.epochs} epoch{'' if self.epochs == 1 else 's'}"

    def __str__(self) -> str:
        header = f"Training diagnosis ({self._epochs_text()})"
        return "\n".join([header, *(str(f) for f in self.findings)])

    def __repr__(self) -> str:
        return f"Diagnosis({', '.join(self.names)})"

    def __rich__(self) -> Any:
        """Coloured text for `rich` (printed as-is: brackets in the advice are not markup)."""
        from rich.text import Text

        colours = {"problem": "bold red", "warning": "bold yellow", "ok": "bold green"}
        text = Text(f"Training diagnosis ({self._epochs_text()})", style="bold")
        for f in self.findings:
            first, *rest = str(f).split("\n")
            mark_and_title, _, summary = first.partition(": ")
            text.append("\n")
            text.append(mark_and_title, style=colours.get(f.severity, "bold"))
            text.append(": " + summary)
            for line in rest:
                text.append("\n" + line, style="dim" if "evidence:" in line else "")
        return text

    def _repr_html_(self) -> str:
        esc = html.escape
        colours = {"problem": "#b91c1c", "warning": "#b45309", "ok": "#15803d"}
        parts = [
            f"<div class='glassnet-diagnosis'><b>Training diagnosis</b> ({self._epochs_text()})"
        ]
        for f in self.findings:
            colour = colours.get(f.severity, "#374151")
            evidence = "".join(
                f"<tr><td>{esc(k)}</td><td style='text-align:right'>{esc(_show(v))}</td></tr>"
                for k, v in f.evidence.items()
            )
            tries = "".join(f"<li>{esc(s)}</li>" for s in f.suggestions)
            parts.append(
                f"<div style='border-left:4px solid {colour};padding-left:8px;margin:8px 0'>"
                f"<b style='color:{colour}'>{esc(f.title)}</b>: {esc(f.summary)}"
                + (f"<table>{evidence}</table>" if evidence else "")
                + (f"<div>What to try:</div><ul>{tries}</ul>" if tries else "")
                + "</div>"
            )
        return "".join(parts) + "</div>"


def _show(value: Any) -> str:
    value = jsonable(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _g(value: float) -> str:
    return f"{value:.4g}"


# ------------------------------------------------------------------- inputs


@dataclass
class _Curves:
    loss: np.ndarray  # (epochs,)
    val_loss: np.ndarray | None
    acc: np.ndarray | None
    val_acc: np.ndarray | None
    acc_key: str | None

    @property
    def epochs(self) -> int:
        return len(self.loss)


@dataclass
class _Data:
    x_train: np.ndarray | None = None
    y_train: np.ndarray | None = None  # class labels, or None for regression / absent
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    split_note: str | None = None


def _as_history(history: Any) -> History:
    if isinstance(history, History):
        return history
    if isinstance(history, Mapping):
        return History.from_dict(dict(history))
    raise TypeError(
        f"history must be the History returned by model.fit (or a dict of per-epoch "
        f"lists), got {describe(history)}."
    )


def _curves(history: History) -> _Curves:
    logs = history.history
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
    return _Curves(
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
    if not np.array_equal(array, np.round(array)) or len(np.unique(array)) > _MAX_CLASSES:
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


def _parse_data(data: Any, history: History) -> _Data:
    if data is None:
        return _Data()
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
    result = _Data(x_train=x, y_train=y_labels)
    if val is not None:
        x_val = np.asarray(val[0])
        check_same_length("x_val", x_val, "y_val", np.asarray(val[1]))
        result.x_val, result.y_val = x_val, _labels_or_none("y_val", val[1])
        return result
    split = history.params.get("validation_split")
    if split and "val_loss" in history.history and 0 < float(split) < 1:
        # As Keras: validation_split holds out the LAST rows, taken before any shuffling.
        n = len(x)
        split_at = math.floor(n * (1.0 - float(split)))
        result.x_train, result.x_val = x[:split_at], x[split_at:]
        if y_labels is not None:
            result.y_train, result.y_val = y_labels[:split_at], y_labels[split_at:]
        result.split_note = f"validation_split={float(split):g}: the last {n - split_at} rows"
    return result


def _learning_rate(history: History, model: Any) -> float | None:
    value = history.params.get("learning_rate")
    if value is None and model is not None:
        value = getattr(getattr(model, "optimizer", None), "learning_rate", None)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def _n_output_classes(model: Any) -> int | None:
    """Number of classes from the model's last layer with `units` (1 unit: binary)."""
    for layer in reversed(list(getattr(model, "layers", []) or [])):
        units = getattr(layer, "units", None)
        if isinstance(units, int | np.integer) and units >= 1:
            return 2 if units == 1 else int(units)
    return None


def _class_mix(labels: np.ndarray) -> dict[int, float]:
    classes, counts = np.unique(labels, return_counts=True)
    return {int(c): float(n / len(labels)) for c, n in zip(classes, counts, strict=True)}


def _lr_advice(lr: float | None, factor: float, direction: str) -> str:
    if lr is None:
        example = "0.0001 instead of 0.001" if direction == "lower" else "0.001 instead of 0.0001"
        return f"{direction.capitalize()} the learning rate {factor:g}x (e.g. {example})."
    new = lr / factor if direction == "lower" else lr * factor
    return (
        f"{direction.capitalize()} the learning rate {factor:g}x: "
        f"learning_rate={new:g} instead of {lr:g}."
    )


# ------------------------------------------------------------------- checks


def _check_learning_rate(c: _Curves, lr: float | None, params: Mapping[str, Any]) -> list[Finding]:
    bad = ~np.isfinite(c.loss)
    if c.val_loss is not None:
        bad |= ~np.isfinite(c.val_loss)
    evidence: dict[str, Any] = {}
    if lr is not None:
        evidence["learning_rate"] = lr
    suggestions = [_lr_advice(lr, 10, "lower")]
    if bad.any():
        first = int(np.argmax(bad))
        evidence |= {"first_nan_epoch": first + 1, "epochs": c.epochs}
        if params.get("stopped_on_nan"):
            evidence["stopped_on_nan"] = str(params["stopped_on_nan"])
        finite = c.loss[:first]
        if len(finite):
            evidence |= {"first_loss": float(finite[0]), "last_finite_loss": float(finite[-1])}
        summary = (
            f"The loss became NaN or infinite at epoch {first + 1}"
            + (f" after going from {_g(finite[0])} to {_g(finite[-1])}" if len(finite) > 1 else "")
            + ": the weights blew up, the classic sign of a learning rate that is too high."
        )
        suggestions.append(
            "Scale the inputs (divide pixels by 255, standardise features): large inputs "
            "make large gradients."
        )
        suggestions.append("Check the inputs for extreme values (outliers, unscaled columns).")
        return [Finding("learning_rate_too_high", summary, evidence, suggestions)]

    loss = c.loss
    best = int(np.argmin(loss))
    if c.epochs >= 2 and best < c.epochs - 1 and loss[-1] >= LOSS_RISE_RATIO * loss[best]:
        evidence |= {
            "best_epoch": best + 1,
            "best_loss": float(loss[best]),
            "final_loss": float(loss[-1]),
            "rise": float(loss[-1] / loss[best] - 1),
        }
        summary = (
            f"The training loss rose from {_g(loss[best])} at epoch {best + 1} to "
            f"{_g(loss[-1])} at epoch {c.epochs} ({(loss[-1] / loss[best] - 1) * 100:.0f} % up): "
            "the steps overshoot the minimum."
        )
        return [Finding("learning_rate_too_high", summary, evidence, suggestions)]

    if c.epochs >= MIN_EPOCHS_FOR_TRENDS + 1:
        curves = [("training", loss, OSCILLATION_FRACTION)]
        if c.val_loss is not None:
            curves.append(("validation", c.val_loss, VAL_OSCILLATION_FRACTION))
        for which, curve, fraction in curves:
            up_epochs, reversals = _bounces(curve)
            if reversals >= 2 and reversals >= fraction * (c.epochs - 1):
                evidence |= {
                    "curve": which,
                    "direction_changes": reversals,
                    "epochs_with_jumps_up": up_epochs,
                    "lowest_loss": float(curve.min()),
                    "highest_loss_after_lowest": float(curve[int(np.argmin(curve)) :].max()),
                }
                summary = (
                    f"The {which} loss bounces: it changed direction {reversals} times in "
                    f"{c.epochs - 1} epochs, jumping up at epochs "
                    f"{', '.join(map(str, up_epochs))}, instead of descending."
                )
                suggestions.append("A larger batch_size also smooths the steps.")
                return [Finding("learning_rate_too_high", summary, evidence, suggestions)]
    if c.acc is not None and c.epochs >= MIN_EPOCHS_FOR_TRENDS and np.isfinite(c.acc).all():
        best_acc = int(np.argmax(c.acc))
        drop = float(c.acc[best_acc] - c.acc[-1])
        if drop >= ACCURACY_DROP:
            evidence |= {
                "best_accuracy_epoch": best_acc + 1,
                "best_accuracy": float(c.acc[best_acc]),
                "final_accuracy": float(c.acc[-1]),
                "first_loss": float(loss[0]),
                "final_loss": float(loss[-1]),
            }
            summary = (
                f"The training accuracy fell from {c.acc[best_acc]:.3f} at epoch {best_acc + 1} "
                f"to {c.acc[-1]:.3f} at epoch {c.epochs}: the steps are so large that they undo "
                "what was learned"
                + (f" (the loss started at {_g(loss[0])})." if loss[0] > 10 else ".")
            )
            return [Finding("learning_rate_too_high", summary, evidence, suggestions)]
    return []


def _bounces(curve: np.ndarray) -> tuple[list[int], int]:
    """Epochs (1-based) where the loss jumped up, and how often it changed direction.

    Only steps larger than OSCILLATION_STEP of the loss count, so noise is ignored; a
    curve that falls then rises (overfitting) changes direction once, a bouncing one
    at nearly every epoch.
    """
    steps = np.diff(curve)  # (epochs - 1,)
    big = np.abs(steps) > OSCILLATION_STEP * np.abs(curve[:-1])
    signs = np.sign(steps[big])
    up_epochs = [int(i) + 2 for i in np.flatnonzero(big & (steps > 0))]
    return up_epochs, int(np.count_nonzero(signs[1:] != signs[:-1]))


def _check_overfitting(c: _Curves, params: Mapping[str, Any]) -> list[Finding]:
    if c.val_loss is None or c.epochs < MIN_EPOCHS_FOR_TRENDS:
        return []
    val, loss = c.val_loss, c.loss
    best = int(np.argmin(val))
    after = c.epochs - 1 - best
    if after < OVERFIT_MIN_EPOCHS_AFTER_BEST:
        return []
    val_rise = val[-1] / val[best] - 1 if val[best] > 0 else math.inf
    train_fall = 1 - loss[-1] / loss[best] if loss[best] > 0 else 0.0
    if val_rise < OVERFIT_VAL_RISE or train_fall < OVERFIT_TRAIN_FALL:
        return []
    evidence: dict[str, Any] = {
        "best_epoch": best + 1,
        "best_val_loss": float(val[best]),
        "final_val_loss": float(val[-1]),
        "val_loss_rise": float(val_rise),
        "train_loss_at_best": float(loss[best]),
        "final_train_loss": float(loss[-1]),
        "gap_at_best": float(val[best] - loss[best]),
        "final_gap": float(val[-1] - loss[-1]),
    }
    if c.val_acc is not None:
        evidence["val_accuracy_at_best"] = float(c.val_acc[best])
        evidence["final_val_accuracy"] = float(c.val_acc[-1])
    patience = int(np.clip(round(c.epochs / 10), 2, 5))
    summary = (
        f"Overfitting from epoch {best + 2}: validation loss was lowest at epoch {best + 1} "
        f"({_g(val[best])}) and rose to {_g(val[-1])} by epoch {c.epochs} while the training "
        f"loss kept falling ({_g(loss[best])} -> {_g(loss[-1])}). Stop early."
    )
    suggestions = [
        f'Stop early: callbacks=[gn.callbacks.EarlyStopping(monitor="val_loss", '
        f"patience={patience}, restore_best_weights=True)], or train for {best + 1} epochs.",
        "Add Dropout (e.g. gn.layers.Dropout(0.2) to 0.5) after the hidden Dense layers.",
        "Get more training data, or use a smaller network (fewer units or layers).",
    ]
    planned = params.get("epochs")
    severity = "problem"
    if isinstance(planned, int | np.integer) and c.epochs < planned:
        evidence["planned_epochs"] = int(planned)
        summary += (
            f" Training stopped at epoch {c.epochs} of {int(planned)}: if that was "
            "EarlyStopping with restore_best_weights=True, the model already holds the best "
            "epoch's weights."
        )
        severity = "warning"
    return [Finding("overfitting", summary, evidence, suggestions, severity)]


def _check_not_converged(c: _Curves, lr: float | None) -> list[Finding]:
    if c.epochs < MIN_EPOCHS_FOR_TRENDS:
        return []
    loss = c.loss
    falls = -np.diff(loss)  # (epochs - 1,) positive when the loss went down
    window = max(1, min(TREND_WINDOW, len(falls) // 2))
    recent, early = falls[-window:], falls[:window]
    if not (recent > 0).all():
        return []
    recent_pace = float(recent.mean())  # loss lost per epoch, lately
    early_pace = float(early.mean())
    relative_pace = recent_pace / loss[-1] if loss[-1] > 0 else math.inf
    steady = early_pace > 0 and recent_pace >= STEADY_FALL_RATIO * early_pace
    if relative_pace < STILL_FALLING and not steady:
        return []  # flattening out: converged
    if c.val_loss is not None:
        val = c.val_loss
        val_best = float(val.min())
        still_improving = val[-1] <= val_best * (1 + 0.005) and val[-1] < val[-window - 1]
        if not still_improving:
            return []  # training keeps falling but validation doesn't: not "more epochs"
    total_fall = float(1 - loss[-1] / loss[0]) if loss[0] > 0 else 0.0
    slow = (lr is not None and lr <= SLOW_LEARNING_RATE) or (
        recent_pace >= 0.5 * early_pace and total_fall < SLOW_TOTAL_FALL
    )
    evidence: dict[str, Any] = {
        "epochs": c.epochs,
        "first_loss": float(loss[0]),
        "final_loss": float(loss[-1]),
        "fall_per_epoch_recent": recent_pace,
        "fall_per_epoch_early": early_pace,
        "relative_fall_per_epoch": float(relative_pace),
        "total_fall": total_fall,
    }
    if c.val_loss is not None:
        evidence["final_val_loss"] = float(c.val_loss[-1])
    if lr is not None:
        evidence["learning_rate"] = lr
    summary = (
        f"The loss was still falling at the last epoch: it went down in each of the last "
        f"{window} epochs, by {_g(recent_pace)} per epoch ({relative_pace * 100:.2g} % of its "
        f"value), from {_g(loss[0])} at epoch 1 to {_g(loss[-1])} at epoch {c.epochs}."
    )
    suggestions = [
        f"Train longer: epochs={2 * c.epochs} or more, with gn.callbacks.EarlyStopping("
        'monitor="val_loss", patience=3, restore_best_weights=True) to stop when it levels off.'
    ]
    if slow:
        why = (
            f"learning_rate={lr:g} is very small"
            if lr is not None and lr <= SLOW_LEARNING_RATE
            else f"the loss fell only {total_fall * 100:.0f} % in {c.epochs} epochs, steadily"
        )
        summary += f" The fall is very slow: {why}."
        suggestions.insert(
            0, _lr_advice(lr, 10, "raise") + " Adam's default, 0.001, is a good start."
        )
    return [Finding("not_converged", summary, evidence, suggestions)]


def _baseline(data: _Data, model: Any) -> tuple[float, str] | None:
    if data.y_train is not None:
        counts = np.unique(data.y_train, return_counts=True)[1]
        return float(counts.max() / counts.sum()), "majority class of the training data"
    n_classes = _n_output_classes(model) if model is not None else None
    if n_classes:
        return 1.0 / n_classes, f"1/{n_classes} classes (approximate: the class mix is unknown)"
    return None


def _check_underfitting(c: _Curves, baseline: tuple[float, str] | None) -> list[Finding]:
    if c.acc is None or baseline is None or not np.isfinite(c.acc[-1]):
        return []
    base, source = baseline
    acc = float(c.acc[-1])
    if base >= 1.0:
        return []
    progress = (acc - base) / (1.0 - base)
    if progress >= UNDERFIT_PROGRESS:
        return []
    evidence = {
        "final_train_accuracy": acc,
        "baseline": base,
        "baseline_source": source,
        "progress_beyond_baseline": float(progress),
        "epochs": c.epochs,
        "final_loss": float(c.loss[-1]),
    }
    summary = (
        f"After {c.epochs} epochs the training accuracy is {acc:.3f}, close to the baseline "
        f"{base:.3f} ({source}): the network has not even learned the training data."
    )
    suggestions = [
        "Use a larger network: more units in the hidden layer, or another hidden Dense layer.",
        "Train for more epochs.",
        "Scale the inputs (divide pixels by 255, standardise features).",
        "Check the learning rate (too small barely moves, too large bounces) and that the "
        "output layer matches the loss (from_logits).",
    ]
    return [Finding("underfitting", summary, evidence, suggestions)]


def _check_imbalance(c: _Curves, data: _Data) -> list[Finding]:
    if data.y_train is None:
        return []
    classes, counts = np.unique(data.y_train, return_counts=True)
    if len(classes) < 2 or counts.max() / counts.min() <= IMBALANCE_RATIO:
        return []
    use_val = c.val_acc is not None and np.isfinite(c.val_acc[-1])
    acc_curve = c.val_acc if use_val else c.acc
    if acc_curve is None or not np.isfinite(acc_curve[-1]):
        return []
    y_ref = data.y_val if use_val and data.y_val is not None else data.y_train
    ref_classes, ref_counts = np.unique(y_ref, return_counts=True)
    base = float(ref_counts.max() / ref_counts.sum())
    acc = float(acc_curve[-1])
    if acc > base + NEAR_BASELINE_POINTS + 1e-12:
        return []
    major = int(classes[np.argmax(counts)])
    minor = int(classes[np.argmin(counts)])
    which = "validation" if use_val else "training"
    evidence = {
        "class_counts": {int(k): int(n) for k, n in zip(classes, counts, strict=True)},
        "imbalance_ratio": float(counts.max() / counts.min()),
        f"final_{which}_accuracy": acc,
        "baseline": base,
        "majority_class": int(ref_classes[np.argmax(ref_counts)]),
    }
    summary = (
        f"The classes are imbalanced (class {major}: {counts.max()} samples, class {minor}: "
        f"{counts.min()}) and the {which} accuracy {acc:.3f} is within "
        f"{NEAR_BASELINE_POINTS * 100:.0f} points of the baseline {base:.3f}: the model may "
        f"just be predicting class {evidence['majority_class']}."
    )
    suggestions = [
        "Read the balanced accuracy and per-class recall: "
        "print(gn.metrics.classification_report(y_true, y_pred)).",
        "Rebalance the training set: oversample the rare classes or undersample the common one.",
        "Collect more examples of the rare classes.",
    ]
    return [Finding("imbalanced_data", summary, evidence, suggestions)]


def _check_unscaled(data: _Data) -> list[Finding]:
    x = data.x_train
    if x is None or x.dtype.kind not in "biuf" or x.size == 0 or x.ndim == 0:
        return []
    step = max(1, len(x) // _SAMPLE_ROWS)
    sample = as_float_array("x_train", x[::step].reshape(len(x[::step]), -1))  # (rows, features)
    rms = np.sqrt(np.mean(sample**2, axis=0))  # (features,) typical magnitude of each feature
    largest = float(rms.max())
    nonzero = rms[rms > 0]
    smallest = float(nonzero.min()) if len(nonzero) else 0.0
    ratio = largest / smallest if smallest > 0 else 1.0
    low, high = float(sample.min()), float(sample.max())
    pixels = low >= 0 and 1 < high <= 255 and np.array_equal(sample, np.round(sample))
    too_large = largest > UNSCALED_MAGNITUDE
    spread = largest > 1 and ratio > FEATURE_SCALE_RATIO
    if not (too_large or spread):
        return []
    evidence = {
        "min": low,
        "max": high,
        "largest_feature_rms": largest,
        "largest_feature": int(np.argmax(rms)),
        "smallest_feature_rms": smallest,
        "scale_ratio": float(ratio),
        "looks_like_pixels": bool(pixels),
    }
    if step > 1:
        evidence["rows_sampled"] = len(sample)
    if pixels:
        summary = (
            f"The inputs look like raw pixels in 0-{high:.0f} (typical magnitudes up to "
            f"{largest:.0f}): the first layer's weighted sums are huge and gradients jump."
        )
        suggestions = [
            "Divide the pixels by 255 (x_train / 255.0, the same for the test set), "
            "as the lecture does."
        ]
    elif too_large:
        summary = (
            f"Some input features are large: feature {int(np.argmax(rms))} has a typical "
            f"magnitude of {_g(largest)} (values from {_g(low)} to {_g(high)}), which saturates "
            "units and makes the gradients large."
        )
        suggestions = [
            "Standardise each feature: subtract the training set's mean and divide by its "
            "standard deviation (apply the same numbers to the validation and test sets)."
        ]
    else:
        summary = (
            f"The input features have very different scales: typical magnitudes from "
            f"{_g(smallest)} to {_g(largest)} ({ratio:.0f}x), so one learning rate can't suit "
            "them all."
        )
        suggestions = [
            "Standardise each feature: subtract the training set's mean and divide by its "
            "standard deviation (apply the same numbers to the validation and test sets)."
        ]
    return [Finding("unscaled_inputs", summary, evidence, suggestions)]


def _check_validation_mix(data: _Data) -> list[Finding]:
    if data.y_train is None or data.y_val is None or not len(data.y_val):
        return []
    train, val = _class_mix(data.y_train), _class_mix(data.y_val)
    classes = sorted(set(train) | set(val))
    distance = 0.5 * sum(abs(train.get(k, 0.0) - val.get(k, 0.0)) for k in classes)
    if distance < VALIDATION_MIX_DISTANCE:
        return []
    missing = [k for k in train if k not in val]
    evidence: dict[str, Any] = {
        "train_mix": {k: round(v, 4) for k, v in train.items()},
        "validation_mix": {k: round(v, 4) for k, v in val.items()},
        "distance": float(distance),
        "classes_missing_from_validation": missing,
    }
    if data.split_note:
        evidence["validation_rows"] = data.split_note
    only = f" holds only class {next(iter(val))}" if len(val) == 1 else " has a different class mix"
    summary = (
        f"The validation set{only}: {distance * 100:.0f} % of its samples would have to change "
        "class to match the training set's mix, so validation loss and accuracy don't measure "
        "what the model learned."
    )
    suggestions = [
        "Shuffle the data before fit: validation_split takes the LAST rows, before any "
        "shuffling, so data sorted by class gives a validation set of one class.",
        "Or split with shuffling and stratification yourself and pass "
        "validation_data=(x_val, y_val).",
    ]
    return [Finding("validation_mix", summary, evidence, suggestions)]


def _healthy(c: _Curves, baseline: tuple[float, str] | None) -> Finding:
    loss = c.loss
    evidence: dict[str, Any] = {
        "epochs": c.epochs,
        "first_loss": float(loss[0]),
        "final_loss": float(loss[-1]),
        "best_loss_epoch": int(np.argmin(loss)) + 1,
    }
    parts = [f"Training loss went from {_g(loss[0])} to {_g(loss[-1])} over {c.epochs} epochs"]
    if c.epochs >= 2:
        last_fall = float((loss[-2] - loss[-1]) / loss[-2]) if loss[-2] > 0 else 0.0
        evidence["last_epoch_relative_fall"] = last_fall
        parts[0] += " and levelled off"
    if c.val_loss is not None:
        best = int(np.argmin(c.val_loss))
        evidence |= {
            "best_val_epoch": best + 1,
            "best_val_loss": float(c.val_loss[best]),
            "final_val_loss": float(c.val_loss[-1]),
        }
        above = c.val_loss[-1] - c.val_loss[best]
        relative = f"{above / c.val_loss[best] * 100:.0f} %" if c.val_loss[best] > 0 else _g(above)
        parts.append(
            f"validation loss is {_g(c.val_loss[-1])}, within {relative} of its best "
            f"(epoch {best + 1})"
        )
    if c.acc is not None:
        evidence["final_accuracy"] = float(c.acc[-1])
        text = f"accuracy {c.acc[-1]:.3f}"
        if baseline is not None:
            evidence["baseline"] = baseline[0]
            text += f" against a baseline of {baseline[0]:.3f}"
        parts.append(text)
    summary = "; ".join(parts) + "."
    return Finding(
        "no_problem_found",
        summary,
        evidence,
        ["Check the model on the test set: model.evaluate and gn.metrics.classification_report."],
        severity="ok",
    )


# ------------------------------------------------------------------- public API


def diagnose(history: Any, data: Any = None, model: Any = None) -> Diagnosis:
    """Read a training run and say what went wrong and what to try.

    Args:
        history: the `History` returned by `model.fit` (or a dict of per-epoch lists
            such as {"loss": [...], "val_loss": [...]}).
        data: optional training data, for the checks that need it (baseline,
            imbalance, input scale, validation mix): `(x_train, y_train)`,
            `((x_train, y_train), (x_val, y_val))` or
            `{"train": (x, y), "validation": (x_val, y_val)}`. With only
            `(x, y)` and `history.params["validation_split"]`, the validation rows are
            rebuilt as Keras takes them (the last ones).
        model: optional model, for its learning rate (`model.optimizer.learning_rate`)
            and, without data, an approximate baseline of 1 / n_classes.

    Returns:
        A `Diagnosis`: a list of `Finding` (name, summary, evidence, suggestions).
        A healthy run gives the single finding "no_problem_found".

    Raises:
        TypeError: `history` or `data` of the wrong kind.
        ValueError: a history without "loss", or bad data arrays.

    >>> from glassnet.callbacks import History
    >>> h = History.from_dict({
    ...     "loss":     [0.9, 0.6, 0.45, 0.35, 0.28, 0.22, 0.17, 0.13],
    ...     "val_loss": [0.95, 0.7, 0.6, 0.58, 0.62, 0.68, 0.75, 0.83]})
    >>> d = diagnose(h)
    >>> d.names
    ['overfitting']
    >>> d["overfitting"].evidence["best_epoch"]
    4
    """
    h = _as_history(history)
    c = _curves(h)
    data_ = _parse_data(data, h)
    lr = _learning_rate(h, model)
    baseline = _baseline(data_, model)

    findings = _check_learning_rate(c, lr, h.params)
    diverged = bool(findings)
    findings += _check_unscaled(data_)
    findings += _check_validation_mix(data_)
    if not diverged:  # a blown-up curve says nothing more about fitting
        overfit = _check_overfitting(c, h.params)
        findings += overfit or _check_not_converged(c, lr)
        findings += _check_underfitting(c, baseline)
        findings += _check_imbalance(c, data_)
    if not findings and c.epochs < MIN_EPOCHS_FOR_TRENDS:
        findings.append(
            Finding(
                "too_few_epochs",
                f"Only {c.epochs} epoch(s): a curve needs at least {MIN_EPOCHS_FOR_TRENDS} "
                "to show a trend, so over- or under-training can't be judged yet.",
                {"epochs": c.epochs, "final_loss": float(c.loss[-1])},
                [f"Train for at least {MIN_EPOCHS_FOR_TRENDS} epochs (10 is the lecture's)."],
                severity="warning",
            )
        )
    if not findings:
        findings.append(_healthy(c, baseline))
    return Diagnosis(findings, c.epochs)


_PROBABILITIES = {"softmax", "sigmoid"}
_RAW = {None, "", "linear", "none", "identity"}


def check_output_and_loss(
    last_layer_activation_name: str | None,
    loss_name: str,
    from_logits: bool,
    *,
    units: int | None = None,
) -> str | None:
    """Check that the output layer and the loss agree; return a warning, or None.

    A cross-entropy loss takes probabilities (from_logits=False) or raw scores
    (from_logits=True). Softmax or sigmoid outputs with from_logits=True apply the
    squashing twice; raw logits (no activation) with from_logits=False are read as
    probabilities. Both train badly without an error.

    Args:
        last_layer_activation_name: the activation of the model's last layer
            ("softmax", "sigmoid", "linear" or None for none).
        loss_name: the loss's name, e.g. "sparse_categorical_crossentropy" or
            "SparseCategoricalCrossentropy"; losses other than cross-entropy pass.
        from_logits: the loss's from_logits setting.
        units: optional number of output units (1 with softmax is always wrong).

    Returns:
        A message saying which mismatch and how to fix it, or None when they agree.

    >>> check_output_and_loss(None, "SparseCategoricalCrossentropy", True) is None
    True
    >>> print(check_output_and_loss("softmax", "sparse_categorical_crossentropy", True))
    ... # doctest: +ELLIPSIS
    The output layer applies softmax but the loss ... has from_logits=True...
    """
    if not isinstance(loss_name, str):
        raise TypeError(f"loss_name must be a string, got {describe(loss_name)}.")
    key = loss_name.lower().replace("_", "").replace(" ", "")
    if "crossentropy" not in key:
        return None
    act = None if last_layer_activation_name is None else str(last_layer_activation_name).lower()
    binary = "binary" in key
    if act == "softmax" and binary and units == 1:
        return (
            f"The output layer is a softmax over 1 unit, which always outputs 1.0, so "
            f"{loss_name} can't learn. Fix: use activation='sigmoid' on the single output unit "
            "(or none with from_logits=True)."
        )
    if act in _PROBABILITIES and from_logits:
        return (
            f"The output layer applies {act} but the loss {loss_name} has from_logits=True, "
            f"so {act} is applied a second time inside the loss: outputs are squashed twice "
            "and training is slow or stalls. Fix: remove the activation from the last layer "
            "(e.g. Dense(10) as the lecture) and keep from_logits=True, or keep "
            f"activation='{act}' and set from_logits=False."
        )
    if act in _RAW and not from_logits:
        squash = "sigmoid" if binary else "softmax"
        return (
            f"The output layer has no activation (it outputs raw logits) but the loss "
            f"{loss_name} has from_logits=False, so it reads logits as probabilities: the loss "
            f"and its gradients are wrong. Fix: pass from_logits=True to the loss (as the "
            f"lecture does), or give the last layer activation='{squash}'."
        )
    if act == "sigmoid" and not binary and (units is None or units > 1) and not from_logits:
        return (
            f"The output layer applies sigmoid but {loss_name} expects probabilities that sum "
            "to 1 over the classes. Fix: use activation='softmax' on the last layer, or no "
            "activation with from_logits=True."
        )
    if act not in _PROBABILITIES and act not in _RAW:
        return (
            f"The output layer applies {act}, which gives neither probabilities nor free "
            f"logits for {loss_name}. Fix: use no activation on the last layer with "
            "from_logits=True (or softmax / sigmoid with from_logits=False)."
        )
    return None
