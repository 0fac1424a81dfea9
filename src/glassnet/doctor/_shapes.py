"""The curve shapes: overfitting, still improving (not converged), underfitting, too few
epochs to judge, and the healthy run. Each rule returns its findings, [] when the run
does not show it; the thresholds are in `_thresholds.py`, with why each has its value.

The advice knows the run: a model that already has Dropout(0.5) is not told to add
Dropout, and a run that EarlyStopping ended with the best epoch's weights restored is
told so ("EarlyStopping restored epoch 6") and given the next step instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet.doctor import _advice as advice
from glassnet.doctor._findings import Advice, Finding
from glassnet.doctor._inputs import Curves, level, noise
from glassnet.doctor._summary import RunSummary
from glassnet.doctor._thresholds import (
    FAST_FALL,
    MATERIAL_RISE,
    MIN_EPOCHS_FOR_TRENDS,
    NOISE_FACTOR,
    OVERFIT_MIN_EPOCHS_AFTER_BEST,
    OVERFIT_TRAIN_FALL,
    OVERFIT_VAL_RISE,
    SLOW_LEARNING_RATE,
    SLOW_TOTAL_FALL,
    STEADY_FALL_RATIO,
    STILL_FALLING,
    TREND_WINDOW,
    UNDERFIT_PROGRESS,
)


def _early_stopping_note(s: RunSummary) -> str:
    stop = s.early_stopping
    if stop is None:
        return ""
    if stop.stopped_epoch and stop.restored_epoch:
        return (
            f"EarlyStopping (patience {stop.patience}) stopped at epoch {stop.stopped_epoch} "
            f"and restored epoch {stop.restored_epoch}"
        )
    if stop.restored_epoch:
        return f"EarlyStopping restored epoch {stop.restored_epoch}"
    if stop.stopped_epoch:
        return f"EarlyStopping (patience {stop.patience}) stopped at epoch {stop.stopped_epoch}"
    return ""


def check_overfitting(c: Curves, s: RunSummary, params: Mapping[str, Any]) -> list[Finding]:
    """Overfitting: the validation loss rose clearly above its best (beyond its own noise)
    while the training loss kept falling."""
    if c.val_loss is None or c.epochs < MIN_EPOCHS_FOR_TRENDS:
        return []
    val, loss = c.val_loss, c.loss
    if not (np.isfinite(val).all() and np.isfinite(loss).all()):
        return []
    best = int(np.argmin(val))
    after = c.epochs - 1 - best
    if after < OVERFIT_MIN_EPOCHS_AFTER_BEST:
        return []
    # The end as the model has it (the last epoch), and beyond noise: the mean of the last
    # k epochs, or of all epochs since the best, sits NOISE_FACTOR times its own noise
    # (noise / sqrt(epochs averaged)) above the best.
    k = min(3, after)
    rise = float(val[-1] - val[best])
    val_rise = rise / val[best] if val[best] > 0 else math.inf
    # "Kept falling": the training loss since the best epoch, as a median (a last-epoch
    # spike is another finding's), below the best epoch's.
    train_fall = 1 - float(np.median(loss[best + 1 :])) / loss[best] if loss[best] > 0 else 0.0
    fell_before = max(0.0, max(float(val[0]), float(np.median(val[: best + 1]))) - val[best])
    spread = noise(val)
    clear = max(
        (level(val, n) - val[best]) / (spread / math.sqrt(n)) if spread > 0 else math.inf
        for n in (k, after)
    )
    if (
        val_rise < OVERFIT_VAL_RISE
        or train_fall < OVERFIT_TRAIN_FALL
        or clear <= NOISE_FACTOR
        or rise < MATERIAL_RISE * fell_before
    ):
        return []
    evidence: dict[str, Any] = {
        "best_epoch": best + 1,
        "best_val_loss": float(val[best]),
        "final_val_loss": float(val[-1]),
        "val_loss_rise": float(val[-1] / val[best] - 1) if val[best] > 0 else math.inf,
        "train_loss_at_best": float(loss[best]),
        "final_train_loss": float(loss[-1]),
        "gap_at_best": float(val[best] - loss[best]),
        "final_gap": float(val[-1] - loss[-1]),
    }
    if c.val_acc is not None:
        evidence["val_accuracy_at_best"] = float(c.val_acc[best])
        evidence["final_val_accuracy"] = float(c.val_acc[-1])
    summary = (
        f"Overfitting from epoch {best + 2}: validation loss was lowest at epoch {best + 1} "
        f"({short(val[best])}) and rose to {short(val[-1])} by epoch {c.epochs} while the "
        f"training loss kept falling ({short(loss[best])} -> {short(loss[-1])})."
    )
    model = s.model
    dropout = model.dropout_rates if model is not None else []
    hidden = model.hidden_units if model is not None else []
    stop = s.early_stopping
    patience = int(np.clip(round(c.epochs / 10), 2, 5))
    severity = "problem"
    suggestions: list[str] = []
    if stop is not None and stop.restored_epoch:
        evidence |= {"early_stopping_patience": stop.patience}
        evidence["restored_epoch"] = stop.restored_epoch
        summary += f" {_early_stopping_note(s)}, so the model holds its best weights."
        severity = "warning"
    elif stop is not None:
        summary += f" {_early_stopping_note(s) or 'EarlyStopping ran'} without "
        summary += "restore_best_weights: the model holds the last epoch's weights."
        suggestions.append(
            Advice(
                "Keep the best epoch: gn.callbacks.EarlyStopping(..., restore_best_weights=True).",
                cli="--early-stopping restores the best epoch itself.",
            )
        )
    else:
        summary += " Stop early."
        suggestions.append(advice.stop_early(patience, best + 1))
        planned = params.get("epochs")
        if isinstance(planned, int | np.integer) and c.epochs < planned:
            evidence["planned_epochs"] = int(planned)
            summary += (
                f" Training stopped at epoch {c.epochs} of {int(planned)}: if that was "
                "EarlyStopping with restore_best_weights=True, the model already holds the best "
                "epoch's weights."
            )
            severity = "warning"
    if dropout:
        rates = ", ".join(f"{r:g}" for r in dropout)
        evidence["dropout_rates"] = dropout
        lead = f"Already Dropout({rates})"
        more = advice.more_data(f"{lead}: try more training data")
        suggestions += [more, advice.smaller_network(hidden)]
    else:
        suggestions += [advice.add_dropout(), advice.more_data(), advice.smaller_network(hidden)]
    return [Finding("overfitting", summary, evidence, suggestions, severity)]


def check_not_converged(c: Curves, lr: float | None) -> list[Finding]:
    """Still improving: the loss was still falling steadily at the last epoch, the
    validation loss at its best. A tip when the curve flattens, a warning when it doesn't."""
    if c.epochs < MIN_EPOCHS_FOR_TRENDS or not np.isfinite(c.loss).all():
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
    # The pace against the fall so far: 1 % of it per epoch is 10 % more in 10 epochs. At
    # 0.0014 after 1.3, a fall of 5 % of the value per epoch is no reason to go on.
    fallen = float(loss[0] - loss[-1])
    pace_of_fall = recent_pace / fallen if fallen > 0 else math.inf
    steady = early_pace > 0 and recent_pace >= STEADY_FALL_RATIO * early_pace
    if (relative_pace < STILL_FALLING or pace_of_fall < STILL_FALLING) and not steady:
        return []  # flattening out: converged
    if c.val_loss is not None:
        val = c.val_loss
        if not np.isfinite(val).all():
            return []
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
        "fall_per_epoch_of_total": float(pace_of_fall),
        "total_fall": total_fall,
    }
    if c.val_loss is not None:
        evidence["final_val_loss"] = float(c.val_loss[-1])
    if lr is not None:
        evidence["learning_rate"] = lr
    summary = (
        f"The loss was still falling at the last epoch: it went down in "
        f"{'the last epoch' if window == 1 else f'each of the last {window} epochs'}, by "
        f"{short(recent_pace)} per epoch ({relative_pace * 100:.2g} % of its value), from "
        f"{short(loss[0])} at epoch 1 to {short(loss[-1])} at epoch {c.epochs}"
        + (
            ", with the validation loss at its best: more epochs would help."
            if c.val_loss is not None
            else ": more epochs would help."
        )
    )
    suggestions: list[str] = [advice.train_longer(2 * c.epochs)]
    if slow:
        why = (
            f"the learning rate {lr:g} is very small"
            if lr is not None and lr <= SLOW_LEARNING_RATE
            else f"the loss fell only {total_fall * 100:.0f} % in {c.epochs} epochs, steadily"
        )
        summary += f" The fall is very slow: {why}."
        raise_lr = advice.change_learning_rate(lr, 10, "raise")
        suggestions.insert(
            0,
            Advice(
                f"{raise_lr} Adam's default, 0.001, is a good start.",
                cli=f"{raise_lr.cli} Adam's default, 0.001, is a good start.",
            ),
        )
    severity = "warning" if steady or pace_of_fall >= FAST_FALL or slow else "tip"
    return [Finding("not_converged", summary, evidence, suggestions, severity)]


