"""`glassnet explain RUN_OR_MODEL --sample N`: one sample's forward pass, every number.

With `--gradient LAYER:I,J` it also explains dJ/dw for the weight from input I to unit
J of layer LAYER (an index as in `model.layers`, or a name from `glassnet summary`), by
the chain rule beside backpropagation and finite differences; `--gradient LAYER:J`
explains the bias of unit J, and `--gradient LAYER` the weight with the largest |dJ/dw|
for that sample. A run trained on a CSV file names each input by its column and shows its
raw value beside the scaled one (`csv_inputs`).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from glassnet.cli.runs import LoadedRun, class_probabilities, evaluation_data, load_run

__all__ = ["add_parser", "csv_inputs", "parse_gradient", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet explain`."""
    p = subparsers.add_parser(
        "explain",
        help="explain one sample's forward pass and one weight's gradient, with the numbers",
        description="Explain, with the real numbers, how a run folder's model (or a model "
        "file) computes its output for one test sample, and optionally the gradient of one "
        "weight by the chain rule.",
    )
    p.add_argument("model", metavar="RUN_OR_MODEL", help="a run folder or a model file")
    p.add_argument("--sample", type=int, default=0, metavar="N", help="test sample (default 0)")
    p.add_argument(
        "--gradient",
        metavar="LAYER:I,J",
        help="also explain dJ/dw of the weight from input I to unit J of LAYER "
        "(index or name); LAYER:J for the bias of unit J; LAYER alone for the weight with "
        "the largest |dJ/dw| for this sample",
    )
    p.add_argument(
        "--dataset",
        help="fashion-mnist, fashion-mnist-sample, mnist or FILE.csv (default: the run's)",
    )
    p.add_argument("--target", metavar="COLUMN", help="the label column of a CSV dataset")
    p.set_defaults(func=run)


def parse_gradient(text: str) -> tuple[int | str, dict[str, object]]:
    """Parse `LAYER:I,J` (a weight), `LAYER:J` (a bias) or `LAYER` (the weight with the
    largest |gradient| for the sample) into (layer, keyword arguments).

    >>> parse_gradient("1:3,0")
    (1, {'weight': (3, 0)})
    >>> parse_gradient("dense:2")
    ('dense', {'bias': 2})
    >>> parse_gradient("1")
    (1, {'weight': 'largest'})
    """
    if ":" not in text:  # LAYER alone: the weight with the largest |gradient|
        if not text:
            raise ValueError("--gradient must be LAYER, LAYER:I,J or LAYER:J, e.g. 1:3,0.")
        return (int(text) if text.lstrip("-").isdigit() else text), {"weight": "largest"}
    layer, _, where = text.rpartition(":")
    try:
        indices = [int(part) for part in where.split(",")]
    except ValueError:
        indices = []
    if not layer or len(indices) not in (1, 2):
        raise ValueError(
            f"--gradient must be LAYER:I,J (a weight) or LAYER:J (a bias), e.g. 1:3,0; "
            f"got {text!r}."
        )
    layer_id: int | str = int(layer) if layer.lstrip("-").isdigit() else layer
    if len(indices) == 2:
        return layer_id, {"weight": tuple(indices)}
    return layer_id, {"bias": indices[0]}


def csv_inputs(loaded: LoadedRun, scaled: np.ndarray) -> dict[str, Any]:
    """The keyword arguments of `explain.forward` that name a CSV run's inputs: the feature
    names and the sample's raw values; {} for an image run or a bare model file.

    Everything the explanation knows of the CSV is read here, from the run's run.json:
    "feature_names" (the model's input columns, in order) and "preprocessing"
    ({"kind": "standardize", "mean": [...], "scale": [...]}); the raw values are the scaled
    ones mapped back, raw = scaled · scale + mean.

    >>> from pathlib import Path
    >>> run = LoadedRun(model=None, path=Path("run"), info={"feature_names": ["a_mm", "b"],
    ...     "preprocessing": {"kind": "standardize", "mean": [180, 0], "scale": [10, 2]}})
    >>> found = csv_inputs(run, np.array([0.5, -1.0]))
    >>> found["feature_names"], found["raw"].tolist()
    (['a_mm', 'b'], [185.0, -2.0])
    """
    names = loaded.info.get("feature_names")
    if not names:
        return {}
    prep = loaded.preprocessing
    if prep.get("kind") != "standardize":
        return {"feature_names": names}
    mean = np.asarray(prep["mean"], dtype=np.float64)
    scale = np.asarray(prep["scale"], dtype=np.float64)
    return {"feature_names": names, "raw": np.asarray(scaled, np.float64) * scale + mean}


def run(args: argparse.Namespace) -> int:
    """Print the explanations; return the exit status."""
    from glassnet import explain

    gradient = parse_gradient(args.gradient) if args.gradient else None
    loaded = load_run(args.model)
    x, y, names = evaluation_data(loaded, args.dataset, args.target)
    if not 0 <= args.sample < len(x):
        raise ValueError(f"--sample must be in [0, {len(x)}) for this data, got {args.sample}.")
    sample, label = x[args.sample], y[args.sample]
    forward = explain.forward(loaded.model, sample, **csv_inputs(loaded, sample))
    if loaded.task == "regression":  # a number, not a class
        target = loaded.info.get("target") or "the target"
        outcome = (
            f"sample {args.sample}: true {target} {float(label):.6g}, predicted "
            f"{float(np.ravel(forward.output)[0]):.6g}"
        )
    else:
        logits = getattr(loaded.model.loss, "from_logits", False)
        probabilities = class_probabilities(forward.output[None], logits)[0]
        predicted = int(np.argmax(probabilities))
        outcome = (
            f"sample {args.sample}: true class {int(label)} '{names[int(label)]}', predicted "
            f"{predicted} '{names[predicted]}' (probability {probabilities[predicted]:.3f})"
        )
    parts = [str(forward), outcome]
    if gradient is not None:  # computed before anything is printed: an error prints alone
        layer, where = gradient
        parts.append(str(explain.gradient(loaded.model, sample, label, layer=layer, **where)))
    print("\n\n".join(parts))
    return 0
