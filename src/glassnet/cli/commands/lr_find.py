"""`glassnet lr-find`: the learning-rate range test on the data and network `glassnet train`
would use, printing a suggested rate and writing the loss-by-rate figure.

The data and model flags are `glassnet train`'s (dataset, target, layers, activation,
dropout, optimizer, batch-size, split, seed, limit, --config FILE.toml); the range test's
own are --start, --end, --steps and --suggest (see `glassnet.tuning.find_learning_rate`).
"""

from __future__ import annotations

import argparse

from glassnet.cli.commands.train import config_from_args
from glassnet.cli.runs.data import build_model, load_splits
from glassnet.cli.runs.regression import target_scaling

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet lr-find`."""
    p = subparsers.add_parser(
        "lr-find",
        help="find a learning rate: the range test (loss as the rate rises), with a suggestion",
        description=(
            "Train the network `glassnet train` would build for a short run whose learning "
            "rate rises exponentially from --start to --end, one batch per step; print the "
            "rate it suggests (and why) and write the figure of the loss by rate. Nothing "
            "is saved but the figure."
        ),
    )
    p.add_argument(
        "--dataset",
        help="fashion-mnist (default), fashion-mnist-sample, mnist or FILE.csv",
    )
    p.add_argument("--target", metavar="COLUMN", help="the label column of a CSV dataset")
    p.add_argument(
        "--task",
        choices=("classification", "regression"),
        help="as glassnet train's (default: inferred from the target)",
    )
    p.add_argument("--layers", help="hidden units per layer, e.g. 128,64 (default 128)")
    p.add_argument("--activation", help="hidden activation (default relu)")
    p.add_argument("--dropout", type=float, help="Dropout rate after each hidden layer")
    p.add_argument("--optimizer", help="adam (default), adamw, sgd, rmsprop or adagrad")
    p.add_argument("--batch-size", type=int, help="samples per step (default 32)")
    p.add_argument("--split", help="train,val,test fractions (default 0.8,0.1,0.1)")
    p.add_argument("--seed", type=int, help="seed for split, weights and batches (default 0)")
    p.add_argument("--limit", type=int, metavar="N", help="use at most N training samples")
    p.add_argument("--config", metavar="FILE", help="TOML (or JSON) file with train's keys")
    p.add_argument("--start", type=float, default=1e-7, help="first rate (default 1e-7)")
    p.add_argument("--end", type=float, default=10.0, help="last rate (default 10)")
    p.add_argument("--steps", type=int, default=100, help="steps, one batch each (default 100)")
    p.add_argument(
        "--suggest",
        default="minimum",
        help="minimum (default: a tenth of the rate at the lowest loss) or steepest",
    )
    p.add_argument(
        "--figure",
        metavar="FILE",
        default="lr-find.png",
        help="where to write the figure (.png, .svg or .pdf; default lr-find.png)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the range test; print its suggestion; write the figure. Return the exit status."""
    from glassnet import plots, tuning

    config = config_from_args(args)
    splits = load_splits(config)
    x, y = splits.train
    if splits.task == "regression":  # the standardised target, as glassnet train fits
        scaling = target_scaling(y)
        y = (y - scaling["mean"]) / scaling["scale"]
    model = build_model(config, x.shape[1:], len(splits.class_names), splits.task)
    found = tuning.find_learning_rate(
        model,
        x,
        y,
        start=args.start,
        end=args.end,
        steps=args.steps,
        batch_size=config.batch_size,
        suggest=args.suggest,
        seed=config.seed,
    )
    fig = found.plot(path=args.figure)
    plots.pyplot().close(fig)
    print(
        f"{config.dataset}: {len(x):,} training samples, hidden layers {config.layers}, "
        f"{config.optimizer}, batch size {config.batch_size}"
    )
    print(found)
    print(f"figure written to {args.figure}")
    print(f"try: glassnet train ... --optimizer {config.optimizer} --lr {found.suggestion:.2g}")
    return 0
