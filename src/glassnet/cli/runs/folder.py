"""A run folder: one folder per run, holding everything needed to read or repeat it.

A run folder holds:

- `model.glassnet`: the trained model (`gn.load_model` reads it);
- `config.toml` and `config.json`: the exact settings that ran (`glassnet train --config
  config.toml` repeats the run into a new folder), and `run.json`: class names, input
  preprocessing, the data sizes and the split used, which `glassnet predict` needs;
- `history.json` and `history.csv`: loss and metrics per epoch;
- `metrics.json`: test loss, accuracy beside the majority-class baseline, balanced
  accuracy, the classification report and the confusion matrix; for a regression run
  (`"task": "regression"`) test R², MSE and MAE beside the training mean's (see
  `runs.regression`);
- `diagnosis.txt` and `diagnosis.json`: what `gn.diagnose` found;
- `input_stats.json`: what the training inputs looked like, so `glassnet predict` can warn
  about an input unlike them (older run folders lack it);
- the figures as PNG, and `report.html`, one self-contained page with all of it.

The folder is written under a temporary hidden name beside its final place and renamed
when complete, so an interrupted or failed write leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.checks import describe
from glassnet._internal.files import atomic_folder
from glassnet._internal.jsonable import jsonable
from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig
from glassnet.cli.runs.data import (
    DatasetSplits,
    probabilities,
)
from glassnet.cli.runs.hyper import knobs_html
from glassnet.cli.runs.regression import (
    REGRESSION_LOSSES,
    predicted_vs_true,
    regression_metrics,
)
from glassnet.cli.runs.stats import record_input_statistics

__all__ = [
    "MODEL_FILE",
    "LoadedRun",
    "check_out_folder",
    "load_run",
    "write_run",
]

MODEL_FILE = "model.glassnet"
# Images shown in the report's prediction grid (the tutorial shows 15).
N_PREDICTION_IMAGES = 15
# Largest network drawn as a diagram (units per layer beyond this are not drawn).
_NETWORK_MAX_INPUTS = 64


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
    initialization: Any = None,
) -> Path:
    """Evaluate `model` on the test part and write the complete run folder at `out`.

    `initialization` (a `gn.explain.initialization` of the model before training) adds
    how the weights started to the report.

    Everything is written into a hidden temporary folder beside `out`, which is renamed
    to `out` at the end; on any error the temporary folder is removed, and errors name
    `out`, not the temporary folder. Leftovers of an interrupted earlier write to `out`
    (a `kill -9`) are removed first.

    Returns:
        The run folder `out`.
    """
    from glassnet import metrics as metrics_module
    from glassnet import plots
    from glassnet.cli import html_report as report
    from glassnet.doctor import diagnose, summarize_run

    out = Path(out)
    plt = plots.pyplot()
    with atomic_folder(out, overwrite) as work:
        x_test, y_test = data.test
        regression = data.task == "regression"
        values = dict(getattr(history, "history", {}))
        try:
            diagnosis = diagnose(history, data=(data.train, data.val), model=model)
            diagnosis_text, diagnosis_dict = diagnosis.text("cli"), diagnosis.to_dict("cli")
        except ValueError as error:  # e.g. interrupted before the first epoch ended
            diagnosis_text, diagnosis_dict = f"No diagnosis: {error}", {"error": str(error)}
        figures: dict[str, Any] = {}
        if regression:
            metrics, predicted = regression_metrics(model, data, dict(extra or {}))
            figures["predicted_vs_true.png"] = predicted_vs_true(
                y_test, predicted, data.target, metrics["test_r2"]
            )
        else:
            probs = probabilities(model, x_test)  # (n_test, n_classes)
            predicted = probs.argmax(axis=1)
            n_classes = len(data.class_names)
            classification = metrics_module.classification_report(
                y_test, predicted, class_names=data.class_names
            )
            cm = metrics_module.confusion_matrix(y_test, predicted, n_classes=n_classes)
            test_logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
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
            **({"table": data.table} if data.table is not None else {}),
            "input_shape": list(data.train[0].shape[1:]),
            "samples": {"train": len(data.train[0]), "val": len(data.val[0]), "test": len(x_test)},
            "split": data.split_used(),
            "task": data.task,
            **(
                {"target": data.target, "target_train_mean": metrics["train_mean"]}
                if regression
                else {}
            ),
        }
        model.save(str(work / MODEL_FILE))
        repeat = config.to_repeat()
        texts = {
            "config.toml": repeat.to_toml(
                "glassnet train --config config.toml repeats this run into a new folder.\n"
                "The split used:\n" + data.describe_split(prefix="  ")
            ),
            "config.json": json.dumps(repeat.to_dict(), indent=2),
            "run.json": json.dumps(run_info, indent=2),
            "history.json": json.dumps(
                {
                    "history": values,
                    "params": jsonable(getattr(history, "params", {})),
                    "summary": summarize_run(history, model).to_dict(),  # what the doctor reads
                },
                indent=2,
            ),
            "history.csv": _history_csv(values),
            "metrics.json": json.dumps(jsonable(metrics), indent=2),
            "diagnosis.txt": diagnosis_text + "\n",
            "diagnosis.json": json.dumps(jsonable(diagnosis_dict), indent=2),
        }
        for name, text in texts.items():
            (work / name).write_text(text, encoding="utf-8")
        record_input_statistics(work, data.train[0], data.val[0])

        if values.get("loss"):
            figures["learning_curves.png"] = plots.plot_learning_curves(values)
        if not regression:
            figures["confusion_matrix.png"] = plots.plot_confusion_matrix(cm, data.class_names)
        if x_test.ndim == 3 and not regression:
            shown = min(N_PREDICTION_IMAGES, len(x_test))
            figures["predictions.png"] = plots.plot_predictions(
                x_test[:shown], y_test[:shown], probs[:shown], data.class_names
            )
        if x_test.ndim == 2 and x_test.shape[1] == 2 and not regression:
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
            sections=[
                (
                    "Hyperparameters (you chose) vs parameters (it learned)",
                    knobs_html(config, model, len(values.get("loss", [])) or None),
                ),
                *(
                    [("How the weights started", initialization._repr_html_())]
                    if initialization is not None
                    else []
                ),
            ],
        )
        (work / "report.html").write_text(page, encoding="utf-8")
        check_out_folder(out, overwrite)  # it may have appeared while training
    return out


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


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


@dataclass
class LoadedRun:
    """A model read back from a run folder or a bare model file.

    Attributes:
        model: the `Sequential`.
        path: the run folder or model file given.
        info: run.json's contents ({} for a bare model file).
        config: the run's settings, or None for a bare model file.
        history: history.json's "history", or None.
        summary: history.json's "summary" (the run summary the doctor reads), or None.
    """

    model: Any
    path: Path
    info: dict[str, Any]
    config: TrainConfig | None = None
    history: dict[str, list[float]] | None = None
    summary: dict[str, Any] | None = None

    @property
    def task(self) -> str:
        """The run's task: "regression" (it predicts a number) or "classification" (also run
        folders written before regression runs existed); a bare model file's by its loss."""
        if not self.info:
            loss = getattr(getattr(self.model, "loss", None), "name", None)
            return "regression" if loss in REGRESSION_LOSSES else "classification"
        return "regression" if self.info.get("task") == "regression" else "classification"

    @property
    def class_names(self) -> list[str]:
        """The run's class names, or "0".."n-1" from the model's output width ([] for a
        regression run)."""
        if self.task == "regression":
            return []
        names = self.info.get("class_names")
        return list(names) if names else [str(i) for i in range(self.model.output_sample_shape[-1])]

    @property
    def preprocessing(self) -> dict[str, Any]:
        """How raw inputs become model inputs; for a bare model file images are divided by 255."""
        return self.info.get("preprocessing") or {"kind": "images", "max_value": 255.0}


