"""gn.interactive: the widgets' callbacks, driven by setting slider values as a user would.

The expected numbers are the lecture's, worked by hand in the comments.
"""

from __future__ import annotations

import builtins
import io

import numpy as np
import pytest

import glassnet as gn

pytest.importorskip("ipywidgets")


@pytest.fixture
def groups():
    return gn.datasets.lecture_groups()


def test_perceptron_starts_at_the_lecture_random_weights_9_of_12(groups):
    x, y = groups
    explorer = gn.interactive.perceptron(x, y)
    assert [s.value for s in explorer.sliders.values()] == [0.75, -0.5, 1.0]
    # z = 0.75*x1 - 0.5*x2 + 1; group 0's (2.5, 5.5) -> 0.125, (3, 4.5) -> 1 and
    # (1.5, 3.5) -> 0.375 are > 0, so sign says 1: three wrong, 9 of 12 right.
    assert (explorer.correct, explorer.total) == (9, 12)
    # z = 0  <=>  x2 = (0.75*x1 + 1) / 0.5 = 1.5*x1 + 2
    assert explorer.line == pytest.approx((1.5, 2.0))
    assert "accuracy 9/12 = 0.75" in explorer.label.value
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == (
        "perceptron explorer: w1 = 0.75, w2 = -0.5, w_bias = 1; accuracy 9/12"
    )


def test_moving_the_sliders_to_the_updated_weights_gives_12_of_12(groups):
    x, y = groups
    explorer = gn.interactive.perceptron(x, y)
    first = explorer.png
    explorer.sliders["w1"].value = 3
    explorer.sliders["w2"].value = -2
    explorer.sliders["w_bias"].value = -1
    # z = 3*x1 - 2*x2 - 1 = 0  <=>  x2 = 1.5*x1 - 0.5; every group-1 point is below it.
    assert (explorer.correct, explorer.total) == (12, 12)
    assert explorer.line == pytest.approx((1.5, -0.5))
    assert "accuracy 12/12 = 1" in explorer.label.value
    assert explorer.image.value == explorer.png != first  # the picture was redrawn


def test_perceptron_line_is_none_when_w2_is_zero(groups):
    x, y = groups
    explorer = gn.interactive.perceptron(x, y)
    explorer.sliders["w2"].value = 0
    # z = 0.75*x1 + 1 > 0 for every point (x1 >= 0.5): all say group 1, 6 of 12 right.
    assert explorer.line is None and explorer.correct == 6


def test_perceptron_png_shows_points_and_line(groups):
    from PIL import Image

    explorer = gn.interactive.perceptron(*groups)
    image = Image.open(io.BytesIO(explorer.png)).convert("RGB")
    pixels = np.asarray(image, dtype=np.int64)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    assert red.sum() > 100  # the decision line is drawn in red


def test_perceptron_rejects_points_that_are_not_two_dimensional():
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples, 2\), got shape \(3, 3\)"):
        gn.interactive.perceptron(np.ones((3, 3)), np.ones(3))


def test_learning_rate_walks_down_the_default_loss():
    explorer = gn.interactive.learning_rate()
    # J = (w - 3)^2, dJ/dw = 2(w - 3): w <- w - 0.1*2(w - 3) = 0.8w + 0.6 from w0 = 0
    assert explorer.path[:4] == pytest.approx([0.0, 0.6, 1.08, 1.464])
    # in closed form w_t = 3 - 3*0.8^t; after 10 steps 3 - 3*0.107374 = 2.677877
    assert explorer.path[-1] == pytest.approx(3 - 3 * 0.8**10)
    assert explorer.losses[-1] == pytest.approx((3 * 0.8**10) ** 2)
    assert explorer.trend == "converging"
    assert repr(explorer) == (
        "learning-rate explorer: learning rate 0.1, w after 10 steps = 2.678 (converging)"
    )


def test_dragging_the_learning_rate_changes_the_walk():
    explorer = gn.interactive.learning_rate()
    explorer.slider.value = 0.5  # w1 = 0 - 0.5*2*(0 - 3) = 3: the minimum in one step
    assert explorer.path[1:] == pytest.approx([3.0] * 10)
    explorer.slider.value = 1.0  # w <- w - 2(w - 3) = 6 - w: 0, 6, 0, 6, ...
    assert explorer.path[:4] == pytest.approx([0.0, 6.0, 0.0, 6.0])
    explorer.slider.value = 1.2  # w <- 7.2 - 1.4w: 0, 7.2, -2.88, 11.232
    assert explorer.path[:4] == pytest.approx([0.0, 7.2, -2.88, 11.232])
    assert explorer.trend == "diverging" and "diverging" in explorer.label.value
    explorer.steps_slider.value = 3
    assert len(explorer.path) == 4


def test_learning_rate_with_a_loss_of_its_own_uses_finite_differences():
    # J = w^4, dJ/dw = 4w^3: from w0 = 1 with rate 0.1, w1 = 1 - 0.4 = 0.6
    explorer = gn.interactive.learning_rate(lambda w: w**4, w0=1.0, rate=0.1, steps=2)
    assert explorer.path[1] == pytest.approx(0.6, abs=1e-6)
    assert explorer.path[2] == pytest.approx(0.6 - 0.1 * 4 * 0.6**3, abs=1e-6)


def test_learning_rate_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"rate must be > 0, got -0\.1"):
        gn.interactive.learning_rate(rate=-0.1)
    with pytest.raises(TypeError, match="loss must be a function"):
        gn.interactive.learning_rate(loss=3)


def test_without_ipywidgets_the_error_says_how_to_install(monkeypatch, groups):
    real_import = builtins.__import__

    def no_ipywidgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ipywidgets)
    with pytest.raises(ImportError, match=r"pip install glassnet\[widgets\]"):
        gn.interactive.perceptron(*groups)
    with pytest.raises(ImportError, match=r"pip install glassnet\[widgets\]"):
        gn.interactive.learning_rate()
