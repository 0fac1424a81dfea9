"""Reliability of training (issue 15, the training half): each test is a defect of the report
../shared/reviews/reliability-2026-12.md, or one of its lesser observations, fixed."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn

# -- hyperparameters the maths cannot take ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: gn.optimizers.Adam(epsilon=0.0), r"epsilon=0.0 is out of range \(0, inf\]"),
        (lambda: gn.optimizers.Adam(epsilon=-1e-7), r"epsilon=-1e-07 is out of range"),
        (lambda: gn.optimizers.Adam(epsilon=1e-50), "epsilon=1e-50 is below float32's smallest"),
        (lambda: gn.optimizers.RMSprop(epsilon=0), r"epsilon=0.0 is out of range \(0, inf\]"),
        (lambda: gn.optimizers.Adam(learning_rate=0), r"learning_rate=0.0 is out of range \(0"),
        (lambda: gn.optimizers.SGD(learning_rate=-1), r"learning_rate=-1.0 is out of range"),
        (lambda: gn.optimizers.RMSprop(float("nan")), r"learning_rate=nan is out of range"),
        (lambda: gn.optimizers.Adam(beta_1=1.0), r"beta_1=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.Adam(beta_2=-0.1), r"beta_2=-0.1 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.RMSprop(rho=1.0), r"rho=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.SGD(momentum=1.0), r"momentum=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.SGD(weight_decay=-1), r"weight_decay=-1.0 is out of range"),
    ],
)
def test_hyperparameters_the_maths_cannot_take_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_the_smallest_allowed_epsilon_still_trains():
    adam = gn.optimizers.Adam(epsilon=float(np.finfo(np.float32).tiny))
    w, g = np.ones(2, np.float32), np.array([0.0, 1.0], np.float32)  # a blank pixel: g = 0
    adam.apply([(w, g)])
    assert np.isfinite(w).all() and w[0] == 1.0


# -- one layer object, one place in a model ----------------------------------------------


def test_a_layer_used_twice_is_refused_naming_it():
    d = gn.layers.Dense(2, activation="tanh", input_shape=(2,), name="twice")
    with pytest.raises(ValueError, match="Layer 'twice' is already in model 'net': a layer object"):
        gn.Sequential([d, d, gn.layers.Dense(1)], name="net")
    with pytest.raises(ValueError, match=r"\[Dense\(8\) for _ in range\(2\)\]"):
        gn.Sequential([gn.layers.Dense(8)] * 2)
    model = gn.Sequential([d])
    with pytest.raises(ValueError, match="Layer 'twice' is already in model"):
        model.add(d)
    assert model.layers == [d]  # the refused add changed nothing


def test_a_model_inside_another_once_works_twice_or_in_itself_is_refused(rng):
    inner = gn.Sequential([gn.layers.Dense(3, "tanh", input_shape=(2,), name="in_1")], name="inner")
    with pytest.raises(ValueError, match="Layer 'inner' is already in model 'outer'"):
        gn.Sequential([inner, inner], name="outer")
    with pytest.raises(ValueError, match="Layer 'in_1' is already in model"):
        gn.Sequential([inner, inner.layers[0]])
    with pytest.raises(ValueError, match="Model 'inner' cannot contain itself"):
        inner.add(inner)
    outer = gn.Sequential([inner, gn.layers.Dense(1)], name="outer")
    with pytest.raises(ValueError, match="Model 'inner' cannot contain itself"):
        inner.add(outer)  # a cycle through a model that holds it
    outer.compile(optimizer="sgd", loss="mse")
    x, y = rng.random((8, 2)), rng.random(8)
    assert gn.testing.check_gradients(outer, x, y).worst < 1e-4
    assert outer.fit(x, y, epochs=2, verbose=0).history["loss"][-1] > 0


# -- the NaN guard -------------------------------------------------------------------------


def _regression(rng, n=64):
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = x @ np.array([1.0, -2.0, 3.0, 0.5], np.float32) + 0.1 * rng.normal(size=n)
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(8, "relu", input_shape=(4,)), gn.layers.Dense(1)])
    return model, x, y.astype(np.float32)


def test_nan_guard_restores_weights_that_predict(rng):
    # The report's reproduction: SGD(1e6) on a small regression; the weights the guard kept
    # were finite (up to 5e27) and predicted NaN for every sample.
    model, x, y = _regression(rng)
    model.compile(gn.optimizers.SGD(learning_rate=1e6), "mse")
    with pytest.warns(RuntimeWarning, match=r"Training stopped: the loss became .* at batch \d"):
        history = model.fit(x, y, batch_size=8, epochs=5, verbose=0)
    assert "restored to those" in history.stopped_on_nan and len(history.epoch) == 1
    assert np.isfinite(model.predict(x)).all()
    assert np.isfinite(model.evaluate(x, y, verbose=0))


class _PoisonLastBatch(gn.callbacks.Callback):
    """Makes the weights NaN in the last step of epoch 1, as Adam(epsilon=0)'s 0/0 did, and
    records the weights and optimizer state the guard should go back to."""

    def on_train_batch_end(self, batch, logs=None):
        steps = self.params["steps"]
        if self.model.history.epoch or batch < steps - 2:
            return
        if batch == steps - 2:  # after batch steps-1: the last weights that give a finite loss
            self.weights = self.model.get_weights()
            self.state = self.model.optimizer.copy_state()
        else:
            self.model.weight_vector[:] = np.nan


def test_nan_guard_never_keeps_the_nan_weights_of_an_epoch_end(rng, monkeypatch):
    # The report: the epoch-start snapshot was already NaN when the last step of an epoch
    # made the weights NaN, and the guard said it had restored them.
    monkeypatch.setattr(gn._nan_guard, "SNAPSHOT_EVERY", 1)  # a copy in every step: exact position
    model, x, y = _regression(rng, n=32)
    model.compile(gn.optimizers.Adam(0.01), "mse")
    poison = _PoisonLastBatch()
    with pytest.warns(RuntimeWarning) as caught:
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[poison])
    message = str(caught[0].message)
    assert "the loss became nan at batch 1 of epoch 2" in message
    assert "restored to those after batch 3 of epoch 1" in message
    assert history.stopped_on_nan == message and len(history.epoch) == 2
    for restored, expected in zip(model.get_weights(), poison.weights, strict=True):
        np.testing.assert_array_equal(restored, expected)
    state = model.optimizer.get_state()  # the optimizer went back with the weights
    assert int(state["iterations"]) == 3 == int(poison.state["iterations"])
    for key in ("0/m", "0/v"):
        np.testing.assert_array_equal(state[key], poison.state[key])


def test_nan_guard_stops_an_exploding_finite_loss(rng):
    # --lr 1e6: the loss reached 1e13 on a 10-class problem (chance: ln 10 = 2.3) and never
    # became NaN, so the guard never fired.
    x = rng.random((256, 20)).astype(np.float32)
    y = rng.integers(0, 10, 256)
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(32, "relu", input_shape=(20,)), gn.layers.Dense(10)])
    model.compile(gn.optimizers.SGD(1e6), gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.warns(RuntimeWarning, match="over 1e.06 times the first batch's 2.3"):
        history = model.fit(x, y, epochs=3, verbose=0)
    assert "training diverges" in history.stopped_on_nan
    assert np.isnan(history.history["loss"][-1])  # the doctor reads this as a learning rate
    assert model.evaluate(x, y, verbose=0) < 1e6 * 2.3


def test_nan_guard_in_the_first_step_restores_the_initial_weights(rng):
    model, x, y = _regression(rng, n=16)
    model.compile(gn.optimizers.SGD(0.01), "mse")
    model.build()
    initial = model.get_weights()
    y[0] = np.float32(3e38)  # finite, but its square is not
    with pytest.warns(RuntimeWarning, match="from the start of epoch 1"):
        model.fit(x, y, epochs=2, shuffle=False, verbose=0)
    for restored, expected in zip(model.get_weights(), initial, strict=True):
        np.testing.assert_array_equal(restored, expected)
    assert model.optimizer.iterations == 0


def test_nan_guard_goes_back_to_the_last_copy_of_every_32_steps(rng):
    model, x, y = _regression(rng, n=400)  # 50 steps of 8
    model.compile(gn.optimizers.Adam(0.01), "mse")
    poison = _PoisonLastBatch()
    with pytest.warns(RuntimeWarning, match="restored to those after batch 32 of epoch 1"):
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[poison])
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert model.optimizer.iterations == gn.model.SNAPSHOT_EVERY == 32


# -- data and weights checked where they enter -------------------------------------------


def _small_classifier():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(4, "relu", input_shape=(3,)), gn.layers.Dense(2)])
    model.compile("adam", gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.linspace(0, 1, 30, dtype=np.float32).reshape(10, 3)
    return model, x, np.arange(10) % 2


def _with(x, value, dtype=None):
    x = x.astype(dtype or x.dtype)
    x[1, 2] = value
    return x


BAD_DATA = [
    (
        "fit x NaN",
        lambda m, x, y: m.fit(_with(x, np.nan), y, verbose=0),
        ValueError,
        r"x contains NaN or infinity \(1 value\(s\), the first at index \(1, 2\)",
    ),
    (
        "fit x inf",
        lambda m, x, y: m.fit(_with(x, np.inf), y, verbose=0),
        ValueError,
        "x contains NaN or infinity",
    ),
    (
        "fit x beyond float32",
        lambda m, x, y: m.fit(_with(x, 1e39, np.float64), y, verbose=0),
        ValueError,
        r"x holds 1e\+39 \(at index \(1, 2\)\), beyond float32's range",
    ),
    (
        "fit x complex",
        lambda m, x, y: m.fit(x + 1j, y, verbose=0),
        TypeError,
        "x must be numeric, got dtype complex",
    ),
    (
        "fit x objects",
        lambda m, x, y: m.fit([[1, None, 2]] * 10, y, verbose=0),
        TypeError,
        "x must be numeric, got dtype object",
    ),
    (
        "fit x ragged",
        lambda m, x, y: m.fit([[1, 2, 3], [4, 5]], y[:2], verbose=0),
        ValueError,
        "x must be a numeric array",
    ),
    (
        "fit x text",
        lambda m, x, y: m.fit(x.astype(str), y, verbose=0),
        TypeError,
        "x must be numeric, got dtype <U",
    ),
    (
        "fit y NaN",
        lambda m, x, y: m.fit(x, np.where(y == 1, np.nan, y), verbose=0),
        ValueError,
        "y contains NaN or infinity",
    ),
    (
        "fit y complex",
        lambda m, x, y: m.fit(x, y + 0j, verbose=0),
        TypeError,
        "y must be numeric, got dtype complex128",
    ),
    (
        "fit validation x inf",
        lambda m, x, y: m.fit(x, y, verbose=0, validation_data=(_with(x, -np.inf), y)),
        ValueError,
        "validation_data x contains NaN",
    ),
    (
        "fit sample_weight NaN",
        lambda m, x, y: m.fit(x, y, verbose=0, sample_weight=np.r_[np.nan, np.ones(9)]),
        ValueError,
        "sample_weight contains NaN",
    ),
    (
        "fit batch_size 0",
        lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0),
        ValueError,
        "batch_size must be an integer >= 1, got 0",
    ),
    (
        "evaluate x NaN",
        lambda m, x, y: m.evaluate(_with(x, np.nan), y, verbose=0),
        ValueError,
        "x contains NaN or infinity",
    ),
    (
        "evaluate batch_size 0",
        lambda m, x, y: m.evaluate(x, y, batch_size=0, verbose=0),
        ValueError,
        "batch_size must be an integer >= 1, got 0",
    ),
    (
        "predict x inf",
        lambda m, x, y: m.predict(_with(x, np.inf)),
        ValueError,
        "x contains NaN or infinity",
    ),
    ("predict x complex", lambda m, x, y: m.predict(x * 1j), TypeError, "x must be numeric"),
    (
        "predict x beyond float32",
        lambda m, x, y: m.predict(_with(x, -1e300, np.float64)),
        ValueError,
        r"x holds -1e\+300",
    ),
    (
        "predict batch_size 0",
        lambda m, x, y: m.predict(x, batch_size=0),
        ValueError,
        "batch_size must be an integer >= 1, got 0",
    ),
    (
        "predict batch_size -1",
        lambda m, x, y: m.predict(x, batch_size=-1),
        ValueError,
        "batch_size must be an integer >= 1, got -1",
    ),
    (
        "predict 1-D x of no whole sample",
        lambda m, x, y: m.predict(np.ones(4)),
        ValueError,
        r"x has 4 values, which is not a whole number of samples shaped \(3,\)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "match"), [case[1:] for case in BAD_DATA], ids=[case[0] for case in BAD_DATA]
)
def test_bad_data_is_refused_naming_the_argument(call, error, match):
    model, x, y = _small_classifier()
    model.build()
    before = model.get_weights()
    with pytest.raises(error, match=match):
        call(model, x, y)
    for now, then in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(now, then)


BAD_WEIGHTS = [
    (
        "NaN",
        lambda w: [np.full_like(w[0], np.nan), *w[1:]],
        ValueError,
        r"weights\[0\] contains NaN or infinity",
    ),
    (
        "inf",
        lambda w: [w[0], np.full_like(w[1], -np.inf), *w[2:]],
        ValueError,
        r"weights\[1\] contains NaN or infinity",
    ),
    (
        "complex",
        lambda w: [w[0], w[1] + 1j, *w[2:]],
        TypeError,
        r"weights\[1\] must be numeric, got dtype complex",
    ),
    (
        "objects",
        lambda w: [w[0], np.array([None] * 4), *w[2:]],
        TypeError,
        r"weights\[1\] must be numeric, got dtype object",
    ),
    (
        "beyond float32",
        lambda w: [w[0], w[1], np.full(w[2].shape, 1e300), w[3]],
        ValueError,
        r"weights\[2\] holds 1e\+300 \(at index \(0, 0\)\), beyond float32's range",
    ),
    ("text", lambda w: [w[0].astype(str), *w[1:]], TypeError, r"weights\[0\] must be numeric"),
    ("a shape", lambda w: [w[0].T, *w[1:]], ValueError, r"weights\[0\] must have shape \(3, 4\)"),
    ("a count", lambda w: w[:3], ValueError, "set_weights expected a list of 4 arrays, got 3"),
    ("not a list", lambda w: np.zeros(4), TypeError, "set_weights expects a list of arrays"),
]


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [case[1:] for case in BAD_WEIGHTS],
    ids=[case[0] for case in BAD_WEIGHTS],
)
def test_set_weights_refuses_values_the_model_cannot_hold_and_changes_nothing(change, error, match):
    model, _, _ = _small_classifier()
    before = model.get_weights()
    with pytest.raises(error, match=match):
        model.set_weights(change([w.copy() for w in before]))
    for now, then in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(now, then)


def test_set_weights_takes_float64_ints_and_lists_that_fit():
    model, _, _ = _small_classifier()
    weights = [np.ones(w.shape).tolist() for w in model.get_weights()]
    weights[1] = np.arange(4)  # integers
    model.set_weights(weights)
    assert model.get_weights()[1].tolist() == [0, 1, 2, 3]


def test_batch_size_beyond_the_samples_is_clamped_as_keras_does():
    model, x, y = _small_classifier()
    history = model.fit(x, y, batch_size=10**12, epochs=2, verbose=0)
    assert history.params["batch_size"] == 10 and history.params["steps"] == 1
    assert model.predict(x, batch_size=10**12).shape == (10, 2)
    assert np.isfinite(model.evaluate(x, y, batch_size=10**12, verbose=0))


# -- the command line ------------------------------------------------------------------------


@pytest.fixture()
def table(tmp_path):
    """120 points in two classes by the sign of x1 * x2, as a CSV file."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 2))
    lines = ["x1,x2,kind"] + [f"{a:.5f},{b:.5f},{'in' if a * b > 0 else 'out'}" for a, b in x]
    path = tmp_path / "quadrants.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _train(table, out, *extra):
    from glassnet.cli import main

    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "8", "--lr", "0.02"]
    return main([*args, "--epochs", "3", "--seed", "3", "--out", str(out), "--quiet", *extra])


