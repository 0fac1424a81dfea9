"""`glassnet evaluate RUN_OR_MODEL`: the classification report (for a regression run, R²,
MSE and MAE beside the baseline of the training mean) and the diagnosis.

Without `--dataset`, a run folder is evaluated on the test part of its own data (the
same split, from its config). With `--dataset`, the model is evaluated on that data's
test part: the official test set of fashion-mnist / mnist, or every row of a CSV file.
A CSV file is read as `glassnet predict` reads it, with what the run stored: the missing
values filled with the training values, text columns one-hot with the training
categories, the run's feature scaling; its labels are mapped to the run's class names (a
label the run never saw is an error). `--target` names the label column, by default the
run's target column.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from glassnet.cli import add_encoding_flag
from glassnet.cli.runs import IMAGE_DATASETS, evaluation_data, load_run, probabilities

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet evaluate`."""
    p = subparsers.add_parser(
        "evaluate",
        help="classification report and diagnosis of a trained model",
        description="Print the classification report (accuracy beside the baseline) and the "
        "diagnosis of a run folder's model, on its own test data or on --dataset.",
    )
    p.add_argument("model", metavar="RUN_OR_MODEL", help="a run folder or a model file")
    p.add_argument(
        "--dataset",
        help="fashion-mnist, fashion-mnist-sample, mnist or FILE.csv (default: the run's)",
    )
    p.add_argument(
        "--target",
        metavar="COLUMN",
        help="the label column of a CSV dataset (default: the run's target column)",
    )
    add_encoding_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the report (a regression run: R², MSE and MAE beside the training-mean
    baseline) and the diagnosis; return the exit status."""
    from glassnet.doctor import diagnose

    loaded = load_run(args.model)
    if args.encoding is not None and (args.dataset is None or args.dataset in IMAGE_DATASETS):
        raise ValueError(
            "--encoding is for a CSV file given as --dataset (a run's own data is read with "
            "the encoding of its config.toml)."
        )
    x, y, names = evaluation_data(loaded, args.dataset, args.target, args.encoding)
    if loaded.task == "regression":
        print(_regression_text(loaded, x, y, args.dataset))
    else:
        _print_classification(loaded, x, y, names, args.dataset)
    if loaded.history:
        print()
        diagnosis = diagnose(loaded.history, model=loaded.model, summary=loaded.summary)
        print(diagnosis.text(audience="cli"))
    else:
        print("\n(No training history with this model, so no diagnosis.)")
    return 0


def _regression_text(loaded, x, y, dataset: str | None) -> str:
    """R², MSE and MAE beside the baseline of the run's training mean (from run.json)."""
    from glassnet.cli.runs.regression import predict_values, regression_scores, scores_text

    part = "test" if dataset is None else Path(dataset).name
    if not loaded.info:  # a bare model file does not know its training targets
        scores = regression_scores(y, predict_values(loaded.model, x), float(np.mean(y)))
        return scores_text(scores, part=part, baseline="the mean of these rows")
    train_mean = loaded.info.get("target_train_mean")
    if not isinstance(train_mean, (int, float)) or isinstance(train_mean, bool):
        raise ValueError(
            f"{loaded.path / 'run.json'} is damaged: a regression run needs its "
            f"target_train_mean (a number), got {train_mean!r:.40}."
        )
    scores = regression_scores(y, predict_values(loaded.model, x), float(train_mean))
    return scores_text(scores, loaded.info.get("target"), part=part)


def _print_classification(loaded, x, y, names, dataset: str | None) -> None:
    from glassnet import metrics

    n_outputs = loaded.model.output_sample_shape[-1]
    if len(names) != n_outputs:
        raise ValueError(
            f"--dataset {dataset} has {len(names)} classes but the model has {n_outputs} outputs."
        )
    predicted = probabilities(loaded.model, x).argmax(axis=1)
    print(metrics.classification_report(y, predicted, class_names=names))
