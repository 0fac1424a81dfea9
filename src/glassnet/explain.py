"""Every number explained: a forward pass, one weight's gradient, one training step.

Each function returns an `Explanation`: it prints as text in a terminal, renders as
HTML in a notebook, and keeps its numbers as attributes (and in `to_dict()`), so a
learner can check a hand calculation and a test or an exercise can check the numbers.

| function              | explains                                                     |
|-----------------------|--------------------------------------------------------------|
| `forward`             | one sample, layer by layer: each weighted sum term by term   |
| `gradient`            | dJ/dw for one weight by the chain rule, beside backprop and  |
|                       | finite differences                                           |
| `step`                | one gradient-descent step: loss before, each change, after   |
| `perceptron`          | a perceptron's output for one sample                         |
| `perceptron_training` | each epoch of `Perceptron.fit`: the misclassified points and |
|                       | the update each one made                                     |

Networks are explained in float64 on copies of the weights, in inference mode
(Dropout passes values through); the model is never changed. Symbols follow the
lecture: the k-th layer with weights has weights `wk`, weighted sums `zk` and outputs
`ak`; its input is `x` for the first one; the network's output is ŷ and the loss J.

>>> import numpy as np, glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid", input_shape=(1,)),
...                        gn.layers.Dense(1)])
>>> model.set_weights([np.array([[2.0]]), np.array([0.0]), np.array([[0.5]]), np.array([0.0])])
>>> model.compile(optimizer="sgd", loss="mse")
>>> g = gn.explain.gradient(model, [1.0], 1.0, layer=0, weight=(0, 0))
>>> g.formula
'dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1'
>>> abs(g.chain_rule - g.finite_difference) < 1e-6
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import activations
from glassnet import losses as losses_module
from glassnet._checks import as_float_array, check_int, check_number, describe
from glassnet._json import jsonable
from glassnet.layers import Activation, Dense, Dropout, Flatten, Layer
from glassnet.perceptron import Perceptron
from glassnet.testing import float64_copy

__all__ = [
    "Explanation",
    "ForwardExplanation",
    "GradientExplanation",
    "PerceptronExplanation",
    "StepExplanation",
    "TrainingTrace",
    "forward",
    "gradient",
    "perceptron",
    "perceptron_training",
    "step",
]

# A weighted sum with more terms than this is summarised by its largest terms.
MAX_TERMS = 8
# A layer with more units than this shows only the units with the largest outputs.
MAX_UNITS = 8
# The finite-difference step (float64 central differences).
EPSILON = 1e-6


# -- formatting ---------------------------------------------------------------------------


def _fmt(value: float) -> str:
    """A number for an equation: 6 significant digits, no '-0'."""
    value = float(value)
    return f"{value + 0.0:.6g}"


def _paren(value: float) -> str:
    """A number as a factor: negative ones in parentheses, so 0.5*(-0.2) reads clearly."""
    text = _fmt(value)
    return f"({text})" if text.startswith("-") else text


def _vector(values: Any, limit: int = 10) -> str:
    """A short vector: [0.1, -2, 3] (the first `limit` values, then '... (n values)')."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    shown = ", ".join(_fmt(v) for v in flat[:limit])
    return f"[{shown}]" if flat.size <= limit else f"[{shown}, ...] ({flat.size} values)"


def _index(symbol: str, size: int, *indices: int) -> str:
    """`w1` when the array holds one number, else `w1[2,0]`."""
    return symbol if size == 1 else f"{symbol}[{','.join(str(i) for i in indices)}]"


