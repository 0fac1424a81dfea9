"""Exercises on the lecture's numbers: counting parameters, accuracy against a baseline on
imbalanced data, and one gradient-descent step at two learning rates.

Each maker takes a NumPy Generator and returns (question, solution, answers).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from glassnet import explain
from glassnet._internal.numbers import precise
from glassnet.layers import Dense
from glassnet.model import Sequential

__all__ = ["accuracy", "learning_rate", "parameters"]

_INPUTS = [(28, 28), (8, 8), (32, 32), (4,), (10,), (13,)]
_UNITS = [8, 16, 32, 64, 100, 128, 256]
_CLASSES = [2, 3, 5, 10]


def parameters(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    shape = _INPUTS[int(rng.integers(len(_INPUTS)))]
    hidden = [int(rng.choice(_UNITS)) for _ in range(int(rng.integers(1, 3)))]
    classes = int(rng.choice(_CLASSES))
    inputs = int(np.prod(shape))
    sizes = [inputs, *hidden, classes]
    flatten = len(shape) > 1
    layers = [f"Flatten(input_shape={shape})"] if flatten else []
    layers += [
        f"Dense({units}, activation='relu'"
        + (f", input_shape=({inputs},))" if i == 0 and not flatten else ")")
        for i, units in enumerate(hidden)
    ]
    layers.append(f"Dense({classes})")
    code = "model = gn.Sequential([\n" + "".join(f"    {line},\n" for line in layers) + "])"
    question = (
        "How many parameters (weights and biases) does this network learn?\n\n"
        f"{code}\n\n"
        "a) For each Dense layer: how many weights, how many biases?\n"
        "b) The total. (The lecture's Flatten(28, 28) -> Dense(128) -> Dense(10) has\n"
        "   (784 × 128) + 128 + (128 × 10) + 10 = 101,770.)\n"
        "c) Which numbers in the code are hyperparameters (you choose them) and which\n"
        "   numbers does training choose?"
    )
    lines, per_layer = [], []
    if flatten:
        lines.append(f"Flatten: {' × '.join(map(str, shape))} = {inputs:,} inputs, no parameters")
    for i, (fan_in, units) in enumerate(itertools.pairwise(sizes), start=1):
        count = fan_in * units + units
        per_layer.append(count)
        lines.append(
            f"Dense {i}: {fan_in:,} inputs × {units:,} units = {fan_in * units:,} weights, "
            f"+ {units:,} biases = {count:,}"
        )
    total = sum(per_layer)
    terms = " + ".join(f"({a:,} × {b:,}) + {b:,}" for a, b in itertools.pairwise(sizes))
    solution = (
        "a)\n" + "\n".join(lines) + f"\n\nb) {terms} = {total:,}\n\n"
        "c) Hyperparameters: the layer sizes (" + ", ".join(map(str, hidden)) + "), the "
        "activation, the number of layers (and later the learning rate, epochs,\n"
        "   batch size).\n"
        f"   Parameters: the {total:,} weights and biases, which training learns."
    )
    answers = {"per_layer": per_layer, "total": total, "sizes": sizes}
    return question, solution, answers


def accuracy(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    majority, minority = [("cat", "dog"), ("healthy", "ill"), ("genuine", "fraud")][
        int(rng.integers(3))
    ]
    n = int(rng.choice([100, 200, 500, 1000]))
    share = float(rng.choice([0.8, 0.85, 0.9, 0.95]))
    n_major = round(n * share)
    n_minor = n - n_major
    found = int(rng.integers(0, n_minor + 1))  # minority samples the model gets right
    missed_major = int(rng.integers(0, max(1, n_minor) + 1))  # majority called minority
    right_major = n_major - missed_major
    correct = right_major + found
    acc = correct / n
    baseline = n_major / n
    recall = found / n_minor if n_minor else float("nan")
    table = (
        f"                    predicted {majority:<8} predicted {minority}\n"
        f"  true {majority:<9} {right_major:>16,} {missed_major:>18,}\n"
        f"  true {minority:<9} {n_minor - found:>16,} {found:>18,}"
    )
    question = (
        f"A classifier was tested on {n:,} samples: {n_major:,} are '{majority}' and "
        f"{n_minor:,} '{minority}'.\nIts confusion matrix:\n\n{table}\n\n"
        "a) What is its accuracy?\n"
        f"b) What accuracy does a model get that always answers '{majority}' (the baseline)?\n"
        f"c) Of the '{minority}' samples, what fraction does the classifier find (recall)?\n"
        "d) Is this classifier better than the baseline? Is accuracy enough to judge it?"
    )
    better = acc > baseline
    verdict = (
        f"better than the baseline, by {precise(round((acc - baseline) * 100, 6))} percentage "
        "points"
        if better
        else ("no better than" if acc == baseline else "worse than") + " the baseline"
    )
    solution = (
        f"a) accuracy = correct / total = ({right_major:,} + {found:,}) / {n:,} = "
        f"{correct:,} / {n:,} = {precise(acc)} ({precise(round(acc * 100, 6))} %)\n"
        f"b) always '{majority}': {n_major:,} / {n:,} = {precise(baseline)} "
        f"({precise(round(baseline * 100, 6))} %), without looking at the data\n"
        f"c) recall of '{minority}' = {found:,} / {n_minor:,} = {precise(recall)}\n"
        f"d) It is {verdict}. With imbalanced classes accuracy hides the rare class: "
        f"compare with\n   the baseline and look at each class's recall."
    )
    answers = {
        "accuracy": acc,
        "baseline": baseline,
        "recall": recall,
        "better": better,
        "confusion_matrix": [[right_major, missed_major], [n_minor - found, found]],
    }
    return question, solution, answers


def learning_rate(rng: np.random.Generator) -> tuple[str, str, dict[str, Any]]:
    x = float(rng.choice([1.0, 2.0]))
    curvature = 2 * x * x  # J''(w) for J = (w x - y)²
    w0 = float(rng.choice([-1.0, -0.5, 0.0, 0.5]))
    y = float(rng.choice([v for v in (1.0, 2.0, 3.0, -1.0, -2.0) if v / x != w0]))
    small = float(rng.choice([r for r in (0.01, 0.02, 0.05, 0.1) if r * curvature < 1]))
    large = float(
        rng.choice([r for r in (0.2, 0.25, 0.3, 0.75, 1.0, 1.25) if 1 < r * curvature < 3])
    )
    question = (
        "One neuron without bias or activation, ŷ = w·x, and the loss J = (ŷ - y)².\n"
        f"The weight is w = {precise(w0)}; the sample is x = {precise(x)} with the target "
        f"y = {precise(y)}.\n\n"
        "a) Compute J and dJ/dw = 2(w·x - y)·x.\n"
        f"b) Take one gradient-descent step w <- w - η · dJ/dw with η = {precise(small)}, and\n"
        f"   another from the same w with η = {precise(large)}. Compute both new weights and\n"
        "   their losses.\n"
        "c) The best weight is w* = y / x. Which step overshoots w* (jumps past it)? Does\n"
        "   either make the loss larger?"
    )
    model = Sequential([Dense(1, use_bias=False, input_shape=(1,), name="neuron")])
    model.build()
    model.layers[0].params = {"kernel": np.array([[w0]])}  # float64: exact decimals
    steps = [explain.step(model, [x], y, learning_rate=r, loss="mse") for r in (small, large)]
    best = y / x
    after = [s.new_weights[0].item() for s in steps]
    overshoots = [(w0 - best) * (w - best) < 0 for w in after]
    names = ["the small step", "the large step"]
    words = [
        f"{name} (η = {precise(r)}) goes to {precise(w)}: "
        + ("past w*, it overshoots" if o else "towards w*, without passing it")
        + (
            f"; the loss went up, from {precise(s.loss_before)} to {precise(s.loss_after)}"
            if s.loss_after > s.loss_before
            else ""
        )
        for name, r, w, o, s in zip(names, (small, large), after, overshoots, steps, strict=True)
    ]
    solution = (
        f"a) and b)\n{steps[0]}\n\n{steps[1]}\n\n"
        f"c) w* = {precise(y)} / {precise(x)} = {precise(best)}; " + "; ".join(words) + ".\n"
        f"   (On J = (w·x - y)² a step overshoots when η > 1 / (2x²) = {precise(1 / curvature)}"
        f" and the loss grows when η > 1 / x² = {precise(2 / curvature)}.)"
    )
    answers = {
        "J": steps[0].loss_before,
        "dJ/dw": steps[0].changes[0].gradient.item(),
        "w_small": after[0],
        "w_large": after[1],
        "J_small": steps[0].loss_after,
        "J_large": steps[1].loss_after,
        "w_star": best,
        "overshoots": "large" if overshoots[1] else "none",
    }
    return question, solution, answers
