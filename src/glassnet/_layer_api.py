"""What every layer shows of itself the Keras way: weights, `trainable`, shapes with `None`.

`LayerAPI` is a base of `layers.Layer` (and so of `Sequential`). It reads what the layer
keeps: `params` (the weight arrays, by name), `input_sample_shape` and
`output_sample_shape` (one sample's shape, without the batch axis, as glassnet uses them
inside), and adds, as Keras:

- `weights`, `trainable_weights`, `non_trainable_weights`: lists of the live weight arrays
  (writing into one changes the layer), kernel before bias;
- `get_weights()` (copies) and `set_weights(list)` (in place, checked first);
- `trainable`: False freezes the layer: `fit` leaves its weights exactly as they are;
- `input_shape` / `output_shape`: with the batch axis, `(None, 784)`.

`KerasTensor` is what `gn.Input(shape=...)` returns: a placeholder that tells a Sequential
its input shape.

>>> import glassnet as gn
>>> layer = gn.layers.Dense(3, input_shape=(4,)); layer.build((4,))
>>> [w.shape for w in layer.weights], layer.input_shape, layer.output_shape
([(4, 3), (3,)], (None, 4), (None, 3))
>>> layer.trainable = False
>>> len(layer.trainable_weights), len(layer.non_trainable_weights)
(0, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_int, describe

__all__ = [
    "FUNCTIONAL_API",
    "DenseAPI",
    "KerasTensor",
    "LayerAPI",
    "check_bool",
    "check_shape",
    "input_layer_shape",
    "sample_shape",
]

FLOAT32_MAX = float(np.finfo(np.float32).max)

# The one wording of "glassnet has no functional API", for gn.Model and layer(gn.Input(...)).
FUNCTIONAL_API = (
    "glassnet supports Sequential models only (no functional or subclassed Model). "
    "Write the model as a stack instead: "
    "gn.Sequential([gn.Input(shape=(784,)), gn.layers.Dense(128, activation='relu'), "
    "gn.layers.Dense(10)]), or add the layers one by one with model.add(...)."
)


def check_bool(name: str, value: Any) -> bool:
    """`value` as a bool, or a TypeError naming `name` (a string "False" is not False).

    >>> check_bool("trainable", False)
    False
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


def check_shape(name: str, shape: Any) -> tuple[int, ...]:
    """`shape` as a tuple of positive ints (an int n means (n,)), or an error naming `name`.

    >>> check_shape("input_shape", 784)
    (784,)
    """
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of positive integers, got {shape!r}.") from None
    for size in shape:
        check_int(f"{name} entries", size, minimum=1)
    return tuple(int(s) for s in shape)


def sample_shape(shape: Any) -> Any:
    """`shape` without the batch axis, when it starts with None as Keras writes it:
    `(None, 16)` -> `(16,)`; any other shape is returned as it came.

    >>> sample_shape((None, 16)), sample_shape((28, 28))
    ((16,), (28, 28))
    """
    if isinstance(shape, (tuple, list)) and len(shape) >= 1 and shape[0] is None:
        return tuple(shape[1:])
    return shape


def input_layer_shape(
    shape: Any, batch_size: Any, dtype: Any, batch_shape: Any, extra: dict[str, Any]
) -> Any:
    """The one-sample shape that `InputLayer`'s arguments declare; `extra` holds its other
    keyword arguments, of which "sparse" and "input_shape" (as saved) are taken out."""
    if extra.pop("sparse", None):
        raise ValueError("InputLayer(sparse=True) is not supported: glassnet has no sparse arrays.")
    if "input_shape" in extra:  # as get_config saves it
        shape = extra.pop("input_shape")
    if shape is not None and batch_shape is not None:
        raise ValueError("InputLayer takes shape or batch_shape, not both.")
    if batch_shape is not None:
        if not isinstance(batch_shape, (tuple, list)) or not batch_shape:
            raise TypeError(f"batch_shape must be a tuple, got {describe(batch_shape)}.")
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    if shape is None:
        raise ValueError("InputLayer needs shape=..., e.g. InputLayer(shape=(784,)).")
    if batch_size is not None:
        raise ValueError(
            f"batch_size={batch_size!r}: glassnet models take batches of any size; leave "
            "batch_size=None and give fit(batch_size=...) instead."
        )
    if dtype not in (None, "float32"):
        raise ValueError(f"dtype must be 'float32' (or None), got {describe(dtype)}.")
    return shape


def _with_batch_axis(
    shape: tuple[int, ...] | None, what: str, owner: Any
) -> tuple[int | None, ...]:
    if shape is None:
        raise AttributeError(
            f"{type(owner).__name__} '{owner.name}' has no defined {what} yet: give the first "
            "layer input_shape=..., start the model with gn.Input(shape=...), or call it on data."
        )
    return (None, *shape)


