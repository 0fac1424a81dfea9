"""`perceptron` and `perceptron_training`: a perceptron's output and its learning, explained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, describe
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._text import Explanation, vector
from glassnet.perceptron import Perceptron


@dataclass
class PerceptronExplanation(Explanation):
    """A perceptron's output for one sample (from `perceptron`).

    Attributes:
        x, weights, bias, bias_weight: the numbers that went in.
        terms: x_i * w_i for each input, then bias * w_bias.
        z: their sum; output: f(z); label: the class it stands for.
        text: the calculation as `Perceptron.explain` writes it.
    """

    x: np.ndarray
    weights: np.ndarray
    bias: float
    bias_weight: float
    terms: np.ndarray
    z: float
    output: float
    label: Any
    text: str

    title = "A perceptron's output, term by term"

    def sections(self):
        return [("", self.text.splitlines())]

    def to_dict(self):
        return jsonable(
            {
                "x": self.x,
                "weights": self.weights,
                "bias": self.bias,
                "bias_weight": self.bias_weight,
                "terms": self.terms,
                "z": self.z,
                "output": self.output,
                "label": self.label,
            }
        )


def perceptron(model: Perceptron, x: Any) -> PerceptronExplanation:
    """Explain a perceptron's output for one sample: each x_i*w_i, the bias term, z, f(z).

    >>> import glassnet as gn
    >>> p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")
    >>> e = perceptron(p, [2, 1])
    >>> e.z, e.output, e.terms.tolist()
    (2.0, 1.0, [1.5, -0.5, 1.0])
    """
    if not isinstance(model, Perceptron):
        raise TypeError(f"model must be a gn.Perceptron, got {describe(model)}.")
    text = model.explain(x)  # validates x
    x = as_float_array("x", x, ndim=1)
    terms = np.append(x * model.weights, model.bias * model.bias_weight)
    z = float(model.net_input(x[None])[0])
    return PerceptronExplanation(
        x=x,
        weights=np.array(model.weights, dtype=np.float64),
        bias=float(model.bias),
        bias_weight=float(model.bias_weight),
        terms=terms,
        z=z,
        output=float(model.activation(np.array([z]))[0]),
        label=model.predict(x[None])[0].item(),
        text=text,
    )


@dataclass
class TrainingTrace(Explanation):
    """Each epoch of `Perceptron.fit`: the misclassified points and their updates.

    Attributes:
        learning_rate: the fit's learning rate.
        initial_weights, initial_bias_weight: the weights before the first epoch.
        epochs: the fit's `EpochRecord`s (`.updates` holds each update's numbers).
        classes: (negative label, positive label).
        summary: the fit's one-line outcome.
    """

    learning_rate: float
    initial_weights: np.ndarray
    initial_bias_weight: float
    bias: float
    epochs: list[Any]
    classes: tuple[Any, Any]
    summary: str

    title = "Perceptron training, epoch by epoch"

    def sections(self):
        rule = (
            f"rule, for each misclassified point (t = 1 for class {self.classes[1]}, "
            f"0 for class {self.classes[0]}; p the prediction, the same way):\n"
            f"  w += {precise(self.learning_rate)} · (t - p) · x;   "
            f"w_bias += {precise(self.learning_rate)} · (t - p) · {precise(self.bias)}"
        )
        start = (
            f"start: w = {vector(self.initial_weights)}, "
            f"w_bias = {precise(self.initial_bias_weight)}"
        )
        sections = [("", [*rule.splitlines(), start])]
        for record in self.epochs:
            lines = []
            for update in record.updates:
                error = update.target - update.predicted
                lines.append(
                    f"  point {update.index}: x = {vector(update.x)}, class "
                    f"{self.classes[update.target]} (t = {update.target}), z = {precise(update.z)} "
                    f"gave p = {update.predicted}: "
                    f"w += {precise(self.learning_rate)}·({error:+d})·x "
                    f"= {vector(update.delta_weights)}, w_bias += "
                    f"{precise(update.delta_bias_weight)}"
                )
            lines.append(
                f"  end of epoch {record.epoch}: w = {vector(record.weights)}, "
                f"w_bias = {precise(record.bias_weight)}"
            )
            heading = (
                f"epoch {record.epoch}: {record.errors} misclassified"
                if record.errors
                else f"epoch {record.epoch}: no point misclassified, so training stops"
            )
            sections.append((heading, lines))
        sections.append(("", [self.summary]))
        return sections

    def to_dict(self):
        return {
            "learning_rate": self.learning_rate,
            "classes": jsonable(list(self.classes)),
            "initial_weights": jsonable(self.initial_weights),
            "initial_bias_weight": self.initial_bias_weight,
            "epochs": [
                {
                    "epoch": record.epoch,
                    "errors": record.errors,
                    "weights": jsonable(record.weights),
                    "bias_weight": float(record.bias_weight),
                    "updates": [
                        {
                            "index": u.index,
                            "x": jsonable(u.x),
                            "target": u.target,
                            "predicted": u.predicted,
                            "z": u.z,
                            "delta_weights": jsonable(u.delta_weights),
                            "delta_bias_weight": float(u.delta_bias_weight),
                        }
                        for u in record.updates
                    ],
                }
                for record in self.epochs
            ],
        }


def perceptron_training(model: Perceptron) -> TrainingTrace:
    """Explain the last `Perceptron.fit`: per epoch, each misclassified point and its update.

    >>> import glassnet as gn
    >>> p = gn.Perceptron(weights=[0.0, 0.0], bias_weight=0.0, activation="step")
    >>> trace = perceptron_training(p.fit(*gn.datasets.logic_gate("and"), learning_rate=0.5))
    >>> [record.errors for record in trace.epochs][-1]
    0
    """
    if not isinstance(model, Perceptron):
        raise TypeError(f"model must be a gn.Perceptron, got {describe(model)}.")
    if not model.history_:
        raise ValueError("the perceptron has not been trained: call fit(X, y) first.")
    weights, bias_weight = model.initial_weights_
    return TrainingTrace(
        learning_rate=model.learning_rate_,
        initial_weights=np.asarray(weights, dtype=np.float64),
        initial_bias_weight=float(bias_weight),
        bias=float(model.bias),
        epochs=list(model.history_),
        classes=tuple(model.classes_.tolist()),
        summary=model.fit_summary_,
    )
