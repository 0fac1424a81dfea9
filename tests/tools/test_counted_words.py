"""Counted words say the singular for 1 ("1 point", never "1 points"), and a perceptron's
figure says so when its decision line lies outside the plotted area (before, the legend
listed a line that was nowhere to be seen)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet import plots
from glassnet._internal.words import plural
from glassnet.plots._perceptron import decision_line_outside

X, Y = gn.datasets.lecture_groups()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend(fig):
    return [t.get_text() for t in fig.legends[0].get_texts()]


def test_plural():
    assert [plural(n, "point") for n in (0, 1, 2)] == ["0 points", "1 point", "2 points"]
    assert plural(1, "class", "classes") == "1 class"
    assert plural(2, "class", "classes") == "2 classes"


def test_a_group_of_one_point():
    x, y = np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 4.0]]), np.array([0, 0, 1])
    fig = plots.plot_perceptron(gn.Perceptron(weights=[1, 1], bias_weight=-5), x, y)
    assert _legend(fig)[:2] == ["group 1 (1 point)", "group 0 (2 points)"]


def test_a_decision_line_outside_the_plot_is_said_so():
    # x1 + x2 + 1 = 0 is x2 = -x1 - 1: below -0.8 over the plotted x1 (from -0.175 on),
    # while the plot starts at x2 = 1 - 0.15 * 4.5 = 0.325 (the lowest point, less a margin).
    p = gn.Perceptron(weights=[1, 1], bias_weight=1)
    fig = plots.plot_perceptron(p, X, Y)
    ax = fig.axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert np.all(line.get_ydata() < ax.get_ylim()[0])  # nowhere in sight
    assert _legend(fig)[-1] == (
        "decision line, where z = 0: x1*1 + x2*1 + 1*1 = 0\n(outside the plotted area)"
    )
    assert decision_line_outside(p, X)


@pytest.mark.parametrize(
    ("weights", "bias_weight", "outside"),
    [
        ([3, -2], -1, False),  # the lecture's line, through the middle
        ([1, 0], -2, False),  # x1 = 2, vertical, inside
        ([1, 0], -10, True),  # x1 = 10: right of the plot (which ends at 5.675)
        ([0, 1], -6.1, False),  # x2 = 6.1: just inside the top (6.175)
        ([0, 1], -6.3, True),  # x2 = 6.3: just above it
        ([0, 0], 1, False),  # no line at all: the legend says so instead
    ],
)
def test_decision_line_outside_by_hand(weights, bias_weight, outside):
    p = gn.Perceptron(weights=weights, bias_weight=bias_weight)
    assert decision_line_outside(p, X) is outside
    remark = "(outside the plotted area)" in _legend(plots.plot_perceptron(p, X, Y))[-1]
    assert remark is outside