def load_run(path: str | os.PathLike) -> LoadedRun:
    """Read a run folder (or a model file saved by glassnet).

    Every file read is checked: run.json must be a JSON object with the keys `glassnet
    train` writes, class names and preprocessing that fit the model; config.json and
    history.json must be valid. A damaged one is a ValueError naming it.

    Raises:
        FileNotFoundError: no such folder or file, or a folder without a model.
        ValueError: a damaged run.json, config.json or history.json (the message names
            the file and the fault), or a file that is not a glassnet model (from
            `gn.load_model`).
        OSError: a file cannot be read.
    """
    from glassnet.saving import load_model

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such run folder or model file: {path}")
    if path.is_dir() and (path / "run.json").is_file():
        info = _read_json_object(path / "run.json")
        model_file = _run_info_model_file(path / "run.json", info)
        model = load_model(str(path / model_file))
        _check_run_info(path / "run.json", info, model)
        config = None
        if (path / "config.json").is_file():
            values = _read_json_object(path / "config.json")
            try:
                config = TrainConfig.from_mapping(values)
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path / 'config.json'}: {error}") from None
            if config.task is None and config.dataset not in IMAGE_DATASETS:
                config.task = _run_task(info)  # a run of an older glassnet: as it ran
        history = summary = None
        if (path / "history.json").is_file():
            stored = _read_json_object(path / "history.json")
            history, summary = stored.get("history"), stored.get("summary")
            if not isinstance(history, dict) or not all(
                isinstance(v, list) for v in history.values()
            ):
                raise ValueError(
                    f'{path / "history.json"} is damaged: its "history" is not an object of '
                    "lists (one value per epoch)."
                )
        return LoadedRun(
            model=model, path=path, info=info, config=config, history=history, summary=summary
        )
    if path.is_dir() and not (path / MODEL_FILE).exists():
        try:
            return LoadedRun(model=load_model(str(path)), path=path, info={})
        except (ValueError, OSError):
            raise FileNotFoundError(
                f"{path} is neither a glassnet run folder (no run.json) nor a saved model."
            ) from None
    return LoadedRun(model=load_model(str(path)), path=path, info={})


