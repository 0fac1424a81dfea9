"""Weight regularizers: a penalty on a weight array added to the training loss (as Keras).

| regularizer | penalty                                  | gradient                      |
|-------------|------------------------------------------|-------------------------------|
| L1(l1)      | l1 * sum(abs(w))                         | l1 * sign(w) (0 at w = 0)     |
| L2(l2)      | l2 * sum(w ** 2)  (no 1/2, as Keras)     | 2 * l2 * w                    |
| L1L2(l1,l2) | l1 * sum(abs(w)) + l2 * sum(w ** 2)      | the sum of both               |

Give one to a layer, `Dense(16, kernel_regularizer=gn.regularizers.l2(0.001))` or by name
(`"l2"`: the default factor 0.01). `model.losses` lists the current penalties; `fit` adds
their sum to each batch's loss and their gradient to the weights' gradient, and the reported
"loss", "val_loss" and `evaluate`'s loss include them, as in Keras 3. `l1`, `l2` and `l1_l2`
are the same classes under Keras's lower-case names.

>>> import numpy as np, glassnet as gn
>>> gn.regularizers.l2(0.5)(np.array([1.0, -2.0]))  # 0.5 * (1 + 4)
2.5
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet._internal.checks import check_one_of, describe

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "serialize",
]


def _factor(name: str, value: Any) -> float:
    # Keras: "Invalid value for argument l2: expected a non-negative float."
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a non-negative number, got {describe(value)}.")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value}.")
    result: float = value
    return result


class Regularizer:
    """Base class: `__call__(w)` gives the penalty, `gradient(w)` its derivative dP/dw.

    To add one, subclass this and implement `__call__`, `gradient` and `get_config`
    (the constructor's arguments); `add_gradient` has a generic form built on `gradient`.

    >>> class Sum(Regularizer):
    ...     def __call__(self, w): return float(np.sum(w))
    ...     def gradient(self, w): return np.ones_like(w)
    >>> Sum().add_gradient(np.array([2.0, 3.0]), np.zeros(2))
    (5.0, array([1., 1.]))
    """

    def __call__(self, x: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """dPenalty/dx, shaped like `x`."""
        raise NotImplementedError

    def add_gradient(self, x: np.ndarray, grad: np.ndarray) -> tuple[float, np.ndarray]:
        """The penalty of `x`, after adding its gradient into `grad` in place.

        Returns:
            (penalty, grad).
        """
        grad += self.gradient(x).astype(grad.dtype, copy=False)
        return self(x), grad

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """A new regularizer from what `get_config()` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.get_config() == self.get_config()

    __hash__ = object.__hash__


def _abs_sum(x: np.ndarray) -> float:
    with np.errstate(under="ignore"):
        return float(np.sum(np.abs(x), dtype=np.float64))


def _square_sum(x: np.ndarray) -> float:
    flat = x.reshape(-1)
    with np.errstate(under="ignore"):  # squares of tiny weights round to 0: correct
        return float(np.dot(flat, flat))


class L1(Regularizer):
    """`l1 * sum(abs(x))`; its gradient is `l1 * sign(x)`, taken as 0 at x = 0.

    Args:
        l1: the factor, >= 0, default 0.01 (as Keras).

    >>> L1(0.1)(np.array([1.0, -2.0]))  # 0.1 * 3
    0.30000000000000004
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _factor("l1", l1)

    def __call__(self, x: np.ndarray) -> float:
        return self.l1 * _abs_sum(np.asarray(x))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        result: np.ndarray = np.sign(np.asarray(x)) * self.l1
        return result

    def add_gradient(self, x: np.ndarray, grad: np.ndarray) -> tuple[float, np.ndarray]:
        grad += np.sign(x) * grad.dtype.type(self.l1)
        return self(x), grad

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(x ** 2)`, with no 1/2 (as Keras); its gradient is `2 * l2 * x`.

    Args:
        l2: the factor, >= 0, default 0.01 (as Keras).

    >>> L2(0.1).gradient(np.array([1.0, -2.0]))
    array([ 0.2, -0.4])
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _factor("l2", l2)

    def __call__(self, x: np.ndarray) -> float:
        return self.l2 * _square_sum(np.asarray(x))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return 2.0 * self.l2 * np.asarray(x)

    def add_gradient(self, x: np.ndarray, grad: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(under="ignore"):  # a tiny weight's share rounds to 0: correct
            grad += x * grad.dtype.type(2.0 * self.l2)
        return self(x), grad

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """`l1 * sum(abs(x)) + l2 * sum(x ** 2)`.

    Args:
        l1: >= 0, default 0.0 (as Keras 3, whose `l1_l2` is this class).
        l2: >= 0, default 0.0.

    >>> L1L2(l1=0.1, l2=0.1)(np.array([1.0, -2.0]))  # 0.1 * 3 + 0.1 * 5
    0.8
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _factor("l1", l1)
        self.l2 = _factor("l2", l2)

    def __call__(self, x: np.ndarray) -> float:
        x = np.asarray(x)
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * _abs_sum(x)
        if self.l2:
            penalty += self.l2 * _square_sum(x)
        return penalty

    def gradient(self, x: np.ndarray) -> np.ndarray:
        result: np.ndarray = L1(self.l1).gradient(x) + L2(self.l2).gradient(x)
        return result

    def add_gradient(self, x: np.ndarray, grad: np.ndarray) -> tuple[float, np.ndarray]:
        if self.l1:
            L1(self.l1).add_gradient(x, grad)
        if self.l2:
            L2(self.l2).add_gradient(x, grad)
        return self(x), grad

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


# Keras's lower-case names are the classes themselves (keras.regularizers.l2 is L2).
l1 = L1
l2 = L2
l1_l2 = L1L2

_REGISTRY: dict[str, type[Regularizer]] = {
    "l1": L1,
    "l2": L2,
    "l1l2": L1L2,
    "l1_l2": L1L2,
}
_CLASSES: dict[str, type[Regularizer]] = {"L1": L1, "L2": L2, "L1L2": L1L2}


def serialize(regularizer: Regularizer | None) -> dict[str, Any] | None:
    """`{"class_name": ..., "config": ...}` (what a saved layer holds), or None.

    >>> serialize(L2(0.001))
    {'class_name': 'L2', 'config': {'l2': 0.001}}
    """
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        raise TypeError(f"regularizer must be a Regularizer, got {describe(regularizer)}.")
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(config: dict[str, Any]) -> Regularizer:
    """The regularizer that `serialize` described.

    >>> deserialize({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.5}})
    L1L2(l1=0.0, l2=0.5)
    """
    if not isinstance(config, dict) or not isinstance(config.get("config", {}), dict):
        raise TypeError(
            f"regularizer config must be a dict with 'class_name' and 'config', got "
            f"{describe(config)}."
        )
    classes = {**_CLASSES, **{cls.__name__: cls for cls in _subclasses(Regularizer)}}
    name = check_one_of("class_name", config.get("class_name"), sorted(classes), "regularizer")
    return classes[name].from_config(dict(config.get("config", {})))


def _subclasses(cls: type[Regularizer]) -> list[type[Regularizer]]:
    found: list[type[Regularizer]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def get(
    identifier: str | Regularizer | dict[str, Any] | type | None, argument: str = "regularizer"
) -> Regularizer | None:
    """The regularizer for a name ("l1", "l2", "l1l2", "L2", ...), an instance, a class, a
    config from `serialize`, or None (no regularization).

    Args:
        identifier: what to look up.
        argument: the argument it came from, named in errors (e.g. "kernel_regularizer").

    Raises:
        ValueError: for an unknown name, listing the valid ones.
        TypeError: for anything else (a plain function has no gradient: subclass
            `Regularizer` instead).

    >>> get("l2")
    L2(l2=0.01)
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier if identifier in _CLASSES else identifier.lower()
        classes = {**_REGISTRY, **_CLASSES}
        return classes[check_one_of(argument, key, sorted(classes), "regularizer")]()
    raise TypeError(
        f"{argument} must be a name such as 'l2', a gn.regularizers.Regularizer or None, got "
        f"{describe(identifier)}"
        + (
            " (a plain function has no gradient: subclass Regularizer)."
            if callable(identifier)
            else "."
        )
    )


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
