"""`sweep`: train a grid of hyperparameters, fairly: one architecture, one starting point.

Each combination of the grid's values is built by your function and trained; every model
whose weights have the same shapes as an earlier one (the same architecture) starts from
that model's initial weights, so the runs differ only in the settings swept. The results
hold each run's settings, history, best validation loss and its epoch, and its time. It
is what `glassnet sweep` does on run folders (that one also runs in parallel processes).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal.checks import describe

__all__ = ["SweepRun", "best_epoch", "sweep"]

# Grid keys given to `fit`, not to your build function.
_FIT_KEYS = ("epochs", "batch_size")


def best_epoch(history: Mapping[str, Sequence[float]]) -> tuple[float, int] | None:
    """(the lowest validation loss, its epoch from 1) of a history, or None without "val_loss".

    Of equal lowest losses the first epoch counts.

    >>> best_epoch({"loss": [1.0, 0.5, 0.4], "val_loss": [0.9, 0.6, 0.6]})
    (0.6, 2)
    >>> best_epoch({"loss": [1.0]}) is None
    True
    """
    val = history.get("val_loss") or []
    if not val:
        return None
    best = int(np.argmin(val))
    return float(val[best]), best + 1


@dataclass
class SweepRun:
    """One run of a sweep.

    Attributes:
        params: this run's values of the grid's keys.
        history: loss and metrics per epoch (`History.history`).
        best_val_loss, best_epoch: the lowest validation loss and its epoch (from 1),
            or None without validation data.
        seconds: training time.
        model: the trained model.
        initial_weights: the weights it started from (`get_weights()` order).
    """

    params: dict[str, Any]
    history: dict[str, list[float]]
    best_val_loss: float | None
    best_epoch: int | None
    seconds: float
    model: Any = field(repr=False)
    initial_weights: list[np.ndarray] = field(repr=False)


def sweep(
    build: Callable[..., Any],
    x: Any,
    y: Any,
    grid: Mapping[str, Sequence[Any]],
    *,
    validation_data: tuple[Any, Any] | None = None,
    epochs: int = 10,
    batch_size: int = 32,
    verbose: int = 0,
    **fit_kwargs: Any,
) -> list[SweepRun]:
    """Train every combination of `grid`, runs of one architecture from the same weights.

    Args:
        build: called with a combination's values (all keys but "epochs" and "batch_size",
            which go to `fit`) as keyword arguments; returns a compiled model.
        x, y: the training data.
        grid: key -> the values to try, e.g. {"learning_rate": [1e-3, 1e-2],
            "units": [64, 128]}.
        validation_data: (x_val, y_val), for each run's best validation loss.
        epochs, batch_size: used unless the grid sweeps them.
        verbose: passed to `fit` (default 0, silent).
        **fit_kwargs: more arguments of `fit` (e.g. shuffle, callbacks).

    Returns:
        A `SweepRun` per combination, in grid order (the last key varies fastest).

    Raises:
        TypeError: `build` is not callable or returns no model; `grid` not a mapping.
        ValueError: an empty grid or a key without values.

    >>> import numpy as np, glassnet as gn
    >>> from glassnet.tuning._sweep import sweep
    >>> x = np.linspace(-1, 1, 40).reshape(-1, 1); y = 3 * x
    >>> def build(learning_rate, units):
    ...     model = gn.Sequential([gn.layers.Input((1,)), gn.layers.Dense(units),
    ...                            gn.layers.Dense(1)])
    ...     model.compile(optimizer=gn.optimizers.SGD(learning_rate), loss="mse")
    ...     return model
    >>> runs = sweep(build, x, y, {"learning_rate": [0.01, 0.1], "units": [2, 4]}, epochs=2,
    ...              validation_data=(x, y))
    >>> [tuple(r.params.values()) for r in runs]
    [(0.01, 2), (0.01, 4), (0.1, 2), (0.1, 4)]
    >>> all((a == b).all() for a, b in zip(runs[0].initial_weights, runs[2].initial_weights))
    True
    """
    if not callable(build):
        raise TypeError(
            f"build must be a function returning a compiled model, got {describe(build)}."
        )
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping of name -> values, got {describe(grid)}.")
    if not grid:
        raise ValueError("grid must name at least one hyperparameter.")
    for key, values in grid.items():
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grid[{key!r}] must be a non-empty list of values, got {values!r}.")
    keys = list(grid)
    starts: dict[tuple[tuple[int, ...], ...], list[np.ndarray]] = {}
    runs = []
    for combination in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, combination, strict=True))
        model = build(**{k: v for k, v in params.items() if k not in _FIT_KEYS})
        if not hasattr(model, "fit") or not hasattr(model, "get_weights"):
            raise TypeError(f"build must return a compiled model, returned {describe(model)}.")
        if not getattr(model, "built", False):
            model.build()
        weights = model.get_weights()
        architecture = tuple(tuple(w.shape) for w in weights)
        if architecture in starts:
            model.set_weights(starts[architecture])
        else:
            starts[architecture] = [w.copy() for w in weights]
        started = time.perf_counter()
        history = model.fit(
            x,
            y,
            epochs=params.get("epochs", epochs),
            batch_size=params.get("batch_size", batch_size),
            validation_data=validation_data,
            verbose=verbose,
            **fit_kwargs,
        )
        seconds = time.perf_counter() - started
        values = dict(history.history)
        best = best_epoch(values)
        runs.append(
            SweepRun(
                params=params,
                history=values,
                best_val_loss=best[0] if best else None,
                best_epoch=best[1] if best else None,
                seconds=seconds,
                model=model,
                initial_weights=[w.copy() for w in starts[architecture]],
            )
        )
    return runs
