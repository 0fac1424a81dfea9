"""Initialisers: limits, standard deviations, fans, seeded repeatability, names."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Ones,
    Zeros,
    get,
)

FAN_IN, FAN_OUT = 300, 200  # 60,000 draws: the sample std is within ~0.3 % of the true one


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("glorot_uniform", np.sqrt(6 / (FAN_IN + FAN_OUT))),  # sqrt(6 / 500) = 0.10954
        ("he_uniform", np.sqrt(6 / FAN_IN)),  # sqrt(6 / 300) = 0.14142
    ],
)
def test_uniform_limits_and_std(rng, name, limit):
    w = get(name)((FAN_IN, FAN_OUT), rng)
    assert w.shape == (FAN_IN, FAN_OUT) and w.dtype == np.float32
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # the whole interval is used
    # uniform on [-a, a]: std = a / sqrt(3)
    assert w.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert abs(w.mean()) < 0.01 * limit


@pytest.mark.parametrize(
    ("name", "std"),
    [
        ("glorot_normal", np.sqrt(2 / (FAN_IN + FAN_OUT))),  # sqrt(2 / 500) = 0.06325
        ("he_normal", np.sqrt(2 / FAN_IN)),  # sqrt(2 / 300) = 0.08165
    ],
)
def test_truncated_normal_std_and_cut(rng, name, std):
    w = get(name)((FAN_IN, FAN_OUT), rng)
    # The truncated distribution itself has the target std (Keras's correction 1 / 0.8796).
    assert w.std() == pytest.approx(std, rel=0.02)
    # Cut at two standard deviations of the underlying normal: 2 std / 0.87962566.
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 * (1 + 1e-6)
    assert abs(w.mean()) < 0.02 * std


def test_fans_of_vectors_and_conv_kernels(rng):
    # 1-D: fan_in = fan_out = 10: limit sqrt(6 / 20)
    assert np.abs(GlorotUniform()((10,), rng)).max() <= np.sqrt(6 / 20)
    # (3, 3, 4, 8): receptive field 9, fan_in = 36, fan_out = 72; he_uniform limit sqrt(6/36)
    w = HeUniform()((3, 3, 4, 8), rng)
    assert np.abs(w).max() <= np.sqrt(6 / 36) and np.abs(w).max() > 0.9 * np.sqrt(6 / 36)
    assert np.abs(w).max() > np.sqrt(6 / 72)  # so it did not use fan_out


def test_zeros_and_ones(rng):
    np.testing.assert_array_equal(Zeros()((2, 3), rng), np.zeros((2, 3)))
    np.testing.assert_array_equal(Ones()((4,), rng, np.float64), np.ones(4))
    assert Ones()((4,), rng, np.float64).dtype == np.float64


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"])
def test_seeded_repeatability(name):
    init = get(name)
    a = init((20, 10), np.random.default_rng(42))
    b = init((20, 10), np.random.default_rng(42))
    c = init((20, 10), np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dense_weights_repeat_with_set_random_seed():
    def weights():
        gn.utils.set_random_seed(7)
        model = gn.Sequential([gn.layers.Dense(5, input_shape=(3,)), gn.layers.Dense(2)])
        model.build()
        return model.get_weights()

    first, second = weights(), weights()
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.abs(first[0]).max() <= np.sqrt(6 / (3 + 5))  # glorot_uniform, Keras's default
    np.testing.assert_array_equal(first[1], np.zeros(5))  # bias "zeros"


def test_names_and_instances():
    assert isinstance(get("glorot_uniform"), GlorotUniform)
    assert isinstance(get("He_Normal"), HeNormal)
    assert isinstance(get(GlorotNormal), GlorotNormal)
    init = Ones()
    assert get(init) is init
    assert init.get_config() == "ones" and repr(init) == "Ones()"


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown initializer 'he_unifrom'\. Did you mean 'he_uniform'\? Valid names: "
        r"glorot_normal, glorot_uniform, he_normal, he_uniform, ones, zeros\.",
    ):
        get("he_unifrom")
    with pytest.raises(TypeError, match="initializer must be a name or a Initializer, got"):
        get(3)
