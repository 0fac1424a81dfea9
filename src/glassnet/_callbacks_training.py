"""Keras's training callbacks: CSVLogger, LearningRateScheduler, ReduceLROnPlateau, ...

Each follows `keras.callbacks.NAME` (Keras 3) in arguments, defaults and arithmetic; all
are re-exported by `glassnet.callbacks`.

>>> import glassnet as gn
>>> halve = gn.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
>>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
>>> model.compile(optimizer=gn.optimizers.SGD(0.1), loss="mse")
>>> history = model.fit([[1.0]], [1.0], epochs=3, verbose=0, callbacks=[halve])
>>> history.history["learning_rate"]
[0.05, 0.025, 0.0125]
"""

from __future__ import annotations

import csv
import inspect
import math
import numbers
import os
import warnings
from collections.abc import Callable
from typing import IO, Any, cast

import numpy as np

from glassnet._callback_base import Callback, monitor_mode
from glassnet._internal.checks import check_int, check_number, describe

__all__ = [
    "CSVLogger",
    "LambdaCallback",
    "LearningRateScheduler",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
    "monitor_mode",
    "settable_rate",
]


def settable_rate(optimizer: Any, who: str) -> float:
    """The optimizer's learning rate as a float, or a TypeError if it is a schedule.

    A schedule shows either as `learning_rate` itself, or (glassnet's optimizers, whose
    `learning_rate` reads the current rate) as a `learning_rate_schedule` that is not None.

    >>> import glassnet as gn
    >>> settable_rate(gn.optimizers.Adam(learning_rate=0.01), "LearningRateScheduler")
    0.01
    """
    rate = getattr(optimizer, "learning_rate", None)
    schedule = getattr(optimizer, "learning_rate_schedule", None)
    if schedule is not None:
        rate = schedule
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise TypeError(
            f"{who} sets the optimizer's learning rate, but its learning_rate is "
            f"{describe(rate)}, not a number: an optimizer created with a learning-rate "
            "schedule has no settable rate (as in Keras). Create it with a float, e.g. "
            "Adam(learning_rate=1e-3), or leave the schedule alone."
        )
    return float(rate)


