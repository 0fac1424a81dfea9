"""`glassnet exercise KIND --seed N [--count N]`: worked exercises, the question then the
solution.

KIND is one of `glassnet.exercises.KINDS` (perceptron, forward, gradient, parameters,
accuracy, learning-rate). The same seed prints the same sheet every time; `--count N`
puts N different exercises on one sheet, drawn from the seeds N, N+1, ... (a seed that
repeats an exercise already on the sheet is skipped; each exercise's title shows the seed
that reprints it alone). `--no-solution` prints the questions only.
"""

from __future__ import annotations

import argparse

from glassnet.exercises import KINDS, make_sheet

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet exercise`."""
    p = subparsers.add_parser(
        "exercise",
        help="print worked exercises with random small numbers (" + ", ".join(KINDS) + ")",
        description="Print exercises drawn from --seed: the question, then its worked "
        "solution. The same seed gives the same sheet; --count N prints N different "
        "exercises (seeds N, N+1, ...); --no-solution prints the questions only.",
    )
    p.add_argument("kind", choices=KINDS, help="what the exercise practises")
    p.add_argument("--seed", type=int, default=0, help="which exercise (default 0)")
    p.add_argument("--count", type=int, default=1, help="how many different exercises (default 1)")
    p.add_argument(
        "--no-solution", action="store_true", help="print the question sheet without solution"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the sheet; return the exit status."""
    sheet = make_sheet(args.kind, seed=args.seed, count=args.count)
    print(sheet.text(solution=not args.no_solution))
    return 0
