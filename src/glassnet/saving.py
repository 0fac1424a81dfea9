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
when complete. A folder is committed by its `config.json`: the new weights are written
first, as `.weights.npz.<save_id>.part`, then `config.json` naming that `save_id` replaces
the old one in one rename (the commit), and then the weights take the name `weights.npz`.
A loader that finds a config whose weights are still under the temporary name reads them
there. Leftovers of an interrupted save are removed by the next save to the same place,
and errors name the user's path, never a temporary one.

Loading never unpickles (`allow_pickle=False`), checks every shape against the
architecture and rebuilds each layer by its registered class name (`gn.layers.get`).

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
>>> bool(np.array_equal(again.predict([[1.0, 2.0]]), model.predict([[1.0, 2.0]])))
True
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import layers as layers_module
from glassnet import losses, optimizers
from glassnet._internal.checks import describe
from glassnet._internal.files import (
    atomic_write,
    create_locked,
    locked_folder,
    remove_stale,
    rename_in_error,
    sync_file,
    sync_folder,
    temporary_name,
)

__all__ = ["FORMAT", "VERSION", "load_model", "save_model"]

FORMAT = "glassnet"
VERSION = 2
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
_ZIP_MAGIC = b"PK\x03\x04"
_SAVE_ID = re.compile(r"[0-9a-f]{16}")


# -- saving ---------------------------------------------------------------------------
def save_model(model: Any, path: str | os.PathLike) -> None:
    """Write `model` to `path`: one .npz file, or a folder if `path` ends in "/" or is one.

    Atomic: if the save is interrupted (an error, Ctrl-C, `kill -9`), `path` holds the
    previous model (or nothing, if there was none); leftovers of an earlier interrupted
    save to `path` are removed.

    Args:
        model: a `Sequential`, built or not, compiled or not.
        path: the file to write (replaced if it exists), or a folder.

    Raises:
        TypeError: if `model` is not a Sequential.
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
    config, arrays = _serialise(model)
    text = str(path)
    target = Path(path)
    if text.endswith(("/", os.sep)) or target.is_dir():
        _save_folder(target, config, arrays)
        return
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"Cannot save the model to {text}: the folder {str(target.parent)!r} does not exist."
        )
    with atomic_write(target) as handle:
        np.savez(handle, config=_text_array(json.dumps(config)), **arrays)


def _save_folder(target: Path, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Weights under a temporary name, then config.json (the commit), then the rename."""
    target.mkdir(parents=True, exist_ok=True)
    weights = target / WEIGHTS_FILE
    with locked_folder(target):  # two saves into one folder take turns
        _settle_folder(target)
        # Both files carry the same token, so a pair from two different saves is detected.
        token = secrets.token_hex(8)
        config["save_id"] = token
        arrays["save_id"] = _text_array(token)
        pending = temporary_name(weights, token)
        committed = False
        try:
            with create_locked(pending) as handle:
                np.savez(handle, **arrays)
                sync_file(handle)
                with atomic_write(target / CONFIG_FILE) as out:
                    out.write(json.dumps(config, indent=2).encode("utf-8"))
                committed = True  # from here on the folder holds the new model
                # Saved: if the rename fails, loading reads the weights where they are, and
                # the next save renames them.
                with contextlib.suppress(OSError):
                    sync_folder(target)
                    os.replace(pending, weights)
                    sync_folder(target)
        except OSError as error:
            raise rename_in_error(error, pending, weights) from None
        finally:
            if not committed:
                pending.unlink(missing_ok=True)


def _settle_folder(target: Path) -> None:
    """Finish what an interrupted save committed, then remove its leftovers."""
    weights = target / WEIGHTS_FILE
    token = _committed_save_id(target / CONFIG_FILE)
    if token is not None:
        pending = temporary_name(weights, token)
        if pending.is_file():
            os.replace(pending, weights)
    remove_stale(weights)
    remove_stale(target / CONFIG_FILE)


def _committed_save_id(config_path: Path) -> str | None:
    """The save_id of a folder's config.json, if it is readable and has a valid one."""
    try:
        token = json.loads(config_path.read_bytes().decode("utf-8")).get("save_id")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return token if isinstance(token, str) and _SAVE_ID.fullmatch(token) else None


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


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
            "metrics": list(model.metrics),
        }
        sizes = [w.size for w, _ in model.weight_pairs] if model.built else []
        for key, value in _joined_state(model.optimizer.get_state(), sizes).items():
            arrays[f"optimizer/{key}"] = value
    rngs = model.get_rng_state()
    config = {
        "format": FORMAT,
        "version": VERSION,
        "model": {"class_name": type(model).__name__, "config": model.get_config()},
        "input_shape": None if model.input_shape is None else list(model.input_shape),
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
        joined[f"0/{kind}"] = np.concatenate([p.reshape(-1) for p in parts])
    return joined


# -- loading --------------------------------------------------------------------------
def load_model(path: str | os.PathLike) -> Any:
    """Load a model saved by `model.save(path)`, compiled as it was and ready to continue.

    Args:
        path: a file written by `model.save`, or a folder holding config.json and weights.npz.

    Returns:
        The `Sequential`, with its weights, layer names, compile settings, optimizer state
        and random-generator states.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if the file is truncated or damaged, was not written by glassnet,
            or holds weights whose shapes don't match the architecture.

    >>> import tempfile, glassnet as gn
    >>> path = tempfile.mkdtemp() + "/m.glassnet"
    >>> gn.Sequential([gn.layers.Dense(2, input_shape=(3,), name="out")]).save(path)
    >>> [layer.name for layer in load_model(path).layers]
    ['out']
    """
    target = Path(path)
    if target.is_dir():
        config, arrays = _read_folder(target)
    elif target.is_file():
        config, arrays = _read_file(target)
    else:
        raise FileNotFoundError(f"No model file or folder at {str(path)!r}.")
    try:
        return _rebuild(config, arrays, str(path))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"{str(path)!r} holds an invalid glassnet model configuration ({error!r})."
        ) from None


