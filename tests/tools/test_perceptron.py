"""Perceptron: z and f(z) by hand, labels in either convention, the learning rule step by step,
convergence on AND/OR/NAND, XOR detected as not separable, explain() text, and bad input."""

import re
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.perceptron import ConvergenceWarning, Perceptron

X_LECTURE, Y_LECTURE = gn.datasets.lecture_groups()


# -- forward ---------------------------------------------------------------------------


def test_net_input_by_hand():
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1, bias=1)
    # (2, 1): 2*0.75 + 1*-0.5 + 1*1 = 2.0;  (0.5, 3): 0.375 - 1.5 + 1 = -0.125
    np.testing.assert_allclose(p.net_input([[2, 1], [0.5, 3]]), [2.0, -0.125])


def test_bias_input_is_multiplied_by_its_weight():
    # bias 2, w_bias -1.5: the bias term is -3; 1*1 + 1*1 - 3 = -1
    p = Perceptron(weights=[1, 1], bias_weight=-1.5, bias=2)
    np.testing.assert_allclose(p.net_input([[1, 1]]), [-1.0])


def test_forward_and_predict_with_sign_give_minus_one_or_one():
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1)
    x = [[2, 1], [0.5, 3], [2, 5]]  # z = 2.0, -0.125, 0.0 (exactly on the line)
    np.testing.assert_array_equal(p.forward(x), [1.0, -1.0, -1.0])
    predicted = p.predict(x)
    np.testing.assert_array_equal(predicted, [1, -1, -1])
    assert predicted.dtype.kind == "i"


def test_step_puts_z_equal_zero_in_class_one():
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="step")
    np.testing.assert_array_equal(p.predict([[2, 5], [0.5, 3]]), [1, 0])  # z = 0.0, -0.125


@pytest.mark.parametrize(
    ("activation", "positive_at_zero", "labels"),
    [
        ("sign", False, (-1, 1)),
        ("step", True, (0, 1)),
        ("sigmoid", True, (0, 1)),
        ("tanh", True, (-1, 1)),
        ("linear", True, (-1, 1)),
        ("relu", False, (0, 1)),
    ],
)
def test_each_activation_decision_rule(activation, positive_at_zero, labels):
    p = Perceptron(weights=[1.0], bias_weight=0.0, activation=activation)
    x = [[-0.3], [0.0], [0.3]]
    expected = [labels[0], labels[1] if positive_at_zero else labels[0], labels[1]]
    np.testing.assert_array_equal(p.predict(x), expected)


# -- score: either label convention ----------------------------------------------------


def test_lecture_scores():
    assert Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign").score(
        X_LECTURE, Y_LECTURE
    ) == pytest.approx(0.75)
    assert Perceptron(weights=[3, -2], bias_weight=-1).score(X_LECTURE, Y_LECTURE) == 1.0


@pytest.mark.parametrize("activation", ["sign", "step", "sigmoid", "tanh", "linear", "relu"])
def test_score_is_the_same_for_0_1_and_minus1_1_labels(activation):
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1, activation=activation)
    y_pm = np.where(Y_LECTURE == 1, 1, -1)
    # Only z = 0 points can differ between activations; the lecture's data have one, (2, 5),
    # in group 0: sign and relu call it negative (12 - 3 wrong), the others positive (4 wrong).
    expected = 9 / 12 if activation in ("sign", "relu") else 8 / 12
    assert p.score(X_LECTURE, Y_LECTURE) == pytest.approx(expected)
    assert p.score(X_LECTURE, y_pm) == pytest.approx(expected)
    assert p.score(X_LECTURE, Y_LECTURE.astype(float)) == pytest.approx(expected)


def test_score_with_one_class_present():
    p = Perceptron(weights=[3, -2], bias_weight=-1)
    assert p.score(X_LECTURE[:6], Y_LECTURE[:6]) == 1.0  # all 1: positive
    assert p.score(X_LECTURE[6:], Y_LECTURE[6:]) == 1.0  # all 0: negative
    assert p.score(X_LECTURE[6:], -np.ones(6)) == 1.0  # all -1: negative
    with pytest.raises(ValueError, match=r"only the label 7"):
        p.score(X_LECTURE[:2], [7, 7])


# -- the learning rule -----------------------------------------------------------------


def test_one_epoch_of_the_rule_by_hand():
    # OR gate from zero weights, learning rate 0.5, step activation (positive when z >= 0).
    # (0,0) t=0: z=0 -> p=1, error -1: w -= 0.5*(0,0) = (0,0), w_bias = 0 - 0.5 = -0.5
    # (0,1) t=1: z=-0.5 -> p=0, error +1: w = (0, 0.5), w_bias = 0
    # (1,0) t=1: z=0 -> p=1, correct
    # (1,1) t=1: z=0.5 -> p=1, correct
    x, y = gn.datasets.logic_gate("or")
    p = Perceptron(weights=[0, 0], bias_weight=0, activation="step")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        p.fit(x, y, epochs=1, learning_rate=0.5)
    np.testing.assert_allclose(p.weights, [0.0, 0.5])
    assert p.bias_weight == 0.0
    assert p.errors_ == [2]
    record = p.history_[0]
    assert record.epoch == 1 and record.errors == 2
    first, second = record.updates
    assert (first.index, first.target, first.predicted, first.z) == (0, 0, 1, 0.0)
    np.testing.assert_allclose(first.delta_weights, [0, 0])
    assert first.delta_bias_weight == -0.5
    assert (second.index, second.target, second.predicted, second.z) == (1, 1, 0, -0.5)
    np.testing.assert_allclose(second.delta_weights, [0, 0.5])
    assert second.delta_bias_weight == 0.5
    np.testing.assert_allclose(record.weights, [0, 0.5])