class Explanation:
    """Base class: a title and sections of lines, as text, HTML and data.

    Subclasses implement `sections()` (heading, lines) and `to_dict()`.
    """

    title = ""

    def sections(self) -> list[tuple[str, list[str]]]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The numbers, as plain Python values (JSON-ready)."""
        raise NotImplementedError

    def __str__(self) -> str:
        parts = [self.title]
        for heading, lines in self.sections():
            parts.append("")
            if heading:
                parts.append(heading)
            parts.extend(lines)
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        parts = [f"<div class='glassnet-explain'><h3>{html.escape(self.title)}</h3>"]
        for heading, lines in self.sections():
            if heading:
                parts.append(f"<h4>{html.escape(heading)}</h4>")
            parts.append(f"<pre>{html.escape(chr(10).join(lines))}</pre>")
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        return str(self)


# -- the network, one sample at a time, in float64 ------------------------------------------


@dataclass
class _Stage:
    """One leaf layer, with float64 copies of its weights."""

    layer: Layer
    index: int  # position among the model's leaves
    number: int  # k of the layer with weights it is or follows (wk, zk, ak); 0 before any
    params: dict[str, np.ndarray]
    input_symbol: str  # what its input is called: "x", "a1", "z2", ...
    symbol: str  # what its output is called

    @property
    def activation(self) -> activations.ActivationFunction | None:
        return getattr(self.layer, "activation", None)


def _stages(model: Layer) -> list[_Stage]:
    """The model's leaf layers with float64 weights and the lecture's symbols.

    A Dense layer k computes zk and outputs ak = fk(zk); when it is linear and an
    Activation layer follows, that layer applies fk, so the Dense outputs zk and the
    Activation ak. Flatten and Dropout keep their input's symbol.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a glassnet Sequential or layer, got {describe(model)}.")
    leaves = model.leaves()
    supported = (Flatten, Dense, Dropout, Activation)
    stages, number, current = [], 0, "x"
    for index, leaf in enumerate(leaves):
        if not isinstance(leaf, supported):
            raise TypeError(
                f"explain knows the layers {', '.join(c.__name__ for c in supported)}; layer "
                f"{index} '{leaf.name}' is a {type(leaf).__name__}."
            )
        symbol = current
        if isinstance(leaf, Dense):
            number += 1
            following = next(
                (nxt for nxt in leaves[index + 1 :] if not isinstance(nxt, Dropout)), None
            )
            activated_later = leaf.activation.name == "linear" and isinstance(following, Activation)
            symbol = f"z{number}" if activated_later else f"a{number}"
        elif isinstance(leaf, Activation):
            symbol = f"a{number}" if number and current == f"z{number}" else f"{current}'"
        params = {k: np.array(v, dtype=np.float64) for k, v in leaf.params.items()}
        stages.append(_Stage(leaf, index, number, params, current, symbol))
        current = symbol
    return stages


@dataclass
class _Values:
    """What one stage computed: its input, its weighted sums (Dense) and its output."""

    inputs: np.ndarray
    z: np.ndarray | None
    outputs: np.ndarray


def _run(stages: list[_Stage], x: np.ndarray) -> list[_Values]:
    """The forward pass of one sample (no batch axis), in inference mode."""
    values = []
    for stage in stages:
        layer, z = stage.layer, None
        if isinstance(layer, Flatten):
            out = x.reshape(-1)
        elif isinstance(layer, Dense):
            z = x @ stage.params["kernel"]
            if layer.use_bias:
                z = z + stage.params["bias"]
            out = layer.activation(z)
        elif isinstance(layer, Activation):
            out = layer.activation(x)
        else:  # Dropout: the identity in inference
            out = x
        values.append(_Values(x, z, out))
        x = out
    return values


def _prepare(model: Layer, x: Any) -> np.ndarray:
    """One sample as float64, shaped as the model's input; the model is built if needed."""
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a glassnet Sequential or layer, got {describe(model)}.")
    x = as_float_array("x", x, dtype=np.float64)
    shape = model.input_shape
    if shape is None and not model.built:
        shape = x.shape[1:] if x.ndim > 1 and x.shape[0] == 1 else x.shape
    if not model.built:
        model.build(tuple(shape))
    shape = tuple(model.input_shape)
    if x.shape == (1, *shape):
        x = x[0]
    if x.shape != shape:
        raise ValueError(
            f"x must be one sample shaped {shape} (the model's input), got {describe(x)}."
        )
    return x


def _loss(model: Layer, loss: Any) -> losses_module.Loss:
    loss = loss if loss is not None else getattr(model, "loss", None)
    if loss is None:
        raise ValueError(
            "the model has no loss: compile it (model.compile(..., loss=...)) or pass loss=..."
        )
    return losses_module.get(loss)


