"""Keras 3's weights file (`.weights.h5`, also `model.weights.h5` inside a `.keras` zip).

Keras 3 (`keras/src/saving/saving_lib.py`) addresses a layer by where it sits, not by its
name: the layers of a Sequential are `layers/<class in snake case>`, numbered from the
second of a class on (`layers/dense`, `layers/dense_1`), a nested model's inside it
(`layers/sequential/layers/dense`). Each holds a group `vars` (attribute `name`: the layer's
name) with its variables as datasets `0`, `1`, ... (Dense: kernel, bias). The optimizer's
are in `optimizer/vars`: the step count (int64), the learning rate, then each trainable
weight's slots in model order (Adam: momentum and velocity; SGD with momentum: momentum;
RMSprop: velocity). glassnet writes that layout, and reads it checking every shape before
anything is assigned.

h5py is an optional dependency (`pip install glassnet[h5]`), imported only here.

>>> import glassnet as gn
>>> model = gn.Sequential([gn.layers.Flatten(input_shape=(2, 2)), gn.layers.Dense(3),
...                        gn.layers.Dense(1)])
>>> [path for path, _ in keras_paths(model)]
['layers/flatten', 'layers/dense', 'layers/dense_1']
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np

from glassnet import _saved_checks
from glassnet._internal.checks import describe

__all__ = [
    "H5_DAMAGE",
    "HDF5_SIGNATURE",
    "h5py",
    "keras_paths",
    "optimizer_arrays",
    "optimizer_slots",
    "optimizer_state",
    "read_weights",
    "snake_case",
    "stored_shapes",
    "write_weights",
]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# What h5py raises on a damaged or crafted file (read from memory, so OSError is damage too).
H5_DAMAGE = (OSError, KeyError, TypeError, RuntimeError)
# glassnet's optimizer state kinds, in the order Keras keeps its slots per weight.
_SLOTS = {
    "adam": ("m", "v"),
    "adamw": ("m", "v"),
    "rmsprop": ("v",),
    "sgd": ("velocity",),
    "adagrad": ("accumulator",),
}


def h5py() -> Any:
    """The h5py module, or an ImportError that says how to install it."""
    try:
        import h5py as module
    except ImportError:
        raise ImportError(
            "Keras's .keras and .weights.h5 files need h5py: pip install h5py "
            "(or pip install 'glassnet[h5]')."
        ) from None
    return module


def snake_case(name: str) -> str:
    """Keras's `naming.to_snake_case`: "SparseCategoricalAccuracy" -> "sparse_categorical_accuracy".

    >>> snake_case("Dense"), snake_case("InputLayer"), snake_case("RMSprop")
    ('dense', 'input_layer', 'rm_sprop')
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def keras_paths(model: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, layer) for every layer of `model` (nested models too), as Keras names them.

    An `InputLayer` is not a tracked layer in Keras's Sequential, so it has no path.
    """
    found: list[tuple[str, Any]] = []
    used: dict[str, int] = {}
    for layer in model.layers:
        kind = snake_case(type(layer).__name__)
        if kind == "input_layer":
            continue
        count = used.get(kind, -1) + 1
        used[kind] = count
        path = f"{prefix}layers/{kind}" + (f"_{count}" if count else "")
        found.append((path, layer))
        if hasattr(layer, "layers"):
            found.extend(keras_paths(layer, prefix=path + "/"))
    return found


def optimizer_slots(optimizer: Any) -> tuple[str, ...] | None:
    """The glassnet state kinds Keras keeps per weight for this optimizer, or None when
    Keras's optimizer of that name keeps other state."""
    name: Any = getattr(optimizer, "name", None)
    if name == "sgd" and not optimizer.momentum:
        return ()
    return _SLOTS.get(name)


