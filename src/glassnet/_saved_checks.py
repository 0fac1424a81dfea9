"""What a loaded model file must hold before glassnet builds anything from it.

`saving.load_model` trusts nothing in a file: each function here checks one part of what
it read (the JSON config, the layer entries, the input shape, the weight arrays and their
shapes, the random-generator states) and raises a ValueError or TypeError that names the
file and the fault. Every size is checked against the arrays present before anything is
allocated, so a file can't make glassnet build more than it holds.

>>> parse_config(b'{"format": "glassnet", "version": 2}', "'m.glassnet'")
{'format': 'glassnet', 'version': 2}
>>> finite(np.array([1.0, np.nan]), "'m.glassnet': weight/0")
Traceback (most recent call last):
ValueError: 'm.glassnet': weight/0 holds NaN or infinity: the model was saved broken, or damaged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import layers as layers_module
from glassnet._internal.checks import check_weight_count, describe

__all__ = [
    "FORMAT",
    "MAX_INPUT_VALUES",
    "VERSION",
    "check_layer_entries",
    "check_shapes",
    "expected_shapes",
    "finite",
    "input_shape",
    "mapping",
    "parse_config",
    "rng_state",
    "weight_arrays",
]

FORMAT = "glassnet"
VERSION = 2
# The most values one input sample may have in a loaded model (a 46,000 x 46,000 image).
MAX_INPUT_VALUES = 2**31
FLOAT32_MAX = float(np.finfo(np.float32).max)
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


# The deepest a model file's JSON config may nest: a Sequential inside a Sequential adds
# three levels, and 300 nested Sequentials still load. Checked without recursion, so what a
# file may hold does not depend on the interpreter's recursion limit (mypy, for one, raises
# it for the whole process).
MAX_CONFIG_DEPTH = 2000


def config_depth(value: Any) -> int:
    """How deeply dicts and lists nest in `value` (0 for a number or a string).

    >>> config_depth({"a": [1, {"b": []}]})
    4
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return deepest


def check_config_depth(config: Any, shown: str) -> None:
    """Refuse a config nested deeper than MAX_CONFIG_DEPTH, as damaged, naming `shown`."""
    if config_depth(config) > MAX_CONFIG_DEPTH:
        raise ValueError(f"{shown} is not a glassnet model file (its config is nested too deeply).")


def parse_config(data: bytes, shown: str) -> dict[str, Any]:
    try:
        config = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError(
            f"{shown} is not a glassnet model file (its config is nested too deeply)."
        ) from None
    except ValueError:  # incl. UnicodeDecodeError, JSONDecodeError, int digits limit
        raise ValueError(
            f"{shown} is not a glassnet model file (its config is not JSON)."
        ) from None
    check_config_depth(config, shown)
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{shown} is not a glassnet model file (no glassnet config).")
    version = config.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{shown} has an invalid format version {version!r}: damaged.")
    if version > VERSION:
        raise ValueError(
            f"{shown} has format version {version!r}; this glassnet reads versions up to "
            f"{VERSION}. Upgrade glassnet."
        )
    return config


def check_layer_entries(entry: dict[str, Any], shown: str) -> None:
    """Each layer entry of the (nested) model config is {"class_name": str, "config": {}}."""
    pending, count = [(entry, "the model")], 0
    while pending:  # a loop, not recursion: the nesting may be deep
        node, where = pending.pop()
        count += 1
        if not isinstance(node, dict) or not isinstance(node.get("class_name"), str):
            raise ValueError(
                f"{shown}: {where} should be an object with a class_name, got {describe(node)}."
            )
        settings = node.get("config")
        if not isinstance(settings, dict):
            raise ValueError(
                f"{shown}: the config of {where} should be an object, got {describe(settings)}."
            )
        if node["class_name"] == "Sequential":
            layers = settings.get("layers")
            if not isinstance(layers, list):
                raise ValueError(
                    f"{shown}: the layers of {where} should be a list, got {describe(layers)}."
                )
            pending.extend((layer, f"layer {i} of {where}") for i, layer in enumerate(layers))


def mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{what} should be a JSON object, got {describe(value)}")
    return value


def input_shape(value: Any, shown: str) -> tuple[int, ...] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not value or len(value) > 32:
        raise ValueError(f"{shown}: input_shape {describe(value)} is not a list of 1-32 sizes.")
    total = 1
    for size in value:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(
                f"{shown}: input_shape {describe(value)} holds a size that is not >= 1."
            )
        total *= size
    if total > MAX_INPUT_VALUES:
        raise ValueError(
            f"{shown}: input_shape {describe(value)} means {total:,} values per sample, more "
            f"than the {MAX_INPUT_VALUES:,} glassnet loads. Damaged?"
        )
    return tuple(value)


