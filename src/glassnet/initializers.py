"""Weight initialisers: Glorot (Xavier) and He, uniform and normal, zeros and ones.

Every initialiser draws from the NumPy Generator it is given, so a seed makes the
weights repeatable. `fan_in` is the number of inputs of a unit, `fan_out` the
number of units; Dense kernels are shaped (fan_in, fan_out). As in Keras, the
normal variants use a normal distribution truncated at two standard deviations,
with the standard deviation corrected so that the truncated one is the target.

>>> import numpy as np
>>> w = get("glorot_uniform")((784, 128), np.random.default_rng(0))
>>> w.shape, bool(np.abs(w).max() <= np.sqrt(6 / (784 + 128)))
((784, 128), True)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from glassnet._internal.checks import lookup

__all__ = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "Ones",
    "Zeros",
    "get",
]

# Standard deviation of a standard normal truncated to [-2, 2] (as Keras uses).
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(rng: np.random.Generator, shape: tuple[int, ...], std: float) -> np.ndarray:
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():  # redraw the ~4.6 % beyond two standard deviations
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values * (std / _TRUNCATED_STD)


class Initializer:
    """Base class: `init(shape, rng, dtype)` returns a new array."""

    name = ""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
    ) -> np.ndarray:
        return np.asarray(self.sample(tuple(shape), rng), dtype=dtype)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GlorotUniform(Initializer):
    """Uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)); Keras's Dense default."""

    name = "glorot_uniform"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape)


class GlorotNormal(Initializer):
    """Truncated normal with std = sqrt(2 / (fan_in + fan_out))."""

    name = "glorot_normal"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        return _truncated_normal(rng, shape, np.sqrt(2.0 / (fan_in + fan_out)))


class HeUniform(Initializer):
    """Uniform on [-limit, limit], limit = sqrt(6 / fan_in); suits ReLU layers."""

    name = "he_uniform"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, _ = _fans(shape)
        limit = np.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, shape)


class HeNormal(Initializer):
    """Truncated normal with std = sqrt(2 / fan_in); suits ReLU layers."""

    name = "he_normal"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        fan_in, _ = _fans(shape)
        return _truncated_normal(rng, shape, np.sqrt(2.0 / fan_in))


class Zeros(Initializer):
    """All zeros (the Dense bias default)."""

    name = "zeros"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    name = "ones"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return np.ones(shape)


_REGISTRY = {
    cls.name: cls for cls in (GlorotUniform, GlorotNormal, HeUniform, HeNormal, Zeros, Ones)
}


def get(identifier: str | Initializer) -> Initializer:
    """Return the initialiser for a name or an instance.

    Raises:
        ValueError: for an unknown name, listing the valid ones.

    >>> get("he_normal")
    HeNormal()
    """
    result: Initializer = lookup("initializer", identifier, _REGISTRY, Initializer)
    return result


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
