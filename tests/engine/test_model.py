"""Sequential: learning XOR, repeatability, nesting, validation, weights and bad input."""

import numpy as np
import pytest

import glassnet as gn


def _xor_run(seed=0):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [gn.layers.Dense(4, activation="tanh", input_shape=(2,)), gn.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer=gn.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["acc"])
    x, y = gn.datasets.logic_gate("xor")
    history = model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    return model, history, x, y


def test_2_4_1_network_learns_xor():
    model, history, x, y = _xor_run()
    assert model.count_params() == 2 * 4 + 4 + 4 * 1 + 1  # 17
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy == 1.0
    assert ((model.predict(x)[:, 0] > 0.5) == (np.asarray(y).ravel() > 0.5)).all()
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    assert loss == pytest.approx(history.history["loss"][-1], rel=0.5)


def test_same_seed_gives_bit_identical_weights_and_history():
    first, history_1, _, _ = _xor_run(seed=7)
    second, history_2, _, _ = _xor_run(seed=7)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history_1.history == history_2.history
    _, history_3, _, _ = _xor_run(seed=8)
    assert history_3.history["loss"] != history_1.history["loss"]


def _lecture_model():
    return gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(28, 28)),
            gn.layers.Dense(128, activation="relu"),
            gn.layers.Dense(10),
        ]
    )


def test_summary_prints_the_lectures_parameter_count():
    lines = []
    _lecture_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    # 784 x 128 + 128 = 100,480 and 128 x 10 + 10 = 1,290, by hand.
    assert "100,480" in text and "1,290" in text
    assert "Total params: 101,770" in text
    assert "Trainable params: 101,770" in text
    assert "(None, 784)" in text and "(None, 10)" in text


def _classifier(seed=0, n=60, features=5, classes=3):
    gn.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    y = rng.integers(0, classes, size=n)
    model = gn.Sequential(
        [gn.layers.Dense(8, activation="relu", input_shape=(features,)), gn.layers.Dense(classes)]
    )
    model.compile(
        optimizer=gn.optimizers.SGD(0.1),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model, x, y


def test_nested_softmax_model_gives_probabilities_that_argmax_like_the_logits():
    model, x, y = _classifier()
    model.fit(x, y, epochs=2, verbose=0)
    probability_model = gn.Sequential([model, gn.layers.Softmax()])
    logits = model.predict(x)
    probabilities = probability_model.predict(x)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert (probabilities >= 0).all()
    np.testing.assert_array_equal(probabilities.argmax(axis=1), logits.argmax(axis=1))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))  # softmax by hand
    np.testing.assert_allclose(probabilities, shifted / shifted.sum(axis=1, keepdims=True), 1e-5)


def test_validation_data_as_tuple_or_list_gives_the_same_history():
    histories = []
    for wrap in (tuple, list):
        model, x, y = _classifier()
        histories.append(
            model.fit(x[:40], y[:40], validation_data=wrap((x[40:], y[40:])), epochs=3, verbose=0)
        )
    assert histories[0].history == histories[1].history
    assert set(histories[0].history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(histories[0].history["val_loss"]) == 3


def test_validation_split_holds_out_the_last_fraction_before_shuffling():
    model, x, y = _classifier()
    split = model.fit(x, y, validation_split=0.25, epochs=2, verbose=0)
    assert split.params["samples"] == 45 and split.params["validation_samples"] == 15
    explicit_model, _, _ = _classifier()
    explicit = explicit_model.fit(
        x[:45], y[:45], validation_data=(x[45:], y[45:]), epochs=2, verbose=0
    )
    assert split.history == explicit.history
    val_loss, val_accuracy = model.evaluate(x[45:], y[45:], verbose=0)
    assert split.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-6)
    assert split.history["val_accuracy"][-1] == pytest.approx(val_accuracy)


