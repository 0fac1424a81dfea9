"""Sequential: a stack of layers that is built, compiled, trained and used as in Keras.

>>> import numpy as np, glassnet as gn
>>> gn.utils.set_random_seed(0)
>>> model = gn.Sequential([gn.layers.Dense(4, activation="tanh", input_shape=(2,)),
...                        gn.layers.Dense(1, activation="sigmoid")])
>>> model.compile(optimizer=gn.optimizers.Adam(0.05), loss="binary_crossentropy")
>>> x, y = gn.datasets.logic_gate("xor")
>>> history = model.fit(x, y, epochs=300, batch_size=4, verbose=0)
>>> (model.predict(x)[:, 0] > 0.5).astype(int).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import _model_inputs, _model_state, losses, optimizers, saving
from glassnet import callbacks as callbacks_module
from glassnet import layers as layers_module
from glassnet._internal.checks import (
    check_int,
    check_number,
    check_same_length,
    describe,
)
from glassnet._model_summary import summary_table
from glassnet._nan_guard import EXPLODE_FACTOR, SNAPSHOT_EVERY, NanGuard  # noqa: F401 (gn.model.X)
from glassnet.doctor import summarize_data
from glassnet.layers import DTYPE, Layer
from glassnet.metrics import metric_sum
from glassnet.utils import new_rng

__all__ = ["Sequential"]

# Batch size of predict/evaluate when none is given: large batches make fewer, faster calls.
INFERENCE_BATCH = 1024
ACCURACY_NAMES = {
    "sparse": "sparse categorical accuracy (argmax of the outputs == integer label)",
    "categorical": "categorical accuracy (argmax of the outputs == argmax of the one-hot target)",
    "binary": "binary accuracy (output above the threshold == target)",
}


Pair = tuple[np.ndarray, np.ndarray]


@layers_module.register
class Sequential(Layer):
    """A linear stack of layers; also usable as one layer inside another Sequential.

    `build` packs the weights of the model's layers into one contiguous float32 vector
    (`weight_vector`), and their gradients into another (`gradient_vector`): each layer's
    `params["kernel"]` is a view into it, the same array for the model's whole life, and
    the optimizer updates every weight in a few NumPy calls. A model nested after it was
    built keeps its own vectors, so the outer model may hold several (`weight_pairs`).

    Args:
        layers: the layers (or models) in order.
        name: optional.

    >>> import glassnet as gn
    >>> m = gn.Sequential([gn.layers.Flatten(input_shape=(28, 28)),
    ...                    gn.layers.Dense(128, activation="relu"), gn.layers.Dense(10)])
    >>> m.count_params()
    101770
    >>> kernel = m.layers[1].params["kernel"]
    >>> m.weight_vector.shape, bool(np.shares_memory(kernel, m.weight_vector))
    ((101770,), True)
    """

    def __init__(self, layers: Sequence[Layer] | None = None, name: str | None = None):
        super().__init__(name=name)
        self.layers: list[Layer] = []
        for layer in layers or []:
            self.add(layer)
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metrics: list[str] = []
        self.stop_training = False
        self.history: callbacks_module.History | None = None
        self._shuffle_rng: np.random.Generator | None = None
        self._weight_pairs: list[Pair] = []
        self._packed_by_layer: dict[Layer, Pair] = {}  # this model's layers -> their vectors

    # -- building -------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        """Append a layer (or a model). After a build, its weights get vectors of their own.

        Raises:
            TypeError: `layer` is not a glassnet layer.
            ValueError: `layer` (or a layer inside it) is already in this model.

        >>> import glassnet as gn
        >>> d = gn.layers.Dense(2, name="hidden"); m = gn.Sequential([d])
        >>> m.add(d)
        Traceback (most recent call last):
        ValueError: Layer 'hidden' is already in model 'sequential...': a layer object may ...
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential layers must be glassnet layers, got {describe(layer)}.")
        # A layer caches its last forward pass for backward, so a second use of the same
        # object would backpropagate through the wrong inputs: each may appear once.
        mine = {id(member) for member in _members(self)}
        for member in _members(layer):
            if member is self:
                raise ValueError(f"Model '{self.name}' cannot contain itself.")
            if id(member) in mine:
                raise ValueError(
                    f"Layer '{member.name}' is already in model '{self.name}': a layer object "
                    "may appear only once in a model. Create one layer per position, e.g. "
                    "[Dense(8) for _ in range(2)] instead of [Dense(8)] * 2."
                )
        self.layers.append(layer)
        if len(self.layers) == 1:  # a model declares the input shape of its first layer
            self.input_shape = layer.input_shape
        self.built = False

    def leaves(self) -> list[Layer]:
        return [leaf for layer in self.layers for leaf in layer.leaves()]

    def build(self, input_shape=None, rng=None) -> None:
        """Create every layer's weights for samples of `input_shape` (without the batch axis)."""
        if not self.layers:
            raise ValueError("This Sequential has no layers: pass a list of layers or use add().")
        declared = self.layers[0].input_shape
        shape = tuple(input_shape) if input_shape is not None else declared
        if shape is None:
            raise ValueError(
                "The model does not know its input shape yet: give the first layer "
                "input_shape=..., or call fit/predict with data."
            )
        if declared is not None and tuple(declared) != tuple(shape) and not self.built:
            raise ValueError(
                f"x has samples shaped {tuple(shape)}, but the model expects {declared}."
            )
        rng = new_rng(rng)
        for layer in self.layers:
            if not layer.built:
                layer.build(shape, rng=np.random.default_rng(rng.integers(2**63)))
            elif tuple(layer.input_shape) != tuple(shape):
                raise ValueError(
                    f"Layer '{layer.name}' was built for inputs {layer.input_shape}, "
                    f"but receives {tuple(shape)}."
                )
            shape = layer.output_shape
        self.input_shape = tuple(self.layers[0].input_shape)
        self.output_shape = tuple(shape)
        self._pack()
        self.params = {
            f"{i}/{k}": v for i, leaf in enumerate(self.leaves()) for k, v in leaf.params.items()
        }
        self.built = True

    def _pack(self) -> None:
        self._weight_pairs = _model_state.pack(self.layers, self._packed_by_layer)

    @property
    def weight_pairs(self) -> list[Pair]:
        """The (weights, gradients) vector pairs that the optimizer updates, in layer order.

        One pair for a model of layers; a model that was nested after its own build
        brings its pair along. Every layer's `params` and `grads` are views into them.

        >>> import glassnet as gn
        >>> inner = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]); inner.build()
        >>> outer = gn.Sequential([inner, gn.layers.Dense(1)]); outer.build()
        >>> [w.size for w, _ in outer.weight_pairs], outer.weight_pairs[0][0] is inner.weight_vector
        ([8, 3], True)
        """
        self._build_if_shape_known()
        return list(self._weight_pairs)

    @property
    def weight_vector(self) -> np.ndarray:
        """Every weight in one float32 vector, in `get_weights()` order (a live view).

        Raises:
            ValueError: when the model has no weights, or keeps them in several vectors
                (a built model nested beside layers with weights): use `weight_pairs`.
        """
        return self._only_pair()[0]

    @property
    def gradient_vector(self) -> np.ndarray:
        """The gradients of the last backward pass, laid out as `weight_vector`."""
        return self._only_pair()[1]

    def _only_pair(self) -> Pair:
        pairs = self.weight_pairs
        if len(pairs) != 1:
            raise ValueError(
                f"Model '{self.name}' keeps its weights in {len(pairs)} packed vectors"
                + (" (it is not built or has no weights)." if not pairs else ": use weight_pairs.")
            )
        return pairs[0]

    def _build_if_shape_known(self) -> None:
        # As Keras: a model with a declared input shape has its weights.
        if not self.built and self.layers and self.layers[0].input_shape is not None:
            self.build()

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.built:
            self.build(x.shape[1:] if self.layers[0].input_shape is None else None)
        if tuple(x.shape[1:]) != self.input_shape:
            raise ValueError(
                f"x has samples shaped {tuple(x.shape[1:])} (x.shape = {x.shape}), but the "
                f"model expects {self.input_shape}."
            )

    # -- forward and backward ----------------------------------------------------------
    # Underflow to 0 (a ReLU unit's tiny product, exp of a logit far below the largest) is
    # the right answer in every pass below, so it is scoped here and never reported; overflow
    # and invalid operations still are, except in fit, where the NaN guard reports them.
    def forward(self, x, training=False):
        with np.errstate(under="ignore"):
            for layer in self.leaves():
                x = layer.forward(x, training=training)
        return x

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dLoss/d(output) through the layers in reverse order.

        Returns dLoss/d(input); with need_input_grad=False, None, and the layers before
        the first one with weights are skipped (as in fit).

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]); m.build()
        >>> _ = m.forward(np.ones((4, 3), np.float32), training=True)
        >>> m.backward(np.ones((4, 2), np.float32)).shape
        (4, 3)
        """
        with np.errstate(under="ignore"):
            for layer, need in self._backward_steps(need_input_grad):
                grad = layer.backward(grad, need_input_grad=need)
        return grad if need_input_grad else None

    def _backward_steps(self, need_input_grad: bool) -> list[tuple[Layer, bool]]:
        """(layer, need_input_grad) in the order backward visits the leaves."""
        leaves = self.leaves()
        if need_input_grad:
            return [(leaf, True) for leaf in reversed(leaves)]
        first = next((i for i, leaf in enumerate(leaves) if leaf.params), len(leaves))
        return [(leaves[i], i > first) for i in range(len(leaves) - 1, first - 1, -1)]

    def __call__(self, x, training=False):
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        return self.forward(x.astype(DTYPE, copy=False), training=training)

    # -- compile, fit, evaluate, predict ------------------------------------------------
    def compile(
        self,
        optimizer: str | optimizers.Optimizer = "rmsprop",
        loss: str | losses.Loss | None = None,
        metrics: Sequence[str] | None = None,
    ) -> None:
        """Choose the optimizer, the loss and the metrics reported while training.

        Args:
            optimizer: a name ("adam", "sgd", "rmsprop") or an optimizer instance.
            loss: a name (e.g. "sparse_categorical_crossentropy", "mse") or a loss instance.
            metrics: a list of "accuracy", "mae", "mse" (accuracy matches the loss's targets).

        Raises:
            ValueError: for an unknown optimizer, loss or metric.
        """
        if loss is None:
            raise ValueError("compile() needs a loss, e.g. loss='sparse_categorical_crossentropy'.")
        self.optimizer = optimizers.get(optimizer)
        self.loss = losses.get(loss)
        self.metrics = []
        for metric in metrics or []:
            name = {"acc": "accuracy"}.get(metric, metric) if isinstance(metric, str) else metric
            if name not in ("accuracy", "mae", "mse"):
                raise ValueError(f"Unknown metric {metric!r}. Valid names: accuracy, mae, mse.")
            if name == "accuracy" and self.loss.accuracy_kind is None:
                raise ValueError(f"metric 'accuracy' needs a classification loss, got {self.loss}.")
            self.metrics.append(name)
        self._warn_output_and_loss()

    def _warn_output_and_loss(self) -> None:
        last = self.leaves()[-1] if self.layers else None
        activation = getattr(getattr(last, "activation", None), "name", None)
        message = self.loss.check_output(activation, getattr(last, "units", None))
        if message:
            warnings.warn(message, UserWarning, stacklevel=3)

    def fit(
        self,
        x: Any = None,
        y: Any = None,
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
        steps = math.ceil(len(x) / batch_size)
        history.params = {
            "epochs": epochs,
            "steps": steps,
            "batch_size": batch_size,
            "verbose": verbose,
            "samples": len(x),
            "validation_samples": 0 if validation is None else len(validation[0]),
            "learning_rate": self.optimizer.learning_rate,
            "validation_split": validation_split if validation_data is None else 0.0,
            "accuracy": ACCURACY_NAMES.get(self.loss.accuracy_kind or "", ""),
        }
        callback_list = callbacks_module.CallbackList(
            callbacks, add_history=history, add_progbar=verbose, model=self, params=history.params
        )
        # What the doctor reads of this run: the data in numbers (not a copy), the callbacks.
        split = validation_split if validation_data is None else 0.0
        history.data_summary = summarize_data(x, y, *(validation or ()), validation_split=split)
        history.callbacks = [c for c in callback_list if c is not history]
        self.stop_training = False
        self.history = history
        if self._shuffle_rng is None:
            self._shuffle_rng = new_rng()

        guard = NanGuard(self.weight_pairs, self.optimizer, initial_epoch)
        callback_list.on_train_begin()
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.on_epoch_begin(epoch)
                # A diverging run overflows to inf/NaN: the NaN guard reports that in one
                # clear message instead of NumPy's warnings; underflow to 0 is harmless.
                with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                    logs = self._train_epoch(
                        x, y, weights, batch_size, shuffle, callback_list, epoch, guard
                    )
                if validation is not None and not self.stop_training:
                    val_logs = self._evaluate_logs(*validation)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        except KeyboardInterrupt:
            self.stop_training = True
            history.interrupted = True
            if verbose == 0:
                raise
        callback_list.on_train_end()
        return history

    def _train_epoch(
        self, x, y, weights, batch_size, shuffle, callback_list, epoch=0, guard=None
    ) -> dict[str, float]:
        """One pass over the data in mini-batches: forward, loss, backward, update."""
        n = len(x)
        pairs = self.weight_pairs
        layers = self.leaves()
        # Backpropagation stops at the first layer with weights: no one needs dLoss/dx.
        backward_steps = self._backward_steps(need_input_grad=False)
        order = self._shuffle_rng.permutation(n) if shuffle else np.arange(n)
        gather = np.empty((batch_size, *x.shape[1:]), dtype=x.dtype)
        cast = None if x.dtype == DTYPE else np.empty(gather.shape, dtype=DTYPE)
        guard = guard or NanGuard(pairs, self.optimizer, epoch)  # None: called on its own
        stopped_on_nan = False
        loss_sum, metric_sums, seen = 0.0, dict.fromkeys(self.metrics, 0.0), 0
        loss, optimizer = self.loss, self.optimizer
        batch_logs: dict[str, float] = {}
        for step, start in enumerate(range(0, n, batch_size)):
            index = order[start : start + batch_size]
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
            for name in self.metrics:
                metric_sums[name] += metric_sum(name, self.loss, xb, yb)
            seen += m
            for layer, need_input_grad in backward_steps:
                grad = layer.backward(grad, need_input_grad=need_input_grad)
            optimizer.apply(pairs)
            batch_logs["loss"] = loss_sum / seen
            callback_list.on_train_batch_end(step, batch_logs)
            if self.stop_training:
                break
        seen = max(seen, 1)
        logs = {"loss": loss_sum / seen}
        logs.update({name: total / seen for name, total in metric_sums.items()})
        if stopped_on_nan:
            logs["loss"] = float("nan")
        return logs

    def _stop_on_nan(self, message: str) -> None:
        """The NaN guard restored the weights: warn with its message, and stop."""
        warnings.warn(message, RuntimeWarning, stacklevel=4)
        self.stop_training = True
        if self.history is not None:
            self.history.stopped_on_nan = message

    def _evaluate_logs(self, x, y, batch_size: int | None = None) -> dict[str, float]:
        outputs = self.predict(x, batch_size=batch_size)
        with np.errstate(under="ignore"):
            loss_value = self.loss.loss_and_gradient(y, outputs)[0]
            logs = {"loss": loss_value}
            for name in self.metrics:
                logs[name] = metric_sum(name, self.loss, outputs, y) / len(x)
        return logs

    def evaluate(
        self,
        x: Any,
        y: Any,
        batch_size: int | None = None,
        verbose: int = 1,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """The loss and metrics on `(x, y)`, in inference mode.

        With verbose=1 it prints them, and for classification prints accuracy beside the
        majority-class baseline and the balanced accuracy.

        Returns:
            The loss alone without metrics, else `[loss, *metrics]`, or a dict with
            `return_dict=True` (as Keras).
        """
        if self.loss is None:
            raise ValueError("evaluate() needs a compiled model: call model.compile(...) first.")
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        y = _model_inputs.as_targets(self, y, "y", len(x))
        check_same_length("x", x, "y", y)
        logs = self._evaluate_logs(x, y, batch_size)
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
            if self.loss.accuracy_kind is not None:
                self._print_accuracy_summary(x, y)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _print_accuracy_summary(self, x, y) -> None:
        from glassnet.metrics import accuracy_summary

        labels = self.predict_classes(x)
        truth = y.argmax(axis=1) if self.loss.accuracy_kind == "categorical" else y
        print(accuracy_summary(np.asarray(truth).reshape(len(labels), -1)[:, 0], labels))

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """The model's outputs for `x`, computed in batches, as float32.

        Args:
            x: inputs shaped (samples, *input_shape).
            batch_size: rows per batch; default 1024 (results do not depend on it
                beyond float rounding).

        >>> import glassnet as gn
        >>> gn.Sequential([gn.layers.Dense(3, input_shape=(2,))]).predict([[1, 2]]).shape
        (1, 3)
        """
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        batch_size = INFERENCE_BATCH if batch_size is None else batch_size
        batch_size = check_int("batch_size", batch_size, minimum=1)
        leaves = self.leaves()
        result = np.empty((len(x), *self.output_shape), dtype=DTYPE)
        with np.errstate(under="ignore"):  # see forward
            for start in range(0, len(x), batch_size):
                batch = x[start : start + batch_size].astype(DTYPE, copy=False)
                for layer in leaves:
                    batch = layer.forward(batch, training=False)
                result[start : start + batch_size] = batch
        return result

    def predict_classes(self, x: Any, batch_size: int | None = None) -> np.ndarray:
        """The predicted class of each sample: argmax, or threshold for one output."""
        outputs = self.predict(x, batch_size)
        if outputs.shape[-1] == 1:
            threshold = 0.0 if self.loss is not None and self.loss.from_logits else 0.5
            return (outputs[:, 0] > threshold).astype(np.intp)
        return outputs.argmax(axis=-1)

    # -- weights ----------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight array, layer by layer (kernel, then bias), as Keras."""
        self._build_if_shape_known()
        return [leaf.params[k].copy() for leaf in self.leaves() for k in leaf.params]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Copy `weights` into every weight array (in place: the arrays stay the same);
        shapes must match `get_weights()`. Nothing changes unless every array is right.

        Raises:
            TypeError: not a list of arrays, or an array that is complex, text or objects.
            ValueError: a wrong count or shape, NaN, infinity, or a value beyond float32.
        """
        self._build_if_shape_known()
        targets = [leaf.params[k] for leaf in self.leaves() for k in leaf.params]
        if not isinstance(weights, (list, tuple)):
            raise TypeError(
                "set_weights expects a list of arrays, as get_weights() returns, got "
                f"{describe(weights)}."
            )
        if len(weights) != len(targets):
            raise ValueError(
                f"set_weights expected a list of {len(targets)} arrays, got {len(weights)}."
            )
        arrays = [
            _model_inputs.as_float32(f"weights[{i}]", w, allow_empty=True)
            for i, w in enumerate(weights)
        ]
        for i, (target, array) in enumerate(zip(targets, arrays, strict=True)):
            if target.shape != array.shape:
                raise ValueError(f"weights[{i}] must have shape {target.shape}, got {array.shape}.")
        for target, array in zip(targets, arrays, strict=True):
            target[...] = array

    def count_params(self) -> int:
        self._build_if_shape_known()
        return sum(layer.count_params() for layer in self.layers)

    # -- random generators ----------------------------------------------------------------
    def get_rng_state(self) -> dict[str, Any]:
        """The states of the model's random generators, for saving (see `_model_state`).

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(2,)), gn.layers.Dropout(0.5)])
        >>> m.build(); state = m.get_rng_state()
        >>> state["shuffle"], list(state["layers"])
        (None, ['1'])
        """
        return _model_state.rng_state(self._shuffle_rng, self.leaves())

    def set_rng_state(self, state: dict[str, Any]) -> None:
        """Put back what `get_rng_state` returned, so shuffling and Dropout masks continue
        exactly where they were.

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dropout(0.5, input_shape=(4,))]); m.build()
        >>> saved = m.get_rng_state()
        >>> mask = m.layers[0].rng.random(3); m.set_rng_state(saved)
        >>> bool((m.layers[0].rng.random(3) == mask).all())
        True
        """
        self._shuffle_rng = _model_state.set_rng_state(state, self._shuffle_rng, self.leaves())

    # -- summary and saving -------------------------------------------------------------
    def summary(self, print_fn: Any = print) -> None:
        """Print each layer's output shape and parameter count, and the totals.

        The last column shows how the count arises, e.g. 784 x 128 + 128 = 100,480.
        """
        if not self.built:
            self.build()
        print_fn(summary_table(self))

    def save(self, path: str) -> None:
        """Save architecture, compile settings, weights and optimizer state (see `saving`)."""
        saving.save_model(self, path)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in self.layers
            ],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        """A new, unbuilt model from what `get_config()` returned (layers by registered name).

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, name="out")], name="net")
        >>> [layer.name for layer in Sequential.from_config(m.get_config()).layers]
        ['out']
        """
        layers = [
            layers_module.get(entry["class_name"]).from_config(dict(entry["config"]))
            for entry in config["layers"]
        ]
        return cls(layers, name=config.get("name"))


def _members(layer: Layer) -> list[Layer]:
    """`layer` and every layer inside it (the models nested in it too)."""
    found = [layer]
    for inner in layer.layers if isinstance(layer, Sequential) else []:
        found.extend(_members(inner))
    return found
