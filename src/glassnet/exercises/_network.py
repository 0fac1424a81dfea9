"""Exercises on a network's arithmetic: a perceptron, a forward pass, a gradient.

Each maker takes a NumPy Generator and returns (question, solution, answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from glassnet import explain
from glassnet._internal.numbers import precise
from glassnet.layers import Dense
from glassnet.model import Sequential
from glassnet.perceptron import Perceptron

__all__ = ["LEARNING_RATE", "decimal", "float64_network", "forward", "gradient", "perceptron"]

LEARNING_RATE = 0.1


def decimal(rng: np.random.Generator, low: float, high: float, step: float = 0.1) -> float:
    """A random multiple of `step` in [low, high], never 0 (a zero weight teaches nothing)."""
    choices = [v for v in np.round(np.arange(low, high + step / 2, step), 10) if v != 0]
    return float(rng.choice(choices))


def _z(step: Any) -> np.ndarray:
    """A Dense layer's weighted sums in an explanation (None only for other layers)."""
    return cast(np.ndarray, step.z)


def float64_network(layers: list[Dense], weights: Sequence[npt.ArrayLike]) -> Sequential:
    """A named network holding `weights` in float64, so the answers are exact decimals.

    Its layers' arrays are float64 arrays of their own, not views into the model's packed
    float32 vector (which would round 0.1 to 0.100000001): the network is only ever run
    forward and explained, never trained, so nothing reads that vector.
    """
    model = Sequential(layers, name="network")
    model.build()
    for i, layer in enumerate(model.layers):
        kernel, bias = (np.array(w, dtype=np.float64) for w in weights[2 * i : 2 * i + 2])
        layer.params = {"kernel": kernel, "bias": bias}
    return model