def test_class_weight_scales_each_samples_loss_and_gradient():
    gn.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(12, 3)).astype(np.float32)
    y = np.array([0, 1, 2] * 4)
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(3,))])
    model.compile(gn.optimizers.SGD(0.5), gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    kernel, bias = (w.astype(np.float64) for w in model.get_weights())
    class_weight = {0: 2.0, 1: 0.5}  # class 2 keeps weight 1
    history = model.fit(x, y, batch_size=12, shuffle=False, class_weight=class_weight, verbose=0)
    # By hand, in float64: weighted mean cross-entropy sum(w * l) / n and one SGD step.
    w = np.array([class_weight.get(label, 1.0) for label in y])
    logits = x.astype(np.float64) @ kernel + bias
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    per_sample = -log_p[np.arange(12), y]
    assert history.history["loss"][0] == pytest.approx((w * per_sample).sum() / 12, rel=1e-5)
    grad_logits = (np.exp(log_p) - np.eye(3)[y]) * w[:, None] / 12
    new_kernel = kernel - 0.5 * x.T.astype(np.float64) @ grad_logits
    new_bias = bias - 0.5 * grad_logits.sum(axis=0)
    np.testing.assert_allclose(model.get_weights()[0], new_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], new_bias, rtol=1e-5, atol=1e-6)


def test_get_and_set_weights():
    source, x, _ = _classifier(seed=1)
    target, _, _ = _classifier(seed=2)
    assert not np.array_equal(source.predict(x), target.predict(x))
    weights = source.get_weights()
    assert [w.shape for w in weights] == [(5, 8), (8,), (8, 3), (3,)]
    weights[0][...] = 0  # a copy: the model is unchanged
    assert source.get_weights()[0].any()
    target.set_weights(source.get_weights())
    np.testing.assert_array_equal(target.predict(x), source.predict(x))
    with pytest.raises(ValueError, match="expected a list of 4 arrays, got 3"):
        target.set_weights(weights[:3])
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(8,\), got \(7,\)"):
        target.set_weights([weights[0], np.zeros(7), weights[2], weights[3]])


def test_predict_in_batches_equals_one_batch():
    model, x, _ = _classifier(n=50)
    whole = model.predict(x, batch_size=50)
    np.testing.assert_allclose(model.predict(x, batch_size=7), whole, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.predict(x), whole, rtol=1e-6, atol=1e-7)
    kernel, bias, kernel_2, bias_2 = model.get_weights()  # the forward pass by hand
    expected = np.maximum(x @ kernel + bias, 0) @ kernel_2 + bias_2
    np.testing.assert_allclose(whole, expected, rtol=1e-5, atol=1e-6)


def _compiled(loss="sparse_categorical_crossentropy", units=3):
    model = gn.Sequential([gn.layers.Dense(units, input_shape=(4,))])
    loss = gn.losses.get(loss)
    loss.from_logits = loss.accuracy_kind is not None  # logits for the classifiers
    model.compile("sgd", loss)
    return model


_X = np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32)
_Y = np.arange(10) % 3


