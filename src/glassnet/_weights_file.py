"""`model.save_weights(path)` and `model.load_weights(path)`: the weights alone.

The file kind follows the name, as in Keras 3:

- `*.weights.h5`: Keras 3's weights file (HDF5, needs h5py: `pip install glassnet[h5]`),
  laid out as Keras writes it (`_keras_h5`), so `keras_model.load_weights` reads it;
- any other name (e.g. `fashion.weights.npz`): glassnet's own weights file, a zip written
  by `np.savez` like a model file but without the architecture: `config` (the format,
  the version, `"kind": "weights"`, each weight's layer, name and shape) and `weight/0`,
  `weight/1`, ... in `get_weights()` order. It needs nothing beyond NumPy.

`load_weights` also reads the weights of a whole model file (glassnet's, or a `.keras` zip).
Saving is atomic (`_internal.files.atomic_write`); loading checks every shape and value
before any weight changes, as `load_model` does.

>>> import os, tempfile, numpy as np, glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "w.weights.npz")
>>> save_weights(model, path)
>>> other = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
>>> load_weights(other, path)
>>> bool(np.array_equal(other.get_weights()[0], model.get_weights()[0]))
True
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import _keras_file, _keras_h5, _keras_legacy, _saved_checks
from glassnet._internal.checks import describe
from glassnet._internal.files import atomic_write
from glassnet._internal.npz import read_npz, text_array

__all__ = ["KERAS_WEIGHTS_SUFFIX", "load_weights", "save_weights"]

KERAS_WEIGHTS_SUFFIX = ".weights.h5"


def _checked_path(filepath: Any, what: str) -> Path:
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"{what} expects a file path, got {describe(filepath)}.")
    return Path(filepath)


def _built(model: Any, what: str) -> None:
    model.get_weights()  # builds the model when its input shape is known
    if not model.built:
        raise ValueError(
            f"{what} needs a built model: give the first layer input_shape=... (or "
            "gn.Input(shape=...)), or call the model on data first."
        )


def save_weights(model: Any, filepath: str | os.PathLike[str], overwrite: bool = True) -> None:
    """Write the model's weights to `filepath` (see the module docstring for the kinds).

    Args:
        model: a built Sequential.
        filepath: ending in ".weights.h5" for Keras's HDF5 file, else glassnet's own.
        overwrite: if False and `filepath` exists, a FileExistsError (Keras asks on the
            terminal instead; a script can't answer).

    Raises:
        TypeError: `filepath` is not a path.
        ValueError: the model is not built, or `filepath` ends in ".keras" or ".h5" (a
            whole-model name: use `model.save`, or ".weights.h5").
        ImportError: ".weights.h5" without h5py installed.
        FileExistsError: `overwrite=False` and the file exists.
        FileNotFoundError: the folder that should hold the file does not exist.

    >>> import glassnet as gn
    >>> save_weights(gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]), "m.keras")
    Traceback (most recent call last):
    ValueError: save_weights writes weights only, and 'm.keras' is a model file name: ...
    """
    path = _checked_path(filepath, "save_weights")
    name = path.name.lower()
    if name.endswith(".keras") or (name.endswith(".h5") and not name.endswith(".weights.h5")):
        raise ValueError(
            f"save_weights writes weights only, and {str(filepath)!r} is a model file name: "
            f"end it in '{KERAS_WEIGHTS_SUFFIX}' (Keras's weights file), or use "
            "model.save(path) for the whole model."
        )
    _built(model, "save_weights")
    if not overwrite and path.exists():
        raise FileExistsError(f"{str(filepath)!r} exists and overwrite=False.")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"Cannot save the weights to {str(filepath)!r}: the folder {str(path.parent)!r} "
            "does not exist."
        )
    if name.endswith(KERAS_WEIGHTS_SUFFIX):
        data = _keras_h5.write_weights(model)
        with atomic_write(path) as handle:
            handle.write(data)
        return
    weights = model.get_weights()
    config = {
        "format": _saved_checks.FORMAT,
        "version": _saved_checks.VERSION,
        "kind": "weights",
        "input_shape": list(model.input_sample_shape),
        "weights": [
            {"layer": leaf.name, "name": key, "shape": list(leaf.params[key].shape)}
            for leaf in model.leaves()
            for key in leaf.params
        ],
    }
    arrays = {f"weight/{i}": w for i, w in enumerate(weights)}
    with atomic_write(path) as handle:
        np.savez(handle, config=text_array(json.dumps(config)), **arrays)


def load_weights(model: Any, filepath: str | os.PathLike[str]) -> None:
    """Read weights written by `save_weights` (or those of a saved model) into `model`.

    Args:
        model: a Sequential with the same layers as the one saved; built by this call
            if its input shape is known.
        filepath: a ".weights.h5" file (glassnet's or Keras's), a ".keras" zip, a
            Keras legacy ".h5" model or weights file, or a glassnet weights or model file.

    Raises:
        FileNotFoundError: no file at `filepath`.
        ValueError: the file is damaged or of another kind, or its weights do not fit
            the model (the message names the layer and both shapes); nothing is changed.
        ImportError: a Keras file without h5py installed.

    >>> import glassnet as gn
    >>> load_weights(gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]), "missing.npz")
    Traceback (most recent call last):
    FileNotFoundError: No weights file at 'missing.npz'.
    """
    path = _checked_path(filepath, "load_weights")
    shown = repr(str(filepath))
    if not path.is_file():
        raise FileNotFoundError(f"No weights file at {shown}.")
    _built(model, "load_weights")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_keras_h5.HDF5_SIGNATURE):
        if _keras_legacy.is_legacy(path):  # Keras's legacy .h5 (a model, or weights)
            _keras_legacy.load_legacy_weights(path, model, shown)
        else:
            _keras_h5.read_weights(path.read_bytes(), model, shown)
        return
    if _keras_file.is_keras_zip(path):
        _keras_h5.read_weights(_keras_file.weights_bytes(path, shown), model, shown)
        return
    arrays = read_npz(path, shown)
    raw = arrays.pop("config", None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{shown} is not a glassnet weights file (no glassnet config).")
    _saved_checks.parse_config(raw.tobytes(), shown)
    weights = _saved_checks.weight_arrays(arrays, shown)
    slots = [(leaf, key) for leaf in model.leaves() for key in leaf.params]
    _saved_checks.check_shapes(
        [(leaf.name, key, leaf.params[key].shape) for leaf, key in slots], weights, shown
    )
    checked = [
        _saved_checks.finite(stored, f"{shown}: layer '{leaf.name}' {key} (weight/{i})")
        for i, ((leaf, key), stored) in enumerate(zip(slots, weights, strict=True))
    ]
    for (leaf, key), value in zip(slots, checked, strict=True):
        leaf.params[key][...] = value