def check_underfitting(
    c: Curves, baseline: tuple[float, str] | None, s: RunSummary
) -> list[Finding]:
    """Underfitting: the training accuracy barely got beyond the majority-class baseline
    after at least MIN_EPOCHS_FOR_TRENDS epochs (after 2 it has hardly begun)."""
    if c.acc is None or baseline is None or not np.isfinite(c.acc[-1]):
        return []
    if c.epochs < MIN_EPOCHS_FOR_TRENDS:
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
    where = "below" if acc < base - 0.02 else "close to"
    summary = (
        f"After {advice.plural(c.epochs, 'epoch')} the training accuracy is {acc:.3f}, {where} "
        f"the baseline {base:.3f} ({source}): the network has not even learned the training "
        "data."
    )
    hidden = s.model.hidden_units if s.model is not None else None
    suggestions = [
        advice.larger_network(hidden),
        Advice(
            f"Train for more epochs: epochs={2 * c.epochs}.",
            cli=f"Train for more epochs: --epochs {2 * c.epochs}.",
        ),
        Advice(
            "Scale the inputs (divide pixels by 255, standardise features).",
            cli="Check that the inputs are scaled (glassnet train scales them itself).",
        ),
        Advice(
            "Check the learning rate (too small barely moves, too large bounces) and that the "
            "output layer matches the loss (from_logits).",
            cli="Check the learning rate (--lr: too small barely moves, too large bounces).",
        ),
    ]
    return [Finding("underfitting", summary, evidence, suggestions)]


