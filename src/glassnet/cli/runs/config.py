"""A training run's settings: `TrainConfig`, and the TOML/JSON files that hold them.

`glassnet train` reads flags and `--config FILE.toml` into a `TrainConfig`; a run folder
keeps it as config.toml (and config.json), so `glassnet train --config RUN/config.toml`
repeats the run.

>>> config = TrainConfig.from_mapping({"layers": "64,32", "lr": 0.01})
>>> config.layers, config.learning_rate, config.optimizer
([64, 32], 0.01, 'adam')
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import __version__
from glassnet._internal.checks import check_int, check_number, check_one_of, check_seed

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

__all__ = ["IMAGE_DATASETS", "VERSION_KEY", "TrainConfig", "load_config_file"]

IMAGE_DATASETS = ("fashion-mnist", "fashion-mnist-sample", "mnist")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop", "adagrad")
CSV_MISSING = ("error", "drop", "mean", "median", "most-frequent")
CSV_UNKNOWN = ("error", "ignore")
# The settings of a CSV's preprocessing beside `missing`: written to a CSV run's config only.
TABLE_KEYS = ("ignore", "handle_unknown", "max_categories", "encoding")
TASKS = ("classification", "regression")


@dataclass
class TrainConfig:
    """The settings of a training run; the keys of `--config run.toml` are its fields.

    Attributes:
        dataset: "fashion-mnist", "fashion-mnist-sample" (the 7,000 images shipped with
            glassnet), "mnist" or the path of a CSV file.
        target: the label column of a CSV file (required for CSV, not allowed otherwise).
        task: "classification" or "regression" (a CSV file only: a Dense(1) output and the
            mean squared error); None infers it from the target column (see
            `glassnet.cli.runs.regression.choose_task`). A run folder keeps the task that ran.
        layers: units of each hidden Dense layer, e.g. [128] (the lecture's model).
        activation: the hidden layers' activation.
        dropout: Dropout rate after each hidden layer, in [0, 1); 0 for none.
        optimizer: "adam", "adamw", "sgd", "rmsprop" or "adagrad" (Keras's defaults).
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
        missing: missing values in a CSV file: "error" (refuse, counting them per column),
            "drop" (the rows), "mean", "median" or "most-frequent" (fill in that value of
            the training part; text columns get their most frequent training value).
        ignore: feature columns of a CSV file to leave out (e.g. an id or the year).
        handle_unknown: a text value that the training part did not hold, met later (in
            the validation or test part, or by `glassnet predict`): "error" or "ignore"
            (its one-hot columns are all zero).
        max_categories: the most distinct values a text column may have (one-hot encoding
            adds one input per value); more is an error naming the column.
        encoding: the CSV file's text encoding (a Python codec name such as "latin-1" or
            "utf-16"); None reads UTF-8, with or without a BOM.
    """

    dataset: str = "fashion-mnist"
    target: str | None = None
    task: str | None = None
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
    missing: str = "error"
    ignore: list[str] = field(default_factory=list)
    handle_unknown: str = "error"
    max_categories: int = 50
    encoding: str | None = None

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
        if self.task is not None:
            self.task = check_one_of("task", str(self.task).lower(), TASKS)
            if is_image and self.task == "regression":
                raise ValueError(
                    f"--task regression is for CSV files; {self.dataset} has class labels."
                )
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
            self.seed = check_seed("seed", self.seed)
        if self.limit is not None:
            self.limit = check_int("limit", self.limit, minimum=10)
        if self.test_limit is not None:
            self.test_limit = check_int("test_limit", self.test_limit, minimum=1)
        self.missing = check_one_of(
            "missing", self.missing, CSV_MISSING, what="way to handle missing values (--missing)"
        )
        self._check_table(is_image)

    def _check_table(self, is_image: bool) -> None:
        """The CSV preprocessing settings; the columns of `ignore` are checked against the
        file when it is read (`glassnet.cli.runs.data.load_splits`)."""
        self.ignore = _name_list("ignore (--ignore)", self.ignore)
        if self.target is not None and self.target in self.ignore:
            raise ValueError(
                f"--ignore {self.target}: that is the target column (--target); --ignore "
                "names feature columns to leave out."
            )
        self.handle_unknown = check_one_of(
            "handle_unknown",
            self.handle_unknown,
            CSV_UNKNOWN,
            what="way to handle a text value not seen in training (--handle-unknown)",
        )
        value = self.max_categories
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise ValueError(
                "max_categories (--max-categories) must be an integer >= 2, the most distinct "
                f"values a text column may have; got {value!r}."
            )
        self.max_categories = int(value)
        if self.encoding is not None:
            self.encoding = _codec("encoding (--encoding)", self.encoding)
        given = [
            flag
            for flag, set_ in (
                ("--ignore", bool(self.ignore)),
                ("--handle-unknown", self.handle_unknown != "error"),
                ("--max-categories", self.max_categories != 50),
                ("--encoding", self.encoding is not None),
            )
            if set_
        ]
        if is_image and given:
            raise ValueError(f"{given[0]} is for CSV files; {self.dataset} has no columns.")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values, ready for JSON or TOML: None values left out, and
        the CSV preprocessing keys (`TABLE_KEYS`) too for an image data set."""
        image = self.dataset in IMAGE_DATASETS
        return {
            k: v
            for k, v in asdict(self).items()
            if v is not None and not (image and k in TABLE_KEYS)
        }

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


def _codec(name: str, value: Any) -> str:
    """`value` if it names a text codec Python knows (the name as given).

    >>> _codec("encoding", "latin-1")
    'latin-1'
    """
    import codecs

    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a codec name such as latin-1 or utf-16, got {value!r}.")
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(
            f"{name}: {value!r} is not a text encoding Python knows (e.g. utf-8, latin-1, "
            "cp1252, utf-16)."
        ) from None
    return value


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
    if not numbers:  # `--layers ""` trained without a hidden layer, silently
        raise ValueError(
            f"{name} must list at least one integer, e.g. 128 or 128,64; got {value!r}."
        )
    return numbers


def _name_list(name: str, value: Any) -> list[str]:
    """Column names: a list of str, or one str of names separated by commas ("": none)."""
    if isinstance(value, str):
        value = value.split(",") if value.strip() else []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(
            f"{name} must be column names (a list, or names separated by commas), got {value!r}."
        )
    names = [v.strip() for v in value]
    if any(not v for v in names):
        raise ValueError(f"{name} names an empty column in {','.join(value)!r}.")
    repeated = sorted({v for v in names if names.count(v) > 1})
    if repeated:
        raise ValueError(f"{name} names the column(s) {', '.join(repeated)} more than once.")
    return names


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
