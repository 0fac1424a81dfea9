"""A run's data: load the data set of a `TrainConfig`, split it, and preprocess it.

>>> preprocess([[0, 255]], {"kind": "images", "max_value": 255}).tolist()
[[0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.checks import check_one_of
from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig

__all__ = [
    "DatasetSplits",
    "build_model",
    "class_probabilities",
    "image_dataset",
    "load_splits",
    "preprocess",
    "probabilities",
    "table_summary",
]


@dataclass
class DatasetSplits:
    """The training, validation and test parts, preprocessed as the model sees them.

    Attributes:
        train, val, test: (x, y) pairs; x float32, y integer labels (float64 target values
            for a regression).
        class_names: one name per label ([] for a regression).
        preprocessing: how raw inputs become model inputs (see `preprocess`).
        feature_names: the model's input names for a CSV ("island=Dream" for a one-hot
            column), or None for images.
        notes: how each part was made, e.g. "the official test set", "the first 1,000 of
            53,333 (limit)"; keyed "train", "val", "test".
        table: a CSV's fitted `TablePreprocessor.to_dict()` (fill-in values, categories),
            applied before `preprocessing`, with "ignore": the file's columns left out
            (`TrainConfig.ignore`); None for images.
        table_summary: one line on what that preprocessing did (for the CLI to print).
        task: "classification" or "regression".
        target: the CSV target column, or None for images.
        task_note: the line saying that a regression was inferred from the target, or None.
    """

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: list[str]
    preprocessing: dict[str, Any]
    feature_names: list[str] | None = None
    notes: dict[str, str] = field(default_factory=dict)
    table: dict[str, Any] | None = None
    table_summary: str | None = None
    task: str = "classification"
    target: str | None = None
    task_note: str | None = None

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

    def describe_split(self, prefix: str = "") -> str:
        """One line per part, each after `prefix`: "train 53,333 samples (76.2 %), ...".

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
        return "\n".join(prefix + line for line in lines)


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


def image_dataset(name: str) -> tuple[Callable[[], Any], list[str]]:
    """The loader and the class names of a built-in image data set, one of `IMAGE_DATASETS`.

    >>> load, names = image_dataset("fashion-mnist-sample")
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
    from glassnet.cli.runs.regression import choose_task

    rng = np.random.default_rng(config.seed)
    notes: dict[str, str] = {}
    task, task_note = "classification", None
    if config.dataset in IMAGE_DATASETS:
        load, names = image_dataset(config.dataset)
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
        table = summary = None
    else:
        splits: dict[str, Any] = {}
        if config.ignore:
            _check_ignore(config)

        def load(task: str) -> Any:
            table, splits["parts"] = _load_table(config, task)
            return table

        table, task, task_note = choose_task(load, config.task, config.target)
        train, val, test = splits["parts"]
        summary = table_summary(table)
        if config.ignore:
            left_out = f"left out: {', '.join(config.ignore)}"
            summary = f"{left_out}; {summary}" if summary else left_out
        mean, scale = train[0].mean(axis=0), train[0].std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)  # a constant column is only centred
        prep = {"kind": "standardize", "mean": mean.tolist(), "scale": scale.tolist()}
        names = [str(c) for c in table.class_names]
        feature_names = list(table.feature_names)
    train = _first(train, config.limit, "limit", notes, "train")
    test = _first(test, config.test_limit, "test_limit", notes, "test")
    y_type = np.float64 if task == "regression" else np.int64
    return DatasetSplits(
        train=(preprocess(train[0], prep), train[1].astype(y_type)),
        val=(preprocess(val[0], prep), val[1].astype(y_type)),
        test=(preprocess(test[0], prep), test[1].astype(y_type)),
        class_names=names,
        preprocessing=prep,
        feature_names=feature_names,
        notes=notes,
        table=None if table is None else {**table.preprocessor.to_dict(), "ignore": config.ignore},
        table_summary=summary,
        task=task,
        target=config.target,
        task_note=task_note,
    )


def _load_table(config: TrainConfig, task: str) -> tuple[Any, tuple[Any, Any, Any]]:
    """The CSV table for `task`, its fill-in values and categories learned from the
    training part only, and its (train, val, test) parts: the split is made from the labels
    first (stratified by class; a regression target only when its numbers are all whole)."""
    from glassnet import datasets

    parts: dict[str, Any] = {}

    def training_rows(y: np.ndarray) -> np.ndarray:
        rows = np.arange(len(y))
        # a target of whole numbers is split by value, as glassnet always did (so older runs
        # split as they ran); a regression target of other numbers cannot be
        whole = task == "classification" or bool(np.all(y == np.round(y)))
        parts["split"] = datasets.train_val_test_split(
            rows, y, config.split, stratify=whole, seed=config.seed
        )
        return parts["split"][0][0]

    try:
        table = datasets.load_csv(
            config.dataset,
            target=config.target,
            missing=config.missing,
            ignore=config.ignore,
            handle_unknown=config.handle_unknown,
            max_categories=config.max_categories,
            fit_rows=training_rows,
            task=task,
            encoding=config.encoding,
        )
    except ValueError as error:  # a value of the validation or test part: name the file
        if "handle_unknown='ignore'" not in str(error):
            raise
        raise ValueError(f"{config.dataset}: {error}") from None
    split = tuple((table.x[rows], table.y[rows]) for rows, _ in parts["split"])
    return table, split


def _check_ignore(config: TrainConfig) -> None:
    """Each column of `config.ignore` is a feature column of the CSV file, and some are left.

    Raises:
        ValueError: naming --ignore, the column and the file's columns.
    """
    from glassnet import datasets

    columns = datasets.csv_columns(config.dataset, encoding=config.encoding)
    file = Path(config.dataset).name
    unknown = [c for c in config.ignore if c not in columns]
    if unknown:
        raise ValueError(
            f"--ignore {','.join(unknown)}: {file} has no column {unknown[0]!r}; its columns "
            f"are: {', '.join(columns)}."
        )
    if all(c in config.ignore or c == config.target for c in columns):
        raise ValueError(
            f"--ignore {','.join(config.ignore)} leaves no feature column of {file} (its "
            f"columns: {', '.join(columns)}; the target is {config.target!r})."
        )


def table_summary(table: Any) -> str:
    """What was done to a CSV table's columns, one line: e.g. "one-hot: island -> 3
    columns (Biscoe, Dream, Torgersen); sex -> 2 columns (female, male); filled 11
    missing values with the training mean (text: the most frequent)"; "" if nothing."""
    prep = table.preprocessor
    hot = [
        f"{name} -> {len(cats)} columns ({', '.join(cats)})"
        for name, cats in zip(prep.columns, prep.categories, strict=True)
        if cats is not None
    ]
    parts = [f"one-hot: {'; '.join(hot)}"] if hot else []
    filled = sum(n for c, n in table.missing.items() if c != table.target)
    if table.dropped:
        parts.append(
            f"dropped {table.dropped:,} row(s) with a missing value"
            if prep.missing == "drop"
            else f"dropped {table.dropped:,} row(s) without a label"
        )
    if filled and prep.missing in ("mean", "median", "most-frequent"):
        how = prep.missing.replace("-", " ")
        texts = any(c is not None for c in prep.categories) and prep.missing != "most-frequent"
        parts.append(
            f"filled {filled:,} missing value(s) with the training {how}"
            + (" (text columns: the most frequent)" if texts else "")
        )
    return "; ".join(parts)


