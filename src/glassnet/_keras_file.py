"""The `.keras` file: Keras 3's model format, written and read for the layers glassnet has.

A `.keras` file is a zip (`keras/src/saving/saving_lib.py`) of

- `config.json`: the model as Keras serialises it (`{"module", "class_name", "config",
  "registered_name", "build_config", "compile_config"}`), each layer likewise;
- `metadata.json`: the Keras version and the date saved;
- `model.weights.h5`: the weights and the optimizer's state (`_keras_h5`).

`model.save("m.keras")` writes one that `keras.models.load_model` loads (a Sequential of
InputLayer, Dense, Flatten, Dropout, Activation, Softmax, ReLU, LeakyReLU, Reshape and
Rescaling, nested Sequentials too, compiled with Adam, AdamW, SGD, RMSprop or Adagrad and
glassnet's losses), and `gn.load_model` reads one that Keras 3 wrote for those layers. Any
other layer or setting is a ValueError that names it: nothing is dropped silently. A
compile setting glassnet lacks (another optimizer, a metric it does not know) loads the
model uncompiled, with a warning, as Keras does when a model's compile configuration
cannot be used. Needs h5py (`pip install glassnet[h5]`).

>>> import os, tempfile, glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
>>> config = model_config(model)
>>> [layer["class_name"] for layer in config["config"]["layers"]]
['InputLayer', 'Dense']
"""

from __future__ import annotations

import datetime
import json
import os
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from glassnet import (
    _keras_h5,
    _saved_checks,
    initializers,
    losses,
    optimizers,
    regularizers,
    schedules,
)
from glassnet import layers as layers_module
from glassnet._internal.checks import describe
from glassnet._internal.files import atomic_write

__all__ = [
    "KERAS_VERSION",
    "compile_from_config",
    "is_keras_zip",
    "load_keras",
    "model_config",
    "model_from_config",
    "save_keras",
    "weights_bytes",
]

# The Keras version whose layout this module writes (metadata.json's "keras_version").
KERAS_VERSION = "3.15.1"
SUPPORTED = (
    "Sequential",
    "InputLayer",
    "Dense",
    "Flatten",
    "Dropout",
    "Activation",
    "Softmax",
    "ReLU",
    "LeakyReLU",
    "Reshape",
    "Rescaling",
)
# Keras's built-in activations, by the name both libraries use.
KERAS_ACTIVATIONS = frozenset(
    "linear relu sigmoid softmax tanh elu selu gelu softplus softsign swish silu leaky_relu "
    "hard_sigmoid exponential relu6 mish log_softmax hard_silu hard_swish".split()
)
_OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
}
_MAX_MEMBER = 2**32  # the largest member read from a zip (config or weights), in bytes
_MAX_DEPTH = 32
_REGULARIZERS = "keras.regularizers"
_SCHEDULE_MODULE = "keras.optimizers.schedules"
_SCHEDULES = ("ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "CosineDecay")
# What zipfile may raise on a damaged or crafted archive.
_ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    OverflowError,
    IndexError,
    ValueError,
)
_DTYPE = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}


# -- writing ------------------------------------------------------------------------------
def _entry(class_name: str, config: dict[str, Any], module: str = "keras.layers") -> dict[str, Any]:
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _initializer(initializer: Any) -> dict[str, Any]:
    name = initializer.get_config()
    class_name = "".join(part.title() for part in str(name).split("_"))
    return _entry(
        class_name, {} if name in ("zeros", "ones") else {"seed": None}, "keras.initializers"
    )


def _regularizer(regularizer: Any) -> dict[str, Any] | None:
    """A regularizer as Keras 3 writes it: {"module": "keras.regularizers", "class_name":
    "L2", "config": {"l2": 0.0001}, ...}, or None."""
    saved = regularizers.serialize(regularizer)
    return None if saved is None else _entry(saved["class_name"], saved["config"], _REGULARIZERS)


def _regularizer_from(value: Any, key: str, kind: str, name: Any, shown: str) -> Any:
    """The regularizer a Keras config names (L1, L2, L1L2), or None."""
    if not value:
        return None
    if not isinstance(value, dict) or value.get("class_name") not in ("L1", "L2", "L1L2"):
        raise _unsupported(kind, name, f"has a {key} glassnet does not have ({value!r})", shown)
    settings = {k: v for k, v in (value.get("config") or {}).items() if k in ("l1", "l2")}
    return regularizers.deserialize({"class_name": value["class_name"], "config": settings})


