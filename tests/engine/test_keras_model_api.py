"""The model-building API of Keras 3 and the keras.io Sequential guide (issue 16).

gn.models, gn.Input / InputLayer, gn.Model's refusal of the functional API, trainable,
the weight lists, pop, get_layer, shapes with the batch axis and the summary's totals.
Keras's own outputs quoted below were printed by Keras 3.15.1 (tensorflow-cpu 2.21).
"""

import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense, Dropout, Flatten


def _three_layer_model(seed=0):
    gn.utils.set_random_seed(seed)
    return gn.Sequential(
        [
            gn.Input(shape=(3,)),
            Dense(4, activation="tanh"),
            Dense(4, activation="tanh"),
            Dense(2),
        ]
    )


def _data(seed=1, n=16):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 2)).astype(np.float32)


# -- namespaces ----------------------------------------------------------------------
def test_models_namespace_is_kerass():
    assert gn.models.Sequential is gn.Sequential
    assert gn.models.load_model is gn.load_model
    assert gn.models.Model is gn.Model
    assert isinstance(gn.Sequential(), gn.Model)
    assert gn.layers.Input is gn.Input


# -- Input and InputLayer -------------------------------------------------------------
def test_input_is_a_symbolic_tensor_whose_shape_has_the_batch_axis():
    tensor = gn.Input(shape=(784,), name="pixels")
    assert tensor.shape == (None, 784) and tensor.dtype == "float32"
    assert repr(tensor) == "<KerasTensor shape=(None, 784), dtype=float32, name=pixels>"
    assert gn.Input(batch_shape=(None, 28, 28)).shape == (None, 28, 28)
    assert tensor.name == "pixels" and gn.Input(shape=(2,)).name.startswith("input_layer")
    # The guide writes keras.Input(shape=(784)), an int, which Keras 3 rejects ("Cannot
    # convert '784' to a shape"); glassnet reads it as (784,), as its input_shape= does.
    assert gn.Input(shape=784).shape == (None, 784)


def test_input_first_declares_the_shape_so_the_model_has_weights_at_once():
    # The Sequential API page: Input(shape=(16,)) + Dense(8) -> len(model.weights) == 2.
    model = gn.Sequential()
    model.add(gn.Input(shape=(16,)))
    model.add(Dense(8))
    assert len(model.weights) == 2
    assert [w.shape for w in model.weights] == [(16, 8), (8,)]
    assert model.input_shape == (None, 16) and model.output_shape == (None, 8)
    assert len(model.layers) == 1  # "the Input object is not displayed as part of model.layers"


def test_input_layer_in_the_list_is_the_same_as_input():
    a = gn.Sequential([gn.layers.InputLayer(shape=(5,)), Dense(2)])
    b = gn.Sequential([gn.Input(shape=(5,)), Dense(2)])
    assert a.input_shape == b.input_shape == (None, 5)
    assert [type(layer).__name__ for layer in a.layers] == ["Dense"]
    assert gn.layers.InputLayer(shape=(28, 28)).input_shape == (None, 28, 28)


