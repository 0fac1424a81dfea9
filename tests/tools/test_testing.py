"""gn.testing.check_gradients: finds wrong gradients, passes right ones, changes nothing."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense, Dropout, Flatten
from glassnet.testing import GradientReport, check_gradients


class _WrongBiasDense(Dense):
    """A Dense whose bias gradient is twice too large: the check must notice."""

    def backward(self, grad, need_input_grad=True):
        result = super().backward(grad, need_input_grad)
        self.grads["bias"] *= 2
        return result


def _model(seed=0, rate=0.0):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [
            Flatten(input_shape=(2, 3)),
            Dense(5, activation="tanh"),
            Dropout(rate, seed=3),
            Dense(3),
        ]
    )
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.build()
    return model


def test_correct_model_passes_with_every_parameter_reported(rng):
    model = _model(rate=0.4)
    x, y = rng.normal(size=(6, 2, 3)), rng.integers(0, 3, size=6)
    report = check_gradients(model, x, y)
    names = [layer.name for layer in model.leaves()]
    assert list(report.relative_errors) == [
        f"{names[1]}/kernel",
        f"{names[1]}/bias",
        f"{names[3]}/kernel",
        f"{names[3]}/bias",
        "input",
    ]
    assert report.passed and report.worst < 1e-6
    assert report.worst == max(report.relative_errors.values())
    assert report.relative_errors[report.worst_parameter] == report.worst


def test_wrong_gradient_is_found_and_named(rng):
    gn.utils.set_random_seed(1)
    bad = _WrongBiasDense(2, activation="sigmoid", input_shape=(3,), name="bad")
    model = gn.Sequential([Dense(4, activation="relu", input_shape=(3,), name="ok"), bad])
    model.compile(optimizer="sgd", loss="mse")
    report = check_gradients(model, rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    # Analytic 2n against numeric n: |2n - n| / (|2n| + |n|) = 1/3 exactly.
    assert report.relative_errors["bad/bias"] == pytest.approx(1 / 3, rel=1e-6)
    assert report.worst_parameter == "bad/bias"
    assert not report.passed
    assert report.relative_errors["ok/kernel"] < 1e-6  # upstream gradients use the true dL/dh
    assert "bad/bias" in str(report) and "FAILED" in str(report)
    assert "above tolerance" in str(report)


def test_model_is_left_unchanged_and_training_continues_identically(rng):
    x, y = rng.normal(size=(12, 2, 3)), rng.integers(0, 3, size=12)
    checked, plain = _model(seed=5, rate=0.3), _model(seed=5, rate=0.3)
    for model in (checked, plain):
        gn.utils.set_random_seed(9)  # the same shuffling order for both
        model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    np.testing.assert_array_equal(checked.get_weights()[0], plain.get_weights()[0])
    arrays = [leaf.params[k] for leaf in checked.leaves() for k in leaf.params]
    before = [a.copy() for a in arrays]
    dropout = checked.leaves()[2]
    rng_state = dropout.rng.bit_generator.state

    report = check_gradients(checked, x[:4], y[:4])

    assert report.passed
    after = [leaf.params[k] for leaf in checked.leaves() for k in leaf.params]
    assert all(a is b for a, b in zip(arrays, after, strict=True))  # the same arrays
    assert all(a.dtype == np.float32 for a in after)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    assert dropout.rng.bit_generator.state == rng_state
    # Continuing to train gives bit-identical weights to a twin that was never checked.
    for model in (checked, plain):
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    for a, b in zip(checked.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_builds_an_unbuilt_layer_and_takes_a_loss_argument(rng):
    layer = Dense(2, name="solo")
    report = check_gradients(layer, rng.normal(size=(3, 4)), rng.normal(size=(3, 2)), loss="mae")
    assert layer.built and layer.params["kernel"].shape == (4, 2)
    assert set(report.relative_errors) == {"solo/kernel", "solo/bias", "input"}
    assert report.passed


def test_check_input_false_skips_the_input(rng):
    model = _model()
    report = check_gradients(model, rng.normal(size=(2, 2, 3)), [0, 2], check_input=False)
    assert "input" not in report.relative_errors


def test_duplicate_layer_names_get_their_index(rng):
    model = gn.Sequential([Dense(3, input_shape=(2,), name="d"), Dense(1, name="d")])
    report = check_gradients(model, rng.normal(size=(2, 2)), [1.0, 2.0], loss="mse")
    assert {"0/kernel", "1/kernel"} <= set(report.relative_errors)


def test_report_without_entries_and_printing():
    empty = GradientReport({}, {})
    assert empty.worst == 0.0 and empty.worst_parameter is None and empty.passed
    report = GradientReport({"a/kernel": 2e-7, "input": 3e-6}, {"a/kernel": 1.0, "input": 2.0})
    text = str(report)
    assert report.worst == 3e-6 and report.worst_parameter == "input" and not report.passed
    assert "a/kernel" in text and "2.000e-07" in text and "3.000e-06" in text


def test_bad_arguments(rng):
    x, y = rng.normal(size=(2, 3)), np.zeros((2, 1))
    with pytest.raises(ValueError, match="needs a loss: compile the model first or pass loss="):
        check_gradients(gn.Sequential([Dense(1, input_shape=(3,))]), x, y)
    with pytest.raises(TypeError, match="model must be a glassnet layer or Sequential, got"):
        check_gradients("model", x, y, loss="mse")
    with pytest.raises(ValueError, match=r"epsilon=0.0 is out of range \(0, inf\]"):
        check_gradients(Dense(1), x, y, loss="mse", epsilon=0)
    with pytest.raises(ValueError, match="x"):
        check_gradients(Dense(1), x[:1], y, loss="mse")
    with pytest.raises(ValueError, match="x"):
        check_gradients(Dense(1), [[np.nan, 1.0, 2.0]], y[:1], loss="mse")
    with pytest.raises(ValueError, match="Unknown loss 'msee'"):
        check_gradients(Dense(1), x, y, loss="msee")


def test_float64_copy_puts_every_attribute_back(rng):
    model = _model(rate=0.3)
    model.fit(rng.normal(size=(8, 2, 3)), rng.integers(0, 3, size=8), batch_size=4, verbose=0)
    leaves = model.leaves()
    before = [dict(leaf.__dict__) for leaf in leaves]
    buffers = {k: v.copy() for k, v in leaves[1]._buffers.items()}
    weights = model.get_weights()
    with gn.testing.float64_copy(model) as (inside, _, _):
        out = rng.normal(size=(4, 2, 3))
        for leaf in inside:
            out = leaf.forward(out, training=True)  # float64 buffers, caches, masks
        grad = np.ones_like(out)
        for leaf in reversed(inside):
            grad = leaf.backward(grad)
        assert grad.shape == (4, 2, 3)
        assert all(v.dtype == np.float64 for leaf in inside for v in leaf.params.values())
    for leaf, attributes in zip(leaves, before, strict=True):
        assert leaf.__dict__.keys() == attributes.keys()
        assert all(leaf.__dict__[k] is v for k, v in attributes.items())
    for key, value in leaves[1]._buffers.items():  # the float32 buffers were not written to
        np.testing.assert_array_equal(value, buffers[key])
    for before_fit, now in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(now, before_fit)