def too_few_epochs(c: Curves) -> Finding:
    """Fewer epochs than a trend needs."""
    return Finding(
        "too_few_epochs",
        f"Only {advice.plural(c.epochs, 'epoch')}: a curve needs at least "
        f"{MIN_EPOCHS_FOR_TRENDS} to show a trend, so over- or under-training can't be judged "
        "yet.",
        {"epochs": c.epochs, "final_loss": float(c.loss[-1])},
        [
            Advice(
                f"Train for at least {MIN_EPOCHS_FOR_TRENDS} epochs (10 is the lecture's).",
                cli=f"Train for at least {MIN_EPOCHS_FOR_TRENDS} epochs: --epochs 10, as the "
                "lecture.",
            )
        ],
        severity="warning",
    )


def healthy(c: Curves, baseline: tuple[float, str] | None, s: RunSummary) -> Finding:
    """The finding of a healthy run, with the evidence for it."""
    loss = c.loss
    evidence: dict[str, Any] = {
        "epochs": c.epochs,
        "first_loss": float(loss[0]),
        "final_loss": float(loss[-1]),
        "best_loss_epoch": int(np.nanargmin(loss)) + 1,
    }
    parts = [
        f"Training loss went from {short(loss[0])} to {short(loss[-1])} over "
        f"{advice.plural(c.epochs, 'epoch')}"
    ]
    if c.epochs >= 2:
        last_fall = float((loss[-2] - loss[-1]) / loss[-2]) if loss[-2] > 0 else 0.0
        evidence["last_epoch_relative_fall"] = last_fall
        # Levelled off: the last epoch took under 2 % of the whole fall off the loss.
        fallen = float(loss[0] - loss[-1])
        flat = fallen <= 0 or (loss[-2] - loss[-1]) / fallen < 2 * STILL_FALLING
        parts[0] += " and levelled off" if flat else ", still falling"
    if c.val_loss is not None and np.isfinite(c.val_loss).any():
        best = int(np.nanargmin(c.val_loss))
        evidence |= {
            "best_val_epoch": best + 1,
            "best_val_loss": float(c.val_loss[best]),
            "final_val_loss": float(c.val_loss[-1]),
        }
        above = c.val_loss[-1] - c.val_loss[best]
        if best == c.epochs - 1:
            parts.append(f"validation loss is {short(c.val_loss[-1])}, at its best")
        else:
            relative = (
                f"{above / c.val_loss[best] * 100:.0f} %" if c.val_loss[best] > 0 else short(above)
            )
            parts.append(
                f"validation loss is {short(c.val_loss[-1])}, within {relative} of its best "
                f"(epoch {best + 1})"
            )
    if c.acc is not None:
        evidence["final_accuracy"] = float(c.acc[-1])
        text = f"accuracy {c.acc[-1]:.3f}"
        if baseline is not None:
            evidence["baseline"] = baseline[0]
            text += f" against a baseline of {baseline[0]:.3f}"
        parts.append(text)
    note = _early_stopping_note(s)
    if note:
        parts.append(note)
        if s.early_stopping is not None and s.early_stopping.restored_epoch:
            evidence["restored_epoch"] = s.early_stopping.restored_epoch
    return Finding(
        "no_problem_found",
        "; ".join(parts) + ".",
        evidence,
        [
            Advice(
                "Check the model on the test set: model.evaluate and "
                "gn.metrics.classification_report.",
                cli="Check the model on the test set: glassnet evaluate RUN.",
            )
        ],
        severity="ok",
    )
