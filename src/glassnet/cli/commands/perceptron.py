"""`glassnet perceptron`: run, explain, train and plot the lecture's perceptron.

    glassnet perceptron --weights 0.75 -0.5 --bias-weight 1      # the lecture's 9/12
    glassnet perceptron --weights 3 -2 --bias-weight -1 --explain 0
    glassnet perceptron --train --epochs 50 --learning-rate 0.1 --plot line.png
    glassnet perceptron --gate xor                               # not linearly separable
    glassnet perceptron --data points.csv --train                # your own points

The formatting functions here (`point_lines`, `accuracy_line`, `training_lines`) and
`XOR_WHY` are shared with `glassnet demo`.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from glassnet import activations, datasets
from glassnet._internal.checks import check_int, check_number
from glassnet._internal.numbers import short
from glassnet._internal.words import plural
from glassnet.perceptron import ConvergenceWarning, Perceptron

__all__ = [
    "XOR_WHY",
    "accuracy_line",
    "add_parser",
    "point_lines",
    "run",
    "training_lines",
]

_GATES = ["and", "or", "nand", "nor", "xor"]
# Why XOR defeats a perceptron, printed after it fails (here and by `glassnet demo`).
XOR_WHY = (
    "For XOR, no straight line puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on "
    "the other: that is why the lecture moves on to networks with hidden layers."
)
_ACTIVATIONS = [name for name in activations.LECTURE_NAMES if name != "softmax"]


def point_lines(perceptron: Perceptron, x: np.ndarray, y: np.ndarray) -> Iterator[str]:
    """The lecture's lines, "Point i in group g returned y", for every point.

    Groups are listed as in the lecture: the positive class (higher label) first, then
    the negative one, each point numbered from 0 within its group; "returned" is the
    activation's output f(z). For activations with continuous outputs the class is added.

    >>> p = Perceptron(weights=[3, -2], bias_weight=-1)
    >>> next(point_lines(p, *datasets.lecture_groups()))
    'Point 0 in group 1 returned 1'
    """
    labels = np.asarray(y)
    output = perceptron.forward(x)
    predicted = perceptron.predict(x)
    stepped = perceptron.activation.name in ("sign", "step")
    for label in np.unique(labels)[::-1]:
        for i, row in enumerate(np.flatnonzero(labels == label)):
            line = f"Point {i} in group {short(label)} returned {short(output[row])}"
            yield line if stepped else f"{line} (class {short(predicted[row])})"


def accuracy_line(perceptron: Perceptron, x: np.ndarray, y: np.ndarray) -> str:
    """The accuracy as a fraction and a decimal, as the lecture writes it.

    >>> p = Perceptron(weights=[0.75, -0.5], bias_weight=1)
    >>> accuracy_line(p, *datasets.lecture_groups())
    'accuracy = 9/12 = 0.75'
    """
    accuracy = perceptron.score(x, y)
    correct = round(accuracy * len(x))
    return f"accuracy = {correct}/{len(x)} = {round(accuracy, 4)}"


def training_lines(perceptron: Perceptron) -> Iterator[str]:
    """One line per epoch of the last `fit` (misclassified points), then how it ended.

    >>> x, y = datasets.logic_gate("or")
    >>> p = Perceptron(weights=[0, 0], bias_weight=0).fit(x, y, learning_rate=1)
    >>> list(training_lines(p))[-1]
    'Converged after 4 epoch(s): every point is classified.'
    """
    for record in perceptron.history_:
        rows = ", ".join(str(update.index) for update in record.updates)
        which = f" (rows {rows})" if rows else ""
        yield f"epoch {record.epoch}: {record.errors} misclassified{which}"
    yield perceptron.fit_summary_


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet perceptron`."""
    parser = subparsers.add_parser(
        "perceptron",
        help="run, explain, train and plot a single perceptron (the lecture's first half)",
        description=(
            "A perceptron z = x1*w1 + x2*w2 + bias*w_bias, y = f(z), on the lecture's two "
            "groups of points (or a logic gate, or your own CSV). With --weights it prints "
            "the lecture's 'Point i in group g returned y' lines and the accuracy; without "
            "--weights, or with --train, it learns the weights with the perceptron rule."
        ),
        epilog=(
            "examples:\n"
            "  glassnet perceptron --weights 0.75 -0.5 --bias-weight 1\n"
            "  glassnet perceptron --weights 3 -2 --bias-weight -1 --explain 0\n"
            "  glassnet perceptron --train --plot perceptron.png\n"
            "  glassnet perceptron --gate xor"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_mutually_exclusive_group()
    data.add_argument(
        "--data",
        metavar="CSV",
        help="your own points: input columns then a label column (two classes), "
        "an optional header row",
    )
    data.add_argument(
        "--gate",
        metavar="NAME",
        help=f"a logic gate's truth table: {', '.join(_GATES)}",
    )
    parser.add_argument(
        "--weights",
        nargs="+",
        type=float,
        metavar="W",
        help="one weight per input, e.g. --weights 0.75 -0.5 (default: learn them)",
    )
    parser.add_argument(
        "--bias-weight", type=float, default=0.0, metavar="WB", help="w_bias (default 0)"
    )
    parser.add_argument(
        "--bias", type=float, default=1.0, help="the bias input (default 1, as the lecture)"
    )
    parser.add_argument(
        "--activation",
        default="sign",
        metavar="NAME",
        help=f"f: {', '.join(_ACTIVATIONS)} (default sign, as the lecture's code)",
    )
    parser.add_argument(
        "--train",
        action="store_true",
        help="learn the weights (from --weights if given, else random ones)",
    )
    parser.add_argument("--epochs", type=int, default=100, help="most epochs (default 100)")
    parser.add_argument(
        "--learning-rate", type=float, default=0.1, metavar="R", help="step size (default 0.1)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the random starting weights (default 0)"
    )
    parser.add_argument(
        "--explain",
        type=int,
        metavar="I",
        help="show the calculation for row I of the data (lecture: 0-5 group 1, 6-11 group 0)",
    )
    parser.add_argument("--plot", metavar="FILE.png", help="save the points and decision line")
    parser.set_defaults(func=run)


def _data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, str]:
    if args.data:
        if not Path(args.data).is_file():
            raise FileNotFoundError(f"--data: no such file: {args.data}")
        table = datasets.load_csv(args.data, label_column=-1, header=None)
        x, y = table.x, table.labels
        return x, y, f"the {plural(len(x), 'point')} of {args.data}"
    if args.gate:
        x, y = datasets.logic_gate(args.gate)
        return x, y, f"the {args.gate.upper()} truth table"
    x, y = datasets.lecture_groups()
    return x, y, "the lecture's 12 points"


def run(args: argparse.Namespace) -> int:
    """Run `glassnet perceptron` with parsed arguments; return the exit status."""
    x, y, what = _data(args)
    if len(np.unique(y)) != 2:
        raise ValueError(
            f"the labels must hold exactly two classes, got {len(np.unique(y))}: "
            f"{np.unique(y).tolist()[:10]}."
        )
    if args.explain is not None and not 0 <= args.explain < len(x):
        raise ValueError(f"--explain must be a row between 0 and {len(x) - 1}, got {args.explain}.")
    if args.weights is not None and len(args.weights) != x.shape[1]:
        raise ValueError(
            f"--weights needs one weight per input: {what} have {x.shape[1]} inputs, "
            f"got {plural(len(args.weights), 'weight')}."
        )
    if args.train or args.weights is None:
        check_int("--epochs", args.epochs, minimum=1)
        check_number("--learning-rate", args.learning_rate, 0, None, low_inclusive=False)
    perceptron = Perceptron(
        weights=args.weights,
        bias_weight=args.bias_weight,
        bias=args.bias,
        activation=args.activation,
        n_inputs=None if args.weights else x.shape[1],
        seed=args.seed,
    )
    if args.train or args.weights is None:
        print(f"Training on {what}: {perceptron.equation()} to start with")
        print(f"(learning rate {args.learning_rate}, at most {plural(args.epochs, 'epoch')})")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # told below, in words
            perceptron.fit(x, y, epochs=args.epochs, learning_rate=args.learning_rate)
        for line in training_lines(perceptron):
            print(line)
        if not perceptron.converged_ and args.gate == "xor":
            print(XOR_WHY)
        print(f"Learnt: {perceptron.equation()}")
    else:
        print(f"Perceptron on {what}: {perceptron.equation()}, y = {perceptron.activation.name}(z)")

    for line in point_lines(perceptron, x, y):
        print(line)
    print(accuracy_line(perceptron, x, y))

    if args.explain is not None:
        label = y[args.explain]
        index = int(np.sum(y[: args.explain] == label))  # its number within its group
        point = ", ".join(short(v) for v in x[args.explain])
        print(f"\nPoint {index} in group {short(label)} (row {args.explain}), x = ({point}):")
        print(perceptron.explain(x[args.explain]))
    if args.plot:
        from glassnet import plots
        from glassnet.plots._perceptron import decision_line_outside

        fig = plots.plot_perceptron(perceptron, x, y, path=args.plot)
        plots.pyplot().close(fig)
        print(f"Saved the figure to {args.plot}")
        if decision_line_outside(perceptron, x):
            equation = perceptron.equation().removeprefix("z = ")
            print(
                f"The decision line {equation} = 0 lies outside the plotted area: "
                "all the points are on one side of it."
            )
    return 0