def _with_nan(array, value=np.nan):
    array = array.astype(np.float32).copy()
    array.flat[3] = value
    return array


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: _compiled().fit(_X, _Y[:9], verbose=0), ValueError, "same number of samples"),
        (lambda: _compiled().fit(_X[:, :3], _Y, verbose=0), ValueError, r"expects \(4,\)"),
        (lambda: _compiled().fit(_X, _Y + 1, verbose=0), ValueError, r"in \[0, 3\).*got label 3"),
        (lambda: _compiled().fit(_X, _Y - 1, verbose=0), ValueError, "got label -1"),
        (
            lambda: _compiled("categorical_crossentropy").fit(_X, np.eye(4)[_Y], verbose=0),
            ValueError,
            r"\(10, 3\), got an array of shape \(10, 4\)",
        ),
        (lambda: _compiled().fit(_with_nan(_X), _Y, verbose=0), ValueError, "x contains NaN"),
        (
            lambda: _compiled().fit(_with_nan(_X, np.inf), _Y, verbose=0),
            ValueError,
            "x contains NaN or infinity",
        ),
        (
            lambda: _compiled("mse", 1).fit(_X, _with_nan(_Y, np.inf), verbose=0),
            ValueError,
            "y contains NaN or infinity",
        ),
        (
            lambda: gn.Sequential([gn.layers.Dense(3, input_shape=(4,))]).fit(_X, _Y),
            ValueError,
            r"compiled model: call model.compile",
        ),
        (
            lambda: gn.Sequential([gn.layers.Dense(3, input_shape=(4,))]).evaluate(_X, _Y),
            ValueError,
            r"evaluate\(\) needs a compiled model",
        ),
        (lambda: _compiled().fit(_X, _Y, batch_size=0), ValueError, "batch_size must be.*got 0"),
        (lambda: _compiled().fit(_X, _Y, batch_size=2.5), TypeError, "batch_size"),
        (lambda: _compiled().fit(_X, _Y, epochs=0), ValueError, "epochs must be.*>= 1, got 0"),
        (
            lambda: _compiled().fit(_X, _Y, validation_split=1.0),
            ValueError,
            r"validation_split=1.0 is out of range \[0, 1\)",
        ),
        (lambda: _compiled().fit(_X, _Y, validation_split=-0.1), ValueError, "validation_split"),
        (
            lambda: _compiled().fit(_X, _Y, validation_data=(_X,)),
            ValueError,
            r"validation_data must be \(x_val, y_val\)",
        ),
        (lambda: gn.layers.get("Conv2D"), ValueError, "Unknown layer 'Conv2D'. Valid names"),
        (lambda: _compiled("hinge"), ValueError, "Unknown loss 'hinge'"),
        (
            lambda: gn.Sequential([gn.layers.Dense(1)]).compile("adadelta", "mse"),
            ValueError,
            "Unknown optimizer 'adadelta'. Valid names: adagrad, adam, adamw, rmsprop, sgd",
        ),
        (lambda: gn.layers.Dense(3, activation="swish2"), ValueError, "Unknown activation"),
        (lambda: gn.Sequential(["dense"]), TypeError, "must be glassnet layers"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_nan_guard_stops_training_and_keeps_finite_weights():
    gn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32) * 10
    y = (x @ np.array([1.0, 2.0, 3.0], dtype=np.float32)) * 100
    model = gn.Sequential([gn.layers.Dense(16, "relu", input_shape=(3,)), gn.layers.Dense(1)])
    model.compile(gn.optimizers.SGD(10.0), "mse")
    # NumPy's default error handling (warn), as users have it; the suite makes errors raise.
    with np.errstate(all="warn"), pytest.warns(RuntimeWarning, match="Training stopped: the loss"):
        history = model.fit(x, y, epochs=5, verbose=0)
    assert len(history.history["loss"]) < 5  # stopped early
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert "Lower the learning rate" in history.stopped_on_nan
    assert "stopped_on_nan" not in history.params and not history.interrupted


# -- the packed weight vectors ----------------------------------------------------------


def test_build_packs_the_weights_once_into_live_views():
    model, x, y = _classifier()
    model.build()
    ((weights, gradients),) = model.weight_pairs
    assert weights is model.weight_vector and gradients is model.gradient_vector
    assert weights.dtype == np.float32 and weights.shape == (model.count_params(),)
    kernel = model.layers[0].params["kernel"]
    kernel_grad = model.layers[0].grads["kernel"]
    assert np.shares_memory(kernel, weights) and np.shares_memory(kernel_grad, gradients)
    np.testing.assert_array_equal(weights[: kernel.size], kernel.reshape(-1))  # layer order
    model.fit(x, y, epochs=2, verbose=0)
    model.compile(optimizer=gn.optimizers.Adam(0.01), loss=model.loss)  # compile again
    model.fit(x, y, epochs=1, verbose=0)
    assert kernel is model.layers[0].params["kernel"]
    assert model.weight_pairs[0][0] is weights
    np.testing.assert_array_equal(weights, np.concatenate([w.ravel() for w in model.get_weights()]))
    assert kernel_grad is model.layers[0].grads["kernel"] and kernel_grad.any()


