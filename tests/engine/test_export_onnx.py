"""model.export("m.onnx"): the file passes onnx's checker and onnxruntime computes what
model.predict computes, to 1e-5, on 1,000 inputs, for every layer and activation."""

import numpy as np
import pytest

import glassnet as gn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

ACTIVATIONS = [
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "step",
    "sign",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "silu",
    "leaky_relu",
    "hard_sigmoid",
    "exponential",
]


def run_onnx(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(["output"], {"input": x.astype(np.float32)})
    return out


def export_and_compare(model, x, path, **kwargs):
    model.export(str(path), verbose=False, **kwargs)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    got, want = run_onnx(path, x), model.predict(x, verbose=0)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    return got


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activation_in_a_dense_layer(name, tmp_path):
    gn.utils.set_random_seed(1)
    model = gn.Sequential([gn.layers.Dense(6, activation=name, input_shape=(4,))])
    x = np.random.default_rng(0).normal(0, 2, (1000, 4)).astype(np.float32)
    export_and_compare(model, x, tmp_path / "m.onnx")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activation_as_a_layer_at_its_edges(name, tmp_path):
    # Inputs straight into the activation (no matrix product whose rounding could move a
    # value across 0), with exact zeros, where step is 1 and sign is -1 (ONNX's Sign: 0).
    model = gn.Sequential([gn.Input(shape=(5,)), gn.layers.Activation(name)])
    x = np.random.default_rng(2).normal(0, 3, (1000, 5)).astype(np.float32)
    x[::7, 0] = 0.0
    got = export_and_compare(model, x, tmp_path / "m.onnx")
    if name == "step":
        assert set(np.unique(got)) == {0.0, 1.0} and (got[::7, 0] == 1.0).all()
    if name == "sign":
        assert set(np.unique(got)) == {-1.0, 1.0} and (got[::7, 0] == -1.0).all()


def test_activations_with_settings_and_large_inputs(tmp_path):
    x = np.linspace(-40, 40, 1000, dtype=np.float32).reshape(-1, 1)
    for activation in [
        gn.activations.get({"class_name": "elu", "config": {"alpha": 0.5}}),
        gn.activations.get({"class_name": "leaky_relu", "config": {"negative_slope": 0.05}}),
        gn.activations.get({"class_name": "gelu", "config": {"approximate": True}}),
        gn.activations.get("softplus"),  # log(1 + e^40) must not overflow
    ]:
        model = gn.Sequential([gn.Input(shape=(1,)), gn.layers.Activation(activation)])
        export_and_compare(model, x, tmp_path / "m.onnx")


def test_lecture_model_with_every_layer_kind(tmp_path):
    gn.utils.set_random_seed(3)
    model = gn.Sequential(
        [
            gn.layers.InputLayer(shape=(28, 28)),
            gn.layers.Flatten(),
            gn.layers.Dense(32, activation="relu"),
            gn.layers.Dropout(0.5),
            gn.layers.Dense(16, use_bias=False),
            gn.layers.Activation("tanh"),
            gn.layers.Dense(10),
            gn.layers.Softmax(),
        ]
    )
    x = np.random.default_rng(4).random((1000, 28, 28), dtype=np.float32)
    got = export_and_compare(model, x, tmp_path / "m.onnx")
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-5)
    graph = onnx.load(str(tmp_path / "m.onnx")).graph
    assert [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim] == [
        "batch",
        28,
        28,
    ]
    assert "Dropout" not in [node.op_type for node in graph.node]


def test_trained_nested_model_matches(tmp_path):
    gn.utils.set_random_seed(5)
    inner = gn.Sequential([gn.layers.Dense(8, activation="selu", input_shape=(2,))])
    model = gn.Sequential([inner, gn.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x, y = gn.datasets.logic_gate("xor")
    model.fit(x, y, epochs=20, batch_size=4, verbose=0)
    grid = np.random.default_rng(6).uniform(-1, 2, (1000, 2)).astype(np.float32)
    export_and_compare(model, grid, tmp_path / "m.onnx")


def test_input_preprocessing_is_in_the_graph(tmp_path):
    from glassnet._export_onnx import export_onnx

    gn.utils.set_random_seed(7)
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,))])
    mean, scale = np.array([10.0, -2.0]), np.array([4.0, 0.5])
    raw = np.random.default_rng(8).normal(5, 3, (1000, 2)).astype(np.float32)
    export_onnx(model, tmp_path / "m.onnx", input_mean=mean, input_scale=scale)
    want = model.predict(((raw - mean) / scale).astype(np.float32), verbose=0)
    np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", raw), want, rtol=1e-5, atol=1e-5)


def test_export_arguments(tmp_path, capsys):
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.export(str(tmp_path / "a.onnx"))
    assert f"Saved artifact at '{tmp_path / 'a.onnx'}'" in capsys.readouterr().out
    model.export(str(tmp_path / "b.bin"), format="onnx", verbose=False, opset_version=18)
    assert onnx.load(str(tmp_path / "b.bin")).opset_import[0].version == 18
    with pytest.raises(ValueError, match=r'does not end in "\.onnx"'):
        model.export(str(tmp_path / "c.keras"))
    with pytest.raises(ValueError, match=r"format must be \"onnx\".*got 'tf_saved_model'"):
        model.export(str(tmp_path / "d"), format="tf_saved_model")
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*input_signature"):
        model.export(str(tmp_path / "e.onnx"), input_signature=[1])
    with pytest.raises(ValueError, match="opset_version must be >= 17"):
        model.export(str(tmp_path / "f.onnx"), opset_version=11)


def test_a_layer_without_onnx_form_is_named(tmp_path):
    class Custom(gn.layers.Layer):
        def forward(self, x, training=False):
            return x

    model = gn.Sequential([gn.Input(shape=(2,)), Custom(name="mine")])
    model.build()
    with pytest.raises(ValueError, match=r"Layer 'mine' \(Custom\) has no ONNX export"):
        model.export(str(tmp_path / "m.onnx"))
    assert not (tmp_path / "m.onnx").exists()


def test_missing_onnx_says_how_to_install(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_onnx(name, *args, **kwargs):
        if name == "onnx":
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ImportError, match="pip install onnx"):
        model.export(str(tmp_path / "m.onnx"))
