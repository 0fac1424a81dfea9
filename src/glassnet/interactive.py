"""Interactive widgets for Jupyter: move the weights, drag the learning rate, watch.

The lecture asks "can we improve the accuracy if we change the weights?";
`perceptron(x, y)` answers with sliders for w1, w2 and w_bias beside the points, the
decision line and the accuracy k/n, redrawn as a slider moves. `learning_rate()` shows
gradient descent on a one-weight loss curve for the learning rate the student drags.

Needs ipywidgets (`pip install glassnet[widgets]`), imported only when a widget is made.
Each function returns an explorer object: it shows as its widget when it is a cell's
last line, and holds what the widget shows (`accuracy`, `line`, `path`, ...) so code
and tests can read it after setting a slider's `.value`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from glassnet._internal.checks import check_int, check_number
from glassnet._internal.numbers import short
from glassnet.perceptron import Perceptron

__all__ = ["LearningRateExplorer", "PerceptronExplorer", "learning_rate", "perceptron"]


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "gn.interactive needs ipywidgets: pip install glassnet[widgets]"
        ) from None
    return ipywidgets


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def _figure(size: tuple[float, float]) -> tuple[Any, Any]:
    """A matplotlib Figure on the Agg canvas (no pyplot: no window, nothing piles up)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


class _Explorer:
    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # The widget for a live kernel; this one line where widgets cannot show.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


class PerceptronExplorer(_Explorer):
    """Sliders for a two-input perceptron's w1, w2 and w_bias; made by `perceptron()`.

    Attributes:
        sliders: {"w1": ..., "w2": ..., "w_bias": ...}, ipywidgets FloatSliders.
        widget: the whole display (sliders, accuracy, plot), an ipywidgets VBox.
        correct, total: the accuracy as k of n points right.
        line: the decision line x2 = slope·x1 + intercept as (slope, intercept), or None
            when w2 = 0 (the line is then vertical, or absent).
        png: the plot shown, as PNG bytes.
    """

    def __init__(
        self,
        x: Any,
        y: Any,
        weights: Sequence[float],
        bias_weight: float,
        bias: float,
        activation: str,
        limit: float,
    ) -> None:
        widgets = _ipywidgets()
        self.x = np.asarray(x, dtype=np.float64)
        if self.x.ndim != 2 or self.x.shape[1] != 2:
            raise ValueError(f"x must have shape (n_samples, 2), got shape {self.x.shape}.")
        self.y = np.asarray(y)
        self.bias = check_number("bias", bias)
        self.activation = activation
        Perceptron(weights=list(weights), bias_weight=bias_weight, activation=activation).score(
            self.x, self.y
        )  # checks weights, activation and y before any widget is made
        start = {"w1": weights[0], "w2": weights[1], "w_bias": bias_weight}
        self.sliders = {
            name: widgets.FloatSlider(
                value=float(value), min=-limit, max=limit, step=0.05, description=name
            )
            for name, value in start.items()
        }
        self.label = widgets.HTML()
        self.image = widgets.Image(format="png")
        for slider in self.sliders.values():
            slider.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.sliders.values())), self.label, self.image]
        )
        self._changed()

    @property
    def perceptron(self) -> Perceptron:
        """The perceptron of the sliders' weights now."""
        w = {name: slider.value for name, slider in self.sliders.items()}
        return Perceptron(
            weights=[w["w1"], w["w2"]],
            bias_weight=w["w_bias"],
            bias=self.bias,
            activation=self.activation,
        )

    def _changed(self, change: Any = None) -> None:
        p = self.perceptron
        self.total = len(self.y)
        self.correct = round(p.score(self.x, self.y) * self.total)
        w1, w2 = cast(np.ndarray, p.weights)  # made with two weights
        offset = p.bias_weight * self.bias
        self.line = None if w2 == 0 else (-w1 / w2, -offset / w2)
        equation = f"x1*{short(w1)} + x2*{short(w2)} + {short(self.bias)}*{short(p.bias_weight)}"
        self.label.value = (
            f"<b>accuracy {self.correct}/{self.total} = {short(self.correct / self.total)}</b>"
            f" &nbsp; decision line: {equation} = 0"
        )
        self.png = self._draw(p)
        self.image.value = self.png

    def __repr__(self) -> str:
        w = ", ".join(f"{name} = {short(slider.value)}" for name, slider in self.sliders.items())
        return f"perceptron explorer: {w}; accuracy {self.correct}/{self.total}"

    def _draw(self, p: Perceptron) -> bytes:
        fig, ax = _figure((5.0, 4.2))
        classes = np.unique(self.y)
        styles = [("x", "tab:orange"), ("o", "tab:blue")]  # as gn.plots.plot_perceptron
        for (marker, color), label in zip(styles, classes[-2:], strict=False):
            points = self.x[self.y == label]
            ax.plot(points[:, 0], points[:, 1], marker, color=color, label=f"group {label}")
        lo, hi = self.x.min(axis=0) - 1, self.x.max(axis=0) + 1
        if self.line is not None:
            slope, intercept = self.line
            x1 = np.array([lo[0], hi[0]])
            ax.plot(x1, slope * x1 + intercept, "-r", label="decision line (z = 0)")
        elif cast(np.ndarray, p.weights)[0] != 0:
            ax.axvline(-p.bias_weight * self.bias / cast(np.ndarray, p.weights)[0], color="r")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.set_title(f"accuracy {self.correct}/{self.total}")
        ax.legend(loc="upper left", fontsize="small")
        return _png(fig)


