"""The `Callback` base class: every hook `fit`, `evaluate` and `predict` call, doing nothing.

As in Keras, each default hook is marked, so a `CallbackList` can tell which callbacks
override which hook and call only those: a hook nobody overrides costs nothing per batch.
`on_train_batch_begin/end` call `on_batch_begin/end` (Keras's older names) by default, so a
callback written against either name works.

>>> class Count(Callback):
...     def on_train_batch_end(self, batch, logs=None):
...         pass
>>> overrides(Count(), "on_train_batch_end"), overrides(Count(), "on_epoch_end")
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from glassnet._internal.checks import check_one_of

__all__ = ["HOOKS", "Callback", "monitor_mode", "overrides"]

# Every hook a CallbackList dispatches.
HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
)
# A train-batch hook left as it is still runs when its older name is overridden.
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


_F = TypeVar("_F", bound=Callable[..., Any])


def _default(method: _F) -> _F:
    method.is_default_hook = True  # type: ignore[attr-defined]  # a function attribute
    return method


def overrides(callback: Any, hook: str) -> bool:
    """True if `callback` does something in `hook` (a method or an attribute of its own).

    >>> overrides(Callback(), "on_epoch_end")
    False
    """
    for name in (hook, _ALIASES.get(hook)):
        if name is not None and not getattr(getattr(callback, name, None), "is_default_hook", 0):
            return True
    return False


class Callback:
    """Base class: hooks called by `Sequential.fit`; override the ones you need.

    `self.model` is set before training starts, `self.params` holds fit's settings
    (epochs, steps, batch_size, verbose, ...). Hooks called by fit, in order: train begin;
    per epoch: epoch begin, per batch train batch begin and end, then (when it validates)
    test begin and end, then epoch end; train end. `logs` of epoch end hold the epoch's
    figures ("loss", "accuracy", "val_loss", ...); of train batch end the running mean
    "loss"; of test end the validation figures without "val_".

    >>> class Say(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, sorted(logs))
    >>> Say().on_epoch_end(0, {"loss": 0.5})
    0 ['loss']
    """

    model: Any = None
    params: dict[str, Any] = {}  # noqa: RUF012 (replaced, never mutated, by set_params)

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    @_default
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called once, before the first epoch."""

    @_default
    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called once, after the last epoch (also after early stopping or Ctrl-C)."""

    @_default
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the start of each epoch (0-based)."""

    @_default
    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Called at the end of each epoch with its figures; may add entries to `logs`."""

    @_default
    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called before each training step (`batch` counts from 0 in each epoch)."""
        self.on_batch_begin(batch, logs=logs)

    @_default
    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Called after each training step, with the running mean "loss"."""
        self.on_batch_end(batch, logs=logs)

    @_default
    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Keras's older name of `on_train_batch_begin`."""

    @_default
    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Keras's older name of `on_train_batch_end`."""

    @_default
    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called before fit validates (each validated epoch)."""

    @_default
    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called after fit validated, with the validation figures (no "val_" prefix)."""


# Figures that are better when larger; every other known figure is better when smaller.
_LARGER_IS_BETTER = ("acc", "auc", "precision", "recall")
_SMALLER_IS_BETTER = ("loss", "crossentropy", "error", "mae", "mse", "mape", "msle")


def monitor_mode(monitor: str, mode: str, who: str) -> str:
    """ "min" or "max" for `monitor`: `mode` itself, or for "auto" what the name says.

    Raises:
        ValueError: `mode` is unknown, or "auto" cannot tell (as Keras).

    >>> monitor_mode("val_accuracy", "auto", "ReduceLROnPlateau")
    'max'
    """
    mode = check_one_of("mode", mode, ["auto", "min", "max"])
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_").lower()
    if any(word in name for word in _LARGER_IS_BETTER):
        return "max"
    if any(word in name for word in _SMALLER_IS_BETTER):
        return "min"
    raise ValueError(
        f"{who} cannot tell whether monitor={monitor!r} should be maximized or minimized. "
        "Pass mode='max' or mode='min'."
    )
