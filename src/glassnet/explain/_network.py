"""A network run one sample at a time in float64, with the lecture's symbols."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import activations
from glassnet import losses as losses_module
from glassnet._internal.checks import as_float_array, describe
from glassnet.layers import Activation, Dense, Dropout, Flatten, Layer
from glassnet.testing import float64_copy


@dataclass
class Stage:
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


def leaf_stages(model: Layer) -> list[Stage]:
    """The model's leaf layers with float64 weights and the lecture's symbols.

    A Dense layer k computes zk and outputs ak = fk(zk); when it is linear and an
    Activation layer follows, that layer applies fk, so the Dense outputs zk and the
    Activation ak. Flatten and Dropout keep their input's symbol.
    """
    leaves = model.leaves()  # the model was checked by prepare_sample
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
        stages.append(Stage(leaf, index, number, params, current, symbol))
        current = symbol
    return stages


@dataclass
class Values:
    """What one stage computed: its input, its weighted sums (Dense) and its output."""

    inputs: np.ndarray
    z: np.ndarray | None
    outputs: np.ndarray


def run_sample(stages: list[Stage], x: np.ndarray) -> list[Values]:
    """The forward pass of one sample (no batch axis), in inference mode.

    Each layer runs its own `forward` (and a Dense its `weighted_sum`, for z) on a float64
    copy of itself that holds the stage's weights, so a changed `stage.params` shows.
    """
    values = []
    for stage in stages:
        with float64_copy(stage.layer) as ((layer,), _, _):
            layer.params = stage.params
            batch = x[None]  # (1, *sample shape)
            z = layer.weighted_sum(batch)[0] if isinstance(layer, Dense) else None
            out = layer.forward(batch, training=False)[0]
        values.append(Values(x, z, out))
        x = out
    return values


def prepare_sample(model: Layer, x: Any) -> np.ndarray:
    """One sample as float64, shaped as the model's input; the model is built if needed."""
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a glassnet Sequential or layer, got {describe(model)}.")
    x = as_float_array("x", x, dtype=np.float64)
    shape = model.input_sample_shape
    if shape is None and not model.built:
        shape = x.shape[1:] if x.ndim > 1 and x.shape[0] == 1 else x.shape
    if not model.built:
        model.build(tuple(shape))
    shape = tuple(model.input_sample_shape)
    if x.shape == (1, *shape):
        x = x[0]
    if x.shape != shape:
        raise ValueError(
            f"x must be one sample shaped {shape} (the model's input), got {describe(x)}."
        )
    return x


def loss_of(model: Layer, loss: Any) -> losses_module.Loss:
    loss = loss if loss is not None else getattr(model, "loss", None)
    if loss is None:
        raise ValueError(
            "the model has no loss: compile it (model.compile(..., loss=...)) or pass loss=..."
        )
    return losses_module.get(loss)


def targets_of(loss: losses_module.Loss, y: Any, n_outputs: int) -> np.ndarray:
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


def sample_loss(loss, targets, output) -> tuple[float, np.ndarray]:
    value, grad = loss.loss_and_gradient(targets, output.reshape(1, -1).copy())
    return value, grad.reshape(-1)


def all_gradients(model: Layer, x: np.ndarray, targets, loss) -> list[dict[str, np.ndarray]]:
    """Every leaf's gradients (float64) from the engine's backward pass, Dropout off."""
    with float64_copy(model) as (leaves, _, _):
        out = x[None]
        for leaf in leaves:
            out = leaf.forward(out, training=not isinstance(leaf, Dropout))
        _, grad = loss.loss_and_gradient(targets, out)
        for leaf in reversed(leaves):
            grad = leaf.backward(grad)
        return [{k: leaf.grads[k].copy() for k in leaf.params} for leaf in leaves]