def perceptron(
    x: Any,
    y: Any,
    weights: Sequence[float] = (0.75, -0.5),
    bias_weight: float = 1.0,
    *,
    bias: float = 1.0,
    activation: str = "sign",
    limit: float = 5.0,
) -> PerceptronExplorer:
    """Sliders for w1, w2 and w_bias, the points, the decision line and the accuracy k/n.

    Starts at the lecture's "random weights" (9 of its 12 points right); try w1 = 3,
    w2 = -2, w_bias = -1 for 12 of 12.

    Args:
        x: the points, shape (n_samples, 2).
        y: their two classes, shape (n_samples,).
        weights: the starting w1, w2.
        bias_weight: the starting w_bias.
        bias: the bias input, a constant (1 in the lecture).
        activation: the perceptron's activation ("sign", as the lecture).
        limit: the sliders run from -limit to limit.

    Returns:
        A `PerceptronExplorer`; it shows as the widget on a cell's last line.

    Raises:
        ImportError: without ipywidgets (`pip install glassnet[widgets]`).
        ValueError: when x is not (n_samples, 2) or y does not match it.

    Example:
        >>> import glassnet as gn
        >>> x, y = gn.datasets.lecture_groups()
        >>> explorer = gn.interactive.perceptron(x, y)  # doctest: +SKIP
        >>> explorer.sliders["w1"].value = 3  # doctest: +SKIP
    """
    return PerceptronExplorer(x, y, weights, bias_weight, bias, activation, limit)


