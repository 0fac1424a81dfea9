"""Save and load models: architecture and compile settings as JSON, weights as .npz.

One file (`model.save("fashion.glassnet")`) is a zip written by `np.savez` that holds

- `config`: JSON (as uint8 bytes): the format name and version, each layer's class name
  and configuration, the input shape, the compile settings (optimizer, loss, metrics),
  the shape of every weight and the random-generator states (shuffling, Dropout);
- `weight/0`, `weight/1`, ...: the weights in `model.get_weights()` order;
- `optimizer/...`: the optimizer's state (Adam's moments, the step count, ...), each
  kind as one vector over every weight in that order (`optimizer/0/m`, ...),

so a loaded model predicts the same and continues training exactly as the original
would have. A path ending in "/" (or an existing folder) gets `config.json` and
`weights.npz` inside instead.

Saving is atomic: a `kill -9` or a power cut at any instant leaves the previous model or
the new one, never neither. A file is written under a temporary name beside it and renamed
when complete. A folder is committed by its `config.json` (the protocol is in
`_saved_folder.py`). Leftovers of an interrupted save are removed by the next save to the
same place, and errors name the user's path, never a temporary one.

Loading trusts nothing in the file: it never unpickles, reads only arrays of numbers
whose declared sizes fit the bytes present, checks the configuration's layer sizes
against the weight arrays before anything is built, refuses weights that are NaN,
infinite or beyond float32, and rebuilds each layer by its registered class name
(`gn.layers.get`); the checks are in `_saved_checks.py`. Any damaged or foreign file is
a ValueError that names it.

The name chooses the format, as in Keras 3: a path ending in ".keras" gets Keras 3's own
zip (`_keras_file`: config.json, metadata.json, model.weights.h5), which Keras loads and
`load_model` reads back, for the layers both libraries have; ".h5" gets Keras's legacy
HDF5 model file (`_keras_legacy`), which Keras 3 still reads and writes. Both need h5py
(`pip install glassnet[h5]`). Every other name gets glassnet's format above
("fashion.glassnet" is the usual one), except ".weights.h5" (a weights file:
`model.save_weights`), which is a ValueError.

Format versions: 2 stores Adam's `v` as the textbook moment; version 1 (written until
December 2026) stored it multiplied by (1 - beta_1) / (1 - beta_2) and is converted on load.

>>> import os, tempfile, numpy as np, glassnet as gn
>>> gn.utils.set_random_seed(0)
>>> model = gn.Sequential([gn.layers.Dense(3, activation="relu", input_shape=(2,)),
...                        gn.layers.Dense(1)])
>>> model.compile(optimizer="adam", loss="mse")
>>> path = os.path.join(tempfile.mkdtemp(), "tiny.glassnet")
>>> model.save(path)
>>> again = gn.load_model(path)
>>> x = [[1.0, 2.0]]
>>> bool(np.array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0)))
True
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import (
    _keras_file,
    _keras_h5,
    _keras_legacy,
    _saved_checks,
    _saved_folder,
    losses,
    optimizers,
)
from glassnet import layers as layers_module
from glassnet import metrics as metrics_module
from glassnet._internal.checks import describe
from glassnet._internal.files import (
    atomic_write,
)
from glassnet._internal.npz import read_npz, text_array
from glassnet._saved_checks import FORMAT, MAX_INPUT_VALUES, VERSION
from glassnet._weights_file import load_weights, save_weights

__all__ = [
    "FORMAT",
    "MAX_INPUT_VALUES",
    "VERSION",
    "load_model",
    "load_weights",
    "save_model",
    "save_weights",
]


# -- saving ---------------------------------------------------------------------------
def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Write `model` to `path`: one .npz file, or a folder if `path` ends in "/" or is one.

    Atomic: if the save is interrupted (an error, Ctrl-C, `kill -9`), `path` holds the
    previous model (or nothing, if there was none); leftovers of an earlier interrupted
    save to `path` are removed. A folder save that fails (a full disk) removes the
    folders it created, if they are still empty.

    Args:
        model: a `Sequential`, built or not, compiled or not.
        path: the file to write (replaced if it exists), or a folder. A name ending in
            ".keras" gets Keras 3's format (needs h5py), any other glassnet's.

    Raises:
        TypeError: if `model` is not a Sequential.
        ValueError: `path` ends in ".weights.h5", or a Keras file can't hold one of
            the model's layers or activations (named).
        ImportError: ".keras" or ".h5" without h5py installed.
        FileNotFoundError: if the folder that should hold the file does not exist.
        OSError: writing failed (read-only file system, permission denied, disk full);
            the message names `path` (or the file inside the folder).

    >>> import os, tempfile, glassnet as gn
    >>> m = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    >>> folder = tempfile.mkdtemp() + "/saved/"
    >>> save_model(m, folder); sorted(os.listdir(folder))
    ['config.json', 'weights.npz']
    """
    if not isinstance(model, layers_module.get("Sequential")):
        raise TypeError(f"save_model expects a glassnet Sequential, got {describe(model)}.")
    text = str(path)
    target = Path(path)
    if text.lower().endswith(".weights.h5"):
        raise ValueError(
            f"Cannot save the model to {text!r}: a '.weights.h5' name is for weights "
            "(model.save_weights(path)). Save the model as 'model.keras' (Keras 3's format, "
            "read by Keras and glassnet) or 'model.glassnet'."
        )
    is_folder = text.endswith(("/", os.sep)) or target.is_dir()
    if not is_folder and not target.parent.is_dir():
        raise FileNotFoundError(
            f"Cannot save the model to {text}: the folder {str(target.parent)!r} does not exist."
        )
    if not is_folder and text.lower().endswith(".keras"):
        _keras_file.save_keras(model, target)
        return
    if not is_folder and text.lower().endswith(".h5"):
        _keras_legacy.save_legacy(model, target)
        return
    config, arrays = _serialise(model)
    if is_folder:
        _saved_folder.save_folder(target, config, arrays)
        return
    with atomic_write(target) as handle:
        # numpy's stub reads **arrays as maybe naming allow_pickle (a bool): not so here.
        np.savez(handle, config=text_array(json.dumps(config)), **arrays)  # type: ignore[arg-type]


