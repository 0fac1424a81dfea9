"""Callbacks: History, EarlyStopping, the progress display, and the ones Keras has.

`Callback` (the base class) is in `_callback_base`; CSVLogger, LambdaCallback,
LearningRateScheduler, ReduceLROnPlateau and TerminateOnNaN in `_callbacks_training`; all
are here, as `gn.callbacks.NAME`, as in Keras.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from glassnet._callback_base import HOOKS, Callback, overrides
from glassnet._callbacks_training import (
    CSVLogger,
    LambdaCallback,
    LearningRateScheduler,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from glassnet._checkpoints import Checkpointing
from glassnet._internal import html
from glassnet._internal.notebook import in_notebook
from glassnet._live_plot import LivePlot, NotebookBar

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "LivePlot",
    "ModelCheckpoint",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]


class CallbackList(Callback):
    """Callbacks called as one, in order; fit makes one (as `keras.callbacks.CallbackList`).

    Args:
        callbacks: the user's callbacks.
        add_history: a `History` to append last, so it sees every other callback's logs.
        add_progbar: fit's `verbose`: when not 0 and no `ProgressBar` was given, one is
            added (as Keras).
        model: set on every callback.
        params: the fit settings, set as every callback's `params`.

    Each hook calls only the callbacks that override it (found once, here), so a
    per-batch hook that none of them uses costs nothing; `calls(hook)` says whether any does.

    >>> calls = CallbackList([EarlyStopping(patience=1)], add_history=History())
    >>> [type(c).__name__ for c in calls]
    ['EarlyStopping', 'History']
    """

    def __init__(
        self,
        callbacks: Sequence[Callback] | None = None,
        add_history: History | None = None,
        add_progbar: int = 0,
        model: Any = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(callbacks, Callback):
            raise TypeError(
                f"callbacks must be a list, e.g. [{type(callbacks).__name__}(...)], "
                f"got one {type(callbacks).__name__}."
            )
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "callbacks must be gn.callbacks.Callback instances, got "
                    f"{type(callback).__name__}."
                )
        if add_progbar and not any(isinstance(c, ProgressBar) for c in self.callbacks):
            self.callbacks.append(ProgressBar(verbose=add_progbar))
        if add_history is not None:
            self.callbacks.append(add_history)
        self.params = params or {}
        for callback in self.callbacks:
            callback.set_params(self.params)
        if model is not None:
            self.set_model(model)
        self._find_active()

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def _find_active(self) -> None:
        # Per hook, the bound methods of the callbacks that override it, found once.
        self._active = {
            hook: [getattr(c, hook) for c in self.callbacks if overrides(c, hook)] for hook in HOOKS
        }

    def append(self, callback: Callback) -> None:
        """Add `callback` last (as Keras's `CallbackList.append`)."""
        if not isinstance(callback, Callback):
            raise TypeError(
                f"callback must be a gn.callbacks.Callback instance, got {type(callback).__name__}."
            )
        self.callbacks.append(callback)
        callback.set_params(self.params)
        if self.model is not None:
            callback.set_model(self.model)
        self._find_active()

    def calls(self, hook: str) -> bool:
        """True if some callback overrides `hook` (fit skips a per-batch hook nobody uses).

        >>> CallbackList([EarlyStopping()]).calls("on_train_batch_begin")
        False
        """
        return bool(self._active[hook])

    def set_model(self, model: Any) -> None:
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_train_begin"]:
            call(logs)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_train_end"]:
            call(logs)

    def stop_displays(self) -> None:
        """Stop every live display (an error ended fit: as Keras, `on_train_end` is not
        called, but no progress bar may go on drawing under the traceback)."""
        for callback in self:
            if isinstance(callback, ProgressBar):
                callback.stop_display()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_epoch_begin"]:
            call(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_epoch_end"]:
            call(epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_train_batch_begin"]:
            call(batch, logs=logs)  # logs by keyword, as Keras

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_train_batch_end"]:
            call(batch, logs=logs)  # logs by keyword, as Keras

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_test_begin"]:
            call(logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        for call in self._active["on_test_end"]:
            call(logs)


class History(Callback):
    """Records the logs of every epoch; `model.fit` returns it.

    Attributes:
        history: metric name -> list of per-epoch values, e.g. "loss", "val_accuracy".
        epoch: the epoch indices (0-based, as Keras).
        params: the fit settings: epochs, steps, batch_size, verbose.
        stopped_on_nan: the NaN guard's message when the loss became NaN or infinite, or
            exploded, and fit stopped, else None.
        interrupted: True when Ctrl-C (KeyboardInterrupt) ended fit.
        data_summary: what the doctor needs of the training data, in numbers (class
            counts, input statistics, the validation class mix; `gn.doctor.summarize_data`),
            set by fit; None for a History read from a file.
        callbacks: the other callbacks of that fit (the doctor reads EarlyStopping's).

    >>> h = History.from_dict({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    >>> h.epoch, h.history["loss"][-1], h.stopped_on_nan, h.interrupted
    ([0, 1], 0.5, None, False)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = {}
        self.stopped_on_nan: str | None = None
        self.interrupted = False
        self.data_summary: Any = None
        self.callbacks: list[Callback] = []

    @classmethod
    def from_dict(
        cls, history: dict[str, list[float]], params: dict[str, Any] | None = None
    ) -> History:
        """A History holding `history` (as saved in a run folder's history.json)."""
        result = cls()
        result.history = {key: [float(v) for v in values] for key, values in history.items()}
        lengths = {len(values) for values in result.history.values()}
        if len(lengths) > 1:
            raise ValueError(f"history lists must have one length, got lengths {sorted(lengths)}.")
        result.epoch = list(range(lengths.pop() if lengths else 0))
        result.params = dict(params or {})
        # Files written before these were attributes kept them in params.
        result.stopped_on_nan = result.params.get("stopped_on_nan") or None
        result.interrupted = bool(result.params.get("interrupted", False))
        return result

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epoch = []
        self.history = {}
        self.stopped_on_nan = None
        self.interrupted = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4f}" for k, v in self.history.items() if v)
        return f"History(epochs={len(self.epoch)}" + (f", last: {last})" if last else ")")

    def _repr_html_(self) -> str:
        notes = [self.stopped_on_nan] if self.stopped_on_nan else []
        notes += ["interrupted (Ctrl-C)"] if self.interrupted else []
        return html.epochs_card("History", self.history, notes=notes)


class EarlyStopping(Callback):
    """Stop training when a monitored value stops improving (Keras's rule).

    Each epoch the wait counter is incremented first; an improvement (by more than
    `min_delta`) resets it; training stops once it reaches `patience`. So patience=0
    and patience=1 stop at the same epoch.

    With `restore_best_weights=True` it keeps a copy of the weights of the best epoch and
    puts them back when training ends, as Keras 3 does: also when it did not stop early
    (the last epoch was not the best), when the NaN guard stopped fit, or after Ctrl-C.
    A NaN value never counts as an improvement.

    Args:
        monitor: the log to watch, default "val_loss".
        min_delta: the smallest change that counts as an improvement, >= 0.
        patience: epochs without improvement before stopping, >= 0.
        mode: "min", "max", or "auto" (max for accuracy-like names).
        restore_best_weights: at the end of training, put back the weights of the best epoch.
        verbose: 1 prints when it stops and restores.

    Attributes:
        best, best_epoch: the best value seen and its epoch (0-based).
        best_weights: the weights of that epoch (with restore_best_weights), else None.
        stopped_epoch: the epoch at which it stopped training, 0 if it did not.

    >>> stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    >>> stop.patience
    2
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        from glassnet._internal.checks import check_int, check_number, check_one_of

        self.monitor = monitor
        self.min_delta = abs(check_number("min_delta", min_delta, 0))
        self.patience = check_int("patience", patience, minimum=0)
        self.verbose = verbose
        mode = check_one_of("mode", mode, ["auto", "min", "max"])
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.mode = mode
        self.restore_best_weights = bool(restore_best_weights)

    def _improved(self, current: float, best: float) -> bool:
        if self.mode == "min":
            return current < best - self.min_delta
        return current > best + self.min_delta

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = float("inf") if self.mode == "min" else -float("inf")
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        current = (logs or {}).get(self.monitor)
        if current is None:
            import warnings

            warnings.warn(
                f"EarlyStopping monitors '{self.monitor}', which is not in the logs "
                f"({', '.join(logs or {})}). Pass validation data or change monitor.",
                RuntimeWarning,
                stacklevel=2,
            )
            return
        if self.restore_best_weights and self.best_weights is None:
            # As Keras: until something improves, the first monitored epoch is the best.
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.stopped_epoch and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


class ProgressBar(Callback):
    """The progress display: per epoch a bar with steps, time per step, loss and accuracy.

    Redraws at most ten times a second, so it costs nothing measurable; prints one
    summary line per epoch (with the validation figures). verbose=2 prints only those lines.
    In a Jupyter notebook the bar is one display updated in place, which becomes the
    epoch's line when the epoch ends (so the saved notebook holds one line per epoch).
    At the end it prints the doctor's diagnosis, its advice as Python code
    (`audience="python"`) or as `glassnet train` flags (`audience="cli"`). `fit` adds one
    unless `callbacks` holds one already (as Keras).

    `evaluate` and `predict` draw the same bar through the `on_test_*` and `on_predict_*`
    hooks, and end with Keras's line: `10/10 ━━━━━━━━━━━━━━━━━━━━ 0s 482us/step` (verbose=1)
    or `10/10 - 0s - 482us/step` (verbose=2), followed by evaluate's figures.
    """

    in_fit = False  # between on_train_begin and on_train_end

    def __init__(self, verbose: int = 1, audience: str = "python") -> None:
        self.verbose = verbose
        self.audience = audience
        self.params: dict[str, Any] = {}

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        from glassnet._internal.console import make_console
        from glassnet._internal.words import plural

        self.in_fit = True

        self.console = make_console(highlight=False)
        p = self.params
        samples = p.get("samples")
        what = f"Training on {plural(samples, 'sample') if isinstance(samples, int) else samples}"
        if p.get("validation_samples"):
            what += f", validating on {p['validation_samples']}"
        if p.get("accuracy") and "accuracy" in getattr(self.model, "metrics", []):
            what += f"; accuracy is {p['accuracy']}"
        self.console.print(what + ".")

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch = epoch
        self.in_epoch, self.steps_done, self.last_loss = True, 0, float("nan")
        self._start_bar(f"Epoch {epoch + 1}/{self.params['epochs']}")

    def _start_bar(self, label: str) -> None:
        """Start the clock, and the live bar (verbose=1 on a terminal) of params["steps"]."""
        import time

        self.start, self.last_draw = time.perf_counter(), 0.0
        self.progress: Any = None  # a NotebookBar or a rich Progress
        self.notebook = NotebookBar(label, self.params["steps"]) if in_notebook() else None
        if self.notebook is not None:
            if self.verbose == 1:
                self.notebook.show()
                self.progress = self.notebook
        elif self.verbose == 1 and self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[info]}"),
                console=self.console,
                transient=True,
            )
            self.task = self.progress.add_task("", total=self.params["steps"], info="")
            self.progress.start()

    def _draw_now(self, batch: int) -> float | None:
        """The time, when the bar is to be redrawn after `batch` (ten times a second)."""
        if self.progress is None:
            return None
        import time

        now = time.perf_counter()
        if now - self.last_draw < 0.1 and batch + 1 < self.params["steps"]:
            return None
        self.last_draw = now
        return now

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.steps_done, self.last_loss = batch + 1, (logs or {}).get("loss", float("nan"))
        now = self._draw_now(batch)
        if now is None:
            return
        per_step = (now - self.start) / (batch + 1) * 1000
        info = f"{per_step:.2f}ms/step - loss: {(logs or {}).get('loss', float('nan')):.4f}"
        if self.notebook is not None and self.progress is self.notebook:
            self.notebook.update(batch + 1, info)
        else:
            self.progress.update(self.task, completed=batch + 1, info=info)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        import time

        self.in_epoch = False
        self._stop_bar()
        elapsed = time.perf_counter() - self.start
        steps = self.params["steps"]
        figures = " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items())
        line = (
            f"Epoch {epoch + 1}/{self.params['epochs']} {steps}/{steps} {elapsed:.1f}s "
            f"{elapsed / steps * 1000:.2f}ms/step - {figures}"
        )
        if self.notebook is not None:
            self.notebook.finish(line)  # the bar's display becomes the line
        else:
            self.console.print(line)

    def stop_display(self) -> None:
        """Stop the live bar if one is drawing (fit ended by an error mid-epoch)."""
        self.in_epoch = False
        if getattr(self, "progress", None) is not None:  # no bar before the first epoch
            self._stop_bar()

    def _stop_bar(self) -> None:
        """Stop the live bar (its line is erased), so that nothing is drawn under what follows."""
        if self.progress is not None and self.progress is not self.notebook:
            self.progress.stop()

    def _interrupted_line(self) -> None:
        """Ctrl-C ended fit mid-epoch: the bar becomes a line saying how far the epoch got."""
        import time

        self.in_epoch = False
        self._stop_bar()
        if not self.verbose:
            return
        elapsed = time.perf_counter() - self.start
        line = (
            f"Epoch {self.epoch + 1}/{self.params['epochs']} "
            f"{self.steps_done}/{self.params['steps']} {elapsed:.1f}s - "
            f"loss: {self.last_loss:.4f} - interrupted (Ctrl-C)"
        )
        if self.notebook is not None:
            self.notebook.finish(line)
        else:
            self.console.print(line)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.in_fit = False
        if getattr(self, "in_epoch", False):
            self._interrupted_line()
        if self.verbose and self.model.history is not None and self.model.history.epoch:
            from glassnet.doctor import diagnose

            diagnosis = diagnose(self.model.history, model=self.model)
            if self.audience == "python" and in_notebook() and hasattr(diagnosis, "_repr_html_"):
                from IPython.display import display

                display(diagnosis)  # type: ignore[no-untyped-call]  # IPython: no annotations
            else:
                self.console.print(diagnosis.rich(audience=self.audience))

    # -- evaluate and predict: one bar per call, ending in Keras's line -----------------
    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        from glassnet._internal.console import make_console

        self.console = make_console(highlight=False)
        self._start_bar("")

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        now = self._draw_now(batch)
        if now is None:
            return
        info = _step_time((now - self.start) / (batch + 1))
        if self.notebook is not None and self.progress is self.notebook:
            self.notebook.update(batch + 1, info)
        else:
            self.progress.update(self.task, completed=batch + 1, info=info)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        import time

        from rich.markup import escape

        self._stop_bar()
        elapsed = time.perf_counter() - self.start
        steps = self.params["steps"]
        figures = escape("".join(f" - {k}: {_keras_number(v)}" for k, v in (logs or {}).items()))
        count = f"{steps}/{steps}"
        if self.notebook is not None:
            plain = "".join(f" - {k}: {_keras_number(v)}" for k, v in (logs or {}).items())
            timing = (
                f"{elapsed:.0f}s{' -' if self.verbose == 2 else ''} {_step_time(elapsed / steps)}"
            )
            sep = " - " if self.verbose == 2 else " " + "━" * 20 + " "
            self.notebook.finish(f"{count}{sep}{timing}{plain}")
        elif self.verbose == 2:
            self.console.print(f"{count} - {elapsed:.0f}s - {_step_time(elapsed / steps)}{figures}")
        else:
            bar = "[green]" + "━" * 20 + "[/green]"
            self.console.print(
                f"{count} {bar} {elapsed:.0f}s {_step_time(elapsed / steps)}{figures}"
            )

    # fit's validation calls the test hooks too: inside fit they draw nothing (as Keras).
    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self.in_fit:
            self.on_predict_begin(logs)

    on_test_batch_end = on_predict_batch_end

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if not self.in_fit:
            self.on_predict_end(logs)


def _step_time(seconds: float) -> str:
    """A time per step as Keras prints it: "2s/step", "14ms/step" or "482us/step".

    >>> _step_time(0.000482), _step_time(0.0143), _step_time(2.0)
    ('482us/step', '14ms/step', '2s/step')
    """
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def _keras_number(value: float) -> str:
    """A logged figure as Keras prints it: 4 decimals, or 4 significant digits below 1e-3.

    >>> _keras_number(0.34951), _keras_number(0.00001234)
    ('0.3495', '1.2340e-05')
    """
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


class ModelCheckpoint(Checkpointing, Callback):
    __doc__ = Checkpointing.__doc__


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
