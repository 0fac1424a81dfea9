"""The Keras activations beyond the lecture's table, with their derivatives.

| name         | f(z)                                            | f'(z)                           |
|--------------|-------------------------------------------------|---------------------------------|
| elu          | z if z > 0 else alpha (e^z - 1)                 | 1 if z > 0 else f(z) + alpha    |
| selu         | scale * elu(z, alpha), fixed alpha and scale    | scale or f(z) + scale alpha     |
| gelu         | z Phi(z), Phi the normal CDF (exact, with erfc) | Phi(z) + z phi(z)               |
| softplus     | log(1 + e^z)                                    | sigmoid(z) = 1 - e^-f(z)        |
| silu (swish) | z sigmoid(z)                                    | s (1 + z (1 - s)), s=sigmoid(z) |
| leaky_relu   | z if z > 0 else negative_slope z (0.2)          | 1 or negative_slope             |
| hard_sigmoid | clip(z / 6 + 1/2, 0, 1) = relu6(z + 3) / 6      | 1/6 where -3 < z < 3, else 0    |
| exponential  | e^z                                             | e^z = f(z)                      |

The values follow Keras 3's formulas (its defaults: alpha=1.0, negative_slope=0.2, gelu's
approximate=False). Every one is quiet in strict floating point for any finite z: the
underflow of e^z to 0 is the right answer and is not reported. Only `exponential` has a value
that overflows (e^z is +inf beyond z = 88 in float32, 709 in float64, as in Keras); it returns
inf without a warning, and training's NaN guard then stops the run with one clear message.

>>> import numpy as np
>>> ELU()(np.array([-1.0, 2.0])).round(4)
array([-0.6321,  2.    ])
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from glassnet._activation_base import ActivationFunction, as_float, sigmoid, write
from glassnet._internal.checks import check_number

__all__ = ["ELU", "GELU", "SELU", "Exponential", "HardSigmoid", "LeakyReLU", "SiLU", "Softplus"]

SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. 2017, as Keras
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715
# Beyond |z| = 40 the normal density exp(-z^2 / 2) is 0 in float64: clipping there keeps z^2
# finite for any z without changing a value.
_DENSITY_CLIP = 40.0
_erfc: Any = np.frompyfunc(math.erfc, 1, 1)  # exact in float64; NumPy has no erf of its own


def _elu(z: np.ndarray, alpha: float) -> np.ndarray:
    with np.errstate(under="ignore"):  # e^z - 1 for z -> -inf is -1: no report
        negative = np.expm1(np.minimum(z, 0)) * z.dtype.type(alpha)
    return np.where(z > 0, z, negative).astype(z.dtype, copy=False)


class ELU(ActivationFunction):
    """The exponential linear unit: z if z > 0 else alpha (e^z - 1).

    Args:
        alpha: the negative saturation level, >= 0, default 1.0 (as Keras).

    >>> ELU().derivative(np.array([-1.0, 0.5])).round(4)  # e^-1, 1
    array([0.3679, 1.    ])
    """

    name, formula = "elu", "f(z) = z if z > 0 else alpha (e^z - 1)"
    backward_needs_z = False

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = check_number("alpha", alpha, 0)

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        return write(_elu(as_float(z), self.alpha), out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            slope = np.exp(np.minimum(z, 0)) * z.dtype.type(self.alpha)
        return np.where(z > 0, 1, slope).astype(z.dtype, copy=False)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        # y > 0 exactly where z > 0 (alpha >= 0), and alpha e^z = y + alpha below.
        with np.errstate(under="ignore"):
            grad *= np.where(y > 0, 1, y + y.dtype.type(self.alpha))
        return grad

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.alpha}


class SELU(ActivationFunction):
    """The scaled ELU: scale * (z if z > 0 else alpha (e^z - 1)), with Keras's constants
    alpha = 1.6732632... and scale = 1.0507009... (self-normalising networks).

    >>> SELU()(np.array([1.0])).round(6)
    array([1.050701])
    """

    name, formula = "selu", "f(z) = scale (z if z > 0 else alpha (e^z - 1))"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            return write(_elu(z, SELU_ALPHA) * z.dtype.type(SELU_SCALE), out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            slope = np.exp(np.minimum(z, 0)) * z.dtype.type(SELU_SCALE * SELU_ALPHA)
        return np.where(z > 0, SELU_SCALE, slope).astype(z.dtype, copy=False)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        f = y.dtype.type
        with np.errstate(under="ignore"):
            grad *= np.where(y > 0, f(SELU_SCALE), y + f(SELU_SCALE * SELU_ALPHA))
        return grad


class GELU(ActivationFunction):
    """The Gaussian error linear unit: z Phi(z), with Phi the standard normal CDF.

    Exact by default (as Keras): Phi(z) = erfc(-z / sqrt 2) / 2, computed with Python's
    `math.erfc` in float64 (exact in the tails, where 1 + erf would cancel to 0). With
    `approximate=True`, the tanh form 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))).

    Args:
        approximate: use the tanh approximation; default False.

    >>> GELU()(np.array([-1.0, 0.0, 1.0])).round(6)
    array([-0.158655,  0.      ,  0.841345])
    """

    name, formula = "gelu", "f(z) = z Phi(z), Phi the normal CDF"

    def __init__(self, approximate: bool = False) -> None:
        if not isinstance(approximate, (bool, np.bool_)):
            raise TypeError(f"approximate must be True or False, got {approximate!r}.")
        self.approximate = bool(approximate)

    @staticmethod
    def _cdf(z: np.ndarray) -> np.ndarray:
        """Phi(z) in float64: one call of math.erfc per number (the slow part of gelu)."""
        result: np.ndarray = 0.5 * _erfc(-z.astype(np.float64) / _SQRT_2).astype(np.float64)
        return result

    @staticmethod
    def _z_density(z: np.ndarray) -> np.ndarray:
        """z phi(z) in float64, phi the standard normal density."""
        clipped = np.clip(z.astype(np.float64), -_DENSITY_CLIP, _DENSITY_CLIP)
        with np.errstate(under="ignore"):  # exp(-z^2/2) is 0 far out: correct
            return clipped * np.exp(-0.5 * clipped * clipped) / _SQRT_2PI

    def _tanh(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(t, z clipped): t = tanh(sqrt(2/pi) (z + 0.044715 z^3)), z clipped where t is +-1."""
        clipped = np.clip(z.astype(np.float64), -1e3, 1e3)
        with np.errstate(under="ignore"):
            t = np.tanh(_SQRT_2_OVER_PI * (clipped + _GELU_CUBIC * clipped**3))
        return t, clipped

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        # z times a CDF rounding to 0 is 0, and so is its cast to float32: correct.
        with np.errstate(under="ignore"):
            if self.approximate:
                value = 0.5 * z.astype(np.float64) * (1.0 + self._tanh(z)[0])
            else:
                value = z.astype(np.float64) * self._cdf(z)
            return write(value.astype(z.dtype, copy=False), out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            if self.approximate:
                t, c = self._tanh(z)
                inner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * c * c)
                slope = 0.5 * (1.0 + t) + 0.5 * c * (1.0 - t * t) * inner
            else:
                slope = self._cdf(z) + self._z_density(z)
            result: np.ndarray = slope.astype(z.dtype, copy=False)
            return result

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        if self.approximate:
            return super().backward(grad, z, y)
        # Phi(z) = y / z, read from the output rather than a second erfc per number; near
        # z = 0, where that division loses its digits, Phi is 1/2 to float64 precision.
        z = cast(np.ndarray, z)  # not None: backward_needs_z is True
        z64 = z.astype(np.float64)
        cdf = np.full(z.shape, 0.5)
        with np.errstate(under="ignore"):
            np.divide(y, z64, out=cdf, where=np.abs(z64) > 1e-30)
            grad *= (cdf + self._z_density(z)).astype(grad.dtype, copy=False)
        return grad

    def get_config(self) -> dict[str, Any]:
        return {"approximate": self.approximate}


