"""run.json: what a run folder says about its run, which `glassnet predict` needs.

It names its format and version, the model's file, the dataset, the class names (none for
a regression run), how raw inputs are preprocessed, the feature names of a CSV run, the
input shape, the data sizes and the split used, and the task (with a regression run's
target and training mean). `run_info` writes it; `model_file_of` and `check_run_info`
check one read back, against the model it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.checks import describe
from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.data import DatasetSplits

__all__ = ["FORMAT", "MODEL_FILE", "VERSION", "check_run_info", "model_file_of", "run_info"]

FORMAT = "glassnet-run"
VERSION = 1
MODEL_FILE = "model.glassnet"
# The keys of run.json that reading a run needs.
_RUN_KEYS = ("format", "model_file", "class_names", "preprocessing")


def run_info(config: TrainConfig, data: DatasetSplits, metrics: dict[str, Any]) -> dict[str, Any]:
    """run.json's contents for a run of `config` on `data`, evaluated as `metrics` say."""
    regression = data.task == "regression"
    return {
        "format": FORMAT,
        "version": VERSION,
        "model_file": MODEL_FILE,
        "dataset": config.dataset,
        "class_names": data.class_names,
        "preprocessing": data.preprocessing,
        "feature_names": data.feature_names,
        **({"table": data.table} if data.table is not None else {}),
        "input_shape": list(data.train[0].shape[1:]),
        "samples": {
            "train": len(data.train[0]),
            "val": len(data.val[0]),
            "test": len(data.test[0]),
        },
        "split": data.split_used(),
        "task": data.task,
        **(
            {"target": data.target, "target_train_mean": metrics["train_mean"]}
            if regression
            else {}
        ),
    }


def model_file_of(file: Path, info: dict[str, Any]) -> str:
    """The model's file name that run.json (`file`, read as `info`) gives, checked.

    >>> model_file_of(Path("run.json"), {"format": FORMAT, "model_file": "../x",
    ...               "class_names": [], "preprocessing": {}})
    Traceback (most recent call last):
    ...
    ValueError: run.json: model_file must name a file in the run folder, got '../x'.
    """
    missing = [key for key in _RUN_KEYS if key not in info]
    if missing:
        raise ValueError(f"{file} is damaged: it lacks the key(s) {', '.join(missing)}.")
    if info["format"] != FORMAT:
        raise ValueError(f"{file} is not a glassnet run file (format {info['format']!r}).")
    name = info["model_file"]
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"{file}: model_file must name a file in the run folder, got {name!r}.")
    return name


def check_run_info(file: Path, info: dict[str, Any], model: Any) -> None:
    """run.json's class names, features and preprocessing fit the model, or a ValueError."""
    outputs = int(model.output_sample_shape[-1]) if model.output_sample_shape else None
    inputs = int(np.prod(model.input_sample_shape)) if model.input_sample_shape else None
    _check_task(file, info, outputs)
    features = info.get("feature_names")
    if features is not None and (
        not isinstance(features, list) or not all(isinstance(f, str) for f in features)
    ):
        raise ValueError(f"{file}: feature_names must be a list of names, got {features!r:.80}.")
    _check_preprocessing(file, info["preprocessing"], inputs)


def _check_task(file: Path, info: dict[str, Any], outputs: int | None) -> None:
    """The task and the class names fit the model's outputs."""
    names = info["class_names"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{file}: class_names must be a list of names, got {names!r:.80}.")
    if info.get("task", "classification") not in ("classification", "regression"):
        raise ValueError(
            f"{file}: task must be classification or regression, got {info['task']!r:.80}."
        )
    if info.get("task") == "regression":
        if outputs != 1 or names:
            raise ValueError(
                f"{file} is a regression run, which has one output and no class names, but "
                f"the model has {outputs} output(s) and run.json {len(names)} class name(s): "
                "the run folder is damaged or its files come from different runs."
            )
    elif outputs is not None and len(names) != outputs and not (outputs == 1 and len(names) == 2):
        raise ValueError(
            f"{file} lists {len(names)} class name(s), but the model has {outputs} output(s): "
            "the run folder is damaged or its files come from different runs."
        )


def _check_preprocessing(file: Path, prep: Any, inputs: int | None) -> None:
    """images (a max_value > 0) or standardize (a mean and a scale > 0 per input)."""
    if not isinstance(prep, dict) or prep.get("kind") not in ("images", "standardize", None):
        raise ValueError(
            f"{file}: preprocessing must be an object of kind images or standardize, got "
            f"{prep!r:.80}."
        )
    if prep.get("kind") == "images":
        value = prep.get("max_value")
        if not _is_real(value) or not value > 0:
            raise ValueError(
                f"{file}: preprocessing max_value must be a number > 0, got {describe(value)}."
            )
    if prep.get("kind") == "standardize":
        for key in ("mean", "scale"):
            values = prep.get(key)
            if (
                not isinstance(values, list)
                or not all(_is_real(v) for v in values)
                or (inputs is not None and len(values) != inputs)
                or (key == "scale" and not all(v > 0 for v in values))
            ):
                raise ValueError(
                    f"{file}: preprocessing {key} must list {inputs} finite numbers"
                    + (" > 0" if key == "scale" else "")
                    + f", got {values!r:.80}."
                )


def _is_real(value: Any) -> bool:
    """A finite JSON number (not a bool, not an integer beyond float range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:
        return False