# -- writing ------------------------------------------------------------------------------
def write_weights(model: Any) -> bytes:
    """The bytes of a Keras 3 weights file for `model` (built), optimizer state included."""
    h5 = h5py()
    buffer = io.BytesIO()
    with h5.File(buffer, "w") as file:
        layers = file.create_group("layers")
        for path, layer in keras_paths(model):
            group = layers.require_group(path[len("layers/") :]).create_group("vars")
            group.attrs["name"] = layer.name
            if not hasattr(layer, "layers"):
                for i, value in enumerate(layer.params.values()):
                    group.create_dataset(str(i), data=np.asarray(value, np.float32))
        if model.optimizer is not None:
            _write_optimizer(file.create_group("optimizer").create_group("vars"), model)
        file.create_group("vars").attrs["name"] = model.name
    return buffer.getvalue()


def _write_optimizer(group: Any, model: Any) -> None:
    group.attrs["name"] = model.optimizer.name
    for i, value in enumerate(optimizer_arrays(model)):
        group.create_dataset(str(i), data=value)


def optimizer_arrays(model: Any) -> list[np.ndarray]:
    """The optimizer's variables as Keras orders them: the step count (int64), the learning
    rate (float32; none for a schedule), then each weight's slots, in model order (none
    before the first step, as Keras writes an optimizer that was never built)."""
    optimizer = model.optimizer
    arrays = [np.asarray(optimizer.iterations, np.int64)]
    if optimizer.learning_rate_schedule is None:  # Keras keeps no variable for a schedule
        arrays.append(np.asarray(optimizer.learning_rate, np.float32))
    slots = optimizer_slots(optimizer)
    state = optimizer.get_state()
    weights = model.get_weights()
    sizes = [w.size for w in weights]
    joined = {}
    for kind in slots or ():
        parts = [state.get(f"{i}/{kind}") for i in range(len(model.weight_pairs))]
        if not parts or any(part is None for part in parts):
            return arrays  # no state yet (never trained)
        joined[kind] = np.concatenate([part.reshape(-1) for part in parts])
        if joined[kind].size != sum(sizes):
            return arrays
    if not all(getattr(leaf, "trainable", True) for leaf in model.leaves()):
        return arrays  # Keras keeps slots for trainable weights only
    ends = np.cumsum([0, *sizes])
    for i, weight in enumerate(weights):
        for kind in slots or ():
            part = joined[kind][ends[i] : ends[i + 1]]
            arrays.append(part.reshape(weight.shape).astype(np.float32))
    return arrays


# -- reading ------------------------------------------------------------------------------
def read_weights(data: bytes, model: Any, shown: str, optimizer: bool = True) -> None:
    """Assign the weights of a Keras 3 weights file (its bytes) to `model`, which must be
    built. Every shape is checked before any weight changes; with `optimizer`, the
    optimizer's state is restored when it fits (else left as it is).

    Raises:
        ValueError: not an HDF5 file, a layer or weight missing, a shape that differs, or
            values that are NaN, infinite or beyond float32; the message names the file.
    """
    h5 = h5py()
    if not data.startswith(HDF5_SIGNATURE):
        raise ValueError(f"{shown} is not a Keras weights file (not HDF5).")
    try:
        with h5.File(io.BytesIO(data), "r") as file:
            values = _read_layers(file, model, shown)
            state = _read_optimizer(file, model, shown) if optimizer else None
    except H5_DAMAGE as error:
        raise ValueError(f"{shown} is a damaged HDF5 file ({error}).") from None
    targets = [leaf.params[k] for leaf in model.leaves() for k in leaf.params]
    for target, value in zip(targets, values, strict=True):
        target[...] = value
    if state is not None:
        model.optimizer.set_state(*state)


def _read_layers(file: Any, model: Any, shown: str) -> list[np.ndarray]:
    values = []
    for path, layer in keras_paths(model):
        if hasattr(layer, "layers"):
            continue
        params = layer.params
        group = file.get(f"{path}/vars")
        if group is None:
            if not params:
                continue
            raise ValueError(
                f"{shown} has no weights for layer '{layer.name}' (at {path}): it was saved "
                "from a model with other layers."
            )
        if len(group) != len(params):
            raise ValueError(
                f"{shown}: layer '{layer.name}' (at {path}) has {len(params)} weights, but "
                f"the file holds {len(group)}."
            )
        for i, (key, target) in enumerate(params.items()):
            dataset = group.get(str(i))
            if not isinstance(dataset, _dataset_type()) or dataset.shape != target.shape:
                got = getattr(dataset, "shape", describe(dataset))
                raise ValueError(
                    f"{shown}: layer '{layer.name}' {key} should have shape {target.shape}, "
                    f"but the file holds {got}."
                )
            what = f"{shown}: layer '{layer.name}' {key}"
            values.append(_saved_checks.finite(np.asarray(dataset[()]), what))
    return values


