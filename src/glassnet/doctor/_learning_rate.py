"""The learning rate: too high (the loss blows up, rises beyond its own noise, bounces
without descending, or the accuracy collapses) or too low (the loss barely moves).

A learning rate far from its optimizer's usual range (`USUAL_LEARNING_RATES`) is named as
the cause of the curve it makes: Adam at 1.0 collapses to chance (an "underfitting"
curve), SGD at 1e6 gives a loss of 1e13 that never becomes NaN. Within the usual range,
only a symptom beyond noise counts: a curve that wiggles (dropout, small batches) is not a
learning rate problem.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet.doctor import _advice as advice
from glassnet.doctor._findings import Finding
from glassnet.doctor._inputs import Curves, level, noise
from glassnet.doctor._thresholds import (
    ACCURACY_DROP,
    DEFAULT_LEARNING_RATES,
    FAR_FROM_USUAL,
    HUGE_LOSS_FACTOR,
    LOSS_RISE_MATERIAL,
    LOSS_RISE_RATIO,
    MIN_EPOCHS_FOR_TRENDS,
    NOISE_FACTOR,
    OSCILLATION_FRACTION,
    OSCILLATION_STEP,
    SLOW_TOTAL_FALL,
    STEADY_FALL_RATIO,
    USUAL_LEARNING_RATES,
    VAL_OSCILLATION_FRACTION,
)

_NAMES = {
    "sgd": "SGD",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
}


def far_from_usual(lr: float | None, optimizer: str | None) -> tuple[str, str] | None:
    """("high" or "low", how it compares) when `lr` is far outside the usual range of
    `optimizer` (of every known optimizer when it is unknown); else None.

    >>> far_from_usual(1.0, "adam")
    ('high', "1,000x Adam's default (0.001), far above its usual range (up to 0.01)")
    >>> far_from_usual(0.1, "sgd") is None
    True
    """
    if lr is None:
        return None
    if optimizer in USUAL_LEARNING_RATES:
        low, high = USUAL_LEARNING_RATES[optimizer]
        default = DEFAULT_LEARNING_RATES[optimizer]
        name = _NAMES[optimizer]
        if lr >= FAR_FROM_USUAL * high:
            return "high", (
                f"{lr / default:,.0f}x {name}'s default ({short(default)}), far above its usual "
                f"range (up to {short(high)})"
            )
        if lr <= low / FAR_FROM_USUAL:
            return "low", (
                f"{default / lr:,.0f}x below {name}'s default ({short(default)}), far below its "
                f"usual range (from {low:g})"
            )
        return None
    highest = max(high for _, high in USUAL_LEARNING_RATES.values())
    lowest = min(low for low, _ in USUAL_LEARNING_RATES.values())
    if lr >= FAR_FROM_USUAL * highest:
        return "high", f"far above the usual range of SGD, Adam and RMSprop (up to {highest:g})"
    if lr <= lowest / FAR_FROM_USUAL:
        return "low", f"far below the usual range of SGD, Adam and RMSprop (from {lowest:g})"
    return None


def _bounces(curve: np.ndarray) -> tuple[list[int], int]:
    """Epochs (1-based) where the loss jumped up, and how often it changed direction.

    Only steps larger than OSCILLATION_STEP of the loss count; a curve that falls then
    rises (overfitting) changes direction once, a bouncing one at nearly every epoch.
    """
    steps = np.diff(curve)  # (epochs - 1,)
    big = np.abs(steps) > OSCILLATION_STEP * np.abs(curve[:-1])
    signs = np.sign(steps[big])
    up_epochs = [int(i) + 2 for i in np.flatnonzero(big & (steps > 0))]
    return up_epochs, int(np.count_nonzero(signs[1:] != signs[:-1]))


def _descends(curve: np.ndarray) -> bool:
    """Whether the curve's second half sits clearly below its first (epoch 1 left out)."""
    body = curve[1:]
    half = len(body) // 2
    return bool(np.median(body[half:]) < 0.8 * np.median(body[:half]))


