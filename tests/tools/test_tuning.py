"""gn.tuning.find_learning_rate: the range test's curve against a hand-written loop and
against separate one-step runs, its suggestion on a problem solved in closed form, and the
model left exactly as it was."""

import numpy as np
import pytest

import glassnet as gn


def _regression():
    # Values on a 1/8 grid: exact in float32, so glassnet and float64 NumPy see the same data.
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(size=(16, 2)) * 8) / 8
    y = (x @ np.array([[1.5], [-0.5]]) + 0.25).astype(np.float64)
    return x, y


def _linear_model(seed=0):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=gn.optimizers.SGD(learning_rate=0.01), loss="mse")
    return model


def _mse_and_grad(w, b, x, y):
    residual = x @ w + b - y  # (n, 1)
    return float(np.mean(residual**2)), 2 * x.T @ residual / len(x), 2 * residual.mean(axis=0)


def test_curve_matches_hand_loop_and_separate_one_step_runs():
    x, y = _regression()
    model = _linear_model()
    w, b = (np.array(v, dtype=np.float64) for v in model.get_weights())
    found = gn.tuning.find_learning_rate(
        model, x, y, start=1e-3, end=3.0, steps=40, batch_size=16, smoothing=0.0, seed=0
    )
    assert len(found.rates) >= 20
    np.testing.assert_allclose(found.rates, 1e-3 * 3000.0 ** (np.arange(len(found.rates)) / 39))
    # Full-batch gradient descent in float64 with the same rates: losses[i] is the loss
    # right after the step at rates[i].
    weights = []
    for i, rate in enumerate(found.rates):
        weights.append((w.copy(), b.copy()))
        if i == 0:
            assert found.initial_loss == pytest.approx(_mse_and_grad(w, b, x, y)[0], rel=1e-5)
        _, gw, gb = _mse_and_grad(w, b, x, y)
        w, b = w - rate * gw, b - rate * gb
        assert found.losses[i] == pytest.approx(_mse_and_grad(w, b, x, y)[0], rel=1e-4, abs=1e-6)
    # The method's premise: the loss at rate r in the sweep is what one step at r makes
    # from the weights the sweep had. Separate one-step runs at a few fixed rates:
    for i in (2, 10, 18):
        single = _linear_model()
        single.set_weights([weights[i][0], weights[i][1]])
        single.compile(optimizer=gn.optimizers.SGD(learning_rate=found.rates[i]), loss="mse")
        single.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        after = single.evaluate(x, y, verbose=0)
        assert found.losses[i] == pytest.approx(after, rel=1e-4, abs=1e-6)


def test_suggestion_is_a_stable_rate_of_the_closed_form_problem():
    # For J(w) = mean((x w + b - y)²), gradient descent converges only for rates below
    # 2 / λmax of the Hessian 2 [x 1]ᵀ[x 1] / n, and is slow far below 1 / λmax.
    x, y = _regression()
    design = np.hstack([x, np.ones((len(x), 1))])
    lam = np.linalg.eigvalsh(2 * design.T @ design / len(x)).max()
    for suggest in ("minimum", "steepest"):
        found = gn.tuning.find_learning_rate(
            _linear_model(),
            x,
            y,
            start=1e-4,
            end=10,
            steps=60,
            batch_size=16,
            seed=0,
            suggest=suggest,
        )
        assert found.diverged  # rates up to 10 are far past 2 / λmax
        assert found.rates[-1] > 2 / lam
        assert 0.01 / lam < found.suggestion < 2 / lam, (suggest, found.suggestion, lam)
        assert found.method == suggest
    assert (
        "a tenth of the rate at the lowest smoothed loss"
        in gn.tuning.find_learning_rate(
            _linear_model(), x, y, start=1e-4, end=10, steps=60, batch_size=16, seed=0
        ).reason
    )
    # The test's best rate is close to what the best fixed rate does in a short run.
    found = gn.tuning.find_learning_rate(
        _linear_model(), x, y, start=1e-4, end=10, steps=60, batch_size=16, seed=0
    )
    assert found.minimum_rate == pytest.approx(found.rates[np.argmin(found.smoothed)])


