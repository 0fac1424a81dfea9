"""The lecture's activation-function table, then Keras's other activations, as a gallery of
f(z) and f'(z)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet import activations
from glassnet.plots._figure import finish, subplots

__all__ = ["plot_activations"]


def plot_activations(path: str | os.PathLike | None = None) -> Any:
    """The lecture's activation-function table as a gallery, one panel per activation: the
    lecture's seven first, then Keras's others (elu, selu, gelu, ..., exponential).

    Each panel shows f(z) (solid) and its derivative f'(z) (dashed) for z in [-5, 5],
    with the formula as the title. Softmax is drawn for two classes, [z, 0]: its first
    output is then sigmoid(z), and the dashed line is d s_0 / d z.

    Args:
        path: where to save the figure (PNG, SVG, PDF), or None.

    Returns:
        The matplotlib Figure, one Axes per name in `glassnet.activations.names()`.

    >>> fig = plot_activations()
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes][:3]
    ['linear', 'sigmoid', 'tanh']
    """
    names = activations.names()
    ncols = 4
    nrows = -(-len(names) // ncols)
    fig, axes = subplots(nrows=nrows, ncols=ncols, figsize=(3.2 * ncols, 3.0 * nrows))
    axes = axes.ravel()
    z = np.linspace(-5.0, 5.0, 1001)  # odd count: z = 0 is on the grid
    for ax, name in zip(axes, names, strict=False):
        function = activations.get(name)
        if name == "softmax":
            both = np.column_stack([z, np.zeros_like(z)])  # (1001, 2): the logits [z, 0]
            value = function(both)[:, 0]
            slope = function.derivative(both)[:, 0, 0]
            title = f"softmax, 2 classes [z, 0]\n{function.formula}"
        else:
            value, slope = function(z), function.derivative(z)
            title = f"{name}\n{function.formula}"
        ax.plot(z, value, "-", color="tab:blue", label="f(z)")
        ax.plot(z, slope, "--", color="tab:red", label="f'(z)")
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.axvline(0, color="grey", linewidth=0.5)
        ax.set_title(title, fontsize="small")
        ax.set_xlabel("z")
        ax.legend(loc="upper left", fontsize="x-small")
    for ax in axes[len(names) :]:
        fig.delaxes(ax)
    fig.suptitle("Activation functions: f(z) solid, derivative f'(z) dashed")
    return finish(fig, path)
