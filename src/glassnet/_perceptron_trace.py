"""What `Perceptron.fit` records: one `EpochRecord` per epoch, one `Update` per step of the
learning rule, and the warning for a run that ends with points still misclassified.

>>> import numpy as np
>>> record = EpochRecord(epoch=1, errors=0, weights=np.array([3.0, -2.0]), bias_weight=-1.0)
>>> record.errors, record.updates
(0, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["ConvergenceWarning", "EpochRecord", "Update"]


class ConvergenceWarning(UserWarning):
    """`Perceptron.fit` ended with points still misclassified."""


@dataclass
class Update:
    """One step of the perceptron learning rule, made for one misclassified point.

    Attributes:
        index: the row of the point in the data given to `fit`.
        x: the point's inputs.
        target: 1 if the point belongs to the positive class, else 0.
        predicted: 1 if the perceptron put it in the positive class, else 0.
        z: the net input before the update.
        delta_weights: the change made to the weights, `lr * (target - predicted) * x`.
        delta_bias_weight: the change made to the bias weight, `lr * (target - predicted) * bias`.
    """

    index: int
    x: np.ndarray
    target: int
    predicted: int
    z: float
    delta_weights: np.ndarray
    delta_bias_weight: float


@dataclass
class EpochRecord:
    """What one epoch of `Perceptron.fit` did.

    Attributes:
        epoch: the epoch number, from 1.
        errors: how many points were misclassified (and so updated) during the epoch.
        updates: one `Update` per misclassified point, in the order they were made.
        weights: the weights at the end of the epoch.
        bias_weight: the bias weight at the end of the epoch.
    """

    epoch: int
    errors: int
    updates: list[Update] = field(default_factory=list)
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bias_weight: float = 0.0
