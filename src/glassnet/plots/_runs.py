"""`plot_runs`: the learning curves of several runs overlaid, one colour per run."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet._internal.checks import describe
from glassnet.plots._figure import finish, subplots

__all__ = ["plot_runs"]


def _label(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(_label(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _curves(runs: Any) -> list[tuple[str, dict[str, list[float]]]]:
    """(label, history dict) per run, from a mapping label -> history or sweep runs."""
    if isinstance(runs, Mapping):
        items = [(str(k), getattr(h, "history", h)) for k, h in runs.items()]
    elif (
        isinstance(runs, Sequence)
        and not isinstance(runs, str)
        and all(hasattr(r, "params") and hasattr(r, "history") for r in runs)
    ):
        keys = list(dict.fromkeys(k for r in runs for k in r.params))
        differ = [k for k in keys if len({repr(r.params.get(k)) for r in runs}) > 1] or keys
        items = [
            (", ".join(f"{k}={_label(r.params.get(k))}" for k in differ), r.history) for r in runs
        ]
    else:
        raise TypeError(
            "runs must be the runs of gn.tuning.sweep or a dict of label -> history, got "
            f"{describe(runs)}."
        )
    if not items:
        raise ValueError("runs must hold at least one run, got none.")
    for label, history in items:
        if not isinstance(history, Mapping) or not history.get("loss"):
            raise ValueError(f"the run {label!r} has no 'loss' history to plot.")
    return items


def plot_runs(runs: Any, path: str | os.PathLike | None = None) -> Any:
    """The loss per epoch of several runs in one figure: dashed training, solid validation.

    Each run has its colour, labelled by the settings that differ between the runs (for
    the runs of `gn.tuning.sweep`) or by its key (for a dict); its best epoch (lowest
    validation loss) is marked with a dot.

    Args:
        runs: the list `gn.tuning.sweep` returns, or a dict of label -> `History` (or
            history dict with "loss" and optionally "val_loss").
        path: where to save the figure (PNG, SVG, PDF), or None.

    Returns:
        The matplotlib Figure, one Axes.

    Raises:
        TypeError: `runs` is neither.
        ValueError: no runs, or a run without a "loss" history.

    >>> fig = plot_runs({"lr 0.01": {"loss": [1.0, 0.8], "val_loss": [1.1, 0.9]},
    ...                  "lr 0.1": {"loss": [0.9, 0.3], "val_loss": [1.0, 0.5]}})
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['lr 0.01 training', 'lr 0.01 validation', 'lr 0.1 training', 'lr 0.1 validation']
    """
    items = _curves(runs)
    fig, ax = subplots(figsize=(7.5, 4.2))
    for i, (label, history) in enumerate(items):
        colour = f"C{i % 10}"
        loss = history["loss"]
        ax.plot(range(1, len(loss) + 1), loss, "--", color=colour, label=f"{label} training")
        val = history.get("val_loss")
        if val:
            ax.plot(range(1, len(val) + 1), val, "-", color=colour, label=f"{label} validation")
            best = int(np.argmin(val))
            ax.plot(best + 1, val[best], "o", color=colour)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Learning curves compared (dashed: training, solid: validation; dot: best)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize="small")
    return finish(fig, path)