def test_a_model_that_began_with_input_saves_and_loads(tmp_path):
    model = _three_layer_model()
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    entries = model.get_config()["layers"]
    assert entries[0] == {
        "class_name": "InputLayer",
        "config": {"name": entries[0]["config"]["name"], "input_shape": [3]},
    }
    model.save(tmp_path / "m.glassnet")
    loaded = gn.load_model(tmp_path / "m.glassnet")
    assert loaded.input_shape == (None, 3) and len(loaded.layers) == 3
    assert loaded.input_layer is not None
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    loaded.fit(x, y, epochs=1, batch_size=4, verbose=0)  # and it goes on training
    restored = gn.Sequential.from_config(model.get_config())
    assert restored.input_shape == (None, 3)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: gn.Input(), ValueError, r"InputLayer needs shape=\.\.\."),
        (lambda: gn.Input(shape=(4,), batch_size=32), ValueError, "batches of any size"),
        (lambda: gn.Input(shape=(4,), dtype="float64"), ValueError, "dtype must be 'float32'"),
        (lambda: gn.Input(shape=(4,), batch_shape=(None, 4)), ValueError, "not both"),
        (lambda: gn.Input(shape=(0,)), ValueError, "input_shape entries must be an integer >= 1"),
        (lambda: gn.Input(shape="abc"), TypeError, "input_shape entries must be an integer"),
        (
            lambda: gn.Sequential([gn.Input(shape=(4,)), gn.Input(shape=(4,))]),
            ValueError,
            r"already been configured to use input shape \(None, 4\)",
        ),
        (
            lambda: gn.Sequential([Dense(2), gn.Input(shape=(4,))]),
            ValueError,
            "An Input must be the first entry",
        ),
        (
            lambda: gn.Sequential([gn.Input(shape=(4,)), Dense(2, input_shape=(3,))]),
            ValueError,
            r"declares input_shape=\(3,\), but the model starts with an Input of shape \(4,\)",
        ),
    ],
)
def test_bad_inputs_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_the_functional_api_says_to_write_a_sequential():
    inputs = gn.Input(shape=(784,))
    with pytest.raises(NotImplementedError, match=r"Sequential models only.*gn\.Sequential\(\["):
        gn.Model(inputs=inputs, outputs=inputs)
    with pytest.raises(TypeError, match="Sequential models only"):
        Dense(2)(inputs)  # the functional API's first step
    with pytest.raises(TypeError, match="Sequential models only"):
        gn.Sequential([Dense(2)])(inputs)

    class Subclassed(gn.Model):
        def call(self, x):
            return x

    with pytest.raises(NotImplementedError, match="Sequential models only"):
        Subclassed()


# -- trainable ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "optimizer",
    [
        lambda: gn.optimizers.Adam(0.05, weight_decay=0.1),
        lambda: gn.optimizers.SGD(0.05, momentum=0.9),
        lambda: gn.optimizers.RMSprop(0.05),
    ],
    ids=["adam", "sgd-momentum", "rmsprop"],
)
@pytest.mark.parametrize("frozen", [0, 1, 2])
def test_a_frozen_layer_stays_bit_identical_and_the_others_train(optimizer, frozen):
    model = _three_layer_model()
    model.layers[frozen].trainable = False
    model.compile(optimizer=optimizer(), loss="mse")
    before = model.get_weights()
    x, y = _data()
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    after = model.get_weights()
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if i // 2 == frozen:
            np.testing.assert_array_equal(new, old)  # bit for bit, momentum and decay too
        else:
            assert not np.array_equal(new, old), f"weights[{i}] did not train"
    # The optimizer keeps state only for the trainable weights: 2 x 26 of 3 x 26 + ...
    trainable = sum(w.size for w in model.trainable_weights)
    assert sum(w.size for w, _ in model.weight_pairs) == trainable
    assert trainable == model.count_params() - before[2 * frozen].size - before[2 * frozen + 1].size


def test_the_trainable_layer_gets_exactly_the_sgd_step_worked_in_float64():
    gn.utils.set_random_seed(3)
    model = gn.Sequential([Dense(3, activation="tanh", input_shape=(2,)), Dense(1)])
    model.layers[0].trainable = False
    model.compile(optimizer=gn.optimizers.SGD(0.1), loss="mse")
    w1, b1, w2, b2 = (w.astype(np.float64) for w in model.get_weights())
    x = np.array([[0.5, -1.0], [1.0, 0.25], [-0.5, 0.75], [0.0, 1.0]])
    y = np.array([[1.0], [0.0], [-1.0], [0.5]])
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)  # one step
    # By hand: h = tanh(x W1 + b1), yhat = h W2 + b2, dL/dyhat = 2 (yhat - y) / N for the
    # mean squared error, dL/dW2 = h^T dL/dyhat, dL/db2 = sum of dL/dyhat; w -= 0.1 * grad.
    h = np.tanh(x @ w1 + b1)
    g = 2 * (h @ w2 + b2 - y) / len(x)
    new_w1, new_b1, new_w2, new_b2 = model.get_weights()
    np.testing.assert_allclose(new_w2, w2 - 0.1 * h.T @ g, rtol=1e-5)
    np.testing.assert_allclose(new_b2, b2 - 0.1 * g.sum(axis=0), rtol=1e-5)
    np.testing.assert_array_equal(new_w1, w1.astype(np.float32))
    np.testing.assert_array_equal(new_b1, b1.astype(np.float32))
    # The frozen first layer was not even backpropagated through: its gradients were never
    # computed (they are still the zeros build made).
    assert not model.layers[0].grads["kernel"].any()