class CSVLogger(Callback):
    """Write each epoch's figures to a CSV file, as `keras.callbacks.CSVLogger`.

    Columns: "epoch" (0-based), then the first epoch's log names sorted; when these hold
    no validation figure, the same names with "val_" follow (so that later validated
    epochs fit), and a figure an epoch lacks is written "NA". The file is opened when
    training begins, flushed after every epoch (a crash loses nothing written) and closed
    when training ends. Rows end with "\\r\\n", as Keras's (the `csv` module's excel dialect).

    Args:
        filename: the CSV file, e.g. "run/log.csv" (its folder must exist).
        separator: the field separator, one character.
        append: True appends to an existing file (and writes the header only if it is
            empty), for a resumed run; False overwrites it.

    >>> import glassnet as gn, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> _ = model.fit([[1.0]], [1.0], epochs=2, verbose=0, callbacks=[CSVLogger(path)])
    >>> path.read_text().splitlines()[0]
    'epoch,loss,val_loss'
    """

    def __init__(
        self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False
    ) -> None:
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(f"filename must be a path (str), got {describe(filename)}.")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"separator must be one character, got {describe(separator)}.")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self.csv_file: IO[str] | None = None
        self.writer: csv.DictWriter[str] | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as existing:
                self.write_header = not existing.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        mode = "a" if self.append else "w"
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        csv_file = cast(IO[str], self.csv_file)  # opened by on_train_begin
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(
                csv_file, fieldnames=["epoch", *self.keys], dialect=dialect
            )
            if self.write_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        csv_file.flush()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value: Any) -> Any:
    """A log value as Keras writes it: numbers as Python floats, arrays as "[a, b]"."""
    if isinstance(value, str):
        return value
    if (isinstance(value, np.ndarray) and value.ndim > 0) or isinstance(value, (list, tuple)):
        return f"[{', '.join(map(str, value))}]"
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to `schedule(epoch, lr)`.

    `epoch` counts from 0, `lr` is the current rate; the result becomes the optimizer's
    `learning_rate`, and each epoch's logs gain "learning_rate" (as Keras). A schedule of
    one argument, `schedule(epoch)`, also works (Keras's older form).

    Args:
        schedule: a function (epoch, lr) -> new learning rate (a number >= 0).
        verbose: 1 prints each new rate.

    Raises:
        TypeError: (in fit) the optimizer's rate is itself a schedule, or `schedule`
            returns something other than a number.

    >>> import math
    >>> decay = LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * math.exp(-0.1))
    >>> decay.verbose
    0
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        if not callable(schedule):
            raise TypeError(
                f"schedule must be a function (epoch, lr) -> lr, got {describe(schedule)}."
            )
        self.schedule = schedule
        self.verbose = check_int("verbose", verbose, minimum=0)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        settable_rate(self.model.optimizer, "LearningRateScheduler")

    def _call_schedule(self, epoch: int, rate: float) -> Any:
        try:
            inspect.signature(self.schedule).bind(epoch, rate)
        except TypeError:
            return self.schedule(epoch)  # the older form: schedule(epoch)
        except ValueError:  # no signature to read (some builtins): try the usual form
            pass
        return self.schedule(epoch, rate)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        optimizer = self.model.optimizer
        rate = self._call_schedule(epoch, settable_rate(optimizer, "LearningRateScheduler"))
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
            raise TypeError(
                f"LearningRateScheduler: schedule({epoch}, lr) must return a number, "
                f"got {describe(rate)}."
            )
        optimizer.learning_rate = check_number(f"schedule({epoch}, lr)", rate, 0)
        if self.verbose:
            print(
                f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                f"{optimizer.learning_rate}."
            )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` when `monitor` has stopped improving.

    Keras's rule, each epoch: the first value is the best; a value better than the best
    by more than `min_delta` becomes the best and resets the wait; otherwise, outside a
    cooldown, the wait grows by one, and at `patience` the rate becomes
    `max(lr * factor, min_lr)` (if it is above `min_lr`), the wait returns to 0 and a
    cooldown of `cooldown` epochs begins, during which the wait stays 0. Each epoch's logs
    gain "learning_rate", the rate that epoch trained with.

    Args:
        monitor: the figure to watch, default "val_loss".
        factor: the multiplier, in [0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: "min", "max" or "auto" (from the name: max for accuracy-like figures).
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate is never reduced below this.

    >>> plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    >>> plateau.mode, plateau.factor
    ('min', 0.5)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(
                f"monitor must be a log name such as 'val_loss', got {describe(monitor)}."
            )
        self.monitor = monitor
        self.factor = check_number("factor", factor, 0, 1, high_inclusive=False)
        self.patience = check_int("patience", patience, minimum=0)
        self.verbose = check_int("verbose", verbose, minimum=0)
        self.mode = monitor_mode(monitor, mode, "ReduceLROnPlateau")
        self.min_delta = abs(check_number("min_delta", min_delta))
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.min_lr = check_number("min_lr", min_lr, 0)
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.wait = 0
        self.cooldown_counter = 0

    def _improved(self, current: float) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return current + self.min_delta < self.best
        return current - self.min_delta > self.best

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        settable_rate(self.model.optimizer, "ReduceLROnPlateau")
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = settable_rate(optimizer, "ReduceLROnPlateau")
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"ReduceLROnPlateau monitors {self.monitor!r}, which is not in the logs "
                f"({', '.join(logs)}). Pass validation data or change monitor.",
                RuntimeWarning,
                stacklevel=2,
            )
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(optimizer, epoch)

    def _reduce(self, optimizer: Any, epoch: int) -> None:
        old = float(optimizer.learning_rate)
        if old <= np.float32(self.min_lr):  # as Keras: already at the floor
            return
        optimizer.learning_rate = max(old * self.factor, self.min_lr)
        self.cooldown_counter, self.wait = self.cooldown, 0
        if self.verbose:
            print(
                f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                f"{optimizer.learning_rate}."
            )


class TerminateOnNaN(Callback):
    """Stop training when a batch's "loss" in the logs is NaN or infinite.

    glassnet's NaN guard already stops fit on such a loss, before this callback sees it,
    and puts back the last good weights; this callback is there so that Keras code runs,
    and acts on logs whose loss another callback or your own loop made non-finite.

    Args:
        raise_error: True raises a RuntimeError at once (other callbacks' on_train_end
            then does not run), as Keras; False stops training gracefully.

    >>> import glassnet as gn
    >>> stop = TerminateOnNaN()
    >>> stop.set_model(gn.Sequential())
    >>> stop.on_train_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> stop.model.stop_training
    True
    """

    def __init__(self, raise_error: bool = False) -> None:
        self.raise_error = bool(raise_error)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of functions, as `keras.callbacks.LambdaCallback`.

    Each function is called with the hook's arguments: `on_epoch_begin` and
    `on_epoch_end` with `(epoch, logs)`, `on_train_begin` and `on_train_end` with
    `(logs)`, `on_train_batch_begin` and `on_train_batch_end` with `(batch, logs)`. Other
    hooks (e.g. `on_test_end=`) are accepted by name.

    Raises:
        TypeError: a function is not callable, or a keyword is not a hook's name.

    >>> say = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs))
    >>> say.on_epoch_end(0, {"loss": 0.5})
    0 {'loss': 0.5}
    """

    def __init__(
        self,
        on_epoch_begin: Callable[..., Any] | None = None,
        on_epoch_end: Callable[..., Any] | None = None,
        on_train_begin: Callable[..., Any] | None = None,
        on_train_end: Callable[..., Any] | None = None,
        on_train_batch_begin: Callable[..., Any] | None = None,
        on_train_batch_end: Callable[..., Any] | None = None,
        **kwargs: Callable[..., Any],
    ) -> None:
        for name in kwargs:
            if not name.startswith("on_") or not callable(getattr(Callback, name, None)):
                hooks = sorted(n for n in dir(Callback) if n.startswith("on_"))
                raise TypeError(
                    f"LambdaCallback got an unknown keyword {name!r}; hooks are {', '.join(hooks)}."
                )
        functions = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **kwargs,
        }
        for name, function in functions.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(f"{name} must be a function, got {describe(function)}.")
            setattr(self, name, function)  # an attribute hides the default hook