def _activation(layer: Any) -> str:
    name = layer.activation.name
    if name not in KERAS_ACTIVATIONS:
        raise ValueError(
            f"Layer '{layer.name}' uses the activation '{name}', which Keras does not have: "
            "a .keras file can't hold it. Save as 'model.glassnet' instead."
        )
    result: str = name
    return result


def _layer_entry(layer: Any, depth: int) -> dict[str, Any]:
    kind = type(layer).__name__
    base = {
        "name": layer.name,
        "trainable": bool(getattr(layer, "trainable", True)),
        "dtype": _DTYPE,
    }
    if kind == "Sequential":
        return model_config(layer, depth + 1, top=False)
    if kind == "Dense":
        config = {
            **base,
            "units": layer.units,
            "activation": _activation(layer),
            "use_bias": layer.use_bias,
            "kernel_initializer": _initializer(layer.kernel_initializer),
            "bias_initializer": _initializer(layer.bias_initializer),
            "kernel_regularizer": _regularizer(layer.kernel_regularizer),
            "bias_regularizer": _regularizer(layer.bias_regularizer),
            "kernel_constraint": None,
            "bias_constraint": None,
        }
    elif kind == "Flatten":
        config = {**base, "data_format": "channels_last"}
    elif kind == "Dropout":
        config = {**base, "rate": layer.rate, "seed": layer.seed, "noise_shape": None}
    elif kind == "Softmax":
        config = {**base, "axis": -1}
    elif kind == "Activation":
        config = {**base, "activation": _activation(layer)}
    elif kind in ("ReLU", "LeakyReLU", "Reshape", "Rescaling"):
        config = {**base, **_plain_config(layer)}
    else:
        raise ValueError(
            f"Layer '{layer.name}' is a {kind}: a .keras file written by glassnet holds "
            f"only {', '.join(SUPPORTED)}. Save as 'model.glassnet' instead."
        )
    entry = _entry(kind, config)
    if layer.built and kind in ("Dense", "Flatten", "Rescaling"):  # as Keras
        entry["build_config"] = {"input_shape": [None, *layer.input_sample_shape]}
    return entry


def _plain_config(layer: Any) -> dict[str, Any]:
    """The settings of a layer whose glassnet config has Keras's keys and values."""
    config: dict[str, Any] = layer.get_config()
    return {k: v for k, v in config.items() if k not in ("name", "input_shape", "trainable")}


def model_config(model: Any, depth: int = 0, top: bool = True) -> dict[str, Any]:
    """The `config.json` of `model` as Keras 3 writes it (with `compile_config` at the top)."""
    if depth > _MAX_DEPTH:
        raise ValueError("The model's Sequentials are nested too deeply for a .keras file.")
    layers: list[dict[str, Any]] = []
    shape = model.input_sample_shape
    if shape is not None:
        batch_shape = [None, *shape]
        layers.append(
            _entry(
                "InputLayer",
                {
                    "batch_shape": batch_shape,
                    "dtype": "float32",
                    "sparse": False,
                    "ragged": False,
                    "name": f"input_layer_{model.name}",
                    "optional": False,
                },
            )
        )
    layers += [
        _layer_entry(layer, depth) for layer in model.layers if type(layer).__name__ != "InputLayer"
    ]
    config = {"name": model.name, "trainable": True, "dtype": _DTYPE, "layers": layers}
    entry = _entry("Sequential", config, "keras")
    if shape is not None:
        config["build_input_shape"] = [None, *shape]
        entry["build_config"] = {"input_shape": [None, *shape]}
    if top:
        entry["compile_config"] = _compile_config(model)
    return entry