def test_unfreezing_trains_again_and_model_trainable_sets_every_layer():
    model = _three_layer_model()
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.trainable = False
    assert [layer.trainable for layer in model.layers] == [False, False, False]
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 6
    before = model.get_weights()
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()  # the loss is still reported
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(new, old)
    model.trainable = True
    assert [layer.trainable for layer in model.layers] == [True, True, True]
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    for old, new in zip(before, model.get_weights(), strict=True):
        assert not np.array_equal(new, old)


def test_a_frozen_base_model_under_a_new_head_as_in_the_guide():
    gn.utils.set_random_seed(0)
    base = gn.Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(4)])
    base.build()
    base.trainable = False  # "Freeze the base model"
    model = gn.Sequential([base, Dense(2)])
    model.build()  # glassnet builds on demand (fit, weights); the head's kernel is read here
    model.compile(optimizer="adam", loss="mse")
    frozen = base.get_weights()
    head = model.layers[1].kernel.copy()
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    for old, new in zip(frozen, base.get_weights(), strict=True):
        np.testing.assert_array_equal(new, old)
    assert not np.array_equal(head, model.layers[1].kernel)
    # A layer set trainable inside a frozen model stays frozen, as Keras.
    base.layers[0].trainable = True
    assert len(model.trainable_weights) == 2


def test_an_optimizers_state_is_not_carried_to_other_weights_of_the_same_shape():
    # SGD with momentum 0.9, lr 0.1 (Keras: v = 0.9 v - 0.1 g; w += v). After one step on
    # `a` (v = -0.1 * 1 = -0.1), a first step on another array `b` of the same shape must
    # start from v = 0: b = 1 - 0.1 * 2 = 0.8, not 1 + 0.9 (-0.1) - 0.2 = 0.71.
    sgd = gn.optimizers.SGD(0.1, momentum=0.9)
    a, b = np.ones(3), np.ones(3)
    sgd.apply([(a, np.ones(3))])
    sgd.apply([(b, np.full(3, 2.0))])
    np.testing.assert_allclose(b, 0.8)
    np.testing.assert_allclose(a, 0.9)


def test_trainable_survives_saving_and_resumes_exactly(tmp_path):
    model = _three_layer_model()
    model.layers[1].trainable = False
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = gn.load_model(tmp_path / "m.glassnet")
    assert [layer.trainable for layer in loaded.layers] == [True, False, True]
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # the Adam moments came back, per trainable weight
    # A trainable model's file has no "trainable" key at all: old glassnet versions read it.
    assert "trainable" not in str(_three_layer_model().get_config())


def test_trainable_must_be_a_bool():
    with pytest.raises(TypeError, match="trainable must be True or False, got 'no'"):
        Dense(2).trainable = "no"
    with pytest.raises(TypeError, match="trainable must be True or False"):
        gn.Sequential(trainable=0)


def test_summary_counts_trainable_and_non_trainable_as_keras():
    # Keras 3.15.1 for Input(784) -> Dense(4) (frozen) -> Dense(2) printed:
    #  Total params: 3,150 (12.30 KB) / Trainable params: 10 (40.00 B) /
    #  Non-trainable params: 3,140 (12.27 KB). By hand: 784 x 4 + 4 = 3,140; 4 x 2 + 2 = 10;
    #  4 bytes each: 12,600 B / 1024 = 12.30 KB.
    model = gn.Sequential([gn.Input(shape=(784,)), Dense(4), Dense(2)])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0].splitlines()
    assert text[-3:] == [
        "Total params: 3,150 (12.30 KB)",
        "Trainable params: 10 (40.00 B)",
        "Non-trainable params: 3,140 (12.27 KB)",
    ]


