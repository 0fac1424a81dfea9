"""The base of every activation function, and `write` (a result into `out`).

`activations.py` (the lecture's table) and `_activations_more.py` (the other Keras
activations) both build on it; `gn.activations.ActivationFunction` is this class. The one
stable `sigmoid` and the input conversion `as_float` are `_internal/stable.py`'s.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal.stable import as_float, sigmoid

__all__ = ["ActivationFunction", "as_float", "sigmoid", "write"]


def write(result: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """`result`, or `out` after copying `result` into it.

    >>> write(np.ones(2), np.zeros(2))
    array([1., 1.])
    """
    if out is None:
        return result
    np.copyto(out, result)
    return out


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

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments ({} for the activations that have none), for saving."""
        return {}

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