def _compile_config(model: Any) -> dict[str, Any] | None:
    optimizer, loss = model.optimizer, model.loss
    if optimizer is None or loss is None:
        return None
    schedule = optimizer.learning_rate_schedule
    keras_schedule = schedule is None or type(schedule).__name__ in _SCHEDULES
    if optimizer.name not in _OPTIMIZERS or not keras_schedule:
        warnings.warn(
            f"Keras would not load the optimizer {optimizer!r}: the .keras file holds the "
            "model uncompiled. Keras can compile it again after loading.",
            UserWarning,
            stacklevel=4,
        )
        return None
    settings = optimizer.get_config()
    if optimizer.name != "adamw":  # Keras's AdamW refuses None
        settings["weight_decay"] = settings.get("weight_decay") or None
    if schedule is not None:  # as Keras: {"module": "keras.optimizers.schedules", ...}
        saved = schedules.serialize(schedule)
        settings["learning_rate"] = _entry(saved["class_name"], saved["config"], _SCHEDULE_MODULE)
    if optimizer.name == "rmsprop":
        settings.update(momentum=0.0, centered=False)
    if optimizer.name in ("adam", "adamw"):
        settings["amsgrad"] = False
    loss_config = {"name": loss.name, "reduction": "sum_over_batch_size"}
    if "crossentropy" in loss.name:
        loss_config["from_logits"] = bool(loss.from_logits)
    return {
        "optimizer": _entry(_OPTIMIZERS[optimizer.name], settings, "keras.optimizers"),
        "loss": _entry(type(loss).__name__, loss_config, "keras.losses"),
        "loss_weights": None,
        "metrics": [m if isinstance(m, str) else getattr(m, "name", str(m)) for m in model.metrics]
        or None,
        "weighted_metrics": None,
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


def save_keras(model: Any, path: str | os.PathLike[str]) -> None:
    """Write `model` as a Keras 3 `.keras` zip at `path`, atomically.

    Raises:
        ValueError: a layer or activation Keras's format can't hold here (named).
        ImportError: h5py is not installed.
    """
    model.get_weights()  # builds the model when its input shape is known
    config = model_config(model)
    weights = _keras_h5.write_weights(model)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    with atomic_write(Path(path)) as handle, zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", weights)


# -- reading ------------------------------------------------------------------------------
def is_keras_zip(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a zip holding Keras's `config.json` (a `.keras` file)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "config.json" in archive.namelist()
    except (*_ZIP_DAMAGE, KeyError, OSError):
        return False


def _member(path: Path, name: str, shown: str) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(name)
            if info.file_size > _MAX_MEMBER:
                raise ValueError(f"{shown}: {name} declares {info.file_size:,} bytes: damaged.")
            return archive.read(info)
    except KeyError:
        raise ValueError(f"{shown} is not a complete .keras file: it has no {name}.") from None
    except _ZIP_DAMAGE as error:
        if isinstance(error, ValueError) and str(error).startswith(shown):
            raise
        raise ValueError(f"{shown} is a damaged .keras file ({error!r}).") from None


def weights_bytes(path: str | os.PathLike[str], shown: str) -> bytes:
    """The bytes of the `model.weights.h5` inside the `.keras` zip at `path`."""
    return _member(Path(path), "model.weights.h5", shown)


def load_keras(path: str | os.PathLike[str], shown: str) -> Any:
    """The Sequential in the Keras 3 `.keras` file at `path`, with its weights, compiled
    as saved when glassnet has its settings (else uncompiled, with a warning).

    Raises:
        ValueError: a damaged file, a model that is not a Sequential, or a layer or
            setting glassnet does not have (named); ImportError: h5py is not installed.
    """
    path = Path(path)
    try:
        entry = json.loads(_member(path, "config.json", shown).decode("utf-8"))
        if _saved_checks.config_depth(entry) > _saved_checks.MAX_CONFIG_DEPTH:
            raise ValueError(f"{shown}: its config.json is nested too deeply: damaged.")
    except (ValueError, RecursionError) as error:
        if str(error).startswith(shown):
            raise
        raise ValueError(f"{shown}: its config.json is not JSON: damaged.") from None
    data = weights_bytes(path, shown)
    try:
        model, input_shape = model_from_config(entry, shown, 0)
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(
            f"{shown} holds an invalid Keras model configuration: {error!r}."
        ) from None
    if input_shape is not None:
        expected = _saved_checks.expected_shapes(model.leaves(), input_shape)
        if expected is not None:  # every size is checked before anything is allocated
            stored = [SimpleNamespace(shape=s) for s in _keras_h5.stored_shapes(data, model, shown)]
            _saved_checks.check_shapes(expected, stored, shown)
        model.build(input_shape)
    compiled = entry.get("compile_config") if isinstance(entry, dict) else None
    if compiled:
        compile_from_config(model, compiled, shown)
    if model.built:
        _keras_h5.read_weights(data, model, shown)
    return model


def _config_of(entry: Any, shown: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ValueError(f"{shown}: a layer entry should have a class_name, got {describe(entry)}.")
    config = entry.get("config")
    if not isinstance(config, dict):
        raise ValueError(f"{shown}: the config of a {entry['class_name']} is {describe(config)}.")
    return entry["class_name"], config


def model_from_config(entry: Any, shown: str, depth: int = 0) -> tuple[Any, tuple[int, ...] | None]:
    """A new, unbuilt glassnet Sequential from Keras's serialised model, and its input
    shape (None when the file does not say).

    Raises:
        ValueError: not a Sequential, or a layer or setting glassnet lacks (named).
    """
    class_name, config = _config_of(entry, shown)
    if class_name != "Sequential":
        raise ValueError(
            f"{shown} holds a Keras {class_name} model; glassnet reads Sequential models only "
            "(a functional Model is a graph of layers, which glassnet does not have)."
        )
    if depth > _MAX_DEPTH:
        raise ValueError(f"{shown}: its Sequentials are nested too deeply: damaged.")
    layers: list[Any] = []
    input_shape: tuple[int, ...] | None = None
    for layer_entry in config["layers"]:
        kind, settings = _config_of(layer_entry, shown)
        if kind == "InputLayer":
            batch: Any = settings.get("batch_shape") or settings.get("batch_input_shape")
            input_shape = _saved_checks.input_shape(list(batch)[1:], shown)
        elif kind == "Sequential":
            inner, inner_shape = model_from_config(layer_entry, shown, depth + 1)
            input_shape = input_shape or (inner_shape if not layers else None)
            layers.append(inner)
        else:
            layers.append(_layer_from(kind, settings, shown))
    if input_shape is None:
        built = config.get("build_input_shape") or (entry.get("build_config") or {}).get(
            "input_shape"
        )
        if built:
            input_shape = _saved_checks.input_shape(list(built)[1:], shown)
    sequential: Any = layers_module.get("Sequential")
    return sequential(layers, name=config.get("name")), input_shape


def _unsupported(kind: str, name: Any, what: str, shown: str) -> ValueError:
    return ValueError(f"{shown}: {kind} '{name}' {what}, which glassnet does not have.")


def _activation_name(value: Any, kind: str, name: Any, shown: str) -> str:
    if isinstance(value, dict) and value.get("class_name") == "function":
        value = value.get("config")
    if not isinstance(value, str):
        raise _unsupported(kind, name, f"has the activation {describe(value)}", shown)
    return value


def _initializer_name(value: Any, default: str) -> str:
    name = _keras_h5.snake_case(value["class_name"]) if isinstance(value, dict) else value
    try:
        initializers.get(name)
    except (ValueError, TypeError):
        return default  # only a fresh initialisation would use it: the weights are loaded
    return name


# Layers whose Keras config is their constructor's arguments: kind -> the keys read.
_PLAIN = {
    "ReLU": ("max_value", "negative_slope", "threshold"),
    "LeakyReLU": ("negative_slope",),
    "Reshape": ("target_shape",),
    "Rescaling": ("scale", "offset"),
}


def _plain_value(value: Any) -> Any:
    """A setting as Keras saved it: a NumPy array (Rescaling's scale) is a "__numpy__" entry."""
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        return (value.get("config") or {}).get("value")
    return value


def _layer_from(kind: str, settings: dict[str, Any], shown: str) -> Any:
    name = settings.get("name")
    if kind not in SUPPORTED:
        raise ValueError(
            f"{shown}: layer '{name}' is a Keras {kind}, which glassnet does not have; "
            f"glassnet reads .keras files made of {', '.join(SUPPORTED)}."
        )
    try:
        if kind == "Dense":
            for key in ("activity_regularizer", "kernel_constraint", "bias_constraint",
                        "lora_rank", "quantization_config"):  # fmt: skip
                if settings.get(key):
                    raise _unsupported(kind, name, f"has a {key}", shown)
            layer: layers_module.Layer = layers_module.Dense(
                settings["units"],
                activation=_activation_name(settings.get("activation"), kind, name, shown),
                use_bias=bool(settings.get("use_bias", True)),
                kernel_initializer=_initializer_name(
                    settings.get("kernel_initializer"), "glorot_uniform"
                ),
                bias_initializer=_initializer_name(settings.get("bias_initializer"), "zeros"),
                kernel_regularizer=_regularizer_from(
                    settings.get("kernel_regularizer"), "kernel_regularizer", kind, name, shown
                ),
                bias_regularizer=_regularizer_from(
                    settings.get("bias_regularizer"), "bias_regularizer", kind, name, shown
                ),
                name=name,
            )
        elif kind == "Flatten":
            if settings.get("data_format", "channels_last") != "channels_last":
                raise _unsupported(kind, name, "flattens channels first", shown)
            layer = layers_module.Flatten(name=name)
        elif kind == "Dropout":
            if settings.get("noise_shape") is not None:
                raise _unsupported(kind, name, "has a noise_shape", shown)
            layer = layers_module.Dropout(settings["rate"], seed=settings.get("seed"), name=name)
        elif kind == "Softmax":
            if settings.get("axis", -1) != -1:
                raise _unsupported(
                    kind, name, f"takes the softmax over axis {settings['axis']}", shown
                )
            layer = layers_module.Softmax(name=name)
        elif kind in _PLAIN:
            layer = layers_module.get(kind)(
                **{k: _plain_value(settings[k]) for k in _PLAIN[kind] if k in settings}, name=name
            )
        else:
            activation = _activation_name(settings.get("activation"), kind, name, shown)
            layer = layers_module.Activation(activation, name=name)
    except (TypeError, ValueError) as error:
        if str(error).startswith(shown):
            raise
        raise ValueError(f"{shown}: layer '{name}' ({kind}): {error}") from None
    if settings.get("trainable") is False:
        layer.trainable = False
    return layer


def compile_from_config(model: Any, compiled: Any, shown: str) -> None:
    """Compile `model` as Keras's `compile_config` says, or warn and leave it uncompiled
    when glassnet lacks one of its settings (as Keras does when it can't compile)."""
    try:
        optimizer_entry = compiled["optimizer"]
        kind, settings = _config_of(optimizer_entry, shown)
        name = {v: k for k, v in _OPTIMIZERS.items()}.get(kind)
        if name is None:
            raise ValueError(
                f"the optimizer {kind} is not one of {', '.join(_OPTIMIZERS.values())}"
            )
        allowed = {
            "adam": ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon"),
            "adamw": ("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon"),
            "adagrad": ("learning_rate", "weight_decay", "initial_accumulator_value", "epsilon"),
            "sgd": ("learning_rate", "weight_decay", "momentum", "nesterov"),
            "rmsprop": ("learning_rate", "weight_decay", "rho", "epsilon"),
        }[name]
        for key in ("amsgrad", "centered", "use_ema", "clipnorm", "clipvalue", "global_clipnorm"):
            if settings.get(key):
                raise ValueError(f"{kind}'s {key} is set")
        if name == "rmsprop" and settings.get("momentum"):
            raise ValueError("RMSprop's momentum is set")
        args = {k: settings[k] for k in allowed if settings.get(k) is not None}
        rate = args.get("learning_rate", 0.001)
        if isinstance(rate, dict):
            if rate.get("class_name") not in _SCHEDULES:
                raise ValueError(f"its learning rate is a {rate.get('class_name')!r} schedule")
            args["learning_rate"] = schedules.deserialize(
                {"class_name": rate["class_name"], "config": dict(rate.get("config") or {})}
            )
        elif not isinstance(rate, (int, float)):
            raise ValueError(f"its learning rate is {describe(rate)}")
        optimizer = optimizers.from_config({"name": name, **args})
        loss = compiled["loss"]
        if isinstance(loss, dict):
            loss_kind, loss_settings = _config_of(loss, shown)
            loss_name = loss_settings.get("config") if loss_kind == "function" else None
            loss_obj = losses.get(loss_name or _keras_h5.snake_case(loss_kind))
            loss_obj.from_logits = bool(loss_settings.get("from_logits", False))
        else:
            loss_obj = losses.get(loss)
        metrics = compiled.get("metrics") or []
        metrics = [m if isinstance(m, str) else _metric_name(m) for m in metrics]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.compile(optimizer=optimizer, loss=loss_obj, metrics=metrics)
    except (KeyError, TypeError, ValueError) as error:
        warnings.warn(
            f"{shown}: the model was loaded uncompiled, as glassnet lacks its compile "
            f"settings ({error}). Call model.compile(...) before training it.",
            UserWarning,
            stacklevel=4,
        )


def _metric_name(entry: Any) -> str:
    config = entry.get("config") if isinstance(entry, dict) else None
    name = config.get("name") if isinstance(config, dict) else None
    if not isinstance(name, str):
        raise ValueError(f"metric {describe(entry)}")
    return name
