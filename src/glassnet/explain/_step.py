"""`step`: one gradient-descent step on one sample, each weight's change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet._internal.checks import check_number
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._network import (
    all_gradients,
    leaf_stages,
    loss_of,
    prepare_sample,
    run_sample,
    sample_loss,
    targets_of,
)
from glassnet.explain._text import Explanation, indexed, paren
from glassnet.layers import Layer


@dataclass
class ParameterChange:
    """One weight array's part in a gradient-descent step.

    Attributes:
        layer_name, parameter: where it lives ("dense", "kernel").
        symbol: "w1", "b1", ...
        before, gradient, change, after: arrays of the parameter's shape;
            change = -learning_rate * gradient and after = before + change.
    """

    layer_name: str
    parameter: str
    symbol: str
    before: np.ndarray
    gradient: np.ndarray
    change: np.ndarray
    after: np.ndarray

    def lines(self, learning_rate: float) -> list[str]:
        if self.before.size <= 12:
            return [
                f"  {indexed(self.symbol, self.before.size, *position)} = "
                f"{precise(self.before[position])} - {precise(learning_rate)} × "
                f"{paren(self.gradient[position])} = {precise(self.after[position])}"
                for position in np.ndindex(self.before.shape)
            ]
        largest = np.unravel_index(
            np.argsort(-np.abs(self.change), axis=None)[:3], self.change.shape
        )
        shown = ", ".join(
            f"{self.symbol}[{','.join(str(int(i)) for i in position)}] "
            f"{precise(self.before[position])} -> {precise(self.after[position])}"
            for position in zip(*largest, strict=True)
        )
        return [
            f"  {self.symbol}: {self.before.size} numbers, mean |change| "
            f"{precise(np.abs(self.change).mean())}; largest changes: {shown}"
        ]


@dataclass
class StepExplanation(Explanation):
    """One gradient-descent step on one sample (from `step`).

    Attributes:
        learning_rate: the step size.
        loss_name, loss_before, loss_after: the loss of the sample before and after.
        changes: a `ParameterChange` per weight array, in `get_weights()` order.
    """

    learning_rate: float
    loss_name: str
    loss_before: float
    loss_after: float
    changes: list[ParameterChange]

    @property
    def title(self) -> str:
        step = precise(self.learning_rate)
        return f"One gradient-descent step on one sample: w <- w - {step} · dJ/dw"

    @property
    def new_weights(self) -> list[np.ndarray]:
        """The weights after the step, in `get_weights()` order (for `set_weights`)."""
        return [change.after for change in self.changes]

    def sections(self):
        sections = [("", [f"loss before: J = {precise(self.loss_before)} ({self.loss_name})"])]
        for change in self.changes:
            heading = f"layer '{change.layer_name}', {change.parameter} {change.symbol}"
            sections.append((heading, change.lines(self.learning_rate)))
        difference = self.loss_after - self.loss_before
        trend = f"{'down' if difference < 0 else 'up'} {precise(abs(difference))}"
        change = trend if difference else "unchanged"
        sections.append(("", [f"loss after:  J = {precise(self.loss_after)} ({change})"]))
        return sections

    def to_dict(self):
        return {
            "learning_rate": self.learning_rate,
            "loss_before": self.loss_before,
            "loss_after": self.loss_after,
            "changes": [
                {
                    "layer": c.layer_name,
                    "parameter": c.parameter,
                    "symbol": c.symbol,
                    "before": jsonable(c.before),
                    "gradient": jsonable(c.gradient),
                    "after": jsonable(c.after),
                }
                for c in self.changes
            ],
        }


def step(
    model: Layer,
    x: Any,
    y: Any,
    learning_rate: float = 0.01,
    *,
    loss: str | losses_module.Loss | None = None,
) -> StepExplanation:
    """Explain one plain gradient-descent step on one sample: w <- w - learning_rate · dJ/dw.

    Shows the loss before, each weight's change (the largest ones for big arrays) and
    the loss after. The model is not changed: `model.set_weights(result.new_weights)`
    applies the step. (Training uses the compiled optimizer on batches; this is the
    lecture's gradient descent on one sample.)

    Args:
        model: a compiled `Sequential` (or pass `loss`).
        x: one sample; y: its target.
        learning_rate: the step size, > 0 (default 0.01).
        loss: the loss; default the compiled one.

    Returns:
        A `StepExplanation` with `.loss_before`, `.loss_after`, `.changes`, `.new_weights`.

    >>> import numpy as np, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.set_weights([np.array([[3.0]]), np.array([0.0])])
    >>> s = step(model, [2.0], 5.0, learning_rate=0.05, loss="mse")  # dJ/dw = 4, dJ/db = 2
    >>> [round(w.item(), 6) for w in s.new_weights], s.loss_before, round(s.loss_after, 6)
    ([2.8, -0.1], 1.0, 0.25)
    """
    learning_rate = check_number("learning_rate", learning_rate, 0, low_inclusive=False)
    x = prepare_sample(model, x)
    loss = loss_of(model, loss)
    stages = leaf_stages(model)
    output = run_sample(stages, x)[-1].outputs
    targets = targets_of(loss, y, output.size)
    loss_before = sample_loss(loss, targets, output)[0]
    changes = []
    for stage, gradients in zip(stages, all_gradients(model, x, targets, loss), strict=True):
        for key, before in stage.params.items():
            grad = gradients[key]
            change = -learning_rate * grad
            symbol = f"{'w' if key == 'kernel' else 'b'}{stage.number}"
            changes.append(
                ParameterChange(
                    stage.layer.name, key, symbol, before.copy(), grad, change, before + change
                )
            )
            stage.params[key] = before + change
    loss_after = sample_loss(loss, targets, run_sample(stages, x)[-1].outputs)[0]
    return StepExplanation(learning_rate, loss.name, loss_before, loss_after, changes)
