"""Activations: values worked out by hand, derivatives and backward() by central differences,
stability at +-1000, name lookup, dtypes and shapes."""

import math

import numpy as np
import pytest

from glassnet import activations

ELEMENTWISE = ["linear", "sigmoid", "tanh", "relu", "step", "sign"]
SMOOTH = ["linear", "sigmoid", "tanh"]
EPS = 1e-6


def central_difference(f, z, eps=EPS):
    """df/dz elementwise, by (f(z + eps) - f(z - eps)) / (2 eps), in float64."""
    return (f(z + eps) - f(z - eps)) / (2 * eps)


# -- values by hand --------------------------------------------------------------------


def test_values_by_hand():
    z = np.array([-2.0, 0.0, 1.0])
    np.testing.assert_array_equal(activations.get("linear")(z), [-2.0, 0.0, 1.0])
    np.testing.assert_allclose(
        activations.get("sigmoid")(z),
        [1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-1)],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        activations.get("tanh")(z),
        [
            (math.e**-2 - math.e**2) / (math.e**-2 + math.e**2),
            0.0,
            (math.e - 1 / math.e) / (math.e + 1 / math.e),
        ],
        rtol=1e-15,
    )
    np.testing.assert_array_equal(activations.get("relu")(z), [0.0, 0.0, 1.0])


def test_step_and_sign_at_zero_follow_the_lecture():
    z = np.array([-1e-12, 0.0, 1e-12])
    # The lecture's first example: 1 if z >= 0; its Python code: 1 if z > 0 else -1.
    np.testing.assert_array_equal(activations.get("step")(z), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(activations.get("sign")(z), [-1.0, -1.0, 1.0])


def test_softmax_by_hand():
    # exp([0, ln 2, ln 5]) = [1, 2, 5], sum 8.
    s = activations.get("softmax")(np.array([[0.0, math.log(2), math.log(5)]]))
    np.testing.assert_allclose(s, [[1 / 8, 2 / 8, 5 / 8]], rtol=1e-14)


def test_derivatives_by_hand():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(activations.get("linear").derivative(z), [1, 1, 1])
    np.testing.assert_allclose(activations.get("sigmoid").derivative([0.0]), [0.25])
    np.testing.assert_allclose(activations.get("tanh").derivative([0.0]), [1.0])
    np.testing.assert_array_equal(activations.get("relu").derivative(z), [0, 0, 1])
    np.testing.assert_array_equal(activations.get("step").derivative(z), [0, 0, 0])
    np.testing.assert_array_equal(activations.get("sign").derivative(z), [0, 0, 0])


# -- derivatives by central differences ------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name, rng):
    function = activations.get(name)
    z = rng.uniform(-4, 4, size=(7, 3))
    # Keep away from the kinks of relu/step/sign, where the difference quotient jumps.
    z[np.abs(z) < 1e-3] = 0.5
    numeric = central_difference(function, z)
    np.testing.assert_allclose(function.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_backward_matches_central_difference_of_a_weighted_sum(name, rng):
    """backward(g) must equal d(sum(g * f(z)))/dz, computed numerically."""
    function = activations.get(name)
    z = rng.uniform(-4, 4, size=(2, 5))
    z[np.abs(z) < 1e-3] = 0.5
    g = rng.normal(size=z.shape)
    numeric = central_difference(lambda v: g * function(v), z)  # elementwise, so per entry
    got = function.backward(g.copy(), z, function(z))
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)


def test_softmax_jacobian_matches_central_difference(rng):
    softmax = activations.get("softmax")
    z = rng.normal(size=(3, 4))
    jacobian = softmax.derivative(z)  # (3, 4, 4): J[b, i, j] = d s_i / d z_j
    assert jacobian.shape == (3, 4, 4)
    for j in range(4):
        step = np.zeros_like(z)
        step[:, j] = EPS
        column = (softmax(z + step) - softmax(z - step)) / (2 * EPS)  # d s / d z_j, (3, 4)
        np.testing.assert_allclose(jacobian[:, :, j], column, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("batch", [1, 2, 7])
def test_softmax_backward_is_the_vector_jacobian_product(batch, rng):
    softmax = activations.get("softmax")
    z = rng.normal(size=(batch, 5))
    g = rng.normal(size=(batch, 5))
    # Second method 1: the explicit Jacobian, g @ J per row.
    explicit = np.einsum("bi,bij->bj", g, softmax.derivative(z))
    # Second method 2: central differences of the scalar sum(g * softmax(z)).
    numeric = np.zeros_like(z)
    for j in range(5):
        step = np.zeros_like(z)
        step[:, j] = EPS
        numeric[:, j] = (
            np.sum(g * softmax(z + step), axis=1) - np.sum(g * softmax(z - step), axis=1)
        ) / (2 * EPS)
    got = softmax.backward(g.copy(), z, softmax(z))
    assert got.shape == (batch, 5)
    np.testing.assert_allclose(got, explicit, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-9)


# -- stability -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_no_overflow_warning_or_nan_at_plus_minus_1000(name):
    # conftest sets np.seterr(all="raise"): any overflow or invalid value fails the test.
    function = activations.get(name)
    z = np.array([[-1000.0, 0.0, 1000.0]])
    value = function(z)
    slope = function.derivative(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(slope))


def test_sigmoid_and_tanh_saturate_exactly():
    np.testing.assert_array_equal(activations.get("sigmoid")([-1000.0, 1000.0]), [0.0, 1.0])
    np.testing.assert_array_equal(activations.get("tanh")([-1000.0, 1000.0]), [-1.0, 1.0])
    np.testing.assert_array_equal(activations.get("sigmoid").derivative([-1000.0, 1000.0]), [0, 0])


def test_softmax_of_huge_logits_is_exact():
    np.testing.assert_array_equal(
        activations.get("softmax")(np.array([[1000.0, -1000.0]])), [[1.0, 0.0]]
    )
    np.testing.assert_allclose(
        activations.get("softmax")(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]]
    )


# -- names, dtypes, shapes -------------------------------------------------------------


def test_names_and_lookup():
    lecture = ["linear", "sigmoid", "tanh", "relu", "step", "sign", "softmax"]
    assert list(activations.LECTURE_NAMES) == activations.names()[:7] == lecture
    assert activations.get("ReLU").name == "relu"  # case-insensitive
    instance = activations.Tanh()
    assert activations.get(instance) is instance
    assert activations.get(None).name == "linear"


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"Unknown activation 'rleu'.*relu.*Valid names: .*sigmoid"
    ):
        activations.get("rleu")
    with pytest.raises(TypeError, match="activation must be"):
        activations.get(3)


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
@pytest.mark.parametrize("shape", [(1, 4), (2, 4), (7, 4), (3, 2, 4)])
def test_shapes_and_float32_kept(name, shape, rng):
    function = activations.get(name)
    z = rng.normal(size=shape).astype(np.float32)
    y = function(z)
    assert y.shape == shape and y.dtype == np.float32
    grad = function.backward(np.ones(shape, dtype=np.float32), z, y)
    assert grad.shape == shape and grad.dtype == np.float32


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_out_argument_is_written_and_returned(name, rng):
    function = activations.get(name)
    z = rng.normal(size=(2, 3))
    out = np.empty_like(z)
    result = function(z, out=out)
    assert result is out
    np.testing.assert_allclose(out, function(z))


