"""Tensor-like results: NumPy arrays and floats that also answer `.numpy()`, as Keras's do.

Keras code calls `.numpy()` on what a model, a loss or a metric returns (`model(x).numpy()`,
`loss_fn(y, p).numpy()`). glassnet returns NumPy values that answer it too and are NumPy for
everything else: `Tensor` is an ndarray subclass that prints as an array, `Scalar` a
`np.float64` subclass (so also a Python float: `round`, `float`, `json` and formatting work).

>>> import numpy as np
>>> t = as_tensor(np.array([[1.0, 2.0]]))
>>> t
array([[1., 2.]])
>>> type(t.numpy()).__name__, float(t.sum())
('ndarray', 3.0)
>>> s = as_scalar(0.25)
>>> s, s.numpy(), round(s, 1), isinstance(s, float)
(np.float64(0.25), np.float64(0.25), 0.2, True)
"""

from __future__ import annotations

from typing import Any, SupportsIndex, overload

import numpy as np

__all__ = ["Scalar", "Tensor", "as_scalar", "as_tensor"]


class Tensor(np.ndarray):
    """An ndarray with Keras's `.numpy()`; results of NumPy operations on it stay `Tensor`."""

    def numpy(self) -> Any:
        """The plain NumPy value: an ndarray (same memory), or a NumPy scalar for 0-d."""
        plain = self.view(np.ndarray)
        return plain[()] if plain.ndim == 0 else plain

    def __repr__(self) -> str:
        return repr(self.numpy())

    def __round__(self, ndigits: int | None = None) -> Any:
        plain = self.numpy()
        return (
            round(float(plain), ndigits) if np.ndim(plain) == 0 else np.round(plain, ndigits or 0)
        )


class Scalar(np.float64):
    """A float64 (and Python float) with Keras's `.numpy()`."""

    def numpy(self) -> np.float64:
        """The plain NumPy scalar."""
        result: np.float64 = np.float64(self)
        return result

    def __repr__(self) -> str:
        return repr(np.float64(self))

    @overload
    def __round__(self, ndigits: None = None) -> int: ...
    @overload
    def __round__(self, ndigits: SupportsIndex) -> float: ...
    def __round__(self, ndigits: SupportsIndex | None = None) -> int | float:
        return round(float(self), ndigits)  # a Python number, as round(float) gives


def as_tensor(array: np.ndarray) -> Tensor:
    """`array` viewed as a `Tensor` (no copy)."""
    return np.asarray(array).view(Tensor)


def as_scalar(value: Any) -> Scalar:
    """`value` (a float or a 0-d array) as a `Scalar`."""
    result: Scalar = Scalar(float(value))
    return result
