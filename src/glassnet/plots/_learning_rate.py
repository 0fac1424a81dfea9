"""Learning-rate figures: the range test's loss-by-rate curve, and gradient descent's steps
on J(w) at a too-small, a good and a too-large learning rate."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet.plots._figure import finish, subplots

__all__ = ["plot_learning_rate_range"]


def plot_learning_rate_range(found: Any, path: str | os.PathLike | None = None) -> Any:
    """The learning-rate range test: the loss after each step against its rate (log axis).

    The raw losses are drawn faintly, the smoothed curve over them; the suggested rate,
    the lowest smoothed loss and the steepest fall are marked. The y axis stops a little
    above the starting loss, so the divergence at the end does not squash the rest.

    Args:
        found: a `LearningRateRange` from `gn.tuning.find_learning_rate`.
        path: where to save the figure (PNG, SVG, PDF), or None.

    Returns:
        The matplotlib Figure.

    >>> import numpy as np, glassnet as gn
    >>> x = np.linspace(-1, 1, 32).reshape(-1, 1)
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> found = gn.tuning.find_learning_rate(model, x, 2 * x, 1e-3, 10, steps=30, seed=0)
    >>> fig = plot_learning_rate_range(found)
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_xlabel()
    ('log', 'learning rate (log scale)')
    """
    rates = np.asarray(found.rates, dtype=np.float64)
    losses = np.asarray(found.losses, dtype=np.float64)
    smoothed = np.asarray(found.smoothed, dtype=np.float64)
    fig, ax = subplots(figsize=(7.0, 4.2))
    ax.plot(rates, losses, color="tab:blue", alpha=0.3, linewidth=1, label="loss after each step")
    ax.plot(rates, smoothed, color="tab:blue", linewidth=2, label="smoothed")
    low = int(np.argmin(smoothed))
    ax.plot(
        rates[low],
        smoothed[low],
        "v",
        color="tab:red",
        markersize=9,
        label=f"lowest: rate {short(found.minimum_rate)}",
    )
    steep = int(np.argmin(np.abs(rates - found.steepest_rate)))
    ax.plot(
        rates[steep],
        smoothed[steep],
        "o",
        color="tab:orange",
        markersize=8,
        label=f"steepest fall: rate {short(found.steepest_rate)}",
    )
    ax.axvline(
        found.suggestion,
        color="tab:green",
        linestyle="--",
        label=f"suggested: {short(found.suggestion)} ({found.method})",
    )
    ax.set_xscale("log")
    top = max(float(found.initial_loss), float(smoothed[: low + 1].max()))
    bottom = float(min(losses.min(), smoothed.min()))
    margin = 0.1 * (top - bottom) or 0.1 * abs(top) or 0.1
    ax.set_ylim(bottom - margin, top + 2 * margin)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss")
    ax.set_title("Learning-rate range test: the loss as the rate rises")
    ax.legend(fontsize="small")
    return finish(fig, path)
