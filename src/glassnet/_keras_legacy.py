"""Keras's legacy HDF5 model file (`model.save("m.h5")`), as Keras 3 still writes and reads it.

Keras 3 (`keras/src/legacy/saving/legacy_h5_format.py`) keeps in one HDF5 file

- the attributes `model_config` (the model as JSON, its layers without "module" keys) and
  `training_config` (loss, metrics and `optimizer_config`), `keras_version`, `backend`;
- a group `model_weights` whose attribute `layer_names` lists the model's layers, each a
  group whose attribute `weight_names` lists its weights' datasets (a nested model's
  weights are all in its group);
- a group `optimizer_weights` with the optimizer's variables in Keras's order
  (`_keras_h5.optimizer_arrays`).

Keras pairs the file's layers that have weights with the model's, in order; so does
glassnet. `.keras` is Keras's recommended format; this one is here because tutorials still
save `my_model.h5`. Needs h5py (`pip install glassnet[h5]`).

>>> import glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
>>> legacy_config(model)["config"]["layers"][1]["class_name"]
'Dense'
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

import numpy as np

from glassnet import _keras_file, _keras_h5, _saved_checks
from glassnet._internal.files import atomic_write

__all__ = [
    "is_legacy",
    "legacy_config",
    "load_legacy",
    "load_legacy_weights",
    "read_legacy_weights",
    "save_legacy",
]

_LAYER_KEYS = ("module", "registered_name", "build_config")


def legacy_config(model: Any) -> dict[str, Any]:
    """The `model_config` of `model`: the `.keras` config, layers without module keys."""
    entry = _keras_file.model_config(model)
    entry.pop("compile_config", None)
    return _strip(entry)


def _strip(entry: dict[str, Any]) -> dict[str, Any]:
    entry = {k: v for k, v in entry.items() if k not in _LAYER_KEYS}
    if entry["class_name"] == "Sequential":
        layers = [_strip(layer) for layer in entry["config"]["layers"]]
        entry["config"] = {**entry["config"], "layers": layers}
    return entry


def save_legacy(model: Any, path: str | os.PathLike[str]) -> None:
    """Write `model` as a Keras legacy `.h5` model file at `path`, atomically."""
    h5 = _keras_h5.h5py()
    model.get_weights()  # builds the model when its input shape is known
    compiled = _keras_file.model_config(model).get("compile_config")
    buffer = io.BytesIO()
    with h5.File(buffer, "w") as file:
        file.attrs["backend"] = "numpy"
        file.attrs["keras_version"] = _keras_file.KERAS_VERSION
        file.attrs["model_config"] = json.dumps(legacy_config(model))
        if compiled:
            optimizer = compiled["optimizer"]
            training = {key: value for key, value in compiled.items() if key != "optimizer"}
            training["optimizer_config"] = {
                "class_name": optimizer["class_name"],
                "config": optimizer["config"],
            }
            file.attrs["training_config"] = json.dumps(training)
        weights = file.create_group("model_weights")
        layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        weights.attrs["layer_names"] = [layer.name for layer in layers]
        weights.attrs["backend"] = "numpy"
        weights.attrs["keras_version"] = _keras_file.KERAS_VERSION
        for layer in layers:
            group = weights.create_group(layer.name)
            names = []
            for leaf in layer.leaves():
                for key, value in leaf.params.items():
                    name = f"{model.name}/{leaf.name}/{key}"
                    group.create_dataset(name, data=np.asarray(value, np.float32))
                    names.append(name)
            group.attrs["weight_names"] = names
        weights.create_group("top_level_model_weights").attrs["weight_names"] = []
        if compiled:
            group = file.create_group("optimizer_weights")
            names = []
            for i, value in enumerate(_keras_h5.optimizer_arrays(model)):
                names.append(f"{model.optimizer.name}/variable_{i}")
                group.create_dataset(names[-1], data=value)
            group.attrs["weight_names"] = names
    with atomic_write(path) as handle:
        handle.write(buffer.getvalue())


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _names(group: Any, attribute: str) -> list[str]:
    return [_text(name) for name in group.attrs.get(attribute, [])]


def _stored(group: Any, shown: str) -> list[list[Any]]:
    """The datasets of each of the file's layers that have weights, in order."""
    stored = []
    for name in _names(group, "layer_names"):
        layer = group.get(name)
        if layer is None:
            raise ValueError(f"{shown}: its layer '{name}' has no group: damaged.")
        datasets = [layer.get(weight) for weight in _names(layer, "weight_names")]
        if any(d is None or not hasattr(d, "shape") for d in datasets):
            raise ValueError(f"{shown}: the weights of layer '{name}' are missing: damaged.")
        if datasets:
            stored.append(datasets)
    return stored


