"""Keras's activations beyond the lecture's table: values, derivatives, strictness, use."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import activations

NEW = ["elu", "selu", "gelu", "softplus", "silu", "leaky_relu", "hard_sigmoid", "exponential"]
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


# The definitions, one scalar at a time with Python's math (independent of the library).
FORMULAS = {
    "elu": lambda z: z if z > 0 else math.expm1(z),
    "selu": lambda z: SELU_SCALE * (z if z > 0 else SELU_ALPHA * math.expm1(z)),
    # z Phi(z), Phi(z) = erfc(-z / sqrt 2) / 2: the form that keeps its precision for z << 0
    "gelu": lambda z: 0.5 * z * math.erfc(-z / math.sqrt(2)),
    "softplus": lambda z: math.log1p(math.exp(z)) if z < 30 else z + math.log1p(math.exp(-z)),
    "silu": lambda z: z * _sigmoid(z),
    "leaky_relu": lambda z: z if z > 0 else 0.2 * z,
    "hard_sigmoid": lambda z: min(max(z / 6 + 0.5, 0.0), 1.0),
    "exponential": math.exp,
}
# Away from kinks (0 for elu/leaky_relu, +-3 for hard_sigmoid): differences see one branch.
GRID = np.array([-7.3, -3.4, -2.1, -0.9, -0.3, -0.01, 0.02, 0.4, 1.1, 2.6, 3.3, 6.8])


@pytest.mark.parametrize("name", NEW)
def test_values_match_the_definitions_in_float64(name):
    function = activations.get(name)
    expected = [FORMULAS[name](float(z)) for z in GRID]
    np.testing.assert_allclose(function(GRID), expected, rtol=1e-14, atol=1e-300)
    if name == "gelu":  # the textbook 1 + erf form agrees up to its cancellation
        erf_form = [0.5 * z * (1 + math.erf(z / math.sqrt(2))) for z in GRID]
        np.testing.assert_allclose(function(GRID), erf_form, rtol=1e-12, atol=1e-16)
    # ... and the plain function of the same name gives the same numbers
    np.testing.assert_array_equal(getattr(activations, name)(GRID), function(GRID))


@pytest.mark.parametrize("name", NEW)
def test_derivative_and_backward_match_central_differences(name, rng):
    function = activations.get(name)
    eps = 1e-6
    numeric = (function(GRID + eps) - function(GRID - eps)) / (2 * eps)
    np.testing.assert_allclose(function.derivative(GRID), numeric, rtol=1e-7, atol=1e-9)
    upstream = rng.normal(size=GRID.shape)
    z = GRID.copy()
    y = function(z)
    back = function.backward(upstream.copy(), None if not function.backward_needs_z else z, y)
    np.testing.assert_allclose(back, upstream * numeric, rtol=1e-7, atol=1e-9)


def test_keras_defaults_and_choices():
    assert activations.leaky_relu(np.array([-1.0]))[0] == -0.2  # Keras 3's 0.2, not 0.3
    assert activations.hard_sigmoid(np.array([1.5]))[0] == 0.75  # relu6(x + 3) / 6
    assert activations.elu(np.array([-1.0]))[0] == pytest.approx(math.expm1(-1))  # alpha 1
    assert activations.elu(np.array([-1.0]), alpha=2.0)[0] == pytest.approx(2 * math.expm1(-1))
    assert activations.selu(np.array([1.0]))[0] == pytest.approx(SELU_SCALE)
    assert activations.get("swish").name == "silu" and activations.swish is activations.silu
    assert activations.GELU().approximate is False  # Keras's gelu default: the erf form


def test_gelu_approximate_is_the_tanh_form(rng):
    z = rng.normal(size=20) * 3
    c = math.sqrt(2 / math.pi)
    expected = 0.5 * z * (1 + np.tanh(c * (z + 0.044715 * z**3)))
    np.testing.assert_allclose(activations.gelu(z, approximate=True), expected, rtol=1e-14)
    function = activations.GELU(approximate=True)
    eps = 1e-6
    numeric = (function(z + eps) - function(z - eps)) / (2 * eps)
    np.testing.assert_allclose(function.derivative(z), numeric, rtol=1e-7, atol=1e-9)


def test_gelu_is_exact_to_float32_in_the_tails():
    """erfc keeps the relative precision where 1 + erf(z / sqrt 2) cancels: float32 results
    are the float64 value correctly rounded (within one float32 step)."""
    z32 = np.linspace(-12, 12, 2401).astype(np.float32)
    z = z32.astype(np.float64)  # the same numbers, exactly
    exact = np.array([0.5 * v * math.erfc(-v / math.sqrt(2)) for v in z])  # float64
    ours = activations.gelu(z32)
    assert ours.dtype == np.float32
    nonzero = np.abs(exact) > np.finfo(np.float32).tiny
    relative = np.abs(ours[nonzero].astype(np.float64) - exact[nonzero]) / np.abs(exact[nonzero])
    assert relative.max() <= np.finfo(np.float32).eps  # gelu(-12) is -2.1e-32, still exact
    np.testing.assert_allclose(activations.gelu(z), exact, rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NEW)
def test_quiet_in_strict_floating_point_up_to_1e4(name, dtype, rng):
    """conftest makes every floating-point error raise: nothing overflows, no invalid
    operation, and the harmless underflow (e^z -> 0) is not reported either."""
    tiny = np.finfo(dtype).tiny
    z = np.concatenate(
        [np.linspace(-1e4, 1e4, 2001), [-tiny, tiny, -tiny / 8, tiny / 8, 0.0, -0.0]]
    ).astype(dtype)
    function = activations.get(name)
    y = function(z)
    grad = function.backward(rng.normal(size=z.shape).astype(dtype), z, y)
    slope = function.derivative(z)
    assert y.dtype == grad.dtype == slope.dtype == dtype
    if name == "exponential":  # e^z is +inf past float's range, as Keras's: quietly
        limit = np.log(np.finfo(dtype).max)  # 88.7 in float32, 709.8 in float64
        assert np.isposinf(y[z > limit]).all() and np.isfinite(y[z < limit]).all()
    else:
        assert np.isfinite(y).all() and np.isfinite(grad).all() and np.isfinite(slope).all()


@pytest.mark.parametrize("name", NEW)
def test_shapes_out_and_float32(name, rng):
    function = activations.get(name)
    for shape in [(1, 4), (2, 4), (7, 4)]:
        z = rng.normal(size=shape).astype(np.float32)
        out = np.empty_like(z)
        assert function(z, out=out) is out
        np.testing.assert_array_equal(out, function(z))
    assert function([-1, 2]).dtype == np.float64  # integers become float64


@pytest.mark.parametrize("name", NEW)
def test_dense_gradients_with_each_activation(name):
    gn.utils.set_random_seed(1)
    layer = gn.layers.Dense(3, activation=name, input_shape=(4,))
    x = np.random.default_rng(2).normal(size=(5, 4))
    report = gn.testing.check_gradients(layer, x, np.zeros((5, 3)), loss="mse")
    assert report.passed, report


def test_plain_functions_work_as_activation_arguments(tmp_path):
    layer = gn.layers.Dense(4, activation=gn.activations.elu, input_shape=(3,))
    assert isinstance(layer.activation, activations.ELU)
    assert layer.get_config()["activation"] == "elu"
    assert gn.layers.Dense(2, activation=gn.activations.relu).activation.name == "relu"
    assert gn.layers.Activation(gn.activations.gelu).activation.name == "gelu"
    with pytest.raises(TypeError, match="a function of your own has no derivative"):
        gn.layers.Dense(2, activation=lambda z: z)


def test_non_default_arguments_are_saved_and_loaded(tmp_path):
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [
            gn.layers.Dense(4, activation=activations.ELU(alpha=0.5), input_shape=(3,)),
            gn.layers.Dense(4, activation=activations.LeakyReLU(negative_slope=0.1)),
            gn.layers.Dense(2, activation=activations.GELU(approximate=True)),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(6, 3))
    model.fit(x, np.zeros((6, 2)), epochs=1, verbose=0)
    path = tmp_path / "model.npz"
    model.save(str(path))
    loaded = gn.load_model(str(path))
    got = [leaf.activation.get_config() for leaf in loaded.layers]
    assert got == [{"alpha": 0.5}, {"negative_slope": 0.1}, {"approximate": True}]
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert activations.serialize(activations.ELU()) == "elu"  # defaults: just the name


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"alpha=-1\.0 is out of range"):
        activations.ELU(alpha=-1)
    with pytest.raises(ValueError, match=r"negative_slope=-0\.1 is out of range"):
        activations.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(TypeError, match="approximate must be True or False"):
        activations.GELU(approximate="yes")
    with pytest.raises(ValueError, match=r"Unknown activation 'eluu'\. Did you mean 'elu'"):
        activations.get({"class_name": "eluu", "config": {}})


def test_an_elu_network_learns_xor():
    gn.utils.set_random_seed(0)
    x, y = gn.datasets.logic_gate("xor")
    model = gn.Sequential(
        [gn.layers.Dense(8, activation="elu", input_shape=(2,)), gn.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer=gn.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    assert (model.predict(x)[:, 0] > 0.5).astype(int).tolist() == y.ravel().astype(int).tolist()


def test_values_match_keras():
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    z = np.linspace(-6, 6, 25).astype(np.float32)
    for name in NEW:
        theirs = np.asarray(getattr(keras.activations, name)(z))
        np.testing.assert_allclose(getattr(activations, name)(z), theirs, rtol=2e-6, atol=1e-7)
