"""A diagram of a small dense network: neurons as circles, weights as coloured edges."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet._internal.words import plural
from glassnet.plots._figure import finish, subplots

__all__ = ["plot_network"]


def plot_network(model: Any, path: str | os.PathLike | None = None, max_units: int = 12) -> Any:
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

    Returns:
        The matplotlib Figure with one Axes; its edges are in `ax.collections`
        (one LineCollection per Dense layer).

    Raises:
        ValueError: if the model has no built Dense layer.

    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(1)])
    >>> model.build()
    >>> fig = plot_network(model)
    >>> [len(c.get_segments()) for c in fig.axes[0].collections[:2]]
    [6, 3]
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
    names = ["input"] + [f"hidden {k}" for k in range(1, len(kernels))] + ["output"]
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
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(shown) / 2 - 2.2, max(shown) / 2 + 0.5)
    ax.set_axis_off()
    ax.set_title("Network: blue = positive weight, red = negative; width = |weight|")
    return finish(fig, path)