def read_legacy_weights(file: Any, model: Any, shown: str) -> None:
    """Assign the weights of a legacy Keras HDF5 file (open, model file or weights file) to
    `model` (built), pairing layers with weights in order; every shape is checked first."""
    group = file["model_weights"] if "model_weights" in file else file
    stored = _stored(group, shown)
    layers = [layer for layer in model.layers if any(leaf.params for leaf in layer.leaves())]
    if len(stored) != len(layers):
        raise ValueError(
            f"{shown} holds weights for {len(stored)} layers, but the model has "
            f"{len(layers)} layers with weights."
        )
    targets = []
    for layer, datasets in zip(layers, stored, strict=True):
        slots = [(leaf, key) for leaf in layer.leaves() for key in leaf.params]
        if len(slots) != len(datasets):
            raise ValueError(
                f"{shown}: layer '{layer.name}' has {len(slots)} weights, but the file holds "
                f"{len(datasets)} for it."
            )
        for (leaf, key), dataset in zip(slots, datasets, strict=True):
            if tuple(dataset.shape) != leaf.params[key].shape:
                raise ValueError(
                    f"{shown}: layer '{leaf.name}' {key} should have shape "
                    f"{leaf.params[key].shape}, but the file holds {tuple(dataset.shape)}."
                )
            targets.append((leaf, key, dataset))
    values = [
        _saved_checks.finite(np.asarray(d[()]), f"{shown}: layer '{leaf.name}' {key}")
        for leaf, key, d in targets
    ]
    for (leaf, key, _), value in zip(targets, values, strict=True):
        leaf.params[key][...] = value


def is_legacy(path: str | os.PathLike[str]) -> bool:
    """Whether the HDF5 file at `path` is in Keras's legacy layout (a model or weights)."""
    h5 = _keras_h5.h5py()
    try:
        with h5.File(path, "r") as file:
            return "model_weights" in file or "layer_names" in file.attrs
    except _keras_h5.H5_DAMAGE:
        return False


def load_legacy_weights(path: str | os.PathLike[str], model: Any, shown: str) -> None:
    """`read_legacy_weights` from the file at `path`."""
    h5 = _keras_h5.h5py()
    try:
        with h5.File(path, "r") as file:
            read_legacy_weights(file, model, shown)
    except _keras_h5.H5_DAMAGE as error:
        raise ValueError(f"{shown} is a damaged HDF5 file ({error}).") from None


def load_legacy(path: str | os.PathLike[str], shown: str) -> Any:
    """The Sequential in the legacy Keras `.h5` model file at `path`, with its weights,
    compiled as saved when glassnet has its settings (else uncompiled, with a warning).

    Raises:
        ValueError: a weights file (no model in it), a damaged file, a model that is not a
            Sequential, or a layer or setting glassnet lacks (named).
    """
    h5 = _keras_h5.h5py()
    try:
        with h5.File(path, "r") as file:
            raw = file.attrs.get("model_config")
            if raw is None:
                raise ValueError(
                    f"{shown} is an HDF5 file without a model in it: a Keras weights file "
                    "(read it with model.load_weights)."
                )
            try:
                entry = json.loads(_text(raw))
                training = json.loads(_text(file.attrs.get("training_config", "null")))
            except (ValueError, RecursionError):
                raise ValueError(f"{shown}: its model_config is not JSON: damaged.") from None
            try:
                model, input_shape = _keras_file.model_from_config(entry, shown)
            except (KeyError, TypeError, AttributeError, IndexError) as error:
                raise ValueError(
                    f"{shown} holds an invalid Keras model configuration: {error!r}."
                ) from None
            if input_shape is not None:
                expected = _saved_checks.expected_shapes(model.leaves(), input_shape)
                stored = [d for datasets in _stored(file["model_weights"], shown) for d in datasets]
                if expected is not None:  # every size checked before anything is allocated
                    _saved_checks.check_shapes(expected, stored, shown)
                model.build(input_shape)
                read_legacy_weights(file, model, shown)
            if isinstance(training, dict):
                compiled = {**training, "optimizer": training.get("optimizer_config")}
                _keras_file.compile_from_config(model, compiled, shown)
                group = file.get("optimizer_weights")
                if model.optimizer is not None and model.built and group is not None:
                    datasets = [group.get(name) for name in _names(group, "weight_names")]
                    if all(d is not None and hasattr(d, "shape") for d in datasets):
                        state = _keras_h5.optimizer_state(model, datasets, shown)
                        if state is not None:
                            model.optimizer.set_state(*state)
    except _keras_h5.H5_DAMAGE as error:
        raise ValueError(f"{shown} is a damaged HDF5 file ({error}).") from None
    return model
