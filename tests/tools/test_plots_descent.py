"""gn.plots.plot_gradient_descent: J(w) along one weight and gradient descent's steps on it,
checked against the same steps worked out in float64 NumPy."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet.plots._descent import WeightLine, lecture_network


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lecture_steps(rate, steps):
    # J(w2) = (a1·w2 - 1)² with a1 = sigmoid(2 · 1) and b2 = 0: dJ/dw2 = 2 a1 (a1 w2 - 1)
    a1 = 1 / (1 + np.exp(-2.0))
    w, ws, js = -1.0, [], []
    for _ in range(steps + 1):
        ws.append(w)
        js.append((a1 * w - 1) ** 2)
        w = w - rate * 2 * a1 * (a1 * w - 1)
    return np.array(ws), np.array(js), 2 * a1**2


def test_default_figure_is_the_lecture_network_at_three_rates(tmp_path):
    fig = gn.plots.plot_gradient_descent(steps=10, path=tmp_path / "gd.png")
    assert (tmp_path / "gd.png").read_bytes()[1:4] == b"PNG"
    _, _, curvature = _lecture_steps(0.1, 1)
    expected = [float(f"{f / curvature:.2g}") for f in (0.05, 0.7, 2.2)]
    assert expected == [0.032, 0.45, 1.4] and expected[2] * curvature > 2  # the last diverges
    outcomes = ["still far from the minimum", "converged", "diverging"]
    for ax, rate, outcome in zip(fig.axes, expected, outcomes, strict=True):
        ws, js, _ = _lecture_steps(rate, 10)
        title = ax.get_title()
        assert title.startswith(f"η = {gn._internal.numbers.short(rate)}: {outcome}")
        assert f"J after 10 steps = {gn._internal.numbers.short(js[-1])}" in title
        steps_line = ax.get_lines()[1]
        shown = len(steps_line.get_xdata())
        np.testing.assert_allclose(steps_line.get_xdata(), ws[:shown], rtol=1e-12)
        np.testing.assert_allclose(steps_line.get_ydata(), js[:shown], rtol=1e-12, atol=1e-15)
        low, high = ax.get_xlim()
        assert np.all((ws[:shown] >= low) & (ws[:shown] <= high))
    # the too-large rate leaves the window and says where it went; the axes stay on the curve
    big = fig.axes[2]
    assert len(big.get_lines()[1].get_xdata()) < 11
    assert "leaves the plot at step" in big.texts[0].get_text()
    assert big.get_ylim()[1] < 30 and big.get_xlim()[1] - big.get_xlim()[0] < 12


def test_any_model_along_a_chosen_weight():
    # A linear neuron on a batch: J(w[1,0]) = mean((x w + b - y)²), the other weight fixed.
    x = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]])
    y = np.array([[1.0], [0.0], [-2.0]])
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.set_weights([np.array([[0.5], [-0.25]]), np.array([0.125])])
    model.compile(optimizer="sgd", loss="mse")
    line = WeightLine(model, x, y, weight=(1, 0))
    assert line.symbol == "w1[1,0]" and line.start == -0.25
    w, ws = -0.25, []
    for _ in range(6):
        ws.append(w)
        residual = x[:, 0] * 0.5 + x[:, 1] * w + 0.125 - y[:, 0]
        w = w - 0.2 * 2 * np.mean(residual * x[:, 1])
    got, _ = line.descend(0.2, 5)
    np.testing.assert_allclose(got, ws, rtol=1e-12)
    best, curvature = line.minimum()
    assert curvature == pytest.approx(2 * np.mean(x[:, 1] ** 2), rel=1e-6)  # J'' = 2 mean(x2²)
    assert line.loss_and_slope(best)[1] == pytest.approx(0, abs=1e-9)
    fig = gn.plots.plot_gradient_descent(model, x, y, weight=(1, 0), learning_rates=[0.2, 5])
    assert len(fig.axes) == 2 and fig.axes[0].get_xlabel() == "w1[1,0]"
    bias = WeightLine(model, x, y, bias=0)
    assert bias.symbol == "b1" and bias.start == 0.125


def test_errors():
    model, x, y = lecture_network()
    with pytest.raises(ValueError, match="no minimum near w1 = 2"):  # J falls as w1 -> -inf
        gn.plots.plot_gradient_descent(model, x, y, layer=0)
    with pytest.raises(ValueError, match="layer must be the index of a layer with weights"):
        gn.plots.plot_gradient_descent(model, x, y, layer=5)
    with pytest.raises(ValueError, match=r"weight \(3, 0\) is not in layer 1's kernel"):
        gn.plots.plot_gradient_descent(model, x, y, weight=(3, 0))
    with pytest.raises(ValueError, match="pass the data with the model"):
        gn.plots.plot_gradient_descent(model)
    with pytest.raises(ValueError, match="learning_rates must be positive"):
        gn.plots.plot_gradient_descent(model, x, y, learning_rates=[0.1, -1])
    with pytest.raises(ValueError, match="steps"):
        gn.plots.plot_gradient_descent(steps=0)