def _classifier(seed):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [
            gn.layers.Dense(8, activation="relu", input_shape=(4,)),
            gn.layers.Dropout(0.3),
            gn.layers.Dense(3),
        ]
    )
    model.build()  # now, while the seed holds: both twins draw the same weights
    schedule = gn.optimizers.schedules.ExponentialDecay(0.01, decay_steps=5, decay_rate=0.9)
    model.compile(
        optimizer=gn.optimizers.Adam(learning_rate=schedule),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def test_model_restored_bit_exactly():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5)
    probed, twin = _classifier(3), None
    probed.fit(x, y, batch_size=8, epochs=1, verbose=0)  # its generators come from the seed
    twin = _classifier(3)
    twin.fit(x, y, batch_size=8, epochs=1, verbose=0)
    for a, b in zip(probed.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    weights = [w.tobytes() for w in probed.get_weights()]
    state = {k: v.tobytes() for k, v in probed.optimizer.get_state().items()}
    schedule = probed.optimizer.learning_rate_schedule
    found = gn.tuning.find_learning_rate(probed, x, y, steps=30, batch_size=8, seed=0)
    assert len(found.rates) > 5
    assert [w.tobytes() for w in probed.get_weights()] == weights
    assert {k: v.tobytes() for k, v in probed.optimizer.get_state().items()} == state
    assert probed.optimizer.learning_rate_schedule is schedule
    # and training goes on exactly as if the test never ran (Dropout's and shuffling's
    # random generators, Adam's moments and step count, the schedule)
    for model in (probed, twin):
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    for a, b in zip(probed.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_plot_and_text():
    x, y = _regression()
    found = gn.tuning.find_learning_rate(_linear_model(), x, y, 1e-4, 10, steps=40, seed=0)
    fig = found.plot()
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert any(label.startswith("suggested:") for label in labels)
    text = str(found)
    assert "suggested learning rate:" in text and "stopped when the loss diverged" in text
    assert found.to_dict()["suggestion"] == found.suggestion
    gn.plots.pyplot().close(fig)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": 0}, ValueError, "start"),
        ({"start": 1.0, "end": 0.5}, ValueError, "end must be larger than start"),
        ({"steps": 1}, ValueError, "steps"),
        ({"suggest": "valley"}, ValueError, "suggest"),
        ({"smoothing": 1.0}, ValueError, "smoothing"),
        ({"diverge": 1.0}, ValueError, "diverge"),
        ({"batch_size": 0}, ValueError, "batch_size"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    x, y = _regression()
    with pytest.raises(error, match=match):
        gn.tuning.find_learning_rate(_linear_model(), x, y, **kwargs)


def test_bad_model_and_data():
    x, y = _regression()
    with pytest.raises(TypeError, match="model must be a glassnet Sequential"):
        gn.tuning.find_learning_rate("adam", x, y)
    uncompiled = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="not compiled"):
        gn.tuning.find_learning_rate(uncompiled, x, y)
    with pytest.raises(ValueError, match="x has samples shaped"):
        gn.tuning.find_learning_rate(_linear_model(), np.zeros((16, 3)), y)
    with pytest.raises(ValueError, match="y"):
        gn.tuning.find_learning_rate(_linear_model(), x, y[:5])


def test_uint8_inputs_give_the_same_curve_as_their_float32_copy():
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 4, size=(48, 3), dtype=np.uint8)
    y = pixels.sum(axis=1, keepdims=True) / 4.0
    curves = [
        gn.tuning.find_learning_rate(_pixel_model(), x, y, 1e-3, 1, steps=20, batch_size=8, seed=1)
        for x in (pixels, pixels.astype(np.float32))
    ]
    np.testing.assert_array_equal(curves[0].losses, curves[1].losses)


def _pixel_model():
    gn.utils.set_random_seed(2)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(3,))])
    model.build()
    model.compile(optimizer="sgd", loss="mse")
    return model
