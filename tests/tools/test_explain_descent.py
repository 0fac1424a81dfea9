"""gn.explain.descent: its trace is that of gradient descent written out by hand in NumPy."""

import json

import numpy as np
import pytest

import glassnet as gn


def _network(w1, b1, w2, b2):
    model = gn.Sequential(
        [gn.layers.Dense(2, activation="sigmoid", input_shape=(1,)), gn.layers.Dense(1)]
    )
    model.set_weights([w1, b1, w2, b2])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _hand_descent(x, y, weights, lr, steps):
    """Full-batch gradient descent on a 1-2-1 sigmoid network with J = mean((ŷ - y)²)."""
    w1, b1, w2, b2 = (np.array(w, dtype=np.float64) for w in weights)
    losses, trace = [], [[w1.copy(), b1.copy(), w2.copy(), b2.copy()]]
    for t in range(steps + 1):
        z1 = x @ w1 + b1  # (n, 2)
        a1 = 1 / (1 + np.exp(-z1))
        y_hat = a1 @ w2 + b2  # (n, 1)
        losses.append(float(np.mean((y_hat - y) ** 2)))
        if t == steps:
            break
        d_yhat = 2 * (y_hat - y) / len(x)  # dJ/dŷ of the mean
        g_w2, g_b2 = a1.T @ d_yhat, d_yhat.sum(axis=0)
        d_z1 = (d_yhat @ w2.T) * a1 * (1 - a1)
        g_w1, g_b1 = x.T @ d_z1, d_z1.sum(axis=0)
        w1, b1, w2, b2 = w1 - lr * g_w1, b1 - lr * g_b1, w2 - lr * g_w2, b2 - lr * g_b2
        trace.append([w1.copy(), b1.copy(), w2.copy(), b2.copy()])
    return losses, trace


# Exactly representable in float32, so the model's float32 weights are the same numbers.
WEIGHTS = [
    np.array([[0.5, -1.0]]),
    np.array([0.25, 0.0]),
    np.array([[1.5], [-0.5]]),
    np.array([0.125]),
]


def test_trace_equals_hand_written_loop():
    x = np.array([[1.0], [-2.0], [0.5]])
    y = np.array([[1.0], [0.0], [2.0]])
    model = _network(*WEIGHTS)
    before = [w.copy() for w in model.get_weights()]
    result = gn.explain.descent(model, x, y, learning_rate=0.3, steps=15, tol=0.0)
    losses, trace = _hand_descent(x, y, WEIGHTS, 0.3, 15)
    assert result.steps_taken == 15 and result.stopped == "steps"
    np.testing.assert_allclose(result.losses, losses, rtol=1e-12, atol=1e-15)
    for mine, theirs in zip(result.weights, trace, strict=True):
        for a, b in zip(mine, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert losses[-1] < losses[0]  # it is descending
    # the model is untouched
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert result.symbols == ["w1", "b1", "w2", "b2"]


def test_stops_at_tolerance():
    # One weight, J(w) = (w - 2)², dJ/dw = 2(w - 2); lr 0.25 halves the distance: w_t = 2 - 2^(1-t)
    # and J_t = 4^(1-t); |J_t - J_{t-1}| = 3 · 4^(1-t) < 1e-3 first at t = 7 (3/4096 = 7.3e-4).
    model = gn.Sequential([gn.layers.Dense(1, use_bias=False, input_shape=(1,))])
    model.set_weights([np.array([[0.0]])])
    result = gn.explain.descent(
        model, [1.0], 2.0, learning_rate=0.25, steps=100, tol=1e-3, loss="mse"
    )
    assert result.stopped == "converged" and result.converged
    assert result.steps_taken == 7
    assert result.losses[7] == pytest.approx(4.0**-6)
    assert result.final_weights[0].item() == pytest.approx(2 - 2.0**-6)
    text = str(result)
    assert "converged: the loss changed by less than tol = 0.001" in text
    assert "step   7: J = 0.000244141, w1 = 1.98438" in text
    html = result._repr_html_()
    assert "glassnet-explain" in html.split(">", 1)[0] and "converged" in html
    data = json.loads(json.dumps(result.to_dict()))
    assert data["stopped"] == "converged" and len(data["losses"]) == 8


def test_too_large_rate_diverges():
    # lr 1.5: w_t - 2 = (1 - 3)^t (w_0 - 2) = (-2)^t · (-2): the loss grows 4x a step
    model = gn.Sequential([gn.layers.Dense(1, use_bias=False, input_shape=(1,))])
    model.set_weights([np.array([[0.0]])])
    result = gn.explain.descent(model, [1.0], 2.0, learning_rate=1.5, steps=5, loss="mse")
    assert result.losses == pytest.approx([4.0 * 4**t for t in range(6)])
    assert result.stopped == "steps"
    assert "the loss went up: the learning rate is too large" in str(result)
    huge = gn.explain.descent(model, [1.0], 2.0, learning_rate=1.5, steps=2000, loss="mse")
    assert huge.stopped == "diverged" and not np.isfinite(huge.losses[-1])
    assert "diverged" in str(huge)


def test_bad_arguments():
    model = _network(*WEIGHTS)
    with pytest.raises(ValueError, match="learning_rate"):
        gn.explain.descent(model, [1.0], 1.0, learning_rate=0)
    with pytest.raises(ValueError, match="steps"):
        gn.explain.descent(model, [1.0], 1.0, steps=0)
    with pytest.raises(ValueError, match="tol"):
        gn.explain.descent(model, [1.0], 1.0, tol=-1)
    with pytest.raises(ValueError, match=r"x must be one sample shaped \(1,\)"):
        gn.explain.descent(model, [[1.0, 2.0]], 1.0)
    uncompiled = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    with pytest.raises(ValueError, match="compile it"):
        gn.explain.descent(uncompiled, [1.0], 1.0)