def _targets(loss: losses_module.Loss, y: Any, n_outputs: int) -> np.ndarray:
    """The target of one sample as a batch of one, in the loss's form."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be a number or an array of numbers, got {describe(y)}.")
    try:
        targets = loss.check_targets(y.reshape(1, *y.shape), (1, n_outputs))
    except ValueError as error:
        raise ValueError(
            f"y does not fit a model with {n_outputs} output(s) and the loss {loss.name}: {error}"
        ) from None
    return targets.astype(np.float64) if targets.dtype.kind == "f" else targets


def _loss_and_gradient(loss, targets, output) -> tuple[float, np.ndarray]:
    value, grad = loss.loss_and_gradient(targets, output.reshape(1, -1).copy())
    return value, grad.reshape(-1)


# -- forward --------------------------------------------------------------------------------


@dataclass
class LayerStep:
    """One layer of a forward pass.

    Attributes:
        name: the layer's name.
        kind: "Flatten", "Dense", "Dropout", "Activation" or "Softmax".
        number: k of wk, zk, ak for a layer with weights, else 0.
        input_shape, output_shape: shapes of one sample.
        inputs: the values that came in.
        z: the weighted sums (Dense only), else None.
        outputs: the values that went out.
        terms: Dense only: inputs[i] * kernel[i, j] for every i, j, shape (fan_in, units).
        activation: the activation's name (Dense and Activation layers), else None.
        kernel, bias: Dense only: the weights (float64 copies; bias None without one).
        input_symbol, symbol: what the input and the output are called (x, a1, z2, ...).
    """

    name: str
    kind: str
    number: int
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    inputs: np.ndarray
    z: np.ndarray | None
    outputs: np.ndarray
    terms: np.ndarray | None = None
    activation: str | None = None
    kernel: np.ndarray | None = None
    bias: np.ndarray | None = None
    input_symbol: str = "x"
    symbol: str = "x"


@dataclass
class ForwardExplanation(Explanation):
    """A forward pass of one sample, layer by layer (from `forward`).

    Attributes:
        x: the sample.
        layers: a `LayerStep` per layer.
        output: the network's output ŷ.
    """

    model_name: str
    x: np.ndarray
    layers: list[LayerStep]
    output: np.ndarray

    @property
    def title(self) -> str:
        return f"Forward pass of one sample through '{self.model_name}' (inference mode)"

    def sections(self):
        sections = [(f"input x, shape {self.x.shape}", [f"x = {_vector(self.x)}"])]
        for index, step in enumerate(self.layers):
            heading = (
                f"layer {index} '{step.name}' ({step.kind}): "
                f"{step.input_shape} -> {step.output_shape}"
            )
            if step.kind == "Dense":
                lines = _dense_lines(step)
            elif step.kind == "Flatten":
                lines = [f"the {step.input_shape} values of {step.symbol} in one row"]
            elif step.kind == "Dropout":
                lines = [f"inference: {step.symbol} passes through unchanged"]
            else:
                lines = [
                    f"{step.symbol} = {step.activation}({step.input_symbol}) = "
                    f"{step.activation}({_vector(step.inputs)}) = {_vector(step.outputs)}"
                ]
            sections.append((heading, lines))
        output = [f"ŷ = {_vector(self.output)}"]
        if self.output.size > 1:
            best = int(np.argmax(self.output))
            output.append(f"largest output: {best} (value {_fmt(self.output[best])})")
        sections.append((f"output, shape {self.output.shape}", output))
        return sections

    def to_dict(self):
        return {
            "x": jsonable(self.x),
            "output": jsonable(self.output),
            "layers": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "input_shape": list(s.input_shape),
                    "output_shape": list(s.output_shape),
                    "symbol": s.symbol,
                    "inputs": jsonable(s.inputs),
                    "z": jsonable(s.z),
                    "outputs": jsonable(s.outputs),
                    "kernel": jsonable(s.kernel),
                    "bias": jsonable(s.bias),
                }
                for s in self.layers
            ],
        }


def _dense_lines(step: LayerStep) -> list[str]:
    """Each shown unit's weighted sum, term by term (or its largest terms), and activation."""
    fan_in, units = step.terms.shape
    k, source = step.number, step.input_symbol
    lines = []
    shown = range(units)
    if units > MAX_UNITS:
        shown = sorted(np.argsort(-np.abs(step.outputs), kind="stable")[:MAX_UNITS].tolist())
        lines.append(
            f"{units} units: the {MAX_UNITS} largest outputs (in size) are shown "
            f"(outputs from {_fmt(step.outputs.min())} to {_fmt(step.outputs.max())}, "
            f"{int(np.sum(step.outputs == 0))} are 0)"
        )
    for j in shown:
        z_name = _index(f"z{k}", units, j)
        bias = [] if step.bias is None else [(_index(f"b{k}", units, j), step.bias[j])]
        if fan_in <= MAX_TERMS:
            symbols = [
                f"{_index(source, fan_in, i)}*{_index(f'w{k}', fan_in * units, i, j)}"
                for i in range(fan_in)
            ] + [symbol for symbol, _ in bias]
            values = [
                f"{_paren(step.inputs[i])}*{_paren(step.kernel[i, j])}" for i in range(fan_in)
            ] + [_paren(value) for _, value in bias]
            lines.append(f"{z_name} = {' + '.join(symbols)}")
            lines.append(f"{' ' * len(z_name)} = {' + '.join(values)} = {_fmt(step.z[j])}")
        else:
            terms = step.terms[:, j]
            top = np.argsort(-np.abs(terms), kind="stable")[:3]
            largest = ", ".join(f"{source}[{i}]*w{k}[{i},{j}] = {_fmt(terms[i])}" for i in top)
            rest = terms.sum() - terms[top].sum()
            plus_bias = "".join(f" + {symbol}" for symbol, _ in bias)
            lines.append(
                f"{z_name} = sum of {fan_in} terms {source}[i]*w{k}[i,{j}]{plus_bias} = "
                f"{_fmt(step.z[j])}"
            )
            lines.append(
                f"    largest terms: {largest}; the other {fan_in - 3} sum to {_fmt(rest)}"
                + "".join(f"; {symbol} = {_fmt(value)}" for symbol, value in bias)
            )
        if step.symbol != f"z{k}" and step.activation != "softmax":  # elementwise: one by one
            value = f"{step.activation}({_fmt(step.z[j])}) = {_fmt(step.outputs[j])}"
            lines.append(f"{_index(step.symbol, units, j)} = {value}")
    if step.activation == "softmax":  # each output depends on every z
        lines.append(f"{step.symbol} = softmax(z{k}) = {_vector(step.outputs)}")
    return lines


