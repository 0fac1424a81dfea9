"""gn.exercises: the same seed gives the same sheet, and each solution is right, checked
by reading the numbers off the question and computing the answer here, independently."""

import re

import numpy as np
import pytest

import glassnet as gn

SEEDS = range(12)


def _number(text, name):
    """The number after `name = ` in the question."""
    match = re.search(rf"{re.escape(name)} = (-?[\d.]+)", text)
    assert match, f"{name} not in the question"
    return float(match.group(1))


def _pair(text, name):
    match = re.search(rf"{re.escape(name)} = \((-?[\d.]+), (-?[\d.]+)\)", text)
    return np.array([float(match.group(1)), float(match.group(2))])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("kind", gn.exercises.KINDS)
def test_same_seed_same_sheet_and_other_seeds_differ(kind):
    sheets = {gn.exercises.make(kind, seed=seed).text() for seed in SEEDS}
    assert len(sheets) == len(SEEDS)  # every seed its own numbers
    first, again = gn.exercises.make(kind, seed=5), gn.exercises.make(kind, seed=5)
    assert first.text() == again.text() and first.answers == again.answers


@pytest.mark.parametrize("kind", gn.exercises.KINDS)
def test_question_sheet_holds_no_solution(kind):
    sheet = gn.exercises.make(kind, seed=2)
    question_only = sheet.text(solution=False)
    assert sheet.question in question_only and "Solution" not in question_only
    assert sheet.text().index(sheet.question) < sheet.text().index("Solution")


@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_solution(seed):
    sheet = gn.exercises.make("perceptron", seed=seed)
    q = sheet.question
    w = np.array([_number(q, "w1"), _number(q, "w2")])
    w_bias = _number(q, "w_bias")
    x = _pair(q, "x")
    sign = "sign activation" in q
    z = x @ w + w_bias
    output = (1 if z > 0 else -1) if sign else (1 if z >= 0 else 0)
    correct = int(re.search(r"The correct output for this input is (-?\d+)", q).group(1))
    positive = 1
    t, p = int(correct == positive), int(output == positive)
    assert np.isclose(sheet.answers["z"], z) and sheet.answers["output"] == output
    assert np.allclose(sheet.answers["new_weights"], w + 0.1 * (t - p) * x)
    assert np.isclose(sheet.answers["new_bias_weight"], w_bias + 0.1 * (t - p))
    assert f"so {'sign' if sign else 'step'} gives {output}" in sheet.solution


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_solution(seed):
    sheet = gn.exercises.make("forward", seed=seed)
    q = sheet.question
    w1 = np.array([[_number(q, f"w1[{i},{j}]") for j in range(2)] for i in range(2)])
    b1 = np.array([_number(q, "b1[0]"), _number(q, "b1[1]")])
    w2 = np.array([_number(q, "w2[0,0]"), _number(q, "w2[1,0]")])
    b2 = _number(q, "b2")
    x = _pair(q, "x")
    hidden = re.search(r"2 neurons with the (\w+) activation", q).group(1)
    output = re.search(r"one output neuron with the (\w+) activation", q).group(1)
    functions = {"relu": lambda z: np.maximum(z, 0), "sigmoid": _sigmoid, "tanh": np.tanh}
    functions["linear"] = lambda z: z
    z1 = x @ w1 + b1
    a1 = functions[hidden](z1)
    z2 = a1 @ w2 + b2
    y_hat = functions[output](z2)
    assert np.allclose(sheet.answers["z1"], z1) and np.allclose(sheet.answers["a1"], a1)
    assert np.isclose(sheet.answers["z2"], z2) and np.isclose(sheet.answers["y_hat"], y_hat)
    assert f"ŷ = [{y_hat:.6g}]" in sheet.solution


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_solution(seed):
    sheet = gn.exercises.make("gradient", seed=seed)
    q = sheet.question
    w1, b1, w2, b2 = (_number(q, name) for name in ("w1", "b1", "w2", "b2"))
    x, y = _number(q, "the input x"), _number(q, "the target y")
    a1 = _sigmoid(x * w1 + b1)
    y_hat = a1 * w2 + b2
    d_loss = 2 * (y_hat - y)
    expected = {
        "z1": x * w1 + b1,
        "a1": a1,
        "y_hat": y_hat,
        "J": (y_hat - y) ** 2,
        "dJ/dw2": d_loss * a1,
        "dJ/dw1": d_loss * w2 * a1 * (1 - a1) * x,
    }
    for name, value in expected.items():
        assert np.isclose(sheet.answers[name], value, rtol=1e-9, atol=1e-12), name
    assert f"product = {d_loss:.6g} × " in sheet.solution.replace("(", "").replace(")", "")
    assert "dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1" in sheet.solution


def test_bad_kind_and_seed():
    with pytest.raises(ValueError, match="perceptron, forward, gradient"):
        gn.exercises.make("backprop")
    with pytest.raises(ValueError, match="seed"):
        gn.exercises.make("forward", seed=-1)


def test_renders_as_html_with_the_solution_folded():
    page = gn.exercises.make("forward", seed=0)._repr_html_()
    assert "<details><summary>Solution</summary>" in page
