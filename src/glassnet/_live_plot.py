"""What `fit` shows in a Jupyter notebook: the live bar, and the opt-in live learning curves.

Both are IPython displays updated in place through a `display_id`, so a notebook saved
after training holds each one's last state only: one line per epoch for the bar, one
figure for `LivePlot`. Nothing here needs a screen: figures are drawn by matplotlib's Agg
canvas on a `Figure` (never pyplot, so no window opens and nothing is shown twice).
"""

from __future__ import annotations

import html
import io
import os
from typing import Any

from glassnet._callback_base import Callback
from glassnet._internal.checks import check_int
from glassnet._internal.notebook import MonospaceText, in_notebook

__all__ = ["LivePlot", "NotebookBar", "learning_curves_png"]

_BAR_WIDTH = 20


class NotebookBar:
    """One epoch's progress bar in a notebook: one display, updated, ending as a line.

    Args:
        label: what precedes the bar, e.g. "Epoch 1/10" (may be empty).
        steps: the number of steps of a full bar, >= 1.

    >>> bar = NotebookBar("Epoch 1/2", 4)
    >>> bar.view(1, "2.00ms/step - loss: 0.5000").text
    'Epoch 1/2 ━━━━━━━━━━━━━━━━━━━━ 1/4 2.00ms/step - loss: 0.5000'
    """

    def __init__(self, label: str, steps: int) -> None:
        self.label = label
        self.steps = max(int(steps), 1)
        self.handle: Any = None

    def view(self, done: int, info: str = "") -> MonospaceText:
        """The bar after `done` steps, as text and as HTML (done part green, the rest grey)."""
        filled = round(_BAR_WIDTH * min(done, self.steps) / self.steps)
        head = f"{self.label} " if self.label else ""
        tail = f" {done}/{self.steps} {info}".rstrip()
        bar = "━" * _BAR_WIDTH
        spans = (
            f'{html.escape(head)}<span style="color: #2e7d32">{bar[:filled]}</span>'
            f'<span style="color: #bbb">{bar[filled:]}</span>{html.escape(tail)}'
        )
        return MonospaceText(head + bar + tail, spans)

    def show(self) -> None:
        """Display the empty bar; later `update` and `finish` redraw this same display."""
        from IPython.display import display

        self.handle = display(self.view(0), display_id=True)  # type: ignore[no-untyped-call]

    def update(self, done: int, info: str) -> None:
        """Redraw the bar after `done` steps."""
        self.handle.update(self.view(done, info))

    def finish(self, line: str) -> None:
        """Replace the bar by its final line (or show the line, if no bar was shown)."""
        if self.handle is not None:
            self.handle.update(MonospaceText(line))
        else:
            from IPython.display import display

            display(MonospaceText(line))  # type: ignore[no-untyped-call]  # IPython


def learning_curves_png(history: dict[str, list[float]], dpi: int = 80) -> bytes:
    """A PNG of the loss (and accuracy, when logged) per epoch, training beside validation.

    Args:
        history: lists of per-epoch values, e.g. `{"loss": [...], "val_loss": [...]}`.
        dpi: resolution of the PNG.

    Returns:
        The PNG file's bytes.

    >>> learning_curves_png({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = sorted((n for n in history if not n.startswith("val_")), key=lambda n: n != "loss")
    fig = Figure(figsize=(4.5 * max(len(panels), 1), 3.2), layout="constrained")
    FigureCanvasAgg(fig)
    for i, name in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        epochs = range(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], "o-", color="tab:blue", label=f"training {name}")
        if f"val_{name}" in history:
            val = history[f"val_{name}"]
            ax.plot(range(1, len(val) + 1), val, "s--", color="tab:orange", label=f"val {name}")
        ax.set_xlabel("epoch")
        ax.set_title(f"{name} per epoch")
        # A MaxNLocator's parameter; matplotlib's stub types the base Locator.
        ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        ax.legend(fontsize="small")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class LivePlot(Callback):
    """Redraw the learning curves after every epoch, in place, while `fit` runs.

    In a Jupyter notebook the figure is one display, made when training begins (above the
    epoch lines) and replaced after each epoch, so the saved notebook holds the final
    curves once; the loss comes first, then each metric, training beside validation.
    Outside a notebook it shows nothing, unless `path` is given: then the PNG there is
    rewritten after each epoch (open it in an image viewer that reloads). glassnet's own
    callback: Keras has none.

    Args:
        path: also write the PNG here after each epoch; None (default) writes nothing.
        every: redraw every `every` epochs (and after the last), >= 1. Default 1.

    Example:
        >>> import numpy as np, glassnet as gn
        >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> live = gn.callbacks.LivePlot()
        >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0, callbacks=[live])
        >>> live.history["loss"].__len__(), live.draws  # not a notebook: nothing drawn
        (2, 0)
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, every: int = 1) -> None:
        if path is not None and not isinstance(path, str | os.PathLike):
            raise TypeError(f"LivePlot path must be a str or os.PathLike, got {path!r}.")
        self.path = path
        self.every = check_int("every", every, minimum=1)
        self.history: dict[str, list[float]] = {}
        self.handle: Any = None
        self.draws = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.history = {}
        self.handle = None
        self.draws = 0
        self.notebook = in_notebook()
        if self.notebook:  # the display is made now, so the curves sit above the epoch lines
            from IPython.display import display

            waiting = MonospaceText("Learning curves: drawn after each epoch.")
            self.handle = display(waiting, display_id=True)  # type: ignore[no-untyped-call]

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        last = epoch + 1 >= self.params.get("epochs", epoch + 1)
        if (epoch + 1) % self.every and not last:
            return
        if not self.notebook and self.path is None:
            return
        png = learning_curves_png(self.history)
        self.draws += 1
        if self.path is not None:
            from glassnet._internal.files import atomic_write

            with atomic_write(self.path) as file:
                file.write(png)
        if self.notebook:
            # IPython 8 leaves Image out of __all__ (attr-defined); IPython 9 exports it.
            from IPython.display import Image  # type: ignore[attr-defined, unused-ignore]

            self.handle.update(Image(data=png, format="png"))  # type: ignore[no-untyped-call, unused-ignore]