def forward(model: Layer, x: Any) -> ForwardExplanation:
    """Explain the forward pass of one sample, layer by layer, with the real numbers.

    Each Dense unit's weighted sum is written term by term (x_i * w_ij, then the bias)
    when the layer has at most `MAX_TERMS` inputs; wider ones show their three largest
    terms and the sum of the rest. Layers of more than `MAX_UNITS` units show the units
    with the largest outputs. Shapes are given at every step.

    Args:
        model: a `Sequential` (or one layer); built from `x` if it isn't yet.
        x: one sample, shaped as the model's input (a leading batch axis of 1 is allowed).

    Returns:
        A `ForwardExplanation`; `.output` is the network's output, `.layers[k].z` and
        `.layers[k].outputs` each layer's numbers.

    >>> import numpy as np, glassnet as gn
    >>> layer = gn.layers.Dense(1, activation="relu", input_shape=(2,))
    >>> model = gn.Sequential([layer])
    >>> model.set_weights([np.array([[0.5], [-1.0]]), np.array([0.25])])
    >>> print(forward(model, [2.0, 0.5]).layers[0].z)
    [0.75]
    """
    x = _prepare(model, x)
    stages = _stages(model)
    values = _run(stages, x)
    steps = []
    for stage, value in zip(stages, values, strict=True):
        layer = stage.layer
        terms = kernel = bias = None
        if isinstance(layer, Dense):
            kernel, bias = stage.params["kernel"], stage.params.get("bias")
            terms = value.inputs[:, None] * kernel  # (fan_in, units)
        steps.append(
            LayerStep(
                name=layer.name,
                kind=type(layer).__name__,
                number=stage.number,
                input_shape=tuple(value.inputs.shape),
                output_shape=tuple(value.outputs.shape),
                inputs=value.inputs,
                z=value.z,
                outputs=value.outputs,
                terms=terms,
                activation=stage.activation.name if stage.activation is not None else None,
                kernel=kernel,
                bias=bias,
                input_symbol=stage.input_symbol,
                symbol=stage.symbol,
            )
        )
    return ForwardExplanation(model.name, x, steps, values[-1].outputs)


# -- gradient -------------------------------------------------------------------------------


@dataclass
class Factor:
    """One factor of a chain rule: its symbol, how it is computed, and its value."""

    symbol: str
    how: str
    value: np.ndarray | float

    def line(self, width: int) -> str:
        value = (
            _vector(self.value)
            if isinstance(self.value, np.ndarray) and self.value.size > 1
            else _fmt(np.asarray(self.value).reshape(-1)[0])
        )
        how = f" = {self.how}" if self.how else ""
        return f"  {self.symbol:<{width}}{how} = {value}"


