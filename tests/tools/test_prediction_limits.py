"""gn.metrics.InputStatistics and prediction_caveats: the limits of a classifier."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.metrics import InputStatistics, prediction_caveats


def test_score_is_the_mean_squared_z_score_with_a_floored_scale():
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, [1.0, 3.0, 0.0], size=(400, 3))  # the third feature is constant
    held = rng.normal(2.0, [1.0, 3.0, 0.0], size=(100, 3))
    stats = InputStatistics.fit(x, held, coverage=0.9)
    std = x.std(axis=0)
    floor = 0.1 * np.sqrt(np.mean(std**2))
    scale = np.sqrt(std**2 + floor**2)
    np.testing.assert_allclose(stats.scale, scale)
    probe = np.array([[2.5, -1.0, 2.0], [2.0, 2.0, 3.0]])
    by_hand = np.mean(((probe - x.mean(axis=0)) / scale) ** 2, axis=1)
    np.testing.assert_allclose(stats.score(probe), by_hand)
    held_scores = np.mean(((held - x.mean(axis=0)) / scale) ** 2, axis=1)
    assert stats.threshold == pytest.approx(np.quantile(held_scores, 0.9))
    assert stats.is_unusual(held).mean() == pytest.approx(0.1, abs=0.011)
    again = InputStatistics.from_dict(stats.to_dict())
    np.testing.assert_array_equal(again.score(probe), stats.score(probe))
    assert again.threshold == stats.threshold and again.n_calibration == 100


def test_fashion_mnist_flags_noise_and_spares_real_test_images():
    (x_train, _), (x_test, _) = gn.datasets.fashion_mnist.load_data_or_sample()[0]
    n = len(x_train)
    fit, held = x_train[: n * 2 // 3] / 255.0, x_train[n * 2 // 3 :] / 255.0
    stats = InputStatistics.fit(fit, held)
    real = stats.is_unusual(x_test / 255.0).mean()
    noise = np.random.default_rng(0).uniform(0, 1, size=(500, 28, 28))
    flagged = stats.is_unusual(noise).mean()
    assert real <= 0.01, f"{real:.2%} of real test images flagged"
    assert flagged >= 0.95, f"only {flagged:.2%} of noise images flagged"


def test_caveats_note_once_warn_per_sample():
    stats = InputStatistics.fit(np.zeros((10, 2)) + [[0.0], [1.0]] * 5, [[0.5, 0.5]] * 4)
    probs = [[0.9, 0.1], [0.55, 0.45]]
    x = [[0.5, 0.5], [50.0, 50.0]]
    c = prediction_caveats(probs, ["a", "b"], x=x, statistics=stats, min_probability=0.6)
    assert "always answers one of its 2 classes (a, b)" in c.note
    assert "flagged" in c.note
    assert c.warnings[0] == []
    assert c.unusual.tolist() == [False, True]
    assert c.warnings[1][0].startswith("unlike the training data")
    assert c.warnings[1][1] == "unsure: the top probability is only 55.0% (below 60%)."
    assert c.text.count("always answers") == 1 and "row 2: ⚠ unlike" in c.text
    plain = prediction_caveats(probs, ["a", "b"], no_statistics_reason="an old run")
    assert "Unusual inputs are not detected: an old run." in plain.note
    assert plain.scores is None and plain.warnings == [[], []]


def test_bad_input_names_the_argument():
    stats = InputStatistics.fit(np.eye(3), np.eye(3))
    with pytest.raises(ValueError, match="x must have 3 values per sample"):
        stats.score(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x_holdout must have 3 values"):
        InputStatistics.fit(np.eye(3), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="coverage"):
        InputStatistics.fit(np.eye(3), np.eye(3), coverage=1.5)
    with pytest.raises(ValueError, match="NaN"):
        stats.score([[np.nan, 0, 0]])
    with pytest.raises(ValueError, match=r"probabilities must have shape \(n, 2\)"):
        prediction_caveats([[0.2, 0.3, 0.5]], ["a", "b"])
    with pytest.raises(ValueError, match="x is needed with statistics"):
        prediction_caveats([[0.2, 0.3, 0.5]], ["a", "b", "c"], statistics=stats)
    with pytest.raises(ValueError, match="lack the key"):
        InputStatistics.from_dict({"mean": [0.0]})
