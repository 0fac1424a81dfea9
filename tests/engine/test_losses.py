"""Losses: values by hand, gradients by finite differences, stability, sample weights, errors."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    get,
)


def _numeric_gradient(loss, y_true, y_pred, epsilon=1e-6):
    """Central differences of the mean loss with respect to every prediction, in float64."""
    y_pred = y_pred.astype(np.float64).copy()
    numeric = np.empty_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        original = y_pred[index]
        y_pred[index] = original + epsilon
        plus = loss.loss_and_gradient(y_true, y_pred)[0]
        y_pred[index] = original - epsilon
        minus = loss.loss_and_gradient(y_true, y_pred)[0]
        y_pred[index] = original
        numeric[index] = (plus - minus) / (2 * epsilon)
    return numeric


def _relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def _cases(rng):
    labels = rng.integers(0, 4, size=5)
    logits = rng.normal(size=(5, 4))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    sigmoid = 1 / (1 + np.exp(-logits))
    bits = rng.integers(0, 2, size=(5, 4)).astype(np.float64)
    values = rng.normal(size=(5, 4))
    return {
        "sparse": (SparseCategoricalCrossentropy(), labels, probabilities),
        "sparse-logits": (SparseCategoricalCrossentropy(from_logits=True), labels, logits),
        "categorical": (CategoricalCrossentropy(), np.eye(4)[labels], probabilities),
        "categorical-logits": (
            CategoricalCrossentropy(from_logits=True),
            np.eye(4)[labels],
            logits,
        ),
        "soft-targets-logits": (
            CategoricalCrossentropy(from_logits=True),
            probabilities[::-1].copy(),
            logits,
        ),
        "binary": (BinaryCrossentropy(), bits, sigmoid),
        "binary-logits": (BinaryCrossentropy(from_logits=True), bits, logits),
        "mse": (MeanSquaredError(), values, logits),
        "mae": (MeanAbsoluteError(), values, logits),
    }


CASE_NAMES = list(_cases(np.random.default_rng(0)))


@pytest.mark.parametrize("case", CASE_NAMES)
def test_gradient_matches_finite_differences(rng, case):
    loss, y_true, y_pred = _cases(rng)[case]
    y_true, y_pred = loss.prepare(y_true, y_pred)
    _, analytic = loss.loss_and_gradient(y_true, y_pred.copy())
    assert analytic.shape == y_pred.shape and analytic.dtype == np.float64
    assert _relative_error(analytic, _numeric_gradient(loss, y_true, y_pred)) < 1e-6


@pytest.mark.parametrize("case", CASE_NAMES)
def test_gradient_with_sample_weights(rng, case):
    loss, y_true, y_pred = _cases(rng)[case]
    y_true, y_pred = loss.prepare(y_true, y_pred)
    weights = np.array([0.5, 2.0, 1.0, 0.0, 3.0])
    value, analytic = loss.loss_and_gradient(y_true, y_pred.copy(), weights)
    per_sample = [loss.loss_and_gradient(y_true[i : i + 1], y_pred[i : i + 1])[0] for i in range(5)]
    # sum(w_i l_i) / N, Keras's default reduction
    assert value == pytest.approx(np.dot(weights, per_sample) / 5, rel=1e-12)

    class Weighted:
        def loss_and_gradient(self, t, p):
            return loss.loss_and_gradient(t, p, weights)

    numeric = _numeric_gradient(Weighted(), y_true, y_pred)
    assert _relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("batch", [1, 2, 7])
def test_shapes_at_batch_sizes_1_2_7(rng, batch):
    logits = rng.normal(size=(batch, 3)).astype(np.float32)
    labels = rng.integers(0, 3, size=batch)
    loss = SparseCategoricalCrossentropy(from_logits=True)
    value, grad = loss.loss_and_gradient(*loss.prepare(labels, logits))
    assert isinstance(value, float) and grad.shape == (batch, 3) and grad.dtype == np.float32
    # Each row of softmax(z) - onehot(y) sums to 0, then divided by the batch size.
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=1e-7)
    _, mse_grad = MeanSquaredError().loss_and_gradient(np.zeros((batch, 3)), logits)
    assert mse_grad.shape == (batch, 3)


# -- values by hand -------------------------------------------------------------------------
def test_mse_and_mae_by_hand():
    y_true = np.array([[1.0, 2.0], [0.0, -1.0]])
    y_pred = np.array([[1.5, 2.0], [2.0, -1.0]])
    # MSE: ((0.5^2 + 0) / 2 + (2^2 + 0) / 2) / 2 = (0.125 + 2) / 2 = 1.0625 (no factor 1/2)
    value, grad = MeanSquaredError().loss_and_gradient(y_true, y_pred)
    assert value == 1.0625
    # d/dpred = 2 (pred - true) / (outputs per sample 2 * batch 2) = (pred - true) / 2
    np.testing.assert_allclose(grad, [[0.25, 0.0], [1.0, 0.0]])
    # MAE: ((0.5 + 0) / 2 + (2 + 0) / 2) / 2 = 0.625; gradient sign(pred - true) / 4
    value, grad = MeanAbsoluteError().loss_and_gradient(y_true, y_pred)
    assert value == 0.625
    np.testing.assert_allclose(grad, [[0.25, 0.0], [0.25, 0.0]])


def test_cross_entropies_by_hand():
    # -log 0.7 for the true class of p = [0.2, 0.7, 0.1]
    p = np.array([[0.2, 0.7, 0.1]])
    assert SparseCategoricalCrossentropy()([1], p) == pytest.approx(-math.log(0.7), rel=1e-7)
    assert CategoricalCrossentropy()([[0, 1, 0]], p) == pytest.approx(-math.log(0.7), rel=1e-7)
    # Binary, p = 0.8: -log 0.8 for y = 1, -log 0.2 for y = 0; mean over both samples
    value = BinaryCrossentropy()(np.array([1, 0]), np.array([[0.8], [0.8]]))
    assert value == pytest.approx((-math.log(0.8) - math.log(0.2)) / 2, rel=1e-6)


def test_from_logits_by_hand():
    # logits [1, 2, 3], class 2: loss = logsumexp - 3 = log(e^1 + e^2 + e^3) - 3
    #                                = log(1 + e^-1 + e^-2) = 0.40760596...
    expected = math.log(1 + math.exp(-1) + math.exp(-2))
    logits = np.array([[1.0, 2.0, 3.0]])
    assert SparseCategoricalCrossentropy(from_logits=True)([2], logits) == pytest.approx(expected)
    assert CategoricalCrossentropy(from_logits=True)([[0, 0, 1]], logits) == pytest.approx(expected)
    # sigmoid cross-entropy at z = 0 is log 2 for either target; at z = 2, y = 1: log(1 + e^-2)
    binary = BinaryCrossentropy(from_logits=True)
    assert binary([1], [[0.0]]) == pytest.approx(math.log(2))
    assert binary([1], [[2.0]]) == pytest.approx(math.log(1 + math.exp(-2)))


@pytest.mark.parametrize(
    ("with_logits", "with_probabilities"),
    [
        (SparseCategoricalCrossentropy(from_logits=True), SparseCategoricalCrossentropy()),
        (CategoricalCrossentropy(from_logits=True), CategoricalCrossentropy()),
    ],
    ids=["sparse", "categorical"],
)
def test_from_logits_equals_softmax_then_loss(rng, with_logits, with_probabilities):
    logits = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    y = labels if "Sparse" in type(with_logits).__name__ else np.eye(4)[labels]
    probabilities = gn.activations.get("softmax")(logits)
    assert with_logits(y, logits) == pytest.approx(with_probabilities(y, probabilities), rel=1e-12)


def test_binary_from_logits_equals_sigmoid_then_loss(rng):
    logits = rng.normal(size=(6, 2))
    y = rng.integers(0, 2, size=(6, 2))
    sigmoid = 1 / (1 + np.exp(-logits))
    assert BinaryCrossentropy(from_logits=True)(y, logits) == pytest.approx(
        BinaryCrossentropy()(y, sigmoid), rel=1e-12
    )


# -- stability --------------------------------------------------------------------------------
def test_huge_logits_give_finite_exact_losses():
    # np.seterr(all="raise") is on (conftest): an overflow would raise here.
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    sparse = SparseCategoricalCrossentropy(from_logits=True)
    value, grad = sparse.loss_and_gradient(np.array([1, 1]), logits.copy())
    # sample 1: logsumexp = 1000, z_1 = 0 -> 1000; sample 2: ~0. Mean 500.
    assert value == pytest.approx(500.0) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [[0.5, -0.5], [0.0, 0.0]], atol=1e-12)
    categorical = CategoricalCrossentropy(from_logits=True)
    assert categorical(np.array([[0, 1], [0, 1]]), logits) == pytest.approx(500.0)
    binary = BinaryCrossentropy(from_logits=True)
    value, grad = binary.loss_and_gradient(
        np.array([[0.0], [1.0]]), np.array([[1000.0], [-1000.0]])
    )
    assert value == pytest.approx(1000.0)  # max(z, 0) - z y + log(1 + e^-|z|) = 1000 each
    np.testing.assert_allclose(grad, [[0.5], [-0.5]])  # (sigmoid(z) - y) / 2


def test_probabilities_of_zero_and_one_are_clipped():
    # p clipped to 1e-7: -log(1e-7) = 16.118...
    value = SparseCategoricalCrossentropy()([0], [[0.0, 1.0]])
    assert value == pytest.approx(-math.log(1e-7), rel=1e-6)
    value, grad = BinaryCrossentropy().loss_and_gradient(np.array([[1.0]]), np.array([[0.0]]))
    assert value == pytest.approx(-math.log(1e-7), rel=1e-6) and grad[0, 0] == 0.0


@pytest.mark.parametrize(
    ("loss", "targets"),
    [
        (SparseCategoricalCrossentropy(), np.array([0, 1])),
        (CategoricalCrossentropy(), np.array([[1.0, 0.0], [0.0, 1.0]])),
    ],
)
def test_clipped_probabilities_have_the_flat_loss_zero_gradient(loss, targets):
    # Sample 0 has p_true = 1 (clipped to 1 - 1e-7), sample 1 has p_true = 0 (clipped to 1e-7):
    # the loss does not move when they do, so the gradient there is 0, as finite differences say.
    outputs = np.array([[1.0, 0.0], [1.0, 0.0]])
    _, grad = loss.loss_and_gradient(loss.check_targets(targets, outputs.shape), outputs)
    assert grad[0, 0] == 0.0 and grad[1, 1] == 0.0
    for row, column in [(0, 0), (1, 1)]:
        moved = outputs.copy()
        moved[row, column] += 1e-9 if column == 1 else -1e-9
        assert loss(targets, moved) == loss(targets, outputs)


# -- names and bad input ------------------------------------------------------------------------
def test_names_resolve():
    assert isinstance(get("mse"), MeanSquaredError)
    assert isinstance(get("Mean_Absolute_Error"), MeanAbsoluteError)
    assert isinstance(get("sparse_categorical_crossentropy"), SparseCategoricalCrossentropy)
    loss = BinaryCrossentropy(from_logits=True)
    assert get(loss) is loss
    assert gn.losses.from_config(loss.get_config()).from_logits is True


def test_unknown_loss_lists_valid_names():
    with pytest.raises(
        ValueError, match=r"Unknown loss 'msee'\. Did you mean 'mse'\? Valid names: bin"
    ):
        get("msee")
    with pytest.raises(TypeError, match="loss must be a name or a Loss, got"):
        get(3)


def test_sparse_labels_out_of_range():
    with pytest.raises(
        ValueError, match=r"labels must be in \[0, 3\) for a model with 3 outputs, got label 3"
    ):
        SparseCategoricalCrossentropy()(np.array([0, 3]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"got label -1"):
        SparseCategoricalCrossentropy()(np.array([-1, 0]), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="sparse labels must be whole numbers"):
        SparseCategoricalCrossentropy()(np.array([0.5, 1.0]), np.full((2, 3), 1 / 3))


def test_one_hot_labels_of_the_wrong_width():
    with pytest.raises(
        ValueError,
        match=r"CategoricalCrossentropy expected targets shaped like the predictions \(2, 3\)",
    ):
        CategoricalCrossentropy()(np.eye(4)[[0, 1]], np.full((2, 3), 1 / 3))
    with pytest.raises(
        ValueError, match="These look like one-hot labels: use CategoricalCrossentropy"
    ):
        SparseCategoricalCrossentropy()(np.eye(3)[[0, 1]], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="For integer labels use SparseCategoricalCrossentropy"):
        CategoricalCrossentropy()(np.array([0, 2]), np.full((2, 3), 1 / 3))


def test_binary_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"expected targets in \[0, 1\], got values from 0 to 2"):
        BinaryCrossentropy()(np.array([0, 2]), np.array([[0.5], [0.5]]))


def test_probabilities_are_stable_for_huge_logits():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(
            gn.losses.probabilities([[-1000.0], [1000.0]], from_logits=True),
            [[1.0, 0.0], [0.0, 1.0]],
        )
        np.testing.assert_array_equal(
            gn.losses.probabilities([[1000.0, -1000.0, 0.0]], from_logits=True), [[1, 0, 0]]
        )
    p = gn.losses.probabilities([[0.2, 0.8]], from_logits=False)  # already probabilities
    np.testing.assert_array_equal(p, [[0.2, 0.8]])
    from glassnet.cli.runs import class_probabilities  # the CLI's name for the same function

    with np.errstate(all="raise"):
        np.testing.assert_array_equal(class_probabilities([[-1000.0]], True), [[1.0, 0.0]])


def test_categorical_logits_loss_is_stable_at_extreme_logits():
    loss = CategoricalCrossentropy(from_logits=True)
    logits = np.array([[1000.0, -1000.0, 0.0]])
    value, grad = loss.loss_and_gradient(np.array([[0.0, 1.0, 0.0]]), logits)
    assert value == pytest.approx(2000.0) and np.isfinite(grad).all()
    np.testing.assert_allclose(grad, [[1.0, -1.0, 0.0]], atol=1e-12)


@pytest.mark.parametrize("name", sorted(set(gn.losses._REGISTRY) - {"mse", "mae"}))
@pytest.mark.parametrize("from_logits", [False, True])
def test_every_loss_states_its_gradient_formula(name, from_logits):
    loss = get(name)
    loss.from_logits = from_logits
    assert loss.gradient_formula and "ŷ" in loss.gradient_formula


# ------------------------------------------------------ output layer vs loss


@pytest.mark.parametrize(
    ("activation", "loss", "from_logits", "fragment"),
    [
        ("softmax", "sparse_categorical_crossentropy", True, "applies softmax but the loss"),
        ("sigmoid", "binary_crossentropy", True, "sigmoid is applied a second time"),
        (None, "sparse_categorical_crossentropy", False, "outputs raw logits"),
        ("linear", "binary_crossentropy", False, "activation='sigmoid'"),
        ("relu", "categorical_crossentropy", True, "neither probabilities nor free logits"),
        ("sigmoid", "categorical_crossentropy", False, "sum to 1"),
    ],
)
def test_output_and_loss_mismatches_are_named_with_a_fix(activation, loss, from_logits, fragment):
    message = output_advice(activation, loss, from_logits)
    assert message is not None and fragment in message
    assert "Fix:" in message


def test_softmax_over_one_unit_with_binary_crossentropy():
    message = output_advice("softmax", "binary_crossentropy", False, units=1)
    assert "always outputs 1.0" in message


@pytest.mark.parametrize(
    ("activation", "loss", "from_logits"),
    [
        (None, "sparse_categorical_crossentropy", True),  # the lecture's setup
        ("linear", "categorical_crossentropy", True),
        ("softmax", "sparse_categorical_crossentropy", False),
        ("sigmoid", "binary_crossentropy", False),
        ("linear", "mse", False),  # not a cross-entropy: nothing to check
        ("softmax", "mean_squared_error", True),
    ],
)
def test_matching_output_and_loss_pass(activation, loss, from_logits):
    assert output_advice(activation, loss, from_logits) is None


def output_advice(activation, loss_name, from_logits, units=None):
    loss = get(loss_name)
    loss.from_logits = from_logits
    return loss.check_output(activation, units)
