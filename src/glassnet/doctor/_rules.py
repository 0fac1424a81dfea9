"""The doctor's rules: one function per finding; each reads the curves (and the data) and
returns its findings, an empty list when the run does not show it.

The lecture's "what would you do next?" starts at `check_overfitting` and
`check_learning_rate`; the thresholds are in `_thresholds.py`, with why each has its value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array
from glassnet._internal.numbers import short
from glassnet.doctor._findings import Finding
from glassnet.doctor._inputs import Curves, Data, class_mix
from glassnet.doctor._thresholds import (
    ACCURACY_DROP,
    FEATURE_SCALE_RATIO,
    LOSS_RISE_RATIO,
    MIN_EPOCHS_FOR_TRENDS,
    OSCILLATION_FRACTION,
    OSCILLATION_STEP,
    OVERFIT_MIN_EPOCHS_AFTER_BEST,
    OVERFIT_TRAIN_FALL,
    OVERFIT_VAL_RISE,
    SAMPLE_ROWS,
    SLOW_LEARNING_RATE,
    SLOW_TOTAL_FALL,
    STEADY_FALL_RATIO,
    STILL_FALLING,
    TREND_WINDOW,
    UNDERFIT_PROGRESS,
    UNSCALED_MAGNITUDE,
    VAL_OSCILLATION_FRACTION,
    VALIDATION_MIX_DISTANCE,
)
from glassnet.metrics import (
    NEAR_BASELINE_POINTS,
    baseline_from_counts,
    imbalance_ratio,
    is_imbalanced,
)


def check_learning_rate(
    c: Curves, lr: float | None, params: Mapping[str, Any], stopped_on_nan: str | None = None
) -> list[Finding]:
    """A learning rate too high: the loss blew up (NaN), rose, bounced, or the accuracy fell."""
    bad = ~np.isfinite(c.loss)
    if c.val_loss is not None:
        bad |= ~np.isfinite(c.val_loss)
    evidence: dict[str, Any] = {}
    if lr is not None:
        evidence["learning_rate"] = lr
    suggestions = [learning_rate_advice(lr, 10, "lower")]
    if bad.any():
        first = int(np.argmax(bad))
        evidence |= {"first_nan_epoch": first + 1, "epochs": c.epochs}
        if stopped_on_nan or params.get("stopped_on_nan"):  # params: older History objects
            evidence["stopped_on_nan"] = str(stopped_on_nan or params["stopped_on_nan"])
        finite = c.loss[:first]
        if len(finite):
            evidence |= {"first_loss": float(finite[0]), "last_finite_loss": float(finite[-1])}
        summary = (
            f"The loss became NaN or infinite at epoch {first + 1}"
            + (
                f" after going from {short(finite[0])} to {short(finite[-1])}"
                if len(finite) > 1
                else ""
            )
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
    rose = loss[-1] > loss[best] and loss[-1] >= LOSS_RISE_RATIO * loss[best]  # not 0 -> 0
    if c.epochs >= 2 and best < c.epochs - 1 and rose:
        evidence |= {
            "best_epoch": best + 1,
            "best_loss": float(loss[best]),
            "final_loss": float(loss[-1]),
            "rise": float(loss[-1] / loss[best] - 1),
        }
        summary = (
            f"The training loss rose from {short(loss[best])} at epoch {best + 1} to "
            f"{short(loss[-1])} at epoch {c.epochs} "
            f"({(loss[-1] / loss[best] - 1) * 100:.0f} % up): the steps overshoot the minimum."
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
        # On a loss plateau (it moved < OSCILLATION_STEP since the best accuracy) the
        # accuracy flips with near-chance predictions: noise, not steps that are too large.
        since = loss[best_acc:]
        plateau = since.max() - since.min() < OSCILLATION_STEP * abs(since.max())
        if drop >= ACCURACY_DROP and not plateau:
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
                + (f" (the loss started at {short(loss[0])})." if loss[0] > 10 else ".")
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


def check_overfitting(c: Curves, params: Mapping[str, Any]) -> list[Finding]:
    """Overfitting: the validation loss rose after its best epoch while the training loss fell."""
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
        f"({short(val[best])}) and rose to {short(val[-1])} by epoch {c.epochs} while the training "
        f"loss kept falling ({short(loss[best])} -> {short(loss[-1])}). Stop early."
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


def check_not_converged(c: Curves, lr: float | None) -> list[Finding]:
    """Not converged: the loss was still falling steadily at the last epoch."""
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
        f"{window} epochs, by {short(recent_pace)} per epoch ({relative_pace * 100:.2g} % of its "
        f"value), from {short(loss[0])} at epoch 1 to {short(loss[-1])} at epoch {c.epochs}."
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
            0, learning_rate_advice(lr, 10, "raise") + " Adam's default, 0.001, is a good start."
        )
    return [Finding("not_converged", summary, evidence, suggestions)]


def check_underfitting(c: Curves, baseline: tuple[float, str] | None) -> list[Finding]:
    """Underfitting: the training accuracy barely got beyond the majority-class baseline."""
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


def check_imbalance(c: Curves, data: Data) -> list[Finding]:
    """Imbalanced data, with an accuracy near the majority-class baseline."""
    if data.y_train is None:
        return []
    classes, counts = np.unique(data.y_train, return_counts=True)
    if not is_imbalanced(counts):
        return []
    use_val = c.val_acc is not None and np.isfinite(c.val_acc[-1])
    acc_curve = c.val_acc if use_val else c.acc
    if acc_curve is None or not np.isfinite(acc_curve[-1]):
        return []
    y_ref = data.y_val if use_val and data.y_val is not None else data.y_train
    ref_classes, ref_counts = np.unique(y_ref, return_counts=True)
    base = baseline_from_counts(ref_counts)
    acc = float(acc_curve[-1])
    if acc > base + NEAR_BASELINE_POINTS + 1e-12:
        return []
    major = int(classes[np.argmax(counts)])
    minor = int(classes[np.argmin(counts)])
    which = "validation" if use_val else "training"
    evidence = {
        "class_counts": {int(k): int(n) for k, n in zip(classes, counts, strict=True)},
        "imbalance_ratio": imbalance_ratio(counts),
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


def check_unscaled(data: Data) -> list[Finding]:
    """Unscaled inputs: features too large (raw pixels) or of very different scales."""
    x = data.x_train
    if x is None or x.dtype.kind not in "biuf" or x.size == 0 or x.ndim == 0:
        return []
    step = max(1, len(x) // SAMPLE_ROWS)
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
            f"magnitude of {short(largest)} (values from {short(low)} to {short(high)}), which "
            "saturates units and makes the gradients large."
        )
        suggestions = [
            "Standardise each feature: subtract the training set's mean and divide by its "
            "standard deviation (apply the same numbers to the validation and test sets)."
        ]
    else:
        summary = (
            f"The input features have very different scales: typical magnitudes from "
            f"{short(smallest)} to {short(largest)} ({ratio:.0f}x), so one learning rate can't "
            "suit them all."
        )
        suggestions = [
            "Standardise each feature: subtract the training set's mean and divide by its "
            "standard deviation (apply the same numbers to the validation and test sets)."
        ]
    return [Finding("unscaled_inputs", summary, evidence, suggestions)]


def check_validation_mix(data: Data) -> list[Finding]:
    """A validation set whose class mix is unlike the training set's."""
    if data.y_train is None or data.y_val is None or not len(data.y_val):
        return []
    train, val = class_mix(data.y_train), class_mix(data.y_val)
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


