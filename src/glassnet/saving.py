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

Loading trusts nothing in the file: it never unpickles, reads only arrays of numbers
whose declared sizes fit the bytes present, checks the configuration's layer sizes
against the weight arrays before anything is built, refuses weights that are NaN,
infinite or beyond float32, and rebuilds each layer by its registered class name
(`gn.layers.get`). Any damaged or foreign file is a ValueError that names it.

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
import time
import warnings
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
from glassnet._internal.npz import read_npz

__all__ = ["FORMAT", "MAX_INPUT_VALUES", "VERSION", "load_model", "save_model"]

FORMAT = "glassnet"
VERSION = 2
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
# The most values one input sample may have in a loaded model (a 46,000 x 46,000 image).
MAX_INPUT_VALUES = 2**31
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
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
                with contextlib.suppress(OSError):  # e.g. EROFS: nothing was created
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
        FileNotFoundError: if `path` does not exist (or a folder lacks one of its files).
        ValueError: if the file is truncated or damaged, was not written by glassnet,
            declares sizes its bytes can't hold, holds weights whose shapes don't match
            the architecture or that are NaN, infinite, complex or beyond float32, or an
            invalid configuration; the message names the file and what is wrong.
        OSError: if the file cannot be read (e.g. permission denied).
        TypeError: if `path` is not a path.

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
        config, arrays, shown = _read_folder(target)
    elif target.is_file():
        shown = repr(str(path))
        config, arrays = _read_file(target, shown)
    else:
        raise FileNotFoundError(f"No model file or folder at {str(path)!r}.")
    try:
        return _rebuild(config, arrays, shown)
    except _CONFIG_ERRORS as error:
        if isinstance(error, ValueError) and str(error).startswith(shown):
            raise
        if isinstance(error, KeyError):
            error = f"the key {error} is missing"
        raise ValueError(
            f"{shown} holds an invalid glassnet model configuration: {error}"
        ) from None


# What building layers, an optimizer or a loss from a damaged configuration may raise.
_CONFIG_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError, OverflowError)


def _parse_config(data: bytes, shown: str) -> dict[str, Any]:
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


def _read_file(path: Path, shown: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    arrays = read_npz(path, shown)
    raw = arrays.pop("config", None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{shown} is not a glassnet model file (no glassnet config).")
    return _parse_config(raw.tobytes(), shown), arrays


def _read_folder(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], str]:
    # Saves hold the folder's lock; one that could not (a file system without locks) may
    # commit between reading the two files: read again.
    for attempt in range(3):
        with locked_folder(folder, shared=True):  # no save of ours commits meanwhile
            config, arrays, same = _read_folder_once(folder)
        if same:
            return config, arrays, repr(str(folder))
        if attempt < 2:
            time.sleep(0.05 * (attempt + 1))
    raise ValueError(
        f"{CONFIG_FILE} and {WEIGHTS_FILE} in {str(folder)!r} come from different saves "
        "(files copied by hand?). Save the model again."
    )


def _read_folder_once(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], bool]:
    """The config, the weights it names, and whether both come from the same save."""
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
        try:  # committed, not yet renamed: an interrupted save, or one in progress
            arrays = read_npz(pending, f"{shown} (its new copy {pending.name})")
        except FileNotFoundError:
            pass
    if arrays is None:
        if not weights_path.is_file():
            raise FileNotFoundError(
                f"{str(folder)!r} is not a saved glassnet model: {WEIGHTS_FILE} is missing."
            )
        arrays = read_npz(weights_path, shown)
    stored = arrays.pop("save_id", None)
    stored = None if stored is None else stored.tobytes().decode("utf-8", "replace")
    return config, arrays, stored == token


def _rebuild(config: dict[str, Any], arrays: dict[str, np.ndarray], shown: str) -> Any:
    entry = _mapping(config.get("model"), "model")
    _check_layer_entries(entry, shown)
    sequential = layers_module.get("Sequential")
    cls = layers_module.get(entry["class_name"])
    if not (isinstance(cls, type) and issubclass(cls, sequential)):
        raise ValueError(f"{shown}: the model is a {entry['class_name']}, not a Sequential.")
    try:
        model = cls.from_config(dict(entry["config"]))
        leaves = model.leaves()
    except RecursionError:
        raise ValueError(f"{shown}: its layers are nested too deeply: damaged.") from None
    declared = config.get("input_shape")
    input_shape = _input_shape(declared if declared is not None else model.input_shape, shown)

    # Every size the configuration declares is checked against the arrays present before
    # anything is allocated: a file can't make glassnet build more than it holds.
    weights = _weight_arrays(arrays, shown)
    expected = _expected_shapes(leaves, input_shape)
    if expected is not None:
        _check_shapes(expected, weights, shown)
    if input_shape is not None:
        model.build(input_shape)
    slots = [(leaf, key) for leaf in leaves for key in leaf.params]
    _check_shapes([(leaf.name, key, leaf.params[key].shape) for leaf, key in slots], weights, shown)
    for i, ((leaf, key), stored) in enumerate(zip(slots, weights, strict=True)):
        leaf.params[key][...] = _finite(stored, f"{shown}: layer '{leaf.name}' {key} (weight/{i})")

    compiled = config.get("compile")
    if compiled is not None:
        _compile(model, _mapping(compiled, "compile"), shown)
        _restore_optimizer(model, arrays, shown, config["version"])
    model.set_rng_state(_rng_state(config, leaves, shown))
    return model


