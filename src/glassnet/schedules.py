"""Learning-rate schedules: the learning rate as a function of the optimizer's step count.

Exposed as `gn.optimizers.schedules`, as Keras's `keras.optimizers.schedules`. Pass a
schedule as an optimizer's `learning_rate`; the step `t` (counted from 0) then uses
`schedule(t)`, where `t` is `optimizer.iterations` before that step (as Keras), and
`optimizer.learning_rate` reads the rate the next step will use.

| schedule               | rate at step t (p = t / decay_steps, floored with staircase)       |
|------------------------|---------------------------------------------------------------------|
| ExponentialDecay       | initial_learning_rate * decay_rate ** p                             |
| InverseTimeDecay       | initial_learning_rate / (1 + decay_rate * p)                        |
| PiecewiseConstantDecay | values[i] for boundaries[i-1] < t <= boundaries[i]                  |
| CosineDecay            | lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t, decay_steps) /       |
|                        | decay_steps)) + alpha), after an optional linear warmup             |

A schedule also takes an array of steps, as Keras's (the rate along a whole run, to plot).

>>> import glassnet as gn
>>> schedule = gn.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=10, decay_rate=1.0)
>>> round(schedule(10), 6)  # 0.001 / (1 + 1.0 * 10 / 10)
0.0005
>>> schedule(np.array([0, 10, 30])).tolist()
[0.001, 0.0005, 0.00025]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from glassnet._internal.checks import check_number, check_one_of, describe

__all__ = [
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "deserialize",
    "serialize",
]


def _step(step: Any) -> np.ndarray:
    """The step count(s) as float64: a number, or an array of them (the overfit tutorial
    plots `lr_schedule(np.linspace(0, 100000))`)."""
    if isinstance(step, (bool, str)) or not isinstance(
        step, (numbers.Real, np.ndarray, list, tuple)
    ):
        raise TypeError(f"step must be a number >= 0 (or an array of them), got {describe(step)}.")
    try:
        steps = np.asarray(step, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"step must be a number >= 0 (or an array of them), got {describe(step)}."
        ) from None
    if not np.all(np.isfinite(steps)) or np.any(steps < 0):
        raise ValueError(f"step must be >= 0 and finite, got {describe(step)}.")
    return steps


def _result(value: np.ndarray) -> Any:
    """A float for one step, an array for an array of steps."""
    return float(value) if np.ndim(value) == 0 else value


def _steps(name: str, value: Any, minimum_inclusive: bool) -> float:
    """A step count (> 0, or >= 0), kept an int when given one, as Keras's config shows it."""
    number = check_number(name, value, 0, low_inclusive=minimum_inclusive)
    return int(value) if isinstance(value, numbers.Integral) else number


def _decay_steps(value: Any) -> float:
    # Keras: "Argument `decay_steps` must be > 0."
    return _steps("decay_steps", value, False)


class LearningRateSchedule:
    """Base class: subclass it with `__call__(step)` and `get_config()`.

    Subclasses are registered by class name, so `deserialize` (and `gn.load_model` of a
    model whose optimizer uses one) can re-create them, as long as the class is defined.

    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, rate):
    ...         self.rate = rate
    ...     def __call__(self, step):
    ...         return self.rate * 0.5 ** (step // 100)
    ...     def get_config(self):
    ...         return {"rate": self.rate}
    >>> Halving(0.1)(250)
    0.025
    """

    _registry: ClassVar[dict[str, type[LearningRateSchedule]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):  # a private base is not a schedule of its own
            LearningRateSchedule._registry[cls.__name__] = cls

    def __call__(self, step: int) -> float:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        """A new schedule from what `get_config()` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: Keras's five arguments, their
    checks and config, and the decay's progress `step / decay_steps` (floored if staircase)."""

    decay_rate_may_be_zero = False

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool,
        name: str,
    ) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, 0, low_inclusive=False
        )
        self.decay_steps = _decay_steps(decay_steps)
        self.decay_rate = check_number(
            "decay_rate", decay_rate, 0, low_inclusive=self.decay_rate_may_be_zero
        )
        self.staircase = bool(staircase)
        self.name = name

    def _progress(self, step: Any) -> np.ndarray:
        p = _step(step) / self.decay_steps
        return np.floor(p) if self.staircase else p

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_StepDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0, > 0.
        decay_steps: steps over which the rate is multiplied by `decay_rate`, > 0.
        decay_rate: the factor per `decay_steps`, > 0.
        staircase: floor `step / decay_steps`, so the rate drops in steps.
        name: as Keras, default "ExponentialDecay".

    >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
    0.025
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: int) -> float:
        rate = self.initial_learning_rate * np.power(self.decay_rate, self._progress(step))
        result: float = _result(rate)
        return result


