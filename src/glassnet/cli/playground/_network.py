"""Network mode: the model a request describes, its heat maps and its explanations.

Everything here is the engine's own work: `gn.Sequential` and `fit` train, the layers
compute the heat maps, `gn.explain.forward` and `gn.explain.gradient` explain a unit
or a weight with the real numbers.

>>> import numpy as np
>>> spec = network_spec({"layers": [{"units": 3, "activation": "tanh"}]}, n_classes=2)
>>> model = build(spec)
>>> [layer.units for layer in model.layers if hasattr(layer, "units")]
[3, 2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glassnet import explain, initializers, layers, models, optimizers, regularizers
from glassnet.cli.playground._limits import LIMITS, RequestError, choice, integer, number

__all__ = [
    "NetworkSpec",
    "build",
    "explain_step",
    "explain_unit",
    "explain_weight",
    "network_spec",
    "unit_maps",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OUTPUTS = ("softmax_crossentropy", "sigmoid_mse")
OPTIMIZERS = {"sgd": optimizers.SGD, "adam": optimizers.Adam, "rmsprop": optimizers.RMSprop}


@dataclass(frozen=True)
class NetworkSpec:
    """What the page asked for: hidden layers, output, optimizer and training options."""

    hidden: tuple[tuple[int, str], ...]
    n_classes: int
    output: str
    optimizer: str
    learning_rate: float
    batch_size: int
    epochs: int
    dropout: float
    l2: float
    seed: int

    def to_dict(self) -> dict:
        return {
            "layers": [{"units": u, "activation": a} for u, a in self.hidden],
            "output": self.output,
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "dropout": self.dropout,
            "l2": self.l2,
            "seed": self.seed,
        }


def network_spec(body: dict, n_classes: int) -> NetworkSpec:
    """Check a network request against the limits; RequestError names what is wrong."""
    hidden = body.get("layers", [{"units": 4, "activation": "tanh"}])
    if not isinstance(hidden, list):
        raise RequestError(f"layers: expected a list, got {type(hidden).__name__}")
    if len(hidden) > LIMITS["max_layers"]:
        raise RequestError(
            f"layers: at most {LIMITS['max_layers']} hidden layers, got {len(hidden)}"
        )
    checked = []
    for k, entry in enumerate(hidden):
        if not isinstance(entry, dict):
            raise RequestError(f"layers[{k}]: expected an object with units and activation")
        units = integer(entry, "units", 4, 1, LIMITS["max_units"])
        checked.append((units, choice(entry, "activation", "tanh", ACTIVATIONS)))
    output = choice(body, "output", "softmax_crossentropy", OUTPUTS)
    if output == "sigmoid_mse" and n_classes != 2:
        raise RequestError(f"output: sigmoid_mse needs two classes, the data has {n_classes}")
    return NetworkSpec(
        hidden=tuple(checked),
        n_classes=n_classes,
        output=output,
        optimizer=choice(body, "optimizer", "adam", tuple(OPTIMIZERS)),
        learning_rate=number(body, "learning_rate", 0.03, 0.0, 10.0, open_low=True),
        batch_size=integer(body, "batch_size", 16, 1, LIMITS["max_batch_size"]),
        epochs=integer(body, "epochs", 300, 1, LIMITS["max_epochs"]),
        dropout=number(body, "dropout", 0.0, 0.0, 0.9),
        l2=number(body, "l2", 0.0, 0.0, 1.0),
        seed=integer(body, "seed", 0, 0, 2**31 - 1),
    )


def build(spec: NetworkSpec) -> models.Sequential:
    """The compiled model, with initial weights drawn from `spec.seed` alone, so the same
    seed gives the same initial weights whatever else changed."""
    stack = []
    for k, (units, activation) in enumerate(spec.hidden):
        regularizer = regularizers.l2(spec.l2) if spec.l2 > 0 else None
        options = {"input_shape": (2,)} if k == 0 else {}
        stack.append(
            layers.Dense(units, activation=activation, kernel_regularizer=regularizer, **options)
        )
        if spec.dropout > 0:
            stack.append(layers.Dropout(spec.dropout))
    out_units, out_activation, loss = (
        (1, "sigmoid", "mse")
        if spec.output == "sigmoid_mse"
        else (spec.n_classes, "softmax", "sparse_categorical_crossentropy")
    )
    options = {} if spec.hidden else {"input_shape": (2,)}
    stack.append(layers.Dense(out_units, activation=out_activation, **options))
    model = models.Sequential(stack)
    model.compile(optimizer=OPTIMIZERS[spec.optimizer](spec.learning_rate), loss=loss)
    rng = np.random.default_rng(spec.seed)
    glorot = initializers.get("glorot_uniform")
    weights = []
    for w in model.get_weights():
        weights.append(glorot(w.shape, rng) if w.ndim == 2 else np.zeros(w.shape))
    model.set_weights(weights)
    return model


def targets(spec: NetworkSpec, y: np.ndarray) -> np.ndarray:
    """The labels as the loss wants them."""
    return y.astype(float).reshape(-1, 1) if spec.output == "sigmoid_mse" else y


def probabilities(model: models.Sequential, x: np.ndarray) -> np.ndarray:
    """(n, n_classes) class probabilities (a sigmoid output becomes [1 - p, p])."""
    out = np.asarray(model.predict(x, verbose=0), dtype=float)
    return np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out


def unit_maps(model: models.Sequential, grid: np.ndarray) -> list[list[list[float]]]:
    """Each hidden unit's output over the grid points: [layer][unit] -> values."""
    maps = []
    a = grid
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    for layer in model.layers:
        a = np.asarray(layer(a), dtype=float)
        if isinstance(layer, layers.Dense) and layer is not dense[-1]:
            maps.append(a.T.round(3).tolist())
    return maps