def stored_shapes(data: bytes, model: Any, shown: str) -> list[tuple[int, ...]]:
    """The shapes of the weights the file holds for `model`'s layers, in layer order,
    read without reading the weights (to check them before the model is built)."""
    h5 = h5py()
    if not data.startswith(HDF5_SIGNATURE):
        raise ValueError(f"{shown} is not a Keras weights file (not HDF5).")
    shapes = []
    try:
        with h5.File(io.BytesIO(data), "r") as file:
            for path, layer in keras_paths(model):
                group = file.get(f"{path}/vars")
                if hasattr(layer, "layers") or group is None:
                    continue
                for i in range(len(group)):
                    dataset = group.get(str(i))
                    if not isinstance(dataset, h5.Dataset):
                        raise ValueError(f"{shown}: {path}/vars holds no weight {i}: damaged.")
                    shapes.append(tuple(dataset.shape))
    except H5_DAMAGE as error:
        raise ValueError(f"{shown} is a damaged HDF5 file ({error}).") from None
    return shapes


def _dataset_type() -> Any:  # h5py.Dataset
    return h5py().Dataset


def _read_optimizer(
    file: Any, model: Any, shown: str
) -> tuple[dict[str, np.ndarray], list[np.ndarray]] | None:
    group = file.get("optimizer/vars")
    if group is None or not all(str(i) in group for i in range(len(group))):
        return None
    return optimizer_state(model, [group[str(i)] for i in range(len(group))], shown)


def optimizer_state(
    model: Any, stored: list[Any], shown: str
) -> tuple[dict[str, np.ndarray], list[np.ndarray]] | None:
    """What `model.optimizer.set_state` takes, from the optimizer variables of a Keras file
    (arrays or h5py datasets, in Keras's order), or None when they do not fit the model's
    optimizer: another optimizer, or one that never stepped, starts afresh (as Keras, which
    warns). A count of steps alone is applied at once. Shapes are checked before reading.
    """
    optimizer = model.optimizer
    slots = optimizer_slots(optimizer) if optimizer is not None else None
    shapes = [w.shape for w in model.get_weights()]
    # The step count, then the learning rate unless it is a schedule, then the slots.
    head = 1 if optimizer is not None and optimizer.learning_rate_schedule is not None else 2
    if slots is None or len(stored) != head + len(slots) * len(shapes):
        return None
    if any(
        tuple(s.shape) != shape
        for s, shape in zip(stored[head:], _repeat(shapes, slots), strict=True)
    ):
        return None
    steps = np.asarray(stored[0][()])
    if steps.shape != () or steps.dtype.kind not in "iu" or not 0 <= int(steps) <= 2**53:
        return None
    if not slots or not shapes:
        optimizer.iterations = int(steps)
        return None
    found: dict[str, list[np.ndarray]] = {kind: [] for kind in slots}
    for i, dataset in enumerate(stored[head:]):
        kind = slots[i % len(slots)]
        what = f"{shown}: optimizer variable {i + head}"
        found[kind].append(_saved_checks.finite(np.asarray(dataset[()]), what))
    params = [w for w, _ in model.weight_pairs]
    ends = np.cumsum([w.size for w in params])[:-1]
    state: dict[str, np.ndarray] = {"iterations": np.array(int(steps))}
    for kind, arrays in found.items():
        vector = np.concatenate([a.reshape(-1) for a in arrays])
        state.update({f"{i}/{kind}": p for i, p in enumerate(np.split(vector, ends))})
    return state, params


def _repeat(shapes: list[tuple[int, ...]], slots: tuple[str, ...]) -> list[tuple[int, ...]]:
    return [shape for shape in shapes for _ in slots]
