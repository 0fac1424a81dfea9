"""Optimizers: SGD (with momentum, Nesterov), Adam, AdamW, RMSprop and Adagrad, as Keras.

An optimizer takes a flat list of (parameter, gradient) array pairs and updates
each parameter in place, keeping its own state per parameter. `Sequential`
hands over all of a model's weights as one contiguous vector (`model.weight_pairs`),
so one update is a handful of NumPy calls whatever the number of layers.

Optional `weight_decay` is decoupled, as in Keras: `w -= learning_rate * weight_decay * w`
before the update.

`learning_rate` is a number, a schedule from `gn.optimizers.schedules` or a function of no
arguments (as Keras): step t (counted from 0) uses `schedule(t)`, evaluated before the step
count is incremented, and reading `optimizer.learning_rate` gives the rate the next step uses.

>>> import numpy as np
>>> w, g = np.array([1.0]), np.array([0.5])
>>> SGD(learning_rate=0.1).apply([(w, g)]); w
array([0.95])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet import schedules
from glassnet._internal.checks import check_number, describe, lookup

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "get", "schedules"]

Pairs = list[tuple[np.ndarray, np.ndarray]]
LearningRate = float | schedules.LearningRateSchedule | Callable[[], float]

# A moment whose gradient is zero for many steps (a pixel that is blank in most images)
# decays geometrically into float32's subnormal range, where every arithmetic pass runs
# about ten times slower (measured: a whole Adam step went from 0.15 ms to 0.7 ms).
# NumPy cannot switch the CPU to flush-to-zero, so every FLUSH_EVERY steps the moments
# below FLUSH_BELOW are set to 0. A value must decay for ~170 steps (at beta_1 = 0.9)
# to go from FLUSH_BELOW to the subnormal range, so none ever reaches it; the update
# such a moment contributes is below 1e-23 of the learning rate, so results don't change.
FLUSH_EVERY = 64
FLUSH_BELOW = 1e-30


# A step is a dozen passes over each weight vector. Over a vector larger than the CPU's L2
# cache every pass streams it from main memory again; taken in pieces of BLOCK elements, a
# piece's passes run inside L2 (five float32 arrays of 32,768, the weights, gradients, two
# moments and the scratch: 640 KiB, under a 1 MiB L2). Measured on 1.6 M weights (batch 512,
# hidden 2048), Adam's step took 2.7 ms in pieces against 4.3 ms whole; a vector of at most
# BLOCK_ABOVE elements (the lecture's 101,770) is as fast or faster whole.
BLOCK = 32_768
BLOCK_ABOVE = 262_144


def _pieces(
    param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]]:
    """(param, grad, state) whole, or, for a large contiguous vector, the same in BLOCK-element
    views (an element's update reads only that element, so the result is the same)."""
    arrays = [param, grad, *state.values()]
    if param.size <= BLOCK_ABOVE or not all(a.flags.c_contiguous for a in arrays):
        return [(param, grad, state)]
    flat_param, flat_grad = param.reshape(-1), grad.reshape(-1)
    flat_state = {key: value.reshape(-1) for key, value in state.items()}
    return [
        (
            flat_param[start : start + BLOCK],
            flat_grad[start : start + BLOCK],
            {key: value[start : start + BLOCK] for key, value in flat_state.items()},
        )
        for start in range(0, param.size, BLOCK)
    ]


def _check_epsilon(value: float) -> float:
    """epsilon > 0, and not so small that it rounds to 0 in float32, the weights' type: with
    epsilon = 0 a weight whose gradient is always 0 (a blank pixel) gets 0 / 0 = NaN."""
    epsilon = check_number("epsilon", value, 0, low_inclusive=False)
    if np.float32(epsilon) < np.finfo(np.float32).tiny:
        raise ValueError(
            f"epsilon={epsilon} is below float32's smallest normal number "
            f"({np.finfo(np.float32).tiny:.3g}): it would round to 0 (or slow every step) "
            "in the float32 weights; keep the default 1e-7."
        )
    return epsilon


def _where(params: Any) -> list[tuple[tuple[int, ...], int]]:
    """The shape and memory address of each parameter: state made for some weights must
    not be applied to others of the same shape (the trainable ones of a model changed)."""
    return [(p.shape, p.__array_interface__["data"][0]) for p in params]


def _check_rate(value: Any, source: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The learning rate schedule {describe(source)} returned {describe(value)}, "
            "not a number."
        ) from None
    if not (math.isfinite(rate) and rate >= 0):
        raise ValueError(
            f"The learning rate schedule {describe(source)} returned {rate}: expected a "
            "finite number >= 0."
        )
    return rate


def _flush_tiny(moment: np.ndarray, scratch: np.ndarray) -> None:
    np.abs(moment, out=scratch)
    np.putmask(moment, scratch < FLUSH_BELOW, 0)


class Optimizer:
    """Base class. `apply(pairs)` performs one step; `iterations` counts the steps.

    A subclass implements `_update(param, grad, state)` (one step of one parameter, in
    place) and `_new_state(param)`; it sets `elementwise = True` when its rule changes each
    element from that element alone, so that large vectors are updated in cache-sized pieces.

    Args:
        learning_rate: the step size, > 0; or a `schedules.LearningRateSchedule`, called
            with the step count; or a function of no arguments returning the rate.
        weight_decay: decoupled weight decay, >= 0 (0 disables it).
    """

    name = ""
    # True when `_update` changes each element from that element alone (then a large vector
    # is updated in cache-sized pieces); a subclass whose rule reads the whole array (a norm)
    # leaves it False.
    elementwise = False

    def __init__(self, learning_rate: LearningRate = 0.01, weight_decay: float = 0.0) -> None:
        self.iterations = 0
        self._learning_rate: LearningRate = 0.01
        self.learning_rate = learning_rate
        self._lr = 0.0  # the rate of the current step, set by apply
        self.weight_decay = check_number("weight_decay", weight_decay, 0)
        self._state: list[dict[str, np.ndarray]] | None = None
        self._shapes: list[
            tuple[tuple[int, ...], int]
        ] = []  # where the parameters the state belongs to are
        self._seen: list[np.ndarray] = []  # the arrays last handed over (a fast check)

    @property
    def learning_rate(self) -> float:
        """The rate the next step uses: the number given, or the schedule at `iterations`.

        Setting a number replaces a number (a callback lowering the rate does this);
        setting a schedule or a function replaces whatever was there.

        >>> opt = SGD(schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
        >>> opt.iterations = 2; opt.learning_rate  # 0.1 * 0.5 ** 2
        0.025
        """
        rate = self._learning_rate
        if isinstance(rate, float):
            return rate
        if isinstance(rate, schedules.LearningRateSchedule):
            value = rate(self.iterations)
        else:
            value = rate()
        return _check_rate(value, rate)

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        if isinstance(value, schedules.LearningRateSchedule) or (
            callable(value) and not isinstance(value, type)
        ):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, create the "
                "optimizer with a float `learning_rate` argument."
            )
        self._learning_rate = check_number("learning_rate", value, 0, low_inclusive=False)

    @property
    def learning_rate_schedule(self) -> schedules.LearningRateSchedule | Callable[[], float] | None:
        """The schedule (or function) given as `learning_rate`, or None for a number."""
        rate = self._learning_rate
        return None if isinstance(rate, float) else rate

    def apply(self, pairs: Pairs) -> None:
        """Update every parameter in place from its gradient (one step).

        The state (moments, velocities) is created at the first step, and again if the
        parameters handed over change in number, shape or place in memory (another
        model's, or other weights of a model whose trainable layers changed).
        """
        seen = self._seen
        if (
            self._state is None
            or len(seen) != len(pairs)
            or any(p is not q for (p, _), q in zip(pairs, seen, strict=True))
        ):
            self._seen = [param for param, _ in pairs]
            where = _where(self._seen)
            if self._state is None or where != self._shapes:
                self._state = [self._new_state(p) for p, _ in pairs]
                self._shapes = where
        # As Keras: a schedule is evaluated at the step count before this step (0 first).
        rate = self._learning_rate
        self._lr = rate if isinstance(rate, float) else self.learning_rate
        self.iterations += 1
        # Squares of tiny gradients round to 0 (underflow): harmless, and not an error.
        with np.errstate(under="ignore"):
            for (param, grad), state in zip(pairs, self._state, strict=True):
                whole = [(param, grad, state)]
                for piece, piece_grad, piece_state in (
                    _pieces(param, grad, state) if self.elementwise else whole
                ):
                    if self.weight_decay:
                        piece -= piece * piece.dtype.type(self._lr * self.weight_decay)
                    self._update(piece, piece_grad, piece_state)

    def _new_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {"tmp": np.empty_like(param)}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    # -- saving -------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, for saving; a schedule as `schedules.serialize` gives.

        Raises:
            TypeError: for a learning rate given as a plain function (it cannot be saved).
        """
        rate: Any = self._learning_rate
        if isinstance(rate, schedules.LearningRateSchedule):
            rate = schedules.serialize(rate)
        elif not isinstance(rate, float):
            raise TypeError(
                f"The learning rate {describe(rate)} is a function, which cannot be saved; "
                "subclass gn.optimizers.schedules.LearningRateSchedule (with get_config) instead."
            )
        return {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay}

    def get_state(self) -> dict[str, np.ndarray]:
        """The per-parameter state arrays and the step count, for saving."""
        arrays = {"iterations": np.array(self.iterations)}
        for i, state in enumerate(self._state or []):
            arrays.update({f"{i}/{k}": v for k, v in state.items() if k != "tmp"})
        return arrays

    def set_state(self, arrays: dict[str, np.ndarray], params: list[np.ndarray]) -> None:
        """Restore what `get_state` returned, for the parameters `params`."""
        self.iterations = int(arrays["iterations"])
        self._state = [self._new_state(p) for p in params]
        self._shapes, self._seen = _where(params), []
        for i, state in enumerate(self._state):
            for key in state:
                if key != "tmp":
                    state[key][...] = arrays[f"{i}/{key}"]

    def copy_state(self, into: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """A copy of `get_state()`, for going back to it (the NaN guard does, every step).

        With `into`, an earlier copy holding the same arrays, the values are copied into it
        without allocating; otherwise a new copy is made.
        """
        state = self.get_state()
        if into is None or into.keys() != state.keys():
            return {key: np.array(value, copy=True) for key, value in state.items()}
        for key, value in state.items():
            np.copyto(into[key], value)
        return into

    def restore_state(self, copy: dict[str, np.ndarray], params: list[np.ndarray]) -> None:
        """Go back to what `copy_state` returned; a copy made before the first step (no
        moments yet) gives the optimizer a fresh start at that step count."""
        if len(copy) == 1:  # only "iterations"
            self._state, self._shapes, self._seen = None, [], []
            self.iterations = int(copy["iterations"])
        else:
            self.set_state(copy, params)

    def __repr__(self) -> str:
        # get_config refuses a plain function (it cannot be saved); a repr shows it anyway.
        rate, self._learning_rate = self._learning_rate, 0.0
        try:
            config = {**self.get_config(), "learning_rate": rate}
        finally:
            self._learning_rate = rate
        args = ", ".join(f"{k}={v}" for k, v in config.items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent, with optional momentum and Nesterov momentum (Keras's rule).

    Update rule::

        velocity = momentum * velocity - learning_rate * g
        w += momentum * velocity - learning_rate * g   # nesterov
        w += velocity                                  # otherwise (w -= lr * g without momentum)

    Args:
        learning_rate: default 0.01.
        momentum: in [0, 1), default 0.
        nesterov: use Nesterov momentum.

    >>> w = np.array([1.0]); opt = SGD(0.1, momentum=0.9)
    >>> opt.apply([(w, np.array([1.0]))]); opt.apply([(w, np.array([1.0]))]); w
    array([0.71])
    """

    name = "sgd"
    elementwise = True

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.momentum = check_number("momentum", momentum, 0, 1, high_inclusive=False)
        self.nesterov = bool(nesterov)

    def _new_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        state = super()._new_state(param)
        if self.momentum:
            state["velocity"] = np.zeros_like(param)
        return state

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        lr = param.dtype.type(self._lr)
        tmp = np.multiply(grad, lr, out=state["tmp"])  # lr * g
        if not self.momentum:
            param -= tmp
            return
        velocity = state["velocity"]
        momentum = param.dtype.type(self.momentum)
        velocity *= momentum
        velocity -= tmp  # velocity = momentum * velocity - lr * g
        if self.nesterov:
            param -= tmp
            param += np.multiply(velocity, momentum, out=tmp)
        else:
            param += velocity

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam, with Keras's defaults and form of the update.

    Update rule, at step t (1, 2, ...)::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w -= alpha * m / (sqrt(v) + epsilon)

    `m` and `v` are stored exactly as written here (and as Keras stores them), so
    `get_state()` and a saved file hold the textbook moments. Each step is twelve
    in-place passes over the weights, with no temporary arrays.

    Args:
        learning_rate: default 0.001.
        beta_1, beta_2: decay rates of the moment estimates, in [0, 1).
        epsilon: added to sqrt(v), > 0, default 1e-7 (as Keras).

    >>> w = np.array([1.0]); Adam(learning_rate=0.1).apply([(w, np.array([4.0]))])
    >>> w.round(6)  # first step: m/sqrt(v) is sign(g), so w moves by the learning rate
    array([0.9])
    """

    name = "adam"
    elementwise = True

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.beta_1 = check_number("beta_1", beta_1, 0, 1, high_inclusive=False)
        self.beta_2 = check_number("beta_2", beta_2, 0, 1, high_inclusive=False)
        self.epsilon = _check_epsilon(epsilon)

    def _new_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {**super()._new_state(param), "m": np.zeros_like(param), "v": np.zeros_like(param)}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        b1, b2, t = self.beta_1, self.beta_2, self.iterations
        m, v, tmp = state["m"], state["v"], state["tmp"]
        f = param.dtype.type
        alpha = self._lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        np.multiply(grad, f(1 - b1), out=tmp)  # (1 - b1) g
        m *= f(b1)
        m += tmp  # m = b1 m + (1 - b1) g
        np.square(grad, out=tmp)  # measured faster than np.multiply(grad, grad)
        tmp *= f(1 - b2)  # (1 - b2) g^2
        v *= f(b2)
        v += tmp  # v = b2 v + (1 - b2) g^2
        np.sqrt(v, out=tmp)
        tmp += f(self.epsilon)
        np.divide(m, tmp, out=tmp)
        tmp *= f(alpha)
        param -= tmp  # w -= alpha m / (sqrt(v) + epsilon)
        if t % FLUSH_EVERY == 0:
            _flush_tiny(m, tmp)
            _flush_tiny(v, tmp)

    def moments(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The first and second moment estimates (m, v) of each parameter.

        >>> opt = Adam(0.1); w = np.array([1.0]); opt.apply([(w, np.array([2.0]))])
        >>> [(m.round(6), v.round(6)) for m, v in opt.moments()]
        [(array([0.2]), array([0.004]))]
        """
        return [(state["m"], state["v"]) for state in self._state or []]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as Keras's `AdamW`.

    The same as `Adam`, with `weight_decay` on by default (0.004, Keras's default): each
    step first shrinks every weight, `w -= learning_rate * weight_decay * w`, then applies
    Adam's update, so the decay does not pass through the moments.

    Args:
        learning_rate: default 0.001.
        weight_decay: default 0.004, >= 0.
        beta_1, beta_2, epsilon: as `Adam`.

    >>> w = np.array([1.0])
    >>> AdamW(learning_rate=0.1, weight_decay=0.5).apply([(w, np.array([4.0]))])
    >>> w.round(6)  # 1 - 0.1 * 0.5 * 1 = 0.95, then Adam's first step of the learning rate
    array([0.85])
    """

    name = "adamw"

    def __init__(
        self,
        learning_rate: float = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        if weight_decay is None:  # as Keras
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay)


class RMSprop(Optimizer):
    """RMSprop, as Keras: divide the gradient by a running root mean square.

    Update rule::

        v = rho * v + (1 - rho) * g**2
        w -= learning_rate * g / sqrt(v + epsilon)

    Args:
        learning_rate: default 0.001.
        rho: decay of the running average, in [0, 1), default 0.9.
        epsilon: added to v, > 0, default 1e-7.

    >>> w = np.array([1.0]); RMSprop(learning_rate=0.01, rho=0.0).apply([(w, np.array([2.0]))])
    >>> w.round(6)
    array([0.99])
    """

    name = "rmsprop"
    elementwise = True

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        epsilon: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.rho = check_number("rho", rho, 0, 1, high_inclusive=False)
        self.epsilon = _check_epsilon(epsilon)

    def _new_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {**super()._new_state(param), "v": np.zeros_like(param)}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        f = param.dtype.type
        v, tmp = state["v"], state["tmp"]
        np.multiply(grad, grad, out=tmp)
        tmp *= f(1 - self.rho)
        v *= f(self.rho)
        v += tmp
        np.add(v, f(self.epsilon), out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
        tmp *= f(self._lr)
        param -= tmp
        if self.iterations % FLUSH_EVERY == 0:
            _flush_tiny(v, tmp)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adagrad(Optimizer):
    """Adagrad, as Keras: each weight's step shrinks with the sum of its squared gradients.

    Update rule::

        accumulator += g**2                      # starts at initial_accumulator_value
        w -= learning_rate * g / sqrt(accumulator + epsilon)

    The state is the accumulator, stored as Keras stores it.

    Args:
        learning_rate: default 0.001.
        initial_accumulator_value: the accumulator's start, >= 0, default 0.1.
        epsilon: added to the accumulator, > 0, default 1e-7.

    >>> w = np.array([1.0]); Adagrad(learning_rate=0.1, initial_accumulator_value=0.0).apply(
    ...     [(w, np.array([2.0]))])
    >>> w.round(6)  # 1 - 0.1 * 2 / sqrt(4 + 1e-7)
    array([0.9])
    """

    name = "adagrad"
    elementwise = True

    def __init__(
        self,
        learning_rate: float = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.initial_accumulator_value = check_number(
            "initial_accumulator_value", initial_accumulator_value, 0
        )
        self.epsilon = _check_epsilon(epsilon)

    def _new_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        accumulator = np.full_like(param, self.initial_accumulator_value)
        return {**super()._new_state(param), "accumulator": accumulator}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]) -> None:
        f = param.dtype.type
        accumulator, tmp = state["accumulator"], state["tmp"]
        np.square(grad, out=tmp)
        accumulator += tmp  # accumulator += g^2
        np.add(accumulator, f(self.epsilon), out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
        tmp *= f(self._lr)
        param -= tmp  # w -= lr g / sqrt(accumulator + epsilon)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


_REGISTRY: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
}


def get(identifier: str | Optimizer) -> Optimizer:
    """The optimizer for a name ("adam", "adamw", "sgd", "rmsprop", "adagrad") with defaults,
    or an instance as given.

    Raises:
        ValueError: for an unknown name, listing the valid ones.

    >>> get("adam").learning_rate
    0.001
    """
    result: Optimizer = lookup("optimizer", identifier, _REGISTRY, Optimizer)
    return result


def from_config(config: dict[str, Any]) -> Optimizer:
    """Re-create an optimizer from `get_config()`."""
    config = dict(config)
    if isinstance(config.get("learning_rate"), dict):
        config["learning_rate"] = schedules.deserialize(config["learning_rate"])
    result: Optimizer = _REGISTRY[config.pop("name")](**config)
    return result


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
