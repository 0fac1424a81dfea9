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

from typing import Any

from glassnet import losses
from glassnet._checks import describe
from glassnet._diagnosis.base import (
    ACCURACY_DROP,
    FEATURE_SCALE_RATIO,
    LOSS_RISE_RATIO,
    MIN_EPOCHS_FOR_TRENDS,
    OSCILLATION_FRACTION,
    OSCILLATION_STEP,
    OVERFIT_MIN_EPOCHS_AFTER_BEST,
    OVERFIT_TRAIN_FALL,
    OVERFIT_VAL_RISE,
    SLOW_LEARNING_RATE,
    SLOW_TOTAL_FALL,
    STEADY_FALL_RATIO,
    STILL_FALLING,
    TREND_WINDOW,
    UNDERFIT_PROGRESS,
    UNSCALED_MAGNITUDE,
    VAL_OSCILLATION_FRACTION,
    VALIDATION_MIX_DISTANCE,
    Diagnosis,
    Finding,
)
from glassnet._diagnosis.checks import (
    baseline_of,
    check_imbalance,
    check_learning_rate,
    check_not_converged,
    check_overfitting,
    check_underfitting,
    check_unscaled,
    check_validation_mix,
    healthy,
)
from glassnet._diagnosis.inputs import as_history, learning_rate_of, read_curves, read_data

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
    h = as_history(history)
    c = read_curves(h)
    data_ = read_data(data, h)
    lr = learning_rate_of(h, model)
    baseline = baseline_of(data_, model)

    findings = check_learning_rate(c, lr, h.params, getattr(h, "stopped_on_nan", None))
    diverged = bool(findings)
    findings += check_unscaled(data_)
    findings += check_validation_mix(data_)
    if not diverged:  # a blown-up curve says nothing more about fitting
        overfit = check_overfitting(c, h.params)
        findings += overfit or check_not_converged(c, lr)
        findings += check_underfitting(c, baseline)
        findings += check_imbalance(c, data_)
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
        findings.append(healthy(c, baseline))
    return Diagnosis(findings, c.epochs)


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
    probabilities. Both train badly without an error. The rules live with the losses
    (`Loss.check_output`, which compile uses); this function finds the loss by name.

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
    if "binary" in key:
        loss: losses.Loss = losses.BinaryCrossentropy(from_logits)
    elif "sparse" in key:
        loss = losses.SparseCategoricalCrossentropy(from_logits)
    else:
        loss = losses.CategoricalCrossentropy(from_logits)
    return loss.check_output(last_layer_activation_name, units, name=loss_name)
