"""Activation functions: value, derivative and backward pass, looked up by name.

The lecture's table, plus the step functions of the perceptron and softmax:

| name    | f(z)                         | f'(z)                 |
|---------|------------------------------|-----------------------|
| linear  | z                            | 1                     |
| sigmoid | 1 / (1 + exp(-z))            | f(z) (1 - f(z))       |
| tanh    | (e^z - e^-z) / (e^z + e^-z)  | 1 - f(z)^2            |
| relu    | max(0, z)                    | 1 where z > 0, else 0 |
| step    | 1 where z >= 0, else 0       | 0                     |
| sign    | 1 where z > 0, else -1       | 0                     |
| softmax | exp(z_i) / sum_j exp(z_j)    | s_i (delta_ij - s_j)  |

Beyond the lecture, Keras's other activations live in `_activations_more.py`, with their
own table: elu, selu, gelu, softplus, silu (alias swish), leaky_relu, hard_sigmoid and
exponential (`names()` lists all; `LECTURE_NAMES` the table above).

Each function works on arrays of any shape (softmax on the last axis), keeps the
float dtype it is given, and is numerically stable: `sigmoid(±1000)` is exactly
0 or 1 with no warning. `sigmoid()` and `softmax()` are also plain functions here,
the one stable form that the rest of glassnet uses (written in `_internal/stable.py`,
where the metrics can reach it too). As in Keras, every activation is
also a plain function (`gn.activations.elu(x, alpha=1.0)`), which a layer accepts in
place of its name: `Dense(64, activation=gn.activations.elu)`.

>>> import glassnet as gn
>>> gn.activations.get("relu")([-1.0, 2.0])
array([0., 2.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._activation_base import ActivationFunction, as_float
from glassnet._activations_more import (
    ELU,
    GELU,
    SELU,
    Exponential,
    HardSigmoid,
    LeakyReLU,
    SiLU,
    Softplus,
)
from glassnet._internal.checks import check_one_of, describe, lookup
from glassnet._internal.stable import sigmoid, softmax

__all__ = [
    "ELU",
    "GELU",
    "LECTURE_NAMES",
    "SELU",
    "ActivationFunction",
    "Exponential",
    "HardSigmoid",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Sign",
    "Softmax",
    "Softplus",
    "Step",
    "Tanh",
    "elu",
    "exponential",
    "gelu",
    "get",
    "hard_sigmoid",
    "leaky_relu",
    "linear",
    "names",
    "relu",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "swish",
    "tanh",
]


class Linear(ActivationFunction):
    """The identity, f(z) = z.

    >>> Linear()([-2.0, 3.0])
    array([-2.,  3.])
    """

    name, formula = "linear", "f(z) = z"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        if out is None:
            result: np.ndarray = z.copy()
            return result
        np.copyto(out, z)
        return out

    def derivative(self, z: Any) -> np.ndarray:
        return np.ones_like(as_float(z))

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        return grad


class Sigmoid(ActivationFunction):
    """The logistic function, f(z) = 1 / (1 + exp(-z)), computed without overflow.

    >>> Sigmoid()([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    """

    name, formula = "sigmoid", "f(z) = 1 / (1 + exp(-z))"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        return sigmoid(z, out=out)

    def derivative(self, z: Any) -> np.ndarray:
        s = sigmoid(z)
        with np.errstate(under="ignore"):
            return s * (1.0 - s)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore"):  # products of tiny outputs round to 0: correct
            grad *= y * (1.0 - y)
        return grad


class Tanh(ActivationFunction):
    """The hyperbolic tangent, f(z) = (e^z - e^-z) / (e^z + e^-z).

    >>> Tanh()([0.0])
    array([0.])
    """

    name, formula = "tanh", "f(z) = (e^z - e^-z) / (e^z + e^-z)"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        result: np.ndarray = np.tanh(as_float(z), out=out)
        return result

    def derivative(self, z: Any) -> np.ndarray:
        t = np.tanh(as_float(z))
        with np.errstate(under="ignore"):  # the square of a tiny t rounds to 0: correct
            result: np.ndarray = 1.0 - t * t
            return result

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore"):  # the square of a tiny y rounds to 0: correct
            grad *= 1.0 - y * y
        return grad


class ReLU(ActivationFunction):
    """The rectifier, f(z) = max(0, z); its derivative is taken as 0 at z = 0.

    >>> ReLU().derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """

    name, formula = "relu", "f(z) = max(0, z)"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        result: np.ndarray = np.maximum(as_float(z), 0, out=out)
        return result

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        result: np.ndarray = (z > 0).astype(z.dtype)
        return result

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        # y > 0 exactly where z > 0; multiplying by the boolean mask is the fastest form.
        np.multiply(grad, y > 0, out=grad)
        return grad


class Step(ActivationFunction):
    """The lecture's first step function: 1 where z >= 0, else 0. Its derivative is 0.

    >>> Step()([-0.5, 0.0, 2.0])
    array([0., 1., 1.])
    """

    name, formula = "step", "f(z) = 1 if z >= 0 else 0"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        result: np.ndarray = (z >= 0).astype(z.dtype)
        if out is None:
            return result
        np.copyto(out, result)
        return out

    def derivative(self, z: Any) -> np.ndarray:
        return np.zeros_like(as_float(z))

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        grad[...] = 0  # flat almost everywhere: no gradient flows through a step
        return grad


class Sign(ActivationFunction):
    """The lecture's perceptron activation: 1 where z > 0, else -1. Its derivative is 0.

    >>> Sign()([-0.5, 0.0, 2.0])
    array([-1., -1.,  1.])
    """

    name, formula = "sign", "f(z) = 1 if z > 0 else -1"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        result = np.where(z > 0, 1.0, -1.0).astype(z.dtype)
        if out is None:
            return result
        np.copyto(out, result)
        return out

    def derivative(self, z: Any) -> np.ndarray:
        return np.zeros_like(as_float(z))

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        grad[...] = 0  # flat almost everywhere: no gradient flows through a step
        return grad


class Softmax(ActivationFunction):
    """Softmax over the last axis: exp(z_i - max z) / sum_j exp(z_j - max z).

    >>> Softmax()([[0.0, 0.0]])
    array([[0.5, 0.5]])
    """

    name, formula = "softmax", "f(z)_i = exp(z_i) / sum_j exp(z_j)"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        return softmax(z, out=out)

    def derivative(self, z: Any) -> np.ndarray:
        """The Jacobian of each row: J[..., i, j] = s_i (delta_ij - s_j)."""
        s = softmax(z)
        with np.errstate(under="ignore"):
            result: np.ndarray = s[..., :, None] * (
                np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :]
            )
            return result

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        # Vector-Jacobian product: s * (g - sum_j g_j s_j), without forming the Jacobian.
        with np.errstate(under="ignore"):  # products of tiny outputs round to 0: correct
            dot = np.sum(grad * y, axis=-1, keepdims=True)
            grad -= dot
            grad *= y
        return grad


_LECTURE = (Linear, Sigmoid, Tanh, ReLU, Step, Sign, Softmax)
_MORE = (ELU, SELU, GELU, Softplus, SiLU, LeakyReLU, HardSigmoid, Exponential)
_REGISTRY: dict[str, type[ActivationFunction]] = {cls.name: cls for cls in (*_LECTURE, *_MORE)}
_ALIASES = {"swish": "silu"}  # Keras 3: keras.activations.swish is silu
LECTURE_NAMES = tuple(cls.name for cls in _LECTURE)


# -- the plain functions, as keras.activations -------------------------------------------


def linear(x: Any) -> np.ndarray:
    """x, unchanged (as a float array). `Dense(activation=linear)` is the default.

    >>> linear([1, -2])
    array([ 1., -2.])
    """
    return Linear()(x)


def relu(x: Any) -> np.ndarray:
    """max(x, 0).

    >>> relu([-1.0, 2.0])
    array([0., 2.])
    """
    return ReLU()(x)


def tanh(x: Any) -> np.ndarray:
    """The hyperbolic tangent.

    >>> tanh([0.0])
    array([0.])
    """
    return Tanh()(x)


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    """x if x > 0 else alpha (e^x - 1) (Keras's default alpha=1.0).

    >>> elu([-1.0, 2.0]).round(4)
    array([-0.6321,  2.    ])
    """
    return ELU(alpha)(x)


def selu(x: Any) -> np.ndarray:
    """scale * elu(x, alpha) with Keras's constants (1.0507..., 1.6733...).

    >>> selu([-1.0, 1.0]).round(4)
    array([-1.1113,  1.0507])
    """
    return SELU()(x)


def gelu(x: Any, approximate: bool = False) -> np.ndarray:
    """x Phi(x), Phi the normal CDF: exact by default, the tanh form with `approximate`.

    >>> gelu([1.0]).round(6)
    array([0.841345])
    """
    return GELU(approximate)(x)


def softplus(x: Any) -> np.ndarray:
    """log(1 + e^x), without overflow.

    >>> softplus([0.0]).round(4)
    array([0.6931])
    """
    return Softplus()(x)


def silu(x: Any) -> np.ndarray:
    """x sigmoid(x), also named swish.

    >>> silu([1.0]).round(4), swish is silu
    (array([0.7311]), True)
    """
    return SiLU()(x)


swish = silu


def leaky_relu(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    """x if x > 0 else negative_slope x (Keras 3's default 0.2).

    >>> leaky_relu([-1.0, 1.0])
    array([-0.2,  1. ])
    """
    return LeakyReLU(negative_slope)(x)


def hard_sigmoid(x: Any) -> np.ndarray:
    """clip(x / 6 + 1/2, 0, 1) = relu6(x + 3) / 6, as Keras 3.

    >>> hard_sigmoid([-3.0, 0.0, 1.5, 3.0])
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    return HardSigmoid()(x)


def exponential(x: Any) -> np.ndarray:
    """e^x (+inf beyond float's range, as Keras).

    >>> exponential([0.0, 1.0]).round(4)
    array([1.    , 2.7183])
    """
    return Exponential()(x)


# A plain function given as `activation=` stands for its class with the default arguments.
_FUNCTIONS: dict[Callable[..., Any], type[ActivationFunction]] = {
    linear: Linear,
    relu: ReLU,
    tanh: Tanh,
    sigmoid: Sigmoid,
    softmax: Softmax,
    elu: ELU,
    selu: SELU,
    gelu: GELU,
    softplus: Softplus,
    silu: SiLU,
    leaky_relu: LeakyReLU,
    hard_sigmoid: HardSigmoid,
    exponential: Exponential,
}


def names() -> list[str]:
    """The names `get` accepts (besides the alias "swish" of "silu"): the lecture's table,
    then Keras's other activations.

    >>> names()[:7]
    ['linear', 'sigmoid', 'tanh', 'relu', 'step', 'sign', 'softmax']
    >>> names()[7:]
    ['elu', 'selu', 'gelu', 'softplus', 'silu', 'leaky_relu', 'hard_sigmoid', 'exponential']
    """
    return list(_REGISTRY)


def serialize(activation: ActivationFunction) -> str | dict[str, Any]:
    """The activation's name, or `{"class_name": name, "config": ...}` when its arguments
    differ from the defaults (an `ELU(alpha=0.5)`), as a saved layer holds it.

    >>> serialize(ELU()), serialize(ELU(alpha=0.5))
    ('elu', {'class_name': 'elu', 'config': {'alpha': 0.5}})
    """
    config = activation.get_config()
    if not config:
        return activation.name
    try:
        if config == type(activation)().get_config():
            return activation.name
    except TypeError:  # a class whose arguments have no defaults
        pass
    return {"class_name": activation.name, "config": config}


def get(identifier: Any) -> ActivationFunction:
    """Return the activation for a name, an instance, a plain function, a config from
    `serialize`, or None (linear).

    Args:
        identifier: one of `names()` or "swish" (case-insensitive), an
            `ActivationFunction`, one of this module's functions (`gn.activations.elu`),
            `{"class_name": name, "config": {...}}`, or None.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else, such as a function of your own (it has no
            derivative: subclass `ActivationFunction`).

    >>> get("tanh").name, get(elu).name, get("swish").name
    ('tanh', 'elu', 'silu')
    """
    if identifier is None:
        return Linear()
    if isinstance(identifier, str):
        identifier = _ALIASES.get(identifier.lower(), identifier)
    elif isinstance(identifier, dict):
        name = check_one_of("activation", identifier.get("class_name"), names())
        config = identifier.get("config") or {}
        if not isinstance(config, dict):
            raise TypeError(f"activation config must be a dict, got {describe(config)}.")
        return _REGISTRY[name](**config)
    elif callable(identifier) and not isinstance(identifier, (ActivationFunction, type)):
        cls = _FUNCTIONS.get(identifier)
        if cls is None:
            raise TypeError(
                f"activation must be a name or an ActivationFunction, got "
                f"{describe(identifier)}: a function of your own has no derivative for "
                "backpropagation; subclass gn.activations.ActivationFunction instead."
            )
        return cls()
    result: ActivationFunction = lookup("activation", identifier, _REGISTRY, ActivationFunction)
    return result


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