def healthy(c: Curves, baseline: tuple[float, str] | None) -> Finding:
    """The finding of a healthy run, with the evidence for it."""
    loss = c.loss
    evidence: dict[str, Any] = {
        "epochs": c.epochs,
        "first_loss": float(loss[0]),
        "final_loss": float(loss[-1]),
        "best_loss_epoch": int(np.argmin(loss)) + 1,
    }
    parts = [
        f"Training loss went from {short(loss[0])} to {short(loss[-1])} over {c.epochs} epochs"
    ]
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
    summary = "; ".join(parts) + "."
    return Finding(
        "no_problem_found",
        summary,
        evidence,
        ["Check the model on the test set: model.evaluate and gn.metrics.classification_report."],
        severity="ok",
    )


def learning_rate_advice(lr: float | None, factor: float, direction: str) -> str:
    """The advice to lower (or raise) the learning rate `factor` times, with the new value."""
    if lr is None:
        example = "0.0001 instead of 0.001" if direction == "lower" else "0.001 instead of 0.0001"
        return f"{direction.capitalize()} the learning rate {factor:g}x (e.g. {example})."
    new = lr / factor if direction == "lower" else lr * factor
    return (
        f"{direction.capitalize()} the learning rate {factor:g}x: "
        f"learning_rate={new:g} instead of {lr:g}."
    )
