"""The sums `fit` adds up batch by batch for its logged metrics (accuracy, MAE, MSE).

Summing per batch, and dividing by the samples seen at the end of the epoch, gives the
same number as the metric over the whole epoch (as Keras logs it).

>>> import numpy as np
>>> class Loss:
...     accuracy_kind, from_logits = "sparse", True
>>> metric_sum("accuracy", Loss(), np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
1.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["metric_sum"]


def metric_sum(name: str, loss: Any, outputs: np.ndarray, targets: np.ndarray) -> float:
    """The sum over a batch of metric `name` ("accuracy", "mae" or "mse") for `loss`'s targets.

    Accuracy follows the loss (`loss.accuracy_kind`: "sparse", "categorical" or "binary";
    a binary output counts as 1 above 0 for logits, above 0.5 for probabilities).
    """
    if name == "mae":
        diff = outputs - targets.reshape(outputs.shape)
        return float(np.abs(diff).reshape(len(outputs), -1).mean(axis=1).sum())
    if name == "mse":
        diff = outputs - targets.reshape(outputs.shape)
        return float((diff * diff).reshape(len(outputs), -1).mean(axis=1).sum())
    kind = loss.accuracy_kind
    if kind == "sparse":
        return float(np.count_nonzero(outputs.argmax(axis=1) == targets))
    if kind == "categorical":
        return float(np.count_nonzero(outputs.argmax(axis=1) == targets.argmax(axis=1)))
    threshold = 0.0 if loss.from_logits else 0.5
    hits = (outputs > threshold) == (targets.reshape(outputs.shape) > 0.5)
    return float(hits.reshape(len(outputs), -1).mean(axis=1).sum())
