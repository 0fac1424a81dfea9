"""`glassnet summary RUN_OR_MODEL`: the layer table of a trained model, then its
hyperparameters (what you chose; a run folder only) beside its parameters (what it learned).
"""

from __future__ import annotations

import argparse

from glassnet.cli.runs import load_run
from glassnet.cli.runs.hyper import knobs_text

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet summary`."""
    p = subparsers.add_parser(
        "summary",
        help="print a trained model's layers, output shapes and parameter counts",
        description="Print the layer table of a run folder's model or a saved model file.",
    )
    p.add_argument("model", metavar="RUN_OR_MODEL", help="a run folder or a model file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the summary; return the exit status."""
    loaded = load_run(args.model)
    loaded.model.summary()
    if loaded.info:
        print(f"Classes: {', '.join(loaded.class_names)}")
    epochs_run = len((loaded.history or {}).get("loss", [])) or None
    print()
    print(knobs_text(loaded.config, loaded.model, epochs_run))
    return 0
