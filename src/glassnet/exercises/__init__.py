"""Worked exercises with small random numbers, for teachers to hand out.

Each exercise is drawn from a seed, so the same seed gives the same sheet every time;
its question comes first and its solution (from `gn.explain` where it fits) after.
`make_sheet(kind, seed, count)` puts several different exercises on one sheet.

| kind            | the question                                                      |
|-----------------|-------------------------------------------------------------------|
| `perceptron`    | a perceptron's z and output for one input, then one learning-rule |
|                 | update                                                            |
| `forward`       | the forward pass of a 2-2-1 network, neuron by neuron             |
| `gradient`      | the lecture's network x -> w1 -> sigmoid -> w2 -> ŷ with          |
|                 | J = (ŷ - y)²: dJ/dw2 and dJ/dw1 by the chain rule                 |
| `parameters`    | count a network's weights and biases (the lecture's 101,770)      |
| `accuracy`      | accuracy against the always-the-majority baseline on an           |
|                 | imbalanced confusion matrix, and the rare class's recall          |
| `learning-rate` | one gradient-descent step at two learning rates: which overshoots |

>>> import glassnet as gn
>>> sheet = gn.exercises.make("gradient", seed=3)
>>> sheet.text(solution=False) == make("gradient", seed=3).text(solution=False)
True
>>> sorted(sheet.answers)
['J', 'a1', 'dJ/dw1', 'dJ/dw2', 'y_hat', 'z1']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal import html
from glassnet._internal.checks import check_int, check_one_of, check_seed
from glassnet.exercises import _lecture, _network

__all__ = ["KINDS", "Exercise", "Sheet", "make", "make_sheet"]

KINDS = ("perceptron", "forward", "gradient", "parameters", "accuracy", "learning-rate")
_MAKERS = {
    "perceptron": _network.perceptron,
    "forward": _network.forward,
    "gradient": _network.gradient,
    "parameters": _lecture.parameters,
    "accuracy": _lecture.accuracy,
    "learning-rate": _lecture.learning_rate,
}
# How many seeds past the requested ones make_sheet tries before giving up on finding
# `count` different exercises (a kind with few possible sheets could repeat).
_TRIES_PER_EXERCISE = 20


@dataclass
class Exercise:
    """A question sheet and its worked solution.

    Attributes:
        kind: one of `KINDS`; seed: the seed it was drawn from.
        question: the question, as text.
        solution: the worked solution, as text.
        answers: the numbers the solution arrives at, by name (e.g. "z", "dJ/dw1").
    """

    kind: str
    seed: int
    question: str
    solution: str
    answers: dict[str, Any] = field(default_factory=dict)

    def text(self, solution: bool = True) -> str:
        """The sheet: the question, then (unless `solution=False`) the solution."""
        title = f"glassnet exercise: {self.kind} (seed {self.seed})"
        parts = [title, "=" * len(title), "", self.question]
        if solution:
            parts += ["", "Solution", "--------", "", self.solution]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return (
            f"<div class='glassnet-exercise'><h3>Exercise: {html.escape(self.kind)}</h3>"
            f"{html.pre(self.question)}<details><summary>Solution</summary>"
            f"{html.pre(self.solution)}</details></div>"
        )


@dataclass
class Sheet:
    """Several exercises on one sheet (from `make_sheet`); each keeps its own seed.

    >>> sheet = make_sheet("accuracy", seed=0, count=2)
    >>> sheet.text(solution=False).count("glassnet exercise: accuracy (seed ")
    2
    """

    exercises: list[Exercise]

    def text(self, solution: bool = True) -> str:
        """Every exercise in turn (its question, then its solution unless `solution=False`)."""
        return "\n\n\n".join(e.text(solution=solution) for e in self.exercises)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return "".join(e._repr_html_() for e in self.exercises)


def make(kind: str, seed: int = 0) -> Exercise:
    """Draw an exercise of `kind` from `seed`: the same seed always gives the same sheet.

    Args:
        kind: one of `KINDS`: "perceptron", "forward", "gradient", "parameters",
            "accuracy" or "learning-rate".
        seed: a non-negative integer.

    Returns:
        An `Exercise`: `.text(solution=False)` is the question sheet, `.answers` the numbers.

    Raises:
        ValueError: for an unknown kind (listing the valid ones) or a negative seed.

    >>> print(make("perceptron", seed=1).question.splitlines()[0])
    A perceptron has the weights w1 = 0.5, w2 = 1.5, a bias
    """
    kind = check_one_of("kind", kind, KINDS, "exercise")
    seed = check_seed("seed", seed)
    question, solution, answers = _MAKERS[kind](np.random.default_rng(seed))
    return Exercise(kind, seed, question, solution, answers)


def make_sheet(kind: str, seed: int = 0, count: int = 1) -> Sheet:
    """`count` different exercises of `kind` on one sheet, drawn from the seeds seed,
    seed + 1, seed + 2, ...

    A seed whose question repeats one already on the sheet is skipped, so the exercises
    all differ; each shows its seed in its title, and `make(kind, that_seed)` gives it
    again on its own. The same (kind, seed, count) always gives the same sheet.

    Args:
        kind: one of `KINDS`.
        seed: the first seed, >= 0.
        count: how many exercises, >= 1.

    Returns:
        A `Sheet` with `.exercises` and `.text(solution=...)`.

    Raises:
        ValueError: for a bad argument, or when `kind` has fewer than `count` different
            exercises within the seeds tried.

    >>> sheet = make_sheet("parameters", seed=4, count=3)
    >>> [e.seed for e in sheet.exercises], len({e.question for e in sheet.exercises})
    ([4, 5, 6], 3)
    """
    kind = check_one_of("kind", kind, KINDS, "exercise")
    seed = check_seed("seed", seed)
    count = check_int("count", count, minimum=1)
    exercises: list[Exercise] = []
    questions: set[str] = set()
    for candidate in range(seed, seed + count * _TRIES_PER_EXERCISE):
        exercise = make(kind, candidate)
        if exercise.question not in questions:
            questions.add(exercise.question)
            exercises.append(exercise)
            if len(exercises) == count:
                return Sheet(exercises)
    raise ValueError(
        f"count={count}: found only {len(exercises)} different '{kind}' exercises in the "
        f"seeds {seed} to {seed + count * _TRIES_PER_EXERCISE - 1}."
    )


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
