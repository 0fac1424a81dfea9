"""gn.explain.initialization: the initializer's range from fan-in and fan-out, and a histogram."""

import math

import numpy as np
import pytest

import glassnet as gn


def _model(kernel_initializer="glorot_uniform", seed=0):
    gn.utils.set_random_seed(seed)
    return gn.Sequential(
        [
            gn.layers.Input((784,)),
            gn.layers.Dense(128, activation="relu", kernel_initializer=kernel_initializer),
            gn.layers.Dropout(0.2),
            gn.layers.Dense(10),
        ]
    )


def test_glorot_and_he_limits_by_hand():
    e = gn.explain.initialization(_model("he_uniform"))
    first, bias, second, _ = e.weights
    assert (first.fan_in, first.fan_out) == (784, 128)
    assert first.limit == pytest.approx(math.sqrt(6 / 784))  # He: 0.087482
    assert first.limit == pytest.approx(0.0874818, abs=1e-7)
    assert second.initializer == "glorot_uniform" and (second.fan_in, second.fan_out) == (128, 10)
    assert second.limit == pytest.approx(math.sqrt(6 / 138))  # 0.208514
    assert "sqrt(6 / (128 + 10)) = 0.208514" in second.formula
    assert bias.initializer == "zeros" and bias.limit == 0.0 and bias.maximum == 0.0
    assert max(-first.minimum, first.maximum) <= first.limit + 1e-7


def test_truncated_normal_range_by_hand():
    e = gn.explain.initialization(_model("glorot_normal"))
    w = e.weights[0]
    std = math.sqrt(2 / (784 + 128))  # the target std, 0.046829
    sigma = std / 0.87962566103423978  # the untruncated normal's std
    assert w.limit == pytest.approx(2 * sigma)
    assert w.std == pytest.approx(std, rel=0.02)  # 100,352 draws
    assert -w.limit - 1e-7 <= w.minimum and w.maximum <= w.limit + 1e-7


def test_histogram_counts_match_numpy():
    model = _model()
    e = gn.explain.initialization(model, bins=7)
    kernel = np.asarray(model.layers[0].params["kernel"], dtype=np.float64)
    limit = math.sqrt(6 / (784 + 128))
    counts, edges = np.histogram(
        kernel, bins=7, range=(min(-limit, kernel.min()), max(limit, kernel.max()))
    )
    np.testing.assert_array_equal(e.weights[0].counts, counts)
    np.testing.assert_allclose(e.weights[0].edges, edges)
    assert e.weights[0].counts.sum() == 784 * 128
    text = str(e)
    assert f"{int(counts[3]):>7,} " in text and "fan_in 784, fan_out 128" in text
    assert "<b>How the weights start" in e._repr_html_()
    assert e.to_dict()["weights"][0]["counts"] == counts.tolist()


def test_after_training_it_says_these_are_no_longer_the_starting_weights():
    model = _model()
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).uniform(size=(8, 784)).astype(np.float32)
    model.fit(x, np.arange(8) % 10, epochs=1, batch_size=4, verbose=0)
    e = gn.explain.initialization(model)
    assert e.trained_steps == 2 and "no longer the starting ones" in str(e)


def test_bad_arguments():
    with pytest.raises(ValueError, match="bins"):
        gn.explain.initialization(_model(), bins=0)
    with pytest.raises(TypeError, match="model must be a Sequential"):
        gn.explain.initialization("model")
