"""`glassnet train`: train on Fashion-MNIST (or its sample), MNIST or a CSV; write a run folder.

Flags override the keys of `--config FILE.toml` (the same names: dataset, target, task,
layers, activation, dropout, optimizer, lr, epochs, batch_size, split, early_stopping,
seed, out, limit, test_limit, missing, ignore, handle_unknown, max_categories, encoding).
A CSV file is read as UTF-8 unless `--encoding` names its codec (latin-1, utf-16, ...). A CSV's
text feature columns are one-hot encoded, with the categories of the training part, and
what was done is printed; `--ignore year,island` leaves feature columns out. The run folder
keeps the exact config that ran, as config.toml, so `glassnet train --config
RUN/config.toml` repeats a run into a new folder (`--out DIR` chooses it; `--force`
replaces an existing run folder there).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from glassnet.cli.runs import IMAGE_DATASETS, TrainConfig, load_config_file
from glassnet.cli.runs.config import VERSION_KEY
from glassnet.cli.runs.train import run_training

__all__ = ["add_parser", "config_from_args", "run"]

# Flag (argparse dest) -> TrainConfig field.
_FLAGS = {
    "dataset": "dataset",
    "target": "target",
    "task": "task",
    "layers": "layers",
    "activation": "activation",
    "dropout": "dropout",
    "optimizer": "optimizer",
    "lr": "learning_rate",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "split": "split",
    "early_stopping": "early_stopping",
    "seed": "seed",
    "out": "out",
    "limit": "limit",
    "test_limit": "test_limit",
    "missing": "missing",
    "ignore": "ignore",
    "handle_unknown": "handle_unknown",
    "max_categories": "max_categories",
    "encoding": "encoding",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet train`."""
    p = subparsers.add_parser(
        "train",
        help="train a network and write a run folder with its report",
        description=(
            "Train Flatten -> Dense(units, activation) [-> Dropout] ... -> Dense(classes) "
            "with softmax cross-entropy, show progress, evaluate on the test part and "
            "write a run folder (model, config, history, metrics, diagnosis, figures, "
            "report.html). Ctrl-C stops after the current batch, keeps the best epoch's "
            "model with its optimizer state, writes the folder marked interrupted and exits 130."
        ),
    )
    p.add_argument(
        "--dataset",
        help="fashion-mnist (default), fashion-mnist-sample (the 7,000 images shipped with "
        "glassnet), mnist or FILE.csv",
    )
    p.add_argument("--target", metavar="COLUMN", help="the label column of a CSV dataset")
    p.add_argument(
        "--encoding",
        metavar="CODEC",
        help="text encoding of a CSV dataset, e.g. latin-1, cp1252 or utf-16 (default UTF-8, "
        "with or without a BOM); kept in the run's config.toml",
    )
    p.add_argument(
        "--missing",
        metavar="HOW",
        help="missing values in a CSV: drop (the rows), mean, median or most-frequent (fill "
        "in that value of the training part); by default they are an error",
    )
    p.add_argument(
        "--ignore",
        metavar="COLUMNS",
        help="feature columns of a CSV to leave out, separated by commas, e.g. year,island "
        '("" for none, over a --config)',
    )
    p.add_argument(
        "--handle-unknown",
        metavar="HOW",
        help="a text value the training part did not hold (in the validation or test part, "
        "or at predict time): error (default) or ignore (its one-hot columns all zero)",
    )
    p.add_argument(
        "--max-categories",
        type=int,
        metavar="N",
        help="the most distinct values a CSV text column may have, each one a one-hot input "
        "(default 50)",
    )
    p.add_argument(
        "--task",
        choices=("classification", "regression"),
        help="what to predict from a CSV: classes, or a number (a Dense(1) output, mean "
        "squared error, R² beside the mean baseline); default: inferred from the target",
    )
    p.add_argument("--layers", help="hidden units per layer, e.g. 128,64 (default 128)")
    p.add_argument("--activation", help="hidden activation (default relu)")
    p.add_argument("--dropout", type=float, help="Dropout rate after each hidden layer (default 0)")
    p.add_argument("--optimizer", help="adam (default), adamw, sgd, rmsprop or adagrad")
    p.add_argument("--lr", type=float, help="learning rate (default 1e-3)")
    p.add_argument("--epochs", type=int, help="passes over the training data (default 10)")
    p.add_argument("--batch-size", type=int, help="samples per step (default 32)")
    p.add_argument("--split", help="train,val,test fractions (default 0.8,0.1,0.1)")
    p.add_argument(
        "--early-stopping",
        type=int,
        metavar="PATIENCE",
        help="stop when val_loss hasn't improved for PATIENCE epochs, restoring the best",
    )
    p.add_argument("--seed", type=int, help="seed for split, weights and shuffling (default 0)")
    p.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="train on at most N samples (val and test stay whole)",
    )
    p.add_argument("--test-limit", type=int, metavar="N", help="test on the first N samples only")
    p.add_argument("--out", metavar="DIR", help="run folder (default runs/<dataset>-<time>)")
    p.add_argument(
        "--force", action="store_true", help="replace the run folder at --out if there is one"
    )
    p.add_argument("--config", metavar="FILE", help="TOML (or JSON) file with the same keys")
    p.add_argument("--quiet", action="store_true", help="no progress display or results")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The TrainConfig of the config file (if any) with the given flags on top.

    Raises:
        ValueError: the config file is not .toml or .json, or not valid; a bad flag value.
    """
    if getattr(args, "config", None):
        suffix = Path(args.config).suffix
        if suffix not in (".toml", ".json"):
            raise ValueError(
                f"--config {args.config}: expected a .toml or .json file (such as a run "
                f"folder's config.toml), got {'a ' + suffix if suffix else 'no'} suffix."
            )
    try:
        values = load_config_file(args.config) if getattr(args, "config", None) else {}
    except UnicodeDecodeError as error:
        raise ValueError(
            f"--config {args.config} is not UTF-8 text (byte 0x{error.object[error.start]:02x} "
            f"at position {error.start}): expected a TOML or JSON file."
        ) from None
    values = {("learning_rate" if k == "lr" else k.replace("-", "_")): v for k, v in values.items()}
    csv_run = str(values.get("dataset", "")).lower().endswith(".csv")
    if VERSION_KEY in values and "task" not in values and csv_run:
        values["task"] = "classification"  # a run of a glassnet before --task: as it ran
    from_file = set(values)
    if "out" in values and _same_folder(values["out"], Path(args.config).parent):
        del values["out"]  # a run folder's own config (older glassnet): repeat into a new one
    for flag, name in _FLAGS.items():
        value = getattr(args, flag, None)
        if value is not None:
            values[name] = value
    if "target" in values and values.get("dataset", "fashion-mnist") in IMAGE_DATASETS:
        raise ValueError(
            f"--target {values['target']} contradicts --dataset "
            f"{values.get('dataset', 'fashion-mnist')}: --target is for CSV files only."
        )
    for flag, name in _FLAGS.items():
        if getattr(args, flag, None) is not None:
            from_file.discard(name)
    try:
        return TrainConfig.from_mapping(values)
    except ValueError as error:
        if any(key in str(error) for key in from_file):  # the file's value is at fault
            raise ValueError(f"--config {args.config}: {error}") from None
        raise


def _same_folder(out: object, folder: Path) -> bool:
    try:
        return Path(str(out)).resolve() == folder.resolve()
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    """Train as configured; return the exit status: 0, or 130 (as for SIGINT) when Ctrl-C
    interrupted training (the run folder is written all the same, marked interrupted)."""
    config = config_from_args(args)
    verbose = 0 if args.quiet else 1
    trained = run_training(config, verbose=verbose, overwrite=bool(getattr(args, "force", False)))
    return 130 if trained.interrupted else 0
