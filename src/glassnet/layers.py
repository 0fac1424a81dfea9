"""Layers: Flatten, Dense, Dropout, Activation, Softmax, ReLU, LeakyReLU, Reshape and
Rescaling; Input and InputLayer.

Every layer follows one life cycle (as Keras):

- `__init__` validates and stores the configuration;
- `build(input_shape, rng)` creates `params` and `grads` (same keys, same shapes);
- `forward(x, training)` computes the output and caches what `backward` needs;
- `backward(grad, need_input_grad=True)` takes dLoss/d(output), *assigns* the
  parameter gradients into `grads` (in place, no accumulation) and returns
  dLoss/d(input), or None when `need_input_grad` is False (the training loop passes
  False to the first trainable layer with weights, and skips the layers before it: no
  one needs the gradient of the data, nor of weights that `trainable = False` freezes).

In training, the array that `forward` or `backward` returns belongs to the layer and may be
reused at the next step (Dense writes into one buffer per batch size): copy it to keep it.
Shapes given and used inside exclude the batch axis: `input_shape=(28, 28)` means batches
shaped (batch_size, 28, 28), kept as `input_sample_shape`; `layer.input_shape` and
`output_shape` report them with it, as Keras: `(None, 28, 28)`. `backward` may overwrite
the array it is given.

>>> import numpy as np
>>> dense = Dense(2, activation="relu")
>>> dense(np.array([[1.0, -1.0, 2.0]])).shape
(1, 2)
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, ClassVar, cast

import numpy as np

from glassnet import activations, initializers, regularizers
from glassnet._internal.checks import (
    as_float_array,
    check_int,
    check_number,
    check_one_of,
    check_weight_count,
)
from glassnet._layer_api import (
    FUNCTIONAL_API,
    DenseAPI,
    KerasTensor,
    LayerAPI,
    check_shape,
    input_layer_shape,
    sample_shape,
)
from glassnet.utils import new_rng

__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "KerasTensor",
    "Layer",
    "LeakyReLU",
    "ReLU",
    "Rescaling",
    "Reshape",
    "Softmax",
    "get",
    "register",
]

DTYPE = np.float32
# The most weights one layer may hold: 10**9 float32 values are 4 GB (and 8 GB more for
# their gradients and an optimizer's state). A larger layer is a typo or a damaged file.
MAX_LAYER_WEIGHTS = 1_000_000_000


class Layer(LayerAPI):
    """Base class of every layer (and of `Sequential`, so that models nest).

    Inside glassnet, `input_sample_shape` and `output_sample_shape` are one sample's
    shapes, without the batch axis; `input_shape` and `output_shape` report them as Keras
    does, with it: `(None, 784)`. `weights`, `trainable` and the rest are in `_layer_api`.

    Args:
        input_shape: the shape of one sample, without the batch axis; optional.
        name: a readable name; defaults to the class name in lower case with a number.
        trainable: False freezes the layer's weights in `fit` (default True).
    """

    _counts: ClassVar[dict[str, int]] = {}

    def __init__(
        self,
        input_shape: tuple[int, ...] | None = None,
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        if input_shape is not None:
            input_shape = check_shape("input_shape", input_shape)
        self.input_sample_shape: tuple[int, ...] | None = input_shape
        self.output_sample_shape: tuple[int, ...] | None = None
        self.name = name or self._default_name()
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        self.trainable = trainable

    def _default_name(self) -> str:
        # As Keras: the class name in snake case, InputLayer -> input_layer.
        base = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", type(self).__name__)  # ReLU -> re_lu
        base = re.sub("([a-z])([A-Z])", r"\1_\2", base).lower()
        count = Layer._counts.get(base, 0)
        Layer._counts[base] = count + 1
        return base if count == 0 else f"{base}_{count}"

    # -- life cycle ------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None) -> None:
        """Create the parameters for inputs of `input_shape` (one sample's shape; Keras's
        `(None, *shape)` is accepted too)."""
        self.input_sample_shape = tuple(sample_shape(input_shape))
        self.output_sample_shape = self.compute_output_shape(self.input_sample_shape)
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def __call__(self, x: Any, training: bool = False) -> np.ndarray:
        """Build on first use, then run `forward`."""
        if isinstance(x, KerasTensor):
            raise TypeError(f"Layer '{self.name}' was called on {x!r}. {FUNCTIONAL_API}")
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(DTYPE)
        if not self.built:
            self.build(x.shape[1:])
        with np.errstate(under="ignore"):  # a product rounding to 0 is the right answer
            return self.forward(x, training=training)

    # -- parameters -------------------------------------------------------------
    def leaves(self) -> list[Layer]:
        """The innermost layers (a model lists those of its layers)."""
        return [self]

    def count_params(self) -> int:
        """The number of scalar parameters.

        >>> d = Dense(3); d.build((4,)); d.count_params()
        15
        """
        return sum(int(p.size) for p in self.params.values())

    @property
    def losses(self) -> list[float]:
        """The current regularization penalties of this layer (of every layer, for a model),
        one per regularized weight, as Keras's `layer.losses`; `fit` adds their sum to the loss.

        >>> d = Dense(1, kernel_regularizer="l2", kernel_initializer="ones"); d.build((2,))
        >>> d.losses  # 0.01 * (1 + 1)
        [0.02]
        """
        return [term for leaf in self.leaves() for term in leaf.regularization_terms()]

    def regularization_terms(self) -> list[float]:
        """This layer's own penalties (see `losses`); none unless a subclass has regularizers."""
        return []

    def get_config(self) -> dict[str, Any]:
        """What saving needs to re-create the layer (not its weights)."""
        config: dict[str, Any] = {"name": self.name}
        if self.input_sample_shape is not None:
            config["input_shape"] = list(self.input_sample_shape)
        if not self.trainable:  # only when frozen: files of trainable models stay as they were
            config["trainable"] = False
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A new, unbuilt layer from what `get_config()` returned.

        >>> Dense.from_config(Dense(3, name="out").get_config()).name
        'out'
        """
        config = dict(config)
        trainable = config.pop("trainable", True)
        layer = cls(**config)
        layer.trainable = trainable
        return layer

    def __repr__(self) -> str:
        shape = None if self.output_sample_shape is None else (None, *self.output_sample_shape)
        return f"<{type(self).__name__} {self.name!r} output_shape={shape}>"


class Flatten(Layer):
    """Flattens each sample into a vector: (batch, 28, 28) -> (batch, 784).

    Input shape: (batch_size, *dims). Output shape: (batch_size, prod(dims)).

    >>> Flatten()(np.zeros((2, 28, 28))).shape
    (2, 784)
    """

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape)),)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._input_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad.reshape(self._input_shape) if need_input_grad else None


class Dense(DenseAPI, Layer):
    """A fully connected layer: `output = activation(x @ kernel + bias)`.

    Each of the `units` outputs has its own weight for each input, as in the lecture.

    Args:
        units: the number of outputs (neurons), >= 1. A layer holds at most
            `MAX_LAYER_WEIGHTS` (10**9) weights: `build` refuses more, before allocating.
        activation: a name from `gn.activations.names()`, an activation, one of the functions
            in `gn.activations` (`gn.activations.elu`), or None (linear).
        use_bias: whether to add a bias per unit.
        kernel_initializer: default "glorot_uniform", as Keras.
        bias_initializer: default "zeros".
        kernel_regularizer: a penalty on the kernel added to the training loss, e.g.
            `gn.regularizers.l2(0.001)` or "l2" (factor 0.01); default None.
        bias_regularizer: the same for the bias.
        input_shape: (features,) of one sample, when this is the first layer.
        name: optional.

    Input shape: (batch_size, features). Output shape: (batch_size, units).

    >>> layer = Dense(128, activation="relu")
    >>> layer.build((784,)); layer.count_params()
    100480
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        bias_initializer: str | initializers.Initializer = "zeros",
        kernel_regularizer: str | regularizers.Regularizer | None = None,
        bias_regularizer: str | regularizers.Regularizer | None = None,
        input_shape: tuple[int, ...] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(input_shape=input_shape, name=name)
        self.units = check_int("units", units, minimum=1)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer, "kernel_regularizer")
        self.bias_regularizer = regularizers.get(bias_regularizer, "bias_regularizer")
        self._buffers: dict[tuple[int, str], np.ndarray] = {}  # (rows, "z" or "dx") -> array

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None) -> None:
        input_shape = tuple(sample_shape(input_shape))
        if len(input_shape) != 1:
            raise ValueError(
                f"Dense expected inputs of shape (batch_size, features), got samples shaped "
                f"{input_shape}. Add Flatten() first?"
            )
        rng = new_rng(rng)
        fan_in = input_shape[0]
        detail = f"{fan_in:,} inputs x {self.units:,} units"
        check_weight_count(
            self.name, (fan_in + self.use_bias) * self.units, detail, MAX_LAYER_WEIGHTS
        )
        self.params = {"kernel": self.kernel_initializer((fan_in, self.units), rng, DTYPE)}
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.units,), rng, DTYPE)
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        super().build(input_shape)

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (self.units,)

    def _buffer(self, rows: int, kind: str, columns: int) -> np.ndarray:
        # Training reuses one output buffer per batch size: no allocation per step.
        dtype = self.params["kernel"].dtype
        buffer = self._buffers.get((rows, kind))
        if buffer is None or buffer.dtype != dtype:
            buffer = np.empty((rows, columns), dtype)
            # A new dict rather than an update: testing.float64_copy puts the old one back.
            self._buffers = {**self._buffers, (rows, kind): buffer}
        return buffer

    def weighted_sum(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """z = x @ kernel + bias: each unit's weighted sum of the inputs, before activation.

        Args:
            x: inputs shaped (batch_size, features).
            out: optional array shaped (batch_size, units) to write z into.

        Returns:
            z, shaped (batch_size, units).

        >>> layer = Dense(1, kernel_initializer="ones", input_shape=(2,)); layer.build((2,))
        >>> layer.weighted_sum(np.array([[1.0, 2.0]])).tolist()  # 1 * 1 + 2 * 1 + 0
        [[3.0]]
        """
        z = np.matmul(x, self.params["kernel"], out=out)  # (N, units)
        if self.use_bias:
            z += self.params["bias"]
        return z

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        kernel = self.params["kernel"]
        if x.ndim != 2 or x.shape[1] != kernel.shape[0]:
            raise ValueError(
                f"Dense '{self.name}' expected inputs with last dimension {kernel.shape[0]}, "
                f"got shape {x.shape}." + (" Add Flatten() first?" if x.ndim > 2 else "")
            )
        z = self.weighted_sum(x, out=self._buffer(len(x), "z", self.units) if training else None)
        if self.activation.backward_needs_z:
            y = self.activation(z)  # a new array: backward reads z
        else:
            y = self.activation(z, out=z)  # in place: backward needs only the output
        if training:
            self._x, self._y = x, y
            self._z = z if self.activation.backward_needs_z else None
        return y

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        grad_z = self.activation.backward(grad, self._z, self._y)  # dL/dz, (N, units)
        np.matmul(self._x.T, grad_z, out=self.grads["kernel"])  # (in, units)
        if self.use_bias:
            np.sum(grad_z, axis=0, out=self.grads["bias"])
        if not need_input_grad:
            return None
        out = self._buffer(len(grad_z), "dx", self.params["kernel"].shape[0])
        return np.matmul(grad_z, self.params["kernel"].T, out=out)  # (N, in)

    def _regularized(self) -> list[tuple[str, regularizers.Regularizer]]:
        if not getattr(self, "trainable", True):  # as Keras: only trainable weights count
            return []
        pairs = [("kernel", self.kernel_regularizer), ("bias", self.bias_regularizer)]
        return [(key, reg) for key, reg in pairs if reg is not None and key in self.params]

    @property
    def regularized(self) -> bool:
        """Whether a regularizer adds to the loss (the training loop asks once per epoch)."""
        has_one = self.kernel_regularizer is not None or self.bias_regularizer is not None
        return has_one and getattr(self, "trainable", True)

    def regularization_terms(self) -> list[float]:
        return [reg(self.params[key]) for key, reg in self._regularized()]

    def add_regularization(self) -> float:
        """Add the penalties' gradients into `grads` (after `backward` assigned them) and
        return the penalties' sum: the training step's share of the regularization."""
        return sum(
            reg.add_gradient(self.params[k], self.grads[k])[0] for k, reg in self._regularized()
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer.get_config(),
            "bias_initializer": self.bias_initializer.get_config(),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
        }


class Dropout(Layer):
    """Sets a random fraction `rate` of its inputs to 0 in training, scaling the rest.

    Kept values are multiplied by 1 / (1 - rate), so the expected sum is unchanged;
    in inference the layer does nothing (as Keras).

    Args:
        rate: the fraction to drop, in [0, 1).
        seed: an int for repeatable masks; by default drawn from `gn.utils.set_random_seed`.

    >>> drop = Dropout(0.5, seed=0)
    >>> x = np.ones((1, 4))
    >>> drop(x).tolist() == x.tolist()  # inference: identity
    True
    """

    def __init__(
        self, rate: float, seed: int | None = None, name: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.rate = check_number("rate", rate, 0, 1, high_inclusive=False)
        self.seed = seed
        self.rng: np.random.Generator | None = new_rng(seed) if seed is not None else None

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None) -> None:
        if self.rng is None:
            self.rng = new_rng(rng)
        super().build(input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0:
            self._mask = None
            return x
        rng = cast(np.random.Generator, self.rng)  # made by build
        keep = rng.random(x.shape, dtype=DTYPE) >= self.rate
        self._mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.rate))
        result: np.ndarray = x * self._mask
        return result

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        return grad if self._mask is None else grad * self._mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class Activation(Layer):
    """Applies an activation function by name: `Activation("relu")`.

    >>> Activation("relu")(np.array([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._x = x
        self._y = self.activation(x)
        return self._y

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        return self.activation.backward(grad.copy(), self._x, self._y)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Softmax(Activation):
    """Turns logits into probabilities over the last axis (rows sum to 1).

    The lecture's `Sequential([model, Softmax()])` appends it to a trained model.

    >>> Softmax()(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("activation", None)
        super().__init__("softmax", **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("activation")
        return config


def _negative(value: Any) -> bool:
    """Whether `value` is a number below 0 (anything else is check_number's to judge)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and bool(value < 0)


def _check_slope(value: Any, what: str) -> float:
    """Keras's check: `negative_slope` is a number >= 0 (None is refused)."""
    if value is None or _negative(value):
        raise ValueError(
            f"negative_slope of a {what} layer cannot be None or a negative value. "
            f"Received: negative_slope={value}"
        )
    return check_number("negative_slope", value, 0)


class ReLU(Layer):
    """Rectified linear unit as a layer, with Keras's optional cap, slope and threshold.

    Formula (as Keras)::

        f(x) = max_value                        if x >= max_value
        f(x) = x                                if threshold <= x < max_value
        f(x) = negative_slope * (x - threshold) otherwise

    With the defaults it is `max(x, 0)`. Backward: the slope 1 between threshold and
    max_value, `negative_slope` below the threshold, 0 above max_value.

    Args:
        max_value: the largest output, >= 0; None (default) for no cap.
        negative_slope: the slope below the threshold, >= 0 (default 0).
        threshold: values below it are damped, >= 0 (default 0).

    Raises:
        ValueError: for a negative (or None) argument, as Keras.

    >>> ReLU(max_value=10, negative_slope=0.5)(np.array([[-10.0, -5, 0, 5, 12]])).tolist()
    [[-5.0, -2.5, 0.0, 5.0, 10.0]]
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if _negative(max_value):
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value}"
            )
        if threshold is None or _negative(threshold):
            raise ValueError(
                "threshold of a ReLU layer cannot be None or a negative value. "
                f"Received: threshold={threshold}"
            )
        self.max_value = None if max_value is None else check_number("max_value", max_value, 0)
        self.negative_slope = _check_slope(negative_slope, "ReLU")
        self.threshold = check_number("threshold", threshold, 0)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        f = x.dtype.type
        threshold = f(self.threshold)
        # Keras's order: the part above the threshold, capped, minus the slope's part below.
        y = np.where(x > threshold, x, f(0)) if self.threshold else np.maximum(x, f(0))
        if self.max_value is not None:
            np.clip(y, f(0), f(self.max_value), out=y)
        if self.negative_slope:
            y -= f(self.negative_slope) * np.maximum(threshold - x, f(0))
        self._x = x
        return y

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        x, f = self._x, self._x.dtype.type
        above = x > f(self.threshold)
        if self.max_value is not None:
            above &= x < f(self.max_value)
        slope = above.astype(x.dtype)
        if self.negative_slope:
            slope[x < f(self.threshold)] = f(self.negative_slope)
        result: np.ndarray = grad * slope
        return result

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """Leaky ReLU as a layer: `x` for x >= 0, `negative_slope * x` below (Keras 3).

    Args:
        negative_slope: the slope for x < 0, >= 0; default 0.3 (Keras 3's; the
            `gn.activations.leaky_relu` function's default is 0.2, as Keras's).
        alpha: Keras 2's name of negative_slope, accepted with a warning (as Keras 3).

    >>> LeakyReLU()(np.array([[-10.0, 0.0, 2.0]])).tolist()
    [[-3.0, 0.0, 2.0]]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2
            )
        super().__init__(**kwargs)
        self.negative_slope = _check_slope(negative_slope, "Leaky ReLU")

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._x = x
        result: np.ndarray = np.where(x > 0, x, x * x.dtype.type(self.negative_slope))
        return result

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        f = grad.dtype.type
        result: np.ndarray = np.where(self._x > 0, grad, grad * f(self.negative_slope))
        return result

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}


