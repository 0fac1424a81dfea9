"""`descent`: gradient descent repeated until convergence, the loss and the weights per step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet._internal.checks import as_float_array, check_int, check_number, describe
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._network import leaf_stages, loss_of
from glassnet.explain._text import Explanation, indexed
from glassnet.layers import Dropout, Layer
from glassnet.testing import float64_copy

# A weight array with at most this many numbers has each number shown per step.
SHOWN_NUMBERS = 4
# At most this many steps are printed one per line; longer traces show the first and last.
SHOWN_STEPS = 12


@dataclass
class DescentExplanation(Explanation):
    """Plain gradient descent run until the loss stops changing (from `descent`).

    Attributes:
        learning_rate, tol: the step size and the tolerance on the loss's change.
        loss_name: the loss; losses: J before each step and after the last, one more
            than the steps taken.
        weights: per step, the weights before it (and after the last step, last),
            each a list in `get_weights()` order (float64).
        symbols: the symbol of each weight array ("w1", "b1", ...).
        steps_taken: how many updates were made.
        stopped: "converged" (|ΔJ| < tol), "steps" (the budget ran out) or "diverged"
            (the loss stopped being a finite number).

    >>> import numpy as np, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(1, use_bias=False, input_shape=(1,))])
    >>> model.set_weights([np.array([[1.0]])])
    >>> d = gn.explain.descent(model, [1.0], 3.0, learning_rate=0.5, loss="mse")
    >>> d.losses, d.stopped    # dJ/dw = 2(w - 3): one step of 0.5 lands on w = 3
    ([4.0, 0.0, 0.0], 'converged')
    """

    learning_rate: float
    tol: float
    loss_name: str
    losses: list[float]
    weights: list[list[np.ndarray]]
    symbols: list[str]
    steps_taken: int
    stopped: str

    @property
    def title(self) -> str:
        return (
            f"Gradient descent, repeated until convergence: w <- w - "
            f"{precise(self.learning_rate)} · dJ/dw"
        )

    @property
    def converged(self) -> bool:
        return self.stopped == "converged"

    @property
    def final_weights(self) -> list[np.ndarray]:
        """The weights after the last step, in `get_weights()` order (for `set_weights`)."""
        return [w.copy() for w in self.weights[-1]]

    def _row(self, t: int) -> str:
        parts = [f"step {t:>3}: J = {precise(self.losses[t])}"]
        for symbol, array in zip(self.symbols, self.weights[t], strict=True):
            if array.size <= SHOWN_NUMBERS:
                parts += [
                    f"{indexed(symbol, array.size, *p)} = {precise(array[p])}"
                    for p in np.ndindex(array.shape)
                ]
        if t > 0:
            change = self.losses[t] - self.losses[t - 1]
            parts.append(f"ΔJ = {precise(change)}")
        return ", ".join(parts)

    def sections(self):
        n = len(self.losses)
        if n <= SHOWN_STEPS:
            rows = [self._row(t) for t in range(n)]
        else:
            head = SHOWN_STEPS // 2
            rows = [self._row(t) for t in range(head)]
            rows.append(f"  ... {n - 2 * head + 1} steps not shown ...")
            rows += [self._row(t) for t in range(n - head + 1, n)]
        big = [s for s, w in zip(self.symbols, self.weights[0], strict=True) if w.size > 4]
        if big:
            rows.append(f"({', '.join(big)}: too many numbers to show each; see .weights)")
        why = {
            "converged": f"converged: the loss changed by less than tol = {precise(self.tol)}",
            "steps": "stopped: the step budget ran out before the loss settled "
            f"(|ΔJ| still >= tol = {precise(self.tol)})"
            + (
                "; the loss went up: the learning rate is too large"
                if self.losses[-1] > self.losses[0]
                else ""
            ),
            "diverged": "diverged: the loss is no longer a finite number; the learning rate "
            "is too large",
        }[self.stopped]
        summary = [
            f"{self.steps_taken} step(s); J went from {precise(self.losses[0])} to "
            f"{precise(self.losses[-1])} ({self.loss_name})",
            why,
        ]
        return [("step by step", rows), ("", summary)]

    def to_dict(self):
        return {
            "learning_rate": self.learning_rate,
            "tol": self.tol,
            "loss": self.loss_name,
            "losses": list(self.losses),
            "symbols": list(self.symbols),
            "weights": [[jsonable(w) for w in step] for step in self.weights],
            "steps_taken": self.steps_taken,
            "stopped": self.stopped,
        }


def _batch(model: Layer, x: Any) -> np.ndarray:
    """x as a float64 batch: one sample gains a batch axis; the model is built if needed."""
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a glassnet Sequential or layer, got {describe(model)}.")
    x = as_float_array("x", x, dtype=np.float64)
    if not model.built:
        declared = model.input_sample_shape
        model.build(tuple(declared) if declared is not None else x.shape[1:])
    shape = tuple(model.input_sample_shape)
    if x.shape == shape:
        return x[None]
    if x.shape[1:] == shape and len(x):
        return x
    raise ValueError(
        f"x must be one sample shaped {shape} or a batch shaped (n, {', '.join(map(str, shape))})"
        f", got {describe(x)}."
    )


def loss_and_gradients(model, weights, x, targets, loss):
    """J and dJ/dw (float64) at `weights` (per leaf, a dict like its params), Dropout off."""
    with float64_copy(model) as (copies, _, _):
        for leaf, params in zip(copies, weights, strict=True):
            leaf.params = params
            leaf.grads = {k: np.zeros_like(v) for k, v in params.items()}
        out = x
        for leaf in copies:
            out = leaf.forward(out, training=not isinstance(leaf, Dropout))
        value, grad = loss.loss_and_gradient(targets, out)
        for leaf in reversed(copies):
            grad = leaf.backward(grad)
        return float(value), [{k: leaf.grads[k].copy() for k in leaf.params} for leaf in copies]


def descent(
    model: Layer,
    x: Any,
    y: Any,
    learning_rate: float = 0.1,
    steps: int = 100,
    *,
    tol: float = 1e-6,
    loss: str | losses_module.Loss | None = None,
) -> DescentExplanation:
    """Run plain gradient descent on (x, y) until convergence, and show every step.

    The lecture's loop: find how much each weight should change (dJ/dw by
    backpropagation), take a step `w <- w - learning_rate · dJ/dw`, and repeat until
    there is no improvement: until the loss changes by less than `tol` from one step to
    the next, or `steps` updates have been made, or the loss stops being finite
    (diverges). J is the mean loss over the samples (full-batch gradient descent, in
    float64, inference mode: Dropout passes values through). The model is not changed:
    `model.set_weights(result.final_weights)` applies the result.

    Args:
        model: a compiled `Sequential` (or pass `loss`).
        x: one sample shaped as the model's input, or a batch of them.
        y: the target(s), as the loss expects them.
        learning_rate: the step size, > 0 (default 0.1).
        steps: the most updates to make, >= 1 (default 100).
        tol: stop when |J(step t) - J(step t-1)| < tol, >= 0 (default 1e-6).
        loss: the loss; default the compiled one.

    Returns:
        A `DescentExplanation`: `.losses`, `.weights` per step, `.stopped`.

    Raises:
        TypeError, ValueError: for a bad argument, a model without loss, data that does
            not fit the model.

    >>> import numpy as np, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(1, use_bias=False, input_shape=(1,))])
    >>> model.set_weights([np.array([[0.0]])])
    >>> d = descent(model, [1.0], 2.0, learning_rate=0.25, loss="mse")  # w <- w - 0.5 (w - 2)
    >>> [round(w[0].item(), 4) for w in d.weights[:4]], d.stopped
    ([0.0, 1.0, 1.5, 1.75], 'converged')
    """
    learning_rate = check_number("learning_rate", learning_rate, 0, low_inclusive=False)
    steps = check_int("steps", steps, minimum=1)
    tol = check_number("tol", tol, 0)
    x = _batch(model, x)
    loss = loss_of(model, loss)
    stages = leaf_stages(model)
    current = [dict(stage.params) for stage in stages]  # float64 copies (leaf_stages made them)
    symbols = [
        f"{'w' if key == 'kernel' else 'b'}{stage.number}"
        for stage in stages
        for key in stage.params
    ]
    with float64_copy(model) as (copies, _, _):
        probe = x
        for leaf in copies:
            probe = leaf.forward(probe, training=False)
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be numbers, got {describe(y)}.")
    if y.ndim == 0 or (len(x) == 1 and y.shape[0] != 1):
        y = y[None]  # the target of one sample, as a batch of one
    try:
        targets = loss.check_targets(y, probe.shape)
    except ValueError as error:
        raise ValueError(f"y does not fit the model's outputs {probe.shape}: {error}") from None
    targets = targets.astype(np.float64) if targets.dtype.kind == "f" else targets

    def flat(weights):
        return [w.copy() for params in weights for w in params.values()]

    losses, trace, stopped = [], [flat(current)], "steps"
    # A diverging run overflows on purpose: it is reported as "diverged", not raised.
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        value, grads = loss_and_gradients(model, current, x, targets, loss)
        losses.append(value)
        for _ in range(steps):
            current = [
                {k: params[k] - learning_rate * g[k] for k in params}
                for params, g in zip(current, grads, strict=True)
            ]
            value, grads = loss_and_gradients(model, current, x, targets, loss)
            losses.append(value)
            trace.append(flat(current))
            if not np.isfinite(value):
                stopped = "diverged"
                break
            if abs(value - losses[-2]) < tol:
                stopped = "converged"
                break
    return DescentExplanation(
        learning_rate, tol, loss.name, losses, trace, symbols, len(losses) - 1, stopped
    )