@dataclass
class GradientExplanation(Explanation):
    """dJ/dw for one weight (or bias) of one sample, three ways (from `gradient`).

    Attributes:
        symbol: the weight's symbol, e.g. "w1" or "w2[3,0]" or "b1[2]".
        layer_name, parameter, position: which number: layer, "kernel" or "bias", index.
        loss_name, loss: the loss and its value J for this sample.
        output: the network's output ŷ; x, y: the sample and its target.
        formula: the chain rule, e.g. "dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1".
        factors: the factors of `formula`, in order, each with its value.
        path: for a hidden layer, the steps from z back to ŷ (symbol, value) when every
            step is a single number (the lecture's chain); else [].
        chain_rule: the product of the factors.
        backpropagation: the same gradient from the engine's backward pass.
        finite_difference: (J(w + h) - J(w - h)) / 2h, with h = `epsilon`.
    """

    symbol: str
    layer_name: str
    layer_index: int
    parameter: str
    position: tuple[int, ...]
    weight_value: float
    loss_name: str
    loss: float
    output: np.ndarray
    x: np.ndarray
    y: np.ndarray
    formula: str
    factors: list[Factor]
    path: list[tuple[str, float]]
    chain_rule: float
    backpropagation: float
    finite_difference: float
    epsilon: float = EPSILON

    @property
    def title(self) -> str:
        where = ",".join(str(i) for i in self.position)
        return (
            f"Gradient of the loss with respect to {self.symbol} "
            f"(layer {self.layer_index} '{self.layer_name}', {self.parameter}[{where}] "
            f"= {_fmt(self.weight_value)})"
        )

    def sections(self):
        width = max(len(f.symbol) for f in self.factors) + 1
        lines = [f.line(width) for f in self.factors]
        if self.path:
            named = ", ".join(f"{name} = {_fmt(value)}" for name, value in self.path)
            lines.append(f"  where {named}")
        values = [np.asarray(f.value, dtype=np.float64).reshape(-1) for f in self.factors]
        if all(v.size == 1 for v in values):
            product = " × ".join(_paren(v[0]) for v in values)
        else:
            product = (
                f"sum over the {values[0].size} outputs of {self.factors[0].symbol}_k · "
                f"{self.factors[1].symbol}_k"
            )
            if len(values) == 3:
                product = f"({product}) × {_paren(values[2][0])}"
        lines.append(f"  product = {product} = {_fmt(self.chain_rule)}")
        checks = [
            f"chain rule:           {_fmt(self.chain_rule)}",
            f"backpropagation:      {_fmt(self.backpropagation)}   (the engine's backward pass)",
            f"finite differences:   {_fmt(self.finite_difference)}   "
            f"((J({self.symbol} + h) - J({self.symbol} - h)) / 2h, h = {self.epsilon:g})",
            f"largest difference:   {self.disagreement:.2g}",
        ]
        header = [
            f"sample x = {_vector(self.x)}, target y = {_vector(self.y)}",
            f"output ŷ = {_vector(self.output)}, loss J = {_fmt(self.loss)} ({self.loss_name})",
        ]
        return [("", header), (self.formula, lines), ("three ways to the same number", checks)]

    @property
    def disagreement(self) -> float:
        """The largest absolute difference between the three gradients."""
        values = [self.chain_rule, self.backpropagation, self.finite_difference]
        return float(max(values) - min(values))

    def to_dict(self):
        return {
            "symbol": self.symbol,
            "layer": self.layer_name,
            "parameter": self.parameter,
            "position": list(self.position),
            "weight": self.weight_value,
            "loss": self.loss,
            "formula": self.formula,
            "x": jsonable(self.x),
            "y": jsonable(self.y),
            "output": jsonable(self.output),
            "factors": [
                {"symbol": f.symbol, "how": f.how, "value": jsonable(f.value)} for f in self.factors
            ],
            "path": [[name, value] for name, value in self.path],
            "chain_rule": self.chain_rule,
            "backpropagation": self.backpropagation,
            "finite_difference": self.finite_difference,
        }


def _find_layer(stages: list[_Stage], layer: Any) -> _Stage:
    """The stage of `layer`: a leaf index (negative counts from the end), a name, a layer,
    or None for the last layer with weights."""
    with_weights = ", ".join(f"{s.index} '{s.layer.name}'" for s in stages if s.params)
    if not with_weights:
        raise ValueError("the model has no layer with weights to explain a gradient of.")
    if layer is None:
        return [s for s in stages if s.params][-1]
    if isinstance(layer, Layer):
        matches = [s for s in stages if s.layer is layer]
    elif isinstance(layer, str):
        matches = [s for s in stages if s.layer.name == layer]
    else:
        index = check_int("layer", layer)
        if not -len(stages) <= index < len(stages):
            raise ValueError(
                f"layer must be an index in [0, {len(stages)}) or a name; got {index}. "
                f"Layers with weights: {with_weights}."
            )
        matches = [stages[index]]
    if not matches:
        raise ValueError(
            f"layer {layer!r} is not in the model. Layers with weights: {with_weights}."
        )
    stage = matches[0]
    if not stage.params:
        raise ValueError(
            f"layer {stage.index} '{stage.layer.name}' has no weights. "
            f"Layers with weights: {with_weights}."
        )
    return stage


def _position(stage: _Stage, weight: Any, bias: Any) -> tuple[str, tuple[int, ...]]:
    """("kernel", (i, j)) or ("bias", (j,)), checked against the layer's shapes."""
    fan_in, units = stage.params["kernel"].shape
    if weight is not None and bias is not None:
        raise ValueError("give weight=(i, j) or bias=j, not both.")
    if bias is not None:
        if "bias" not in stage.params:
            raise ValueError(f"layer '{stage.layer.name}' has no bias (use_bias=False).")
        j = check_int("bias", bias, minimum=0)
        if j >= units:
            raise ValueError(f"bias must be a unit index in [0, {units}), got {j}.")
        return "bias", (j,)
    weight = (0, 0) if weight is None else weight
    if isinstance(weight, str) or not hasattr(weight, "__len__") or len(weight) != 2:
        raise ValueError(f"weight must be a pair (i, j): input i, unit j; got {weight!r}.")
    i, j = (check_int(f"weight[{n}]", v, minimum=0) for n, v in enumerate(weight))
    if i >= fan_in or j >= units:
        raise ValueError(
            f"weight (i, j) must have i in [0, {fan_in}) and j in [0, {units}) for layer "
            f"'{stage.layer.name}' (kernel {fan_in} x {units}), got ({i}, {j})."
        )
    return "kernel", (i, j)


