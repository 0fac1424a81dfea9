"""`forward`: one sample's forward pass, each weighted sum term by term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._features import feature_lines
from glassnet.explain._network import leaf_stages, prepare_sample, run_sample
from glassnet.explain._text import MAX_TERMS, MAX_UNITS, Explanation, indexed, paren, vector
from glassnet.layers import Dense, Layer


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
        probabilities: the class probabilities softmax makes of ŷ when ŷ are logits (a
            loss with from_logits=True and several outputs), else None.
        feature_names: the name of each input (a CSV row's columns), or None.
        raw: the inputs before scaling (as in the file), or None.
    """

    model_name: str
    x: np.ndarray
    layers: list[LayerStep]
    output: np.ndarray
    probabilities: np.ndarray | None = None
    feature_names: list[str] | None = None
    raw: np.ndarray | None = None

    @property
    def title(self) -> str:
        return f"Forward pass of one sample through '{self.model_name}' (inference mode)"

    def sections(self):
        inputs = [f"x = {vector(self.x)}"]
        if self.feature_names is not None:
            inputs += feature_lines(self.feature_names, self.raw, self.x)
        sections = [(f"input x, shape {self.x.shape}", inputs)]
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
                    f"{step.activation}({vector(step.inputs)}) = {vector(step.outputs)}"
                ]
            sections.append((heading, lines))
        output = [f"ŷ = {vector(self.output)}"]
        if self.output.size > 1:
            best = int(np.argmax(self.output))
            output.append(f"largest output: {best} (value {precise(self.output[best])})")
        sections.append((f"output, shape {self.output.shape}", output))
        if self.probabilities is not None:
            sections.append(("softmax: from the logits ŷ to probabilities", self._softmax()))
        return sections

    def _softmax(self) -> list[str]:
        logits, p = self.output, self.probabilities
        best = int(np.argmax(p))
        with np.errstate(under="ignore"):
            shifted = np.exp(logits - logits.max())
        total = float(shifted.sum())
        return [
            "p_k = exp(ŷ_k) / Σ_j exp(ŷ_j); the loss takes logits (from_logits=True), so "
            "the probabilities are computed from the outputs",
            f"exp(ŷ - max ŷ) = {vector(shifted)}   (subtracting max ŷ = "
            f"{precise(logits.max())} changes no p and keeps exp from overflowing)",
            f"Σ_j exp(ŷ_j - max ŷ) = {precise(total)}",
            f"p[{best}] = {precise(shifted[best])} / {precise(total)} = {precise(p[best])}"
            " (the probability of the predicted class)",
            f"p = {vector(p)}",
        ]

    def to_dict(self):
        return {
            "x": jsonable(self.x),
            "feature_names": None if self.feature_names is None else list(self.feature_names),
            "raw": jsonable(self.raw),
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
            f"(outputs from {precise(step.outputs.min())} to {precise(step.outputs.max())}, "
            f"{int(np.sum(step.outputs == 0))} are 0)"
        )
    for j in shown:
        z_name = indexed(f"z{k}", units, j)
        bias = [] if step.bias is None else [(indexed(f"b{k}", units, j), step.bias[j])]
        if fan_in <= MAX_TERMS:
            symbols = [
                f"{indexed(source, fan_in, i)}*{indexed(f'w{k}', fan_in * units, i, j)}"
                for i in range(fan_in)
            ] + [symbol for symbol, _ in bias]
            values = [
                f"{paren(step.inputs[i])}*{paren(step.kernel[i, j])}" for i in range(fan_in)
            ] + [paren(value) for _, value in bias]
            lines.append(f"{z_name} = {' + '.join(symbols)}")
            lines.append(f"{' ' * len(z_name)} = {' + '.join(values)} = {precise(step.z[j])}")
        else:
            terms = step.terms[:, j]
            top = np.argsort(-np.abs(terms), kind="stable")[:3]
            largest = ", ".join(f"{source}[{i}]*w{k}[{i},{j}] = {precise(terms[i])}" for i in top)
            rest = terms.sum() - terms[top].sum()
            plus_bias = "".join(f" + {symbol}" for symbol, _ in bias)
            lines.append(
                f"{z_name} = sum of {fan_in} terms {source}[i]*w{k}[i,{j}]{plus_bias} = "
                f"{precise(step.z[j])}"
            )
            lines.append(
                f"    largest terms: {largest}; the other {fan_in - 3} sum to {precise(rest)}"
                + "".join(f"; {symbol} = {precise(value)}" for symbol, value in bias)
            )
        if step.symbol != f"z{k}" and step.activation != "softmax":  # elementwise: one by one
            value = f"{step.activation}({precise(step.z[j])}) = {precise(step.outputs[j])}"
            lines.append(f"{indexed(step.symbol, units, j)} = {value}")
    if step.activation == "softmax":  # each output depends on every z
        lines.append(f"{step.symbol} = softmax(z{k}) = {vector(step.outputs)}")
    return lines


def forward(
    model: Layer,
    x: Any,
    *,
    feature_names: Sequence[str] | None = None,
    raw: Any = None,
) -> ForwardExplanation:
    """Explain the forward pass of one sample, layer by layer, with the real numbers.

    Each Dense unit's weighted sum is written term by term (x_i * w_ij, then the bias)
    when the layer has at most `MAX_TERMS` inputs; wider ones show their three largest
    terms and the sum of the rest. Layers of more than `MAX_UNITS` units show the units
    with the largest outputs. Shapes are given at every step. When the model outputs
    logits (its loss has from_logits=True), the softmax step to the probabilities follows.
    With `feature_names` (a CSV row's columns), each input is named, and with `raw` its
    value before scaling is shown beside the scaled one the network takes.

    Args:
        model: a `Sequential` (or one layer); built from `x` if it isn't yet.
        x: one sample, shaped as the model's input (a leading batch axis of 1 is allowed).
        feature_names: a name per input value, e.g. the CSV columns; default none.
        raw: the sample before scaling, one value per input; needs `feature_names`.

    Returns:
        A `ForwardExplanation`; `.output` is the network's output, `.layers[k].z` and
        `.layers[k].outputs` each layer's numbers.

    >>> import numpy as np, glassnet as gn
    >>> layer = gn.layers.Dense(1, activation="relu", input_shape=(2,))
    >>> model = gn.Sequential([layer])
    >>> model.set_weights([np.array([[0.5], [-1.0]]), np.array([0.25])])
    >>> print(forward(model, [2.0, 0.5]).layers[0].z)
    [0.75]
    >>> e = forward(model, [2.0, 0.5], feature_names=["height_cm", "age"], raw=[180, 41])
    >>> print(e.sections()[0][1][1])
    x[0] = height_cm = 180 cm raw -> 2 scaled
    """
    x = prepare_sample(model, x)
    if raw is not None and feature_names is None:
        raise ValueError("raw needs feature_names: name the inputs whose raw values these are.")
    if feature_names is not None:
        feature_lines(feature_names, raw, x)  # checks the counts before any work
        feature_names = [str(name) for name in feature_names]
        raw = None if raw is None else np.asarray(raw, dtype=np.float64).reshape(x.shape)
    stages = leaf_stages(model)
    values = run_sample(stages, x)
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
    output = values[-1].outputs
    probabilities = None
    if getattr(getattr(model, "loss", None), "from_logits", False) and output.size > 1:
        with np.errstate(under="ignore"):  # a far-off logit's probability is 0
            shifted = np.exp(output - output.max())  # (n_outputs,)
            probabilities = shifted / shifted.sum()
    return ForwardExplanation(model.name, x, steps, output, probabilities, feature_names, raw)