def _first(part, limit: int | None, key: str, notes: dict[str, str], name: str):
    """The first `limit` samples of `part`, noting the cut in `notes[name]`."""
    x, y = part
    if limit is None or limit >= len(x):
        return part
    cut = f"{limit:,} of {len(x):,} ({key})"
    notes[name] = f"{notes[name]}, {cut}" if name in notes else cut
    return x[:limit], y[:limit]


def build_model(
    config: TrainConfig, input_shape: tuple[int, ...], n_classes: int, task: str = "classification"
) -> Any:
    """The network of `config`: Flatten -> (Dense [-> Dropout]) per hidden layer -> Dense.

    The output layer gives logits; the model is compiled with
    `SparseCategoricalCrossentropy(from_logits=True)` and accuracy, as the lecture. For
    `task="regression"` the output is one linear unit, compiled with `MeanSquaredError`
    and the mean absolute error ("mae") as its metric (`n_classes` is not used).

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
    regression = task == "regression"
    stack.append(layers.Dense(1 if regression else n_classes))
    model = Sequential(stack)
    optimizer = type(optimizers.get(config.optimizer))  # the class of that name
    model.compile(
        optimizer=optimizer(learning_rate=config.learning_rate),
        loss=(
            losses.MeanSquaredError()
            if regression
            else losses.SparseCategoricalCrossentropy(from_logits=True)
        ),
        metrics=["mae"] if regression else ["accuracy"],
    )
    return model


def probabilities(model: Any, x: np.ndarray) -> np.ndarray:
    """The model's class probabilities for `x`, shaped (n, n_classes); see `class_probabilities`."""
    return class_probabilities(
        model.predict(x, verbose=0), getattr(model.loss, "from_logits", False)
    )


def class_probabilities(outputs: Any, from_logits: bool) -> np.ndarray:
    """Class probabilities from a model's outputs, shaped (n, n_classes).

    Several outputs: softmax of logits, or the outputs as they are. One output is the
    probability p of class 1 (sigmoid of a logit), returned as the columns (1 - p, p).

    >>> class_probabilities([[0.0032]], from_logits=True).round(4).tolist()
    [[0.4992, 0.5008]]
    """
    from glassnet import losses

    return losses.probabilities(outputs, from_logits)
