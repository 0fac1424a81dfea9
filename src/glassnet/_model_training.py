"""Training and inference for Sequential: compile, fit, evaluate, predict.

`Trainer` is the half of `Sequential` that uses a built model (as Keras's `Trainer` is for
`keras.Model`); `model.py` holds the other half, the stack itself: add, build, the packed
weight vectors, forward and backward. One training step, in `Trainer._train_epoch`, is the
lecture's loop: forward through every layer, the loss and its gradient, the NaN guard's
check, backward through the layers, and the optimizer's update of the packed weights.

>>> import numpy as np, glassnet as gn
>>> gn.utils.set_random_seed(0)
>>> model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
>>> model.compile(optimizer=gn.optimizers.SGD(1.0), loss="binary_crossentropy",
...               metrics=["accuracy"])
>>> x, y = gn.datasets.logic_gate("and")
>>> history = model.fit(x, y, epochs=200, batch_size=4, verbose=0)
>>> history.history["accuracy"][-1]
1.0
"""

from __future__ import annotations

import math
import typing
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from glassnet import _model_inputs, losses, optimizers
from glassnet import callbacks as callbacks_module
from glassnet._fit_options import EpochBatches, check_validation_freq, validates
from glassnet._internal.checks import check_int, check_number, check_same_length
from glassnet._internal.threads import compute_threads
from glassnet._nan_guard import NanGuard
from glassnet.doctor import summarize_data
from glassnet.layers import DTYPE
from glassnet.metrics import Metric, compile_metrics, metric_logs
from glassnet.utils import new_rng

__all__ = ["Trainer"]

if TYPE_CHECKING:
    from glassnet._model_state import Pair
    from glassnet.layers import Layer

    _LayerBase = Layer  # for the type checker; at run time Sequential brings Layer in
else:
    _LayerBase = object

# Batch size of predict/evaluate when none is given: large batches make fewer, faster calls.
INFERENCE_BATCH = 1024
ACCURACY_NAMES = {
    "sparse": "sparse categorical accuracy (argmax of the outputs == integer label)",
    "categorical": "categorical accuracy (argmax of the outputs == argmax of the one-hot target)",
    "binary": "binary accuracy (output above the threshold == target)",
}


