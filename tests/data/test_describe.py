"""describe(): the numbers of the report against NumPy, and the lecture's warnings."""

import json

import numpy as np
import pytest

from glassnet.datasets import DataReport, describe
from glassnet.datasets import _stats as stats
from glassnet.datasets import describe as describe_function


def test_ninety_ten_warns_about_imbalance_and_names_the_baseline(rng):
    x = rng.normal(size=(100, 3))
    y = np.array(["cat"] * 90 + ["dog"] * 10)
    report = describe(x, y)
    assert report.class_counts == [90, 10]
    assert report.class_proportions == [0.9, 0.1]
    assert report.imbalance_ratio == 9.0
    assert report.baseline_accuracy == 0.9 and report.majority_class == "cat"
    assert any("imbalanced classes" in w and "0.9" in w for w in report.warnings)
    text = str(report)
    assert "imbalanced classes" in text and "accuracy 0.9 by always predicting 'cat'" in text


def test_no_imbalance_warning_at_two_to_one_or_less(rng):
    report = describe(rng.normal(size=(30, 2)), [0] * 20 + [1] * 10)
    assert report.imbalance_ratio == 2.0
    assert not any("imbalanced" in w for w in report.warnings)
    assert report.baseline_accuracy == pytest.approx(2 / 3)


def test_statistics_match_numpy(rng):
    x = rng.normal(loc=[0, 5, -3], scale=[1, 2, 10], size=(50, 3))
    report = describe(x)
    np.testing.assert_allclose(report.feature_mean, x.mean(axis=0))
    np.testing.assert_allclose(report.feature_std, x.std(axis=0))
    np.testing.assert_array_equal(report.feature_min, x.min(axis=0))
    np.testing.assert_array_equal(report.feature_max, x.max(axis=0))
    assert report.mean == pytest.approx(x.mean()) and report.std == pytest.approx(x.std())
    assert (report.min, report.max) == (x.min(), x.max())
    assert report.n_samples == 50 and report.feature_shape == (3,) and report.dtype == "float64"
    assert report.labels is None and report.baseline_accuracy is None


def test_blocks_give_the_same_numbers(monkeypatch, rng):
    x = rng.integers(0, 256, size=(23, 4, 5), dtype=np.uint8)
    whole = describe(x)
    monkeypatch.setattr(stats, "_CHUNK", 4)  # rows per block: 23 rows give 6 blocks
    blocked = describe(x)
    np.testing.assert_allclose(blocked.feature_std, whole.feature_std)
    np.testing.assert_allclose(blocked.feature_std, x.reshape(23, -1).std(axis=0))
    assert blocked.mean == pytest.approx(x.mean())


def test_missing_infinite_constant_and_duplicates():
    x = np.array(
        [
            [1.0, np.nan, 7.0, 0.0],
            [2.0, 5.0, 7.0, 0.0],
            [1.0, np.nan, 7.0, 0.0],  # duplicates row 0 (NaN in the same place)
            [2.0, 5.0, 7.0, -0.0],  # duplicates row 1: -0.0 == 0.0
            [3.0, np.inf, 7.0, 1.0],
        ]
    )
    report = describe(x, feature_names=["a", "b", "c", "d"])
    assert report.missing_per_feature.tolist() == [0, 2, 0, 0] and report.n_missing == 2
    assert report.n_infinite == 1
    assert report.constant_features == [2]
    assert report.n_duplicates == 2
    assert report.feature_mean[1] == 5.0  # finite values only
    text = str(report)
    assert "2 in 1 feature" in text and "feature(s)" not in text and "1 (c)" in text
    assert any("2 missing (NaN) values: b 2" in w for w in report.warnings)


def test_duplicates_against_python_sets(rng):
    x = rng.integers(0, 3, size=(200, 3))
    expected = 200 - len({tuple(row) for row in x.tolist()})
    assert describe(x).n_duplicates == expected > 0


def test_images_get_a_pixel_summary_and_a_scaling_suggestion(rng):
    x = rng.integers(0, 256, size=(20, 6, 6), dtype=np.uint8)
    x[:, 0, 0] = 0
    report = describe(x, np.arange(20) % 2, class_names=["shoe", "bag"])
    assert report.is_image and report.n_features == 36
    assert report.constant_features == [0]
    assert report.class_names == ["shoe", "bag"]
    text = str(report)
    assert "per-pixel mean" in text and "pixel (0, 0)" in text
    assert any(
        s.startswith("pixel values range 0-255: scale them to [0, 1]") for s in report.suggestions
    )


def test_scaled_images_get_no_scaling_suggestion(rng):
    report = describe(rng.random((10, 4, 4)).astype(np.float32))
    assert not any("scale them to [0, 1]" in s for s in report.suggestions)


def test_feature_ranges_far_apart_suggest_standardising(rng):
    x = rng.normal(size=(40, 2)) * [1, 1000]
    assert any("StandardScaler" in s for s in describe(x).suggestions)


def test_single_class_and_rare_classes(rng):
    report = describe(rng.normal(size=(5, 1)), [3] * 5)
    assert any("only one class" in w for w in report.warnings)
    report = describe(rng.normal(size=(25, 1)), [0] * 22 + [1] * 3)
    assert any("fewer than 10 samples ('1')" in w for w in report.warnings)


def test_html_and_dict(rng):
    report = describe(rng.normal(size=(10, 2)), ["<b>"] * 5 + ["x"] * 5)
    page = report._repr_html_()
    # The class named "<b>" shows as text; the only bold tags are the card's own headings.
    assert "<table" in page and "&lt;b&gt;" in page
    assert page.count("<b>") == 1 + len(report._sections())
    data = json.loads(json.dumps(report.to_dict()))
    assert data["n_samples"] == 10 and data["class_counts"] == [5, 5]
    assert data["feature_shape"] == [2] and len(data["feature_mean"]) == 2
    nan = describe(np.array([[np.nan], [np.nan]]))
    assert json.loads(json.dumps(nan.to_dict()))["feature_mean"] == [None]
    assert isinstance(report, DataReport)


def test_one_dimensional_and_boolean_inputs():
    report = describe(np.array([1, 2, 3, 4]))
    assert report.feature_shape == () and report.n_features == 1
    assert describe(np.array([[True, False], [True, True]])).constant_features == [0]


def test_errors(rng):
    x = rng.normal(size=(4, 2))
    with pytest.raises(ValueError, match="same number of samples, got 4 and 3"):
        describe(x, [0, 1, 0])
    with pytest.raises(ValueError, match=r"y must have shape \(samples,\)"):
        describe(x, np.zeros((4, 1)))
    with pytest.raises(ValueError, match="y contains NaN"):
        describe(x, [0.0, 1.0, np.nan, 1.0])
    with pytest.raises(TypeError, match="x must be numeric"):
        describe(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="at least one sample"):
        describe(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"class_names must name integer labels 0..1"):
        describe(x, [0, 1, 2, 0], class_names=["a", "b"])
    with pytest.raises(ValueError, match="feature_names must name each of the 2 features"):
        describe(x, feature_names=["a"])


def test_package_attribute_is_the_function():
    assert callable(describe_function) and describe_function.__name__ == "describe"