class KerasTensor:
    """A symbolic input, as `keras.Input(shape=...)` returns: it holds a shape, no values.

    Its one use in glassnet is as the first entry of a Sequential, to declare the input
    shape (`gn.Sequential([gn.Input(shape=(4,)), ...])` or `model.add(gn.Input(...))`).

    Attributes:
        shape: with the batch axis, e.g. `(None, 4)`.
        dtype: "float32".
        name: the name of its `InputLayer`.
        input_layer: the `InputLayer` that made it.

    >>> import glassnet as gn
    >>> gn.Input(shape=(4,), name="pixels")
    <KerasTensor shape=(None, 4), dtype=float32, name=pixels>
    """

    def __init__(self, input_layer: Any) -> None:
        self.input_layer = input_layer
        self.shape = (None, *input_layer.input_sample_shape)
        self.dtype = "float32"
        self.name = input_layer.name

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(
            f"A KerasTensor ({self.name}) is a symbolic input with no values. " + FUNCTIONAL_API
        )


class LayerAPI:
    """The Keras-facing half of `Layer` (see the module docstring)."""

    name: str
    params: dict[str, np.ndarray]
    input_sample_shape: tuple[int, ...] | None
    output_sample_shape: tuple[int, ...] | None
    _trainable: bool = True

    # -- trainable -------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        """Whether `fit` updates this layer's weights (default True, as Keras).

        Set it to False to freeze the layer: training leaves its weights bit for bit as
        they are (no optimizer state touches them) and skips the gradients nobody needs.

        Raises:
            TypeError: when set to something other than True or False.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = check_bool("trainable", value)

    # -- weights -----------------------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        """The layer's weight arrays (live: the layer reads them), kernel then bias;
        empty before the layer is built, as Keras."""
        return list(self.params.values())

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """`weights` if the layer is trainable, else []."""
        return self.weights if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        """`weights` if the layer is frozen (`trainable = False`), else []."""
        return [] if self.trainable else self.weights

    def get_weights(self) -> list[np.ndarray]:
        """Copies of `weights`, as NumPy arrays (Keras's `layer.get_weights()`)."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Copy `weights` into the layer's arrays in place; each shape must match
        `get_weights()`. Nothing changes unless every array is right.

        Raises:
            TypeError: not a list of arrays, or an array that is not numeric.
            ValueError: a wrong count or shape, NaN, infinity, or a value beyond float32.

        >>> import numpy as np, glassnet as gn
        >>> layer = gn.layers.Dense(1, input_shape=(2,)); layer.build((2,))
        >>> layer.set_weights([np.ones((2, 1)), np.zeros(1)]); layer.kernel.tolist()
        [[1.0], [1.0]]
        """
        targets = self.weights
        if not isinstance(weights, (list, tuple)):
            raise TypeError(
                f"set_weights on layer '{self.name}' expects a list of arrays, as "
                f"get_weights() returns, got {describe(weights)}."
            )
        if len(weights) != len(targets):
            raise ValueError(
                f"set_weights on layer '{self.name}' expected a list of {len(targets)} "
                f"arrays, got {len(weights)}."
            )
        arrays = []
        for i, (target, value) in enumerate(zip(targets, weights, strict=True)):
            array = as_float_array(f"weights[{i}]", value, allow_empty=True)
            if array.shape != target.shape:
                raise ValueError(
                    f"weights[{i}] of layer '{self.name}' must have shape {target.shape}, "
                    f"got {array.shape}."
                )
            if array.size and float(np.abs(array).max()) > FLOAT32_MAX:
                raise ValueError(f"weights[{i}] holds a value beyond float32's range.")
            arrays.append(array)
        for target, array in zip(targets, arrays, strict=True):
            target[...] = array

    # -- shapes with the batch axis ---------------------------------------------------
    @property
    def input_shape(self) -> tuple[int | None, ...]:
        """The input's shape with the batch axis, `(None, *one_sample)`, as Keras reports it.

        Raises:
            AttributeError: while the input shape is not known.
        """
        return _with_batch_axis(self.input_sample_shape, "input shape", self)

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        """The output's shape with the batch axis, e.g. `(None, 10)`; known once built.

        Raises:
            AttributeError: before the layer is built.
        """
        return _with_batch_axis(self.output_sample_shape, "output shape", self)


class DenseAPI:
    """`kernel` and `bias`, the attributes Keras's Dense has beside `weights`."""

    name: str
    params: dict[str, np.ndarray]
    use_bias: bool

    @property
    def kernel(self) -> np.ndarray:
        """The (features, units) weight matrix, live (Keras's `layer.kernel`).

        Raises:
            AttributeError: before the layer is built.

        >>> import glassnet as gn
        >>> layer = gn.layers.Dense(2); layer.build((3,)); layer.kernel.shape, layer.bias.shape
        ((3, 2), (2,))
        """
        if "kernel" not in self.params:
            raise AttributeError(
                f"Dense '{self.name}' has no kernel yet: it is created when the layer is "
                "built (give input_shape=..., call it on data, or build the model)."
            )
        return self.params["kernel"]

    @property
    def bias(self) -> np.ndarray | None:
        """The (units,) bias vector, live; None with `use_bias=False` (as Keras).

        Raises:
            AttributeError: before the layer is built.
        """
        if not self.use_bias:
            return None
        if "bias" not in self.params:
            raise AttributeError(f"Dense '{self.name}' has no bias yet: build the layer first.")
        return self.params["bias"]
