"""The figures of a training run: learning curves, the confusion matrix and the
Fashion-MNIST tutorial's grid of predictions."""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet.metrics import confusion_matrix
from glassnet.plots._figure import finish, pyplot, subplots

__all__ = ["plot_confusion_matrix", "plot_learning_curves", "plot_predictions"]


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
    fig, axes = subplots(ncols=len(panels), figsize=(5.0 * len(panels), 3.8), squeeze=False)
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
    return finish(fig, path)


def _text_labels(y_true: Any, y_pred: Any, class_names: Any) -> tuple[Any, Any, Any]:
    """Labels given as text ("cat", "dog"), as indices into class_names (or the sorted names)."""
    true, pred = np.asarray(y_true), np.asarray(y_pred)
    if true.dtype.kind not in "USO" and pred.dtype.kind not in "USO":
        return y_true, y_pred, class_names
    if true.ndim != 1 or pred.ndim != 1:
        raise ValueError(
            f"text labels must be 1-D (n_samples,), got y_true {true.shape}, y_pred {pred.shape}."
        )
    seen = sorted({str(v) for v in (*true, *pred)})
    names = seen if class_names is None else [str(c) for c in class_names]
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted(set(seen) - set(index))
    if unknown:
        raise ValueError(f"labels {unknown} are not in class_names {names}.")
    return [index[str(v)] for v in true], [index[str(v)] for v in pred], names


def _counts_from(cm: Any, y_pred: Any, class_names: Any) -> tuple[np.ndarray, Any]:
    """The count matrix and the names, from either form of plot_confusion_matrix's call."""
    first = np.asarray(cm)
    if y_pred is None:
        if first.ndim == 1:
            raise ValueError(
                "plot_confusion_matrix takes a square count matrix, or y_true and y_pred "
                f"(plot_confusion_matrix(y_true, y_pred, class_names=...)); got one array of "
                f"shape {first.shape}: pass y_pred too."
            )
        return first, class_names
    second = np.asarray(y_pred)
    if first.ndim == 2 and second.ndim == 1 and second.dtype.kind in "USO":
        if first.shape[0] == first.shape[1]:
            if class_names is not None:
                raise TypeError("class_names given twice: as the second argument and by name.")
            return first, list(second)  # the older call plot_confusion_matrix(cm, names)
    y_true, y_pred, class_names = _text_labels(cm, y_pred, class_names)
    n_classes = None if class_names is None else len(class_names)
    return confusion_matrix(y_true, y_pred, n_classes=n_classes), class_names


def plot_confusion_matrix(
    cm: Any,
    y_pred: Any = None,
    class_names: Any = None,
    path: str | os.PathLike | None = None,
) -> Any:
    """The confusion matrix as a heat map, with the count in every cell and per-class recall.

    Call it with a count matrix, `plot_confusion_matrix(cm, class_names=names)`, or with the
    labels, `plot_confusion_matrix(y_true, y_pred, class_names=names)` (as scikit-learn's
    `ConfusionMatrixDisplay.from_predictions`); y_true and y_pred may be class indices,
    one-hot rows or, for y_pred, a model's probabilities (argmax), or text labels.

    Rows are true classes, columns predicted ones (as `gn.metrics.confusion_matrix`).
    The y tick labels read "name (recall 0.93)", where recall = diagonal / row sum
    ("—" for a class with no true samples). Colour is the fraction of the row, so
    classes of different sizes compare fairly.

    Args:
        cm: square array of counts, shape (n_classes, n_classes); or y_true, the true
            labels, shape (n_samples,) or one-hot (n_samples, n_classes).
        y_pred: the predicted labels or probabilities, when `cm` holds y_true.
        class_names: one name per class, or None for 0..n-1. With labels, the classes
            are 0..len(class_names)-1, so a class absent from both still gets its row.
        path: where to save the figure, or None.

    Returns:
        The matplotlib Figure (the heat map's Axes first, then the colour bar's).

    Raises:
        ValueError: if cm is not square, holds negative counts, the names don't match, or
            y_true comes without y_pred.

    >>> fig = plot_confusion_matrix([[3, 1], [0, 4]], class_names=["cat", "dog"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['cat (recall 0.75)', 'dog (recall 1)']
    >>> y_true, y_pred = [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1]
    >>> fig = plot_confusion_matrix(y_true, y_pred, class_names=["cat", "dog"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['cat (recall 0.75)', 'dog (recall 1)']
    """
    cm, class_names = _counts_from(cm, y_pred, class_names)
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
    fig, ax = subplots(figsize=(size + 1.5, size))
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
    return finish(fig, path)


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
    plt = pyplot()
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
    return finish(fig, path)