def _fell_before(curve: np.ndarray, best: int) -> float:
    """How far a curve fell to its best epoch, from its start (a median, not one spike)."""
    start = max(float(curve[0]), float(np.median(curve[: best + 1])))
    return max(0.0, start - float(curve[best]))


def _symptom(c: Curves, chance: tuple[float, str] | None, far: bool) -> dict[str, Any] | None:
    """The strongest sign of steps that are too large, as evidence with a "sentence"."""
    loss = c.loss
    finite = np.isfinite(loss)
    if chance is not None and finite.any():
        worst = int(np.nanargmax(np.where(finite, loss, -np.inf)))
        if loss[worst] >= HUGE_LOSS_FACTOR * chance[0]:
            still = (
                f", and it is still {short(loss[-1])} at epoch {c.epochs}"
                if worst < c.epochs - 1 and loss[-1] >= HUGE_LOSS_FACTOR * chance[0]
                else ""
            )
            return {
                "symptom": "huge_loss",
                "highest_loss": float(loss[worst]),
                "highest_loss_epoch": worst + 1,
                "chance_loss": chance[0],
                "final_loss": float(loss[-1]),
                "sentence": f"the training loss reached {short(loss[worst])} at epoch "
                f"{worst + 1}, {loss[worst] / chance[0]:.3g}x the {short(chance[0])} of guessing "
                f"({chance[1]}){still}: the outputs blew up (huge weights or inputs)",
            }
    best = int(np.argmin(loss))
    after = c.epochs - 1 - best
    if c.epochs >= 2 and after >= 1:
        end = level(loss, min(2, after))
        fell_before = _fell_before(loss, best)
        rise = end - loss[best]
        if (
            end >= LOSS_RISE_RATIO * loss[best]
            and rise > NOISE_FACTOR * noise(loss)
            and rise >= LOSS_RISE_MATERIAL * fell_before
        ):
            return {
                "symptom": "rise",
                "best_epoch": best + 1,
                "best_loss": float(loss[best]),
                "final_loss": float(loss[-1]),
                "rise": float(loss[-1] / loss[best] - 1),
                "sentence": f"the training loss rose from {short(loss[best])} at epoch "
                f"{best + 1} to {short(loss[-1])} at epoch {c.epochs} "
                f"({(loss[-1] / loss[best] - 1) * 100:.0f} % up, beyond its own noise): the "
                "steps overshoot the minimum",
            }
    curves = [("training", loss, OSCILLATION_FRACTION)]
    if far and c.val_loss is not None and np.isfinite(c.val_loss).all():
        curves.append(("validation", c.val_loss, VAL_OSCILLATION_FRACTION))
    if c.epochs >= MIN_EPOCHS_FOR_TRENDS + 1:
        for which, curve, fraction in curves:
            up_epochs, reversals = _bounces(curve)
            flat = which == "validation" or not _descends(curve)
            if reversals >= 2 and reversals >= fraction * (c.epochs - 1) and flat:
                return {
                    "symptom": "bounce",
                    "curve": which,
                    "direction_changes": reversals,
                    "epochs_with_jumps_up": up_epochs,
                    "lowest_loss": float(curve.min()),
                    "highest_loss_after_lowest": float(curve[int(np.argmin(curve)) :].max()),
                    "sentence": f"the {which} loss bounces: it changed direction {reversals} "
                    f"times in {c.epochs - 1} epochs, jumping up at "
                    f"epoch{'s' if len(up_epochs) != 1 else ''} "
                    f"{', '.join(map(str, up_epochs))}, instead of descending",
                }
    if c.acc is not None and c.epochs >= MIN_EPOCHS_FOR_TRENDS and np.isfinite(c.acc).all():
        best_acc = int(np.argmax(c.acc))
        end_acc = level(c.acc, min(2, c.epochs - 1 - best_acc))
        drop = float(c.acc[best_acc] - end_acc)
        # On a loss plateau (it moved < OSCILLATION_STEP since the best accuracy) the
        # accuracy flips with near-chance predictions: noise, not steps that are too large.
        # So is a loss that ends at the level of guessing (ln 2 for two classes): the
        # predictions sit near 50/50 and the accuracy flips with them.
        since = loss[best_acc:]
        plateau = since.max() - since.min() < OSCILLATION_STEP * abs(since.max())
        plateau = plateau or (chance is not None and loss[-1] >= 0.9 * chance[0])
        # No noise allowance here: an accuracy wobbling by 10 points is the symptom itself.
        if drop >= ACCURACY_DROP and not plateau:
            return {
                "symptom": "accuracy_fell",
                "best_accuracy_epoch": best_acc + 1,
                "best_accuracy": float(c.acc[best_acc]),
                "final_accuracy": float(c.acc[-1]),
                "first_loss": float(loss[0]),
                "final_loss": float(loss[-1]),
                "sentence": f"the training accuracy fell from {c.acc[best_acc]:.3f} at epoch "
                f"{best_acc + 1} to {c.acc[-1]:.3f} at epoch {c.epochs}: the steps are so large "
                "that they undo what was learned"
                + (f" (the loss started at {short(loss[0])})" if loss[0] > 10 else ""),
            }
    return None


