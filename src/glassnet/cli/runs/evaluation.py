"""The data a loaded run is evaluated on: its own test part, or a dataset that fits it.

`glassnet evaluate` and `glassnet explain` read a run folder (or a bare model file) and
evaluate it on data preprocessed as in its training; data that doesn't fit the model (images
for a CSV run, other columns, another sample shape) is refused with a sentence saying why.
"""

from __future__ import annotations

import numpy as np

from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig
from glassnet.cli.runs.data import image_dataset, load_splits, preprocess
from glassnet.cli.runs.inputs import csv_data, run_target
from glassnet.cli.runs.loaded import LoadedRun

__all__ = ["evaluation_data"]


def evaluation_data(
    loaded: LoadedRun,
    dataset: str | None = None,
    target: str | None = None,
    encoding: str | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The data to evaluate a loaded model on, preprocessed as in its training.

    Without `dataset`, a run folder's own test part (the same split, from its config);
    with `dataset`, the test set of "fashion-mnist", "fashion-mnist-sample" or "mnist", or
    every row of a CSV file (`target` names its label column, by default the run's),
    preprocessed with the run's stored table preprocessing and feature scaling, its labels
    mapped to the run's class names (see `runs.inputs.csv_data`); `encoding` is that
    file's text encoding (None: UTF-8).

    Returns:
        (x, y, class_names); for a regression run y holds the target values and
        class_names is [].

    Raises:
        ValueError: a bare model file without `dataset`, `target` for an image dataset,
            or data that doesn't fit the model (images for a CSV run, other columns,
            another sample shape).
    """
    if dataset is None:
        if loaded.config is None:
            raise ValueError(f"{loaded.path} is a bare model file: give --dataset to use.")
        splits = load_splits(loaded.config)
        return *splits.test, splits.class_names
    if dataset in IMAGE_DATASETS:
        return _image_test_set(loaded, dataset, target)
    return _csv_rows(loaded, dataset, target, encoding)


def _image_test_set(
    loaded: LoadedRun, dataset: str, target: str | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    if target:
        raise ValueError(f"--target is for CSV files; {dataset} has its own labels.")
    if loaded.preprocessing.get("kind") == "standardize":
        raise ValueError(
            f"{loaded.path} was trained on the rows of a CSV file, not on images: "
            f"evaluate it on a CSV file with its columns, not {dataset}."
        )
    load, names = image_dataset(dataset)
    _, (x, y) = load()
    _check_inputs(loaded, x, dataset)
    return preprocess(x, loaded.preprocessing), y.astype(np.int64), names


def _csv_rows(
    loaded: LoadedRun, dataset: str, target: str | None, encoding: str | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from glassnet import datasets

    target = target or run_target(loaded)
    TrainConfig.from_mapping({"dataset": dataset, "target": target})  # checks
    if loaded.info:  # a run folder: what it stored (see runs.inputs)
        x, y = csv_data(loaded, dataset, target, encoding)
        return x, y, loaded.class_names
    # a bare model file knows neither its columns nor its classes: the file's own, its
    # values scaled as a bare model file's inputs are (see LoadedRun.preprocessing)
    table = datasets.load_csv(dataset, target=target, task=loaded.task, encoding=encoding)
    _check_inputs(loaded, table.x, dataset)
    return preprocess(table.x, loaded.preprocessing), table.y, [str(c) for c in table.class_names]


def _check_inputs(loaded: LoadedRun, x: np.ndarray, dataset: str) -> None:
    expected = tuple(loaded.model.input_sample_shape or ())
    if expected and tuple(x.shape[1:]) != expected:
        raise ValueError(
            f"{dataset} has samples shaped {tuple(x.shape[1:])}, but the model of "
            f"{loaded.path} takes inputs shaped {expected}."
        )