def test_integer_input_becomes_float():
    assert activations.get("relu")([-1, 2]).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_strict_mode_across_the_whole_range(name, dtype, rng):
    """Value, derivative and backward raise nothing (not even underflow) for z in [-1000, 1000]."""
    function = activations.get(name)
    z = np.linspace(-1000, 1000, 2001, dtype=dtype)[None, :]  # (1, 2001): one softmax row
    y = function(z)
    grad = function.backward(rng.normal(size=z.shape).astype(dtype), z, y)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(grad))
    if name != "softmax":  # its derivative is a (2001, 2001) Jacobian per row
        assert np.all(np.isfinite(function.derivative(z)))


def test_the_one_sigmoid_and_softmax_are_stable_and_used_by_the_classes():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(activations.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
        np.testing.assert_array_equal(
            activations.softmax([[1000.0, -1000.0], [0.0, 0.0]]), [[1.0, 0.0], [0.5, 0.5]]
        )
    z = np.linspace(-5, 5, 12).reshape(3, 4).astype(np.float32)
    np.testing.assert_array_equal(activations.get("sigmoid")(z), activations.sigmoid(z))
    np.testing.assert_array_equal(activations.get("softmax")(z), activations.softmax(z))
    assert activations.sigmoid(z).dtype == np.float32
    out = z.copy()
    assert activations.softmax(out, out=out) is out  # in place, as Dense uses it


def test_builtins_compute_backward_from_the_output_only():
    for name in activations.LECTURE_NAMES:
        assert activations.get(name).backward_needs_z is False, name
    assert activations.ActivationFunction.backward_needs_z is True