class LearningRateExplorer(_Explorer):
    """Gradient descent on a one-weight loss curve for a dragged learning rate.

    Made by `learning_rate()`. Attributes: `slider` (the learning rate, a log-scale
    slider), `steps_slider`, `widget`, and after each change `path` (w at each step, w0
    first), `losses` (J along it), `png` (the plot shown).
    """

    def __init__(
        self,
        loss: Callable[[float], float],
        gradient: Callable[[float], float],
        w0: float,
        rate: float,
        steps: int,
    ) -> None:
        widgets = _ipywidgets()
        self.loss, self.gradient, self.w0 = loss, gradient, w0
        self.slider = widgets.FloatLogSlider(
            value=rate, base=10, min=-3, max=0.2, step=0.01, description="learning rate"
        )
        self.steps_slider = widgets.IntSlider(value=steps, min=1, max=50, description="steps")
        self.label = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.slider.observe(self._changed, names="value")
        self.steps_slider.observe(self._changed, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.slider, self.steps_slider]), self.label, self.image]
        )
        self._changed()

    def _changed(self, change: Any = None) -> None:
        rate = self.slider.value
        path = [self.w0]
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(self.steps_slider.value):
                path.append(path[-1] - rate * self.gradient(path[-1]))  # w <- w - lr·dJ/dw
            self.path = np.array(path)
            self.losses = np.array([self.loss(w) for w in self.path])
        end = self.losses[-1]
        trend = (
            "diverging"
            if not np.isfinite(end) or end > self.losses[0]
            else ("converging" if end < self.losses[0] else "not getting closer")
        )
        self.label.value = (
            f"<b>learning rate {short(rate)}</b>: w after {len(path) - 1} steps = "
            f"{short(self.path[-1])}, loss {short(end)} ({trend})"
        )
        self.trend = trend
        self.png = self._draw()
        self.image.value = self.png

    def __repr__(self) -> str:
        return (
            f"learning-rate explorer: learning rate {short(self.slider.value)}, "
            f"w after {len(self.path) - 1} steps = {short(self.path[-1])} ({self.trend})"
        )

    def _draw(self) -> bytes:
        fig, ax = _figure((5.5, 3.8))
        finite = self.path[np.isfinite(self.path)]
        lo, hi = min(finite.min(), self.w0) - 1, max(finite.max(), self.w0) + 1
        lo, hi = max(lo, self.w0 - 20), min(hi, self.w0 + 20)
        grid = np.linspace(lo, hi, 200)
        ax.plot(grid, [self.loss(w) for w in grid], color="tab:blue", label="loss J(w)")
        shown = (self.path >= lo) & (self.path <= hi)
        ax.plot(self.path[shown], self.losses[shown], "o-", color="tab:red", label="steps")
        ax.set_xlabel("w")
        ax.set_ylabel("J(w)")
        ax.set_title(f"learning rate {short(self.slider.value)}: {self.trend}")
        ax.legend(fontsize="small")
        return _png(fig)


def learning_rate(
    loss: Callable[[float], float] | None = None,
    gradient: Callable[[float], float] | None = None,
    *,
    w0: float = 0.0,
    rate: float = 0.1,
    steps: int = 10,
) -> LearningRateExplorer:
    """Drag the learning rate and watch gradient descent walk down a one-weight loss.

    Each step is w ← w − learning_rate · dJ/dw. With the default loss J(w) = (w − 3)²
    from w0 = 0: 0.01 crawls, 0.1 converges, 0.5 lands on 3 in one step, 1 bounces
    between 0 and 6 for ever and anything above diverges.

    Args:
        loss: J(w), a function of one float; default (w − 3)².
        gradient: dJ/dw; default: 2(w − 3) for the default loss, else central
            differences of `loss`.
        w0: the starting weight.
        rate: the starting learning rate (the slider runs from 0.001 to about 1.6).
        steps: the starting number of steps, 1 to 50.

    Returns:
        A `LearningRateExplorer`; it shows as the widget on a cell's last line.

    Raises:
        ImportError: without ipywidgets (`pip install glassnet[widgets]`).

    Example:
        >>> import glassnet as gn
        >>> explorer = gn.interactive.learning_rate()  # doctest: +SKIP
        >>> explorer.slider.value = 0.5  # doctest: +SKIP
    """
    if loss is None:
        loss, default_gradient = (lambda w: (w - 3.0) ** 2), (lambda w: 2.0 * (w - 3.0))
        gradient = gradient or default_gradient
    elif not callable(loss):
        raise TypeError(f"loss must be a function of one weight, got {loss!r}.")
    if gradient is None:
        h = 1e-6

        def gradient(w: float) -> float:
            return (loss(w + h) - loss(w - h)) / (2 * h)

    w0 = check_number("w0", w0)
    rate = check_number("rate", rate)
    if rate <= 0:
        raise ValueError(f"rate must be > 0, got {rate}.")
    steps = check_int("steps", steps, minimum=1)
    return LearningRateExplorer(loss, gradient, w0, rate, steps)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
