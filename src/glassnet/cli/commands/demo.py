"""`glassnet demo`: the lecture, run end to end, with its numbers and figures.

The demo is a list of sections, run in order; each prints what it does and saves its
figures into the output folder. To add one (the Fashion-MNIST tutorial, say), write a
function `run(ctx: DemoContext) -> None` and append `Section(name, title, run)` to
`SECTIONS`; give it `add_arguments` if it needs options of its own.
"""

from __future__ import annotations

import argparse
import json
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glassnet import datasets
from glassnet._internal.checks import check_one_of
from glassnet.cli.commands.perceptron import XOR_WHY, accuracy_line, point_lines, training_lines
from glassnet.perceptron import ConvergenceWarning, Perceptron

__all__ = ["SECTIONS", "DemoContext", "Section", "add_parser", "run"]


@dataclass
class DemoContext:
    """What a section gets: the parsed arguments, the output folder and `save`.

    Attributes:
        args: the parsed command-line arguments (with any a section added).
        out: the folder figures are saved in; created on the first save.
        saved: every file saved so far, in order.
    """

    args: argparse.Namespace
    out: Path
    saved: list[Path] = field(default_factory=list)

    def save(self, fig: Any, name: str) -> Path:
        """Save a matplotlib figure as `out/name`, close it and remember the path."""
        from glassnet import plots

        path = self.out / name
        plots.save_figure(fig, path)
        plots.pyplot().close(fig)
        self.saved.append(path)
        return path


@dataclass
class Section:
    """One part of the demo.

    Attributes:
        name: short name for `--only`.
        title: the heading printed before it runs.
        run: does the work, printing as it goes.
        add_arguments: registers the section's own options on the demo's parser, or None.
    """

    name: str
    title: str
    run: Callable[[DemoContext], None]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