def test_rule_is_independent_of_the_label_convention():
    x, y = gn.datasets.logic_gate("nand")
    a = Perceptron(weights=[0.1, -0.2], bias_weight=0.05).fit(x, y, learning_rate=0.3)
    b = Perceptron(weights=[0.1, -0.2], bias_weight=0.05).fit(x, 2 * y - 1, learning_rate=0.3)
    np.testing.assert_allclose(a.weights, b.weights)
    assert a.errors_ == b.errors_
    np.testing.assert_array_equal(a.classes_, [0, 1])
    np.testing.assert_array_equal(b.classes_, [-1, 1])
    np.testing.assert_array_equal(a.predict(x), y)  # predict speaks the labels it learnt
    np.testing.assert_array_equal(b.predict(x), 2 * y - 1)


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
@pytest.mark.parametrize("activation", ["sign", "step", "sigmoid"])
def test_linearly_separable_gates_are_learnt(gate, activation):
    x, y = gn.datasets.logic_gate(gate)
    p = Perceptron(n_inputs=2, seed=0, activation=activation).fit(x, y, learning_rate=0.1)
    assert p.converged_ and p.errors_[-1] == 0 and p.score(x, y) == 1.0
    # Stopped at the first clean epoch, and the errors recorded are the updates made.
    assert all(e > 0 for e in p.errors_[:-1])
    assert [len(r.updates) for r in p.history_] == p.errors_


def test_xor_is_reported_not_linearly_separable():
    x, y = gn.datasets.logic_gate("xor")
    p = Perceptron(n_inputs=2, seed=0)
    with pytest.warns(ConvergenceWarning, match="Not linearly separable"):
        p.fit(x, y, epochs=1000, learning_rate=0.1)
    assert not p.converged_
    assert p.score(x, y) < 1.0
    assert len(p.errors_) < 1000  # stopped when the weights came round again
    # The weights really repeat: the end of the last epoch equals the start or an earlier end.
    start = Perceptron(n_inputs=2, seed=0)
    ends = [(*start.weights, start.bias_weight)]
    ends += [(*r.weights, r.bias_weight) for r in p.history_[:-1]]
    last = p.history_[-1]
    assert any(np.allclose(end, (*last.weights, last.bias_weight)) for end in ends)
    assert "hidden layer" in p.fit_summary_


def test_xor_with_shuffling_runs_all_epochs_and_says_it_may_not_be_separable():
    x, y = gn.datasets.logic_gate("xor")
    p = Perceptron(n_inputs=2, seed=1)
    with pytest.warns(ConvergenceWarning, match="may not be linearly separable"):
        p.fit(x, y, epochs=20, shuffle=True)
    assert len(p.errors_) == 20 and not p.converged_


def test_lecture_groups_are_learnt():
    p = Perceptron(n_inputs=2, seed=0).fit(X_LECTURE, Y_LECTURE, epochs=100, learning_rate=0.1)
    assert p.converged_ and p.score(X_LECTURE, Y_LECTURE) == 1.0
    np.testing.assert_array_equal(p.predict(X_LECTURE), Y_LECTURE)


def test_fit_is_repeatable_with_a_seed():
    a = Perceptron(n_inputs=2, seed=3).fit(X_LECTURE, Y_LECTURE, shuffle=True)
    b = Perceptron(n_inputs=2, seed=3).fit(X_LECTURE, Y_LECTURE, shuffle=True)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.errors_ == b.errors_


def test_random_weights_come_from_the_seed():
    p = Perceptron(n_inputs=3, seed=7)
    np.testing.assert_array_equal(p.weights, np.random.default_rng(7).uniform(-1, 1, 3))
    assert p.bias_weight == 0.0


def test_fit_without_weights_draws_them_for_the_data():
    p = Perceptron(seed=0)
    assert p.weights is None
    p.fit(*gn.datasets.logic_gate("and"))
    assert p.weights.shape == (2,)


def test_fit_returns_self_and_resets_the_record():
    x, y = gn.datasets.logic_gate("and")
    p = Perceptron(n_inputs=2, seed=0)
    assert p.fit(x, y) is p
    first = list(p.errors_)
    p.fit(x, y)  # already right: one clean epoch
    assert p.errors_ == [0] and first[-1] == 0


# -- explain ---------------------------------------------------------------------------