def _activation_step(function, z: np.ndarray, tangent: np.ndarray) -> np.ndarray:
    derivative = function.derivative(z)
    if derivative.ndim == z.ndim + 1:  # softmax: the full Jacobian of the row
        return derivative @ tangent
    return derivative * tangent


def _chain(stages, values, stage, unit):
    """dŷ/dz for one unit's weighted sum z, a vector over the outputs (forward mode through
    every later layer); and, when each step of the chain is a single number (every later
    layer has one unit), its factors from ŷ back to z as (symbol, value), else []."""
    k, value = stage.number, values[stage.index]
    units = value.z.size
    tangent = np.zeros(units)
    tangent[unit] = 1.0
    tangent = _activation_step(stage.layer.activation, value.z, tangent)
    single = units == 1 or stage.layer.activation.name != "softmax"  # softmax couples units
    path = []
    if stage.symbol != f"z{k}":  # a separate Activation layer applies fk
        path.append((f"f{k}'({_index(f'z{k}', units, unit)})", float(tangent[unit])))
    row = unit  # the chain leaves this layer through unit `row`
    for later in stages[stage.index + 1 :]:
        later_value = values[later.index]
        if isinstance(later.layer, Dense):
            kernel, n = later.params["kernel"], later.number
            single = single and kernel.shape[1] == 1
            path.append((_index(f"w{n}", kernel.size, row, 0), float(kernel[row, 0])))
            tangent = _activation_step(later.layer.activation, later_value.z, tangent @ kernel)
            if later.symbol != f"z{n}":
                derivative = _derivative_scalar(later.layer.activation, later_value.z)
                path.append((f"f{n}'(z{n})", derivative))
            row = 0
        elif isinstance(later.layer, Activation):
            function, inputs = later.layer.activation, later_value.inputs.reshape(-1)
            single = single and (inputs.size == 1 or function.name != "softmax")
            if single:  # elementwise: the chain passes through entry `row` only
                where = _index(later.input_symbol, inputs.size, row)
                derivative = float(np.ravel(function.derivative(inputs[row : row + 1]))[0])
                path.append((f"{function.name}'({where})", derivative))
            tangent = _activation_step(function, later_value.inputs, tangent)
        else:  # Flatten, Dropout
            tangent = tangent.reshape(later_value.outputs.shape)
    return tangent.reshape(-1), (path[::-1] if single else [])


def _derivative_scalar(function, z: np.ndarray) -> float:
    derivative = np.asarray(function.derivative(z), dtype=np.float64).reshape(-1)
    return float(derivative[0])


def _symbols(stage: _Stage, parameter: str, position: tuple[int, ...]) -> tuple[str, str, str]:
    """(the weight's symbol, the z it feeds, the symbol of what it multiplies)."""
    k = stage.number
    fan_in, units = stage.params["kernel"].shape
    z = _index(f"z{k}", units, position[-1])
    if parameter == "bias":
        return _index(f"b{k}", units, position[-1]), z, "1"
    weight = _index(f"w{k}", fan_in * units, *position)
    return weight, z, _index(stage.input_symbol, fan_in, position[0])


def _finite_difference(stages, stage, parameter, position, x, targets, loss, epsilon) -> float:
    array = stage.params[parameter]
    original = array[position]
    try:
        array[position] = original + epsilon
        plus = _loss_and_gradient(loss, targets, _run(stages, x)[-1].outputs)[0]
        array[position] = original - epsilon
        minus = _loss_and_gradient(loss, targets, _run(stages, x)[-1].outputs)[0]
    finally:
        array[position] = original
    return (plus - minus) / (2 * epsilon)


# dJ/dŷ for one sample; "/ n" divides by the number of outputs (the losses average over them).
_LOSS_DERIVATIVES = {
    ("mean_squared_error", False): "2(ŷ - y) / n",
    ("mean_absolute_error", False): "sign(ŷ - y) / n",
    ("binary_crossentropy", False): "(ŷ - y) / (ŷ(1 - ŷ)) / n",
    ("binary_crossentropy", True): "(sigmoid(ŷ) - y) / n",
    ("categorical_crossentropy", False): "-y / ŷ",
    ("categorical_crossentropy", True): "softmax(ŷ) - y",
    ("sparse_categorical_crossentropy", False): "-1/ŷ_y at the true class y, else 0",
    ("sparse_categorical_crossentropy", True): "softmax(ŷ) - onehot(y)",
}


def _loss_derivative(loss: losses_module.Loss, n_outputs: int) -> str:
    """The formula of dJ/dŷ, with the number of outputs written in (none when it is 1)."""
    formula = _LOSS_DERIVATIVES.get((loss.name, loss.from_logits), "")
    return formula.replace(" / n", "" if n_outputs == 1 else f" / {n_outputs}")


