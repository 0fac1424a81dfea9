"""Training runs: one folder per run, holding everything needed to read or repeat it.

A run folder holds:

- `model.glassnet`: the trained model (`gn.load_model` reads it);
- `config.toml` and `config.json`: the exact settings that ran (`glassnet train --config
  config.toml` repeats the run), and `run.json`: class names, input preprocessing and
  the data sizes, which `glassnet predict` needs;
- `history.json` and `history.csv`: loss and metrics per epoch;
- `metrics.json`: test loss, accuracy beside the majority-class baseline, balanced
  accuracy, the classification report and the confusion matrix;
- `diagnosis.txt` and `diagnosis.json`: what `gn.diagnose` found;
- the figures as PNG, and `report.html`, one self-contained page with all of it.

The folder is written under a temporary hidden name beside its final place and renamed
when complete, so an interrupted or failed write leaves nothing half-written.

>>> config = TrainConfig.from_mapping({"layers": "64,32", "lr": 0.01})
>>> config.layers, config.learning_rate, config.optimizer
([64, 32], 0.01, 'adam')
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__
from glassnet._internal.checks import check_int, check_number, check_one_of
from glassnet._internal.files import move_into_place, temporary_folder
from glassnet._internal.jsonable import jsonable

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

__all__ = [
    "MODEL_FILE",
    "DatasetSplits",
    "LoadedRun",
    "TrainConfig",
    "build_model",
    "class_probabilities",
    "evaluation_data",
    "load_config_file",
    "load_run",
    "load_splits",
    "preprocess",
    "probabilities",
    "train",
    "write_run",
]

MODEL_FILE = "model.glassnet"
IMAGE_DATASETS = ("fashion-mnist", "fashion-mnist-sample", "mnist")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
# Images shown in the report's prediction grid (the tutorial shows 15).
N_PREDICTION_IMAGES = 15
# Largest network drawn as a diagram (units per layer beyond this are not drawn).
_NETWORK_MAX_INPUTS = 64


@dataclass
class TrainConfig:
    """The settings of a training run; the keys of `--config run.toml` are its fields.

    Attributes:
        dataset: "fashion-mnist", "fashion-mnist-sample" (the 7,000 images shipped with
            glassnet), "mnist" or the path of a CSV file.
        target: the label column of a CSV file (required for CSV, not allowed otherwise).
        layers: units of each hidden Dense layer, e.g. [128] (the lecture's model).
        activation: the hidden layers' activation.
        dropout: Dropout rate after each hidden layer, in [0, 1); 0 for none.
        optimizer: "adam", "sgd" or "rmsprop".
        learning_rate: the optimizer's step size (`lr` in files and flags).
        epochs: passes over the training data.
        batch_size: samples per gradient step.
        split: train, validation and test fractions. For Fashion-MNIST and MNIST the
            official test set is the test part, and the validation part is taken from
            the official training set: validation / (train + validation) of it.
        early_stopping: patience in epochs on val_loss (restoring the best weights), or
            None for none.
        seed: makes the split, the initial weights and the shuffling repeatable.
        out: the run folder, or None for `runs/<dataset>-<time>`. A run folder's own
            config.toml leaves it out, so that repeating a run writes a new folder.
        limit: train on at most `limit` samples of the training part (quick experiments);
            the validation and test parts are not cut.
        test_limit: evaluate on only the first `test_limit` samples of the test part.
    """

    dataset: str = "fashion-mnist"
    target: str | None = None
    layers: list[int] = field(default_factory=lambda: [128])
    activation: str = "relu"
    dropout: float = 0.0
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    epochs: int = 10
    batch_size: int = 32
    split: list[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])
    early_stopping: int | None = None
    seed: int | None = 0
    out: str | None = None
    limit: int | None = None
    test_limit: int | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TrainConfig:
        """A checked config from a dict (a TOML file's keys; `lr` and `-` spellings allowed).

        Raises:
            ValueError: an unknown key, or a value of the wrong kind or range.

        >>> TrainConfig.from_mapping({"batch-size": 64, "split": "0.6,0.2,0.2"}).split
        [0.6, 0.2, 0.2]
        """
        known = {f for f in cls.__dataclass_fields__}
        values = dict(values)
        written_by = str(values.pop(VERSION_KEY, __version__))
        clean: dict[str, Any] = {}
        for key, value in values.items():
            name = {"lr": "learning_rate"}.get(key.replace("-", "_"), key.replace("-", "_"))
            if name not in known:
                newer = (
                    f" (the file was written by glassnet {written_by}, newer than this "
                    f"glassnet {__version__}: upgrade glassnet to use it)"
                    if _version_tuple(written_by) > _version_tuple(__version__)
                    else ""
                )
                raise ValueError(
                    f"unknown config key {key!r}{newer}; valid keys: {', '.join(sorted(known))}."
                )
            clean[name] = value
        config = cls(**clean)
        config._check()
        return config

    def _check(self) -> None:
        if not isinstance(self.dataset, str) or not self.dataset:
            raise ValueError(
                f"dataset must be {', '.join(IMAGE_DATASETS)} or a CSV file, got {self.dataset!r}."
            )
        is_image = self.dataset in IMAGE_DATASETS
        if not is_image and not self.dataset.lower().endswith(".csv"):
            raise ValueError(
                f"unknown dataset {self.dataset!r}: expected {', '.join(IMAGE_DATASETS)} "
                "or a .csv file."
            )
        if is_image and self.target is not None:
            raise ValueError(f"--target is for CSV files; {self.dataset} has its own labels.")
        if not is_image and not self.target:
            raise ValueError(f"--target COLUMN is required with a CSV dataset ({self.dataset}).")
        self.layers = _int_list("layers", self.layers)
        self.split = _float_list("split", self.split)
        if len(self.split) != 3 or min(self.split) <= 0 or abs(sum(self.split) - 1) > 1e-6:
            raise ValueError(
                "split must be three fractions > 0 summing to 1 (train,val,test), "
                f"got {self.split}."
            )
        self.activation = str(self.activation)
        from glassnet import activations

        activations.get(self.activation)  # an unknown name lists the valid ones
        self.dropout = check_number("dropout", self.dropout, 0, 1, high_inclusive=False)
        self.optimizer = check_one_of("optimizer", str(self.optimizer).lower(), OPTIMIZERS)
        self.learning_rate = check_number("lr", self.learning_rate, 0, low_inclusive=False)
        self.epochs = check_int("epochs", self.epochs, minimum=1)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        if self.early_stopping is not None:
            self.early_stopping = check_int("early_stopping", self.early_stopping, minimum=0)
        if self.seed is not None:
            self.seed = check_int("seed", self.seed, minimum=0)
        if self.limit is not None:
            self.limit = check_int("limit", self.limit, minimum=10)
        if self.test_limit is not None:
            self.test_limit = check_int("test_limit", self.test_limit, minimum=1)

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values (None values left out), ready for JSON or TOML."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def to_repeat(self) -> TrainConfig:
        """The settings a run folder keeps: all but `out`, so a repeat gets a new folder."""
        return TrainConfig(**{**asdict(self), "out": None})

    def to_toml(self, comment: str = "") -> str:
        """The settings as TOML text that `load_config_file` reads back unchanged.

        Args:
            comment: lines written first, each as a TOML comment (e.g. the split used).

        >>> print(TrainConfig(layers=[8]).to_toml().splitlines()[2])
        layers = [8]
        """
        lines = [f"# {line}".rstrip() for line in comment.splitlines()]
        lines.append(f"{VERSION_KEY} = {_toml_value(__version__)}")
        for key, value in self.to_dict().items():
            key = "lr" if key == "learning_rate" else key
            lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


# A config file names the glassnet that wrote it, so a newer file's unknown key is explained.
VERSION_KEY = "glassnet_version"


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _int_list(name: str, value: Any) -> list[int]:
    items = value.split(",") if isinstance(value, str) else list(np.atleast_1d(value))
    try:
        numbers = [int(str(item).strip()) for item in items if str(item).strip()]
    except ValueError:
        raise ValueError(
            f"{name} must be integers separated by commas, e.g. 128,64; got {value!r}."
        ) from None
    if any(n < 1 for n in numbers):
        raise ValueError(f"{name} must be integers >= 1, got {value!r}.")
    return numbers


def _float_list(name: str, value: Any) -> list[float]:
    items = value.split(",") if isinstance(value, str) else list(np.atleast_1d(value))
    try:
        return [float(str(item).strip()) for item in items]
    except ValueError:
        raise ValueError(
            f"{name} must be numbers separated by commas, e.g. 0.8,0.1,0.1; got {value!r}."
        ) from None


def load_config_file(path: str | os.PathLike) -> dict[str, Any]:
    """The keys of a run config file: TOML (`.toml`) or JSON (`.json`).

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file isn't valid TOML/JSON.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--config: no such file {path}")
    text = path.read_text(encoding="utf-8")
    try:
        values = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"--config {path} is not valid {path.suffix[1:] or 'TOML'}: {error}"
        ) from None
    if not isinstance(values, dict):
        raise ValueError(f"--config {path} must hold keys and values, got {type(values).__name__}.")
    return values


# -- data ------------------------------------------------------------------------------


@dataclass
class DatasetSplits:
    """The training, validation and test parts, preprocessed as the model sees them.

    Attributes:
        train, val, test: (x, y) pairs; x float32, y integer labels.
        class_names: one name per label.
        preprocessing: how raw inputs become model inputs (see `preprocess`).
        feature_names: CSV column names of the features, or None for images.
        notes: how each part was made, e.g. "the official test set", "the first 1,000 of
            53,333 (limit)"; keyed "train", "val", "test".
    """

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: list[str]
    preprocessing: dict[str, Any]
    feature_names: list[str] | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def split_used(self) -> dict[str, Any]:
        """The split that was actually used: samples, fractions and how each part was made.

        >>> parts = DatasetSplits(train=(np.zeros(6), np.zeros(6)), val=(np.zeros(2), np.zeros(2)),
        ...                       test=(np.zeros(2), np.zeros(2)), class_names=["a"],
        ...                       preprocessing={})
        >>> parts.split_used()["fractions"]
        {'train': 0.6, 'val': 0.2, 'test': 0.2}
        """
        samples = {name: len(part[0]) for name, part in self.parts().items()}
        total = sum(samples.values()) or 1
        return {
            "samples": samples,
            "fractions": {name: round(n / total, 4) for name, n in samples.items()},
            "notes": dict(self.notes),
        }

    def parts(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {"train": self.train, "val": self.val, "test": self.test}

    def describe_split(self) -> str:
        """One line per part: "train 53,333 samples (76.2 %), ..." with how it was made.

        >>> parts = DatasetSplits(train=(np.zeros(6), np.zeros(6)), val=(np.zeros(2), np.zeros(2)),
        ...                       test=(np.zeros(2), np.zeros(2)), class_names=["a"],
        ...                       preprocessing={}, notes={"test": "the official test set"})
        >>> print(parts.describe_split())
        train       6 samples (60.0 %)
        validation  2 samples (20.0 %)
        test        2 samples (20.0 %): the official test set
        """
        used = self.split_used()
        lines = []
        for name, label in (("train", "train"), ("val", "validation"), ("test", "test")):
            note = self.notes.get(name)
            lines.append(
                f"{label:<11} {used['samples'][name]:,} samples "
                f"({used['fractions'][name] * 100:.1f} %)" + (f": {note}" if note else "")
            )
        return "\n".join(lines)


def preprocess(x: Any, preprocessing: Mapping[str, Any]) -> np.ndarray:
    """Raw inputs to model inputs: images divided by their maximum, features standardised.

    Args:
        x: raw inputs (pixels 0..255, or CSV feature values).
        preprocessing: {"kind": "images", "max_value": 255} or
            {"kind": "standardize", "mean": [...], "scale": [...]} (as in run.json).

    Returns:
        float32 array of the same shape.

    >>> preprocess([[0, 51, 255]], {"kind": "images", "max_value": 255}).tolist()
    [[0.0, 0.20000000298023224, 1.0]]
    """
    x = np.asarray(x, dtype=np.float32)
    kind = preprocessing.get("kind")
    if kind == "images":
        return x / np.float32(preprocessing["max_value"])
    if kind == "standardize":
        mean = np.asarray(preprocessing["mean"], dtype=np.float32)
        scale = np.asarray(preprocessing["scale"], dtype=np.float32)
        return (x - mean) / scale
    return x


def _image_dataset(name: str) -> tuple[Callable[[], Any], list[str]]:
    """The loader and the class names of a built-in image data set, one of `IMAGE_DATASETS`.

    >>> load, names = _image_dataset("fashion-mnist-sample")
    >>> load.__name__, names[9]
    ('load_sample', 'Ankle boot')
    """
    from glassnet import datasets

    fashion, digits = datasets.fashion_mnist, datasets.mnist
    known = {
        "fashion-mnist": (fashion.load_data, fashion.class_names),
        "fashion-mnist-sample": (fashion.load_sample, fashion.class_names),
        "mnist": (digits.load_data, digits.class_names),
    }
    load, names = known[check_one_of("dataset", name, IMAGE_DATASETS)]
    return load, list(names)


def load_splits(config: TrainConfig) -> DatasetSplits:
    """Load `config.dataset` and split it as `config.split` says (seeded by `config.seed`).

    Fashion-MNIST and MNIST keep their official test set; their validation part is
    `split[1] / (split[0] + split[1])` of the official training set. A CSV file is split
    three ways by `config.split`. Then `config.limit` cuts the training part and
    `config.test_limit` the test part, and `DatasetSplits.notes` says so.
    """
    from glassnet import datasets

    rng = np.random.default_rng(config.seed)
    notes: dict[str, str] = {}
    if config.dataset in IMAGE_DATASETS:
        load, names = _image_dataset(config.dataset)
        (x, y), test = load()
        order = rng.permutation(len(x))
        val_share = config.split[1] / (config.split[0] + config.split[1])
        n_val = max(1, round(len(x) * val_share))
        train = (x[order[n_val:]], y[order[n_val:]])
        val = (x[order[:n_val]], y[order[:n_val]])
        notes["val"] = f"{val_share * 100:.1f} % of the official training set"
        notes["test"] = "the official test set"
        prep: dict[str, Any] = {"kind": "images", "max_value": 255.0}
        feature_names = None
    else:
        table = datasets.load_csv(config.dataset, target=config.target)
        train, val, test = datasets.train_val_test_split(
            table.x, table.y, config.split, seed=config.seed
        )
        mean, scale = train[0].mean(axis=0), train[0].std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)  # a constant column is only centred
        prep = {"kind": "standardize", "mean": mean.tolist(), "scale": scale.tolist()}
        names = [str(c) for c in table.class_names]
        feature_names = list(table.feature_names)
    train = _first(train, config.limit, "limit", notes, "train")
    test = _first(test, config.test_limit, "test_limit", notes, "test")
    return DatasetSplits(
        train=(preprocess(train[0], prep), train[1].astype(np.int64)),
        val=(preprocess(val[0], prep), val[1].astype(np.int64)),
        test=(preprocess(test[0], prep), test[1].astype(np.int64)),
        class_names=names,
        preprocessing=prep,
        feature_names=feature_names,
        notes=notes,
    )


def _first(part, limit: int | None, key: str, notes: dict[str, str], name: str):
    """The first `limit` samples of `part`, noting the cut in `notes[name]`."""
    x, y = part
    if limit is None or limit >= len(x):
        return part
    cut = f"{limit:,} of {len(x):,} ({key})"
    notes[name] = f"{notes[name]}, {cut}" if name in notes else cut
    return x[:limit], y[:limit]


def build_model(config: TrainConfig, input_shape: tuple[int, ...], n_classes: int) -> Any:
    """The network of `config`: Flatten -> (Dense [-> Dropout]) per hidden layer -> Dense.

    The output layer gives logits; the model is compiled with
    `SparseCategoricalCrossentropy(from_logits=True)` and accuracy, as the lecture.

    >>> model = build_model(TrainConfig(layers=[8]), (4, 4), 3)
    >>> [type(layer).__name__ for layer in model.layers], model.count_params()
    (['Flatten', 'Dense', 'Dense'], 163)
    """
    from glassnet import layers, losses, optimizers, utils
    from glassnet.model import Sequential

    if config.seed is not None:
        utils.set_random_seed(config.seed)
    stack: list[Any] = [layers.Flatten(input_shape=tuple(input_shape))]
    for units in config.layers:
        stack.append(layers.Dense(units, activation=config.activation))
        if config.dropout > 0:
            stack.append(layers.Dropout(config.dropout))
    stack.append(layers.Dense(n_classes))
    model = Sequential(stack)
    optimizer = {"adam": optimizers.Adam, "sgd": optimizers.SGD, "rmsprop": optimizers.RMSprop}
    model.compile(
        optimizer=optimizer[config.optimizer](learning_rate=config.learning_rate),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


# -- training ---------------------------------------------------------------------------


class _KeepBest:
    """A callback remembering the weights of the epoch with the lowest val_loss."""

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor = monitor
        self.best = math.inf
        self.best_epoch: int | None = None
        self.weights: list[np.ndarray] | None = None
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs=None) -> None: ...

    def on_train_end(self, logs=None) -> None: ...

    def on_epoch_begin(self, epoch, logs=None) -> None: ...

    def on_train_batch_end(self, batch, logs=None) -> None: ...

    def on_epoch_end(self, epoch, logs=None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and math.isfinite(value) and value < self.best:
            self.best, self.best_epoch = float(value), epoch
            self.weights = self.model.get_weights()


def probabilities(model: Any, x: np.ndarray) -> np.ndarray:
    """The model's class probabilities for `x`, shaped (n, n_classes); see `class_probabilities`."""
    return class_probabilities(model.predict(x), getattr(model.loss, "from_logits", False))


def class_probabilities(outputs: Any, from_logits: bool) -> np.ndarray:
    """Class probabilities from a model's outputs, shaped (n, n_classes).

    Several outputs: softmax of logits, or the outputs as they are. One output is the
    probability p of class 1 (sigmoid of a logit), returned as the columns (1 - p, p).

    >>> class_probabilities([[0.0032]], from_logits=True).round(4).tolist()
    [[0.4992, 0.5008]]
    """
    from glassnet import losses

    return losses.probabilities(outputs, from_logits)


def train(config: TrainConfig, verbose: int = 1, overwrite: bool = False) -> Path:
    """Load the data, train, evaluate on the test part and write the run folder.

    Ctrl-C during training stops after the current batch (`Sequential.fit`), puts back
    the weights of the best epoch so far and still writes the folder.

    Args:
        config: the settings.
        verbose: 1 shows the progress display and prints the results, 0 is silent.
        overwrite: replace an existing run folder at `config.out` (`--force`); a folder
            that is not a run folder is never replaced. Else only an empty folder may be
            there.

    Returns:
        The run folder.

    Raises:
        FileExistsError: `config.out` exists and is not empty (without `overwrite`), or
            is not a run folder (with it).
    """
    from glassnet import callbacks

    out = Path(config.out) if config.out else _default_out(config)
    check_out_folder(out, overwrite)
    data = load_splits(config)
    if verbose:
        print(f"Data: {config.dataset}\n{_indent(data.describe_split())}")
    x_train, y_train = data.train
    model = build_model(config, x_train.shape[1:], len(data.class_names))
    keep = _KeepBest()
    extra: list[Any] = [keep]
    if config.early_stopping is not None:
        extra.append(
            callbacks.EarlyStopping(
                patience=config.early_stopping, restore_best_weights=True, verbose=verbose
            )
        )
    started = time.perf_counter()
    model.history = None
    try:
        history = model.fit(
            x_train,
            y_train,
            batch_size=config.batch_size,
            epochs=config.epochs,
            validation_data=data.val,
            callbacks=extra,
            verbose=verbose,
        )
    except KeyboardInterrupt:  # fit re-raises it when silent; keep what was learnt
        history = getattr(model, "history", None)
        if history is None:
            raise
        history.params["interrupted"] = True
    seconds = time.perf_counter() - started
    interrupted = bool(history.interrupted or history.params.get("interrupted"))
    if interrupted and keep.weights is not None:
        model.set_weights(keep.weights)
        if verbose:
            print(
                "Interrupted: keeping the weights of the best epoch so far "
                f"({keep.best_epoch + 1})."
            )
    path = write_run(
        out,
        model=model,
        config=config,
        history=history,
        data=data,
        extra={"training_seconds": round(seconds, 3), "interrupted": interrupted},
        overwrite=overwrite,
    )
    if verbose:
        metrics = json.loads((path / "metrics.json").read_text())
        print()
        print(metrics["report_text"])
        print(f"\nRun folder: {path}\nReport: {path / 'report.html'}")
    return path


def check_out_folder(out: Path, overwrite: bool) -> None:
    """Refuse an `out` that holds something, unless it is a run folder and `overwrite`."""
    if not out.exists() or _empty_folder(out):
        return
    if not overwrite:
        raise FileExistsError(
            f"--out {out} already exists; choose another folder, or --force to replace that run."
        )
    if not (out.is_dir() and (out / "run.json").is_file()):
        raise FileExistsError(
            f"--force replaces only a glassnet run folder, and {out} is not one (no run.json): "
            "nothing was deleted."
        )


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def _default_out(config: TrainConfig) -> Path:
    name = Path(config.dataset).stem if config.dataset.endswith(".csv") else config.dataset
    return Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"


def _history_csv(history: Mapping[str, list[float]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    keys = list(history)
    writer.writerow(["epoch", *keys])
    n = len(next(iter(history.values()), []))
    for epoch in range(n):
        writer.writerow([epoch + 1, *(repr(history[k][epoch]) for k in keys)])
    return buffer.getvalue()


def write_run(
    out: str | os.PathLike,
    *,
    model: Any,
    config: TrainConfig,
    history: Any,
    data: DatasetSplits,
    extra: Mapping[str, Any] | None = None,
    overwrite: bool = False,
) -> Path:
    """Evaluate `model` on the test part and write the complete run folder at `out`.

    Everything is written into a hidden temporary folder beside `out`, which is renamed
    to `out` at the end; on any error the temporary folder is removed.

    Returns:
        The run folder `out`.
    """
    from glassnet import metrics as metrics_module
    from glassnet import plots, report
    from glassnet.doctor import diagnose

    out = Path(out)
    work = temporary_folder(out)
    plt = plots.pyplot()
    try:
        x_test, y_test = data.test
        probs = probabilities(model, x_test)  # (n_test, n_classes)
        predicted = probs.argmax(axis=1)
        n_classes = len(data.class_names)
        classification = metrics_module.classification_report(
            y_test, predicted, class_names=data.class_names
        )
        cm = metrics_module.confusion_matrix(y_test, predicted, n_classes=n_classes)
        test_logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
        values = dict(getattr(history, "history", {}))
        try:
            diagnosis = diagnose(history, data=(data.train, data.val), model=model)
            diagnosis_text, diagnosis_dict = str(diagnosis), diagnosis.to_dict()
        except ValueError as error:  # e.g. interrupted before the first epoch ended
            diagnosis_text, diagnosis_dict = f"No diagnosis: {error}", {"error": str(error)}
        metrics = {
            "test_loss": float(test_logs["loss"]),
            "test_accuracy": float(test_logs.get("accuracy", classification.summary.accuracy)),
            "summary": classification.summary.to_dict(),
            "classification_report": classification.to_dict(),
            "confusion_matrix": cm.tolist(),
            "class_names": data.class_names,
            "report_text": str(classification),
            **dict(extra or {}),
        }
        run_info = {
            "format": "glassnet-run",
            "version": 1,
            "model_file": MODEL_FILE,
            "dataset": config.dataset,
            "class_names": data.class_names,
            "preprocessing": data.preprocessing,
            "feature_names": data.feature_names,
            "input_shape": list(data.train[0].shape[1:]),
            "samples": {"train": len(data.train[0]), "val": len(data.val[0]), "test": len(x_test)},
            "split": data.split_used(),
        }
        model.save(str(work / MODEL_FILE))
        repeat = config.to_repeat()
        texts = {
            "config.toml": repeat.to_toml(
                "glassnet train --config config.toml repeats this run into a new folder.\n"
                "The split used:\n" + _indent(data.describe_split())
            ),
            "config.json": json.dumps(repeat.to_dict(), indent=2),
            "run.json": json.dumps(run_info, indent=2),
            "history.json": json.dumps(
                {"history": values, "params": jsonable(getattr(history, "params", {}))}, indent=2
            ),
            "history.csv": _history_csv(values),
            "metrics.json": json.dumps(jsonable(metrics), indent=2),
            "diagnosis.txt": diagnosis_text + "\n",
            "diagnosis.json": json.dumps(jsonable(diagnosis_dict), indent=2),
        }
        for name, text in texts.items():
            (work / name).write_text(text, encoding="utf-8")

        figures: dict[str, Any] = {}
        if values.get("loss"):
            figures["learning_curves.png"] = plots.plot_learning_curves(values)
        figures["confusion_matrix.png"] = plots.plot_confusion_matrix(cm, data.class_names)
        if x_test.ndim == 3:
            shown = min(N_PREDICTION_IMAGES, len(x_test))
            figures["predictions.png"] = plots.plot_predictions(
                x_test[:shown], y_test[:shown], probs[:shown], data.class_names
            )
        if x_test.ndim == 2 and x_test.shape[1] == 2:
            figures["decision_regions.png"] = plots.plot_decision_regions(model, x_test, y_test)
        if int(np.prod(x_test.shape[1:])) <= _NETWORK_MAX_INPUTS:
            figures["network.png"] = plots.plot_network(model)
        for name, fig in figures.items():
            plots.save_figure(fig, work / name)
            plt.close(fig)

        summary_lines: list[str] = []
        model.summary(print_fn=summary_lines.append)
        used = data.split_used()["samples"]
        page = report.build_report(
            title=f"glassnet run: {config.dataset}",
            summary="\n".join(summary_lines),
            config={
                **config.to_dict(),
                "split used": "; ".join(data.describe_split().splitlines()),
                "samples": f"train {used['train']:,}, val {used['val']:,}, test {used['test']:,}",
            },
            metrics=metrics,
            diagnosis=diagnosis_text,
            figures={name: work / name for name in figures},
        )
        (work / "report.html").write_text(page, encoding="utf-8")
        check_out_folder(out, overwrite)  # it may have appeared while training
        move_into_place(work, out, overwrite)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


# -- loading ----------------------------------------------------------------------------


@dataclass
class LoadedRun:
    """A model read back from a run folder or a bare model file.

    Attributes:
        model: the `Sequential`.
        path: the run folder or model file given.
        info: run.json's contents ({} for a bare model file).
        config: the run's settings, or None for a bare model file.
        history: history.json's "history", or None.
    """

    model: Any
    path: Path
    info: dict[str, Any]
    config: TrainConfig | None = None
    history: dict[str, list[float]] | None = None

    @property
    def class_names(self) -> list[str]:
        """The run's class names, or "0".."n-1" from the model's output width."""
        names = self.info.get("class_names")
        return list(names) if names else [str(i) for i in range(self.model.output_shape[-1])]

    @property
    def preprocessing(self) -> dict[str, Any]:
        """How raw inputs become model inputs; for a bare model file images are divided by 255."""
        return self.info.get("preprocessing") or {"kind": "images", "max_value": 255.0}


def evaluation_data(
    loaded: LoadedRun, dataset: str | None = None, target: str | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The data to evaluate a loaded model on, preprocessed as in its training.

    Without `dataset`, a run folder's own test part (the same split, from its config);
    with `dataset`, the test set of "fashion-mnist", "fashion-mnist-sample" or "mnist", or
    every row of a CSV file (`target` names its label column).

    Returns:
        (x, y, class_names).

    Raises:
        ValueError: a bare model file without `dataset`, or `target` for an image dataset.
    """
    from glassnet import datasets

    if dataset is None:
        if loaded.config is None:
            raise ValueError(f"{loaded.path} is a bare model file: give --dataset to use.")
        splits = load_splits(loaded.config)
        return *splits.test, splits.class_names
    if dataset in IMAGE_DATASETS:
        if target:
            raise ValueError(f"--target is for CSV files; {dataset} has its own labels.")
        load, names = _image_dataset(dataset)
        _, (x, y) = load()
        return preprocess(x, loaded.preprocessing), y.astype(np.int64), names
    TrainConfig.from_mapping({"dataset": dataset, "target": target})  # checks
    table = datasets.load_csv(dataset, target=target)
    return preprocess(table.x, loaded.preprocessing), table.y, [str(c) for c in table.class_names]


def load_run(path: str | os.PathLike) -> LoadedRun:
    """Read a run folder (or a model file saved by glassnet).

    Raises:
        FileNotFoundError: no such folder or file, or a folder without a model.
        ValueError: a file that is not a glassnet model (from `gn.load_model`).
    """
    from glassnet.saving import load_model

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such run folder or model file: {path}")
    if path.is_dir() and (path / "run.json").is_file():
        info = json.loads((path / "run.json").read_text(encoding="utf-8"))
        model = load_model(str(path / info.get("model_file", MODEL_FILE)))
        config = None
        if (path / "config.json").is_file():
            config = TrainConfig.from_mapping(json.loads((path / "config.json").read_text()))
        history = None
        if (path / "history.json").is_file():
            history = json.loads((path / "history.json").read_text()).get("history")
        return LoadedRun(model=model, path=path, info=info, config=config, history=history)
    if path.is_dir() and not (path / MODEL_FILE).exists():
        try:
            return LoadedRun(model=load_model(str(path)), path=path, info={})
        except (ValueError, OSError):
            raise FileNotFoundError(
                f"{path} is neither a glassnet run folder (no run.json) nor a saved model."
            ) from None
    return LoadedRun(model=load_model(str(path)), path=path, info={})
