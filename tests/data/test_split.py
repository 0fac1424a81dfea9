"""train_val_test_split: sizes, stratification within one sample per class, seeds, errors."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.datasets import train_val_test_split
from glassnet.datasets.split import split_counts


def _bounds(value: Fraction) -> tuple[int, int]:
    return math.floor(value), math.ceil(value)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(1, 60), min_size=1, max_size=12),
    ratios=st.sampled_from(
        [
            (0.8, 0.1, 0.1),
            (0.6, 0.2, 0.2),
            (0.7, 0.15, 0.15),
            (0.5, 0.3, 0.2),
            (1 / 3, 1 / 3, 1 / 3),
        ]
    ),
)
def test_counts_are_roundings_per_class_and_per_part(counts, ratios):
    exact = [Fraction(r).limit_denominator(1000) for r in ratios]
    table = split_counts(counts, ratios)
    assert table.shape == (len(counts), 3)
    assert table.sum(axis=1).tolist() == counts
    n = sum(counts)
    floors = np.array([[math.floor(n_c * r) for r in exact] for n_c in counts])
    for c, n_c in enumerate(counts):
        for k in range(3):  # each class: within one sample of n_c * r_k
            low, high = _bounds(n_c * exact[k])
            assert low <= table[c, k] <= high
        # presence: parts where the class has floor >= 1, plus as many of the others as
        # the samples left after the floors can fill
        gaps = int((floors[c] == 0).sum())
        expected = 3 - gaps + min(gaps, n_c - int(floors[c].sum()))
        assert int((table[c] > 0).sum()) == expected
    if (floors > 0).all():  # no presence to make up: each part is a rounding of n * r_k
        for k in range(3):
            low, high = _bounds(n * exact[k])
            assert low <= table[:, k].sum() <= high


def test_rare_classes_fill_parts_that_lack_them():
    # 8 samples at 80/10/10: ideal 6.4 / 0.8 / 0.8 -> 6 / 1 / 1, present everywhere
    assert split_counts([8, 8, 8], "small").tolist() == [[6, 1, 1]] * 3
    # 4 classes of 5 samples: validation and test hold 2 samples each (20 x 0.1), so only
    # two classes can be in each; every class still appears in one of them
    table = split_counts([5, 5, 5, 5], "small")
    assert table[:, 0].tolist() == [4, 4, 4, 4]
    assert (table[:, 1] + table[:, 2]).tolist() == [1, 1, 1, 1]


def test_stratified_split_of_90_10():
    y = np.array([0] * 90 + [1] * 10)
    parts = train_val_test_split(np.arange(100), y, "small", seed=0)
    assert [np.bincount(py, minlength=2).tolist() for _, py in parts] == [[72, 8], [9, 1], [9, 1]]


def test_parts_partition_the_samples_and_keep_pairs(rng):
    x = np.arange(200)
    y = rng.integers(0, 5, 200)
    parts = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=1)
    everything = np.concatenate([px for px, _ in parts])
    assert sorted(everything.tolist()) == list(range(200))
    for px, py in parts:
        np.testing.assert_array_equal(py, y[px])  # x[i] stays with y[i]
    assert [len(px) for px, _ in parts] == [120, 40, 40]


def test_same_seed_same_split_other_seed_other_split(rng):
    x, y = rng.normal(size=(50, 3)), rng.integers(0, 3, 50)
    a = train_val_test_split(x, y, seed=7)
    b = train_val_test_split(x, y, seed=7)
    c = train_val_test_split(x, y, seed=8)
    for (ax, ay), (bx, by) in zip(a, b, strict=True):
        np.testing.assert_array_equal(ax, bx)
        np.testing.assert_array_equal(ay, by)
    assert not np.array_equal(a[0][0], c[0][0])
    d = train_val_test_split(x, y, seed=np.random.default_rng(7))
    assert d[0][0].shape == a[0][0].shape


def test_images_keep_shape_and_dtype(rng):
    x = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    y = np.repeat(np.arange(4), 10)
    (xt, _yt), (_xv, yv), (_xs, _ys) = train_val_test_split(x, y, "large", seed=0)
    assert xt.dtype == np.uint8 and xt.shape == (24, 28, 28)
    assert np.bincount(yv).tolist() == [2, 2, 2, 2]


def test_text_labels(rng):
    y = np.array(["cat"] * 30 + ["dog"] * 10)
    (_, yt), (_, yv), (_, ys) = train_val_test_split(np.zeros((40, 1)), y, "small", seed=0)
    assert (yt == "dog").sum() == 8 and (yv == "dog").sum() == 1 and (ys == "dog").sum() == 1


def test_without_shuffle_order_is_kept():
    x = np.arange(10)
    y = np.array([0, 1] * 5)
    (xt, _), (xv, _), (xs, _) = train_val_test_split(x, y, (0.6, 0.2, 0.2), shuffle=False)
    # each class gives its first 3 samples to training, then 1 and 1
    assert xt.tolist() == [0, 1, 2, 3, 4, 5] and xv.tolist() == [6, 7] and xs.tolist() == [8, 9]
    (xt, _), (xv, _), (xs, _) = train_val_test_split(
        x, y, (0.6, 0.2, 0.2), shuffle=False, stratify=False
    )
    assert xt.tolist() == [0, 1, 2, 3, 4, 5] and xs.tolist() == [8, 9]


def test_unstratified_allows_regression_targets(rng):
    y = rng.normal(size=30)
    parts = train_val_test_split(np.zeros((30, 2)), y, "small", stratify=False, seed=0)
    assert [len(py) for _, py in parts] == [24, 3, 3]
    with pytest.raises(ValueError, match="non-integer values; pass stratify=False"):
        train_val_test_split(np.zeros((30, 2)), y, "small")


@pytest.mark.parametrize(
    ("ratios", "error", "pattern"),
    [
        (
            (0.8, 0.1, 0.2),
            ValueError,
            r"ratios must sum to 1, got \[0.8, 0.1, 0.2\] summing to 1.1",
        ),
        ((1.2, -0.1, -0.1), ValueError, "ratios must all be > 0"),
        ((0.9, 0.1, 0.0), ValueError, "ratios must all be > 0"),
        ((0.8, 0.2), ValueError, "ratios must have 3 values"),
        ("smal", ValueError, "Unknown split preset 'smal'. Did you mean 'small'?"),
        ((0.8, "a", 0.1), TypeError, "ratios must be three numbers"),
    ],
)
def test_bad_ratios(ratios, error, pattern):
    with pytest.raises(error, match=pattern):
        train_val_test_split(np.zeros((100, 1)), np.zeros(100, int) + [0, 1] * 50, ratios)


def test_ratio_tolerance():
    y = np.array([0, 1] * 50)
    parts = train_val_test_split(np.zeros((100, 1)), y, (0.8, 0.1, 0.1000005), seed=0)
    assert [len(py) for _, py in parts] == [80, 10, 10]


def test_part_too_small_and_bad_shapes():
    with pytest.raises(
        ValueError, match=r"the validation part \(ratio 0.1\) of 9 samples would hold 0.9"
    ):
        train_val_test_split(np.zeros((9, 1)), np.arange(9) % 2, "small")
    with pytest.raises(ValueError, match="same number of samples, got 10 and 9"):
        train_val_test_split(np.zeros((10, 1)), np.zeros(9))
    with pytest.raises(ValueError, match=r"y shape \(samples,\)"):
        train_val_test_split(np.zeros((10, 1)), np.zeros((10, 1)))
    with pytest.raises(ValueError, match="empty"):
        train_val_test_split(np.zeros((0, 1)), np.zeros(0))


@settings(max_examples=100, deadline=None)
@given(
    counts=st.lists(st.integers(10, 500), min_size=2, max_size=30),
    ratios=st.sampled_from([(0.8, 0.1, 0.1), (0.6, 0.2, 0.2), (0.34, 0.33, 0.33)]),
)
def test_common_classes_give_parts_of_rounded_size(counts, ratios):
    exact = [Fraction(r).limit_denominator(1000) for r in ratios]
    table = split_counts(counts, ratios)
    n = sum(counts)
    for k in range(3):
        low, high = _bounds(n * exact[k])
        assert low <= table[:, k].sum() <= high
        assert (table[:, k] > 0).all()


def test_many_classes_are_fast_enough(rng):
    counts = rng.integers(1, 40, size=1000)
    table = split_counts(counts, "small")
    assert table.sum() == counts.sum()