def _weak_symptom(
    c: Curves, chance: tuple[float, str] | None, baseline: Any
) -> dict[str, Any] | None:
    """What a learning rate far above its usual range makes, besides the strong symptoms: a
    collapse (the loss ends near chance, or the accuracy near the baseline), or a loss
    thrown above the level of guessing, where a softmax network starts."""
    loss = c.loss
    if chance is not None and loss[-1] >= 0.85 * chance[0]:
        return {
            "symptom": "chance_level",
            "final_loss": float(loss[-1]),
            "chance_loss": chance[0],
            "sentence": f"the loss ends at {short(loss[-1])}, the level of guessing "
            f"({short(chance[0])}, {chance[1]}): the network collapsed to chance",
        }
    if baseline is not None and c.acc is not None and np.isfinite(c.acc[-1]):
        base = baseline[0]
        if base < 1 and (c.acc[-1] - base) / (1 - base) < 0.25:
            return {
                "symptom": "chance_level",
                "final_accuracy": float(c.acc[-1]),
                "baseline": base,
                "sentence": f"the training accuracy ends at {c.acc[-1]:.3f}, near the baseline "
                f"{base:.3f}: the network collapsed to guessing",
            }
    if chance is not None and loss.max() >= 1.5 * chance[0]:
        worst = int(np.argmax(loss))
        return {
            "symptom": "above_chance",
            "highest_loss": float(loss[worst]),
            "highest_loss_epoch": worst + 1,
            "chance_loss": chance[0],
            "sentence": f"the training loss reached {short(loss[worst])} at epoch {worst + 1}, "
            f"above the {short(chance[0])} of guessing ({chance[1]}) where training starts: "
            "the steps threw the weights far off",
        }
    return None


