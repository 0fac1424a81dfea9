"""ReLU, LeakyReLU, Reshape and Rescaling against Keras 3: numbers, config, saving, ONNX.

KERAS holds what Keras 3.15 (TensorFlow 2.21 backend) gave for each layer on X: its
get_config() (without name, dtype and trainable), its output, and the gradient of
sum(output * UPSTREAM) with respect to X (tf.GradientTape), printed by
`/work/peers-venv/bin/python tests/engine/keras_reference_layers.py` (float32 values written
in their shortest form). KERAS_CONFIG_JSON is
the layers' part of config.json in a .keras file Keras wrote for the same layers.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import _keras_file
from glassnet.layers import LeakyReLU, ReLU, Rescaling, Reshape

X = np.array([[-3.0, -0.5, 0.25, 1.5, 4.0, 7.0], [2.5, -1.25, 6.5, 0.75, -4.0, 3.0]], np.float32)
UPSTREAM = np.array(
    [[1.0, -2.0, 0.5, 3.0, -1.0, 2.0], [0.5, 1.5, -1.0, 2.0, 1.0, -0.5]], np.float32
)
KERAS = {  # the constructor call -> (config, output, input gradient), from Keras
    "ReLU()": (
        {"max_value": None, "negative_slope": 0.0, "threshold": 0.0},
        [[0.0, 0.0, 0.25, 1.5, 4.0, 7.0], [2.5, 0.0, 6.5, 0.75, 0.0, 3.0]],
        [[0.0, -0.0, 0.5, 3.0, -1.0, 2.0], [0.5, 0.0, -1.0, 2.0, 0.0, -0.5]],
    ),
    "ReLU(max_value=5.0)": (
        {"max_value": 5.0, "negative_slope": 0.0, "threshold": 0.0},
        [[0.0, 0.0, 0.25, 1.5, 4.0, 5.0], [2.5, 0.0, 5.0, 0.75, 0.0, 3.0]],
        [[0.0, -0.0, 0.5, 3.0, -1.0, 0.0], [0.5, 0.0, 0.0, 2.0, 0.0, -0.5]],
    ),
    "ReLU(negative_slope=0.1)": (
        {"max_value": None, "negative_slope": 0.1, "threshold": 0.0},
        [[-0.3, -0.05, 0.25, 1.5, 4.0, 7.0], [2.5, -0.125, 6.5, 0.75, -0.4, 3.0]],
        [[0.1, -0.2, 0.5, 3.0, -1.0, 2.0], [0.5, 0.15, -1.0, 2.0, 0.1, -0.5]],
    ),
    "ReLU(max_value=6.0, negative_slope=0.2, threshold=1.0)": (
        {"max_value": 6.0, "negative_slope": 0.2, "threshold": 1.0},
        [[-0.8, -0.3, -0.15, 1.5, 4.0, 6.0], [2.5, -0.45000002, 6.0, -0.05, -1.0, 3.0]],
        [[0.2, -0.4, 0.1, 3.0, -1.0, 0.0], [0.5, 0.3, 0.0, 0.4, 0.2, -0.5]],
    ),
    "ReLU(threshold=2.0)": (
        {"max_value": None, "negative_slope": 0.0, "threshold": 2.0},
        [[0.0, 0.0, 0.0, 0.0, 4.0, 7.0], [2.5, 0.0, 6.5, 0.0, 0.0, 3.0]],
        [[0.0, 0.0, 0.0, 0.0, -1.0, 2.0], [0.5, 0.0, -1.0, 0.0, 0.0, -0.5]],
    ),
    "LeakyReLU()": (
        {"negative_slope": 0.3},
        [[-0.90000004, -0.15, 0.25, 1.5, 4.0, 7.0], [2.5, -0.375, 6.5, 0.75, -1.2, 3.0]],
        [[0.3, -0.6, 0.5, 3.0, -1.0, 2.0], [0.5, 0.45000002, -1.0, 2.0, 0.3, -0.5]],
    ),
    "LeakyReLU(negative_slope=0.05)": (
        {"negative_slope": 0.05},
        [[-0.15, -0.025, 0.25, 1.5, 4.0, 7.0], [2.5, -0.0625, 6.5, 0.75, -0.2, 3.0]],
        [[0.05, -0.1, 0.5, 3.0, -1.0, 2.0], [0.5, 0.075, -1.0, 2.0, 0.05, -0.5]],
    ),
    "Rescaling(1.0 / 255)": (
        {"scale": 0.00392156862745098, "offset": 0.0},
        [
            [-0.011764707, -0.0019607844, 0.0009803922, 0.0058823535, 0.015686275, 0.027450982],
            [0.009803922, -0.004901961, 0.025490198, 0.0029411768, -0.015686275, 0.011764707],
        ],
        [
            [0.003921569, -0.007843138, 0.0019607844, 0.011764707, -0.003921569, 0.007843138],
            [0.0019607844, 0.0058823535, -0.003921569, 0.007843138, 0.003921569, -0.0019607844],
        ],
    ),
    "Rescaling(0.5, offset=-1.0)": (
        {"scale": 0.5, "offset": -1.0},
        [[-2.5, -1.25, -0.875, -0.25, 1.0, 2.5], [0.25, -1.625, 2.25, -0.625, -3.0, 0.5]],
        [[0.5, -1.0, 0.25, 1.5, -0.5, 1.0], [0.25, 0.75, -0.5, 1.0, 0.5, -0.25]],
    ),
    "Reshape((3, -1))": (
        {"target_shape": [3, -1]},
        [[[-3.0, -0.5], [0.25, 1.5], [4.0, 7.0]], [[2.5, -1.25], [6.5, 0.75], [-4.0, 3.0]]],
        [[1.0, -2.0, 0.5, 3.0, -1.0, 2.0], [0.5, 1.5, -1.0, 2.0, 1.0, -0.5]],
    ),
}
_DTYPE = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
          "registered_name": None}  # fmt: skip
KERAS_CONFIG_JSON = [  # config.json's layers after the InputLayer ("shared_object_id" left out)
    {"module": "keras.layers", "class_name": "Rescaling", "config": {"name": "scale",
     "trainable": True, "dtype": _DTYPE, "scale": 0.5, "offset": -1.0}, "registered_name": None,
     "build_config": {"input_shape": [None, 6]}},
    {"module": "keras.layers", "class_name": "ReLU", "config": {"name": "relu", "trainable": True,
     "dtype": _DTYPE, "max_value": 6.0, "negative_slope": 0.2, "threshold": 1.0},
     "registered_name": None},
    {"module": "keras.layers", "class_name": "LeakyReLU", "config": {"name": "leaky",
     "trainable": True, "dtype": _DTYPE, "negative_slope": 0.05}, "registered_name": None},
    {"module": "keras.layers", "class_name": "Reshape", "config": {"name": "shape",
     "trainable": True, "dtype": _DTYPE, "target_shape": [3, -1]}, "registered_name": None},
]  # fmt: skip
LAYERS = {
    "ReLU()": lambda: ReLU(),
    "ReLU(max_value=5.0)": lambda: ReLU(max_value=5.0),
    "ReLU(negative_slope=0.1)": lambda: ReLU(negative_slope=0.1),
    "ReLU(max_value=6.0, negative_slope=0.2, threshold=1.0)": lambda: ReLU(
        max_value=6.0, negative_slope=0.2, threshold=1.0
    ),
    "ReLU(threshold=2.0)": lambda: ReLU(threshold=2.0),
    "LeakyReLU()": lambda: LeakyReLU(),
    "LeakyReLU(negative_slope=0.05)": lambda: LeakyReLU(negative_slope=0.05),
    "Rescaling(1.0 / 255)": lambda: Rescaling(1.0 / 255),
    "Rescaling(0.5, offset=-1.0)": lambda: Rescaling(0.5, offset=-1.0),
    "Reshape((3, -1))": lambda: Reshape((3, -1)),
}


@pytest.mark.parametrize("label", list(KERAS))
def test_output_gradient_and_config_match_keras(label):
    config, output, gradient = KERAS[label]
    layer = LAYERS[label]()
    y = layer(X, training=True)
    np.testing.assert_array_equal(y, np.float32(output))
    grad = layer.backward(UPSTREAM.reshape(y.shape).copy())
    np.testing.assert_array_equal(grad, np.float32(gradient))
    assert layer.backward(UPSTREAM.reshape(y.shape).copy(), need_input_grad=False) is None
    mine = layer.get_config()
    assert {k: v for k, v in mine.items() if k not in ("name", "input_shape")} == config
    again = type(layer).from_config(mine)
    np.testing.assert_array_equal(again(X), y)


def test_by_hand():
    # Keras's docstring example: slope 0.5 below 0, capped at 10.
    relu = ReLU(max_value=10, negative_slope=0.5)
    assert relu(np.array([[-10.0, -5.0, 0.0, 5.0, 12.0]])).tolist() == [[-5, -2.5, 0, 5, 10]]
    # threshold 1: below it 0.2 * (x - 1): -1 -> -0.4; between 1 and 6, x; above, 6.
    relu = ReLU(max_value=6.0, negative_slope=0.2, threshold=1.0)
    out = relu(np.array([[-1.0, 0.5, 3.0, 9.0]]), training=True)
    np.testing.assert_allclose(out, [[-0.4, -0.1, 3.0, 6.0]])
    np.testing.assert_allclose(relu.backward(np.ones((1, 4))), [[0.2, 0.2, 1.0, 0.0]])
    assert LeakyReLU()(np.array([[-10.0, 2.0]])).tolist() == [[-3.0, 2.0]]  # slope 0.3
    assert Rescaling(1.0 / 255)(np.array([[255.0, 51.0]])).tolist() == [[1.0, 0.2]]
    assert Rescaling(2.0, offset=1.0)(np.array([[3.0]])).tolist() == [[7.0]]
    assert Reshape((-1, 2))(np.arange(12.0).reshape(2, 6)).tolist()[1] == [[6, 7], [8, 9], [10, 11]]


def test_defaults_and_names_are_keras():
    relu, leaky = ReLU(), LeakyReLU()
    assert (relu.max_value, relu.negative_slope, relu.threshold) == (None, 0.0, 0.0)
    assert leaky.negative_slope == 0.3 and Rescaling(2.0).offset == 0.0
    assert relu.name.startswith("re_lu") and leaky.name.startswith("leaky_re_lu")
    assert gn.layers.Dense(1).name.startswith("dense")
    assert gn.layers.InputLayer(shape=(2,)).name.startswith("input_layer")
    with pytest.warns(UserWarning, match="alpha"):
        assert LeakyReLU(alpha=0.1).negative_slope == 0.1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ReLU(max_value=-1), "max_value of a ReLU layer cannot be a negative"),
        (lambda: ReLU(negative_slope=-0.1), "negative_slope of a ReLU layer"),
        (lambda: ReLU(threshold=None), "threshold of a ReLU layer"),
        (lambda: LeakyReLU(negative_slope=None), "negative_slope of a Leaky ReLU layer"),
        (lambda: Reshape((-1, -1)), "at most one unknown dimension"),
        (lambda: Reshape((2, -3)), "target_shape entries"),
        (lambda: Reshape((4, 4)).build((6,)), "total size of the tensor must be unchanged"),
        (lambda: Reshape((4, -1)).build((6,)), "cannot by divided"),
        (lambda: Rescaling(float("nan")), "scale"),
    ],
)
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def _model():
    gn.utils.set_random_seed(3)
    return gn.Sequential(
        [
            gn.Input(shape=(6,)),
            Rescaling(0.5, offset=-0.25),
            gn.layers.Dense(6),
            ReLU(max_value=2.0, negative_slope=0.2, threshold=0.1),
            Reshape((3, 2)),
            gn.layers.Flatten(),
            LeakyReLU(),
            gn.layers.Dense(2),
        ]
    )


def test_gradients_by_finite_differences():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    report = gn.testing.check_gradients(model, rng.normal(size=(5, 6)), rng.normal(size=(5, 2)))
    assert report.passed, report


def test_summary_rows():
    model = _model()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for layer, shape in [("Rescaling", "(None, 6)"), ("ReLU", "(None, 6)"),
                         ("Reshape", "(None, 3, 2)"), ("LeakyReLU", "(None, 6)")]:  # fmt: skip
        row = next(line for line in text.splitlines() if f"({layer})" in line)
        assert shape in row and " 0 " in row + " "


def test_trains_with_them():
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 6)).astype(np.float32)
    y = np.stack([x.sum(axis=1), x[:, 0]], axis=1)
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
def test_save_and_load(tmp_path, suffix):
    if suffix == ".keras":
        pytest.importorskip("h5py")
    model = _model()
    model.compile(optimizer="adamw", loss="mse")
    path = tmp_path / f"m{suffix}"
    model.save(path)
    loaded = gn.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    for a, b in zip(loaded.layers, model.layers, strict=True):
        assert a.get_config() == b.get_config()
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_keras_config_is_what_keras_writes_and_reads():
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [
            gn.Input(shape=(6,)),
            Rescaling(0.5, offset=-1.0, name="scale"),
            ReLU(max_value=6.0, negative_slope=0.2, threshold=1.0, name="relu"),
            LeakyReLU(negative_slope=0.05, name="leaky"),
            Reshape((3, -1), name="shape"),
        ],
        name="seq",
    )
    model.build()
    written = _keras_file.model_config(model)["config"]["layers"][1:]
    for entry in written:
        entry["config"]["dtype"] = {**entry["config"]["dtype"], "registered_name": None}
    assert written == KERAS_CONFIG_JSON
    first = {"class_name": "InputLayer", "config": {"batch_shape": [None, 6]}}
    entry = {"class_name": "Sequential", "config": {"layers": [first, *KERAS_CONFIG_JSON]}}
    read, shape = _keras_file.model_from_config(entry, "k.keras")
    read.build(shape)
    assert [layer.get_config() for layer in read.layers] == [
        layer.get_config() for layer in model.layers
    ]
    assert read.output_shape == (None, 3, 2)


def test_onnx_export_runs_the_same(tmp_path):
    pytest.importorskip("onnx")
    runtime = pytest.importorskip("onnxruntime")
    model = gn.Sequential(
        [gn.Input(shape=(6,)), Rescaling(0.5, offset=-1.0), ReLU(max_value=2.0), ReLU(),
         ReLU(negative_slope=0.1), LeakyReLU(), Reshape((2, -1)), gn.layers.Flatten(),
         gn.layers.Dense(2)]
    )  # fmt: skip
    model.export(str(tmp_path / "m.onnx"))
    session = runtime.InferenceSession(str(tmp_path / "m.onnx"))
    (out,) = session.run(None, {"input": X})
    np.testing.assert_allclose(out, model.predict(X, verbose=0), rtol=1e-6, atol=1e-6)


def test_onnx_export_refuses_a_relu_it_cannot_write_in_one_operator(tmp_path):
    pytest.importorskip("onnx")
    model = gn.Sequential([gn.Input(shape=(6,)), ReLU(threshold=1.0, name="thresholded")])
    with pytest.raises(ValueError, match=r"'thresholded' is a ReLU.*threshold=1\.0.*cannot export"):
        model.export(str(tmp_path / "m.onnx"))
    assert not (tmp_path / "m.onnx").exists()


def test_real_keras_loads_what_glassnet_saved_and_back(tmp_path):
    """Runs only where Keras 3 is installed (not in the test environment)."""
    keras = pytest.importorskip("keras")
    pytest.importorskip("h5py")
    model = _model()
    model.compile(optimizer="adagrad", loss="mse")
    model.fit(X, np.ones((2, 2), np.float32), epochs=1, verbose=0)
    model.save(tmp_path / "g.keras")
    theirs = keras.models.load_model(tmp_path / "g.keras")
    np.testing.assert_allclose(theirs.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    assert int(theirs.optimizer.iterations) == model.optimizer.iterations == 1
    accumulators = [np.asarray(v) for v in theirs.optimizer.variables if "accumulator" in v.path]
    state = model.optimizer.get_state()
    for i, weight in enumerate(model.get_weights()):  # one vector per kind, model order
        start = sum(w.size for w in model.get_weights()[:i])
        np.testing.assert_allclose(
            accumulators[i].ravel(), state["0/accumulator"][start : start + weight.size]
        )
    theirs.save(tmp_path / "k.keras")
    back = gn.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(back.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    with zipfile.ZipFile(tmp_path / "k.keras") as archive:
        assert (
            json.loads(archive.read("config.json"))["compile_config"]["optimizer"]["class_name"]
            == "Adagrad"
        )


def test_per_channel_rescaling_as_keras_computes_and_saves_it():
    # Keras 3.15: Rescaling(np.array([0.5, 2.0, -1.0], "float32"), offset=[1.0, 0.0, -1.0])
    # on these rows gave KERAS_OUT, and serialize_keras_object wrote KERAS_SETTINGS.
    x = np.array([[1.0, 2.0, 3.0], [-4.0, 0.5, 6.0]], np.float32)
    keras_out = [[1.5, 4.0, -4.0], [-1.0, 1.0, -7.0]]  # by hand: 1 * 0.5 + 1 = 1.5, ...
    keras_settings = {
        "scale": {"class_name": "__numpy__", "config": {"value": [0.5, 2.0, -1.0],
                  "dtype": "float32"}},
        "offset": [1.0, 0.0, -1.0],
    }  # fmt: skip
    layer = Rescaling(np.array([0.5, 2.0, -1.0], np.float32), offset=[1.0, 0.0, -1.0])
    assert layer(x, training=True).tolist() == keras_out
    assert layer.backward(np.ones((2, 3))).tolist() == [[0.5, 2.0, -1.0]] * 2
    assert layer.get_config()["scale"] == [0.5, 2.0, -1.0]
    read = _keras_file._layer_from("Rescaling", {"name": "r", **keras_settings}, "k.keras")
    assert read(x).tolist() == keras_out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ReLU(max_value="5"), "max_value must be a number"),
        (lambda: LeakyReLU(negative_slope="a"), "negative_slope must be a number"),
        (lambda: Reshape(5), "target_shape must be a tuple of integers"),
        (lambda: Rescaling("x"), "scale must be numeric"),
    ],
)
def test_arguments_of_the_wrong_type_are_named(make, message):
    with pytest.raises(TypeError, match=message):
        make()