def _heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def perceptron_section(ctx: DemoContext) -> None:
    """The lecture's perceptron: two weight settings, an explanation, training, gates."""
    from glassnet import plots

    x, y = datasets.lecture_groups()
    settings = [("Some random weights", [0.75, -0.5], 1.0), ("Updated weights", [3, -2], -1.0)]
    for step, (title, weights, bias_weight) in enumerate(settings, 1):
        perceptron = Perceptron(weights=weights, bias_weight=bias_weight, activation="sign")
        w1, w2 = weights
        _heading(f"{title}: w1 = {w1}, w2 = {w2}, bias = 1, w_bias = {bias_weight:g}")
        print(f"{perceptron.equation()}, y = sign(z)")
        for line in point_lines(perceptron, x, y):
            print(line)
        print(accuracy_line(perceptron, x, y))
        path = ctx.save(plots.plot_perceptron(perceptron, x, y), f"perceptron-{step}.png")
        print(f"(figure: {path})")

    _heading("How point 0 of group 1, (2, 1), gets its output with the updated weights")
    print(perceptron.explain(x[0]))

    _heading("Learning the weights with the perceptron rule (learning rate 0.1, seed 0)")
    learner = Perceptron(n_inputs=2, seed=0)
    print(f"Random start: {learner.equation()}")
    learner.fit(x, y, epochs=100, learning_rate=0.1)
    for line in training_lines(learner):
        print(line)
    print(f"Learnt: {learner.equation()}; {accuracy_line(learner, x, y)}")

    _heading("Logic gates: a perceptron per truth table")
    for gate in ("and", "or", "nand", "xor"):
        gx, gy = datasets.logic_gate(gate)
        gate_perceptron = Perceptron(n_inputs=2, seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # said below, in words
            gate_perceptron.fit(gx, gy, epochs=100, learning_rate=0.1)
        epochs = len(gate_perceptron.errors_)
        print(
            f"{gate.upper():>4}: {accuracy_line(gate_perceptron, gx, gy)} after {epochs} "
            f"epoch(s); {gate_perceptron.equation()}"
        )
        if not gate_perceptron.converged_:
            print(
                textwrap.fill(
                    gate_perceptron.fit_summary_,
                    88,
                    initial_indent=" " * 6,
                    subsequent_indent=" " * 6,
                )
            )
            print(textwrap.fill(XOR_WHY, 88, initial_indent=" " * 6, subsequent_indent=" " * 6))

    _heading("The activation functions of the lecture's table")
    path = ctx.save(plots.plot_activations(), "activations.png")
    print(f"(figure: {path})")


def backpropagation_section(ctx: DemoContext) -> None:
    """The lecture's backpropagation slide, with numbers: dJ/dw2 and dJ/dw1 by the chain rule."""
    import numpy as np

    from glassnet import explain
    from glassnet.layers import Dense
    from glassnet.model import Sequential

    model = Sequential(
        [
            Dense(1, activation="sigmoid", input_shape=(1,), name="hidden"),
            Dense(1, name="output"),
        ],
        name="lecture",
    )
    model.compile(optimizer="sgd", loss="mse")
    model.set_weights([np.array([[0.8]]), np.array([-0.2]), np.array([[1.5]]), np.array([0.1])])
    x, y = [2.0], 1.0
    _heading("The network: x -> z1 = x*w1 + b1 -> a1 = sigmoid(z1) -> ŷ = a1*w2 + b2, J = (ŷ - y)²")
    print(explain.forward(model, x))
    for layer, name in ((1, "w2"), (0, "w1")):
        _heading(f"How much a change in {name} affects the loss J")
        print(explain.gradient(model, x, y, layer=layer, weight=(0, 0)))
    _heading("One gradient-descent step, learning rate 0.1")
    print(explain.step(model, x, y, learning_rate=0.1))
    print("\n(More: `glassnet explain RUN --sample N --gradient LAYER:I,J`, `glassnet exercise`.)")


def descent_section(ctx: DemoContext) -> None:
    """The learning rate as a picture: gradient descent on J(w2) of the lecture's one-input
    network at a too-small, a good and a too-large rate, then the good rate repeated until
    convergence on every weight."""
    from glassnet import explain, plots
    from glassnet.plots._descent import WeightLine, choose_learning_rates, lecture_network

    model, x, y = lecture_network()
    rates = choose_learning_rates(WeightLine(model, x, y))
    _heading("J(w2) of x -> w1 -> sigmoid -> w2 -> ŷ, J = (ŷ - y)²; x = 1, y = 1, w1 = 2, w2 = -1")
    fig = plots.plot_gradient_descent(model, x, y, learning_rates=rates, steps=10)
    print("Ten steps of w2 <- w2 - η · dJ/dw2 at a too-small, a good and a too-large rate:")
    for ax in fig.axes:
        print("  " + ax.get_title().replace("\n", "; "))
    print(
        _wrap(
            "Too small a rate crawls, a good one lands on the minimum, too large a one "
            "overshoots it by more at every step."
        )
    )
    path = ctx.save(fig, "gradient-descent.png")
    print(f"(figure: {path})")
    _heading(f"Repeat until convergence: every weight at once, learning rate {rates[1]:g}")
    print(explain.descent(model, x, y, learning_rate=rates[1], steps=12))


def fashion_section(ctx: DemoContext) -> None:
    """The lecture's Fashion-MNIST tutorial: train, evaluate, write a run folder and report.

    It trains on the full Fashion-MNIST when it is on disk or can be downloaded, else on
    the 7,000-image sample shipped with glassnet, and says which before and after training.
    """
    from glassnet.cli.runs import TrainConfig, train
    from glassnet.datasets import fashion_mnist

    quick = bool(getattr(ctx.args, "quick", False))
    epochs = 2 if quick else 10
    _heading(f"Fashion-MNIST: Flatten -> Dense(128, relu) -> Dense(10), Adam 1e-3, {epochs} epochs")
    _, source = fashion_mnist.load_data_or_sample()
    print(_wrap(f"Data: {source.description}."))
    if source.reason:
        print(_wrap(f"Not the full set, because {source.reason}"))
    config = TrainConfig(
        dataset=source.dataset,
        layers=[128],
        optimizer="adam",
        learning_rate=1e-3,
        epochs=epochs,
        batch_size=32,
        seed=0,
        out=str(ctx.out / "fashion-mnist-run"),
    )
    folder = train(config, verbose=1, overwrite=True)
    for name in ("learning_curves.png", "confusion_matrix.png", "predictions.png"):
        ctx.saved.append(folder / name)
    accuracy = json.loads((folder / "metrics.json").read_text())["test_accuracy"]
    print()
    print(_wrap(f"Test accuracy {accuracy:.3f} on {source.test_part}. {_EXPECTED[source.dataset]}"))


# The comparison: the lecture's model at three learning rates (Adam), on part of the shipped
# sample so that it is quick and needs no download.
_COMPARED_RATES = [1e-4, 1e-3, 1e-1]


def compare_section(ctx: DemoContext) -> None:
    """Three short runs of the Fashion-MNIST model at learning rates 1e-4, 1e-3 and 1e-1,
    all from the same initial weights (as `glassnet sweep`), compared as `glassnet compare`
    does: the table printed and the HTML page with the learning curves overlaid."""
    import dataclasses

    from glassnet.cli.commands import compare
    from glassnet.cli.runs.config import TrainConfig
    from glassnet.cli.runs.sweep import grid, initial_weights, run_name
    from glassnet.cli.runs.train import run_training

    rates = ", ".join(f"{r:g}" for r in _COMPARED_RATES)
    _heading(f"Three learning rates compared: {rates}, 3 epochs each, the same start")
    base = TrainConfig(
        dataset="fashion-mnist-sample",
        layers=[128],
        optimizer="adam",
        epochs=3,
        batch_size=32,
        seed=0,
        limit=2000,
        test_limit=1000,
    )
    print(
        _wrap(
            "The model of the tutorial, trained on 2,000 images of the sample shipped with "
            "glassnet (tested on 1,000 others), once per learning rate; every run starts from "
            "the same initial weights, so only the learning rate differs."
        )
    )
    configs = grid(base, {"learning_rate": _COMPARED_RATES})
    start = initial_weights(configs[0])
    folders = []
    for config in configs:
        config = dataclasses.replace(
            config, out=str(ctx.out / "learning-rates" / run_name(config, ["learning_rate"]))
        )
        print(f"  training with learning rate {config.learning_rate:g} -> {config.out}")
        folders.append(str(run_training(config, 0, True, start).path))
    print()
    page = ctx.out / "learning-rates" / "compare.html"
    compare.run(argparse.Namespace(runs=folders, out=str(page)))
    ctx.saved.append(page)
    print(
        _wrap(
            "1e-4 is too small: after 3 epochs its loss is still far above the others. "
            "1e-1 is too large: the steps overshoot and the loss stays high. 1e-3, Adam's "
            "default, learns fastest. (`glassnet sweep` trains such a grid; `glassnet "
            "lr-find` suggests a rate from one short run.)"
        )
    )


def _wrap(text: str) -> str:
    return textwrap.fill(
        text, 88, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


# What the demo's 10-epoch run (seed 0) reached when measured, per data set; the sample's
# README (datasets/data/fashion-mnist-sample/README.md) gives the details.
_EXPECTED = {
    "fashion-mnist": "Ten epochs of this model reach about 0.88 (0.882 measured, seed 0).",
    "fashion-mnist-sample": (
        "Ten epochs of this model reach about 0.86 on this sample (0.856 measured, seed 0); "
        "on the full set, about 0.88."
    ),
}


def _fashion_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick", action="store_true", help="train the Fashion-MNIST model for 2 epochs, not 10"
    )


# The demo, in order. Later parts of the lecture append their sections here.
SECTIONS: list[Section] = [
    Section("perceptron", "Part 1: the perceptron", perceptron_section),
    Section("backprop", "Part 2: backpropagation, every number", backpropagation_section),
    Section("descent", "Part 3: gradient descent and the learning rate", descent_section),
    Section("fashion", "Part 4: the Fashion-MNIST tutorial", fashion_section, _fashion_arguments),
    Section("compare", "Part 5: learning rates compared", compare_section),
]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet demo`."""
    parser = subparsers.add_parser(
        "demo",
        help="run the lecture end to end: numbers, explanations and figures",
        description=(
            "Runs the lecture's examples in order and saves their figures. Sections: "
            + "; ".join(f"{s.name} ({s.title})" for s in SECTIONS)
            + "."
        ),
    )
    parser.add_argument(
        "--out",
        default="glassnet-demo",
        metavar="DIR",
        help="folder for the figures (default ./glassnet-demo)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SECTION",
        help=f"run only these sections: {', '.join(s.name for s in SECTIONS)}",
    )
    for section in SECTIONS:
        if section.add_arguments is not None:
            section.add_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the chosen sections; return the exit status."""
    names = [s.name for s in SECTIONS]
    chosen = [check_one_of("--only", name, names, "demo section") for name in args.only or names]
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out must be a folder, got the file {out}.")
    ctx = DemoContext(args=args, out=out)
    for section in SECTIONS:
        if section.name in chosen:
            print(f"\n== {section.title} ==")
            section.run(ctx)
    print(f"\nSaved {len(ctx.saved)} figure(s) in {out.resolve()}:")
    for path in ctx.saved:
        print(f"  {path.resolve().relative_to(out.resolve())}")
    return 0
