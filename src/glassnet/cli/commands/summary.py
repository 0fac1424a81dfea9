"""`glassnet summary RUN_OR_MODEL`: the layer table of a trained model, then its
hyperparameters (what you chose; a run folder only) beside its parameters (what it learned).
A regression run also shows its test R², MSE and MAE beside the training-mean baseline.
"""

from __future__ import annotations

import argparse
import json

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


def _regression_lines(loaded) -> str:
    """What a regression run predicts, and its test scores beside the baseline (from its
    metrics.json; a folder without one says so)."""
    from glassnet.cli.runs.regression import scores_text, stored_scores

    target = loaded.info.get("target") or "the target"
    lines = [f"Task: regression: predicts {target}, a number (one linear output)"]
    if not loaded.info:
        return "\n".join([*lines, "(a bare model file: no test scores)"])
    file = loaded.path / "metrics.json"
    try:
        metrics = json.loads(file.read_text(encoding="utf-8"))
        lines.append(scores_text(stored_scores(metrics), loaded.info.get("target")))
    except FileNotFoundError:
        lines.append(f"(no {file.name}: no test scores)")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{file} is damaged: {type(error).__name__}: {error}") from None
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the summary; return the exit status."""
    loaded = load_run(args.model)
    loaded.model.summary()
    if loaded.task == "regression":
        print(_regression_lines(loaded))
    elif loaded.info:
        print(f"Classes: {', '.join(loaded.class_names)}")
    epochs_run = len((loaded.history or {}).get("loss", [])) or None
    print()
    print(knobs_text(loaded.config, loaded.model, epochs_run))
    return 0
