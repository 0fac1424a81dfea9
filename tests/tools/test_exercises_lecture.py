"""gn.exercises' lecture kinds (parameters, accuracy, learning-rate) and make_sheet: each
answer is recomputed here from the numbers printed in the question."""

import itertools
import re

import numpy as np
import pytest

import glassnet as gn

SEEDS = range(12)


def _number(text, name):
    match = re.search(rf"{re.escape(name)} = (-?[\d.]+)", text)
    assert match, f"{name} not in the question"
    return float(match.group(1))


@pytest.mark.parametrize("seed", SEEDS)
def test_parameters_solution(seed):
    sheet = gn.exercises.make("parameters", seed=seed)
    code = sheet.question.split("\n\n")[1]
    shape = re.search(r"input_shape=\(([\d, ]+)\)", code).group(1)
    inputs = int(np.prod([int(v) for v in shape.split(",") if v.strip()]))
    units = [int(u) for u in re.findall(r"Dense\((\d+)", code)]
    sizes = [inputs, *units]
    by_hand = [a * b + b for a, b in itertools.pairwise(sizes)]
    assert sheet.answers["per_layer"] == by_hand
    assert sheet.answers["total"] == sum(by_hand)
    # the code in the question runs, and glassnet counts the same
    namespace = {"gn": gn, "Dense": gn.layers.Dense, "Flatten": gn.layers.Flatten}
    exec(
        code.replace("Dense(", "gn.layers.Dense(").replace("Flatten(", "gn.layers.Flatten("),
        namespace,
    )
    assert namespace["model"].count_params() == sum(by_hand)
    assert f"= {sum(by_hand):,}" in sheet.solution


def test_parameters_mentions_the_lecture_count():
    assert (
        "(784 × 128) + 128 + (128 × 10) + 10 = 101,770" in gn.exercises.make("parameters").question
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_accuracy_solution(seed):
    sheet = gn.exercises.make("accuracy", seed=seed)
    rows = re.findall(r"true \w+\s+([\d,]+)\s+([\d,]+)", sheet.question)
    cm = np.array([[int(v.replace(",", "")) for v in row] for row in rows])
    n = cm.sum()
    assert sheet.answers["accuracy"] == pytest.approx(np.trace(cm) / n)
    assert sheet.answers["baseline"] == pytest.approx(cm[0].sum() / n)  # always the majority
    assert sheet.answers["recall"] == pytest.approx(cm[1, 1] / cm[1].sum())
    assert sheet.answers["better"] == (np.trace(cm) > cm[0].sum())
    assert cm[0].sum() >= 0.8 * n  # imbalanced: the majority is 80 % or more


def test_accuracy_has_models_worse_than_the_baseline_too():
    verdicts = {gn.exercises.make("accuracy", seed=s).answers["better"] for s in range(30)}
    assert verdicts == {True, False}


@pytest.mark.parametrize("seed", SEEDS)
def test_learning_rate_solution(seed):
    sheet = gn.exercises.make("learning-rate", seed=seed)
    q = sheet.question
    w, x, y = _number(q, "w"), _number(q, "x"), _number(q, "y")
    small, large = (float(v) for v in re.findall(r"η = (\d+(?:\.\d+)?)", q))
    grad = 2 * (w * x - y) * x
    a = sheet.answers
    assert a["J"] == pytest.approx((w * x - y) ** 2)
    assert a["dJ/dw"] == pytest.approx(grad)
    for rate, key in ((small, "small"), (large, "large")):
        new = w - rate * grad
        assert a[f"w_{key}"] == pytest.approx(new)
        assert a[f"J_{key}"] == pytest.approx((new * x - y) ** 2)
    best = y / x
    assert (w - best) * (a["w_small"] - best) > 0  # the small step stays on its side
    assert (w - best) * (a["w_large"] - best) < 0  # the large one jumps past w*
    assert a["overshoots"] == "large"


def test_sheet_of_several_exercises():
    sheet = gn.exercises.make_sheet("learning-rate", seed=3, count=4)
    assert len(sheet.exercises) == 4
    assert len({e.question for e in sheet.exercises}) == 4
    for exercise in sheet.exercises:  # each reproducible alone from the seed in its title
        assert exercise.text() == gn.exercises.make("learning-rate", exercise.seed).text()
        assert f"(seed {exercise.seed})" in sheet.text()
    assert [e.seed for e in sheet.exercises] == sorted(e.seed for e in sheet.exercises)
    assert sheet.exercises[0].seed == 3
    assert sheet.text() == gn.exercises.make_sheet("learning-rate", seed=3, count=4).text()
    assert "Solution" not in sheet.text(solution=False)
    assert sheet._repr_html_().count("<details>") == 4


def test_sheet_skips_a_seed_that_repeats_an_exercise(monkeypatch):
    real = gn.exercises.make
    monkeypatch.setattr(
        gn.exercises, "make", lambda kind, seed=0: real(kind, 0 if seed == 1 else seed)
    )
    sheet = gn.exercises.make_sheet("forward", seed=0, count=3)
    assert len({e.question for e in sheet.exercises}) == 3


def test_sheet_bad_arguments():
    with pytest.raises(ValueError, match="count"):
        gn.exercises.make_sheet("forward", count=0)
    with pytest.raises(ValueError, match="learning-rate"):
        gn.exercises.make_sheet("descent")
