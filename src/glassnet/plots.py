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

import math
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import activations
from glassnet._internal.files import atomic_write
from glassnet._internal.numbers import short

__all__ = [
    "plot_activations",
    "plot_confusion_matrix",
    "plot_decision_regions",
    "plot_learning_curves",
    "plot_network",
    "plot_perceptron",
    "plot_predictions",
]

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
        with atomic_write(path) as handle:  # the format comes from the suffix, as savefig's
            fig.savefig(handle, format=path.suffix[1:].lower() or None, dpi=120)
    return fig


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
            name = f"group {short(labels[mask][0])}"
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
            label=f"where the perceptron says {short(perceptron.classes_[1])}",
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


# -- training runs -----------------------------------------------------------------------


def _history_dict(history: Any) -> dict[str, list[float]]:
    """`history.history` of a History, or a plain dict of per-epoch lists."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise ValueError(
            "history must be a History or a dict of per-epoch lists like "
            f"{{'loss': [...]}}, got {type(history).__name__} {values!r:.60}."
        )
    return {key: [float(v) for v in seq] for key, seq in values.items()}


def plot_learning_curves(history: Any, path: str | os.PathLike | None = None) -> Any:
    """Loss (and accuracy, when recorded) per epoch, training and validation.

    The best epoch (lowest validation loss, or lowest training loss without validation)
    is marked by a dotted vertical line on every panel and named in the legend.
    Epochs are numbered from 1, as the progress display counts them.

    Args:
        history: the `History` from `model.fit`, or a dict such as
            `{"loss": [...], "val_loss": [...], "accuracy": [...]}`.
        path: where to save the figure (PNG, SVG, PDF), or None.

    Returns:
        The matplotlib Figure: one Axes for the loss, one more for accuracy if present.

    Raises:
        ValueError: if the history is empty or has no "loss".

    >>> fig = plot_learning_curves({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7]})
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[0].get_legend_handles_labels()[1][-1]
    (['loss'], 'best epoch: 2 (val_loss 0.6)')
    """
    values = _history_dict(history)
    if "loss" not in values:
        raise ValueError(f"history has no 'loss'; it holds {sorted(values)}.")
    panels = ["loss"] + [m for m in ("accuracy", "mae", "mse") if m in values]
    monitor = "val_loss" if "val_loss" in values else "loss"
    best = int(np.argmin(values[monitor]))  # 0-based
    fig, axes = _figure(ncols=len(panels), figsize=(5.0 * len(panels), 3.8), squeeze=False)
    epochs = np.arange(1, len(values["loss"]) + 1)
    for ax, name in zip(axes[0], panels, strict=True):
        ax.plot(epochs, values[name], "o-", color="tab:blue", label=f"training {name}")
        if f"val_{name}" in values:
            ax.plot(epochs, values[f"val_{name}"], "s--", color="tab:orange", label=f"val {name}")
        ax.axvline(
            best + 1,
            color="tab:green",
            linestyle=":",
            label=f"best epoch: {best + 1} ({monitor} {short(values[monitor][best])})",
        )
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name} per epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize="small")
    return _finish(fig, path)


def plot_confusion_matrix(
    cm: Any, class_names: Any = None, path: str | os.PathLike | None = None
) -> Any:
    """The confusion matrix as a heat map, with the count in every cell and per-class recall.

    Rows are true classes, columns predicted ones (as `gn.metrics.confusion_matrix`).
    The y tick labels read "name (recall 0.93)", where recall = diagonal / row sum
    ("—" for a class with no true samples). Colour is the fraction of the row, so
    classes of different sizes compare fairly.

    Args:
        cm: square array of counts, shape (n_classes, n_classes).
        class_names: one name per class, or None for 0..n-1.
        path: where to save the figure, or None.

    Returns:
        The matplotlib Figure (the heat map's Axes first, then the colour bar's).

    Raises:
        ValueError: if cm is not square, holds negative counts, or the names don't match.

    >>> fig = plot_confusion_matrix([[3, 1], [0, 4]], ["cat", "dog"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['cat (recall 0.75)', 'dog (recall 1)']
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"cm must be a square (n_classes, n_classes) array, got shape {cm.shape}.")
    if not np.isfinite(cm).all() or (cm < 0).any():
        raise ValueError("cm must hold counts >= 0, got negative or non-finite values.")
    n = cm.shape[0]
    names = [str(i) for i in range(n)] if class_names is None else [str(c) for c in class_names]
    if len(names) != n:
        raise ValueError(f"class_names must have {n} names (one per row of cm), got {len(names)}.")
    totals = cm.sum(axis=1)
    safe = np.where(totals > 0, totals, 1)
    fraction = cm / safe[:, None]  # (n, n), each row sums to 1 (or 0 when empty)
    recall = [
        f"recall {short(round(cm[i, i] / totals[i], 3))}" if totals[i] else "recall —"
        for i in range(n)
    ]
    size = max(4.5, 0.6 * n + 2.5)
    fig, ax = _figure(figsize=(size + 1.5, size))
    image = ax.imshow(fraction, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, label="fraction of the true class")
    rows, cols = np.indices(cm.shape)
    for i, j, count, share in zip(
        rows.ravel(), cols.ravel(), cm.ravel(), fraction.ravel(), strict=True
    ):
        ax.text(
            j,
            i,
            short(count),
            ha="center",
            va="center",
            fontsize="small",
            color="white" if share > 0.5 else "black",
        )
    ax.set_xticks(range(n), names, rotation=45, ha="right")
    ax.set_yticks(range(n), [f"{name} ({r})" for name, r in zip(names, recall, strict=True)])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    correct = int(np.trace(cm))
    total = int(cm.sum())
    accuracy = f"{correct}/{total} = {correct / total:.3f}" if total else "no samples"
    ax.set_title(f"Confusion matrix (accuracy {accuracy})")
    return _finish(fig, path)


def plot_predictions(
    images: Any,
    labels: Any,
    probabilities: Any,
    class_names: Any = None,
    path: str | os.PathLike | None = None,
    ncols: int = 3,
) -> Any:
    """The Fashion-MNIST tutorial's grid: each image beside its probability bar chart.

    Under each image: the predicted class, its probability and the true class, in blue
    when the prediction is right and red when it is wrong. In the bar chart the predicted
    class's bar is red and the true class's bar blue (blue wins when both are the same).

    Args:
        images: shape (n, height, width) (grayscale) or (n, features) for square images.
        labels: the true classes, shape (n,).
        probabilities: shape (n, n_classes), e.g. the softmax of the model's outputs.
        class_names: one name per class, or None for 0..n_classes-1.
        path: where to save the figure, or None.
        ncols: samples per row (each takes two Axes: the image and the bars).

    Returns:
        The matplotlib Figure with 2 * n Axes: image, bars, image, bars, ...

    Raises:
        ValueError: if the lengths or shapes disagree.

    >>> import numpy as np
    >>> fig = plot_predictions(np.zeros((2, 4, 4)), [0, 1], [[0.9, 0.1], [0.8, 0.2]], ["a", "b"])
    >>> [fig.axes[i].get_xlabel() for i in (0, 2)]
    ['a 90% (a)', 'a 80% (b)']
    """
    images = np.asarray(images, dtype=float)
    labels = np.asarray(labels).astype(np.intp).ravel()
    probabilities = np.asarray(probabilities, dtype=float)
    n = len(images)
    if n == 0 or probabilities.ndim != 2 or len(probabilities) != n or len(labels) != n:
        raise ValueError(
            f"images, labels and probabilities must have one row per sample: got {n} images, "
            f"{len(labels)} labels and probabilities of shape {probabilities.shape}."
        )
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"images of shape {images.shape} are not square when reshaped.")
        images = images.reshape(n, side, side)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, height, width), got {images.shape}.")
    n_classes = probabilities.shape[1]
    names = (
        [str(i) for i in range(n_classes)] if class_names is None else [str(c) for c in class_names]
    )
    if len(names) != n_classes:
        raise ValueError(f"class_names must have {n_classes} names, got {len(names)}.")
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    plt = _pyplot()
    fig = plt.figure(figsize=(4.4 * ncols, 2.4 * nrows), layout="constrained")
    predicted = probabilities.argmax(axis=1)
    for i in range(n):
        colour = "blue" if predicted[i] == labels[i] else "red"
        ax_image = fig.add_subplot(nrows, 2 * ncols, 2 * i + 1)
        ax_image.imshow(images[i], cmap=plt.cm.binary)
        ax_image.set_xticks([])
        ax_image.set_yticks([])
        ax_image.set_xlabel(
            f"{names[predicted[i]]} {100 * probabilities[i, predicted[i]]:.0f}% "
            f"({names[labels[i]]})",
            color=colour,
        )
        ax_bars = fig.add_subplot(nrows, 2 * ncols, 2 * i + 2)
        bars = ax_bars.bar(range(n_classes), probabilities[i], color="#777777")
        ax_bars.set_ylim(0, 1)
        ax_bars.set_xticks(range(n_classes))
        ax_bars.set_yticks([])
        bars[predicted[i]].set_color("red")
        if 0 <= labels[i] < n_classes:
            bars[labels[i]].set_color("blue")
    return _finish(fig, path)


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
    plt = _pyplot()
    cmap = plt.get_cmap("tab10")
    fig, ax = _figure(figsize=(6.0, 5.4))
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
    return _finish(fig, path)


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

    fig, ax = _figure(figsize=(2.2 * len(sizes) + 1.5, 0.45 * max(shown) + 2.0))
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
        label = f"{names[layer_index]}\n{sizes[layer_index]} units"
        if hidden:
            label += f"\n({hidden} not drawn)"
        ax.text(layer_index, ys.min() - 0.9, label, ha="center", va="top", fontsize="small")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(shown) / 2 - 2.2, max(shown) / 2 + 0.5)
    ax.set_axis_off()
    ax.set_title("Network: blue = positive weight, red = negative; width = |weight|")
    return _finish(fig, path)