def perceptron(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    activation = str(rng.choice(["sign", "step"]))
    while True:  # z exactly 0 would hinge on the activation's convention: draw again
        weights = [decimal(rng, -2, 2, 0.5) for _ in range(2)]
        bias_weight = decimal(rng, -2, 2, 0.5)
        x = [float(rng.integers(-3, 4)) for _ in range(2)]
        z = x[0] * weights[0] + x[1] * weights[1] + bias_weight
        if z != 0:
            break
    p = Perceptron(weights=weights, bias_weight=bias_weight, activation=activation)
    output = int(p.predict([x])[0])
    target = int(p.classes_[0] if output == p.classes_[1] else p.classes_[1])
    error = (1 if target == p.classes_[1] else 0) - (1 if output == p.classes_[1] else 0)
    new_weights = [
        round(w + LEARNING_RATE * error * xi, 10) for w, xi in zip(weights, x, strict=True)
    ]
    new_bias_weight = round(bias_weight + LEARNING_RATE * error * 1.0, 10)
    rule = {"sign": "1 if z > 0, else -1", "step": "1 if z >= 0, else 0"}[activation]
    question = (
        f"A perceptron has the weights w1 = {precise(weights[0])}, "
        f"w2 = {precise(weights[1])}, a bias\n"
        f"input of 1 with the weight w_bias = {precise(bias_weight)}, and the {activation} "
        f"activation ({rule}).\n\n"
        f"a) For the input x = ({precise(x[0])}, {precise(x[1])}), compute\n"
        f"   z = x1*w1 + x2*w2 + bias*w_bias and the output y = {activation}(z).\n"
        f"b) The correct output for this input is {target}. Apply the perceptron learning rule\n"
        f"   once, with learning rate {LEARNING_RATE}: w_i += {LEARNING_RATE} * (t - p) * x_i "
        f"and\n   w_bias += {LEARNING_RATE} * (t - p) * bias, where t and p are 1 for the "
        f"class {int(p.classes_[1])}\n   and 0 for the class {int(p.classes_[0])} (t: correct, "
        "p: predicted). What are the new weights?"
    )
    updates = "\n".join(
        f"w{i + 1} = {precise(w)} + {LEARNING_RATE} * ({error:+d}) * {precise(xi)} = {precise(new)}"
        for i, (w, xi, new) in enumerate(zip(weights, x, new_weights, strict=True))
    )
    solution = (
        f"a)\n{p.explain(x)}\n\nb) t - p = {error:+d}\n{updates}\n"
        f"w_bias = {precise(bias_weight)} + {LEARNING_RATE} * ({error:+d}) * 1 = "
        f"{precise(new_bias_weight)}"
    )
    answers = {
        "z": z,
        "output": output,
        "new_weights": new_weights,
        "new_bias_weight": new_bias_weight,
    }
    return question, solution, answers


def forward(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    hidden = str(rng.choice(["relu", "sigmoid", "tanh"]))
    output_activation = str(rng.choice(["linear", "sigmoid"]))
    w1 = np.array([[decimal(rng, -1, 1) for _ in range(2)] for _ in range(2)])
    b1 = np.array([decimal(rng, -0.5, 0.5) for _ in range(2)])
    w2 = np.array([[decimal(rng, -1, 1)] for _ in range(2)])
    b2 = np.array([decimal(rng, -0.5, 0.5)])
    x = [float(rng.integers(-2, 3)) or 1.0, decimal(rng, -1, 1, 0.5)]
    layers = [
        Dense(2, activation=hidden, input_shape=(2,), name="hidden"),
        Dense(1, activation=output_activation, name="output"),
    ]
    model = float64_network(layers, [w1, b1, w2, b2])
    result = explain.forward(model, x)
    question = (
        f"A network has 2 inputs, a hidden layer of 2 neurons with the {hidden} activation\n"
        f"and one output neuron with the {output_activation} activation. The weight from\n"
        "input i to hidden neuron j is w1[i,j]; from hidden neuron i to the output, w2[i,0].\n\n"
        f"  w1[0,0] = {precise(w1[0, 0])}   w1[0,1] = {precise(w1[0, 1])}   "
        f"b1[0] = {precise(b1[0])}\n"
        f"  w1[1,0] = {precise(w1[1, 0])}   w1[1,1] = {precise(w1[1, 1])}   "
        f"b1[1] = {precise(b1[1])}\n"
        f"  w2[0,0] = {precise(w2[0, 0])}   w2[1,0] = {precise(w2[1, 0])}   "
        f"b2 = {precise(b2[0])}\n\n"
        f"For the input x = ({precise(x[0])}, {precise(x[1])}), compute each hidden neuron's\n"
        "weighted sum z1[j] and output a1[j], then the output neuron's z2 and ŷ."
    )
    answers = {
        "z1": _z(result.layers[0]).tolist(),
        "a1": result.layers[0].outputs.tolist(),
        "z2": float(_z(result.layers[1])[0]),
        "y_hat": float(result.output[0]),
    }
    return question, str(result), answers


def gradient(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    x = float(rng.integers(1, 4))
    w1, b1 = decimal(rng, -1, 1), decimal(rng, -0.5, 0.5)
    w2, b2 = decimal(rng, -2, 2), decimal(rng, -0.5, 0.5)
    y = float(rng.integers(0, 3))
    layers = [
        Dense(1, activation="sigmoid", input_shape=(1,), name="hidden"),
        Dense(1, name="output"),
    ]
    model = float64_network(layers, [[[w1]], [b1], [[w2]], [b2]])
    model.compile(optimizer="sgd", loss="mse")
    forward = explain.forward(model, [x])
    by_w2 = explain.gradient(model, [x], y, layer=1, weight=(0, 0))
    by_w1 = explain.gradient(model, [x], y, layer=0, weight=(0, 0))
    question = (
        "The lecture's network: one input x, one hidden neuron with the sigmoid activation,\n"
        "one output neuron with no activation (linear), and the loss J = (ŷ - y)²:\n\n"
        "  z1 = x*w1 + b1,   a1 = f1(z1) = sigmoid(z1) = 1 / (1 + exp(-z1)),\n"
        "  z2 = a1*w2 + b2,  ŷ = f2(z2) = z2\n\n"
        f"with w1 = {precise(w1)}, b1 = {precise(b1)}, w2 = {precise(w2)}, b2 = {precise(b2)}, "
        f"the input x = {precise(x)}\nand the target y = {precise(y)}.\n\n"
        "a) Compute z1, a1, ŷ and J.\n"
        "b) Compute dJ/dw2 = dJ/dŷ · dŷ/dw2.\n"
        "c) Compute dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1.\n"
        "   (Hints: dJ/dŷ = 2(ŷ - y); f1'(z) = sigmoid(z)(1 - sigmoid(z)); f2'(z) = 1.)"
    )
    y_hat = float(forward.output[0])
    loss = f"J = (ŷ - y)² = ({precise(y_hat)} - {precise(y)})² = {precise(by_w1.loss)}"
    solution = f"a)\n{forward}\n\n{loss}\n\nb)\n{by_w2}\n\nc)\n{by_w1}"
    answers = {
        "z1": float(_z(forward.layers[0])[0]),
        "a1": float(forward.layers[0].outputs[0]),
        "y_hat": y_hat,
        "J": by_w1.loss,
        "dJ/dw2": by_w2.chain_rule,
        "dJ/dw1": by_w1.chain_rule,
    }
    return question, solution, answers
