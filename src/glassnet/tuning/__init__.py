"""Tuning the settings you choose (the hyperparameters), not the weights the network learns.

| function             | what it does                                                    |
|----------------------|-----------------------------------------------------------------|
| `find_learning_rate` | the learning-rate range test: one short run with a rate rising  |
|                      | exponentially; the loss per rate, a suggested rate and a figure |
| `sweep`              | a grid of settings trained one after the other, every run of    |
|                      | one architecture from the same starting weights                 |
| `compare`            | a sweep's runs side by side: the settings that differ beside    |
|                      | the best validation loss, its epoch and the time                |

>>> import numpy as np, glassnet as gn
>>> x = np.linspace(-1, 1, 32).reshape(-1, 1); y = 2 * x
>>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
>>> model.compile(optimizer="sgd", loss="mse")
>>> before = model.get_weights()
>>> found = gn.tuning.find_learning_rate(model, x, y, start=1e-3, end=10, steps=30, seed=0)
>>> all((a == b).all() for a, b in zip(before, model.get_weights()))  # left as it was
True
"""

from glassnet.tuning._compare import Comparison, compare
from glassnet.tuning._lr_finder import LearningRateRange, find_learning_rate
from glassnet.tuning._sweep import SweepRun, sweep

__all__ = ["Comparison", "LearningRateRange", "SweepRun", "compare", "find_learning_rate", "sweep"]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
