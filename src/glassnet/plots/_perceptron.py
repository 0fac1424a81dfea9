"""The perceptron's figures: the lecture's two groups with the decision line, and the
decision regions of any classifier of 2-D points."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet._internal.words import plural
from glassnet.plots._figure import finish, pyplot, subplots

__all__ = ["plot_decision_regions", "plot_perceptron"]

# Marker and colour per class, as the lecture's plots: group 1 'o', group 0 'x'.
_POSITIVE_STYLE = {"marker": "o", "color": "tab:blue"}
_NEGATIVE_STYLE = {"marker": "x", "color": "tab:orange"}


def plot_perceptron(
    perceptron: Any,
    x: Any,
    y: Any,
    path: str | os.PathLike | None = None,
    title: str | None = None,
) -> Any:
    """The lecture's scatter of two groups with the perceptron's decision line.

    The positive class (the higher label, the lecture's group 1) is drawn as 'o', the
    negative class as 'x'; misclassified points are ringed in red. The line is where
    z = x1*w1 + x2*w2 + bias*w_bias = 0, so x2 = -(x1*w1 + bias*w_bias) / w2, and its
    equation is in the legend; the shaded side is where the perceptron says positive.

    Args:
        perceptron: a `glassnet.Perceptron` with two inputs.
        x: the points, shape (n_samples, 2).
        y: their two-class labels, shape (n_samples,).
        path: where to save the figure (PNG, SVG, PDF), or None.
        title: the title; default the accuracy, e.g. "Perceptron: accuracy = 9/12 = 0.75".

    Returns:
        The matplotlib Figure, with one Axes and the legend below it (`fig.legends[0]`).

    Raises:
        ValueError: if the perceptron doesn't have exactly two inputs, or x and y disagree.

    >>> import glassnet as gn
    >>> x, y = gn.datasets.lecture_groups()
    >>> fig = plot_perceptron(gn.Perceptron(weights=[3, -2], bias_weight=-1), x, y)
    >>> fig.legends[0].get_texts()[-1].get_text()
    'decision line, where z = 0: x1*3 + x2*-2 + 1*-1 = 0'
    """
    from matplotlib.patches import Patch

    if perceptron.weights is None or len(perceptron.weights) != 2:
        n = "no" if perceptron.weights is None else len(perceptron.weights)
        raise ValueError(
            f"plot_perceptron draws a perceptron with 2 inputs (x1, x2), got one with {n} weights."
        )
    positive = perceptron.targets(y, len(x))  # validates y against x, lower label negative
    x = perceptron.check_inputs(x)
    labels = np.asarray(y)
    correct = (perceptron.predict(x) == perceptron.classes_[1]) == positive

    fig, ax = subplots(figsize=(6.4, 6.0))
    (x1_min, x2_min), (x1_max, x2_max) = _view(x)

    # The side where the perceptron says positive, lightly shaded.
    g1, g2 = np.meshgrid(np.linspace(x1_min, x1_max, 200), np.linspace(x2_min, x2_max, 200))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (40000, 2)
    says_positive = (perceptron.predict(grid) == perceptron.classes_[1]).reshape(g1.shape)
    ax.contourf(
        g1, g2, says_positive.astype(float), levels=[0.5, 1.5], colors=["tab:blue"], alpha=0.08
    )

    handles = []
    for mask, style in ((positive, _POSITIVE_STYLE), (~positive, _NEGATIVE_STYLE)):
        if mask.any():
            name = f"group {short(labels[mask][0])}"
            (line,) = ax.plot(
                x[mask, 0],
                x[mask, 1],
                linestyle="none",
                markersize=8,
                label=f"{name} ({plural(int(mask.sum()), 'point')})",
                **style,
            )
            handles.append(line)
    if not correct.all():
        wrong = ~correct
        (ring,) = ax.plot(
            x[wrong, 0],
            x[wrong, 1],
            linestyle="none",
            marker="o",
            markersize=15,
            markerfacecolor="none",
            markeredgecolor="red",
            label=f"misclassified ({int(wrong.sum())})",
        )
        handles.append(ring)
    handles.append(
        Patch(
            facecolor="tab:blue",
            alpha=0.15,
            label=f"where the perceptron says {short(perceptron.classes_[1])}",
        )
    )

    (w1, w2), offset = perceptron.weights, perceptron.bias * perceptron.bias_weight
    equation = perceptron.equation().removeprefix("z = ")
    label = f"decision line, where z = 0: {equation} = 0"
    if decision_line_outside(perceptron, x):
        label += "\n(outside the plotted area)"
    if w2 != 0:
        x1_line = np.linspace(x1_min, x1_max, 100)
        (line,) = ax.plot(x1_line, -(w1 * x1_line + offset) / w2, "-r", label=label)
        handles.append(line)
    elif w1 != 0:
        handles.append(ax.axvline(-offset / w1, color="r", label=label))
    else:
        handles.append(
            Patch(facecolor="none", edgecolor="none", label="no decision line: w1 = w2 = 0")
        )

    ax.set_xlim(x1_min, x1_max)
    ax.set_ylim(x2_min, x2_max)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    n_correct, n = int(correct.sum()), len(correct)
    ax.set_title(title or f"Perceptron: accuracy = {n_correct}/{n} = {round(n_correct / n, 4)}")
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
    return finish(fig, path)


def _view(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plotted area of `plot_perceptron`: (x1_min, x2_min), (x1_max, x2_max)."""
    low, high = x.min(axis=0), x.max(axis=0)
    margin = np.maximum((high - low) * 0.15, 0.5)
    return low - margin, high + margin


def decision_line_outside(perceptron: Any, x: Any) -> bool:
    """True when `plot_perceptron(perceptron, x, ...)` would not show the decision line:
    it passes outside the plotted area (the points and a margin around them).

    False when there is no line at all (both weights 0: the legend says so).

    >>> import glassnet as gn
    >>> x, _ = gn.datasets.lecture_groups()
    >>> decision_line_outside(gn.Perceptron(weights=[3, -2], bias_weight=-1), x)
    False
    >>> decision_line_outside(gn.Perceptron(weights=[1, 1], bias_weight=100), x)
    True
    """
    x = np.asarray(x, dtype=float)
    (x1_min, x2_min), (x1_max, x2_max) = _view(x)
    (w1, w2), offset = perceptron.weights, perceptron.bias * perceptron.bias_weight
    if w2 != 0:  # x2 = -(w1 x1 + offset) / w2, a straight line: its ends tell
        ends = [-(w1 * x1 + offset) / w2 for x1 in (x1_min, x1_max)]
        return bool(max(ends) < x2_min or min(ends) > x2_max)
    if w1 != 0:  # the vertical line x1 = -offset / w1
        return not x1_min <= -offset / w1 <= x1_max
    return False


def plot_decision_regions(
    classifier: Any,
    x: Any,
    y: Any,
    path: str | os.PathLike | None = None,
    resolution: int = 200,
    title: str | None = None,
) -> Any:
    """The class each point of the plane gets, shaded, with the data on top.

    Works for any classifier of 2-D points: something with `predict_classes` (a glassnet
    `Sequential`) or with `predict` returning labels (a `Perceptron`: its higher class
    shown as y's higher label, as `plot_perceptron`) or scores of shape (n, n_classes)
    (argmax) or (n, 1) (threshold 0.5).

    Args:
        classifier: the trained model.
        x: the points, shape (n_samples, 2).
        y: their labels, shape (n_samples,).
        path: where to save the figure, or None.
        resolution: grid points per axis.
        title: default "Decision regions: accuracy = k/n".

    Returns:
        The matplotlib Figure with one Axes.

    Raises:
        ValueError: if x is not (n_samples, 2) or y has another length.

    >>> import glassnet as gn
    >>> x, y = gn.datasets.lecture_groups()
    >>> fig = plot_decision_regions(gn.Perceptron(weights=[3, -2], bias_weight=-1), x, y)
    >>> fig.axes[0].get_title()
    'Decision regions: accuracy = 12/12'
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y).ravel()
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n_samples, 2), got {x.shape}.")
    if len(y) != len(x):
        raise ValueError(f"y must have one label per point of x ({len(x)}), got {len(y)}.")

    def classes_of(points: np.ndarray) -> np.ndarray:
        if hasattr(classifier, "predict_classes"):
            return np.asarray(classifier.predict_classes(points)).ravel()
        out = np.asarray(classifier.predict(points))
        if out.ndim == 2 and out.shape[1] > 1:
            return out.argmax(axis=1)
        if out.ndim == 2 or out.dtype.kind == "f":
            flat = out.ravel()
            return flat if np.isin(flat, y).all() else (flat > 0.5).astype(np.intp)
        out = out.ravel()
        two = getattr(classifier, "classes_", None)
        if two is not None and len(two) == 2 and not np.isin(out, y).all():
            # A perceptron says -1/1 for labels like 0/1: its higher class is y's higher one.
            return np.where(out == two[1], y.max(), y.min())
        return out

    low, high = x.min(axis=0), x.max(axis=0)
    margin = np.maximum((high - low) * 0.1, 0.5)
    g1, g2 = np.meshgrid(
        np.linspace(low[0] - margin[0], high[0] + margin[0], resolution),
        np.linspace(low[1] - margin[1], high[1] + margin[1], resolution),
    )
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (resolution**2, 2)
    regions = classes_of(grid).reshape(g1.shape)
    classes = np.unique(np.concatenate([np.unique(y), np.unique(regions)]))
    index = np.searchsorted(classes, regions)  # colour index per grid point
    plt = pyplot()
    cmap = plt.get_cmap("tab10")
    fig, ax = subplots(figsize=(6.0, 5.4))
    ax.contourf(
        g1,
        g2,
        index,
        levels=np.arange(len(classes) + 1) - 0.5,
        colors=[cmap(i % 10) for i in range(len(classes))],
        alpha=0.25,
    )
    for i, label in enumerate(classes):
        mask = y == label
        if mask.any():
            ax.scatter(
                x[mask, 0],
                x[mask, 1],
                color=cmap(i % 10),
                edgecolor="black",
                label=f"class {short(label) if np.isreal(label) else label}",
            )
    correct = int((classes_of(x) == y).sum())
    ax.set_title(title or f"Decision regions: accuracy = {correct}/{len(y)}")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(fontsize="small")
    return finish(fig, path)