class Trainer(_LayerBase):
    """compile, fit, evaluate and predict, for a class that is also a `Layer` with
    `leaves()`, `weight_pairs`, `_backward_steps` and `_ensure_built` (that is, `Sequential`).
    """

    compiled_metrics: Sequence[Metric] = ()  # compile sets the list

    if TYPE_CHECKING:  # Sequential's (model.py), the class Trainer is a base of
        layers: list[Layer]
        optimizer: optimizers.Optimizer | None
        loss: losses.Loss | None
        history: callbacks_module.History | None
        _shuffle_rng: np.random.Generator | None

        @property
        def weight_pairs(self) -> list[Pair]: ...
        def _ensure_built(self, x: np.ndarray) -> None: ...
        def _backward_steps(self, need_input_grad: bool) -> list[tuple[Layer, bool]]: ...

    def compile(
        self,
        optimizer: str | optimizers.Optimizer = "rmsprop",
        loss: str | losses.Loss | None = None,
        metrics: Sequence[str | Metric] | None = None,
    ) -> None:
        """Choose the optimizer, the loss and the metrics reported while training.

        Args:
            optimizer: a name ("adam", "sgd", "rmsprop") or an optimizer instance.
            loss: a name (e.g. "sparse_categorical_crossentropy", "mse") or a loss instance.
            metrics: a list (as Keras) of metric names ("accuracy", "mae",
                "binary_crossentropy", "sparse_categorical_accuracy", ...; `gn.metrics.names()`),
                `gn.metrics` objects or functions fn(y_true, y_pred). "accuracy" (or "acc")
                is the accuracy of the loss's targets; a name is also the metric's history key.

        After compile, `model.metrics` lists the metrics' names and `model.compiled_metrics`
        the metric objects (fit and evaluate reset and update them).

        Raises:
            ValueError: for an unknown optimizer, loss or metric, or a bare metric name
                instead of a list (as Keras).
        """
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='sparse_categorical_crossentropy'.")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        self.compiled_metrics, advice = compile_metrics(metrics, self.loss)
        self.metrics = [metric.name for metric in self.compiled_metrics]
        for message in advice:
            warnings.warn(message, UserWarning, stacklevel=2)
        self._warn_output_and_loss()

    def _warn_output_and_loss(self) -> None:
        last = self.leaves()[-1] if self.layers else None
        activation = getattr(getattr(last, "activation", None), "name", None)
        loss = typing.cast(losses.Loss, self.loss)  # compile set it
        message = loss.check_output(activation, getattr(last, "units", None))
        if message:
            warnings.warn(message, UserWarning, stacklevel=3)

    def fit(
        self,
        x: npt.ArrayLike | None = None,
        y: npt.ArrayLike | None = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = 1,
        callbacks: Sequence[callbacks_module.Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Sequence[Any] | None = None,
        shuffle: bool = True,
        class_weight: dict[int, float] | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_freq: int | Sequence[int] = 1,
    ) -> callbacks_module.History:
        """Train the model for `epochs` passes over the data, in mini-batches.

        Args:
            x: inputs, shaped (samples, *input_shape); uint8 images are converted per batch.
            y: targets: integer labels, one-hot rows or values, as the loss expects.
            batch_size: samples per gradient step, default 32; more than the samples
                means all of them (as Keras).
            epochs: the index of the last epoch (as Keras, counted from `initial_epoch`).
            verbose: 0 silent, 1 progress bar per epoch and the diagnosis at the end, 2 one line.
            callbacks: e.g. `[gn.callbacks.EarlyStopping(patience=2)]`.
            validation_split: the fraction of the data, taken from the end before
                shuffling (as Keras), held out for validation; in [0, 1).
            validation_data: `(x_val, y_val)` or `[x_val, y_val]`; overrides the split.
            shuffle: reshuffle the training samples every epoch.
            class_weight: class -> weight, multiplying each sample's loss.
            sample_weight: one weight per sample.
            initial_epoch: the epoch to start from (for resuming).
            steps_per_epoch: batches per epoch; default None, one pass over the data.
                Given, each epoch trains on the next `steps_per_epoch` batches and the
                passes over the (reshuffled) data run across epochs; an epoch in which
                the pass ends stops there, with a warning, and the next begins a new pass
                (as Keras with arrays).
            validation_freq: validate every `validation_freq` epochs (an int, counting
                from 1: 2 validates after epochs 2, 4, ...), or after the epochs of a
                list, e.g. [1, 5, 10] (as Keras); the other epochs' logs have no "val_".

        The NaN guard stops training when a batch's loss is NaN or infinite, or exceeds
        `EXPLODE_FACTOR` (1e6) times the first batch's (and 1e6), and puts back the weights
        and optimizer state of the last copy whose loss was good (copies are made every
        `SNAPSHOT_EVERY` = 32 steps and at each epoch's start); its RuntimeWarning, also in
        `history.stopped_on_nan`, says which batch that was.

        Returns:
            A `History`, whose `.history` maps "loss", "accuracy", "val_loss", ... to
            per-epoch lists.

        Raises:
            ValueError/TypeError: before compile, or for bad data or arguments.
            KeyboardInterrupt: Ctrl-C during training is handed on, as Keras does, whatever
                `verbose` is (a script stops; a notebook cell ends). Before that, fit ends
                as usual: the callbacks' `on_train_end` runs (EarlyStopping restores its
                best weights) and `model.history` is the History so far, with
                `history.interrupted` True. The weights are those of the moment Ctrl-C
                came, possibly inside a step; `glassnet train` stops between batches.
        """
        if self.optimizer is None or self.loss is None:
            raise ValueError("fit() needs a compiled model: call model.compile(...) first.")
        batch_size = check_int("batch_size", 32 if batch_size is None else batch_size, minimum=1)
        epochs = check_int("epochs", epochs, minimum=1)
        initial_epoch = check_int("initial_epoch", initial_epoch, minimum=0)
        validation_split = check_number(
            "validation_split", validation_split, 0, 1, high_inclusive=False
        )
        verbose = 1 if verbose == "auto" else check_int("verbose", verbose, minimum=0)
        if steps_per_epoch is not None:
            steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        validation_freq = check_validation_freq(validation_freq)
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        y = _model_inputs.as_targets(self, y, "y", len(x))
        check_same_length("x", x, "y", y)
        weights = _model_inputs.sample_weights(y, class_weight, sample_weight, len(x))

        (x, y, weights), validation = _model_inputs.split_validation(
            self, x, y, weights, validation_data, validation_split
        )
        batch_size = min(batch_size, len(x))  # as Keras: a batch holds at most all samples

        history = callbacks_module.History()
        batches = EpochBatches(len(x), batch_size, shuffle, steps_per_epoch)
        steps = batches.steps
        history.params = {
            "epochs": epochs,
            "steps": steps,
            "batch_size": batch_size,
            "verbose": verbose,
            "samples": len(x),
            "validation_samples": 0 if validation is None else len(validation[0]),
            "learning_rate": self.optimizer.learning_rate,  # the first step's
            "learning_rates": [],  # the rate of each epoch's first step: schedules change it
            "validation_split": validation_split if validation_data is None else 0.0,
            "accuracy": ACCURACY_NAMES.get(self.loss.accuracy_kind or "", ""),
        }
        if validation_freq != 1:  # the doctor reads val_ curves only when every epoch has one
            history.params["validation_freq"] = validation_freq
        callback_list = callbacks_module.CallbackList(
            callbacks, add_history=history, add_progbar=verbose, model=self, params=history.params
        )
        # What the doctor reads of this run: the data in numbers (not a copy), the callbacks.
        split = validation_split if validation_data is None else 0.0
        x_val, y_val = validation if validation is not None else (None, None)
        history.data_summary = summarize_data(x, y, x_val, y_val, validation_split=split)
        history.callbacks = [c for c in callback_list if c is not history]
        self.stop_training = False
        self.history = history
        if self._shuffle_rng is None:
            self._shuffle_rng = new_rng()
        batches.rng = self._shuffle_rng

        guard = NanGuard(self.weight_pairs, self.optimizer, initial_epoch)
        callback_list.on_train_begin()
        training_logs = None  # the last finished epoch's, given to on_train_end (as Keras)
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch)
                history.params["learning_rates"].append(self.optimizer.learning_rate)
                # A diverging run overflows to inf/NaN: the NaN guard reports that in one
                # clear message instead of NumPy's warnings; underflow to 0 is harmless.
                with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                    logs = self._train_epoch(
                        x,
                        y,
                        weights,
                        batch_size,
                        shuffle,
                        callback_list,
                        epoch,
                        guard,
                        batches.epoch(epoch),
                    )
                if validation is not None and not self.stop_training:
                    if validates(epoch, validation_freq):
                        logs.update(self._validate(validation, callback_list))
                logs = dict(sorted(logs.items()))  # Keras's order
                callback_list.on_epoch_end(epoch, logs)
                training_logs = logs
                if self.stop_training:
                    break
        except KeyboardInterrupt:  # handed on, as Keras: Ctrl-C stops the program
            self.stop_training = True
            history.interrupted = True
            callback_list.on_train_end(training_logs)
            raise
        except Exception:
            callback_list.stop_displays()
            raise
        callback_list.on_train_end(training_logs)
        return history

    def _validate(
        self,
        validation: tuple[np.ndarray, np.ndarray],
        callback_list: callbacks_module.CallbackList,
    ) -> dict[str, float]:
        """The validation figures, as "val_" logs, between on_test_begin and on_test_end."""
        callback_list.on_test_begin()
        val_logs = self._evaluate_logs(*validation)
        callback_list.on_test_end(dict(val_logs))
        return {f"val_{k}": v for k, v in val_logs.items()}

    def _train_epoch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        weights: np.ndarray | None,
        batch_size: int,
        shuffle: bool,
        callback_list: callbacks_module.CallbackList,
        epoch: int = 0,
        guard: NanGuard | None = None,
        batches: Iterable[np.ndarray] | None = None,
    ) -> dict[str, float]:
        """One epoch in mini-batches: forward, loss, backward, update.

        `batches` yields the sample indices of each step (`EpochBatches.epoch`); default
        one pass over the data, shuffled if `shuffle`.
        """
        n = len(x)
        pairs = self.weight_pairs
        layers = self.leaves()
        # Backpropagation stops at the first layer with weights: no one needs dLoss/dx.
        backward_steps = self._backward_steps(need_input_grad=False)
        if batches is None:
            batches = EpochBatches(n, batch_size, shuffle, rng=self._shuffle_rng).epoch(epoch)
        # Per batch, a hook only if a callback overrides it (see CallbackList.calls).
        batch_begin = callback_list.calls("on_train_batch_begin")
        batch_end = callback_list.calls("on_train_batch_end")
        gather = np.empty((batch_size, *x.shape[1:]), dtype=x.dtype)
        cast = None if x.dtype == DTYPE else np.empty(gather.shape, dtype=DTYPE)
        guard = guard or NanGuard(pairs, self.optimizer, epoch)  # None: called on its own
        stopped_on_nan = False
        loss_sum, seen = 0.0, 0
        compiled_metrics = self.compiled_metrics
        for metric in compiled_metrics:
            metric.reset_state()
        # compile set both (fit checked).
        loss = typing.cast(losses.Loss, self.loss)
        optimizer = typing.cast(optimizers.Optimizer, self.optimizer)
        # Layers with a kernel/bias regularizer: none, in most runs, and then no cost per batch.
        regularized: list[Any] = [layer for layer in layers if getattr(layer, "regularized", False)]
        grad: Any  # backward's result; None only past the last layer that needs it
        batch_logs: dict[str, float] = {}
        # Small products run faster on one BLAS thread (see glassnet._internal.threads).
        with compute_threads(self._largest_product(batch_size)):
            for step, index in enumerate(batches):
                if batch_begin:
                    callback_list.on_train_batch_begin(step)
                m = len(index)
                if cast is None:
                    xb = x[index]  # fancy indexing measured faster than np.take(out=) here
                else:
                    xb = cast[:m]
                    np.copyto(xb, np.take(x, index, axis=0, out=gather[:m]))
                yb = y[index]
                wb = None if weights is None else weights[index]
                for layer in layers:
                    xb = layer.forward(xb, training=True)
                batch_loss, grad = loss.loss_and_gradient(yb, xb, wb)
                stop_message = guard.check(batch_loss, epoch, step)
                if stop_message:
                    self._stop_on_nan(stop_message)
                    stopped_on_nan = True
                    break
                loss_sum += batch_loss * m
                for metric in compiled_metrics:  # unweighted, as Keras's `metrics`
                    metric.update_state(yb, xb)
                seen += m
                for layer, need_input_grad in backward_steps:
                    grad = layer.backward(grad, need_input_grad=need_input_grad)
                if regularized:  # the penalties join the loss (as Keras) and their gradients
                    loss_sum += m * sum(layer.add_regularization() for layer in regularized)
                optimizer.apply(pairs)
                if batch_end:
                    batch_logs["loss"] = loss_sum / seen
                    callback_list.on_train_batch_end(step, batch_logs)
                if self.stop_training:
                    break
        seen = max(seen, 1)
        logs = {"loss": loss_sum / seen}
        logs.update(metric_logs(compiled_metrics))
        if stopped_on_nan:
            logs["loss"] = float("nan")
        return logs

    def _largest_product(self, rows: int) -> int:
        """Multiply-adds in the largest matrix product of a pass over `rows` samples."""
        kernels = [p.size for layer in self.leaves() for p in layer.params.values() if p.ndim == 2]
        return rows * max(kernels, default=0)

    def _stop_on_nan(self, message: str) -> None:
        """The NaN guard restored the weights: warn with its message, and stop."""
        warnings.warn(message, RuntimeWarning, stacklevel=4)
        self.stop_training = True
        if self.history is not None:
            self.history.stopped_on_nan = message

    def _evaluate_logs(
        self,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int | None = None,
        on_batch: Callable[[int], Any] | None = None,
    ) -> dict[str, float]:
        """{"loss": ..., then each metric in compile order}, in inference mode."""
        outputs = self._forward_all(x, batch_size, on_batch)
        with np.errstate(under="ignore"):
            # As Keras 3, the regularization penalties count in evaluate's and val_ loss too.
            loss = typing.cast(losses.Loss, self.loss)  # fit and evaluate checked it
            loss_value = loss.loss_and_gradient(y, outputs)[0] + sum(self.losses)
            logs = {"loss": loss_value}
            for metric in self.compiled_metrics:
                metric.reset_state()
                metric.update_state(y, outputs)
            logs.update(metric_logs(self.compiled_metrics))
        return logs

    def evaluate(
        self,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """The loss and metrics on `(x, y)`, in inference mode.

        Args:
            x, y: the inputs and targets, as for fit.
            batch_size: rows per batch; default 1024 (results do not depend on it
                beyond float rounding).
            verbose: "auto" (= 1, as Keras), 0 silent, 1 a progress bar, 2 one line
                (`10/10 - 0s - 2ms/step - accuracy: 0.8761 - loss: 0.3495`). When not 0,
                classification also prints the accuracy beside the majority-class
                baseline and the balanced accuracy.
            return_dict: return {name: value} (in Keras's order, by name).

        Returns:
            The loss alone without metrics, else `[loss, *metrics]` in compile's order,
            or a dict with `return_dict=True` (as Keras).
        """
        if self.loss is None:
            raise ValueError("evaluate() needs a compiled model: call model.compile(...) first.")
        verbose = _verbosity(verbose)
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        y = _model_inputs.as_targets(self, y, "y", len(x))
        check_same_length("x", x, "y", y)
        batch_size = _inference_batch(batch_size)
        bar = _inference_bar(verbose, len(x), batch_size, "test")
        logs = self._evaluate_logs(
            x, y, batch_size, bar.on_test_batch_end if bar is not None else None
        )
        if bar is not None:
            bar.on_test_end(dict(sorted(logs.items())))
            if self.loss.accuracy_kind is not None:
                self._print_accuracy_summary(x, y)
        if return_dict:
            return dict(sorted(logs.items()))
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _print_accuracy_summary(self, x: np.ndarray, y: np.ndarray) -> None:
        from glassnet.metrics import accuracy_summary

        labels = self.predict_classes(x)
        kind = typing.cast(losses.Loss, self.loss).accuracy_kind  # evaluate checked it
        truth = y.argmax(axis=1) if kind == "categorical" else y
        print(accuracy_summary(np.asarray(truth).reshape(len(labels), -1)[:, 0], labels))

    def predict(
        self, x: npt.ArrayLike, batch_size: int | None = None, verbose: int | str = "auto"
    ) -> npt.NDArray[np.float32]:
        """The model's outputs for `x`, computed in batches, as float32.

        Args:
            x: inputs shaped (samples, *input_shape).
            batch_size: rows per batch; default 1024 (results do not depend on it
                beyond float rounding).
            verbose: "auto" (= 1, as Keras) shows a progress bar
                (`10/10 ━━━━━━━━━━━━━━━━━━━━ 0s 482us/step`), 2 one line, 0 nothing.

        Returns:
            A plain float32 ndarray shaped (samples, *output_shape).

        >>> import glassnet as gn
        >>> gn.Sequential([gn.layers.Dense(3, input_shape=(2,))]).predict([[1, 2]], verbose=0).shape
        (1, 3)
        """
        verbose = _verbosity(verbose)
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        batch_size = _inference_batch(batch_size)
        bar = _inference_bar(verbose, len(x), batch_size, "predict")
        result = self._forward_all(
            x, batch_size, bar.on_predict_batch_end if bar is not None else None
        )
        if bar is not None:
            bar.on_predict_end()
        return result

    def _forward_all(
        self, x: np.ndarray, batch_size: int | None, on_batch: Callable[[int], Any] | None = None
    ) -> np.ndarray:
        """Every row of `x` through the layers in inference mode, `batch_size` at a time;
        `on_batch(step)` after each batch (a progress bar's)."""
        batch_size = _inference_batch(batch_size)
        leaves = self.leaves()
        output_shape = typing.cast("tuple[int, ...]", self.output_sample_shape)  # built
        result = np.empty((len(x), *output_shape), dtype=DTYPE)
        threads = compute_threads(self._largest_product(min(batch_size, len(x))))
        with threads, np.errstate(under="ignore"):  # see forward
            for step, start in enumerate(range(0, len(x), batch_size)):
                batch = x[start : start + batch_size].astype(DTYPE, copy=False)
                for layer in leaves:
                    batch = layer.forward(batch, training=False)
                result[start : start + batch_size] = batch
                if on_batch is not None:
                    on_batch(step)
        return result

    def predict_classes(self, x: npt.ArrayLike, batch_size: int | None = None) -> np.ndarray:
        """The predicted class of each sample: argmax, or threshold for one output."""
        outputs = self.predict(x, batch_size, verbose=0)
        if outputs.shape[-1] == 1:
            threshold = 0.0 if self.loss is not None and self.loss.from_logits else 0.5
            return (outputs[:, 0] > threshold).astype(np.intp)
        result: np.ndarray = outputs.argmax(axis=-1)
        return result


def _verbosity(verbose: int | str) -> int:
    """Keras's verbose for evaluate and predict: "auto" is 1."""
    return 1 if verbose == "auto" else check_int("verbose", verbose, minimum=0)


def _inference_batch(batch_size: int | None) -> int:
    return check_int("batch_size", INFERENCE_BATCH if batch_size is None else batch_size, minimum=1)


def _inference_bar(
    verbose: int, n: int, batch_size: int, kind: str
) -> callbacks_module.ProgressBar | None:
    """fit's ProgressBar, started for one evaluate ("test") or predict call, or None."""
    if not verbose:
        return None
    bar = callbacks_module.ProgressBar(verbose=min(verbose, 2))
    bar.params = {"steps": max(math.ceil(n / batch_size), 1), "verbose": verbose}
    getattr(bar, f"on_{kind}_begin")()
    return bar