def _check_layer_entries(entry: dict[str, Any], shown: str) -> None:
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


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{what} should be a JSON object, got {describe(value)}")
    return value


def _input_shape(value: Any, shown: str) -> tuple[int, ...] | None:
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


def _weight_arrays(arrays: dict[str, np.ndarray], shown: str) -> list[np.ndarray]:
    """weight/0, weight/1, ... in order; nothing missing, nothing else named weight/."""
    names = [key for key in arrays if key.startswith("weight/")]
    expected = [f"weight/{i}" for i in range(len(names))]
    if sorted(names) != sorted(expected):
        raise ValueError(
            f"{shown} holds weight arrays named {sorted(names)[:5]}..., not weight/0 to "
            f"weight/{len(names) - 1}: damaged."
        )
    return [arrays[key] for key in expected]


def _expected_shapes(
    leaves: list[Any], input_shape: tuple[int, ...] | None
) -> list[tuple[str, str, tuple[int, ...]]] | None:
    """The weight shapes the layers will create, worked out without creating them; None
    when a layer of unknown kind (a user's registered class) is in the way."""
    if input_shape is None:
        return []
    dense = layers_module.get("Dense")
    without = tuple(layers_module.get(n) for n in ("Flatten", "Dropout", "Activation"))
    shapes, shape = [], tuple(input_shape)
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


def _check_shapes(
    expected: list[tuple[str, str, tuple[int, ...]]], weights: list[np.ndarray], shown: str
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


def _finite(array: np.ndarray, what: str) -> np.ndarray:
    """`array` as float32, or a ValueError if it holds NaN, infinity or beyond float32."""
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{what} holds values of type {array.dtype}, not numbers.")
    values = array.astype(np.float64, copy=False)
    if not np.isfinite(values).all():
        raise ValueError(f"{what} holds NaN or infinity: the model was saved broken, or damaged.")
    if values.size and np.abs(values).max() > _FLOAT32_MAX:
        raise ValueError(f"{what} holds values beyond float32's range (±3.4e38): damaged.")
    return values.astype(np.float32)


def _compile(model: Any, compiled: dict[str, Any], shown: str) -> None:
    settings = _mapping(compiled.get("optimizer"), "compile.optimizer")
    try:
        optimizer = optimizers.from_config(settings)
    except KeyError:
        raise ValueError(f"{shown}: unknown optimizer {settings.get('name')!r}.") from None
    metrics = compiled.get("metrics") or []
    if not isinstance(metrics, list) or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"{shown}: metrics {describe(metrics)} are not a list of names.")
    with warnings.catch_warnings():
        # The output/loss advice was given when the model was first compiled.
        warnings.simplefilter("ignore", UserWarning)
        model.compile(
            optimizer=optimizer,
            loss=losses.from_config(_mapping(compiled.get("loss"), "compile.loss")),
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
        state[key] = _finite(value, f"{shown}: optimizer state {key!r}")
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


def _rng_state(config: dict[str, Any], leaves: list[Any], shown: str) -> dict[str, Any]:
    """The random-generator states of the config, each checked on a generator of its own."""
    shuffle = config.get("shuffle_rng")
    layer_states = config.get("layer_rngs") or {}
    if not isinstance(layer_states, dict):
        raise ValueError(
            f"{shown}: layer_rngs should be a JSON object, got {describe(layer_states)}"
        )
    if shuffle is not None:
        _check_generator(shuffle, f"{shown}: shuffle_rng")
    for index, state in layer_states.items():
        if not (index.isdigit() and int(index) < len(leaves)) or not hasattr(
            leaves[int(index)], "rng"
        ):
            raise ValueError(
                f"{shown}: layer_rngs names layer {index!r}, which is not one of its "
                f"{len(leaves)} layers with a random generator."
            )
        _check_generator(state, f"{shown}: layer_rngs[{index!r}]")
    return {"shuffle": shuffle, "layers": layer_states}


def _check_generator(state: Any, what: str) -> None:
    if not isinstance(state, dict) or state.get("bit_generator") not in _BIT_GENERATORS:
        raise ValueError(f"{what} is not the state of a NumPy bit generator ({describe(state)}).")
    if not _only_ints(state.get("state")):
        raise ValueError(f"{what} holds values that are not whole numbers.")
    trial = getattr(np.random, state["bit_generator"])()
    try:
        trial.state = state
    except (ValueError, TypeError, KeyError, OverflowError, IndexError) as error:
        raise ValueError(f"{what} is not a valid generator state ({error}).") from None


def _only_ints(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_only_ints(v) for v in value.values())
    if isinstance(value, list):
        return all(_only_ints(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)