def _serialise(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    weights = model.get_weights()  # builds the model when its input shape is known
    leaves = model.leaves()
    shapes = [
        {"layer": leaf.name, "name": key, "shape": list(leaf.params[key].shape)}
        for leaf in leaves
        for key in leaf.params
    ]
    arrays = {f"weight/{i}": w for i, w in enumerate(weights)}
    compiled = None
    if model.optimizer is not None and model.loss is not None:
        compiled = {
            "optimizer": model.optimizer.get_config(),
            "loss": model.loss.get_config(),
            "metrics": [metrics_module.serialize(m, model.loss) for m in model.compiled_metrics],
        }
        sizes = [w.size for w, _ in model.weight_pairs] if model.built else []
        for key, value in _joined_state(model.optimizer.get_state(), sizes).items():
            arrays[f"optimizer/{key}"] = value
    rngs = model.get_rng_state()
    config = {
        "format": FORMAT,
        "version": VERSION,
        "model": {"class_name": type(model).__name__, "config": model.get_config()},
        "input_shape": None if model.input_sample_shape is None else list(model.input_sample_shape),
        "compile": compiled,
        "weights": shapes,
        "shuffle_rng": rngs["shuffle"],
        "layer_rngs": rngs["layers"],
    }
    return config, arrays


def _joined_state(state: dict[str, np.ndarray], sizes: list[int]) -> dict[str, np.ndarray]:
    """The optimizer's state with each kind joined into one vector over every weight.

    `get_state()` keys the arrays by packed vector ("0/m", "1/m", ... for a model holding
    several); the file keeps one "0/m" in `get_weights()` order, so it does not depend on
    how the weights were packed. State that belongs to other parameters (an optimizer
    that never stepped on this model) is left out: it would start afresh anyway.
    """
    joined = {"iterations": np.asarray(state["iterations"])}
    kinds = sorted({key.split("/", 1)[1] for key in state if "/" in key})
    for kind in kinds:
        parts = [state.get(f"{i}/{kind}") for i in range(len(sizes))]
        if any(p is None or p.size != n for p, n in zip(parts, sizes, strict=True)):
            return {"iterations": joined["iterations"]}
        joined[f"0/{kind}"] = np.concatenate([p.reshape(-1) for p in parts if p is not None])
    return joined


# -- loading --------------------------------------------------------------------------
def load_model(path: str | os.PathLike[str]) -> Any:
    """Load a model saved by `model.save(path)`, compiled as it was and ready to continue.

    Args:
        path: a file written by `model.save`, a folder holding config.json and
            weights.npz, or a `.keras` or legacy `.h5` file written by Keras 3 (or
            glassnet) for a Sequential of the layers glassnet has (needs h5py).

    Returns:
        The `Sequential`, with its weights, layer names, compile settings, optimizer state
        and random-generator states.

    Raises:
        FileNotFoundError: if `path` does not exist (or a folder lacks one of its files).
        ValueError: if the file is truncated or damaged, was not written by glassnet,
            declares sizes its bytes can't hold, holds weights whose shapes don't match
            the architecture or that are NaN, infinite, complex or beyond float32, or an
            invalid configuration; the message names the file and what is wrong.
        OSError: if the file cannot be read (e.g. permission denied).
        TypeError: if `path` is not a path.
        ImportError: a `.keras` file without h5py installed.

    No other exception comes from a damaged or crafted file, and loading allocates no
    more memory than the file's contents need.

    >>> import tempfile, glassnet as gn
    >>> path = tempfile.mkdtemp() + "/m.glassnet"
    >>> gn.Sequential([gn.layers.Dense(2, input_shape=(3,), name="out")]).save(path)
    >>> [layer.name for layer in load_model(path).layers]
    ['out']
    """
    target = Path(path)
    if target.is_dir():
        config, arrays, shown = _saved_folder.read_folder(target)
    elif target.is_file():
        shown = repr(str(path))
        if _keras_file.is_keras_zip(target):
            return _keras_file.load_keras(target, shown)
        with open(target, "rb") as handle:
            if handle.read(8) == _keras_h5.HDF5_SIGNATURE:
                return _keras_legacy.load_legacy(target, shown)
        config, arrays = _read_file(target, shown)
    else:
        raise FileNotFoundError(f"No model file or folder at {str(path)!r}.")
    try:
        return _rebuild(config, arrays, shown)
    except _CONFIG_ERRORS as error:
        if isinstance(error, ValueError) and str(error).startswith(shown):
            raise
        reason = f"the key {error} is missing" if isinstance(error, KeyError) else error
        raise ValueError(
            f"{shown} holds an invalid glassnet model configuration: {reason}"
        ) from None


# What building layers, an optimizer or a loss from a damaged configuration may raise.
_CONFIG_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError, OverflowError)


