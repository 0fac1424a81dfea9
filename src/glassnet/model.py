"""Sequential: a stack of layers that is built, compiled, trained and used as in Keras.

`Model` is its base, as `keras.Model` is of `keras.Sequential`; glassnet has no functional
or subclassed models, and `gn.Model(inputs=..., outputs=...)` says how to write a Sequential.

>>> import numpy as np, glassnet as gn
>>> gn.utils.set_random_seed(0)
>>> model = gn.Sequential([gn.layers.Dense(4, activation="tanh", input_shape=(2,)),
...                        gn.layers.Dense(1, activation="sigmoid")])
>>> model.compile(optimizer=gn.optimizers.Adam(0.05), loss="binary_crossentropy")
>>> x, y = gn.datasets.logic_gate("xor")
>>> history = model.fit(x, y, epochs=300, batch_size=4, verbose=0)
>>> (model.predict(x, verbose=0)[:, 0] > 0.5).astype(int).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from glassnet import _model_inputs, _model_state, losses, optimizers, saving
from glassnet import callbacks as callbacks_module
from glassnet import layers as layers_module
from glassnet._internal.checks import describe
from glassnet._internal.tensor import Tensor, as_tensor
from glassnet._layer_api import FUNCTIONAL_API, KerasTensor, sample_shape
from glassnet._model_layers import ModelLayers
from glassnet._model_summary import summary_html, summary_table
from glassnet._model_training import INFERENCE_BATCH, Trainer  # noqa: F401 (gn.model.X)
from glassnet._nan_guard import EXPLODE_FACTOR, SNAPSHOT_EVERY  # noqa: F401 (gn.model.X)
from glassnet.layers import DTYPE, InputLayer, Layer
from glassnet.utils import new_rng

__all__ = ["Model", "Sequential"]

Pair = tuple[np.ndarray, np.ndarray]


class Model(ModelLayers, Trainer, Layer):
    """The base of `Sequential`, as `keras.Model` is; glassnet builds Sequential models only.

    `isinstance(model, gn.Model)` holds for every Sequential. Calling `gn.Model(...)` itself
    (Keras's functional API, `gn.Model(inputs=..., outputs=...)`) or subclassing it with a
    `call` method raises NotImplementedError saying how to write the model as a Sequential.

    >>> import glassnet as gn
    >>> gn.Model(inputs=gn.Input(shape=(4,)), outputs=None)
    Traceback (most recent call last):
    NotImplementedError: glassnet supports Sequential models only (no functional or ...
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not isinstance(self, Sequential):
            raise NotImplementedError(FUNCTIONAL_API)
        super().__init__(*args, **kwargs)


@layers_module.register
class Sequential(Model):
    """A linear stack of layers; also usable as one layer inside another Sequential.

    `build` packs the weights of the model's layers into one contiguous float32 vector
    (`weight_vector`), and their gradients into another (`gradient_vector`): each layer's
    `params["kernel"]` is a view into it, the same array for the model's whole life, and
    the optimizer updates every weight in a few NumPy calls. A model nested after it was
    built keeps its own vectors, so the outer model may hold several (`weight_pairs`).

    Args:
        layers: the layers (or models) in order; the first may be `gn.Input(shape=...)`
            (or an `InputLayer`), which declares the input shape and is not in `layers`.
        trainable: False freezes every layer (see `trainable`).
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

    def __init__(
        self,
        layers: Sequence[Layer] | None = None,
        trainable: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.layers: list[Layer] = []
        self.input_layer: InputLayer | None = None  # gn.Input's layer, when one came first
        for layer in layers or []:
            self.add(layer)
        if trainable is not True:  # True would unfreeze layers frozen before
            self.trainable = trainable
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metrics: list[str] = []
        self.stop_training = False
        self.history: callbacks_module.History | None = None
        self._shuffle_rng: np.random.Generator | None = None
        self._weight_pairs: list[Pair] = []
        self._packed_by_layer: dict[Layer, Pair] = {}  # this model's layers -> their vectors

    # -- building -------------------------------------------------------------------
    def add(self, layer: Layer | KerasTensor) -> None:
        """Append a layer (or a model). After a build, its weights get vectors of their own.

        `gn.Input(shape=...)` (or an `InputLayer`) may come first: it declares the input
        shape, so the model has its weights as soon as they are asked for.

        Raises:
            TypeError: `layer` is not a glassnet layer.
            ValueError: `layer` (or a layer inside it) is already in this model, or an
                Input comes after the first layer or a second time.

        >>> import glassnet as gn
        >>> d = gn.layers.Dense(2, name="hidden"); m = gn.Sequential([d])
        >>> m.add(d)
        Traceback (most recent call last):
        ValueError: Layer 'hidden' is already in model 'sequential...': a layer object may ...
        """
        if isinstance(layer, KerasTensor):
            layer = layer.input_layer
        if isinstance(layer, InputLayer):
            self._add_input(layer)
            return
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
        declared = self.input_layer and self.input_layer.input_sample_shape
        first = layer.input_sample_shape if not self.layers else None
        if declared and first is not None and tuple(first) != declared and not layer.built:
            raise ValueError(
                f"Layer '{layer.name}' declares input_shape={first}, but the model starts "
                f"with an Input of shape {declared}: give one of them only."
            )
        self.layers.append(layer)
        if len(self.layers) == 1 and not declared:  # the first layer declares the model's
            self.input_sample_shape = layer.input_sample_shape
        self.built = False

    def _add_input(self, layer: InputLayer) -> None:
        if self.input_layer is not None:
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input "
                f"shape {self.input_shape}. You cannot add a different Input layer to it."
            )
        if self.layers:
            raise ValueError(
                f"An Input must be the first entry of a Sequential, but model '{self.name}' "
                f"already has {len(self.layers)} layer(s): start with gn.Input(shape=...)."
            )
        self.input_layer = layer
        self.input_sample_shape = layer.input_sample_shape

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove the last layer and return it, as Keras; the model stays built.

        `rebuild` is accepted for Keras's signature; glassnet always keeps the model built.

        Raises:
            IndexError: when the model has no layers.

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.Input(shape=(3,)), gn.layers.Dense(2), gn.layers.Dense(4)])
        >>> m.pop().name.startswith("dense"), len(m.layers), m.output_shape
        (True, 1, (None, 2))
        """
        if not self.layers:
            raise IndexError(f"pop() from model '{self.name}', which has no layers.")
        layer = self.layers.pop()
        for member in _members(layer):
            self._packed_by_layer.pop(member, None)
        if not self.layers:
            self.built = False
            self.output_sample_shape, self.params, self._weight_pairs = None, {}, []
            if self.input_layer is None:
                self.input_sample_shape = None
        elif self.built:
            # The popped layer's weights leave the packed vectors (their tail, or all).
            self._weight_pairs = _model_state.spans(self._weight_pairs, self.leaves())
            self.output_sample_shape = self.layers[-1].output_sample_shape
            self._set_params()
        return layer

    def leaves(self) -> list[Layer]:
        return [leaf for layer in self.layers for leaf in layer.leaves()]

    def _declared_shape(self) -> tuple[int, ...] | None:
        if self.input_layer is not None:
            return self.input_layer.input_sample_shape
        return self.layers[0].input_sample_shape if self.layers else None

    def build(self, input_shape: Any = None, rng: int | np.random.Generator | None = None) -> None:
        """Create every layer's weights for samples of `input_shape`: one sample's shape,
        or Keras's `(None, *shape)`; by default the declared one."""
        if not self.layers:
            raise ValueError("This Sequential has no layers: pass a list of layers or use add().")
        declared = self._declared_shape()
        input_shape = sample_shape(input_shape)
        shape: tuple[int, ...] | None = tuple(input_shape) if input_shape is not None else declared
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
            elif tuple(cast("tuple[int, ...]", layer.input_sample_shape)) != tuple(shape):
                raise ValueError(
                    f"Layer '{layer.name}' was built for inputs {layer.input_sample_shape}, "
                    f"but receives {tuple(shape)}."
                )
            shape = cast("tuple[int, ...]", layer.output_sample_shape)  # built just above
        self.input_sample_shape = tuple(cast("tuple[int, ...]", self.layers[0].input_sample_shape))
        self.output_sample_shape = tuple(shape)
        pairs = _model_state.pack(self.layers, self._packed_by_layer)
        # Only the spans of this model's layers (not those of a layer popped since).
        self._weight_pairs = _model_state.spans(pairs, self.leaves())
        self._set_params()
        self.built = True

    def _set_params(self) -> None:
        self.params = {
            f"{i}/{k}": v for i, leaf in enumerate(self.leaves()) for k, v in leaf.params.items()
        }

    @property
    def weight_pairs(self) -> list[Pair]:
        """The (weights, gradients) vector pairs that the optimizer updates, in layer order:
        those of the trainable layers (see `trainable`).

        One pair for a model of layers; a model that was nested after its own build
        brings its pair along. Every layer's `params` and `grads` are views into them.
        A frozen layer's weights are left out: a pair then covers a span of a vector.

        >>> import glassnet as gn
        >>> inner = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]); inner.build()
        >>> outer = gn.Sequential([inner, gn.layers.Dense(1)]); outer.build()
        >>> [w.size for w, _ in outer.weight_pairs], outer.weight_pairs[0][0] is inner.weight_vector
        ([8, 3], True)
        """
        pairs = self.packed_pairs
        trainable = self._trainable_leaves()
        if len(trainable) == len(self.leaves()):  # all trainable: the whole vectors
            return pairs
        return _model_state.spans(pairs, trainable)

    @property
    def packed_pairs(self) -> list[Pair]:
        """The (weights, gradients) vectors that hold every weight, trainable or not."""
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
        pairs = self.packed_pairs
        if len(pairs) != 1:
            raise ValueError(
                f"Model '{self.name}' keeps its weights in {len(pairs)} packed vectors"
                + (" (it is not built or has no weights)." if not pairs else ": use weight_pairs.")
            )
        return pairs[0]

    def _build_if_shape_known(self) -> None:
        # As Keras: a model with a declared input shape has its weights.
        if not self.built and self.layers and self._declared_shape() is not None:
            self.build()

    def _ensure_built(self, x: np.ndarray) -> None:
        if not self.built:
            self.build(x.shape[1:] if self._declared_shape() is None else None)
        if tuple(x.shape[1:]) != self.input_sample_shape:
            raise ValueError(
                f"x has samples shaped {tuple(x.shape[1:])} (x.shape = {x.shape}), but the "
                f"model expects {self.input_sample_shape}."
            )

    # -- forward and backward ----------------------------------------------------------
    # Underflow to 0 (a ReLU unit's tiny product, exp of a logit far below the largest) is
    # the right answer in every pass below, so it is scoped here and never reported; overflow
    # and invalid operations still are, except in fit, where the NaN guard reports them.
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        with np.errstate(under="ignore"):
            for layer in self.leaves():
                x = layer.forward(x, training=training)
        return x

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dLoss/d(output) through the layers in reverse order.

        Returns dLoss/d(input); with need_input_grad=False, None, and the layers before
        the first trainable one with weights are skipped (as in fit): their gradients are
        not computed.

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]); m.build()
        >>> _ = m.forward(np.ones((4, 3), np.float32), training=True)
        >>> m.backward(np.ones((4, 2), np.float32)).shape
        (4, 3)
        """
        with np.errstate(under="ignore"):
            for layer, need in self._backward_steps(need_input_grad):
                # None only from the last layer, and only when need_input_grad is False.
                grad = cast(np.ndarray, layer.backward(grad, need_input_grad=need))
        return grad if need_input_grad else None

    def _backward_steps(self, need_input_grad: bool) -> list[tuple[Layer, bool]]:
        """(layer, need_input_grad) in the order backward visits the leaves."""
        leaves = self.leaves()
        if need_input_grad:
            return [(leaf, True) for leaf in reversed(leaves)]
        trainable = {id(leaf) for leaf in self._trainable_leaves() if leaf.params}
        first = next((i for i, leaf in enumerate(leaves) if id(leaf) in trainable), len(leaves))
        return [(leaves[i], i > first) for i in range(len(leaves) - 1, first - 1, -1)]

    def __call__(self, x: npt.ArrayLike, training: bool = False) -> Tensor:
        """The outputs for `x` in one pass, as Keras's `model(x)`: a float32 `Tensor`, an
        ndarray that also has Keras's `.numpy()` (`predict` returns a plain ndarray)."""
        if isinstance(x, KerasTensor):
            raise TypeError(f"Model '{self.name}' was called on {x!r}. {FUNCTIONAL_API}")
        x = _model_inputs.as_input(self, x, "x")
        self._ensure_built(x)
        outputs = self.forward(x.astype(DTYPE, copy=False), training=training)
        # A copy: in training the layers reuse their output buffers at the next step.
        return as_tensor(np.array(outputs) if training else outputs)

    # -- weights ----------------------------------------------------------------
    @property
    def output_shape(self) -> tuple[int | None, ...]:
        """The output's shape with the batch axis, e.g. `(None, 10)` (built if need be).

        Raises:
            AttributeError: while the input shape is not known.
        """
        self._build_if_shape_known()
        result: tuple[int | None, ...] = Layer.output_shape.fget(self)  # type: ignore[attr-defined]  # mypy: property
        return result

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

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, built={self.built}>"

    def _repr_html_(self) -> str:
        return summary_html(self)

    def save(self, path: str) -> None:
        """Save architecture, compile settings, weights and optimizer state (see `saving`)."""
        saving.save_model(self, path)

    def export(
        self, filepath: str, format: str | None = None, verbose: bool | None = None, **kwargs: Any
    ) -> None:
        """Export the model for inference, as Keras's `export`; glassnet writes ONNX
        (`format="onnx"`, implied by a ".onnx" name; kwargs: `opset_version`). See
        `glassnet._export_onnx` for the operators each layer becomes. Needs `pip install onnx`.
        """
        from glassnet import _export_onnx

        _export_onnx.export(self, filepath, format, verbose, **kwargs)

    def get_config(self) -> dict[str, Any]:
        """The name and each layer's class and config; an Input comes first, as Keras's
        InputLayer entry, and `"trainable": False` is written only for a frozen model."""
        entries = [self.input_layer] if self.input_layer is not None else []
        config: dict[str, Any] = {
            "name": self.name,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in entries + self.layers
            ],
        }
        if not self.trainable:
            config["trainable"] = False
        return config

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
        return cls(layers, trainable=config.get("trainable", True), name=config.get("name"))

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        """Save the weights alone: Keras's HDF5 for a ".weights.h5" name, else glassnet's
        own file (see `saving.save_weights`).

        >>> import tempfile, glassnet as gn
        >>> path = tempfile.mkdtemp() + "/w.weights.npz"
        >>> gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]).save_weights(path)
        """
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str) -> None:
        """Load weights saved by `save_weights` (or of a saved model) into this model.

        >>> import tempfile, glassnet as gn
        >>> path = tempfile.mkdtemp() + "/w.weights.npz"
        >>> a, b = (gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]) for _ in "ab")
        >>> a.save_weights(path); b.load_weights(path)
        >>> bool((a.get_weights()[0] == b.get_weights()[0]).all())
        True
        """
        saving.load_weights(self, filepath)


def _members(layer: Layer) -> list[Layer]:
    """`layer` and every layer inside it (the models nested in it too)."""
    found = [layer]
    for inner in layer.layers if isinstance(layer, Sequential) else []:
        found.extend(_members(inner))
    return found


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