def test_the_lecture_models_summary_totals_are_kerass():
    # Keras 3.15.1 printed these three lines for the lecture model (review, appendix).
    model = gn.Sequential([Flatten(input_shape=(28, 28)), Dense(128, "relu"), Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0].splitlines()[-3:] == [
        "Total params: 101,770 (397.54 KB)",
        "Trainable params: 101,770 (397.54 KB)",
        "Non-trainable params: 0 (0.00 B)",
    ]


# -- weights ---------------------------------------------------------------------------
def test_layer_weights_as_in_the_guide():
    layer = Dense(3)
    assert layer.weights == []  # "Empty"
    layer(np.ones((1, 4)))
    assert [w.shape for w in layer.weights] == [(4, 3), (3,)]
    assert layer.weights[0] is layer.kernel and layer.weights[1] is layer.bias
    model = gn.Sequential([Dense(2, "relu"), Dense(3, "relu"), Dense(4)])
    assert model.weights == []  # not built: no weights yet
    model(np.ones((1, 4)))
    assert len(model.weights) == 6  # "Number of weights after calling the model: 6"
    expected = [leaf.params[key] for leaf in model.layers for key in ("kernel", "bias")]
    assert all(a is b for a, b in zip(model.weights, expected, strict=True))  # Keras's order


def test_model_weights_are_live_and_get_weights_copies():
    model = gn.Sequential([Dense(1, input_shape=(2,), kernel_initializer="zeros")])
    x = np.array([[1.0, 2.0]])
    model.weights[0][...] = 1.0  # a live array: the model reads it
    assert model.predict(x).tolist() == [[3.0]]  # 1 * 1 + 2 * 1 + 0
    copies = model.layers[0].get_weights()
    copies[0][...] = 5.0
    assert model.predict(x).tolist() == [[3.0]]


def test_layer_set_weights_in_place_and_its_errors():
    layer = Dense(2, input_shape=(3,))
    layer.build((3,))
    kernel = layer.kernel
    layer.set_weights([np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])])
    assert layer.kernel is kernel and kernel.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert layer(np.array([[1.0, 0.0, 0.0]])).tolist() == [[1.0, 0.0]]
    with pytest.raises(ValueError, match="expected a list of 2 arrays, got 1"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"weights\[0\] of layer '.*' must have shape \(3, 2\)"):
        layer.set_weights([np.zeros((3, 3)), np.zeros(2)])
    with pytest.raises(TypeError, match="expects a list of arrays"):
        layer.set_weights(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        layer.set_weights([np.full((3, 2), np.nan), np.zeros(2)])
    assert layer.kernel.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]  # nothing changed


def test_kernel_and_bias():
    assert Dense(2, use_bias=False, input_shape=(3,)).bias is None
    with pytest.raises(AttributeError, match="has no kernel yet"):
        _ = Dense(2).kernel
    layer = Dense(2)
    layer.build((None, 5))  # Keras's form of the shape, with the batch axis
    assert layer.kernel.shape == (5, 2) and layer.bias.shape == (2,)


# -- pop, get_layer, shapes --------------------------------------------------------------
def test_pop_as_in_the_guide_and_after_a_build():
    model = gn.Sequential()
    model.add(Dense(2, activation="relu"))
    model.add(Dense(3, activation="relu"))
    model.add(Dense(4))
    popped = model.pop()
    assert len(model.layers) == 2 and popped.units == 4

    model = _three_layer_model()
    model.compile(optimizer="adam", loss="mse")
    last = model.pop()
    assert model.output_shape == (None, 4)
    assert model.weight_vector.size == model.count_params() == (3 * 4 + 4) + (4 * 4 + 4)
    model.add(Dense(2))
    x, y = _data()
    kept = last.get_weights()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert sum(w.size for w, _ in model.weight_pairs) == model.count_params()
    for old, new in zip(kept, last.get_weights(), strict=True):
        np.testing.assert_array_equal(new, old)  # the popped layer is out of training
    with pytest.raises(IndexError, match="has no layers"):
        gn.Sequential().pop()


