"""`gradient`: one weight's dJ/dw by the chain rule, beside backpropagation and finite
differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet._internal.checks import check_int, check_number
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._network import (
    Stage,
    all_gradients,
    leaf_stages,
    loss_of,
    prepare_sample,
    run_sample,
    sample_loss,
    targets_of,
)
from glassnet.explain._text import EPSILON, Explanation, indexed, paren, vector
from glassnet.layers import Activation, Dense, Layer


@dataclass
class Factor:
    """One factor of a chain rule: its symbol, how it is computed, and its value."""

    symbol: str
    how: str
    value: np.ndarray | float

    def line(self, width: int) -> str:
        value = (
            vector(self.value)
            if isinstance(self.value, np.ndarray) and self.value.size > 1
            else precise(np.asarray(self.value).reshape(-1)[0])
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
    zero_reasons: list[str] = field(default_factory=list)
    picked: str = ""

    @property
    def title(self) -> str:
        where = ",".join(str(i) for i in self.position)
        return (
            f"Gradient of the loss with respect to {self.symbol} "
            f"(layer {self.layer_index} '{self.layer_name}', {self.parameter}[{where}] "
            f"= {precise(self.weight_value)})"
        )

    def sections(self):
        width = max(len(f.symbol) for f in self.factors) + 1
        lines = [f.line(width) for f in self.factors]
        if self.path:
            named = ", ".join(f"{name} = {precise(value)}" for name, value in self.path)
            lines.append(f"  where {named}")
        values = [np.asarray(f.value, dtype=np.float64).reshape(-1) for f in self.factors]
        if all(v.size == 1 for v in values):
            product = " × ".join(paren(v[0]) for v in values)
        else:
            product = (
                f"sum over the {values[0].size} outputs of {self.factors[0].symbol}_k · "
                f"{self.factors[1].symbol}_k"
            )
            if len(values) == 3:
                product = f"({product}) × {paren(values[2][0])}"
        lines.append(f"  product = {product} = {precise(self.chain_rule)}")
        lines += [f"  why 0: {reason}" for reason in self.zero_reasons]
        checks = [
            f"chain rule:           {precise(self.chain_rule)}",
            f"backpropagation:      {precise(self.backpropagation)}   (the engine's backward pass)",
            f"finite differences:   {precise(self.finite_difference)}   "
            f"((J({self.symbol} + h) - J({self.symbol} - h)) / 2h, h = {self.epsilon:g})",
            f"largest difference:   {self.disagreement:.2g}",
        ]
        header = [f"{self.symbol}: {self.picked}"] if self.picked else []
        header += [
            f"sample x = {vector(self.x)}, target y = {vector(self.y)}",
            f"output ŷ = {vector(self.output)}, loss J = {precise(self.loss)} ({self.loss_name})",
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
            "zero_reasons": list(self.zero_reasons),
            "picked": self.picked,
        }


def _find_layer(stages: list[Stage], layer: Any) -> Stage:
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


def _position(stage: Stage, weight: Any, bias: Any) -> tuple[str, tuple[int, ...]]:
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
    if isinstance(weight, str) and weight == "largest":
        return "kernel", (-1, -1)  # chosen by `gradient` from the gradients
    if isinstance(weight, str) or not hasattr(weight, "__len__") or len(weight) != 2:
        raise ValueError(
            f'weight must be a pair (i, j): input i, unit j, or "largest"; got {weight!r}.'
        )
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
        path.append((f"f{k}'({indexed(f'z{k}', units, unit)})", float(tangent[unit])))
    row = unit  # the chain leaves this layer through unit `row`
    for later in stages[stage.index + 1 :]:
        later_value = values[later.index]
        if isinstance(later.layer, Dense):
            kernel, n = later.params["kernel"], later.number
            single = single and kernel.shape[1] == 1
            path.append((indexed(f"w{n}", kernel.size, row, 0), float(kernel[row, 0])))
            tangent = _activation_step(later.layer.activation, later_value.z, tangent @ kernel)
            if later.symbol != f"z{n}":
                derivative = _derivative_scalar(later.layer.activation, later_value.z)
                path.append((f"f{n}'(z{n})", derivative))
            row = 0
        elif isinstance(later.layer, Activation):
            function, inputs = later.layer.activation, later_value.inputs.reshape(-1)
            single = single and (inputs.size == 1 or function.name != "softmax")
            if single:  # elementwise: the chain passes through entry `row` only
                where = indexed(later.input_symbol, inputs.size, row)
                derivative = float(np.ravel(function.derivative(inputs[row : row + 1]))[0])
                path.append((f"{function.name}'({where})", derivative))
            tangent = _activation_step(function, later_value.inputs, tangent)
        else:  # Flatten, Dropout
            tangent = tangent.reshape(later_value.outputs.shape)
    return tangent.reshape(-1), (path[::-1] if single else [])


def _derivative_scalar(function, z: np.ndarray) -> float:
    derivative = np.asarray(function.derivative(z), dtype=np.float64).reshape(-1)
    return float(derivative[0])


def _symbols(stage: Stage, parameter: str, position: tuple[int, ...]) -> tuple[str, str, str]:
    """(the weight's symbol, the z it feeds, the symbol of what it multiplies)."""
    k = stage.number
    fan_in, units = stage.params["kernel"].shape
    z = indexed(f"z{k}", units, position[-1])
    if parameter == "bias":
        return indexed(f"b{k}", units, position[-1]), z, "1"
    weight = indexed(f"w{k}", fan_in * units, *position)
    return weight, z, indexed(stage.input_symbol, fan_in, position[0])


def _finite_difference(stages, stage, parameter, position, x, targets, loss, epsilon) -> float:
    array = stage.params[parameter]
    original = array[position]
    try:
        array[position] = original + epsilon
        plus = sample_loss(loss, targets, run_sample(stages, x)[-1].outputs)[0]
        array[position] = original - epsilon
        minus = sample_loss(loss, targets, run_sample(stages, x)[-1].outputs)[0]
    finally:
        array[position] = original
    return (plus - minus) / (2 * epsilon)


def _loss_derivative(loss: losses_module.Loss, n_outputs: int) -> str:
    """The loss's formula of dJ/dŷ, with the number of outputs written in (none when it is 1)."""
    formula = loss.gradient_formula
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


def _zero_reasons(stages, values, stage, parameter, position, image: bool) -> list[str]:
    """Why a factor of the chain rule is 0, in the lecture's words (empty when none is)."""
    reasons = []
    k, unit = stage.number, position[-1]
    fan_in, units = stage.params["kernel"].shape
    if parameter == "kernel" and values[stage.index].inputs[position[0]] == 0:
        name = indexed(stage.input_symbol, fan_in, position[0])
        if stage.input_symbol == "x":
            what = (
                "this pixel is background in this image"
                if image
                else "this input is 0 in this sample"
            )
        else:
            what = f"unit {position[0]} of the layer before is off for this sample (it outputs 0)"
        reasons.append(f"{name} = 0: {what}, so changing the weight changes nothing here")
    function = stage.layer.activation
    if stage.symbol != f"z{k}" and function.name != "softmax":
        z = values[stage.index].z
        derivative = np.asarray(function.derivative(z), dtype=np.float64).reshape(-1)
        if derivative[unit] == 0:
            z_name = indexed(f"z{k}", units, unit)
            reasons.append(
                f"{function.name}'({z_name}) = 0: unit {unit} is off for this sample "
                f"({z_name} = {precise(z[unit])}), so no gradient flows back through it"
            )
    return reasons


def _largest(gradients: np.ndarray) -> tuple[int, int]:
    """The (i, j) of the largest |gradient| (the first of equals)."""
    flat = int(np.argmax(np.abs(gradients)))
    i, j = np.unravel_index(flat, gradients.shape)
    return int(i), int(j)


def gradient(
    model: Layer,
    x: Any,
    y: Any,
    layer: int | str | Layer | None = None,
    weight: tuple[int, int] | str | None = None,
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
    differences, so all three can be compared. A factor that is 0 is explained ("x[400] =
    0: this pixel is background in this image", "relu'(z1[5]) = 0: unit 5 is off").

    Args:
        model: a compiled `Sequential` (or pass `loss`).
        x: one sample, shaped as the model's input.
        y: its target, as the loss expects it (a class label, a number or a vector).
        layer: which layer: its index in `model.leaves()` (as `model.layers` for a flat
            model; negative counts from the end), its name, or the layer itself;
            default the last layer with weights.
        weight: (i, j): the weight from input i to unit j; "largest": the weight of the
            layer with the largest |dJ/dw| for this sample; default (0, 0).
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
    x = prepare_sample(model, x)
    loss = loss_of(model, loss)
    stages = leaf_stages(model)
    stage = _find_layer(stages, layer)
    parameter, position = _position(stage, weight, bias)
    values = run_sample(stages, x)
    output = values[-1].outputs
    targets = targets_of(loss, y, output.size)
    loss_value, dloss_doutput = sample_loss(loss, targets, output)
    engine = all_gradients(model, x, targets, loss)[stage.index]
    picked = ""
    if position == (-1, -1):
        position = _largest(engine["kernel"])
        picked = (
            f"the weight of this layer with the largest |dJ/dw| for this sample (of "
            f"{engine['kernel'].size:,}; {int(np.sum(engine['kernel'] == 0)):,} of them are 0)"
        )

    symbol, factors, path = _chain_rule_factors(
        stages, values, stage, parameter, position, loss, dloss_doutput
    )
    values_of = [np.asarray(f.value, dtype=np.float64).reshape(-1) for f in factors]
    chain_rule = float(np.dot(values_of[0], values_of[1]) * np.prod(values_of[2:]))
    backpropagation = engine[parameter][position]
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
        zero_reasons=_zero_reasons(stages, values, stage, parameter, position, x.ndim >= 2),
        picked=picked,
    )