def _reshaped(input_shape: tuple[int, ...], target: tuple[int, ...]) -> tuple[int, ...]:
    """`target` with its -1 worked out from `input_shape` (Keras's rule and wording)."""
    size = math.prod(input_shape)
    known = math.prod(d for d in target if d != -1)
    if -1 not in target:
        if size != known:
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={input_shape}, target_shape={target}"
            )
        return target
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot "
            "by divided by the specified dimensions in target_shape. Received: "
            f"input_shape={input_shape}, target_shape={target}"
        )
    return tuple(size // known if d == -1 else d for d in target)


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch axis stays), as Keras's `Reshape`.

    Args:
        target_shape: one sample's new shape, a tuple of ints; one entry may be -1, worked
            out from the input's size (as NumPy's reshape).

    Raises:
        ValueError: for an entry below -1, two -1s, or (when built) a size that differs.

    Input shape: (batch_size, *dims). Output shape: (batch_size, *target_shape).

    >>> Reshape((-1, 2))(np.zeros((5, 6))).shape
    (5, 3, 2)
    """

    def __init__(self, target_shape: tuple[int, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            target = tuple(target_shape)
        except TypeError:
            raise TypeError(
                f"target_shape must be a tuple of integers, got {target_shape!r}."
            ) from None
        for dim in target:
            check_int("target_shape entries", dim, minimum=-1)
            if dim == 0:
                raise ValueError(f"target_shape entries must not be 0, got {target}.")
        if target.count(-1) > 1:
            raise ValueError(
                "There must be at most one unknown dimension (-1) in target_shape. "
                f"Received: target_shape={target}."
            )
        self.target_shape = tuple(int(d) for d in target)

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return _reshaped(tuple(input_shape), self.target_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._input_shape = x.shape
        _reshaped(x.shape[1:], self.target_shape)  # Keras's message for a wrong size
        return x.reshape(len(x), *self.target_shape)

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad.reshape(self._input_shape) if need_input_grad else None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


def _as_factor(name: str, value: Any) -> float | np.ndarray:
    """A number, or an array of numbers (broadcast over the last axes), checked finite."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return check_number(name, value)
    array = as_float_array(name, value)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers, got {value!r}.")
    return array