def _chain_rule_factors(stages, values, stage, parameter, position, loss, dloss_doutput):
    """(weight symbol, the chain rule's factors, each named part of dŷ/dz with its value)."""
    symbol, z_symbol, input_symbol = _symbols(stage, parameter, position)
    dz_dw = 1.0 if parameter == "bias" else float(values[stage.index].inputs[position[0]])
    doutput_dz, path = _chain(stages, values, stage, position[-1])
    n_outputs = dloss_doutput.size
    first = Factor("dJ/dŷ", _loss_derivative(loss, n_outputs), dloss_doutput)
    if parameter == "kernel" and path:
        path = [*path, (input_symbol, dz_dw)]
    parts = " · ".join(name for name, _ in path) if path else ""
    if not any(s.params for s in stages[stage.index + 1 :]):  # lecture: dJ/dw2 = dJ/dŷ · dŷ/dw2
        how = parts or (f"dŷ/d{z_symbol}" + (f" · {input_symbol}" if parameter == "kernel" else ""))
        return symbol, [first, Factor(f"dŷ/d{symbol}", how, doutput_dz * dz_dw)], path
    if parameter == "kernel" and path:
        path = path[:-1]  # dz/dw is a factor of its own here
        parts = " · ".join(name for name, _ in path)
    through = parts or "summed over every path through the later layers" + (
        f" (one value per output: {n_outputs})" if n_outputs > 1 else ""
    )
    what = "the input it multiplies" if parameter == "kernel" else "a bias input is 1"
    factors = [
        first,
        Factor(f"dŷ/d{z_symbol}", through, doutput_dz),
        Factor(f"d{z_symbol}/d{symbol}", f"{input_symbol} ({what})", dz_dw),
    ]
    return symbol, factors, path


def gradient(
    model: Layer,
    x: Any,
    y: Any,
    layer: int | str | Layer | None = None,
    weight: tuple[int, int] | None = None,
    bias: int | None = None,
    *,
    loss: str | losses_module.Loss | None = None,
    epsilon: float = EPSILON,
) -> GradientExplanation:
    """Explain dJ/dw for one weight of one sample by the chain rule, with every factor.

    For the last layer with weights the lecture's form is used,
    dJ/dw2 = dJ/dŷ · dŷ/dw2; for an earlier one, dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1,
    where z1 is the weighted sum that w1 feeds and dz1/dw1 is the input it multiplies.
    With several outputs, dJ/dŷ and dŷ/dz are vectors and their product is a sum over
    the outputs. Beside the product are the engine's backpropagation and central finite
    differences, so all three can be compared.

    Args:
        model: a compiled `Sequential` (or pass `loss`).
        x: one sample, shaped as the model's input.
        y: its target, as the loss expects it (a class label, a number or a vector).
        layer: which layer: its index in `model.leaves()` (as `model.layers` for a flat
            model; negative counts from the end), its name, or the layer itself;
            default the last layer with weights.
        weight: (i, j): the weight from input i to unit j; default (0, 0).
        bias: j: explain the bias of unit j instead.
        loss: the loss; default the compiled one.
        epsilon: the finite-difference step, default 1e-6.

    Returns:
        A `GradientExplanation`: `.factors`, `.chain_rule`, `.backpropagation`,
        `.finite_difference`.

    Raises:
        ValueError: for a layer without weights, an index out of range, or no loss.

    >>> import numpy as np, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.set_weights([np.array([[3.0]]), np.array([0.0])])
    >>> g = gradient(model, [2.0], 5.0, layer=0, loss="mse")   # J = (3*2 - 5)^2
    >>> g.formula, round(g.chain_rule, 6)                        # 2(6 - 5) * 2
    ('dJ/dw1 = dJ/dŷ · dŷ/dw1', 4.0)
    """
    epsilon = check_number("epsilon", epsilon, 0, low_inclusive=False)
    x = _prepare(model, x)
    loss = _loss(model, loss)
    stages = _stages(model)
    stage = _find_layer(stages, layer)
    parameter, position = _position(stage, weight, bias)
    values = _run(stages, x)
    output = values[-1].outputs
    targets = _targets(loss, y, output.size)
    loss_value, dloss_doutput = _loss_and_gradient(loss, targets, output)

    symbol, factors, path = _chain_rule_factors(
        stages, values, stage, parameter, position, loss, dloss_doutput
    )
    values_of = [np.asarray(f.value, dtype=np.float64).reshape(-1) for f in factors]
    chain_rule = float(np.dot(values_of[0], values_of[1]) * np.prod(values_of[2:]))
    backpropagation = _all_gradients(model, x, targets, loss)[stage.index][parameter][position]
    return GradientExplanation(
        symbol=symbol,
        layer_name=stage.layer.name,
        layer_index=stage.index,
        parameter=parameter,
        position=position,
        weight_value=float(stage.params[parameter][position]),
        loss_name=loss.name,
        loss=loss_value,
        output=output,
        x=x,
        y=np.asarray(y),
        formula=f"dJ/d{symbol} = " + " · ".join(f.symbol for f in factors),
        factors=factors,
        path=path,
        chain_rule=chain_rule,
        backpropagation=float(backpropagation),
        finite_difference=_finite_difference(
            stages, stage, parameter, position, x, targets, loss, epsilon
        ),
        epsilon=epsilon,
    )


