"""`glassnet sweep --lr 1e-4,1e-3 --layers 64,128 --dropout 0,0.2 --epochs 10 ...`.

Trains every combination of the values given (each flag takes a comma-separated list;
`--layers 128-64` is one architecture of two hidden layers) into DIR/<name>, every run of
one architecture starting from the same initial weights, in parallel processes (`--jobs`,
default the number of cores), then shows `glassnet compare` of the runs (DIR/compare.html).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.sweep import sweep

__all__ = ["add_parser", "parse_values", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet sweep`."""
    p = subparsers.add_parser(
        "sweep",
        help="train a grid of settings, fairly (same initial weights), then compare the runs",
        description="Train every combination of the given settings (comma-separated values) "
        "into DIR/<name>, then print and write (DIR/compare.html) the comparison.",
    )
    p.add_argument("--lr", help="learning rates, e.g. 1e-4,1e-3,1e-2")
    p.add_argument("--layers", help="architectures, e.g. 64,128 or 128-64 (two layers)")
    p.add_argument("--dropout", help="dropout rates, e.g. 0,0.2")
    p.add_argument("--epochs", help="epochs, e.g. 10")
    p.add_argument("--batch-size", help="batch sizes, e.g. 32,128")
    p.add_argument("--dataset", default="fashion-mnist", help="as glassnet train")
    p.add_argument("--target", metavar="COLUMN", help="the label column of a CSV dataset")
    p.add_argument(
        "--optimizer", default="adam", help="adam (default), adamw, sgd, rmsprop or adagrad"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of split and weights (default 0)")
    p.add_argument("--limit", type=int, metavar="N", help="train on the first N samples only")
    p.add_argument("--test-limit", type=int, metavar="N", help="test on the first N only")
    p.add_argument("--out", metavar="DIR", default="runs/sweep", help="default runs/sweep")
    p.add_argument("--jobs", type=int, help="parallel runs (default: the number of cores)")
    p.set_defaults(func=run)


def parse_values(flag: str, text: str, kind: type) -> list:
    """A comma-separated list of values of `kind`; for --layers, "128-64" is [128, 64].

    >>> parse_values("--lr", "1e-3,0.01", float), parse_values("--layers", "64,128-64", list)
    ([0.001, 0.01], [[64], [128, 64]])
    """
    try:
        if kind is list:
            return [[int(u) for u in item.split("-")] for item in text.split(",")]
        return [kind(item) for item in text.split(",")]
    except ValueError:
        raise ValueError(f"{flag} must be comma-separated numbers, got {text!r}.") from None


def run(args: argparse.Namespace) -> int:
    """Train the grid and compare it; return the exit status."""
    from glassnet.cli.commands import compare

    values = {}
    for flag, key, kind in (
        ("lr", "learning_rate", float),
        ("layers", "layers", list),
        ("dropout", "dropout", float),
        ("epochs", "epochs", int),
        ("batch_size", "batch_size", int),
    ):
        text = getattr(args, flag)
        if text:
            values[key] = parse_values(f"--{flag.replace('_', '-')}", text, kind)
    if not values:
        raise ValueError("give at least one of --lr, --layers, --dropout, --epochs, --batch-size.")
    base = TrainConfig.from_mapping(
        {
            k: v
            for k, v in {
                "dataset": args.dataset,
                "target": args.target,
                "optimizer": args.optimizer,
                "seed": args.seed,
                "limit": args.limit,
                "test_limit": args.test_limit,
            }.items()
            if v is not None
        }
    )
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {jobs}.")
    folders = sweep(base, values, args.out, jobs)
    print(f"Trained {len(folders)} run(s) into {args.out}")
    if len(folders) < 2:
        return 0
    page = Path(args.out) / "compare.html"
    return compare.run(argparse.Namespace(runs=[str(f) for f in folders], out=str(page)))
