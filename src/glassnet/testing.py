"""Gradient checking: every analytic gradient against float64 central finite differences.

Backpropagation in glassnet is written by hand, layer by layer, so it is proven by
numbers: `check_gradients` nudges each weight (and each input value) by ±epsilon,
measures how the loss moves, and compares that slope with what `backward` computed:

    numeric_i = (L(w_i + epsilon) - L(w_i - epsilon)) / (2 epsilon)
    relative error = ||analytic - numeric|| / (||analytic|| + ||numeric||)

The check runs on float64 copies of the weights (the engine trains in float32, whose
round-off alone would swamp a 1e-6 comparison) and leaves the model exactly as it was:
same weight arrays, same values, same Dropout random state. Dropout keeps one mask
for the whole check, so the loss is a smooth function of the weights.

>>> import numpy as np, glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(3, activation="tanh", input_shape=(2,)),
...                        gn.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> x, y = np.array([[0.5, -1.0], [2.0, 0.25]]), np.array([1.0, -1.0])
>>> report = gn.testing.check_gradients(model, x, y)
>>> report.worst < 1e-6, report.passed
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from glassnet import losses as losses_module
from glassnet._internal import html
from glassnet._internal.checks import as_float_array, check_number, check_same_length, describe
from glassnet.layers import Layer

__all__ = ["GradientReport", "check_gradients", "float64_copy"]


@dataclass
class GradientReport:
    """What `check_gradients` found, one entry per parameter (and "input").

    Attributes:
        relative_errors: name -> ||analytic - numeric|| / (||analytic|| + ||numeric||)
            (0 when both are 0), e.g. {"dense/kernel": 3e-10, ...}.
        max_abs_errors: name -> the largest |analytic - numeric| over the entries.
        worst: the largest relative error over every checked array.
        worst_parameter: the name it belongs to.
        tolerance: the threshold that `passed` uses.
        epsilon: the step of the finite differences.

    >>> r = GradientReport({"d/kernel": 1e-9}, {"d/kernel": 1e-12}, tolerance=1e-6, epsilon=1e-6)
    >>> r.worst, r.worst_parameter, r.passed
    (1e-09, 'd/kernel', True)
    """

    relative_errors: dict[str, float]
    max_abs_errors: dict[str, float]
    tolerance: float = 1e-6
    epsilon: float = 1e-6
    worst: float = field(init=False)
    worst_parameter: str | None = field(init=False)

    def __post_init__(self) -> None:
        if self.relative_errors:
            self.worst_parameter = max(self.relative_errors, key=self.relative_errors.__getitem__)
            self.worst = float(self.relative_errors[self.worst_parameter])
        else:
            self.worst_parameter, self.worst = None, 0.0

    @property
    def passed(self) -> bool:
        """True when every relative error is below `tolerance`."""
        return self.worst < self.tolerance

    def __str__(self) -> str:
        width = max([len(name) for name in self.relative_errors] + [9])
        lines = [
            f"Gradient check (float64 central differences, epsilon={self.epsilon:g})",
            f"{'parameter':<{width}}  relative error  max abs error",
        ]
        for name, error in self.relative_errors.items():
            flag = "" if error < self.tolerance else "  <-- above tolerance"
            lines.append(
                f"{name:<{width}}  {error:>14.3e}  {self.max_abs_errors[name]:>13.3e}{flag}"
            )
        verdict = "passed" if self.passed else "FAILED"
        lines.append(
            f"worst: {self.worst:.3e} ({self.worst_parameter}); tolerance {self.tolerance:g}: "
            f"{verdict}"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = [
            [
                name,
                f"{error:.3e}",
                f"{self.max_abs_errors[name]:.3e}",
                "ok" if error < self.tolerance else "above tolerance",
            ]
            for name, error in self.relative_errors.items()
        ]
        header = ["parameter", "relative error", "max abs error", ""]
        verdict = "passed" if self.passed else "FAILED"
        return html.card(
            "Gradient check",
            html.table(header, rows, right=[1, 2]),
            html.note(
                f"worst {self.worst:.3e} ({self.worst_parameter}), tolerance {self.tolerance:g}: "
                f"{verdict}",
                "ok" if self.passed else "problem",
            ),
            subtitle=f"(float64 central differences, epsilon={self.epsilon:g})",
        )


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numeric) / scale)


@contextmanager
def float64_copy(model: Layer) -> Iterator[tuple[list[Layer], list[Any], list[Any]]]:
    """Run `model`'s layers on float64 copies of their weights, then put everything back.

    The contract:

    - inside the block each leaf layer of `model` has new float64 `params` (copies of its
      weights) and zeroed float64 `grads`; the model's own weight, gradient and buffer
      arrays are never written to;
    - on exit every attribute of every leaf is again the object it was on entry (the
      `params` dicts, the packed views, the caches of the last forward pass), and each
      random generator among the leaves (Dropout's) is back in its entry state.

    It relies on the layer contract: a layer *assigns* what it caches (`self._x = x`),
    it does not write into objects it held before the block, and `build` is not called
    inside it.

    Args:
        model: a `Sequential` or a single layer, built.

    Yields:
        (leaves, rngs, rng_states): the leaf layers, the random generators among them
        (Dropout's) and those generators' states on entry.

    >>> import numpy as np, glassnet as gn
    >>> layer = gn.layers.Dense(1, input_shape=(2,)); layer.build((2,))
    >>> with float64_copy(layer) as (leaves, _, _):
    ...     leaves[0].params["kernel"].dtype
    dtype('float64')
    >>> layer.params["kernel"].dtype
    dtype('float32')
    """
    leaves = model.leaves()
    saved = [dict(leaf.__dict__) for leaf in leaves]
    rngs = [
        cast(Any, leaf).rng  # Dropout's: Layer declares no rng
        for leaf in leaves
        if isinstance(getattr(leaf, "rng", None), np.random.Generator)
    ]
    rng_states = [rng.bit_generator.state for rng in rngs]
    try:
        for leaf in leaves:
            leaf.params = {k: np.array(v, dtype=np.float64) for k, v in leaf.params.items()}
            leaf.grads = {k: np.zeros_like(v) for k, v in leaf.params.items()}
        yield leaves, rngs, rng_states
    finally:
        for rng, state in zip(rngs, rng_states, strict=True):
            rng.bit_generator.state = state
        for leaf, attributes in zip(leaves, saved, strict=True):
            leaf.__dict__.clear()
            leaf.__dict__.update(attributes)


def check_gradients(
    model: Layer,
    x: Any,
    y: Any,
    epsilon: float = 1e-6,
    *,
    loss: str | losses_module.Loss | None = None,
    check_input: bool = True,
    tolerance: float = 1e-6,
) -> GradientReport:
    """Compare every analytic gradient of `model` with central finite differences.

    Each weight, then each input value, is moved by +epsilon and -epsilon in float64
    and the loss recomputed: 2 forward passes per number, so use a small model and a
    few samples. Layers run in training mode (they cache what backward needs), with one
    fixed Dropout mask for the whole check.

    Args:
        model: a `Sequential` (or any layer); built from `x` if it isn't yet.
        x: a small batch of inputs, shaped (batch_size, *input_shape).
        y: its targets, as the loss expects them.
        epsilon: the finite-difference step, > 0 (default 1e-6).
        loss: the loss to differentiate; defaults to the model's compiled loss.
        check_input: also check the gradient of the input (reported as "input").
        tolerance: the threshold of `GradientReport.passed`, default 1e-6.

    Returns:
        A `GradientReport`: printable, with `.worst` and `.relative_errors` per parameter,
        named "<layer name>/<parameter>" (e.g. "dense/kernel").

    Raises:
        ValueError: when there is no loss, or for bad x, y or epsilon.
        TypeError: when `model` is not a glassnet layer.

    >>> import numpy as np, glassnet as gn
    >>> layer = gn.layers.Dense(2, activation="sigmoid", input_shape=(3,), name="out")
    >>> r = check_gradients(layer, np.ones((4, 3)), np.zeros((4, 2)), loss="mse")
    >>> list(r.relative_errors), r.passed
    (['out/kernel', 'out/bias', 'input'], True)
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a glassnet layer or Sequential, got {describe(model)}.")
    epsilon = check_number("epsilon", epsilon, 0, low_inclusive=False)
    tolerance = check_number("tolerance", tolerance, 0, low_inclusive=False)
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError(
                "check_gradients needs a loss: compile the model first or pass loss=..., "
                "e.g. loss='mse'."
            )
    loss = losses_module.get(loss)
    x = as_float_array("x", x, dtype=np.float64).copy()  # (N, *input_shape)
    y = np.asarray(y)
    check_same_length("x", x, "y", y)
    if not model.built:
        model.build(tuple(x.shape[1:]))

    with float64_copy(model) as (leaves, rngs, rng_states):

        def forward() -> np.ndarray:
            for rng, state in zip(rngs, rng_states, strict=True):
                rng.bit_generator.state = state  # the same Dropout mask every pass
            out: np.ndarray = x
            for leaf in leaves:
                out = leaf.forward(out, training=True)  # layers cache for backward
            return out

        outputs = forward()
        targets = loss.check_targets(y, outputs.shape)
        if targets.dtype.kind == "f":
            targets = targets.astype(np.float64)

        def loss_value() -> float:
            return loss.loss_and_gradient(targets, forward())[0]

        grad: Any
        _, grad = loss.loss_and_gradient(targets, outputs)
        for leaf in reversed(leaves):
            grad = leaf.backward(grad)  # need_input_grad: never None
        named = []
        for i, leaf in enumerate(leaves):
            prefix = leaf.name if sum(other.name == leaf.name for other in leaves) == 1 else i
            named += [(f"{prefix}/{k}", leaf.params[k], leaf.grads[k].copy()) for k in leaf.params]
        if check_input:
            named.append(("input", x, np.array(grad, dtype=np.float64).reshape(x.shape)))

        relative, absolute = {}, {}
        for name, array, analytic in named:
            numeric = np.empty_like(analytic)
            flat, flat_numeric = array.reshape(-1), numeric.reshape(-1)  # views
            for i in range(flat.size):  # one number at a time: that is the method
                original = flat[i]
                flat[i] = original + epsilon
                plus = loss_value()
                flat[i] = original - epsilon
                minus = loss_value()
                flat[i] = original
                flat_numeric[i] = (plus - minus) / (2 * epsilon)
            relative[name] = _relative_error(analytic, numeric)
            absolute[name] = float(np.max(np.abs(analytic - numeric), initial=0.0))
    return GradientReport(relative, absolute, tolerance=tolerance, epsilon=epsilon)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