def test_get_layer_by_name_or_index_with_kerass_errors():
    model = gn.Sequential([Dense(2, name="hidden", input_shape=(3,)), Dense(1, name="out")])
    assert model.get_layer("out") is model.layers[1]
    assert model.get_layer(index=0) is model.get_layer(name="hidden")
    with pytest.raises(
        ValueError, match=r"No such layer: x\. Existing layers are: \['hidden', 'out'\]"
    ):
        model.get_layer("x")
    with pytest.raises(ValueError, match="retrieve layer at index 5 but model only has 2 layers"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match="Provide either a layer name or layer index"):
        model.get_layer()
    with pytest.raises(ValueError, match="Provide only a layer name or a layer index"):
        model.get_layer("out", 1)


def test_shapes_have_the_batch_axis_as_keras_reports_them():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns about input_shape=; glassnet does not
        model = gn.Sequential([Flatten(input_shape=(28, 28)), Dense(128, "relu"), Dense(10)])
        model.summary(print_fn=lambda text: None)
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 10)
    assert model.layers[0].input_shape == (None, 28, 28)
    assert model.layers[0].output_shape == (None, 784)
    assert model.layers[1].input_shape == (None, 784)
    assert model.input_sample_shape == (28, 28)  # glassnet's own, without the batch axis
    unbuilt = gn.Sequential([Dense(3)])
    with pytest.raises(AttributeError, match="has no defined input shape yet"):
        _ = unbuilt.input_shape
    # The Sequential API page: Dense(8), Dense(4), build((None, 16)) -> 4 weights.
    unbuilt = gn.Sequential([Dense(8), Dense(4)])
    unbuilt.build((None, 16))
    assert len(unbuilt.weights) == 4 and unbuilt.input_shape == (None, 16)


def test_the_guides_non_convolutional_code_runs():
    model = gn.Sequential(
        [
            Dense(2, activation="relu", name="layer1"),
            Dense(3, activation="relu", name="layer2"),
            Dense(4, name="layer3"),
        ]
    )
    x = np.ones((3, 3))
    y = model(x)
    layer1, layer2, layer3 = model.layers
    np.testing.assert_allclose(layer3(layer2(layer1(x))), y)  # "is equivalent to this function"
    model = gn.Sequential(name="my_sequential")
    model.add(Dense(2, activation="relu", input_shape=(4,)))
    assert model.name == "my_sequential" and model.output_shape == (None, 2)
    model = gn.Sequential(
        [gn.Input(shape=(784,)), *[Dense(32, "relu") for _ in range(3)], Dense(10)]
    )
    for layer in model.layers[:-1]:
        layer.trainable = False
    model.compile(optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.get_weights()
    rng = np.random.default_rng(0)
    model.fit(rng.random((8, 784)), rng.integers(0, 10, 8), epochs=1, verbose=0)
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert changed == [False] * 6 + [True] * 2
    assert isinstance(Dropout(0.5), gn.layers.Layer)


def test_frozen_training_matches_real_keras():
    tf = pytest.importorskip("tensorflow")
    keras = tf.keras
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 5)).astype(np.float32)
    y = rng.normal(size=(32, 2)).astype(np.float32)
    theirs = keras.Sequential(
        [keras.Input(shape=(5,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2)]
    )
    mine = gn.Sequential([gn.Input(shape=(5,)), Dense(4, activation="tanh"), Dense(2)])
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        model.layers[0].trainable = False
    theirs.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    mine.compile(optimizer=gn.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(theirs.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in theirs.trainable_weights] == [w.shape for w in mine.trainable_weights]
    assert theirs.input_shape == mine.input_shape and theirs.output_shape == mine.output_shape