@pytest.mark.parametrize("layers", ["", " ", ","])
def test_cli_layers_empty_is_an_error(layers, table, tmp_path, capsys):
    assert _train(table, tmp_path / "run", "--layers", layers) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "layers must list at least one integer" in err[0]
    assert not (tmp_path / "run").exists()


def test_cli_batch_size_beyond_the_data_is_clamped(table, tmp_path):
    import json

    assert _train(table, tmp_path / "run", "--batch-size", "100000000000") == 0
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert history["params"]["batch_size"] == history["params"]["samples"] < 120


def _sigint_at_step(monkeypatch, step):
    """A real SIGINT to this process during the optimizer's `step`-th update (1-based)."""
    import os
    import signal

    original, calls = gn.optimizers.Adam.apply, {"n": 0}

    def apply(self, pairs):
        original(self, pairs)
        calls["n"] += 1
        if calls["n"] == step:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(gn.optimizers.Adam, "apply", apply)


def _saved(out):
    from glassnet.cli import runs

    model = runs.load_run(out).model
    return model.get_weights(), model.optimizer.get_state()


def _assert_same(a, b):
    (weights_a, state_a), (weights_b, state_b) = a, b
    for wa, wb in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert state_a.keys() == state_b.keys()
    for key in state_a:
        np.testing.assert_array_equal(state_a[key], state_b[key])


