"""Figures: what is drawn (axes, points, lines, legend text, titles), saving, headless use."""

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.lines import Line2D
from PIL import Image

import glassnet as gn
from glassnet import plots

X, Y = gn.datasets.lecture_groups()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _marker_lines(ax, marker):
    return [
        line
        for line in ax.get_lines()
        if line.get_marker() == marker and line.get_linestyle() == "None"
    ]


def test_perceptron_figure_with_the_lecture_first_weights():
    p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1)
    fig = plots.plot_perceptron(p, X, Y)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    group1 = [line for line in _marker_lines(ax, "o") if line.get_markerfacecolor() != "none"]
    (group0,) = _marker_lines(ax, "x")
    (group1,) = group1
    np.testing.assert_array_equal(group1.get_xdata(), X[:6, 0])
    np.testing.assert_array_equal(group1.get_ydata(), X[:6, 1])
    np.testing.assert_array_equal(group0.get_xdata(), X[6:, 0])
    # The three misclassified points of 9/12 are ringed: group 0's points 1, 2 and 3.
    (rings,) = [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]
    np.testing.assert_array_equal(rings.get_xdata(), X[7:10, 0])
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == [
        "group 1 (6 points)",
        "group 0 (6 points)",
        "misclassified (3)",
        "where the perceptron says 1",
        "decision line, where z = 0: x1*0.75 + x2*-0.5 + 1*1 = 0",
    ]
    assert ax.get_title() == "Perceptron: accuracy = 9/12 = 0.75"


def test_decision_line_is_where_z_is_zero():
    p = gn.Perceptron(weights=[3, -2], bias_weight=-1)
    fig = plots.plot_perceptron(p, X, Y)
    ax = fig.axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    x1, x2 = line.get_xdata(), line.get_ydata()
    # On the line 3*x1 - 2*x2 - 1 = 0, i.e. x2 = (3*x1 - 1) / 2.
    np.testing.assert_allclose(x2, (3 * x1 - 1) / 2)
    np.testing.assert_allclose(p.net_input(np.column_stack([x1, x2])), 0, atol=1e-12)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "misclassified" not in " ".join(texts)  # 12/12: no rings
    assert texts[-1] == "decision line, where z = 0: x1*3 + x2*-2 + 1*-1 = 0"
    assert ax.get_title() == "Perceptron: accuracy = 12/12 = 1.0"


def test_vertical_line_when_w2_is_zero():
    p = gn.Perceptron(weights=[2, 0], bias_weight=-5)  # z = 0 at x1 = 2.5
    ax = plots.plot_perceptron(p, X, Y).axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    np.testing.assert_allclose(line.get_xdata(), [2.5, 2.5])


def test_labels_minus_one_one_and_a_fitted_perceptron():
    y = np.where(Y == 1, 1, -1)
    p = gn.Perceptron(n_inputs=2, seed=0).fit(X, y)
    fig = plots.plot_perceptron(p, X, y)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[:2] == ["group 1 (6 points)", "group -1 (6 points)"]
    assert "where the perceptron says 1" in texts


def test_perceptron_figure_needs_two_inputs():
    with pytest.raises(ValueError, match=r"2 inputs .* got one with 3 weights"):
        plots.plot_perceptron(gn.Perceptron(weights=[1, 2, 3]), np.ones((2, 3)), [0, 1])
    with pytest.raises(ValueError, match="same number of samples, got 12 and 3"):
        plots.plot_perceptron(gn.Perceptron(weights=[1, 2]), X, [0, 1, 1])


def test_activation_gallery():
    fig = plots.plot_activations()
    names = gn.activations.names()
    assert len(fig.axes) == len(names) == 15
    for ax, name in zip(fig.axes, names, strict=True):
        function = gn.activations.get(name)
        assert ax.get_title().splitlines()[-1] == function.formula
        assert name in ax.get_title().splitlines()[0]
        solid, dashed = [line for line in ax.get_lines() if isinstance(line, Line2D)][:2]
        assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["f(z)", "f'(z)"]
        z = solid.get_xdata()
        if name != "softmax":
            np.testing.assert_allclose(solid.get_ydata(), function(z))
            np.testing.assert_allclose(dashed.get_ydata(), function.derivative(z))
    # Softmax over [z, 0] is the sigmoid of z, and its slope sigmoid's slope.
    softmax_ax = fig.axes[names.index("softmax")]
    solid, dashed = softmax_ax.get_lines()[:2]
    sigmoid = gn.activations.get("sigmoid")
    np.testing.assert_allclose(solid.get_ydata(), sigmoid(solid.get_xdata()), rtol=1e-12)
    np.testing.assert_allclose(dashed.get_ydata(), sigmoid.derivative(solid.get_xdata()))


def test_saving(tmp_path):
    p = gn.Perceptron(weights=[3, -2], bias_weight=-1)
    path = tmp_path / "new" / "perceptron.png"
    fig = plots.plot_perceptron(p, X, Y, path=path)
    assert fig is not None and path.is_file()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 300
    assert sorted(f.name for f in path.parent.iterdir()) == ["perceptron.png"]  # no temp left
    svg = tmp_path / "activations.svg"
    plots.plot_activations(path=svg)
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_headless_in_a_fresh_interpreter(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("MPLBACKEND", None)
    code = (
        "import glassnet as gn, matplotlib\n"
        f"gn.plots.plot_activations(path={str(tmp_path / 'a.png')!r})\n"
        "print(matplotlib.get_backend())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().lower() == "agg"
    assert (tmp_path / "a.png").is_file()
