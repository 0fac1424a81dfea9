"""`initialization`: each layer's starting weights, the initializer's range and why.

Weights start random, so that two units of a layer do not compute the same thing; how
wide the random range is decides whether the signal keeps its size through the layers.
Glorot (Xavier) chooses Var(w) = 2 / (fan_in + fan_out), a compromise between keeping the
forward signal (fan_in) and the backward gradient (fan_out); He chooses Var(w) = 2 / fan_in,
twice as wide, since ReLU zeroes about half of the units. A uniform distribution on
[-limit, limit] has variance limit² / 3, hence limit = sqrt(6 / (fan_in + fan_out)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._internal.checks import check_int, describe
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import precise
from glassnet.explain._text import Explanation

__all__ = ["InitialWeights", "InitializationExplanation", "initialization"]

# The std of a standard normal cut to [-2, 2] (Keras's truncated normal; initializers.py).
_TRUNCATED_STD = 0.87962566103423978
# Width of the longest histogram bar, in characters.
_BAR = 40


def _truncated(expression: str, std: float) -> str:
    sigma = std / _TRUNCATED_STD
    return (
        f"truncated normal with std {expression} = {precise(std)}: a normal of std "
        f"{precise(std)} / {precise(_TRUNCATED_STD)} = {precise(sigma)} cut at 2 of its std, "
        f"[-{precise(2 * sigma)}, {precise(2 * sigma)}]"
    )


def _rule(name: str, fan_in: int, fan_out: int) -> tuple[str, float | None, str]:
    """(the formula with its numbers, the half-width of the range or None, why)."""
    fans = f"{fan_in} + {fan_out}"
    if name == "glorot_uniform":
        limit = float(np.sqrt(6.0 / (fan_in + fan_out)))
        formula = f"uniform on [-limit, limit], limit = sqrt(6 / ({fans})) = {precise(limit)}"
        why = "Glorot: Var(w) = 2 / (fan_in + fan_out) keeps signals and gradients their size"
        return formula, limit, why
    if name == "glorot_normal":
        std = float(np.sqrt(2.0 / (fan_in + fan_out)))
        formula = _truncated(f"sqrt(2 / ({fans}))", std)
        why = "Glorot: Var(w) = 2 / (fan_in + fan_out) keeps signals and gradients their size"
        return formula, 2 * std / _TRUNCATED_STD, why
    if name == "he_uniform":
        limit = float(np.sqrt(6.0 / fan_in))
        formula = f"uniform on [-limit, limit], limit = sqrt(6 / {fan_in}) = {precise(limit)}"
        why = "He: Var(w) = 2 / fan_in, twice Glorot's, as ReLU switches off about half the units"
        return formula, limit, why
    if name == "he_normal":
        std = float(np.sqrt(2.0 / fan_in))
        formula = _truncated(f"sqrt(2 / {fan_in})", std)
        why = "He: Var(w) = 2 / fan_in, twice Glorot's, as ReLU switches off about half the units"
        return formula, 2 * std / _TRUNCATED_STD, why
    if name in ("zeros", "ones"):
        value = 0.0 if name == "zeros" else 1.0
        return f"every value {precise(value)}", 0.0, "a constant start"
    return f"{name} (range not known to explain)", None, ""


@dataclass
class InitialWeights:
    """One weight array's start.

    Attributes:
        layer_name, parameter: where it lives ("dense", "kernel").
        initializer: the initializer's name ("glorot_uniform").
        fan_in, fan_out: the kernel's inputs and units (for a bias: its units twice).
        formula: the range with its numbers; limit: its half-width (None if unknown).
        why: the reason for the range.
        counts, edges: the histogram (np.histogram's counts and bin edges).
        minimum, maximum, std: of the values.
    """

    layer_name: str
    parameter: str
    initializer: str
    fan_in: int
    fan_out: int
    formula: str
    limit: float | None
    why: str
    counts: np.ndarray
    edges: np.ndarray
    minimum: float
    maximum: float
    std: float
    kernel: bool = True

    def lines(self) -> list[str]:
        fans = f"fan_in {self.fan_in}, fan_out {self.fan_out}" if self.kernel else ""
        lines = [f"  {self.initializer}{', ' + fans if fans else ''}: {self.formula}"]
        if self.why:
            lines.append(f"  why: {self.why}")
        lines.append(
            f"  values: from {precise(self.minimum)} to {precise(self.maximum)}, "
            f"std {precise(self.std)}"
        )
        if self.counts.sum() and self.maximum > self.minimum:
            top = int(self.counts.max())
            for count, low, high in zip(self.counts, self.edges[:-1], self.edges[1:], strict=True):
                bar = "#" * round(_BAR * int(count) / top)
                lines.append(f"  [{low:+.4f}, {high:+.4f}) {int(count):>7,} {bar}")
        return lines


@dataclass
class InitializationExplanation(Explanation):
    """The starting weights of a model, array by array (from `initialization`).

    Attributes:
        weights: an `InitialWeights` per weight array, in `get_weights()` order.
        trained_steps: optimizer steps already taken (0: these are the starting weights).
    """

    weights: list[InitialWeights]
    trained_steps: int = 0

    title = "How the weights start: the initializer of each layer"

    def sections(self):
        sections = []
        if self.trained_steps:
            sections.append(
                (
                    "",
                    [
                        f"⚠ the model has taken {self.trained_steps:,} training steps: these are "
                        "its current weights, no longer the starting ones."
                    ],
                )
            )
        for w in self.weights:
            sections.append((f"layer '{w.layer_name}', {w.parameter}", w.lines()))
        return sections

    def to_dict(self):
        return {
            "trained_steps": self.trained_steps,
            "weights": [
                {
                    "layer": w.layer_name,
                    "parameter": w.parameter,
                    "initializer": w.initializer,
                    "fan_in": w.fan_in,
                    "fan_out": w.fan_out,
                    "limit": w.limit,
                    "formula": w.formula,
                    "counts": jsonable(w.counts),
                    "edges": jsonable(w.edges),
                    "min": w.minimum,
                    "max": w.maximum,
                    "std": w.std,
                }
                for w in self.weights
            ],
        }


def initialization(model: Any, bins: int = 10) -> InitializationExplanation:
    """Explain how a model's weights start: initializer, range from fan-in and fan-out,
    and a histogram of the values, for each weight array.

    Call it before `fit` to see the starting weights (an unbuilt model with a known input
    shape is built first); after training it explains the current weights and says so.

    Args:
        model: a `Sequential`.
        bins: histogram bins, >= 1 (default 10); for a known range the bins span it.

    Returns:
        An `InitializationExplanation` (text, HTML in a notebook, `.to_dict()`).

    Raises:
        TypeError: `model` is not a model with layers.
        ValueError: `bins` < 1, or an unbuilt model without an input shape.

    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.layers.Input((784,)), gn.layers.Dense(128)])
    >>> e = gn.explain.initialization(model)
    >>> print(e.weights[0].formula)
    uniform on [-limit, limit], limit = sqrt(6 / (784 + 128)) = 0.0811107
    >>> int(e.weights[0].counts.sum()), e.weights[1].formula
    (100352, 'every value 0')
    """
    bins = check_int("bins", bins, 1)
    if not hasattr(model, "layers") or not hasattr(model, "build"):
        raise TypeError(f"model must be a Sequential model, got {describe(model)}.")
    if not getattr(model, "built", False):
        try:
            model.build()
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"the model is not built and cannot be built without an input shape ({error}); "
                "add gn.layers.Input(shape) first or call model.build(input_shape)."
            ) from None
    leaves = model.leaves() if hasattr(model, "leaves") else list(model.layers)
    weights = []
    for layer in leaves:
        for key, value in layer.params.items():
            values = np.asarray(value, dtype=np.float64)
            init = getattr(layer, f"{key}_initializer", None)
            name = getattr(init, "name", "") or type(init).__name__ if init is not None else "?"
            if values.ndim >= 2:
                receptive = int(np.prod(values.shape[:-2]))
                fan_in, fan_out = values.shape[-2] * receptive, values.shape[-1] * receptive
            else:
                fan_in = fan_out = int(values.shape[0]) if values.ndim else 1
            formula, limit, why = _rule(name, fan_in, fan_out)
            # float32 rounding may put a value a hair beyond the float64 limit
            span = (min(-limit, values.min()), max(limit, values.max())) if limit else None
            counts, edges = np.histogram(values, bins=bins, range=span)
            weights.append(
                InitialWeights(
                    layer.name,
                    key,
                    name,
                    fan_in,
                    fan_out,
                    formula,
                    limit,
                    why,
                    counts,
                    edges,
                    float(values.min()),
                    float(values.max()),
                    float(values.std()),
                    values.ndim >= 2,
                )
            )
    optimizer = getattr(model, "optimizer", None)
    steps = int(getattr(optimizer, "iterations", 0) or 0)
    return InitializationExplanation(weights, steps)
