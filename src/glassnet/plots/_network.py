"""A diagram of a small dense network: neurons as circles, weights as coloured edges."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._internal.words import plural
from glassnet.plots._figure import finish, subplots

__all__ = ["plot_network"]


def plot_network(
    model: Any,
    path: str | os.PathLike | None = None,
    max_units: int = 12,
    *,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Any:
    """A diagram of a small dense network: neurons as circles, weights as edges.

    Edges are blue for positive and red for negative weights, their width proportional
    to |weight| / max |weight| of the layer. Layers wider than `max_units` show their
    first `max_units` neurons and say how many are hidden. Only Dense layers are drawn
    (Flatten, Dropout and activations don't have weights); the input layer is the first
    Dense layer's inputs.

    Args:
        model: a built glassnet `Sequential` (or anything whose `leaves()` are layers
            with `params["kernel"]`).
        path: where to save the figure, or None.
        max_units: the most neurons drawn per layer.
        input_names: a name per input (a table's feature names), written beside the
            input neurons drawn; the input layer is then labelled "input features".
        output_names: a name per output unit (the class names), written beside the
            output neurons drawn; the output layer is then labelled "output classes".

    Returns:
        The matplotlib Figure with one Axes; its edges are in `ax.collections`
        (one LineCollection per Dense layer).

    Raises:
        ValueError: if the model has no built Dense layer, or names of the wrong count.

    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(1)])
    >>> model.build()
    >>> fig = plot_network(model)
    >>> [len(c.get_segments()) for c in fig.axes[0].collections[:2]]
    [6, 3]
    >>> fig = plot_network(model, input_names=["petal", "sepal"], output_names=["setosa"])
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_text() in ("petal", "setosa")]
    ['petal', 'setosa']
    """
    from matplotlib.collections import LineCollection

    leaves = model.leaves() if hasattr(model, "leaves") else list(model)
    kernels = [
        np.asarray(layer.params["kernel"])
        for layer in leaves
        if "kernel" in getattr(layer, "params", {})
    ]
    if not kernels:
        raise ValueError("plot_network needs a built model with at least one Dense layer.")
    sizes = [kernels[0].shape[0]] + [k.shape[1] for k in kernels]
    shown = [min(size, max_units) for size in sizes]
    labels = [
        _names("input_names", input_names, sizes[0]),
        _names("output_names", output_names, sizes[-1]),
    ]

    def positions(count: int) -> np.ndarray:
        return (np.arange(count) - (count - 1) / 2.0)[::-1]

    fig, ax = subplots(figsize=(2.2 * len(sizes) + 1.5, 0.45 * max(shown) + 2.0))
    for layer_index, kernel in enumerate(kernels):
        a, b = shown[layer_index], shown[layer_index + 1]
        weights = kernel[:a, :b]  # (a, b)
        scale = np.abs(kernel).max() or 1.0
        ys_in, ys_out = positions(a), positions(b)
        i, j = np.meshgrid(np.arange(a), np.arange(b), indexing="ij")
        segments = np.stack(
            [
                np.column_stack([np.full(a * b, layer_index), ys_in[i.ravel()]]),
                np.column_stack([np.full(a * b, layer_index + 1), ys_out[j.ravel()]]),
            ],
            axis=1,
        )  # (a*b, 2 points, 2 coords)
        flat = weights.ravel()
        colours = np.where(flat[:, None] >= 0, [[0.12, 0.47, 0.71, 0.8]], [[0.84, 0.15, 0.16, 0.8]])
        ax.add_collection(
            LineCollection(segments, colors=colours, linewidths=0.3 + 3.0 * np.abs(flat) / scale)
        )
    names = (
        ["input features" if input_names is not None else "input"]
        + [f"hidden {k}" for k in range(1, len(kernels))]
        + ["output classes" if output_names is not None else "output"]
    )
    for layer_index, count in enumerate(shown):
        ys = positions(count)
        ax.scatter(
            np.full(count, layer_index), ys, s=160, color="white", edgecolor="black", zorder=3
        )
        hidden = sizes[layer_index] - count
        label = f"{names[layer_index]}\n{plural(sizes[layer_index], 'unit')}"
        if hidden:
            label += f"\n({hidden} not drawn)"
        ax.text(layer_index, ys.min() - 0.9, label, ha="center", va="top", fontsize="small")
    pads = [0.0, 0.0]  # room for the names beside the first and the last layer
    for side, (layer_index, given) in enumerate(((0, labels[0]), (len(sizes) - 1, labels[1]))):
        if given is None:
            continue
        ys, sign = positions(shown[layer_index]), (-1, 1)[side]
        for y, name in zip(ys, given, strict=False):  # the neurons drawn: the first ones
            ax.text(
                layer_index + 0.12 * sign,
                y,
                name,
                ha=("right", "left")[side],
                va="center",
                fontsize="small",
            )
        pads[side] = 0.09 * max(len(name) for name in given[: shown[layer_index]])
    ax.set_xlim(-0.5 - pads[0], len(sizes) - 0.5 + pads[1])
    ax.set_ylim(-max(shown) / 2 - 2.2, max(shown) / 2 + 0.5)
    ax.set_axis_off()
    ax.set_title("Network: blue = positive weight, red = negative; width = |weight|")
    return finish(fig, path)


def _names(argument: str, names: Sequence[str] | None, count: int) -> list[str] | None:
    """`names` as short strings (at most 18 characters), checked to number `count`."""
    if names is None:
        return None
    if isinstance(names, str) or len(names) != count:
        got = repr(names) if isinstance(names, str) else f"{len(names)} names"
        raise ValueError(f"{argument} must hold one name per unit ({count}), got {got}.")
    return [str(n) if len(str(n)) <= 18 else str(n)[:17] + "…" for n in names]
