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

Each function works on arrays of any shape (softmax on the last axis), keeps the
float dtype it is given, and is numerically stable: `sigmoid(±1000)` is exactly
0 or 1 with no warning. `sigmoid()` and `softmax()` are also plain functions here,
the one stable form that the rest of glassnet uses (written in `_internal/stable.py`,
where the metrics can reach it too).

>>> import glassnet as gn
>>> gn.activations.get("relu")([-1.0, 2.0])
array([0., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal.checks import lookup
from glassnet._internal.stable import as_float as _float
from glassnet._internal.stable import sigmoid, softmax

__all__ = [
    "ActivationFunction",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Sign",
    "Softmax",
    "Step",
    "Tanh",
    "get",
    "names",
    "sigmoid",
    "softmax",
]


class ActivationFunction:
    """Base class: `f(z)`, `derivative(z)` and `backward(grad, z, y)`.

    To add an activation, subclass this, set `name` and `formula`, and implement
    `__call__(z, out=None)` and `derivative(z)`. The inherited `backward` multiplies
    the incoming gradient by `derivative(z)`, so a `Dense` layer keeps `z` for it.

    The built-in activations compute `backward` from the output `y` alone (as
    scikit-learn's derivatives do) and say so with `backward_needs_z = False`; `Dense`
    then applies them in place, overwriting z, which saves one array per layer and step.

    >>> class Square(ActivationFunction):
    ...     name, formula = "square", "f(z) = z^2"
    ...     def __call__(self, z, out=None):
    ...         return np.square(z, out=out)
    ...     def derivative(self, z):
    ...         return 2 * z
    >>> Square().backward(np.ones(2), z=np.array([1.0, 3.0]), y=None)
    array([2., 6.])
    """

    name = ""
    formula = ""
    backward_needs_z = True  # the built-ins set False: their backward reads only y

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: Any) -> np.ndarray:
        """df/dz at `z`, elementwise (softmax: the Jacobian of each row)."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        """Gradient with respect to `z`, given dLoss/dy (`grad`), the input `z` and output `y`.

        `z` is None when `backward_needs_z` is False. May overwrite `grad`: the layers that
        call it own that buffer.
        """
        with np.errstate(under="ignore"):  # products of tiny numbers round to 0: correct
            grad *= self.derivative(z)
        return grad

    def __repr__(self) -> str:
        return f"<activation {self.name}: {self.formula}>"


class Linear(ActivationFunction):
    """The identity, f(z) = z.

    >>> Linear()([-2.0, 3.0])
    array([-2.,  3.])
    """

    name, formula = "linear", "f(z) = z"
    backward_needs_z = False

    def __call__(self, z, out=None):
        z = _float(z)
        if out is None:
            return z.copy()
        np.copyto(out, z)
        return out

    def derivative(self, z):
        return np.ones_like(_float(z))

    def backward(self, grad, z, y):
        return grad


class Sigmoid(ActivationFunction):
    """The logistic function, f(z) = 1 / (1 + exp(-z)), computed without overflow.

    >>> Sigmoid()([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    """

    name, formula = "sigmoid", "f(z) = 1 / (1 + exp(-z))"
    backward_needs_z = False

    def __call__(self, z, out=None):
        return sigmoid(z, out=out)

    def derivative(self, z):
        s = sigmoid(z)
        with np.errstate(under="ignore"):
            return s * (1.0 - s)

    def backward(self, grad, z, y):
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

    def __call__(self, z, out=None):
        return np.tanh(_float(z), out=out)

    def derivative(self, z):
        t = np.tanh(_float(z))
        with np.errstate(under="ignore"):  # the square of a tiny t rounds to 0: correct
            return 1.0 - t * t

    def backward(self, grad, z, y):
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

    def __call__(self, z, out=None):
        return np.maximum(_float(z), 0, out=out)

    def derivative(self, z):
        z = _float(z)
        return (z > 0).astype(z.dtype)

    def backward(self, grad, z, y):
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

    def __call__(self, z, out=None):
        z = _float(z)
        result = (z >= 0).astype(z.dtype)
        if out is None:
            return result
        np.copyto(out, result)
        return out

    def derivative(self, z):
        return np.zeros_like(_float(z))

    def backward(self, grad, z, y):
        grad[...] = 0  # flat almost everywhere: no gradient flows through a step
        return grad


class Sign(ActivationFunction):
    """The lecture's perceptron activation: 1 where z > 0, else -1. Its derivative is 0.

    >>> Sign()([-0.5, 0.0, 2.0])
    array([-1., -1.,  1.])
    """

    name, formula = "sign", "f(z) = 1 if z > 0 else -1"
    backward_needs_z = False

    def __call__(self, z, out=None):
        z = _float(z)
        result = np.where(z > 0, 1.0, -1.0).astype(z.dtype)
        if out is None:
            return result
        np.copyto(out, result)
        return out

    def derivative(self, z):
        return np.zeros_like(_float(z))

    def backward(self, grad, z, y):
        grad[...] = 0  # flat almost everywhere: no gradient flows through a step
        return grad


class Softmax(ActivationFunction):
    """Softmax over the last axis: exp(z_i - max z) / sum_j exp(z_j - max z).

    >>> Softmax()([[0.0, 0.0]])
    array([[0.5, 0.5]])
    """

    name, formula = "softmax", "f(z)_i = exp(z_i) / sum_j exp(z_j)"
    backward_needs_z = False

    def __call__(self, z, out=None):
        return softmax(z, out=out)

    def derivative(self, z):
        """The Jacobian of each row: J[..., i, j] = s_i (delta_ij - s_j)."""
        s = softmax(z)
        with np.errstate(under="ignore"):
            return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])

    def backward(self, grad, z, y):
        # Vector-Jacobian product: s * (g - sum_j g_j s_j), without forming the Jacobian.
        with np.errstate(under="ignore"):  # products of tiny outputs round to 0: correct
            dot = np.sum(grad * y, axis=-1, keepdims=True)
            grad -= dot
            grad *= y
        return grad


_REGISTRY: dict[str, type[ActivationFunction]] = {
    cls.name: cls for cls in (Linear, Sigmoid, Tanh, ReLU, Step, Sign, Softmax)
}


def names() -> list[str]:
    """The names `get` accepts.

    >>> names()
    ['linear', 'sigmoid', 'tanh', 'relu', 'step', 'sign', 'softmax']
    """
    return list(_REGISTRY)


def get(identifier: str | ActivationFunction | None) -> ActivationFunction:
    """Return the activation for a name, an instance, or None (linear).

    Args:
        identifier: one of `names()` (case-insensitive), an `ActivationFunction`, or None.

    Raises:
        ValueError: for an unknown name, listing the valid ones.

    >>> get("tanh").name
    'tanh'
    """
    if identifier is None:
        return Linear()
    return lookup("activation", identifier, _REGISTRY, ActivationFunction)