# -- one gradient-descent step ----------------------------------------------------------------


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
                f"  {_index(self.symbol, self.before.size, *position)} = "
                f"{_fmt(self.before[position])} - {_fmt(learning_rate)} × "
                f"{_paren(self.gradient[position])} = {_fmt(self.after[position])}"
                for position in np.ndindex(self.before.shape)
            ]
        largest = np.unravel_index(
            np.argsort(-np.abs(self.change), axis=None)[:3], self.change.shape
        )
        shown = ", ".join(
            f"{self.symbol}[{','.join(str(int(i)) for i in position)}] "
            f"{_fmt(self.before[position])} -> {_fmt(self.after[position])}"
            for position in zip(*largest, strict=True)
        )
        return [
            f"  {self.symbol}: {self.before.size} numbers, mean |change| "
            f"{_fmt(np.abs(self.change).mean())}; largest changes: {shown}"
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
        return (
            f"One gradient-descent step on one sample: w <- w - {_fmt(self.learning_rate)} · dJ/dw"
        )

    @property
    def new_weights(self) -> list[np.ndarray]:
        """The weights after the step, in `get_weights()` order (for `set_weights`)."""
        return [change.after for change in self.changes]

    def sections(self):
        sections = [("", [f"loss before: J = {_fmt(self.loss_before)} ({self.loss_name})"])]
        for change in self.changes:
            heading = f"layer '{change.layer_name}', {change.parameter} {change.symbol}"
            sections.append((heading, change.lines(self.learning_rate)))
        difference = self.loss_after - self.loss_before
        trend = f"{'down' if difference < 0 else 'up'} {_fmt(abs(difference))}"
        change = trend if difference else "unchanged"
        sections.append(("", [f"loss after:  J = {_fmt(self.loss_after)} ({change})"]))
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


def _all_gradients(model: Layer, x: np.ndarray, targets, loss) -> list[dict[str, np.ndarray]]:
    """Every leaf's gradients (float64) from the engine's backward pass, Dropout off."""
    with float64_copy(model) as (leaves, _, _):
        out = x[None]
        for leaf in leaves:
            out = leaf.forward(out, training=not isinstance(leaf, Dropout))
        _, grad = loss.loss_and_gradient(targets, out)
        for leaf in reversed(leaves):
            grad = leaf.backward(grad)
        return [{k: leaf.grads[k].copy() for k in leaf.params} for leaf in leaves]


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
    x = _prepare(model, x)
    loss = _loss(model, loss)
    stages = _stages(model)
    output = _run(stages, x)[-1].outputs
    targets = _targets(loss, y, output.size)
    loss_before = _loss_and_gradient(loss, targets, output)[0]
    changes = []
    for stage, gradients in zip(stages, _all_gradients(model, x, targets, loss), strict=True):
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
    loss_after = _loss_and_gradient(loss, targets, _run(stages, x)[-1].outputs)[0]
    return StepExplanation(learning_rate, loss.name, loss_before, loss_after, changes)


# -- the perceptron -----------------------------------------------------------------------------


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
            f"  w += {_fmt(self.learning_rate)} · (t - p) · x;   "
            f"w_bias += {_fmt(self.learning_rate)} · (t - p) · {_fmt(self.bias)}"
        )
        start = (
            f"start: w = {_vector(self.initial_weights)}, w_bias = {_fmt(self.initial_bias_weight)}"
        )
        sections = [("", [*rule.splitlines(), start])]
        for record in self.epochs:
            lines = []
            for update in record.updates:
                error = update.target - update.predicted
                lines.append(
                    f"  point {update.index}: x = {_vector(update.x)}, class "
                    f"{self.classes[update.target]} (t = {update.target}), z = {_fmt(update.z)} "
                    f"gave p = {update.predicted}: w += {_fmt(self.learning_rate)}·({error:+d})·x "
                    f"= {_vector(update.delta_weights)}, w_bias += "
                    f"{_fmt(update.delta_bias_weight)}"
                )
            lines.append(
                f"  end of epoch {record.epoch}: w = {_vector(record.weights)}, "
                f"w_bias = {_fmt(record.bias_weight)}"
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
