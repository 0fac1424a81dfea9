"""What a Sequential shows of its layers, as Keras: `get_layer`, `trainable`, the weight lists.

`ModelLayers` is a base of `model.Model` (so of `Sequential`); it reads the model's
`layers`, `leaves()` and `_build_if_shape_known()`.

>>> import glassnet as gn
>>> m = gn.Sequential([gn.Input(shape=(3,)), gn.layers.Dense(2, name="hidden"),
...                    gn.layers.Dense(1)])
>>> m.get_layer("hidden").trainable = False
>>> [w.shape for w in m.trainable_weights], [w.shape for w in m.non_trainable_weights]
([(2, 1), (1,)], [(3, 2), (2,)])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._internal.checks import check_int
from glassnet._layer_api import LayerAPI

__all__ = ["ModelLayers"]


class ModelLayers:
    """`get_layer`, `trainable` (for the whole model), `weights`, `trainable_weights` and
    `non_trainable_weights` of a model."""

    name: str
    layers: list[Any]

    if TYPE_CHECKING:  # Sequential's (model.py), the class ModelLayers is a base of

        def leaves(self) -> list[Any]: ...
        def _build_if_shape_known(self) -> None: ...

    @property
    def trainable(self) -> bool:
        """Whether `fit` trains the model; setting it sets every layer inside (as Keras),
        so `model.trainable = False` freezes all its weights and `True` unfreezes them.
        A frozen model's layers stay frozen whatever their own flag says.

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,)), gn.layers.Dense(1)])
        >>> m.layers[0].trainable = False
        >>> len(m.trainable_weights), len(m.non_trainable_weights), len(m.weight_pairs[0][0])
        (2, 2, 3)
        """
        result: bool = LayerAPI.trainable.fget(self)  # type: ignore[attr-defined]  # mypy: property
        return result

    @trainable.setter
    def trainable(self, value: bool) -> None:
        LayerAPI.trainable.fset(self, value)  # type: ignore[attr-defined]  # mypy: property
        for layer in getattr(self, "layers", ()):  # none yet while Layer.__init__ runs
            layer.trainable = value

    def _trainable_leaves(self) -> list[Any]:
        if not self.trainable:
            return []
        found: list[Any] = []
        for layer in self.layers:
            if isinstance(layer, ModelLayers):
                found.extend(layer._trainable_leaves())
            elif layer.trainable:
                found.append(layer)
        return found

    @property
    def weights(self) -> list[np.ndarray]:
        """Every weight array (live), layer by layer, kernel then bias, as Keras; the model
        is built first when its input shape is known, else the list is empty."""
        self._build_if_shape_known()
        return [value for leaf in self.leaves() for value in leaf.params.values()]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The weights that `fit` updates, in `weights` order."""
        self._build_if_shape_known()
        return [value for leaf in self._trainable_leaves() for value in leaf.params.values()]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        """The weights of frozen layers (`trainable = False`), in `weights` order."""
        trainable = {id(leaf) for leaf in self._trainable_leaves()}
        leaves = [leaf for leaf in self.leaves() if id(leaf) not in trainable]
        return [value for leaf in leaves for value in leaf.params.values()]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Any:
        """The layer called `name`, or at position `index` in `layers`, as Keras.

        Raises:
            ValueError: for both or neither, an unknown name, or an index out of range.

        >>> import glassnet as gn
        >>> m = gn.Sequential([gn.layers.Dense(2, name="hidden"), gn.layers.Dense(1)])
        >>> m.get_layer("hidden") is m.get_layer(index=0)
        True
        """
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            index = check_int("index", index)
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: "
                f"{[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")