def weight_arrays(arrays: dict[str, np.ndarray], shown: str) -> list[np.ndarray]:
    """weight/0, weight/1, ... in order; nothing missing, nothing else named weight/."""
    names = [key for key in arrays if key.startswith("weight/")]
    expected = [f"weight/{i}" for i in range(len(names))]
    if sorted(names) != sorted(expected):
        raise ValueError(
            f"{shown} holds weight arrays named {sorted(names)[:5]}..., not weight/0 to "
            f"weight/{len(names) - 1}: damaged."
        )
    return [arrays[key] for key in expected]


def check_layer_sizes(leaves: list[Any]) -> None:
    """Refuse a Dense layer that could never be built: its `units` alone (one input, and
    the biases) pass `layers.MAX_LAYER_WEIGHTS`. Checked whether or not the model is built,
    so an unbuilt model declaring Dense(10**12) fails at loading, not at its first use."""
    dense: Any = layers_module.get("Dense")
    for leaf in leaves:
        if isinstance(leaf, dense):
            count = (1 + leaf.use_bias) * leaf.units
            detail = f"at least one input x {leaf.units:,} units"
            check_weight_count(leaf.name, count, detail, layers_module.MAX_LAYER_WEIGHTS)


def expected_shapes(
    leaves: list[Any], input_shape: tuple[int, ...] | None
) -> list[tuple[str, str, tuple[int, ...]]] | None:
    """The weight shapes the layers will create, worked out without creating them; None
    when a layer of unknown kind (a user's registered class) is in the way."""
    if input_shape is None:
        return []
    dense: Any = layers_module.get("Dense")
    without = tuple(layers_module.get(n) for n in ("Flatten", "Dropout", "Activation"))
    shapes: list[tuple[str, str, tuple[int, ...]]] = []
    shape = tuple(input_shape)
    for leaf in leaves:
        if type(leaf) is dense:
            if len(shape) != 1:
                return None  # build says what is wrong, before allocating anything
            shapes.append((leaf.name, "kernel", (shape[0], leaf.units)))
            if leaf.use_bias:
                shapes.append((leaf.name, "bias", (leaf.units,)))
        elif not isinstance(leaf, without):
            return None
        shape = tuple(leaf.compute_output_shape(shape))
    return shapes


def check_shapes(
    expected: list[tuple[str, str, tuple[int, ...]]], weights: Sequence[Any], shown: str
) -> None:
    if len(weights) != len(expected):
        raise ValueError(
            f"{shown} holds {len(weights)} weight arrays, but its architecture has {len(expected)}."
        )
    for (layer, key, shape), stored in zip(expected, weights, strict=True):
        if stored.shape != tuple(shape):
            raise ValueError(
                f"{shown}: layer '{layer}' {key} should have shape {tuple(shape)} for its "
                f"architecture, but the file holds shape {stored.shape}."
            )


def finite(array: np.ndarray, what: str) -> np.ndarray:
    """`array` as float32, or a ValueError if it holds NaN, infinity or beyond float32."""
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{what} holds values of type {array.dtype}, not numbers.")
    values = array.astype(np.float64, copy=False)
    if not np.isfinite(values).all():
        raise ValueError(f"{what} holds NaN or infinity: the model was saved broken, or damaged.")
    if values.size and np.abs(values).max() > FLOAT32_MAX:
        raise ValueError(f"{what} holds values beyond float32's range (±3.4e38): damaged.")
    return values.astype(np.float32)


def rng_state(config: dict[str, Any], leaves: list[Any], shown: str) -> dict[str, Any]:
    """The random-generator states of the config, each checked on a generator of its own."""
    shuffle = config.get("shuffle_rng")
    layer_states = config.get("layer_rngs") or {}
    if not isinstance(layer_states, dict):
        raise ValueError(
            f"{shown}: layer_rngs should be a JSON object, got {describe(layer_states)}"
        )
    if shuffle is not None:
        check_generator(shuffle, f"{shown}: shuffle_rng")
    for index, state in layer_states.items():
        if not (index.isdigit() and int(index) < len(leaves)) or not hasattr(
            leaves[int(index)], "rng"
        ):
            raise ValueError(
                f"{shown}: layer_rngs names layer {index!r}, which is not one of its "
                f"{len(leaves)} layers with a random generator."
            )
        check_generator(state, f"{shown}: layer_rngs[{index!r}]")
    return {"shuffle": shuffle, "layers": layer_states}


def check_generator(state: Any, what: str) -> None:
    if not isinstance(state, dict) or state.get("bit_generator") not in BIT_GENERATORS:
        raise ValueError(f"{what} is not the state of a NumPy bit generator ({describe(state)}).")
    if not only_ints(state.get("state")):
        raise ValueError(f"{what} holds values that are not whole numbers.")
    trial = getattr(np.random, state["bit_generator"])()
    try:
        trial.state = state
    except (ValueError, TypeError, KeyError, OverflowError, IndexError) as error:
        raise ValueError(f"{what} is not a valid generator state ({error}).") from None


def only_ints(value: Any) -> bool:
    if isinstance(value, dict):
        return all(only_ints(v) for v in value.values())
    if isinstance(value, list):
        return all(only_ints(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)
