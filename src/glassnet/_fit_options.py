"""fit's batch plan and validation schedule: `steps_per_epoch` and `validation_freq`, as Keras 3.

`EpochBatches` says which samples each step of each epoch trains on (Keras's epoch
iterator for NumPy arrays); `validates` says after which epochs fit validates.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from glassnet._internal.checks import check_int, describe

__all__ = ["EpochBatches", "check_validation_freq", "validates"]


class EpochBatches:
    """The sample indices of each step of each epoch, as Keras's epoch iterator for arrays.

    Without `steps_per_epoch`, every epoch is one pass over the data, reshuffled (if
    `shuffle`) at its start. With it, an epoch is the next `steps_per_epoch` batches of
    the current pass; a new pass (new shuffle) begins once the last one has been used, and
    an epoch that reaches the end of a pass stops there, with a warning, as Keras 3 does.

    >>> plan = EpochBatches(8, 2, shuffle=False, steps_per_epoch=2)  # 4 batches a pass
    >>> [[i.tolist() for i in plan.epoch(e)] for e in range(3)]
    [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[0, 1], [2, 3]]]
    """

    def __init__(
        self,
        n: int,
        batch_size: int,
        shuffle: bool,
        steps_per_epoch: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.n, self.batch_size, self.shuffle, self.rng = n, batch_size, shuffle, rng
        self.steps_per_epoch = steps_per_epoch
        self.num_batches = math.ceil(n / batch_size)
        self.steps = steps_per_epoch or self.num_batches
        self._order: np.ndarray | None = None  # the current pass; None: start a new one
        self._next = 0  # the next batch of the current pass

    def epoch(self, epoch: int = 0) -> Iterator[np.ndarray]:
        """Yield the index array of each step of one epoch."""
        if self._order is None or self.steps_per_epoch is None:
            self._order = (
                cast(np.random.Generator, self.rng).permutation(self.n)
                if self.shuffle
                else np.arange(self.n)
            )
            self._next = 0
        order, size = self._order, self.batch_size
        for step in range(self.steps):
            if self._next >= self.num_batches:
                warnings.warn(
                    f"fit(steps_per_epoch={self.steps_per_epoch}): the pass over the "
                    f"{self.n} samples ended after {step} step(s) of epoch {epoch + 1}; "
                    "the next epoch starts a new pass (as Keras). Use steps_per_epoch <= "
                    f"{self.num_batches} (samples / batch_size) to avoid short epochs.",
                    UserWarning,
                    stacklevel=4,
                )
                break
            start = self._next * size
            self._next += 1
            yield order[start : start + size]
        if self._next >= self.num_batches:
            self._order = None


def check_validation_freq(validation_freq: Any) -> int | tuple[int, ...]:
    """An int >= 1, or the sorted (1-based) epochs of a list, else a TypeError/ValueError.

    >>> check_validation_freq(2), check_validation_freq([10, 1, 5])
    (2, (1, 5, 10))
    """
    if isinstance(validation_freq, (list, tuple)):
        return tuple(sorted({check_int("validation_freq entry", e, 1) for e in validation_freq}))
    if isinstance(validation_freq, bool) or not isinstance(validation_freq, int):
        raise TypeError(
            "validation_freq must be an integer >= 1 or a list of epochs (counted from 1), "
            f"got {describe(validation_freq)}."
        )
    return check_int("validation_freq", validation_freq, minimum=1)


def validates(epoch: int, validation_freq: int | tuple[int, ...]) -> bool:
    """True if fit validates after `epoch` (0-based), as Keras's `_should_eval`.

    >>> [e for e in range(6) if validates(e, 2)], [e for e in range(6) if validates(e, (1, 5))]
    ([1, 3, 5], [0, 4])
    """
    if isinstance(validation_freq, tuple):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0
