"""The training doctor: reads a training run and says what went wrong and what to try.

The lecture asks twice, after a training curve, "what would you do next?":
decrease the learning rate, increase the epochs, add dropout, stop early.
`diagnose` answers from the numbers. Each `Finding` has a name, one sentence,
the evidence (epochs are 1-based, as Keras prints them: "Epoch 6/20") and what
to try, in plain words. A healthy run gets one finding, "no_problem_found",
with the evidence for it.

Findings: learning_rate_too_high, overfitting, not_converged, underfitting,
imbalanced_data, unscaled_inputs, validation_mix, too_few_epochs.

`gn.diagnose` is this package's `diagnose`; `gn.doctor` reaches the rest: `Finding`,
`Diagnosis` and the thresholds that decide each finding (`gn.doctor.MIN_EPOCHS_FOR_TRENDS`,
...). The compile-time check of the output layer against the loss (softmax with
from_logits=True, raw logits with from_logits=False) is each loss's own `check_output`.

The doctor only reads numbers: a `History` by duck type (`.history` and `.params`, or a
plain dict), arrays, and a model's `optimizer.learning_rate` and `layers`. It imports
nothing of the engine. Its parts: `_inputs` (what it reads), `_rules` (one function per
finding), `_findings` (the result types) and `_thresholds`.

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

from glassnet.doctor import _thresholds
from glassnet.doctor._findings import Diagnosis, Finding
from glassnet.doctor._inputs import baseline_of, learning_rate_of, read_curves, read_data, read_run
from glassnet.doctor._rules import (
    check_imbalance,
    check_learning_rate,
    check_not_converged,
    check_overfitting,
    check_underfitting,
    check_unscaled,
    check_validation_mix,
    healthy,
)
from glassnet.doctor._thresholds import *  # noqa: F403  (the thresholds, as its __all__ lists them)
from glassnet.doctor._thresholds import MIN_EPOCHS_FOR_TRENDS

__all__ = ["Diagnosis", "Finding", "diagnose", *_thresholds.__all__]


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
    run = read_run(history)
    c = read_curves(run)
    data_ = read_data(data, run)
    lr = learning_rate_of(run, model)
    baseline = baseline_of(data_, model)

    findings = check_learning_rate(c, lr, run.params, getattr(run, "stopped_on_nan", None))
    diverged = bool(findings)
    findings += check_unscaled(data_)
    findings += check_validation_mix(data_)
    if not diverged:  # a blown-up curve says nothing more about fitting
        overfit = check_overfitting(c, run.params)
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
