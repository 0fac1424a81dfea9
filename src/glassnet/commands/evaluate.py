"""`glassnet evaluate RUN_OR_MODEL`: the classification report and the diagnosis.

Without `--dataset`, a run folder is evaluated on the test part of its own data (the
same split, from its config). With `--dataset`, the model is evaluated on that data's
test part: the official test set of fashion-mnist / mnist, or every row of a CSV file
(`--target` names its label column).
"""

from __future__ import annotations

import argparse

import numpy as np

from glassnet.runs import (
    IMAGE_DATASETS,
    TrainConfig,
    load_run,
    load_splits,
    preprocess,
    probabilities,
)

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
    p.add_argument("--dataset", help="fashion-mnist, mnist or FILE.csv (default: the run's)")
    p.add_argument("--target", metavar="COLUMN", help="the label column of a CSV dataset")
    p.set_defaults(func=run)


def _data(loaded, args) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from glassnet import datasets

    if args.dataset is None:
        if loaded.config is None:
            raise ValueError(
                f"{args.model} is a bare model file: give --dataset to evaluate it on."
            )
        splits = load_splits(loaded.config)
        return *splits.test, splits.class_names
    if args.dataset in IMAGE_DATASETS:
        if args.target:
            raise ValueError(f"--target is for CSV files; {args.dataset} has its own labels.")
        module = datasets.fashion_mnist if args.dataset == "fashion-mnist" else datasets.mnist
        _, (x, y) = module.load_data()
        names = list(getattr(module, "class_names", [str(i) for i in range(10)]))
        return preprocess(x, loaded.preprocessing), y.astype(np.int64), names
    TrainConfig.from_mapping({"dataset": args.dataset, "target": args.target})  # checks
    table = datasets.load_csv(args.dataset, target=args.target)
    return preprocess(table.x, loaded.preprocessing), table.y, [str(c) for c in table.class_names]


def run(args: argparse.Namespace) -> int:
    """Print the report and diagnosis; return the exit status."""
    from glassnet import metrics
    from glassnet.diagnose import diagnose

    loaded = load_run(args.model)
    x, y, names = _data(loaded, args)
    n_outputs = loaded.model.output_shape[-1]
    if len(names) != n_outputs:
        raise ValueError(
            f"--dataset {args.dataset} has {len(names)} classes but the model has "
            f"{n_outputs} outputs."
        )
    predicted = probabilities(loaded.model, x).argmax(axis=1)
    print(metrics.classification_report(y, predicted, class_names=names))
    if loaded.history:
        print()
        print(diagnose(loaded.history, model=loaded.model))
    else:
        print("\n(No training history with this model, so no diagnosis.)")
    return 0
