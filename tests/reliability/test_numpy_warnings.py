"""NumPy's warnings do not leak to the user: glassnet says what is wrong in its own words.

Before, `describe` of an all-NaN column warned `RuntimeWarning: All-NaN slice encountered`
and showed `nan to nan`; `Perceptron.fit` on values whose products overflow float64 warned
`overflow encountered in matmul` and kept weights of 1e307."""

import warnings

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        yield


def test_describe_all_missing_says_so(no_warnings):
    report = gn.datasets.describe(np.full((5, 3), np.nan))
    text = str(report)
    assert "value range        none: all values are missing" in text
    assert "feature 1  all missing (NaN in every sample)" in text
    assert "nan" not in text
    assert "3 of the 3 features are all missing (NaN in every sample): " in text
    assert report.n_missing == 15 and list(report.missing_per_feature) == [5, 5, 5]


def test_describe_one_column_all_missing(no_warnings):
    x = np.array([[1.0, np.nan, 1.0], [20.0, np.nan, 1.0]])
    report = gn.datasets.describe(x)
    text = str(report)
    assert "1 of the 3 features is all missing (NaN in every sample): feature 1." in text
    assert " feature 0  1 to 20, mean 10.5 ± 9.5" in text  # (1 + 20) / 2, |20 - 10.5|
    assert "value range        1 to 20" in text
    assert "1 constant feature: the same value in every sample." in text


def test_describe_many_features_all_missing(no_warnings):
    text = str(gn.datasets.describe(np.full((4, 30), np.nan)))  # per-feature summary rows
    assert "per-feature mean   none: all values are missing" in text and "nan" not in text


@pytest.mark.parametrize(
    "x",
    [
        [[1e308, 1], [-1e308, 2], [1, 1e308]],  # the products (and their sums) overflow
        [[1e200, 1e200], [1.0, 2.0]],  # x1 * x1 overflows in fit's updates
    ],
)
def test_perceptron_refuses_inputs_that_overflow(x, no_warnings):
    perceptron = gn.Perceptron(seed=0)
    with pytest.raises(ValueError, match=r"^X ") as error:
        perceptron.fit(x, [0, 1, 1][: len(x)])
    message = str(error.value)
    assert "float64" in message and "scale" in message


def test_perceptron_still_fits_large_but_safe_inputs(no_warnings):
    x = np.array([[1e100, 0.0], [-1e100, 0.0]])
    perceptron = gn.Perceptron(seed=0).fit(x, [1, 0])
    assert perceptron.score(x, [1, 0]) == 1.0


def test_perceptron_predict_refuses_sums_that_overflow(no_warnings):
    # 1e308 + 1e308 is beyond float64's largest, 1.798e308.
    with pytest.raises(ValueError, match=r"^X holds values as large as 1e\+308: .*scale"):
        gn.Perceptron(weights=[1, 1]).predict([[1e308, 1e308]])
