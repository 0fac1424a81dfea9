"""Tensor-like results (`model(x).numpy()`, `loss_fn(y, p).numpy()`, a metric's result) and
the progress lines of predict and evaluate, as Keras 3 prints them."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet._internal.tensor import Scalar, Tensor


def small_model(units=3, seed=0):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential([gn.layers.Dense(units, input_shape=(4,))])
    model.compile(
        optimizer="adam",
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def data(n=50, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype(np.float32), rng.integers(0, 3, n)


def test_model_call_returns_an_array_with_numpy():
    model = small_model()
    x, _ = data()
    out = model(x[:2])
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (2, 3)
    plain = out.numpy()
    assert type(plain) is np.ndarray
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(plain, x[:2].astype(np.float64) @ kernel + bias, rtol=1e-5)
    # NumPy for everything else: prints, compares and computes like an ndarray.
    assert repr(out) == repr(plain) and str(out) == str(plain)
    assert np.array_equal(out, plain) and int(np.argmax(out[0])) == int(np.argmax(plain[0]))
    np.testing.assert_allclose(gn.layers.Softmax()(out).sum(axis=1), 1.0, rtol=1e-6)
    assert round(out[0, 0] * 0 + 0.123456, 3) == 0.123


def test_training_call_returns_a_copy_not_a_reused_buffer():
    model = small_model()
    x, _ = data()
    first = model(x[:2], training=True)
    saved = first.numpy().copy()
    model(x[2:4], training=True)
    np.testing.assert_array_equal(first.numpy(), saved)


def test_predict_stays_a_plain_ndarray():
    model = small_model()
    x, _ = data()
    out = model.predict(x, verbose=0)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, model(x).numpy())


def test_loss_object_returns_a_scalar_with_numpy_and_keras_reduction():
    loss_fn = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    labels = np.array([0, 1])
    value = loss_fn(labels, logits)
    # by hand: -log softmax at the true class, averaged over the 2 samples
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    per_sample = -log_p[[0, 1], labels]
    assert isinstance(value, Scalar) and isinstance(value, float)
    assert value.numpy() == pytest.approx(per_sample.mean(), rel=1e-12)
    assert float(value) == pytest.approx(per_sample.mean(), rel=1e-12)
    assert json.loads(json.dumps({"loss": value}))["loss"] == float(value)
    # Keras's "sum_over_batch_size": sum(w_i l_i) / N, not / sum(w)
    weighted = loss_fn(labels, logits, sample_weight=[2.0, 0.0])
    assert weighted == pytest.approx(2 * per_sample[0] / 2, rel=1e-12)
    assert loss_fn(labels, logits, sample_weight=0.5) == pytest.approx(per_sample.mean() / 2)
    with pytest.raises(ValueError, match="sample_weight must be a number or one value"):
        loss_fn(labels, logits, sample_weight=[1.0, 2.0, 3.0])


def test_metric_result_has_numpy():
    m = gn.metrics.SparseCategoricalAccuracy()
    m.update_state([0, 2], [[0.9, 0.0, 0.1], [0.2, 0.7, 0.1]])
    assert m.result().numpy() == 0.5 and f"{m.result():.2f}" == "0.50"


def test_tensor_keeps_numpy_semantics_for_scalars():
    t = np.array(2.5).view(Tensor)
    assert t.numpy() == 2.5 and type(t.numpy()) is np.float64
    assert round(t) == 2 and float(t) == 2.5 and repr(t) == repr(np.float64(2.5))


# ------------------------------------------------------------------- progress lines

BAR = "━" * 20


def test_predict_shows_keras_bar_by_default(capsys):
    model = small_model()
    x, _ = data(n=2500)
    model.predict(x)  # verbose="auto" is 1, as Keras
    out = capsys.readouterr().out
    # 2500 rows in batches of 1024: 3 steps
    assert re.fullmatch(rf"3/3 {BAR} \d+s \d+(us|ms|s)/step\n", out), out
    model.predict(x, verbose=2)
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step\n", capsys.readouterr().out)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""
    model.predict(x[:1], batch_size=32)
    assert capsys.readouterr().out.startswith(f"1/1 {BAR} ")


def test_evaluate_verbose_2_prints_keras_line_then_the_baseline(capsys):
    model = small_model()
    x, y = data(n=300)
    loss, acc = model.evaluate(x, y, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        rf"1/1 - \d+s - \d+(us|ms|s)/step - accuracy: {acc:.4f} - loss: {loss:.4f}", lines[0]
    ), lines[0]
    assert lines[1].startswith(f"accuracy {acc:.3f} (baseline ")
    # The returned numbers, in float64 NumPy.
    kernel, bias = model.get_weights()
    z = x.astype(np.float64) @ kernel + bias
    assert acc == pytest.approx(np.mean(z.argmax(axis=1) == y))
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert loss == pytest.approx(-log_p[np.arange(len(y)), y].mean(), rel=1e-5)


def test_evaluate_verbose_1_draws_the_bar_with_the_figures(capsys):
    model = small_model()
    x, y = data(n=300)
    model.evaluate(x, y, batch_size=100)
    first = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(rf"3/3 {BAR} \d+s \d+(us|ms|s)/step - accuracy: \S+ - loss: \S+", first)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_is_checked():
    model = small_model()
    x, y = data()
    with pytest.raises(TypeError, match="verbose"):
        model.predict(x, verbose="loud")
    with pytest.raises(ValueError, match="verbose"):
        model.evaluate(x, y, verbose=-1)
