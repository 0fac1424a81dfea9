"""Strict floating point: the public API never raises FloatingPointError for a harmless
underflow, on any CPU. The suite runs with np.seterr(all="raise") (conftest.py); these tests
push the numbers to where float32 underflows: logits up to 1e4 apart, one class ahead by 100+.

Which BLAS kernel runs differs between CPUs, so a test that passes only because this machine's
kernel happens not to underflow proves nothing. The inputs here underflow in NumPy's own
element-wise code (exp, divide, multiply), which is the same on every x86 CPU.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import glassnet as gn

LOSSES = [
    gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    gn.losses.SparseCategoricalCrossentropy(),
    gn.losses.CategoricalCrossentropy(from_logits=True),
    gn.losses.CategoricalCrossentropy(),
    gn.losses.BinaryCrossentropy(from_logits=True),
    gn.losses.BinaryCrossentropy(),
    gn.losses.MeanSquaredError(),
    gn.losses.MeanAbsoluteError(),
]


def extreme_logits(rows: int, classes: int, dtype) -> st.SearchStrategy:
    """Rows of logits in [-1e4, 1e4] where one class leads the others by 100 or more."""
    base = arrays(dtype, (rows, classes), elements=st.floats(-1e4, 1e4, width=32))
    lead = st.floats(100, 1e4, width=32)
    winner = st.integers(0, classes - 1)

    def dominate(z, margin, k):
        z = z.copy()
        z[:, k] = z.max(axis=1) + margin
        return np.clip(z, -1e4, 1e4)

    return st.builds(dominate, base, lead, winner)


def targets_for(loss, outputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    if loss.accuracy_kind == "sparse":
        return labels
    if loss.accuracy_kind == "categorical":
        return np.eye(outputs.shape[1], dtype=np.float32)[labels]
    return (labels % 2).astype(np.float32).reshape(-1, 1).repeat(outputs.shape[1], axis=1)


@settings(max_examples=60, deadline=None)
@given(
    z=extreme_logits(8, 10, np.float32),
    labels=arrays(np.int64, 8, elements=st.integers(0, 9)),
    weighted=st.booleans(),
)
def test_losses_on_extreme_logits_are_finite_and_quiet(z, labels, weighted):
    weights = np.linspace(0.5, 2.0, len(z)) if weighted else None
    probabilities = gn.activations.Softmax()(z)
    for loss in LOSSES:
        outputs = z if loss.from_logits or loss.accuracy_kind is None else probabilities
        if loss.accuracy_kind == "binary" and not loss.from_logits:
            outputs = gn.activations.Sigmoid()(z)
        y = targets_for(loss, outputs, labels)
        value, grad = loss.loss_and_gradient(*loss.prepare(y, outputs), weights)
        assert np.isfinite(value), loss
        assert np.all(np.isfinite(grad)), loss
        assert grad.dtype == np.float32, loss
        assert np.isfinite(loss(y, outputs)), loss


@settings(max_examples=60, deadline=None)
@given(
    z=extreme_logits(6, 5, np.float32),
    grad=arrays(np.float32, (6, 5), elements=st.floats(-1, 1, width=32)),
)
def test_activations_on_extreme_logits_are_finite_and_quiet(z, grad):
    for name in gn.activations.names():
        if name == "exponential":  # e^z overflows to inf by definition (tests/engine/
            continue  # test_new_activations.py checks it stays quiet)
        activation = gn.activations.get(name)
        y = activation(z)
        assert np.all(np.isfinite(y)), name
        back = activation.backward(grad.copy(), z, y)
        assert np.all(np.isfinite(back)), name


def test_fused_softmax_cross_entropy_underflow_is_quiet():
    # The reported AMD failure: exp(-100) = 3.7e-44 is subnormal in float32, and dividing it
    # by the row sum times N rounds to 0. That is the right gradient, not an error.
    z = np.array([[100.0, 0.0, -50.0]] * 32, dtype=np.float32)
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    value, grad = loss.loss_and_gradient(np.zeros(32, dtype=np.intp), z)
    assert value == pytest.approx(0.0, abs=1e-6)
    assert grad[0, 2] == 0.0 and grad[0, 0] == pytest.approx(0.0, abs=1e-7)


def dominant_model(seed: int) -> gn.Sequential:
    """A model whose logits for a class lead by hundreds: outputs whose softmax underflows."""
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [gn.layers.Dense(8, activation="relu", input_shape=(4,)), gn.layers.Dense(3)]
    )
    model.compile(
        optimizer=gn.optimizers.SGD(1e-6),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    kernel, bias, out_kernel, out_bias = model.get_weights()
    model.set_weights([np.abs(kernel) * 30, bias, out_kernel * 0 + [[40, 0, -40]], out_bias])
    return model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_model_api_is_quiet_where_softmax_underflows(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 2, size=(64, 4)).astype(np.float32)
    y = np.zeros(64, dtype=np.intp)
    model = dominant_model(seed)
    history = model.fit(x, y, validation_data=(x, y), epochs=2, batch_size=16, verbose=0)
    assert np.isfinite(history.history["val_loss"]).all()
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert np.isfinite(loss) and accuracy == 1.0
    probabilities = gn.Sequential([model, gn.layers.Softmax()]).predict(x)
    assert np.all(np.isfinite(probabilities))
    assert probabilities[:, 2].max() == 0.0  # exp(-hundreds) is 0 in float32, quietly
    out = model.forward(x, training=True)
    _, grad = model.loss.loss_and_gradient(y, out)
    model.backward(grad)
    gn.explain.forward(model, x[0])
    gn.explain.gradient(model, x[0], 0, layer=1, weight=(0, 2))
    gn.diagnose(history, data=(x, y), model=model)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lecture_model_on_fashion_mnist_is_quiet_in_strict_mode(seed):
    (x_train, y_train), (x_test, y_test) = gn.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train[:3000] / 255.0, x_test[:1000] / 255.0
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(28, 28)),
            gn.layers.Dense(128, activation="relu"),
            gn.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    with np.errstate(all="raise"):
        history = model.fit(
            x_train, y_train[:3000], validation_data=(x_test, y_test[:1000]), epochs=3, verbose=0
        )
        loss, accuracy = model.evaluate(x_test, y_test[:1000], verbose=0)
        probabilities = gn.Sequential([model, gn.layers.Softmax()]).predict(x_test)
        gn.diagnose(history, data=(x_train, y_train[:3000]), model=model)
    assert accuracy > 0.7 and np.isfinite(loss)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_perceptron_is_quiet_with_huge_and_tiny_inputs():
    x = np.array([[1e-30, -1e-30], [1e30, 1e-30], [-1e-38, 1e-38]])
    y = np.array([1, 1, 0])
    p = gn.Perceptron(weights=[1e-10, -1e-10], bias_weight=1e-20, activation="step")
    with pytest.warns(gn.perceptron.ConvergenceWarning):  # not separable: said, not raised
        p.fit(x, y, epochs=3, learning_rate=1e-10)
    p.predict(x)
    p.score(x, y)
    p.explain(x[0])
