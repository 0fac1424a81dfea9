"""Layers: float64 finite-difference gradients, shapes, Dropout, a network by hand, errors."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.activations import names as activation_names
from glassnet.layers import Activation, Dense, Dropout, Flatten, Softmax, get
from glassnet.testing import check_gradients

SMOOTH = ["linear", "sigmoid", "tanh", "relu", "softmax"]


def _net(*layers):
    gn.utils.set_random_seed(0)
    model = gn.Sequential(list(layers))
    model.build()
    return model


# -- gradient checks, one layer at a time ---------------------------------------------------
@pytest.mark.parametrize("activation", activation_names())
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_gradients_for_every_activation(rng, activation, use_bias):
    model = _net(Dense(4, activation=activation, use_bias=use_bias, input_shape=(3,)))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    report = check_gradients(model, x, y, loss="mse")
    expected = {"kernel", "input"} | ({"bias"} if use_bias else set())
    assert {name.split("/")[-1] for name in report.relative_errors} == expected
    assert report.worst < 1e-6, report
    if activation in ("step", "sign"):  # flat almost everywhere: no gradient at all
        assert all(error == 0.0 for error in report.max_abs_errors.values())


@pytest.mark.parametrize("activation", activation_names())
def test_activation_layer_input_gradient(rng, activation):
    model = _net(Activation(activation, input_shape=(4,)))
    report = check_gradients(model, rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), loss="mse")
    assert list(report.relative_errors) == ["input"]
    assert report.worst < 1e-6, report


def test_softmax_layer_input_gradient(rng):
    model = _net(Softmax(input_shape=(5,)))
    labels = rng.integers(0, 5, size=4)
    report = check_gradients(
        model, rng.normal(size=(4, 5)), labels, loss="sparse_categorical_crossentropy"
    )
    assert report.worst < 1e-6, report


def test_flatten_input_gradient(rng):
    model = _net(Flatten(input_shape=(2, 3)))
    report = check_gradients(model, rng.normal(size=(3, 2, 3)), rng.normal(size=(3, 6)), loss="mse")
    assert report.worst < 1e-6, report


def test_dropout_input_gradient_with_its_mask(rng):
    model = _net(Dropout(0.5, seed=2, input_shape=(8,)))
    report = check_gradients(model, rng.normal(size=(4, 8)), rng.normal(size=(4, 8)), loss="mse")
    assert report.worst < 1e-6, report
    assert report.max_abs_errors["input"] < 1e-8


# -- gradient checks, layers combined ---------------------------------------------------------
NETWORKS = {
    "relu-linear": lambda: [Dense(5, activation="relu", input_shape=(4,)), Dense(3)],
    "flatten-tanh-sigmoid": lambda: [
        Flatten(input_shape=(2, 2)),
        Dense(6, activation="tanh"),
        Dense(3, activation="sigmoid"),
    ],
    "sigmoid-dropout-softmax": lambda: [
        Dense(6, activation="sigmoid", input_shape=(4,)),
        Dropout(0.3, seed=1),
        Dense(3, activation="softmax"),
    ],
    "three-dense-activation-layers": lambda: [
        Dense(5, input_shape=(4,)),
        Activation("tanh"),
        Dense(4, activation="relu"),
        Dense(3, use_bias=False),
        Softmax(),
    ],
}


CROSS_ENTROPIES = [
    gn.losses.SparseCategoricalCrossentropy(),
    gn.losses.CategoricalCrossentropy(),
    gn.losses.BinaryCrossentropy(),
]
# Every network with every regression loss; cross-entropies where the output is a probability.
CASES = [(name, loss) for name in sorted(NETWORKS) for loss in ["mse", "mae"]] + [
    (name, loss) for name in sorted(NETWORKS) if name != "relu-linear" for loss in CROSS_ENTROPIES
]


@pytest.mark.parametrize(("name", "loss"), CASES, ids=str)
def test_networks_of_two_and_three_layers(rng, name, loss):
    model = _net(*NETWORKS[name]())
    x = rng.normal(size=(5, *model.input_sample_shape))
    labels = rng.integers(0, 3, size=5)
    y = {
        "SparseCategoricalCrossentropy()": labels,
        "CategoricalCrossentropy()": np.eye(3)[labels],
        "BinaryCrossentropy()": rng.integers(0, 2, size=(5, 3)),
    }.get(str(loss), rng.normal(size=(5, 3)))
    report = check_gradients(model, x, y, loss=loss)
    assert len(report.relative_errors) == len(model.params) + 1  # every weight and the input
    assert report.worst < 1e-6, report


@pytest.mark.parametrize("from_logits_loss", ["sparse", "categorical", "binary"])
def test_logits_networks_with_fused_losses(rng, from_logits_loss):
    model = _net(Dense(5, activation="relu", input_shape=(3,)), Dense(4))
    labels = rng.integers(0, 4, size=6)
    loss, y = {
        "sparse": (gn.losses.SparseCategoricalCrossentropy(from_logits=True), labels),
        "categorical": (gn.losses.CategoricalCrossentropy(from_logits=True), np.eye(4)[labels]),
        "binary": (gn.losses.BinaryCrossentropy(from_logits=True), np.eye(4)[labels]),
    }[from_logits_loss]
    report = check_gradients(model, rng.normal(size=(6, 3)), y, loss=loss)
    assert report.worst < 1e-6, report


def test_nested_sequential_gradients(rng):
    inner = gn.Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(3)])
    inner.build()  # as the lecture's trained model is
    model = _net(inner, Softmax())
    report = check_gradients(
        model, rng.normal(size=(4, 3)), [0, 1, 2, 1], loss="sparse_categorical_crossentropy"
    )
    assert len(report.relative_errors) == 5 and report.worst < 1e-6, report


# -- shapes ---------------------------------------------------------------------------------------
LAYERS = {
    "flatten": (lambda: Flatten(), (2, 3), (6,)),
    "dense": (lambda: Dense(4, activation="relu"), (3,), (4,)),
    "dense-no-bias": (lambda: Dense(2, use_bias=False), (5,), (2,)),
    "dropout": (lambda: Dropout(0.5, seed=0), (3,), (3,)),
    "activation": (lambda: Activation("sigmoid"), (4,), (4,)),
    "softmax": (lambda: Softmax(), (4,), (4,)),
}


@pytest.mark.parametrize("batch", [1, 2, 7])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_shapes_at_batch_sizes_1_2_7(rng, kind, batch):
    make, input_shape, output_shape = LAYERS[kind]
    layer = make()
    layer.build(input_shape, rng=np.random.default_rng(0))
    assert layer.output_sample_shape == output_shape
    assert layer.output_shape == (None, *output_shape)  # as Keras reports it
    x = rng.normal(size=(batch, *input_shape)).astype(np.float32)
    out = layer.forward(x, training=True)
    assert out.shape == (batch, *output_shape)
    grad_in = layer.backward(np.ones_like(out))
    assert grad_in.shape == x.shape
    for key, value in layer.params.items():
        assert layer.grads[key].shape == value.shape and value.dtype == np.float32
    assert layer.forward(x, training=False).shape == (batch, *output_shape)


def test_dense_backward_assigns_not_accumulates(rng):
    layer = Dense(3, input_shape=(2,))
    layer.build((2,), rng=np.random.default_rng(0))
    x = rng.normal(size=(4, 2)).astype(np.float32)
    layer.forward(x, training=True)
    layer.backward(np.ones((4, 3), np.float32))
    first = {k: v.copy() for k, v in layer.grads.items()}
    layer.forward(x, training=True)
    layer.backward(np.ones((4, 3), np.float32))
    for key in first:
        np.testing.assert_array_equal(layer.grads[key], first[key])
    # dL/dbias = column sums of ones over 4 samples = 4; dL/dkernel = x^T @ ones.
    np.testing.assert_array_equal(first["bias"], [4, 4, 4])
    np.testing.assert_allclose(first["kernel"], x.T @ np.ones((4, 3)), rtol=1e-6)


# -- Dropout --------------------------------------------------------------------------------------
def test_dropout_scales_kept_units_in_training():
    layer = Dropout(0.25, seed=0)
    x = np.ones((200, 50), dtype=np.float32)
    out = layer(x, training=True)
    kept = out != 0
    # Kept values are 1 / (1 - 0.25) = 4/3; the expected sum is unchanged.
    np.testing.assert_allclose(out[kept], 4 / 3, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.01  # 10,000 draws: std of the mean ~0.0043
    assert abs(out.mean() - 1.0) < 0.015


def test_dropout_is_identity_in_inference_and_at_rate_zero(rng):
    x = rng.normal(size=(3, 4)).astype(np.float32)
    assert Dropout(0.5, seed=0)(x, training=False) is x
    zero = Dropout(0.0, seed=0)
    assert zero(x, training=True) is x
    assert zero.backward(x) is x


def test_dropout_gradient_is_the_mask(rng):
    layer = Dropout(0.5, seed=4)
    x = rng.uniform(1, 2, size=(6, 5)).astype(np.float32)  # never 0, so mask = out / x
    out = layer(x, training=True)
    mask = out / x
    assert set(np.unique(mask.round(5))) <= {0.0, 2.0}
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), mask, rtol=1e-6)


def test_dropout_seed_repeats_masks():
    x = np.ones((4, 6), dtype=np.float32)
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    np.testing.assert_array_equal(a(x, training=True), b(x, training=True))
    np.testing.assert_array_equal(a(x, training=True), b(x, training=True))


# -- a network worked out by hand ---------------------------------------------------------------
def test_two_layer_network_by_hand():
    model = gn.Sequential([Dense(2, activation="relu", input_shape=(2,)), Dense(1)])
    model.build()
    model.set_weights(
        [
            np.array([[1.0, -1.0], [0.5, 2.0]]),  # kernel 1 (inputs x units)
            np.array([0.0, 1.0]),  # bias 1
            np.array([[1.0], [-2.0]]),  # kernel 2
            np.array([0.5]),  # bias 2
        ]
    )
    x = np.array([[2.0, 1.0]], dtype=np.float32)
    # z1 = [2*1 + 1*0.5 + 0, 2*(-1) + 1*2 + 1] = [2.5, 1.0]; relu keeps both: h = [2.5, 1.0]
    # out = 2.5*1 + 1.0*(-2) + 0.5 = 1.0
    out = model.forward(x, training=True)
    np.testing.assert_allclose(out, [[1.0]])
    # MSE against y = 3: loss = (1 - 3)^2 = 4, dL/dout = 2 (1 - 3) = -4
    loss, grad = gn.losses.MeanSquaredError().loss_and_gradient(np.array([[3.0]]), out)
    assert loss == 4.0
    np.testing.assert_allclose(grad, [[-4.0]])
    grad_x = model.backward(grad)
    first, second = model.leaves()
    # dL/dkernel2 = h^T (-4) = [[-10], [-4]]; dL/dbias2 = -4
    np.testing.assert_allclose(second.grads["kernel"], [[-10.0], [-4.0]])
    np.testing.assert_allclose(second.grads["bias"], [-4.0])
    # dL/dh = -4 [1, -2] = [-4, 8]; relu' = [1, 1]: dL/dz1 = [-4, 8]
    # dL/dkernel1 = x^T dz1 = [[2*(-4), 2*8], [1*(-4), 1*8]]; dL/dbias1 = [-4, 8]
    np.testing.assert_allclose(first.grads["kernel"], [[-8.0, 16.0], [-4.0, 8.0]])
    np.testing.assert_allclose(first.grads["bias"], [-4.0, 8.0])
    # dL/dx = dz1 @ kernel1^T = [-4*1 + 8*(-1), -4*0.5 + 8*2] = [-12, 14]
    np.testing.assert_allclose(grad_x, [[-12.0, 14.0]])


# -- configuration and bad input ------------------------------------------------------------------
def test_parameter_counts_and_config():
    dense = Dense(128, activation="relu")
    dense.build((784,))
    assert dense.count_params() == 784 * 128 + 128
    config = dense.get_config()
    assert config["units"] == 128 and config["activation"] == "relu"
    assert config["kernel_initializer"] == "glorot_uniform"
    assert Dropout(0.2, seed=3).get_config()["rate"] == 0.2
    assert "activation" not in Softmax().get_config()
    assert get("Dropout") is Dropout


def test_dense_without_flatten_suggests_flatten():
    with pytest.raises(
        ValueError, match=r"got samples shaped \(28, 28\)\. Add Flatten\(\) first\?"
    ):
        Dense(10).build((28, 28))
    model = gn.Sequential([Dense(10, input_shape=(28, 28))])
    with pytest.raises(ValueError, match=r"Add Flatten\(\) first\?"):
        model.build()


def test_dense_wrong_input_width():
    layer = Dense(3, name="hidden")
    layer.build((4,))
    with pytest.raises(
        ValueError,
        match=r"Dense 'hidden' expected inputs with last dimension 4, got shape \(2, 5\)\.$",
    ):
        layer.forward(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)\. Add Flatten\(\) first\?"):
        layer.forward(np.zeros((2, 2, 2), np.float32))


def test_bad_layer_arguments():
    with pytest.raises(ValueError, match="units must be an integer >= 1, got 0"):
        Dense(0)
    with pytest.raises(TypeError, match="units must be an integer >= 1, got"):
        Dense(2.5)
    with pytest.raises(ValueError, match=r"rate=1.0 is out of range \[0, 1\)"):
        Dropout(1.0)
    with pytest.raises(ValueError, match=r"rate=-0.1 is out of range \[0, 1\)"):
        Dropout(-0.1)
    with pytest.raises(ValueError, match="input_shape entries must be an integer >= 1, got 0"):
        Flatten(input_shape=(0, 2))
    with pytest.raises(TypeError, match="input_shape must be a tuple of positive integers"):
        Flatten(input_shape=2.5)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(
        ValueError,
        match=r"Unknown activation 'relux'\. Did you mean 'relu'\? Valid names: linear, relu, "
        r"sigmoid, sign, softmax, step, tanh\.",
    ):
        Dense(3, activation="relux")
    with pytest.raises(ValueError, match=r"Unknown activation 'swish'\..*Valid names: linear"):
        Activation("swish")
    with pytest.raises(
        ValueError, match=r"Unknown initializer 'xavier'\. Valid names: glorot_normal"
    ):
        Dense(3, kernel_initializer="xavier")
    with pytest.raises(
        ValueError, match=r"Unknown layer 'Conv2D'\. Valid names: Activation, Dense, Dropout"
    ):
        get("Conv2D")


# -- the backward contract: need_input_grad, z for user activations -------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: Dense(3, activation="tanh", input_shape=(4,)),
        lambda: Flatten(input_shape=(4,)),
        lambda: Dropout(0.5, seed=1, input_shape=(4,)),
        lambda: Activation("relu", input_shape=(4,)),
    ],
    ids=["dense", "flatten", "dropout", "activation"],
)
def test_backward_skips_the_input_gradient_only_when_asked(rng, make):
    layer = make()
    layer.build((4,))
    out = layer.forward(rng.normal(size=(5, 4)).astype(np.float32), training=True)
    assert layer.backward(np.ones_like(out), need_input_grad=False) is None
    assert layer.backward(np.ones_like(out)).shape == (5, 4)  # the default: True
    if layer.params:  # the parameter gradients are assigned either way
        kernel_grad = layer.grads["kernel"].copy()
        layer.backward(np.ones_like(out), need_input_grad=False)
        np.testing.assert_array_equal(layer.grads["kernel"], kernel_grad)


class Cube(gn.activations.ActivationFunction):
    name, formula = "cube", "f(z) = z^3"

    def __call__(self, z, out=None):
        return np.power(z, 3, out=out)

    def derivative(self, z):
        return 3 * np.square(z)


def test_dense_keeps_z_for_a_user_activation_and_computes_builtins_in_place(rng):
    custom = Dense(3, activation=Cube(), input_shape=(2,))
    report = check_gradients(
        _net(custom), rng.normal(size=(4, 2)), rng.normal(size=(4, 3)), loss="mse"
    )
    assert report.passed, report
    builtin = Dense(3, activation="relu", input_shape=(2,))
    builtin.build((2,))
    y = builtin.forward(np.ones((4, 2), np.float32), training=True)
    z = builtin.weighted_sum(np.ones((4, 2), np.float32))
    assert np.shares_memory(y, builtin._buffers[(4, "z")])  # relu applied in place over z
    np.testing.assert_array_equal(y, np.maximum(z, 0))


def test_weighted_sum_is_x_times_kernel_plus_bias():
    layer = Dense(2, input_shape=(3,), bias_initializer="ones")
    layer.build((3,))
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    expected = x @ layer.params["kernel"] + 1.0
    np.testing.assert_allclose(layer.weighted_sum(x), expected, rtol=1e-6)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-6)  # linear: output = z


def test_sequential_is_registered_and_layers_come_back_from_their_config():
    assert get("Sequential") is gn.Sequential
    dense = Dense(4, activation="tanh", use_bias=False, input_shape=(3,), name="d")
    again = get("Dense").from_config(dense.get_config())
    assert again.get_config() == dense.get_config()
