"""The 2-D teaching generators: shapes, balance, seeds, and their geometry checked by hand."""

import numpy as np
import pytest

from glassnet.datasets import blobs, circles, lecture_groups, logic_gate, moons, spiral, xor

GENERATORS = [blobs, moons, circles, xor, spiral]


@pytest.mark.parametrize("make", GENERATORS)
def test_shapes_dtypes_balance(make):
    x, y = make(n_samples=101, seed=0)
    assert x.shape == (101, 2) and x.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    counts = np.bincount(y)
    assert counts.sum() == 101 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    a = make(n_samples=50, seed=3)
    b = make(n_samples=50, seed=3)
    c = make(n_samples=50, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("make", GENERATORS)
def test_errors_name_the_argument(make):
    with pytest.raises(ValueError, match=r"noise=-0.1 is out of range \[0, inf\]"):
        make(n_samples=20, noise=-0.1)
    with pytest.raises(ValueError, match="n_samples must be an integer >= "):
        make(n_samples=1)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        make(n_samples=10.5)


def test_rows_are_shuffled():
    _, y = moons(100, seed=0)
    assert not (np.all(y[:50] == 0) and np.all(y[50:] == 1))


def test_moons_without_noise_lie_on_their_arcs():
    x, y = moons(200, noise=0.0, seed=0)
    upper, lower = x[y == 0], x[y == 1]
    # upper: (cos t, sin t), t in [0, pi] -> unit circle around (0, 0), y >= 0
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert upper[:, 1].min() >= 0
    # lower: (1 - cos t, 0.5 - sin t) -> unit circle around (1, 0.5), y <= 0.5
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert lower[:, 1].max() <= 0.5 + 1e-12


def test_moons_noise_has_the_requested_spread():
    noisy, y = moons(4000, noise=0.2, seed=5)
    upper = noisy[y == 0]
    radial = np.hypot(upper[:, 0], upper[:, 1]) - 1  # ~ N(0, 0.2) along the normal
    assert abs(radial.std() - 0.2) < 0.02


def test_circles_radii():
    x, y = circles(60, noise=0.0, factor=0.3, seed=1)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    with pytest.raises(ValueError, match=r"factor=1.0 is out of range \(0, 1\)"):
        circles(10, factor=1.0)


def test_xor_labels_follow_the_gate_of_the_nearest_corner():
    x, y = xor(400, noise=0.1, seed=2)
    corner = np.round(x).clip(0, 1).astype(int)  # noise 0.1 < 0.5: nearest corner is the origin
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])
    gate_x, gate_y = logic_gate("xor")
    clean_x, clean_y = xor(4, noise=0.0, seed=0)
    assert sorted(zip(map(tuple, clean_x), clean_y, strict=True)) == sorted(
        zip(map(tuple, gate_x), gate_y, strict=True)
    )


def test_spiral_points_by_hand():
    x, y = spiral(6, n_classes=2, noise=0.0, seed=0)
    # arm k, fraction r in {0, 0.5, 1}: r * (cos a, sin a), a = pi k + 3 pi r
    expected = {
        (0, (0.0, 0.0)), (0, (0.0, -0.5)), (0, (-1.0, 0.0)),  # a = 0, 1.5 pi, 3 pi
        (1, (0.0, 0.0)), (1, (0.0, 0.5)), (1, (1.0, 0.0)),  # a = pi, 2.5 pi, 4 pi
    }  # fmt: skip
    got = {(int(label), tuple(np.round(p, 12) + 0.0)) for label, p in zip(y, x, strict=True)}
    assert got == expected


def test_spiral_classes():
    _x, y = spiral(301, n_classes=3, seed=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        spiral(10, n_classes=1)


def test_blobs_cluster_around_their_centres():
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    x, y = blobs(3000, centers=centres, noise=0.5, seed=0)
    for k in range(3):
        part = x[y == k]
        # the mean of 1000 N(c, 0.5^2) points is within 4 * 0.5 / sqrt(1000) = 0.063 of c
        assert np.abs(part.mean(axis=0) - centres[k]).max() < 0.063
        assert np.abs(part.std(axis=0) - 0.5).max() < 0.03


def test_blobs_default_centres_on_a_circle_of_radius_5():
    x, y = blobs(4, centers=4, noise=0.0, seed=0)
    assert sorted(map(tuple, x[np.argsort(y)].round(12) + 0.0)) == sorted(
        [(5.0, 0.0), (0.0, 5.0), (-5.0, 0.0), (0.0, -5.0)]
    )
    with pytest.raises(ValueError, match=r"centers must have shape \(n_classes, 2\)"):
        blobs(10, centers=np.zeros((3, 3)))


def test_lecture_data_unchanged():
    x, y = lecture_groups()
    assert x.shape == (12, 2) and y.sum() == 6
    assert logic_gate("AND")[1].tolist() == [0, 0, 0, 1]
