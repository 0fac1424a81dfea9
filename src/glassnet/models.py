"""`gn.models`, Keras's `keras.models` namespace: `Sequential`, `Model` and `load_model`.

The same objects as `gn.Sequential`, `gn.Model` and `gn.load_model`, so that
`tf.keras.models.Sequential([...])` runs as `gn.models.Sequential([...])`.

>>> import glassnet as gn
>>> model = gn.models.Sequential([gn.layers.Dense(2, input_shape=(3,))])
>>> model.output_shape, gn.models.load_model is gn.load_model
((None, 2), True)
"""

from glassnet.model import Model, Sequential
from glassnet.saving import load_model

__all__ = ["Model", "Sequential", "load_model"]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
