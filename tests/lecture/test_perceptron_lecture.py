"""The lecture's perceptron slides, reproduced exactly: its two weight settings give its
per-point outputs ("Point i in group g returned y") and its accuracies 9/12 and 12/12."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.cli.commands.perceptron import accuracy_line, point_lines

# Copied from the lecture's slide "PERCEPTRON: PREDICTION AND RESULTS"
# (w1 = 0.75, w2 = -0.5, bias = 1, wbias = 1).
FIRST_WEIGHTS_OUTPUT = """\
Point 0 in group 1 returned 1
Point 1 in group 1 returned 1
Point 2 in group 1 returned 1
Point 3 in group 1 returned 1
Point 4 in group 1 returned 1
Point 5 in group 1 returned 1
Point 0 in group 0 returned -1
Point 1 in group 0 returned 1
Point 2 in group 0 returned 1
Point 3 in group 0 returned 1
Point 4 in group 0 returned -1
Point 5 in group 0 returned -1"""

# Copied from the slide "PERCEPTRON: NEW PREDICTION" (w1 = 3, w2 = -2, bias = 1, wbias = -1).
SECOND_WEIGHTS_OUTPUT = """\
Point 0 in group 1 returned 1
Point 1 in group 1 returned 1
Point 2 in group 1 returned 1
Point 3 in group 1 returned 1
Point 4 in group 1 returned 1
Point 5 in group 1 returned 1
Point 0 in group 0 returned -1
Point 1 in group 0 returned -1
Point 2 in group 0 returned -1
Point 3 in group 0 returned -1
Point 4 in group 0 returned -1
Point 5 in group 0 returned -1"""

SETTINGS = [
    ([0.75, -0.5], 1, FIRST_WEIGHTS_OUTPUT, 0.75, "accuracy = 9/12 = 0.75"),
    ([3, -2], -1, SECOND_WEIGHTS_OUTPUT, 1.0, "accuracy = 12/12 = 1.0"),
]


def lecture_code(w1, w2, wbias, bias=1):
    """The lecture's own Python, run as written on its slides, as the second method."""
    x1_group1 = [2, 5, 4, 2.5, 3.5, 4.5]
    x2_group1 = [1, 2, 3, 2, 1, 4]
    x1_group0 = [0.5, 2.5, 3, 1.5, 1, 2]
    x2_group0 = [3, 5.5, 4.5, 3.5, 4, 5]

    def activation_function(value):
        if value > 0:
            return 1
        else:
            return -1

    def perceptron(x1, x2, bias):
        z = x1 * w1 + x2 * w2 + bias * wbias
        return z

    lines = []
    for i in range(len(x1_group1)):
        group = activation_function(perceptron(x1_group1[i], x2_group1[i], bias))
        lines.append("Point " + str(i) + " in group 1 returned " + str(group))
    for i in range(len(x1_group0)):
        group = activation_function(perceptron(x1_group0[i], x2_group0[i], bias))
        lines.append("Point " + str(i) + " in group 0 returned " + str(group))
    return "\n".join(lines)


@pytest.mark.parametrize(("weights", "bias_weight", "expected", "accuracy", "line"), SETTINGS)
def test_per_point_outputs_and_accuracy(weights, bias_weight, expected, accuracy, line):
    x, y = gn.datasets.lecture_groups()
    p = gn.Perceptron(weights=weights, bias_weight=bias_weight, activation="sign")
    assert "\n".join(point_lines(p, x, y)) == expected
    assert lecture_code(*weights, bias_weight) == expected  # the slides agree with themselves
    assert p.score(x, y) == accuracy
    assert accuracy_line(p, x, y) == line
    # The outputs themselves: 1 for group 1, and for group 0 as on the slide.
    returned = [int(text.rsplit(" ", 1)[1]) for text in expected.splitlines()]
    np.testing.assert_array_equal(p.forward(x), returned)


@pytest.mark.parametrize(("weights", "bias_weight", "expected", "accuracy", "line"), SETTINGS)
def test_cli_prints_the_same(capsys, weights, bias_weight, expected, accuracy, line):
    argv = ["perceptron", "--weights", *map(str, weights), "--bias-weight", str(bias_weight)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert expected in out
    assert out.splitlines()[-1] == line


def test_issue_examples():
    x, y = gn.datasets.lecture_groups()
    assert gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign").score(x, y) == 0.75
    assert gn.Perceptron(weights=[3, -2], bias_weight=-1).score(x, y) == 1.0
    explained = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1).explain(x[0])
    assert "z = 2.0 > 0 so sign gives 1" in explained