def check_learning_rate_high(
    c: Curves,
    lr: float | None,
    optimizer: str | None,
    chance: tuple[float, str] | None,
    baseline: Any,
    stopped_on_nan: str | None = None,
) -> list[Finding]:
    """A learning rate too high: the loss blew up (NaN, or far above chance), rose beyond
    its noise, bounced, or the accuracy fell; or a learning rate far above the usual range
    with a collapse to chance."""
    far = far_from_usual(lr, optimizer)
    far_high = far is not None and far[0] == "high"
    evidence: dict[str, Any] = {}
    if lr is not None:
        evidence["learning_rate"] = lr
    suggestions = [advice.change_learning_rate(lr, 10, "lower")]
    if far_high:
        evidence["usual_range"] = list(USUAL_LEARNING_RATES.get(optimizer or "", ()))
        if optimizer in DEFAULT_LEARNING_RATES:
            suggestions.insert(
                0, advice.use_default_learning_rate(optimizer, DEFAULT_LEARNING_RATES[optimizer])
            )
    lead = f"The learning rate {lr:g} is {far[1]}" if far_high else ""

    bad = ~np.isfinite(c.loss)
    if c.val_loss is not None:
        bad |= ~np.isfinite(c.val_loss)
    if bad.any():
        first = int(np.argmax(bad))
        evidence |= {"first_nan_epoch": first + 1, "epochs": c.epochs}
        if stopped_on_nan:
            evidence["stopped_on_nan"] = str(stopped_on_nan)
        finite = c.loss[:first]
        if len(finite):
            evidence |= {"first_loss": float(finite[0]), "last_finite_loss": float(finite[-1])}
        went = (
            f" after going from {short(finite[0])} to {short(finite[-1])}"
            if len(finite) > 1
            else ""
        )
        summary = (
            (lead + ". " if lead else "")
            + f"The loss became NaN or infinite at epoch {first + 1}{went}: the weights blew up, "
            "the classic sign of a learning rate that is too high."
        )
        suggestions.append(
            advice.Advice(
                "Scale the inputs (divide pixels by 255, standardise features): large inputs "
                "make large gradients.",
                cli="Check that the inputs are scaled: large inputs make large gradients.",
            )
        )
        return [Finding("learning_rate_too_high", summary, evidence, suggestions)]

    found = _symptom(c, chance, far_high)
    if found is None and far_high:
        found = _weak_symptom(c, chance, baseline)
    if found is None:
        return []
    sentence = found.pop("sentence")
    evidence |= found
    if lead:
        summary = f"{lead}: {sentence}."
    else:
        summary = sentence[0].upper() + sentence[1:] + "."
    if found.get("symptom") == "bounce":
        suggestions.append(
            advice.Advice(
                "A larger batch_size also smooths the steps.",
                cli="A larger --batch-size also smooths the steps.",
            )
        )
    return [Finding("learning_rate_too_high", summary, evidence, suggestions)]


def check_learning_rate_low(c: Curves, lr: float | None, optimizer: str | None) -> list[Finding]:
    """A learning rate far below the usual range, with a loss that barely moved or is still
    falling without flattening."""
    far = far_from_usual(lr, optimizer)
    if far is None or far[0] != "low" or c.epochs < 2 or not np.isfinite(c.loss).all():
        return []
    loss = c.loss
    total_fall = float(1 - loss[-1] / loss[0]) if loss[0] > 0 else 0.0
    falls = -np.diff(loss)
    window = max(1, min(5, len(falls) // 2))
    steady = falls[:window].mean() > 0 and falls[-window:].mean() >= (
        STEADY_FALL_RATIO * falls[:window].mean()
    )
    if total_fall >= SLOW_TOTAL_FALL and not steady:
        return []
    evidence: dict[str, Any] = {
        "learning_rate": lr,
        "first_loss": float(loss[0]),
        "final_loss": float(loss[-1]),
        "total_fall": total_fall,
        "epochs": c.epochs,
        "usual_range": list(USUAL_LEARNING_RATES.get(optimizer or "", ())),
    }
    summary = (
        f"The learning rate {lr:g} is {far[1]}: the loss fell only {total_fall * 100:.2g} % in "
        f"{advice.plural(c.epochs, 'epoch')} ({short(loss[0])} -> {short(loss[-1])})"
        + (", still steadily: the steps are tiny." if steady else ".")
    )
    suggestions = [advice.change_learning_rate(lr, 10, "raise")]
    if optimizer in DEFAULT_LEARNING_RATES:
        suggestions.insert(
            0, advice.use_default_learning_rate(optimizer, DEFAULT_LEARNING_RATES[optimizer])
        )
    return [Finding("learning_rate_too_low", summary, evidence, suggestions)]