def test_explain_the_issue_example():
    text = Perceptron(weights=[0.75, -0.5], bias_weight=1).explain([2, 1])
    assert "2.0*0.75 = 1.5" in text
    assert "1.0*-0.5 = -0.5" in text
    assert "bias*w_bias = 1.0*1.0 = 1.0" in text
    assert "z = 1.5 + -0.5 + 1.0 = 2.0" in text
    assert text.splitlines()[-1] == "y = sign(z): z = 2.0 > 0 so sign gives 1"


def test_explain_lecture_point_0_of_group_1_with_the_new_weights():
    text = Perceptron(weights=[3, -2], bias_weight=-1).explain(X_LECTURE[0])
    assert "z = 6.0 + -2.0 + -1.0 = 3.0" in text
    assert text.endswith("z = 3.0 > 0 so sign gives 1")


def test_explain_negative_and_on_the_line():
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1)
    assert p.explain([2, 5]).endswith("z = 0.0 <= 0 so sign gives -1")
    step = Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="step")
    assert step.explain([2, 5]).endswith("z = 0.0 >= 0 so step gives 1")


def test_explain_sigmoid_gives_the_probability_and_class():
    text = Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sigmoid").explain([2, 1])
    expected = 1 / (1 + np.exp(-2.0))  # 0.880797
    assert f"= {expected:.6g}" in text
    assert re.search(r">= 0\.5 so the class is 1", text)


def test_explain_says_the_fitted_label():
    x, y = gn.datasets.logic_gate("and")
    p = Perceptron(weights=[1, 1], bias_weight=-1.5).fit(x, y)
    assert p.explain([0, 0]).endswith("sign gives -1, the negative class, labelled 0")


def test_equation_and_repr():
    p = Perceptron(weights=[0.75, -0.5], bias_weight=1)
    assert p.equation() == "z = x1*0.75 + x2*-0.5 + 1*1"
    assert repr(p) == (
        "Perceptron(weights=[0.75, -0.5], bias_weight=1.0, bias=1.0, activation='sign')"
    )
    assert repr(Perceptron()) == (
        "Perceptron(weights=None, bias_weight=0.0, bias=1.0, activation='sign')"
    )


# -- bad input -------------------------------------------------------------------------


def test_wrong_number_of_weights():
    p = Perceptron(weights=[1, 2, 3])
    with pytest.raises(ValueError, match=r"X has 2 input column\(s\) but the perceptron has 3"):
        p.predict(X_LECTURE)
    with pytest.raises(ValueError, match=r"x has 2 input\(s\) but the perceptron has 3"):
        p.explain([1, 2])
    with pytest.raises(ValueError, match="n_inputs=2 disagrees with weights"):
        Perceptron(weights=[1, 2, 3], n_inputs=2)


def test_non_numeric_and_nan_inputs():
    p = Perceptron(weights=[1, 2])
    with pytest.raises(TypeError, match="X must be numeric"):
        p.predict([["a", "b"]])
    with pytest.raises(ValueError, match=r"X contains NaN or infinity .* index \(0, 1\)"):
        p.predict([[1.0, np.nan]])
    with pytest.raises(ValueError, match="weights contains NaN"):
        Perceptron(weights=[1, np.inf])
    with pytest.raises(TypeError, match="bias_weight must be a number"):
        Perceptron(weights=[1, 2], bias_weight="1")
    with pytest.raises(ValueError, match=r"X must have 2 dimensions .* shape \(2,\).*\[x\]"):
        p.predict([1, 2])


def test_labels_must_be_two_classes():
    x, _ = gn.datasets.logic_gate("and")
    p = Perceptron(weights=[1, 1])
    with pytest.raises(ValueError, match=r"exactly two classes .* got 3: \[0, 1, 2\]"):
        p.fit(x, [0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"exactly two classes .* got 1"):
        p.fit(x, [1, 1, 1, 1])
    with pytest.raises(ValueError, match=r"two classes, got 3"):
        p.score(x, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="same number of samples, got 4 and 3"):
        p.fit(x, [0, 1, 1])
    with pytest.raises(ValueError, match="y contains NaN"):
        p.fit(x, [0, 1, np.nan, 1])
    with pytest.raises(TypeError, match="y must hold numeric labels"):
        p.fit(x, ["a", "b", "a", "b"])


def test_bad_epochs_and_learning_rate():
    x, y = gn.datasets.logic_gate("and")
    p = Perceptron(weights=[1, 1])
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got 0"):
        p.fit(x, y, epochs=0)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        p.fit(x, y, epochs=2.5)
    with pytest.raises(ValueError, match=r"learning_rate=0.0 is out of range \(0, inf\]"):
        p.fit(x, y, learning_rate=0)


def test_unknown_and_unsuitable_activations():
    with pytest.raises(ValueError, match=r"Unknown activation for a perceptron 'rleu'.*'relu'"):
        Perceptron(weights=[1], activation="rleu")
    with pytest.raises(ValueError, match="softmax over a single output is always 1"):
        Perceptron(weights=[1], activation="softmax")
    assert Perceptron(weights=[1], activation="SIGN").activation.name == "sign"


def test_no_weights_yet():
    with pytest.raises(ValueError, match="no weights yet: pass weights= or n_inputs="):
        Perceptron().predict([[1, 2]])