class Softplus(ActivationFunction):
    """log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|): no overflow for any z.

    >>> Softplus()(np.array([0.0, 1000.0])).round(6).tolist()
    [0.693147, 1000.0]
    """

    name, formula = "softplus", "f(z) = log(1 + e^z)"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            value = np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)
        return write(value.astype(z.dtype, copy=False), out)

    def derivative(self, z: Any) -> np.ndarray:
        return sigmoid(z)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        # sigmoid(z) = 1 - e^-f(z), accurate for small f too (expm1).
        with np.errstate(under="ignore"):
            grad *= -np.expm1(-y)
        return grad


class SiLU(ActivationFunction):
    """The sigmoid linear unit (Keras's `silu`, also named `swish`): z sigmoid(z).

    >>> SiLU()(np.array([-1000.0, 0.0, 2.0])).round(6)
    array([-0.      ,  0.      ,  1.761594])
    """

    name, formula = "silu", "f(z) = z sigmoid(z)"

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):
            return write(z * sigmoid(z), out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        s = sigmoid(z)
        with np.errstate(under="ignore"):
            result: np.ndarray = s * (1 + z * (1 - s))
            return result


class LeakyReLU(ActivationFunction):
    """z if z > 0 else negative_slope z; the derivative at 0 is taken as negative_slope.

    Args:
        negative_slope: >= 0, default 0.2 (Keras 3's; Keras 2 used 0.3).

    >>> LeakyReLU()(np.array([-2.0, 3.0]))
    array([-0.4,  3. ])
    """

    name, formula = "leaky_relu", "f(z) = z if z > 0 else slope z"
    backward_needs_z = False

    def __init__(self, negative_slope: float = 0.2) -> None:
        self.negative_slope = check_number("negative_slope", negative_slope, 0)

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        with np.errstate(under="ignore"):  # a tiny z times the slope rounds to 0: correct
            value = np.where(z > 0, z, z * z.dtype.type(self.negative_slope))
        return write(value.astype(z.dtype, copy=False), out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        return np.where(z > 0, 1, self.negative_slope).astype(z.dtype)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore"):  # y > 0 exactly where z > 0 (slope >= 0)
            grad *= np.where(y > 0, 1, y.dtype.type(self.negative_slope))
        return grad

    def get_config(self) -> dict[str, Any]:
        return {"negative_slope": self.negative_slope}


class HardSigmoid(ActivationFunction):
    """Keras 3's piecewise-linear sigmoid: clip(z / 6 + 1/2, 0, 1), that is relu6(z + 3) / 6.

    (Keras 2 used clip(0.2 z + 0.5, 0, 1).) The derivative is 1/6 where -3 < z < 3, else 0.

    >>> HardSigmoid()(np.array([-4.0, 0.0, 1.5, 4.0]))
    array([0.  , 0.5 , 0.75, 1.  ])
    """

    name, formula = "hard_sigmoid", "f(z) = clip(z / 6 + 1/2, 0, 1)"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        z = as_float(z)
        f = z.dtype.type
        with np.errstate(under="ignore"):
            return np.clip(z / f(6) + f(0.5), 0, 1, out=out)

    def derivative(self, z: Any) -> np.ndarray:
        z = as_float(z)
        return np.where((z > -3) & (z < 3), 1 / 6, 0).astype(z.dtype)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore"):  # a tiny gradient's sixth rounds to 0: correct
            grad *= np.where((y > 0) & (y < 1), y.dtype.type(1 / 6), 0)
        return grad


class Exponential(ActivationFunction):
    """e^z. Its value overflows to +inf beyond z = 88 (float32) or 709 (float64), as Keras's;
    no warning is raised (the NaN guard of `fit` reports a run that goes there).

    >>> Exponential()(np.array([0.0, 1.0])).round(6)
    array([1.      , 2.718282])
    """

    name, formula = "exponential", "f(z) = e^z"
    backward_needs_z = False

    def __call__(self, z: Any, out: np.ndarray | None = None) -> np.ndarray:
        with np.errstate(under="ignore", over="ignore"):
            result: np.ndarray = np.exp(as_float(z), out=out)
            return result

    def derivative(self, z: Any) -> np.ndarray:
        return self(z)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            grad *= y
        return grad