def test_a_built_model_nested_keeps_its_vectors_and_both_models_train():
    model, x, y = _classifier()
    model.fit(x, y, epochs=1, verbose=0)
    inner_kernel = model.layers[0].params["kernel"]
    (inner_pair,) = model.weight_pairs
    probability_model = gn.Sequential([model, gn.layers.Softmax()])
    probability_model.build()
    assert probability_model.weight_pairs[0][0] is inner_pair[0]  # the same vector, shared
    probability_model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = inner_kernel.copy()
    probability_model.fit(x, y, epochs=1, verbose=0)  # trains the inner model's weights
    assert inner_kernel is model.layers[0].params["kernel"]
    assert not np.array_equal(before, inner_kernel)
    model.fit(x, y, epochs=1, verbose=0)  # and the inner model still trains alone
    np.testing.assert_array_equal(
        probability_model.predict(x), gn.activations.softmax(model.predict(x))
    )

    # beside more weights, the outer model holds two pairs: the inner's and its own
    stacked = gn.Sequential([model, gn.layers.Dense(2)])
    stacked.compile("adam", gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    stacked.build()
    pairs = stacked.weight_pairs
    assert len(pairs) == 2 and pairs[0][0] is inner_pair[0]
    assert pairs[1][0].size == 3 * 2 + 2
    with pytest.raises(ValueError, match="keeps its weights in 2 packed vectors"):
        _ = stacked.weight_vector
    outer_kernel = stacked.layers[1].params["kernel"]
    before = [w.copy() for w, _ in pairs]
    stacked.fit(x, y % 2, epochs=2, verbose=0)
    assert all(not np.array_equal(b, w) for b, (w, _) in zip(before, pairs, strict=True))
    assert outer_kernel is stacked.layers[1].params["kernel"]
    assert inner_kernel is model.layers[0].params["kernel"]


def test_an_unbuilt_nested_model_packs_itself_when_the_outer_builds():
    inner = gn.Sequential([gn.layers.Dense(4, activation="relu", input_shape=(3,))])
    outer = gn.Sequential([inner, gn.layers.Dense(2)])
    outer.build()
    assert inner.built and len(outer.weight_pairs) == 2
    assert outer.weight_pairs[0][0] is inner.weight_vector


def test_a_layer_added_after_build_gets_its_own_vector_and_the_old_ones_stay():
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,))])
    model.build()
    kernel, (first, _) = model.layers[0].params["kernel"], model.weight_pairs[0]
    model.add(gn.layers.Dense(1))
    model.build()
    assert kernel is model.layers[0].params["kernel"]
    assert [w.size for w, _ in model.weight_pairs] == [9, 4] and model.weight_pairs[0][0] is first


def test_backward_computes_the_input_gradient_unless_told_not_to():
    model, x, y = _classifier()
    model.build()
    out = model.forward(x[:4], training=True)
    _, grad = model.loss.loss_and_gradient(y[:4], out)
    assert model.backward(grad.copy()).shape == (4, 5)
    assert model.backward(grad.copy(), need_input_grad=False) is None
    leaves = model.leaves()
    assert model._backward_steps(need_input_grad=False) == [(leaves[1], True), (leaves[0], False)]


def test_ctrl_c_sets_history_interrupted():
    class Interrupt(gn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    model, x, y = _classifier()
    for verbose in (0, 1, 2):  # handed on as Keras does, whatever the display
        with pytest.raises(KeyboardInterrupt):
            model.fit(x, y, epochs=5, verbose=verbose, callbacks=[Interrupt()])
        history = model.history
        assert history.interrupted and history.stopped_on_nan is None
        assert "interrupted" not in history.params and len(history.epoch) == 1


def test_rng_state_round_trips_shuffling_and_dropout():
    def make():
        gn.utils.set_random_seed(5)
        model = gn.Sequential(
            [gn.layers.Dense(4, input_shape=(3,)), gn.layers.Dropout(0.5), gn.layers.Dense(1)]
        )
        model.compile("sgd", "mse")
        return model

    x, y = np.random.default_rng(0).normal(size=(16, 3)), np.zeros(16)
    a, b = make(), make()
    a.fit(x, y, epochs=1, batch_size=4, verbose=0)
    b.set_weights(a.get_weights())
    b.set_rng_state(a.get_rng_state())
    assert b.get_rng_state() == a.get_rng_state()
    b.optimizer.iterations = a.optimizer.iterations
    history_a = a.fit(x, y, epochs=2, batch_size=4, verbose=0)
    history_b = b.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert history_a.history == history_b.history


def test_compile_warns_about_a_softmax_over_one_unit():
    model = gn.Sequential([gn.layers.Dense(1, activation="softmax", input_shape=(2,))])
    with pytest.warns(UserWarning, match="softmax over 1 unit, which always outputs 1.0"):
        model.compile("sgd", "binary_crossentropy")
