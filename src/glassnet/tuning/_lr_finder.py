"""`find_learning_rate`: the learning-rate range test (Smith 2017, "Cyclical Learning Rates").

One short training run whose learning rate rises exponentially from `start` to `end`,
a step per batch; the loss after each step is recorded beside the rate that made it.
Where the loss falls fastest, the rate is large enough to learn; where it turns up, the
rate is too large. The model is put back exactly as it was afterwards.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal.checks import (
    as_float_array,
    check_int,
    check_number,
    check_one_of,
    check_same_length,
    describe,
)
from glassnet._internal.numbers import short
from glassnet.model import Sequential

__all__ = ["LearningRateRange", "find_learning_rate"]

SUGGESTIONS = ("minimum", "steepest")


@dataclass
class LearningRateRange:
    """The range test's curve and its suggestion (from `find_learning_rate`).

    Attributes:
        rates: the learning rate of each step taken, rising exponentially.
        losses: the training loss on the next batch right after the step at `rates[i]`
            (so with one batch holding all the data, the loss one step at that rate made).
        smoothed: `losses` smoothed by an exponential moving average (bias-corrected).
        initial_loss: the loss before the first step.
        minimum_rate: the rate at the lowest smoothed loss.
        steepest_rate: the rate where the smoothed loss falls fastest per factor of rate
            (the most negative d smoothed / d log(rate), over a window of steps/10
            steps), before the minimum.
        suggestion: the rate suggested; method: "minimum" (a tenth of `minimum_rate`)
            or "steepest" (`steepest_rate`); reason: why, in a sentence.
        diverged: whether the run stopped early because the loss blew up.
        settings: the arguments of the test, and the optimizer's name.

    >>> import numpy as np, glassnet as gn
    >>> x = np.linspace(-1, 1, 32).reshape(-1, 1)
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> found = find_learning_rate(model, x, 2 * x, 1e-3, 10, steps=30, seed=0)
    >>> float(found.rates[0]), len(found.rates) == len(found.losses) == len(found.smoothed)
    (0.001, True)
    """

    rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    initial_loss: float
    minimum_rate: float
    steepest_rate: float
    suggestion: float
    method: str
    reason: str
    diverged: bool
    settings: dict[str, Any] = field(default_factory=dict)

    def plot(self, path: str | os.PathLike | None = None) -> Any:
        """The loss against the learning rate (log axis), the suggestion marked; see
        `gn.plots.plot_learning_rate_range`."""
        from glassnet.plots import plot_learning_rate_range

        return plot_learning_rate_range(self, path=path)

    def __str__(self) -> str:
        end = "stopped when the loss diverged" if self.diverged else "ran all steps"
        return (
            f"learning-rate range test: {len(self.rates)} steps, rates {short(self.rates[0])} "
            f"to {short(self.rates[-1])} ({end})\n"
            f"lowest smoothed loss {short(float(self.smoothed.min()))} at rate "
            f"{short(self.minimum_rate)}; steepest fall at rate {short(self.steepest_rate)}\n"
            f"suggested learning rate: {short(self.suggestion)} ({self.reason})"
        )

    def __repr__(self) -> str:
        return str(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rates": self.rates.tolist(),
            "losses": self.losses.tolist(),
            "smoothed": self.smoothed.tolist(),
            "initial_loss": self.initial_loss,
            "minimum_rate": self.minimum_rate,
            "steepest_rate": self.steepest_rate,
            "suggestion": self.suggestion,
            "method": self.method,
            "reason": self.reason,
            "diverged": self.diverged,
            "settings": dict(self.settings),
        }


def _smooth(losses: list[float], beta: float) -> np.ndarray:
    """Exponential moving average with bias correction, as Adam corrects its moments."""
    out, average = [], 0.0
    for i, value in enumerate(losses):
        average = beta * average + (1 - beta) * value
        out.append(average / (1 - beta ** (i + 1)))
    return np.array(out)


def _suggest(
    rates: np.ndarray, smoothed: np.ndarray, method: str
) -> tuple[float, float, float, str]:
    """(minimum rate, steepest rate, suggestion, reason)."""
    low = int(np.argmin(smoothed))
    minimum = float(rates[low])
    if low == 0 or len(rates) < 3:
        reason = (
            "the loss never fell below its value at the first rate: start the test lower "
            "(a smaller start=); this is a tenth of the first rate"
        )
        return minimum, minimum, float(rates[0]) / 10, reason
    # The slope over a window of 2k steps: a slope between neighbours is mostly noise.
    k = max(1, len(rates) // 20)
    logs = np.log(rates)
    centres = np.arange(k, min(low, len(rates) - 1 - k) + 1)
    if len(centres) == 0:
        centres = np.array([low])
        k = 0 if low == len(rates) - 1 else 1
    lo, hi = np.maximum(centres - k, 0), np.minimum(centres + k, len(rates) - 1)
    slope = (smoothed[hi] - smoothed[lo]) / np.maximum(logs[hi] - logs[lo], 1e-300)
    steep = float(rates[centres[int(np.argmin(slope))]])
    if method == "steepest":
        reason = (
            "the steepest fall of the smoothed loss: the rate that made the loss drop "
            "fastest, already large enough to learn and still short of the minimum"
        )
        return minimum, steep, steep, reason
    reason = (
        f"a tenth of the rate at the lowest smoothed loss ({short(minimum)}): at the minimum "
        "the rate is on the verge of diverging, ten times smaller is still fast and safe"
    )
    return minimum, steep, minimum / 10, reason


def _batches(n: int, batch_size: int, rng: np.random.Generator):
    """Sample indices of one batch after another, a new shuffle for each pass, as `fit`."""
    size = min(batch_size, n)
    while True:
        order = rng.permutation(n)
        for begin in range(0, n - size + 1, size):  # whole batches only: equal noise
            yield order[begin : begin + size]


def _batch_loss(model: Sequential, x, y, index: np.ndarray, backward: bool) -> float:
    """The training loss of one batch (regularization included); with `backward`, the
    gradients are left in the model for the optimizer, as one step of `fit` does."""
    out = x[index].astype(np.float32, copy=False)
    for layer in model.leaves():
        out = layer.forward(out, training=True)
    loss, grad = model.loss.loss_and_gradient(y[index], out)
    regularized = [layer for layer in model.leaves() if getattr(layer, "regularized", False)]
    if backward:
        model.backward(grad, need_input_grad=False)
        loss += sum(layer.add_regularization() for layer in regularized)
    elif regularized:
        loss += sum(sum(layer.losses) for layer in regularized)
    return float(loss)


def find_learning_rate(
    model: Sequential,
    x: Any,
    y: Any,
    start: float = 1e-7,
    end: float = 10.0,
    steps: int = 100,
    *,
    batch_size: int = 32,
    smoothing: float = 0.95,
    diverge: float = 4.0,
    suggest: str = "minimum",
    seed: int | None = None,
) -> LearningRateRange:
    """The learning-rate range test: train briefly with a rising rate, and suggest one.

    Step i (0 .. steps-1) trains one batch with the compiled optimizer at the rate
    `start * (end / start) ** (i / (steps - 1))`, then the next batch's loss is recorded
    beside that rate. The losses are smoothed (an exponential moving average with factor
    `smoothing`, bias-corrected); the test stops early once the smoothed loss is above
    `diverge` times its lowest value, or a loss is not finite. Batches are drawn as in
    `fit` (shuffled each pass over the data, by `seed`). Afterwards the model's weights,
    its optimizer's state, step count and learning rate, and its random generators are
    put back exactly: the test leaves no trace on the model.

    The suggestion, `suggest="minimum"` (default): a tenth of the rate at the lowest
    smoothed loss. The lowest point is where the rate is about to be too large; a tenth
    of it sits on the falling part of the curve, and a minimum is a robust feature of a
    noisy curve. `suggest="steepest"`: the rate where the smoothed loss falls fastest
    (the derivative of a noisy curve, so less stable, often a little more aggressive).

    Args:
        model: a compiled `Sequential`.
        x, y: training inputs and targets, as `fit` takes them.
        start, end: the first and the last rate, 0 < start < end (defaults 1e-7, 10).
        steps: how many steps (batches), >= 2 (default 100).
        batch_size: samples per step (default 32); a batch of all the data is plain
            full-batch training.
        smoothing: the moving average's factor beta in [0, 1) (default 0.95; 0: none).
        diverge: stop when the smoothed loss exceeds this many times its lowest, > 1
            (default 4).
        suggest: "minimum" or "steepest".
        seed: seed of the batches' shuffling (default None: fresh randomness).

    Returns:
        A `LearningRateRange`: `.rates`, `.losses`, `.smoothed`, `.suggestion`,
        `.reason` and `.plot()`.

    Raises:
        TypeError, ValueError: for a model that is not a compiled Sequential, or a bad
            argument (named, with what was expected).

    >>> import numpy as np, glassnet as gn
    >>> x = np.linspace(-1, 1, 64).reshape(-1, 1); y = 3 * x + 1
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> found = find_learning_rate(model, x, y, start=1e-4, end=10, steps=60, seed=0)
    >>> 1e-3 < found.suggestion < 1.0, found.diverged
    (True, True)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a glassnet Sequential, got {describe(model)}.")
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        raise ValueError("the model is not compiled: call model.compile(optimizer=..., loss=...)")
    start = check_number("start", start, 0, low_inclusive=False)
    end = check_number("end", end, 0, low_inclusive=False)
    if not end > start:
        raise ValueError(f"end must be larger than start, got start={start} and end={end}.")
    steps = check_int("steps", steps, minimum=2)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    smoothing = check_number("smoothing", smoothing, 0, 1, high_inclusive=False)
    diverge = check_number("diverge", diverge, 1, low_inclusive=False)
    suggest = check_one_of("suggest", suggest, SUGGESTIONS)
    x = np.asarray(x)
    if x.dtype.kind in "biu":  # images as uint8: cast per batch, as fit does (no float copy)
        x = x if x.dtype.kind != "b" else x.astype(np.float32)
    else:
        x = as_float_array("x", x, dtype=np.float32)
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be numbers, got {describe(y)}.")
    check_same_length("x", x, "y", y)
    if len(x) == 0:
        raise ValueError("x is empty: the range test needs training data.")
    if not model.built:
        model.build(None if model.input_sample_shape is not None else tuple(x.shape[1:]))
    if tuple(x.shape[1:]) != tuple(model.input_sample_shape):
        raise ValueError(
            f"x has samples shaped {tuple(x.shape[1:])}, but the model expects "
            f"{tuple(model.input_sample_shape)}."
        )
    y = model.loss.check_targets(y, (len(y), *model.output_sample_shape))
    rates = start * (end / start) ** (np.arange(steps) / (steps - 1))

    optimizer = model.optimizer
    pairs = model.weight_pairs
    saved_vectors = [(w.copy(), g.copy()) for w, g in model.packed_pairs]
    saved_state = optimizer.copy_state()
    saved_rate = optimizer.learning_rate_schedule or optimizer.learning_rate
    saved_rng = model.get_rng_state()
    rng = np.random.default_rng(seed)
    rate_now = [float(rates[0])]
    losses: list[float] = []
    diverged = False
    try:
        optimizer.learning_rate = lambda: rate_now[0]  # a function: settable over a schedule
        batches = _batches(len(x), batch_size, rng)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            initial = _batch_loss(model, x, y, next(batches), backward=True)
            if not math.isfinite(initial):
                raise ValueError(f"the loss before any step is {initial}: check the data.")
            for i, rate in enumerate(rates):
                rate_now[0] = float(rate)
                optimizer.apply(pairs)
                loss = _batch_loss(model, x, y, next(batches), backward=i < steps - 1)
                losses.append(loss)
                if not math.isfinite(loss):
                    diverged = True
                    break
                smoothed = _smooth(losses, smoothing)
                if smoothed[-1] > diverge * smoothed.min():
                    diverged = True
                    break
    finally:
        for (w, g), (w0, g0) in zip(model.packed_pairs, saved_vectors, strict=True):
            np.copyto(w, w0)
            np.copyto(g, g0)
        optimizer.learning_rate = saved_rate
        optimizer.restore_state(saved_state, [w for w, _ in pairs])
        model.set_rng_state(saved_rng)
    finite = [v for v in losses if math.isfinite(v)]
    taken = rates[: len(finite)]
    if len(finite) == 0:
        raise ValueError(
            f"the loss was not finite after the first step at rate {start}: start lower."
        )
    smoothed = _smooth(finite, smoothing)
    minimum, steepest, suggestion, reason = _suggest(taken, smoothed, suggest)
    settings = {
        "start": start,
        "end": end,
        "steps": steps,
        "batch_size": batch_size,
        "smoothing": smoothing,
        "diverge": diverge,
        "suggest": suggest,
        "seed": seed,
        "optimizer": type(optimizer).__name__,
    }
    return LearningRateRange(
        rates=np.array(taken),
        losses=np.array(finite),
        smoothed=smoothed,
        initial_loss=initial,
        minimum_rate=minimum,
        steepest_rate=steepest,
        suggestion=suggestion,
        method=suggest,
        reason=reason,
        diverged=diverged,
        settings=settings,
    )
