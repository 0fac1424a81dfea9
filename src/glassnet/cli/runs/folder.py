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
when complete, so an interrupted or failed write leaves nothing half-written. This module
writes it; `runs.loaded` reads it back, `runs.run_json` is run.json's schema.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.files import atomic_folder
from glassnet._internal.jsonable import jsonable
from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.data import DatasetSplits, probabilities
from glassnet.cli.runs.hyper import knobs_html
from glassnet.cli.runs.regression import predicted_vs_true, regression_metrics
from glassnet.cli.runs.run_json import MODEL_FILE, run_info
from glassnet.cli.runs.stats import record_input_statistics

__all__ = ["check_out_folder", "write_run"]

# Images shown in the report's prediction grid (the tutorial shows 15).
N_PREDICTION_IMAGES = 15
# Largest network drawn as a diagram (units per layer beyond this are not drawn).
_NETWORK_MAX_INPUTS = 64
# Most output units named by their class in that diagram (more would crowd it).
_NETWORK_MAX_NAMED = 10


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
    out: str | os.PathLike[str],
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
    from glassnet import plots

    out = Path(out)
    plt = plots.pyplot()
    with atomic_folder(out, overwrite) as work:
        values = dict(getattr(history, "history", {}))
        diagnosis_text, diagnosis_dict = _diagnosis(history, data, model)
        metrics, predicted = _evaluate(model, data, dict(extra or {}))
        model.save(str(work / MODEL_FILE))
        repeat = config.to_repeat()
        texts = {
            "config.toml": repeat.to_toml(
                "glassnet train --config config.toml repeats this run into a new folder.\n"
                "The split used:\n" + data.describe_split(prefix="  ")
            ),
            "config.json": json.dumps(repeat.to_dict(), indent=2),
            "run.json": json.dumps(run_info(config, data, metrics), indent=2),
            "history.json": _history_json(history, model, values),
            "history.csv": _history_csv(values),
            "metrics.json": json.dumps(jsonable(metrics), indent=2),
            "diagnosis.txt": diagnosis_text + "\n",
            "diagnosis.json": json.dumps(jsonable(diagnosis_dict), indent=2),
        }
        for name, text in texts.items():
            (work / name).write_text(text, encoding="utf-8")
        record_input_statistics(work, data.train[0], data.val[0])
        figures = _figures(model, data, values, metrics, predicted)
        for name, fig in figures.items():
            plots.save_figure(fig, work / name)
            plt.close(fig)
        report = _report(
            model,
            config,
            data,
            metrics=metrics,
            diagnosis=diagnosis_text,
            figures={name: work / name for name in figures},
            epochs=len(values.get("loss", [])) or None,
            initialization=initialization,
        )
        (work / "report.html").write_text(report, encoding="utf-8")
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


def _diagnosis(history: Any, data: DatasetSplits, model: Any) -> tuple[str, dict[str, Any]]:
    """What `gn.diagnose` found, as text and as a dict (or why there is no diagnosis)."""
    from glassnet.doctor import diagnose

    try:
        diagnosis = diagnose(history, data=(data.train, data.val), model=model)
    except ValueError as error:  # e.g. interrupted before the first epoch ended
        return f"No diagnosis: {error}", {"error": str(error)}
    return diagnosis.text("cli"), diagnosis.to_dict("cli")


def _evaluate(
    model: Any, data: DatasetSplits, extra: dict[str, Any]
) -> tuple[dict[str, Any], np.ndarray]:
    """(metrics.json's contents, the model's outputs on the test part: the values predicted
    for a regression run, the class probabilities for a classification)."""
    if data.task == "regression":
        return regression_metrics(model, data, extra)
    from glassnet import metrics as metrics_module

    x_test, y_test = data.test
    probs = probabilities(model, x_test)  # (n_test, n_classes)
    predicted = probs.argmax(axis=1)
    classification = metrics_module.classification_report(
        y_test, predicted, class_names=data.class_names
    )
    cm = metrics_module.confusion_matrix(y_test, predicted, n_classes=len(data.class_names))
    test_logs = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    metrics = {
        "test_loss": float(test_logs["loss"]),
        "test_accuracy": float(test_logs.get("accuracy", classification.summary.accuracy)),
        "summary": classification.summary.to_dict(),
        "classification_report": classification.to_dict(),
        "confusion_matrix": cm.tolist(),
        "class_names": data.class_names,
        "report_text": str(classification),
        **extra,
    }
    return metrics, probs


def _history_json(history: Any, model: Any, values: dict[str, list[float]]) -> str:
    from glassnet.doctor import summarize_run

    stored = {
        "history": values,
        "params": jsonable(getattr(history, "params", {})),
        "summary": summarize_run(history, model).to_dict(),  # what the doctor reads
    }
    return json.dumps(stored, indent=2)


def _figures(
    model: Any,
    data: DatasetSplits,
    values: dict[str, list[float]],
    metrics: dict[str, Any],
    predicted: np.ndarray,
) -> dict[str, Any]:
    """The run's figures, by file name, in the report's order."""
    from glassnet import plots

    x_test, y_test = data.test
    figures: dict[str, Any] = {}
    regression = data.task == "regression"
    if regression:
        figures["predicted_vs_true.png"] = predicted_vs_true(
            y_test, predicted, data.target, metrics["test_r2"]
        )
    if values.get("loss"):
        figures["learning_curves.png"] = plots.plot_learning_curves(values)
    if not regression:
        cm = np.asarray(metrics["confusion_matrix"])
        figures["confusion_matrix.png"] = plots.plot_confusion_matrix(cm, data.class_names)
    if x_test.ndim == 3 and not regression:
        shown = min(N_PREDICTION_IMAGES, len(x_test))
        figures["predictions.png"] = plots.plot_predictions(
            x_test[:shown], y_test[:shown], predicted[:shown], data.class_names
        )
    if x_test.ndim == 2 and x_test.shape[1] == 2 and not regression:
        figures["decision_regions.png"] = plots.plot_decision_regions(model, x_test, y_test)
    if int(np.prod(x_test.shape[1:])) <= _NETWORK_MAX_INPUTS:
        classes = data.class_names if 0 < len(data.class_names) <= _NETWORK_MAX_NAMED else None
        figures["network.png"] = plots.plot_network(
            model, input_names=data.feature_names, output_names=None if regression else classes
        )
    return figures


def _report(
    model: Any,
    config: TrainConfig,
    data: DatasetSplits,
    *,
    metrics: dict[str, Any],
    diagnosis: str,
    figures: dict[str, Path],
    epochs: int | None,
    initialization: Any,
) -> str:
    """report.html: the run on one self-contained page."""
    from glassnet.cli import html_report

    summary_lines: list[str] = []
    model.summary(print_fn=summary_lines.append)
    used = data.split_used()["samples"]
    started = []
    if initialization is not None:
        started.append(("How the weights started", initialization._repr_html_()))
    return html_report.build_report(
        title=f"glassnet run: {config.dataset}",
        summary="\n".join(summary_lines),
        config={
            **config.to_dict(),
            "split used": "; ".join(data.describe_split().splitlines()),
            "samples": f"train {used['train']:,}, val {used['val']:,}, test {used['test']:,}",
        },
        metrics=metrics,
        diagnosis=diagnosis,
        figures=figures,
        sections=[
            (
                "Hyperparameters (you chose) vs parameters (it learned)",
                knobs_html(config, model, epochs),
            ),
            *started,
        ],
    )