def test_cli_ctrl_c_saves_the_best_epoch_with_its_optimizer_state_and_exits_130(
    table, tmp_path, monkeypatch, capsys
):
    import json

    # 96 training samples in batches of 8: 12 steps per epoch; Ctrl-C in epoch 2's 3rd step.
    _sigint_at_step(monkeypatch, 12 + 3)
    out = tmp_path / "run"
    assert _train(table, out, "--batch-size", "8") == 130
    err = capsys.readouterr().err
    assert (
        "Interrupted at epoch 2 batch 3: keeping the weights and optimizer state of the end of "
        "epoch 1, the best so far" in err
    )
    assert json.loads((out / "metrics.json").read_text())["interrupted"] is True
    monkeypatch.undo()
    assert _train(table, tmp_path / "one", "--batch-size", "8", "--epochs", "1") == 0
    saved = _saved(out)
    assert int(saved[1]["iterations"]) == 12  # the optimizer state is epoch 1's, as the weights
    _assert_same(saved, _saved(tmp_path / "one"))


def test_cli_ctrl_c_in_epoch_1_says_so_and_keeps_that_batch_with_its_state(
    table, tmp_path, monkeypatch, capsys
):
    from glassnet.cli import runs

    _sigint_at_step(monkeypatch, 3)
    out = tmp_path / "run"
    assert _train(table, out, "--batch-size", "8") == 130
    err = capsys.readouterr().err
    assert "Interrupted at epoch 1 batch 3: no epoch was complete" in err
    monkeypatch.undo()

    class StopAfterThree(gn.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = batch == 2

    config = runs.load_run(out).config  # the same run, stopped after 3 batches
    data = runs.load_splits(config)
    model = runs.build_model(config, data.train[0].shape[1:], len(data.class_names))
    model.fit(*data.train, batch_size=8, epochs=3, verbose=0, callbacks=[StopAfterThree()])
    saved = _saved(out)
    assert int(saved[1]["iterations"]) == 3
    _assert_same(saved, (model.get_weights(), model.optimizer.get_state()))


@pytest.mark.slow
def test_cli_real_sigint_in_a_subprocess_exits_130_with_an_interrupted_run(table, tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONUNBUFFERED": "1"}
    out = tmp_path / "run"
    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "8"]
    args += ["--epochs", "100000", "--batch-size", "1", "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stdout:  # wait for the end of epoch 2
        if line.startswith("Epoch 2/"):
            break
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Interrupted at epoch " in stderr and "Traceback" not in stderr
    assert json.loads((out / "metrics.json").read_text())["interrupted"] is True


def test_an_exploding_run_is_diagnosed_as_a_learning_rate_too_high(rng):
    # --lr 1e6 was diagnosed as underfitting: the loss stayed finite, so nothing stopped it.
    x = rng.random((256, 20)).astype(np.float32)
    y = rng.integers(0, 10, 256)
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(32, "relu", input_shape=(20,)), gn.layers.Dense(10)])
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(gn.optimizers.Adam(1e6), loss, metrics=["accuracy"])
    with pytest.warns(RuntimeWarning, match="training diverges"):
        history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0)
    assert "learning rate too high" in str(gn.diagnose(history, model=model))