def _read_npz(path: Path, shown: str) -> dict[str, np.ndarray]:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if not zipfile.is_zipfile(path):
        if head == _ZIP_MAGIC:
            raise ValueError(f"{shown} is truncated or damaged: its zip directory is missing.")
        raise ValueError(f"{shown} is not a glassnet model file (not a zip archive).")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ValueError(f"{shown} is truncated or damaged ({error}).") from None
    except ValueError as error:
        raise ValueError(f"{shown} is not a glassnet model file ({error}).") from None


def _parse_config(data: bytes, shown: str) -> dict[str, Any]:
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(
            f"{shown} is not a glassnet model file (its config is not JSON)."
        ) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{shown} is not a glassnet model file (no glassnet config).")
    version = config.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ValueError(
            f"{shown} has format version {version!r}; this glassnet reads versions up to "
            f"{VERSION}. Upgrade glassnet."
        )
    return config


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    shown = repr(str(path))
    arrays = _read_npz(path, shown)
    raw = arrays.pop("config", None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{shown} is not a glassnet model file (no glassnet config).")
    return _parse_config(raw.tobytes(), shown), arrays


def _read_folder(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    if not config_path.is_file():
        raise FileNotFoundError(
            f"{str(folder)!r} is not a saved glassnet model: {CONFIG_FILE} is missing."
        )
    config = _parse_config(config_path.read_bytes(), repr(str(config_path)))
    token = config.get("save_id")
    shown = repr(str(weights_path))
    arrays = None
    if isinstance(token, str) and _SAVE_ID.fullmatch(token):
        pending = temporary_name(weights_path, token)
        if pending.is_file():  # committed, not yet renamed: an interrupted save
            arrays = _read_npz(pending, f"{shown} (its new copy {pending.name})")
    if arrays is None:
        if not weights_path.is_file():
            raise FileNotFoundError(
                f"{str(folder)!r} is not a saved glassnet model: {WEIGHTS_FILE} is missing."
            )
        arrays = _read_npz(weights_path, shown)
    stored = arrays.pop("save_id", None)
    stored = None if stored is None else stored.tobytes().decode("utf-8", "replace")
    if stored != token:
        raise ValueError(
            f"{CONFIG_FILE} and {WEIGHTS_FILE} in {str(folder)!r} come from different saves "
            "(files copied by hand?). Save the model again."
        )
    return config, arrays


def _rebuild(config: dict[str, Any], arrays: dict[str, np.ndarray], shown: str) -> Any:
    entry = config["model"]
    model = layers_module.get(entry["class_name"]).from_config(dict(entry["config"]))
    input_shape = config.get("input_shape")
    if input_shape is not None:
        model.build(tuple(input_shape))
    leaves = model.leaves()
    slots = [(leaf, key) for leaf in leaves for key in leaf.params]
    count = sum(1 for key in arrays if key.startswith("weight/"))
    if count != len(slots):
        raise ValueError(
            f"{shown} holds {count} weight arrays, but its architecture has {len(slots)}."
        )
    for i, (leaf, key) in enumerate(slots):
        stored = arrays[f"weight/{i}"]
        expected = leaf.params[key].shape
        if stored.shape != expected:
            raise ValueError(
                f"{shown}: layer '{leaf.name}' {key} should have shape {expected} for its "
                f"architecture, but the file holds shape {stored.shape}."
            )
    for i, (leaf, key) in enumerate(slots):
        leaf.params[key][...] = arrays[f"weight/{i}"]

    compiled = config.get("compile")
    if compiled is not None:
        try:
            optimizer = optimizers.from_config(compiled["optimizer"])
        except KeyError:
            raise ValueError(
                f"{shown}: unknown optimizer {compiled['optimizer'].get('name')!r}."
            ) from None
        with warnings.catch_warnings():
            # The output/loss advice was given when the model was first compiled.
            warnings.simplefilter("ignore", UserWarning)
            model.compile(
                optimizer=optimizer,
                loss=losses.from_config(compiled["loss"]),
                metrics=compiled.get("metrics") or [],
            )
        _restore_optimizer(model, arrays, shown, config["version"])

    model.set_rng_state(
        {"shuffle": config.get("shuffle_rng"), "layers": config.get("layer_rngs") or {}}
    )
    return model


def _restore_optimizer(model: Any, arrays: dict[str, np.ndarray], shown: str, version: int) -> None:
    prefix = "optimizer/"
    state = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
    optimizer = model.optimizer
    if not state:
        return
    if len(state) == 1:  # only the step count: the optimizer never built its state
        optimizer.iterations = int(state["iterations"])
        return
    if not model.built:
        raise ValueError(f"{shown} holds optimizer state but no input shape.")
    if version == 1 and optimizer.name == "adam" and "0/v" in state:
        # Version 1 stored v scaled by (1 - beta_1) / (1 - beta_2): undo it.
        scale = (1 - optimizer.beta_2) / (1 - optimizer.beta_1)
        state["0/v"] = state["0/v"] * state["0/v"].dtype.type(scale)
    params = [w for w, _ in model.weight_pairs]
    total = sum(w.size for w in params)
    for key, value in state.items():
        if key != "iterations" and value.shape != (total,):
            raise ValueError(
                f"{shown}: optimizer state {key!r} should have shape {(total,)} (one value "
                f"per weight), but the file holds shape {value.shape}."
            )
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