class Rescaling(Layer):
    """Multiplies by `scale` and adds `offset`: `x * scale + offset`, as Keras's layer.

    `Rescaling(1.0 / 255)` turns pixels 0..255 into 0..1; `Rescaling(1.0 / 127.5, offset=-1)`
    into -1..1.

    Args:
        scale: a number, or an array broadcast over the last axes (one per channel).
        offset: the same, default 0.0.

    >>> Rescaling(1.0 / 255)(np.array([[0.0, 51.0, 255.0]])).tolist()
    [[0.0, 0.2, 1.0]]
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = _as_factor("scale", scale)
        self.offset = _as_factor("offset", offset)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        scale = np.asarray(self.scale, x.dtype)
        result: np.ndarray = x * scale + np.asarray(self.offset, x.dtype)
        return result

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if not need_input_grad:
            return None
        result: np.ndarray = grad * np.asarray(self.scale, grad.dtype)
        return result

    def get_config(self) -> dict[str, Any]:
        def plain(value: float | np.ndarray) -> Any:
            return value.tolist() if isinstance(value, np.ndarray) else value

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}


class InputLayer(Layer):
    """Declares the shape of a Sequential's input, as Keras's `InputLayer`; it is not a
    layer of the model: `model.layers` leaves it out and it has no weights.

    `gn.Sequential([gn.layers.InputLayer(shape=(4,)), ...])` is the same model as
    `gn.Sequential([gn.Input(shape=(4,)), ...])`.

    Args:
        shape: one sample's shape, without the batch axis, e.g. `(784,)` or `(28, 28)`.
        batch_size: only None: a glassnet model takes batches of any size.
        dtype: None or "float32" (glassnet computes in float32).
        batch_shape: instead of `shape`: `(None, *shape)`.
        name: optional.

    Raises:
        ValueError: for no shape, two shapes, a fixed batch size or another dtype.
        TypeError: for a shape that is not a tuple of positive integers.

    >>> InputLayer(shape=(28, 28)).input_shape
    (None, 28, 28)
    """

    def __init__(
        self,
        shape: tuple[int, ...] | None = None,
        batch_size: int | None = None,
        dtype: str | None = None,
        batch_shape: tuple[int | None, ...] | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        shape = input_layer_shape(shape, batch_size, dtype, batch_shape, kwargs)
        super().__init__(input_shape=shape, name=name, **kwargs)
        self.build(cast("tuple[int, ...]", self.input_sample_shape))  # set just above

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return x

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return grad if need_input_grad else None


def Input(  # a function with a class's name, as keras.Input
    shape: tuple[int, ...] | None = None,
    batch_size: int | None = None,
    dtype: str | None = None,
    batch_shape: tuple[int | None, ...] | None = None,
    name: str | None = None,
) -> KerasTensor:
    """A symbolic input of one sample's `shape`, as `keras.Input`: the first entry of a
    Sequential, to declare its input shape. Its arguments are `InputLayer`'s.

    Returns:
        A `KerasTensor` with `shape == (None, *shape)`.

    >>> import glassnet as gn
    >>> model = gn.Sequential([gn.Input(shape=(4,)), gn.layers.Dense(2)])
    >>> model.input_shape, model.output_shape, len(model.weights)
    ((None, 4), (None, 2), 2)
    """
    layer = InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name
    )
    return KerasTensor(layer)


_REGISTRY: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Make a layer class loadable by its name (a class decorator): `load_model` calls
    `get(class_name).from_config(config)`. `Sequential` registers itself this way.

    >>> import glassnet as gn  # model.py decorates Sequential with @register
    >>> get("Sequential") is gn.Sequential
    True
    """
    _REGISTRY[cls.__name__] = cls
    return cls


for _cls in (
    Flatten,
    Dense,
    Dropout,
    Activation,
    Softmax,
    ReLU,
    LeakyReLU,
    Reshape,
    Rescaling,
    InputLayer,
):
    register(_cls)


def get(class_name: str) -> type[Layer]:
    """The layer class of a name, as saved in a model file.

    >>> get("Dense").__name__
    'Dense'
    """
    if class_name not in _REGISTRY:
        check_one_of("class_name", class_name, sorted(_REGISTRY), "layer")
    return _REGISTRY[class_name]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
