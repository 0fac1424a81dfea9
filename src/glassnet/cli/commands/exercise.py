"""`glassnet exercise KIND --seed N`: a worked exercise, the question then the solution.

KIND is perceptron, forward or gradient (see `glassnet.exercises`). The same seed
prints the same sheet every time; `--no-solution` prints the question sheet only.
"""

from __future__ import annotations

import argparse

from glassnet.exercises import KINDS, make

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet exercise`."""
    p = subparsers.add_parser(
        "exercise",
        help="print a worked exercise with random small numbers (perceptron, forward, gradient)",
        description="Print an exercise drawn from --seed: the question, then its worked "
        "solution. The same seed gives the same sheet; --no-solution prints the question only.",
    )
    p.add_argument("kind", choices=KINDS, help="what the exercise practises")
    p.add_argument("--seed", type=int, default=0, help="which exercise (default 0)")
    p.add_argument(
        "--no-solution", action="store_true", help="print the question sheet without solution"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the sheet; return the exit status."""
    print(make(args.kind, seed=args.seed).text(solution=not args.no_solution))
    return 0
