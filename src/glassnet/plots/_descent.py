"""`plot_gradient_descent`: J(w) along one weight, and the steps gradient descent takes on it
at a too-small, a good and a too-large learning rate."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet._internal.checks import as_float_array, check_int, describe
from glassnet._internal.numbers import short
from glassnet.layers import Dense, Dropout, Layer
from glassnet.model import Sequential
from glassnet.plots._figure import finish, subplots
from glassnet.testing import float64_copy

__all__ = ["WeightLine", "choose_learning_rates", "lecture_network", "plot_gradient_descent"]


def lecture_network() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """The lecture's one-input network x -> w1 -> sigmoid -> w2 -> ŷ, J = (ŷ - y)², with
    one sample: (model, x, y). w1 = 2, w2 = -1 (far from its best value), biases 0, x = 1,
    y = 1."""
    model = Sequential(
        [
            Dense(1, activation="sigmoid", input_shape=(1,), name="hidden"),
            Dense(1, name="output"),
        ]
    )
    model.set_weights([np.array([[2.0]]), np.array([0.0]), np.array([[-1.0]]), np.array([0.0])])
    model.compile(optimizer="sgd", loss="mse")
    return model, np.array([[1.0]]), np.array([[1.0]])


class WeightLine:
    """J as a function of one weight of a model, the other weights fixed (float64).

    Args:
        model: a built `Sequential` (compiled, or pass `loss`).
        x, y: a batch of samples (or one sample) and their targets; J is their mean loss.
        layer: the index in `model.leaves()` of a layer with weights (negative counts
            from the end); default the last one.
        weight: (i, j) of its kernel; or `bias=j` for a bias.

    >>> model, x, y = lecture_network()
    >>> line = WeightLine(model, x, y)          # w2: ŷ = sigmoid(2) · w2, J = (ŷ - 1)²
    >>> round(line.loss(0.0), 6), line.start, line.symbol
    (1.0, -1.0, 'w2')
    """

    def __init__(self, model, x, y, layer=None, weight=None, bias=None, loss=None):
        if not isinstance(model, Layer):
            raise TypeError(f"model must be a glassnet Sequential, got {describe(model)}.")
        x = as_float_array("x", x, dtype=np.float64)
        if not model.built:
            declared = model.input_sample_shape
            model.build(tuple(declared) if declared is not None else x.shape[1:])
        shape = tuple(model.input_sample_shape)
        self.x = x[None] if x.shape == shape else x
        if self.x.shape[1:] != shape:
            raise ValueError(f"x must be shaped {shape} or (n, *{shape}), got {describe(x)}.")
        self.model = model
        loss = loss if loss is not None else getattr(model, "loss", None)
        if loss is None:
            raise ValueError("the model has no loss: compile it or pass loss=...")
        self.loss_function = losses_module.get(loss)
        leaves = model.leaves()
        with_weights = [i for i, leaf in enumerate(leaves) if leaf.params]
        if not with_weights:
            raise ValueError("the model has no weights to plot.")
        index = with_weights[-1] if layer is None else check_int("layer", layer)
        if not -len(leaves) <= index < len(leaves) or not leaves[index].params:
            raise ValueError(
                f"layer must be the index of a layer with weights, one of {with_weights}, "
                f"got {layer}."
            )
        self.index = index % len(leaves)
        params = leaves[self.index].params
        self.key = "bias" if bias is not None else "kernel"
        position = (int(bias),) if bias is not None else tuple(weight or (0, 0))
        if (
            self.key not in params
            or len(position) != params[self.key].ndim
            or any(not 0 <= p < n for p, n in zip(position, params[self.key].shape, strict=True))
        ):
            raise ValueError(
                f"{'bias' if bias is not None else 'weight'} {position} is not in layer "
                f"{self.index}'s {self.key}, shaped {params[self.key].shape}."
            )
        self.position = position
        number = sum(1 for i in with_weights if i <= self.index)
        size = params[self.key].size
        name = f"{'b' if bias is not None else 'w'}{number}"
        self.symbol = name if size == 1 else f"{name}[{','.join(map(str, position))}]"
        self.start = float(params[self.key][position])
        with float64_copy(model) as (copies, _, _):
            out = self._forward(copies)
        targets = np.asarray(y)
        if targets.ndim == 0 or (len(self.x) == 1 and targets.shape[:1] != (1,)):
            targets = targets[None]
        targets = self.loss_function.check_targets(targets, out.shape)
        self.y = targets.astype(np.float64) if targets.dtype.kind == "f" else targets

    def _forward(self, copies):
        out = self.x
        for leaf in copies:
            out = leaf.forward(out, training=not isinstance(leaf, Dropout))
        return out

    def loss_and_slope(self, w: float) -> tuple[float, float]:
        """J and dJ/dw with the weight set to `w` (backpropagation, float64)."""
        with float64_copy(self.model) as (copies, _, _):
            copies[self.index].params[self.key][self.position] = w
            value, grad = self.loss_function.loss_and_gradient(self.y, self._forward(copies))
            for leaf in reversed(copies):
                grad = leaf.backward(grad)
            return float(value), float(copies[self.index].grads[self.key][self.position])

    def loss(self, w: float) -> float:
        with float64_copy(self.model) as (copies, _, _):
            copies[self.index].params[self.key][self.position] = w
            return float(self.loss_function.loss_and_gradient(self.y, self._forward(copies))[0])

    def descend(self, rate: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """The weight and J at each of `steps` steps of w <- w - rate · dJ/dw (steps + 1
        values, from the start); a diverging run stops once J is no longer finite."""
        w, ws, js = self.start, [], []
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for t in range(steps + 1):
                value, slope = self.loss_and_slope(w)
                ws.append(w)
                js.append(value)
                if not np.isfinite(value) or t == steps:
                    break
                w = w - rate * slope
        return np.array(ws), np.array(js)

    def minimum(self) -> tuple[float, float]:
        """(w at the lowest J near the start, J'' there): a grid, then Newton steps."""
        span = max(2.0, 3 * abs(self.start))
        grid = np.linspace(self.start - span, self.start + span, 201)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            values = np.array([self.loss(w) for w in grid])
        lowest = int(np.nanargmin(values))
        best = float(grid[lowest])
        if lowest in (0, len(grid) - 1):  # J still falls at the window's edge
            return best, float("nan")
        h = span * 1e-4
        for _ in range(20):
            slope = self.loss_and_slope(best)[1]
            curvature = (self.loss_and_slope(best + h)[1] - self.loss_and_slope(best - h)[1]) / (
                2 * h
            )
            if curvature <= 0:
                break
            best -= slope / curvature
            if abs(slope) < 1e-12:
                break
        curvature = (self.loss_and_slope(best + h)[1] - self.loss_and_slope(best - h)[1]) / (2 * h)
        return best, curvature


def _two_digits(value: float) -> float:
    return float(f"{value:.2g}")


def choose_learning_rates(line: WeightLine) -> list[float]:
    """A too-small, a good and a too-large learning rate for gradient descent along `line`:
    0.05, 0.7 and 2.2 over the curvature J'' at the minimum, to two digits (on a parabola,
    gradient descent diverges above 2 / J'').

    Raises:
        ValueError: J has no minimum near the start along this weight.

    >>> choose_learning_rates(WeightLine(*lecture_network()))
    [0.032, 0.45, 1.4]
    """
    _, curvature = line.minimum()
    if not curvature > 0:
        raise ValueError(
            f"J has no minimum near {line.symbol} = {short(line.start)} to choose learning "
            "rates from: pass learning_rates=(small, good, large)."
        )
    large = _two_digits(2.2 / curvature)
    if large * curvature <= 2.05:  # rounded down to a rate that still converges
        large = _two_digits(2.4 / curvature)
    return [_two_digits(0.05 / curvature), _two_digits(0.7 / curvature), large]


def _outcome(ws: np.ndarray, best: float) -> str:
    start, end = abs(ws[0] - best), abs(ws[-1] - best)
    if not np.isfinite(ws[-1]) or end > start:
        return "diverging"
    if end <= 0.05 * start:
        return "converged"
    return "still far from the minimum" if end > 0.5 * start else "getting there"


def plot_gradient_descent(
    model: Sequential | None = None,
    x: Any = None,
    y: Any = None,
    *,
    layer: int | None = None,
    weight: tuple[int, int] | None = None,
    bias: int | None = None,
    learning_rates: Sequence[float] | None = None,
    steps: int = 10,
    loss: str | losses_module.Loss | None = None,
    path: str | os.PathLike | None = None,
) -> Any:
    """J(w) along one weight, and gradient descent's steps on it at three learning rates.

    One panel per rate, on the same curve: the start, each step w <- w - η · dJ/dw as a
    point joined to the next, and the minimum. Each panel is titled with its rate, what
    happened (converged, getting there, still far, diverging) and J after `steps` steps.
    A diverging run soon leaves the window: the axes stay on the curve near the minimum
    and a note says where the run went. By default the rates are a too-small, a good
    and a too-large one for this curve: 0.05, 0.7 and 2.2 over its curvature J'' at the
    minimum (gradient descent on a parabola diverges above 2 / J'').

    Args:
        model, x, y: the network and its data (a batch, or one sample); J is their mean
            loss. Default: the lecture's one-input network x -> w1 -> sigmoid -> w2 -> ŷ,
            J = (ŷ - y)², with w1 = 2, w2 = -1, biases 0 and the sample x = 1, y = 1,
            along w2.
        layer: index in `model.leaves()` of a layer with weights; default the last.
        weight: (i, j) of the layer's kernel, default (0, 0); or `bias=j`.
        learning_rates: the rates to compare (one panel each); default three chosen as
            above.
        steps: how many steps each run takes, >= 1 (default 10).
        loss: the loss; default the compiled one.
        path: where to save the figure (PNG, SVG, PDF), or None.

    Returns:
        The matplotlib Figure, one Axes per rate.

    Raises:
        ValueError: for a weight that is not there, or when no rates are given and J has
            no minimum near the start along this weight to pick them from.

    >>> fig = plot_gradient_descent()
    >>> [ax.get_title().split(":")[0] for ax in fig.axes]
    ['η = 0.032', 'η = 0.45', 'η = 1.4']
    """
    if model is None:
        if x is not None or y is not None:
            raise ValueError("x and y need a model: pass model= too, or none of the three.")
        model, x, y = lecture_network()
    elif x is None or y is None:
        raise ValueError("pass the data with the model: plot_gradient_descent(model, x, y).")
    steps = check_int("steps", steps, minimum=1)
    line = WeightLine(model, x, y, layer=layer, weight=weight, bias=bias, loss=loss)
    best, _ = line.minimum()
    if learning_rates is None:
        learning_rates = choose_learning_rates(line)
    rates = [float(r) for r in learning_rates]
    if not rates or any(not r > 0 for r in rates):
        raise ValueError(f"learning_rates must be positive numbers, got {learning_rates!r}.")
    half = 2.5 * max(abs(line.start - best), 1e-3)
    lo, hi = best - half, best + half
    grid = np.linspace(lo, hi, 300)
    curve = np.array([line.loss(w) for w in grid])
    j_lo, j_hi = float(curve.min()), float(curve.max())
    pad = 0.08 * (j_hi - j_lo or 1.0)
    fig, axes = subplots(ncols=len(rates), figsize=(4.2 * len(rates), 3.8), squeeze=False)
    for ax, rate in zip(axes[0], rates, strict=True):
        ws, js = line.descend(rate, steps)
        inside = (ws >= lo) & (ws <= hi) & np.isfinite(js)
        shown = int(np.argmin(inside)) if not inside.all() else len(ws)  # up to the exit
        ax.plot(grid, curve, color="0.55", linewidth=1.5, label=f"J({line.symbol})")
        ax.plot(
            ws[:shown], js[:shown], "o-", color="tab:red", markersize=4, linewidth=1, label="steps"
        )
        ax.plot(ws[0], js[0], "s", color="tab:blue", markersize=7, label="start")
        ax.axvline(best, color="tab:green", linestyle=":", linewidth=1, label="minimum")
        if shown < len(ws):
            ax.annotate(
                f"leaves the plot at step {shown}:\n{line.symbol} = {short(ws[-1])}, "
                f"J = {short(js[-1])} at step {len(ws) - 1}",
                xy=(0.5, 0.97),
                xycoords="axes fraction",
                ha="center",
                va="top",
                fontsize="small",
                color="tab:red",
            )
        ax.set_xlim(lo, hi)
        ax.set_ylim(j_lo - pad, j_hi + pad)
        done = len(ws) - 1
        ax.set_title(
            f"η = {short(rate)}: {_outcome(ws, best)}\nJ after {done} steps = {short(js[-1])}",
            fontsize="medium",
        )
        ax.set_xlabel(line.symbol)
        ax.set_ylabel("J")
        ax.legend(fontsize="x-small", loc="lower left")
    return finish(fig, path)
