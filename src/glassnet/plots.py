"""Every glassnet figure, drawn with matplotlib; each works without a display.

Each public function returns the `matplotlib.figure.Figure` it drew and, given
`path=`, also saves it there (PNG, SVG or PDF by the file's suffix, written
atomically). Nothing calls `plt.show()`: in a notebook the figure shows itself,
in a script call `plt.show()` yourself or pass `path=`. With no display (a server,
CI) the Agg backend is used.

>>> import glassnet as gn
>>> fig = gn.plots.plot_activations()
>>> len(fig.axes)
7
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import activations

__all__ = ["plot_activations", "plot_perceptron"]

# -- shared helpers --------------------------------------------------------------------

# Backends that need a window system; with no display they are swapped for Agg.
_GUI_BACKENDS = {
    "gtk3agg",
    "gtk3cairo",
    "gtk4agg",
    "gtk4cairo",
    "macosx",
    "qt5agg",
    "qt5cairo",
    "qtagg",
    "qtcairo",
    "tkagg",
    "tkcairo",
    "wx",
    "wxagg",
    "wxcairo",
}

# Marker and colour per class, as the lecture's plots: group 1 'o', group 0 'x'.
_POSITIVE_STYLE = {"marker": "o", "color": "tab:blue"}
_NEGATIVE_STYLE = {"marker": "x", "color": "tab:orange"}


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _pyplot() -> Any:
    """matplotlib.pyplot, with the Agg backend when there is no display to draw on.

    A backend chosen explicitly (a notebook's inline one, say) is kept unless it needs
    a window system that isn't there.
    """
    import matplotlib

    if not _has_display():
        # Read the raw setting: rcParams["backend"] would resolve (and import) a GUI one.
        backend = dict.__getitem__(matplotlib.rcParams, "backend")
        if not isinstance(backend, str) or backend.lower() in _GUI_BACKENDS:
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure(**kwargs: Any) -> Any:
    """A new figure; `kwargs` go to `plt.subplots` (nrows, ncols, figsize, ...)."""
    plt = _pyplot()
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(**kwargs)


def _finish(fig: Any, path: str | os.PathLike | None) -> Any:
    """Save `fig` to `path` if given (atomically: a temporary file, then a rename)."""
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
        try:
            fig.savefig(temporary, dpi=120)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return fig


def _number(value: float) -> str:
    """3, -0.5, 0.125: integers without '.0', others to 4 significant digits."""
    value = float(value) + 0.0
    return str(int(value)) if value.is_integer() else f"{value:.4g}"


# -- perceptron ------------------------------------------------------------------------


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
    positive = perceptron._targets(y, len(x))  # validates y against x, lower label negative
    x = perceptron._inputs(x)
    labels = np.asarray(y)
    correct = (perceptron.predict(x) == perceptron.classes_[1]) == positive

    fig, ax = _figure(figsize=(6.4, 6.0))
    low, high = x.min(axis=0), x.max(axis=0)
    margin = np.maximum((high - low) * 0.15, 0.5)
    (x1_min, x2_min), (x1_max, x2_max) = low - margin, high + margin

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
            name = f"group {_number(labels[mask][0])}"
            (line,) = ax.plot(
                x[mask, 0],
                x[mask, 1],
                linestyle="none",
                markersize=8,
                label=f"{name} ({int(mask.sum())} points)",
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
            label=f"where the perceptron says {_number(perceptron.classes_[1])}",
        )
    )

    (w1, w2), offset = perceptron.weights, perceptron.bias * perceptron.bias_weight
    equation = perceptron.equation().removeprefix("z = ")
    label = f"decision line, where z = 0: {equation} = 0"
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
    return _finish(fig, path)


# -- activation functions ----------------------------------------------------------------


def plot_activations(path: str | os.PathLike | None = None) -> Any:
    """The lecture's activation-function table as a gallery: one panel per activation.

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
    fig, axes = _figure(nrows=nrows, ncols=ncols, figsize=(3.2 * ncols, 3.0 * nrows))
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
    return _finish(fig, path)
