"""The five probes of the architecture review (appendix A.1), as assertions.

Each failed on the code the review read (850c59d): a custom activation raised TypeError,
a kernel reference went stale at the first fit, Dense's reused training outputs were not
documented, backward after fit returned None, and Adam stored v scaled by 100.
"""

import numpy as np

import glassnet as gn


class Square(gn.activations.ActivationFunction):
    """Written exactly as ActivationFunction's docstring says: __call__ and derivative."""

    name, formula = "square", "z^2"

    def __call__(self, z, out=None):
        return np.square(z, out=out)

    def derivative(self, z):
        return 2 * z


def test_1_a_custom_activation_trains_inside_dense_with_correct_gradients():
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [gn.layers.Dense(3, activation=Square(), input_shape=(2,)), gn.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 0.75], [0.0, 1.0]])
    y = np.array([1.0, 0.0, -1.0, 0.5])
    before = model.get_weights()
    history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert not np.array_equal(before[0], model.get_weights()[0])  # it learnt
    report = gn.testing.check_gradients(model, x, y)  # backward against finite differences
    assert report.passed, str(report)


def test_2_a_kernel_reference_stays_the_live_array_through_fit_set_weights_and_load(tmp_path):
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.build()
    kernel = model.layers[0].params["kernel"]
    model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0)
    assert kernel is model.layers[0].params["kernel"]
    assert np.shares_memory(kernel, model.weight_vector)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    assert kernel is model.layers[0].params["kernel"] and not kernel.any()
    model.save(tmp_path / "m.glassnet")
    loaded = gn.load_model(tmp_path / "m.glassnet")
    loaded_kernel = loaded.layers[0].params["kernel"]
    loaded.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0)
    assert loaded_kernel is loaded.layers[0].params["kernel"] and loaded_kernel.any()


def test_3_dense_training_outputs_are_reused_as_the_layer_contract_says():
    assert "reused at the next step" in gn.layers.__doc__  # the documented rule
    dense = gn.layers.Dense(2, input_shape=(2,))
    dense.build((2,))
    a = dense.forward(np.ones((3, 2), np.float32), training=True)
    a_copy = a.copy()
    b = dense.forward(np.zeros((3, 2), np.float32), training=True)
    assert b is a and not np.array_equal(a, a_copy)  # overwritten: copy it to keep it
    c = dense.forward(np.ones((3, 2), np.float32))  # inference: a new array each call
    assert c is not a and c is not dense.forward(np.ones((3, 2), np.float32))


def test_4_backward_after_fit_returns_the_input_gradient():
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0)
    # the lecture's own loop
    out = model.forward(np.ones((4, 2), np.float32), training=True)
    _, g = model.loss.loss_and_gradient(np.ones((4, 1), np.float32), out)
    expected = g @ model.layers[1].params["kernel"].T @ model.layers[0].params["kernel"].T
    grad_x = model.backward(g.copy())
    assert grad_x is not None
    np.testing.assert_allclose(grad_x, expected, rtol=1e-5)  # linear layers: by hand


def test_5_adams_state_is_the_textbook_m_and_v():
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile(optimizer=gn.optimizers.Adam(0.1), loss="mse")
    model.fit(np.array([[1.0]]), np.array([2.0]), epochs=1, batch_size=1, verbose=0)
    # One step from w = b = 0 at x = 1, y = 2: yhat = 0, dL/dyhat = 2 (0 - 2) = -4, and
    # g = -4 for the kernel (times x = 1) and for the bias, so by hand:
    g = np.array([-4.0, -4.0])
    state = model.optimizer.get_state()
    np.testing.assert_allclose(state["0/m"], (1 - 0.9) * g, rtol=1e-6)  # [-0.4, -0.4]
    np.testing.assert_allclose(state["0/v"], (1 - 0.999) * g**2, rtol=1e-6)  # [0.016, 0.016]
    ((m, v),) = model.optimizer.moments()
    np.testing.assert_array_equal(m, state["0/m"])
    np.testing.assert_array_equal(v, state["0/v"])