def _dense_steps(model: models.Sequential, x: np.ndarray):
    return [s for s in explain.forward(model, x).layers if s.kind == "Dense"]


def explain_unit(model: models.Sequential, x: np.ndarray, layer: int, unit: int) -> dict:
    """Unit `unit` (1-based) of Dense layer `layer` (1-based) on sample x, with its numbers."""
    steps = _dense_steps(model, x)
    if not 1 <= layer <= len(steps):
        raise RequestError(f"layer: expected 1 to {len(steps)}, got {layer}")
    step = steps[layer - 1]
    if not 1 <= unit <= step.kernel.shape[1]:
        raise RequestError(f"unit: expected 1 to {step.kernel.shape[1]}, got {unit}")
    j = unit - 1
    source = "x" if layer == 1 else f"a{layer - 1}_"
    terms = [
        f"{source}{i + 1}·w{layer}[{i + 1},{unit}] = {step.inputs[i]:.4g}·{step.kernel[i, j]:.4g}"
        f" = {step.terms[i, j]:.4g}"
        for i in range(len(step.inputs))
    ]
    bias = float(step.bias[j]) if step.bias is not None else 0.0
    z, a = float(step.z[j]), float(step.outputs[j])
    lines = [
        f"unit {unit} of layer {layer}: z{layer}_{unit} = weighted sum of its inputs + bias",
        *terms,
        f"bias b = {bias:.4g}",
        f"z{layer}_{unit} = {' + '.join(f'{t:.4g}' for t in step.terms[:, j])} + {bias:.4g}"
        f" = {z:.4g}",
        f"a{layer}_{unit} = {step.activation}({z:.4g}) = {a:.4g}",
    ]
    return {"lines": lines, "z": z, "a": a, "weights": step.kernel[:, j].tolist(), "bias": bias}


def explain_weight(
    model: models.Sequential, x: np.ndarray, y, layer: int, source: int, unit: int
) -> dict:
    """dJ/dw of the weight from input `source` to unit `unit` of Dense layer `layer`
    (all 1-based) for one sample, by the chain rule beside finite differences."""
    dense = [k for k, leaf in enumerate(model.layers) if isinstance(leaf, layers.Dense)]
    if not 1 <= layer <= len(dense):
        raise RequestError(f"layer: expected 1 to {len(dense)}, got {layer}")
    kernel = model.layers[dense[layer - 1]].get_weights()[0]
    if not (1 <= source <= kernel.shape[0] and 1 <= unit <= kernel.shape[1]):
        raise RequestError(f"weight: expected source 1-{kernel.shape[0]}, unit 1-{kernel.shape[1]}")
    g = explain.gradient(model, x, y, layer=dense[layer - 1], weight=(source - 1, unit - 1))
    return {
        "lines": [line for _, lines in g.sections() for line in lines],
        "formula": g.formula,
        "chain_rule": float(g.chain_rule),
        "finite_difference": float(g.finite_difference),
    }


def explain_step(model: models.Sequential, x: np.ndarray, y, learning_rate: float) -> dict:
    """One plain gradient-descent step on one sample, explained (the model is not changed)."""
    s = explain.step(model, x, y, learning_rate=learning_rate)
    return {
        "lines": [line for _, lines in s.sections() for line in lines],
        "loss_before": float(s.loss_before),
        "loss_after": float(s.loss_after),
    }