class InverseTimeDecay(_StepDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    TensorFlow's overfit_and_underfit tutorial uses it to halve Adam's rate at 1000 epochs:
    `InverseTimeDecay(0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1)`.

    Args:
        initial_learning_rate: the rate at step 0, > 0.
        decay_steps: how often the rate is applied the decay, > 0.
        decay_rate: >= 0.
        staircase: floor `step / decay_steps`.
        name: as Keras, default "InverseTimeDecay".

    >>> InverseTimeDecay(0.5, decay_steps=1, decay_rate=0.5, staircase=True)(2.5)
    0.25
    """

    decay_rate_may_be_zero = True

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: int) -> float:
        rate = self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(step))
        result: float = _result(rate)
        return result


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` up to and including step `boundaries[0]`, `values[1]` up to
    `boundaries[1]`, ..., and `values[-1]` after the last boundary (as Keras).

    Args:
        boundaries: increasing step numbers, one fewer than `values`.
        values: the rate in each interval, each > 0.
        name: as Keras, default "PiecewiseConstant".

    >>> schedule = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> [schedule(t) for t in (0, 100, 101, 200, 201)]
    [1.0, 1.0, 0.5, 0.5, 0.1]
    """

    def __init__(
        self, boundaries: Sequence[int], values: Sequence[float], name: str = "PiecewiseConstant"
    ) -> None:
        for arg, given in (("boundaries", boundaries), ("values", values)):
            if isinstance(given, str) or not isinstance(given, Sequence):
                raise TypeError(f"{arg} must be a list of numbers, got {describe(given)}.")
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={list(boundaries)} of length {len(boundaries)}, and "
                f"values={list(values)} of length {len(values)}."
            )
        self.boundaries = [check_number("boundaries entries", b) for b in boundaries]
        if any(b >= c for b, c in zip(self.boundaries, self.boundaries[1:], strict=False)):
            raise ValueError(f"boundaries must be increasing, got {self.boundaries}.")
        self.values = [check_number("values entries", v, 0, low_inclusive=False) for v in values]
        self.name = name

    def __call__(self, step: int) -> float:
        # The first boundary >= step names the interval: a step on a boundary is below it.
        index = np.searchsorted(np.array(self.boundaries), _step(step), side="left")
        result: float = _result(np.array(self.values)[index])
        return result

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` (or `warmup_target`) to
    `alpha` times it over `decay_steps`, after an optional linear warmup (as Keras).

    Without warmup: `lr * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decay_steps)) + alpha)`,
    with `t = min(step, decay_steps)`. With `warmup_target`, the rate goes linearly from
    `initial_learning_rate` to `warmup_target` over `warmup_steps`, then decays from
    `warmup_target` over `decay_steps`.

    Args:
        initial_learning_rate: the rate at step 0, > 0.
        decay_steps: steps of decay, > 0.
        alpha: the final rate as a fraction of the starting one, in [0, 1].
        name: as Keras, default "CosineDecay".
        warmup_target: the rate at the end of warmup, or None (no warmup).
        warmup_steps: steps of warmup, >= 0.

    >>> schedule = CosineDecay(1.0, decay_steps=10)
    >>> [round(schedule(t), 6) for t in (0, 5, 10, 20)]
    [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = check_number(
            "initial_learning_rate", initial_learning_rate, 0, low_inclusive=False
        )
        self.decay_steps = _decay_steps(decay_steps)
        self.alpha = check_number("alpha", alpha, 0, 1)
        self.name = name
        if warmup_target is not None:
            warmup_target = check_number("warmup_target", warmup_target, 0, low_inclusive=False)
        self.warmup_target = warmup_target
        self.warmup_steps = _steps("warmup_steps", warmup_steps, True)

    def _decay(self, step: np.ndarray, start: float) -> np.ndarray:
        fraction = np.minimum(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + np.cos(math.pi * fraction))
        result: np.ndarray = start * ((1.0 - self.alpha) * cosine + self.alpha)
        return result

    def __call__(self, step: int) -> float:
        at = _step(step)
        if self.warmup_target is None:
            result: float = _result(self._decay(at, self.initial_learning_rate))
            return result
        decaying = self._decay(np.maximum(at - self.warmup_steps, 0), self.warmup_target)
        if not self.warmup_steps:  # as Keras: no step is below 0, so decay from the target
            result = _result(decaying)
            return result
        delta = self.warmup_target - self.initial_learning_rate
        warming = self.initial_learning_rate + delta * at / self.warmup_steps
        result = _result(np.where(at < self.warmup_steps, warming, decaying))
        return result

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """`{"class_name": ..., "config": ...}`, what `deserialize` reads (and a saved model holds).

    >>> serialize(ExponentialDecay(0.1, 10, 0.5))["class_name"]
    'ExponentialDecay'
    """
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(f"schedule must be a LearningRateSchedule, got {describe(schedule)}.")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict[str, Any]) -> LearningRateSchedule:
    """The schedule that `serialize` described.

    >>> deserialize(serialize(InverseTimeDecay(0.001, 10, 1.0)))(10)
    0.0005
    """
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise TypeError(
            "config must be a dict with 'class_name' and 'config', as serialize() returns, "
            f"got {describe(config)}."
        )
    registry = LearningRateSchedule._registry
    name = check_one_of("class_name", config.get("class_name"), sorted(registry), "schedule")
    return registry[name].from_config(dict(config["config"]))


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
