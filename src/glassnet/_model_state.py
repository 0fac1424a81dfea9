"""The model's speed trick and its state, kept in one place: packed weights and generators.

Packing: every layer's `params` (and `grads`) become views into one contiguous float32
vector, so an optimizer updates all weights in a few NumPy calls instead of one call per
array. It happens once, when the model is built; the layers' arrays stay the same objects
for the model's whole life.

Spans: a model whose layers are not all trainable hands the optimizer only the runs of
its vectors that hold trainable weights (`spans`), as views, so frozen weights are never
touched and nothing is copied; the usual all-trainable model gets its whole vectors.

Generators: the states of the shuffling generator and of each layer's (Dropout's), as
JSON-ready dicts, so a saved model continues exactly where it stopped.

>>> import glassnet as gn
>>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,)), gn.layers.Dense(1)]); m.build()
>>> [w.size for w, _ in m.weight_pairs]
[11]
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from glassnet.layers import DTYPE, Layer

__all__ = ["pack", "pack_weights", "rng_state", "set_rng_state", "spans"]

Pair = tuple[np.ndarray, np.ndarray]


def pack(layers: list[Layer], packed_by_layer: dict[Layer, Pair]) -> list[Pair]:
    """The (weights, gradients) pairs of `layers`, packing the layers not packed before.

    A layer packed before (it is in `packed_by_layer`) keeps its arrays, and a model nested
    here brings its own pairs, so references taken earlier stay live.
    """
    pairs: list[Pair] = []
    fresh: list[Layer] = []

    def pack_fresh() -> None:
        if fresh:
            pair = pack_weights(fresh)
            packed_by_layer.update(dict.fromkeys(fresh, pair))
            pairs.append(pair)
            fresh.clear()

    for layer in layers:
        if hasattr(layer, "packed_pairs"):  # a nested model
            pack_fresh()
            pairs.extend(layer.packed_pairs)
        elif layer.params:
            pair = packed_by_layer.get(layer)
            if pair is None:
                fresh.append(layer)
                continue
            pack_fresh()
            if not any(pair is known for known in pairs):
                pairs.append(pair)
    pack_fresh()
    return pairs


def pack_weights(leaves: list[Layer]) -> Pair:
    """One contiguous vector for the weights of `leaves` and one for their gradients.

    Each leaf's `params` and `grads` arrays become views into them, with their values.
    """
    total = sum(value.size for leaf in leaves for value in leaf.params.values())
    weights = np.empty(total, dtype=DTYPE)
    gradients = np.zeros(total, dtype=DTYPE)
    offset = 0
    for leaf in leaves:
        for key, value in leaf.params.items():
            end = offset + value.size
            weights[offset:end] = value.reshape(-1)
            leaf.params[key] = weights[offset:end].reshape(value.shape)
            leaf.grads[key] = gradients[offset:end].reshape(value.shape)
            offset = end
    return weights, gradients


def spans(pairs: list[Pair], leaves: list[Layer]) -> list[Pair]:
    """The runs of `pairs` that hold the weights of `leaves`, as (weights, gradients) views
    in vector order; a pair whose every weight belongs to `leaves` comes back as it is.

    >>> import glassnet as gn
    >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,)), gn.layers.Dense(1)]); m.build()
    >>> [w.size for w, _ in spans(m.packed_pairs, m.layers[1:])]  # 2 x 1 + 1
    [3]
    """
    found: list[Pair] = []
    for weights, gradients in pairs:
        base, item = weights.__array_interface__["data"][0], weights.itemsize
        runs = []
        for leaf in leaves:
            for value in leaf.params.values():
                start = (value.__array_interface__["data"][0] - base) // item
                if value.size and 0 <= start and start + value.size <= weights.size:
                    runs.append([start, start + value.size])
        runs.sort()
        merged: list[list[int]] = []
        for start, end in runs:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            if start == 0 and end == weights.size:
                found.append((weights, gradients))
            else:
                found.append((weights[start:end], gradients[start:end]))
    return found


def _generator(state: dict[str, Any], rng: np.random.Generator | None) -> np.random.Generator:
    """`rng` (or a new generator of the same kind) set to `state`."""
    kind = state["bit_generator"]
    if rng is None or type(rng.bit_generator).__name__ != kind:
        rng = np.random.Generator(getattr(np.random, kind)())
    rng.bit_generator.state = state
    return rng


def rng_state(shuffle: np.random.Generator | None, leaves: list[Layer]) -> dict[str, Any]:
    """{"shuffle": the shuffling generator's state (None before the first fit), "layers":
    {leaf index: state} for the leaves with a generator}; each is `bit_generator.state`."""
    return {
        "shuffle": None if shuffle is None else shuffle.bit_generator.state,
        "layers": {
            str(i): leaf.rng.bit_generator.state
            for i, leaf in enumerate(cast("list[Any]", leaves))  # those with an rng
            if isinstance(getattr(leaf, "rng", None), np.random.Generator)
        },
    }


def set_rng_state(
    state: dict[str, Any], shuffle: np.random.Generator | None, leaves: list[Layer]
) -> np.random.Generator | None:
    """Set the leaves' generators to `state`; return the shuffling generator set likewise."""
    for index, leaf_state in (state.get("layers") or {}).items():
        leaf: Any = leaves[int(index)]
        leaf.rng = _generator(leaf_state, getattr(leaf, "rng", None))
    if state.get("shuffle") is not None:
        return _generator(state["shuffle"], shuffle)
    return shuffle