def _read_file(path: Path, shown: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    arrays = read_npz(path, shown)
    raw = arrays.pop("config", None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{shown} is not a glassnet model file (no glassnet config).")
    config = _saved_checks.parse_config(raw.tobytes(), shown)
    if config.get("kind") == "weights":
        raise ValueError(
            f"{shown} holds weights only (written by save_weights): build the model and call "
            "model.load_weights(path)."
        )
    return config, arrays


def _rebuild(config: dict[str, Any], arrays: dict[str, np.ndarray], shown: str) -> Any:
    entry = _saved_checks.mapping(config.get("model"), "model")
    _saved_checks.check_layer_entries(entry, shown)
    sequential = layers_module.get("Sequential")
    cls = layers_module.get(entry["class_name"])
    if not (isinstance(cls, type) and issubclass(cls, sequential)):
        raise ValueError(f"{shown}: the model is a {entry['class_name']}, not a Sequential.")
    try:
        model: Any = cls.from_config(dict(entry["config"]))  # a Sequential
        leaves = model.leaves()
    except RecursionError:
        raise ValueError(f"{shown}: its layers are nested too deeply: damaged.") from None
    _saved_checks.check_layer_sizes(leaves)
    declared = config.get("input_shape")
    input_shape = _saved_checks.input_shape(
        declared if declared is not None else model.input_sample_shape, shown
    )

    # Every size the configuration declares is checked against the arrays present before
    # anything is allocated: a file can't make glassnet build more than it holds.
    weights = _saved_checks.weight_arrays(arrays, shown)
    expected = _saved_checks.expected_shapes(leaves, input_shape)
    if expected is not None:
        _saved_checks.check_shapes(expected, weights, shown)
    if input_shape is not None:
        model.build(input_shape)
    slots = [(leaf, key) for leaf in leaves for key in leaf.params]
    _saved_checks.check_shapes(
        [(leaf.name, key, leaf.params[key].shape) for leaf, key in slots], weights, shown
    )
    for i, ((leaf, key), stored) in enumerate(zip(slots, weights, strict=True)):
        leaf.params[key][...] = _saved_checks.finite(
            stored, f"{shown}: layer '{leaf.name}' {key} (weight/{i})"
        )

    compiled = config.get("compile")
    if compiled is not None:
        _compile(model, _saved_checks.mapping(compiled, "compile"), shown)
        _restore_optimizer(model, arrays, shown, config["version"])
    model.set_rng_state(_saved_checks.rng_state(config, leaves, shown))
    return model


def _compile(model: Any, compiled: dict[str, Any], shown: str) -> None:
    settings = _saved_checks.mapping(compiled.get("optimizer"), "compile.optimizer")
    try:
        optimizer = optimizers.from_config(settings)
    except KeyError:
        raise ValueError(f"{shown}: unknown optimizer {settings.get('name')!r}.") from None
    metrics = compiled.get("metrics") or []
    if not isinstance(metrics, list) or not all(isinstance(m, (str, dict)) for m in metrics):
        raise ValueError(f"{shown}: metrics {describe(metrics)} are not a list of names.")
    with warnings.catch_warnings():
        # The output/loss advice was given when the model was first compiled.
        warnings.simplefilter("ignore", UserWarning)
        model.compile(
            optimizer=optimizer,
            loss=losses.from_config(_saved_checks.mapping(compiled.get("loss"), "compile.loss")),
            metrics=metrics,
        )


def _restore_optimizer(model: Any, arrays: dict[str, np.ndarray], shown: str, version: int) -> None:
    prefix = "optimizer/"
    state = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
    optimizer = model.optimizer
    if not state:
        return
    steps = state.get("iterations")
    if steps is None or steps.shape != () or steps.dtype.kind not in "iuf":
        raise ValueError(f"{shown}: the optimizer's step count is missing or not one number.")
    count = float(steps)
    if not (np.isfinite(count) and count == int(count) and 0 <= count <= 2**53):
        raise ValueError(
            f"{shown}: the optimizer's step count {steps} is not a whole number in [0, 2**53]."
        )
    state["iterations"] = np.array(int(count))
    if len(state) == 1:  # only the step count: the optimizer never built its state
        optimizer.iterations = int(count)
        return
    if not model.built:
        raise ValueError(f"{shown} holds optimizer state but no input shape.")
    params = [w for w, _ in model.weight_pairs]
    total = sum(w.size for w in params)
    for key, value in state.items():
        if key == "iterations":
            continue
        if not key.startswith("0/") or value.shape != (total,):
            raise ValueError(
                f"{shown}: optimizer state {key!r} should be named '0/...' and have shape "
                f"{(total,)} (one value per weight), but the file holds shape {value.shape}."
            )
        state[key] = _saved_checks.finite(value, f"{shown}: optimizer state {key!r}")
    if version == 1 and optimizer.name == "adam" and "0/v" in state:
        # Version 1 stored v scaled by (1 - beta_1) / (1 - beta_2): undo it.
        scale = (1 - optimizer.beta_2) / (1 - optimizer.beta_1)
        state["0/v"] = state["0/v"] * state["0/v"].dtype.type(scale)
    ends = np.cumsum([w.size for w in params])[:-1]
    split = {"iterations": state["iterations"]}
    for key, value in state.items():
        if key != "iterations":
            kind = key.split("/", 1)[1]
            split.update({f"{i}/{kind}": part for i, part in enumerate(np.split(value, ends))})
    try:
        optimizer.set_state(split, params)
    except (KeyError, ValueError) as error:
        raise ValueError(
            f"{shown}: the optimizer state does not fit the model's weights ({error})."
        ) from None


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
