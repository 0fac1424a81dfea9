"""Scalers and scale_images, against numbers worked out by hand."""

import numpy as np
import pytest

from glassnet.datasets import MinMaxScaler, StandardScaler, scale_images


def test_standard_scaler_by_hand():
    # column 0: 1, 3 -> mean 2, std 1; column 1: 10, 30 -> mean 20, std 10
    scaler = StandardScaler().fit([[1.0, 10.0], [3.0, 30.0]])
    assert scaler.mean_.tolist() == [2.0, 20.0] and scaler.scale_.tolist() == [1.0, 10.0]
    assert scaler.var_.tolist() == [1.0, 100.0] and scaler.n_samples_seen_ == 2
    # test data uses the training statistics: (2 - 2) / 1 = 0, (50 - 20) / 10 = 3
    assert scaler.transform([[2.0, 50.0], [0.0, 0.0]]).tolist() == [[0.0, 3.0], [-2.0, -2.0]]


def test_standard_scaler_output_has_zero_mean_unit_std(rng):
    x = rng.normal(5, 3, size=(200, 4))
    z = StandardScaler().fit_transform(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1)


def test_inverse_transforms_round_trip(rng):
    x = rng.normal(size=(20, 3)) * [1, 10, 100]
    for scaler in (StandardScaler(), MinMaxScaler((-1, 1))):
        np.testing.assert_allclose(scaler.inverse_transform(scaler.fit_transform(x)), x)


def test_constant_features_do_not_divide_by_zero():
    x = np.array([[1.0, 4.0], [3.0, 4.0]])
    assert StandardScaler().fit_transform(x).tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert MinMaxScaler().fit_transform(x).tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert MinMaxScaler((2, 3)).fit(x).transform([[2.0, 5.0]]).tolist() == [[2.5, 3.0]]


def test_min_max_scaler_by_hand():
    # column 0: min 2, max 6 -> (x - 2) / 4; column 1: min -1, max 1 -> (x + 1) / 2
    scaler = MinMaxScaler().fit([[2.0, -1.0], [6.0, 1.0], [4.0, 0.0]])
    assert scaler.data_min_.tolist() == [2.0, -1.0] and scaler.data_range_.tolist() == [4.0, 2.0]
    assert scaler.transform([[3.0, 0.5], [10.0, -3.0]]).tolist() == [[0.25, 0.75], [2.0, -1.0]]
    # feature_range (-1, 1): 2 * (x - min) / range - 1
    assert MinMaxScaler((-1, 1)).fit([[0.0], [4.0]]).transform([[1.0]]).tolist() == [[-0.5]]


def test_images_are_scaled_per_pixel(rng):
    x = rng.integers(0, 256, size=(10, 3, 3)).astype(np.float32)
    z = MinMaxScaler().fit_transform(x)
    assert z.shape == (10, 3, 3) and z.dtype == np.float32
    np.testing.assert_allclose(z.min(axis=0), 0)
    np.testing.assert_allclose(z.max(axis=0), 1)


def test_errors_name_what_went_wrong():
    with pytest.raises(
        ValueError, match=r"StandardScaler is not fitted yet: call fit\(x_train\) first"
    ):
        StandardScaler().transform([[1.0]])
    with pytest.raises(ValueError, match="MinMaxScaler is not fitted yet"):
        MinMaxScaler().inverse_transform([[1.0]])
    scaler = StandardScaler().fit(np.zeros((3, 2)))
    with pytest.raises(
        ValueError, match=r"fitted on features of shape \(2,\), got x of shape \(4, 3\)"
    ):
        scaler.transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"x.reshape\(-1, 1\)"):
        StandardScaler().fit([1.0, 2.0])
    with pytest.raises(ValueError, match="contains NaN"):
        StandardScaler().fit([[1.0], [np.nan]])
    with pytest.raises(ValueError, match=r"feature_range must have low < high, got \(1.0, 0.0\)"):
        MinMaxScaler((1, 0))
    with pytest.raises(TypeError, match="feature_range must be a pair"):
        MinMaxScaler(5)


def test_scale_images_values_and_dtype():
    x = np.arange(256, dtype=np.uint8).reshape(16, 16)
    z = scale_images(x)
    assert z.dtype == np.float32 and z.shape == (16, 16)
    assert z[0, 0] == 0.0 and z[-1, -1] == 1.0
    # each value is k / 255 to float32 precision (7 digits)
    np.testing.assert_allclose(z.ravel() * 255, np.arange(256), atol=1e-4)
    assert scale_images(np.array([[0, 4095]], dtype=np.uint16), max_value=4095).tolist() == [
        [0.0, 1.0]
    ]
    assert scale_images(np.array([0.25, 0.5]), max_value=1).tolist() == [0.25, 0.5]


def test_scale_images_errors():
    with pytest.raises(
        ValueError,
        match=r"x must lie in \[0, 255\] to be scaled to \[0, 1\], got values in \[-1, 3\]",
    ):
        scale_images(np.array([-1, 3]))
    with pytest.raises(ValueError, match=r"x must lie in \[0, 255\] .* \[0, 300\]"):
        scale_images(np.array([0, 300]))
    with pytest.raises(ValueError, match="looks already scaled"):
        scale_images(np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="contains NaN"):
        scale_images(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="numeric pixel values"):
        scale_images(np.array(["a"]))
    with pytest.raises(ValueError, match="empty"):
        scale_images(np.zeros((0, 28, 28), dtype=np.uint8))


def test_values_near_the_float64_limit_are_scaled_not_zeroed():
    # The variance of values near 1e308 overflows float64: it must not make every value 0.
    x = np.array([[1e308, 1.0], [-1e308, 2.0], [5e307, 3.0], [1.7e308, 4.0], [-1.7e308, 5.0]])
    scaler = StandardScaler().fit(x)
    z = scaler.transform(x)
    assert np.isfinite(scaler.scale_).all() and np.isfinite(z).all()
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(z), x, rtol=1e-12)
    assert scaler.var_[0] == np.inf and scaler.var_[1] == 2.0  # the variance itself is beyond
    scaled = MinMaxScaler().fit_transform(x)
    np.testing.assert_allclose(scaled.min(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(scaled.max(axis=0), 1, rtol=1e-15)
    np.testing.assert_allclose(scaled[:, 0], (x[:, 0] / 2 + 1.7e308 / 2) / 1.7e308, rtol=1e-15)


def test_opposite_extremes_standardise_without_overflow():
    x = np.array([[1.7e308], [-1.7e308], [-1.7e308]])  # x - mean overflows for the first row
    np.testing.assert_allclose(
        StandardScaler().fit_transform(x).ravel(), [2**0.5, -(0.5**0.5), -(0.5**0.5)]
    )


def test_scaling_is_unchanged_for_ordinary_values(rng):
    # The overflow-safe statistics are bit-identical to the plain formulas elsewhere.
    x = rng.normal(3.0, 5.0, size=(50, 4))
    scaler = StandardScaler().fit(x)
    assert np.array_equal(scaler.mean_, x.mean(axis=0))
    assert np.array_equal(scaler.scale_, x.std(axis=0))
    minmax = MinMaxScaler((-1, 2)).fit(x)
    assert np.array_equal(minmax.scale_, 3 / (x.max(axis=0) - x.min(axis=0)))


def test_transform_far_outside_the_training_range_is_an_error():
    scaler = StandardScaler().fit([[0.0], [1e-10]])
    with pytest.raises(ValueError, match="too far from the training data"):
        scaler.transform([[1e300]])
