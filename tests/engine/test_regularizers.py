"""Weight regularizers: penalties, gradients, their place in fit, evaluate and saving."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import regularizers

W = np.array([[0.5, -1.0], [2.0, 0.0]])


def test_penalties_by_hand_with_keras_factors():
    # L2 is l2 * sum(w^2), with no 1/2 (Keras): 0.25 + 1 + 4 + 0 = 5.25
    assert regularizers.L2(0.1)(W) == pytest.approx(0.525, rel=1e-15)
    assert regularizers.L1(0.1)(W) == pytest.approx(0.35, rel=1e-15)  # 0.1 * 3.5
    assert regularizers.L1L2(l1=0.1, l2=0.2)(W) == pytest.approx(0.35 + 1.05, rel=1e-15)
    assert regularizers.L1L2()(W) == 0.0


def test_keras_defaults_and_lower_case_names():
    assert regularizers.L1().l1 == 0.01 and regularizers.L2().l2 == 0.01
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}  # Keras 3's defaults
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert gn.regularizers.l2(0.001).get_config() == {"l2": 0.001}


@pytest.mark.parametrize(
    "regularizer",
    [regularizers.L1(0.3), regularizers.L2(0.3), regularizers.L1L2(0.2, 0.7)],
    ids=repr,
)
def test_gradient_matches_central_differences(regularizer, rng):
    w = rng.normal(size=(3, 4))  # no entry at 0, where |w| has its kink
    numeric = np.zeros_like(w)
    eps = 1e-6
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (regularizer(up) - regularizer(down)) / (2 * eps)
    np.testing.assert_allclose(regularizer.gradient(w), numeric, rtol=1e-7, atol=1e-9)
    grad = np.ones_like(w)
    penalty, same = regularizer.add_gradient(w, grad)
    assert same is grad and penalty == regularizer(w)
    np.testing.assert_allclose(grad, 1 + numeric, rtol=1e-7)


def test_l1_gradient_at_zero_is_zero():
    np.testing.assert_array_equal(regularizers.L1(0.5).gradient(np.zeros(3)), [0, 0, 0])


def test_get_accepts_names_instances_classes_configs_and_none():
    assert regularizers.get(None) is None
    assert regularizers.get("l2") == regularizers.L2(0.01)
    assert regularizers.get("L1") == regularizers.L1(0.01)
    assert regularizers.get("l1l2") == regularizers.L1L2()
    instance = regularizers.L2(0.5)
    assert regularizers.get(instance) is instance
    assert regularizers.get(regularizers.L1) == regularizers.L1()
    config = regularizers.serialize(regularizers.L1L2(0.1, 0.2))
    assert config == {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}}
    assert regularizers.get(config) == regularizers.L1L2(0.1, 0.2)
    assert regularizers.L2.from_config(instance.get_config()) == instance


def test_bad_regularizers_say_what_was_expected():
    with pytest.raises(ValueError, match=r"Unknown regularizer 'l3'.*Valid names: .*l2"):
        regularizers.get("l3")
    with pytest.raises(TypeError, match="a plain function has no gradient"):
        regularizers.get(lambda w: 0.0)
    with pytest.raises(ValueError, match=r"l2 must be a non-negative number, got -0\.1"):
        regularizers.L2(-0.1)
    with pytest.raises(TypeError, match=r"l1 must be a non-negative number, got 'big'"):
        regularizers.L1("big")
    with pytest.raises(TypeError, match=r"kernel_regularizer must be a name such as 'l2'"):
        gn.layers.Dense(2, kernel_regularizer=3)
    with pytest.raises(ValueError, match=r"Unknown regularizer 'l22'\. Did you mean 'l2'\?"):
        gn.layers.Dense(2, bias_regularizer="l22")


# -- in a model -----------------------------------------------------------------------------


def _linear_model(l2=0.1, l1=0.2, optimizer=None):
    layer = gn.layers.Dense(
        2,
        input_shape=(3,),
        kernel_regularizer=regularizers.l2(l2),
        bias_regularizer=regularizers.l1(l1),
        bias_initializer="ones",
    )
    model = gn.Sequential([layer])
    model.compile(optimizer=optimizer or gn.optimizers.SGD(0.1), loss="mse")
    model.build((3,))
    return model


def _data(rng, n=6):
    return rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 2)).astype(np.float32)


def test_model_losses_are_the_current_penalties(rng):
    model = _linear_model()
    kernel = model.layers[0].params["kernel"].astype(np.float64)
    assert model.losses == pytest.approx([0.1 * np.sum(kernel**2), 0.2 * 2.0], rel=1e-6)
    assert model.layers[0].losses == model.losses
    plain = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    plain.build((3,))
    assert plain.losses == []


def test_fit_reports_data_loss_plus_penalty_and_steps_on_the_total_gradient(rng):
    """One full batch of SGD(lr=1): the step is minus the gradient of the total loss, which
    central differences of mse + l2 sum(W^2) + l1 sum|b|, in float64, give independently."""
    x, y = _data(rng)
    model = _linear_model(optimizer=gn.optimizers.SGD(1.0))
    kernel = model.layers[0].params["kernel"].astype(np.float64)
    bias = model.layers[0].params["bias"].astype(np.float64)

    def total(k, b):
        out = x.astype(np.float64) @ k + b
        return np.mean((out - y) ** 2) + 0.1 * np.sum(k**2) + 0.2 * np.sum(np.abs(b))

    history = model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][0] == pytest.approx(total(kernel, bias), rel=1e-6)

    eps = 1e-6
    grad_k, grad_b = np.zeros_like(kernel), np.zeros_like(bias)
    for i in np.ndindex(kernel.shape):
        up, down = kernel.copy(), kernel.copy()
        up[i] += eps
        down[i] -= eps
        grad_k[i] = (total(up, bias) - total(down, bias)) / (2 * eps)
    for i in range(2):
        up, down = bias.copy(), bias.copy()
        up[i] += eps
        down[i] -= eps
        grad_b[i] = (total(kernel, up) - total(kernel, down)) / (2 * eps)
    step_k = kernel - model.layers[0].params["kernel"]
    step_b = bias - model.layers[0].params["bias"]
    np.testing.assert_allclose(step_k, grad_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(step_b, grad_b, rtol=1e-5, atol=1e-6)


def test_val_loss_and_evaluate_include_the_penalty_as_keras_3(rng):
    # Keras 3's test_step calls compute_loss, which adds model.losses (checked against
    # keras 3.15: val_loss == loss when the data are the same and the rate is ~0).
    x, y = _data(rng)
    model = _linear_model(optimizer=gn.optimizers.SGD(1e-30))
    kernel = model.layers[0].params["kernel"].astype(np.float64)
    bias = model.layers[0].params["bias"].astype(np.float64)
    data_loss = np.mean((x.astype(np.float64) @ kernel + bias - y) ** 2)
    penalty = 0.1 * np.sum(kernel**2) + 0.2 * np.sum(np.abs(bias))
    history = model.fit(x, y, batch_size=3, epochs=1, verbose=0, validation_data=(x, y))
    assert history.history["val_loss"][0] == pytest.approx(data_loss + penalty, rel=1e-6)
    assert history.history["loss"][0] == pytest.approx(data_loss + penalty, rel=1e-6)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(data_loss + penalty, rel=1e-6)


def test_without_a_regularizer_nothing_changes(rng):
    x, y = _data(rng)
    gn.utils.set_random_seed(4)
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,), bias_initializer="ones")])
    model.compile(optimizer=gn.optimizers.SGD(1.0), loss="mse")
    model.build((3,))
    kernel = model.layers[0].params["kernel"].astype(np.float64)
    history = model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    out = x.astype(np.float64) @ kernel + 1.0
    assert history.history["loss"][0] == pytest.approx(np.mean((out - y) ** 2), rel=1e-6)
    grad = 2 * x.astype(np.float64).T @ (out - y) / y.size
    np.testing.assert_allclose(kernel - model.layers[0].params["kernel"], grad, rtol=1e-5)


def test_a_large_penalty_shrinks_the_weights(rng):
    x, y = _data(rng, 32)
    norms = []
    for factor in (0.0, 1.0):
        gn.utils.set_random_seed(0)
        layer = gn.layers.Dense(2, input_shape=(3,), kernel_regularizer=regularizers.L2(factor))
        model = gn.Sequential([layer])
        model.compile(optimizer=gn.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=8, epochs=20, verbose=0)
        norms.append(float(np.abs(layer.params["kernel"]).sum()))
    assert norms[1] < 0.5 * norms[0]


def test_regularizers_are_saved_and_loaded_with_the_model(tmp_path, rng):
    x, y = _data(rng)
    model = _linear_model(l2=0.05, l1=0.3)
    model.fit(x, y, batch_size=3, epochs=2, verbose=0)
    config = model.layers[0].get_config()
    assert config["kernel_regularizer"] == {"class_name": "L2", "config": {"l2": 0.05}}
    assert config["bias_regularizer"] == {"class_name": "L1", "config": {"l1": 0.3}}
    path = tmp_path / "model.npz"
    model.save(str(path))
    loaded = gn.load_model(str(path))
    assert loaded.layers[0].kernel_regularizer == regularizers.L2(0.05)
    assert loaded.layers[0].bias_regularizer == regularizers.L1(0.3)
    assert loaded.losses == model.losses
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_a_name_string_works_as_in_the_tutorial():
    layer = gn.layers.Dense(16, activation="elu", kernel_regularizer="l2", input_shape=(4,))
    assert layer.kernel_regularizer == regularizers.L2(0.01)
    assert (
        gn.layers.Dense.from_config(layer.get_config()).kernel_regularizer
        == layer.kernel_regularizer
    )


def test_one_fit_matches_keras_on_identical_weights(rng):
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    x, y = _data(rng, 8)
    model = _linear_model(l2=0.5, l1=0.01, optimizer=gn.optimizers.SGD(0.1))
    theirs = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                2,
                kernel_regularizer=keras.regularizers.l2(0.5),
                bias_regularizer=keras.regularizers.l1(0.01),
            ),
        ]
    )
    theirs.set_weights(model.get_weights())
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    keras_history = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(ours.history["loss"], keras_history.history["loss"], rtol=1e-5)
    for a, b in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