# The keys of run.json that reading a run needs.
_RUN_KEYS = ("format", "model_file", "class_names", "preprocessing")


def _read_json_object(file: Path) -> dict[str, Any]:
    """A JSON file that must hold an object, or a ValueError naming the file."""
    data = file.read_bytes()
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{file} is damaged: it is not UTF-8 text, so not JSON.") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{file} is damaged: not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno})."
        ) from None
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{file} is damaged: not valid JSON ({error}).") from None
    if not isinstance(value, dict):
        raise ValueError(
            f"{file} is damaged: it should hold a JSON object, it holds {type(value).__name__}."
        )
    return value


def _run_info_model_file(file: Path, info: dict[str, Any]) -> str:
    missing = [key for key in _RUN_KEYS if key not in info]
    if missing:
        raise ValueError(f"{file} is damaged: it lacks the key(s) {', '.join(missing)}.")
    if info["format"] != "glassnet-run":
        raise ValueError(f"{file} is not a glassnet run file (format {info['format']!r}).")
    name = info["model_file"]
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"{file}: model_file must name a file in the run folder, got {name!r}.")
    return name


def _check_run_info(file: Path, info: dict[str, Any], model: Any) -> None:
    """run.json's class names, features and preprocessing fit the model, or a ValueError."""
    outputs = int(model.output_sample_shape[-1]) if model.output_sample_shape else None
    inputs = int(np.prod(model.input_sample_shape)) if model.input_sample_shape else None
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
    features = info.get("feature_names")
    if features is not None and (
        not isinstance(features, list) or not all(isinstance(f, str) for f in features)
    ):
        raise ValueError(f"{file}: feature_names must be a list of names, got {features!r:.80}.")
    prep = info["preprocessing"]
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


def _run_task(info: dict[str, Any]) -> str:
    """run.json's task; older run folders have none and are classifications."""
    return "regression" if info.get("task") == "regression" else "classification"


def _is_real(value: Any) -> bool:
    """A finite JSON number (not a bool, not an integer beyond float range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:
        return False
