"""The .keras file: glassnet writes Keras 3's zip and reads the one Keras 3 writes.

The fixtures in tests/data/fixtures/keras/ were written by real Keras 3.15.1
(`make_fixtures.py` there), with Keras's predictions for their inputs, so these tests
check glassnet against Keras without TensorFlow. The last tests run real Keras on the
files glassnet writes, when TensorFlow is installed.
"""

import io
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

h5py = pytest.importorskip("h5py")

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "keras"


def _model(seed=3, activation="tanh", optimizer=None):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(2, 3)),
            gn.layers.Dense(4, activation="relu", kernel_initializer="he_normal"),
            gn.layers.Dropout(0.25),
            gn.layers.Dense(3, name="logits"),
            gn.layers.Activation(activation),
            gn.layers.Softmax(),
        ],
        name="net",
    )
    model.compile(
        optimizer=optimizer or gn.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(8, 2, 3)).astype(np.float32), np.arange(8) % 3


def _rewrite_config(source: Path, target: Path, change) -> None:
    """Copy the .keras zip `source` to `target` with its config.json changed by `change`."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# -- what glassnet writes -----------------------------------------------------------------
def test_save_keras_writes_keras_zip_layout(tmp_path):
    model = _model()
    x, y = _data()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = archive.read("model.weights.h5")
    assert metadata["keras_version"].startswith("3.")
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    layers = config["config"]["layers"]
    assert [entry["class_name"] for entry in layers] == [
        "InputLayer", "Flatten", "Dense", "Dropout", "Dense", "Activation", "Softmax",
    ]  # fmt: skip
    assert layers[0]["config"]["batch_shape"] == [None, 2, 3]
    dense = layers[2]["config"]
    assert (dense["units"], dense["activation"], dense["use_bias"]) == (4, "relu", True)
    assert dense["kernel_initializer"]["class_name"] == "HeNormal"
    assert layers[2]["build_config"] == {"input_shape": [None, 6]}
    assert layers[3]["config"]["rate"] == 0.25
    assert layers[5]["config"]["activation"] == "tanh"
    compiled = config["compile_config"]
    assert compiled["optimizer"]["class_name"] == "Adam"
    assert compiled["optimizer"]["config"]["learning_rate"] == 0.01
    assert compiled["loss"]["class_name"] == "SparseCategoricalCrossentropy"
    assert compiled["loss"]["config"]["from_logits"] is False
    assert compiled["metrics"] == ["accuracy"]
    with h5py.File(io.BytesIO(weights), "r") as f:
        assert np.array_equal(f["layers/dense_1/vars/0"][()], model.get_weights()[2])
        assert int(f["optimizer/vars/0"][()]) == 2


def test_keras_round_trip_in_glassnet_continues_training_exactly(tmp_path):
    x, y = _data()
    model = _model(optimizer=gn.optimizers.SGD(0.1, momentum=0.9))
    model.layers[2].rate = 0.0  # no Dropout masks: the two continuations must agree
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    again = gn.load_model(tmp_path / "m.keras")
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert again.input_shape == (None, 2, 3)
    assert (again.optimizer.name, again.optimizer.momentum) == ("sgd", 0.9)
    assert again.metrics == ["accuracy"] and again.optimizer.iterations == 2
    assert np.array_equal(again.predict(x), model.predict(x))
    for m in (model, again):
        m.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)


def test_an_old_glassnet_file_named_keras_still_loads(tmp_path):
    model = _model()
    model.save(tmp_path / "m.glassnet")
    (tmp_path / "m.keras").write_bytes((tmp_path / "m.glassnet").read_bytes())
    x, _ = _data()
    assert np.array_equal(gn.load_model(tmp_path / "m.keras").predict(x), model.predict(x))


def test_what_a_keras_file_cannot_hold_is_an_error_naming_it(tmp_path):
    model = gn.Sequential([gn.layers.Dense(1, activation="step", input_shape=(2,), name="gate")])
    with pytest.raises(ValueError, match=r"Layer 'gate' uses the activation 'step'.*glassnet"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()
    with pytest.raises(ValueError, match=r"'\.weights\.h5' name is for weights.*save_weights"):
        _model().save(tmp_path / "m.weights.h5")


def test_an_unknown_optimizer_saves_the_model_uncompiled_with_a_warning(tmp_path, monkeypatch):
    model = _model()
    monkeypatch.setattr(model.optimizer, "name", "adadelta")
    with pytest.warns(UserWarning, match="would not load the optimizer"):
        model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert json.loads(archive.read("config.json"))["compile_config"] is None


# -- what Keras wrote ---------------------------------------------------------------------
def test_reads_a_keras_file_written_by_keras():
    expected = np.load(FIXTURES / "expected.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = gn.load_model(FIXTURES / "tiny.keras")
    assert [type(layer).__name__ for layer in model.layers] == [
        "Flatten", "Dense", "Dropout", "Dense", "Softmax",
    ]  # fmt: skip
    assert model.name == "tiny" and model.layers[3].name == "logits"
    assert model.layers[2].rate == 0.25 and model.layers[1].activation.name == "relu"
    # Keras's own predictions for these inputs, to float32 rounding:
    np.testing.assert_allclose(model.predict(expected["x"]), expected["predictions"], atol=1e-6)
    assert model.loss.name == "sparse_categorical_crossentropy" and not model.loss.from_logits
    assert model.optimizer.name == "adam"
    assert model.optimizer.learning_rate == pytest.approx(0.01)
    assert model.metrics == ["accuracy"]
    state = model.optimizer.get_state()
    assert model.optimizer.iterations == int(expected["iterations"]) == 4
    assert np.array_equal(state["0/m"][:24], expected["m"].ravel())
    assert np.array_equal(state["0/v"][:24], expected["v"].ravel())


def test_reads_a_nested_keras_sequential():
    expected = np.load(FIXTURES / "nested_expected.npz")
    model = gn.load_model(FIXTURES / "nested.keras")
    assert type(model.layers[0]).__name__ == "Sequential" and model.layers[0].name == "inner"
    assert model.input_shape == (None, 3) and model.optimizer is None
    np.testing.assert_allclose(model.predict(expected["x"]), expected["predictions"], atol=1e-6)


def test_a_functional_model_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="Keras Functional model; glassnet reads Sequential"):
        gn.load_model(FIXTURES / "functional.keras")


def test_an_unknown_layer_is_named(tmp_path):
    def to_conv(config):
        config["config"]["layers"][2]["class_name"] = "Conv2D"

    _rewrite_config(FIXTURES / "tiny.keras", tmp_path / "conv.keras", to_conv)
    with pytest.raises(ValueError, match="layer 'dense' is a Keras Conv2D, which glassnet"):
        gn.load_model(tmp_path / "conv.keras")


def test_a_setting_glassnet_lacks_is_named(tmp_path):
    def add_regularizer(config):
        config["config"]["layers"][2]["config"]["kernel_regularizer"] = {
            "class_name": "OrthogonalRegularizer"
        }

    _rewrite_config(FIXTURES / "tiny.keras", tmp_path / "ortho.keras", add_regularizer)
    with pytest.raises(ValueError, match="Dense 'dense' has a kernel_regularizer"):
        gn.load_model(tmp_path / "ortho.keras")


def test_regularizers_are_written_as_keras_writes_them_and_read_back(tmp_path):
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [
            gn.layers.Dense(
                3,
                input_shape=(2,),
                kernel_regularizer=gn.regularizers.l2(1e-3),
                bias_regularizer=gn.regularizers.L1L2(l1=0.5, l2=0.25),
            )
        ]
    )
    model.build()
    model.layers[0].params["bias"][:] = [1.0, -2.0, 0.5]
    model.save(tmp_path / "r.keras")
    with zipfile.ZipFile(tmp_path / "r.keras") as archive:
        dense = json.loads(archive.read("config.json"))["config"]["layers"][1]["config"]
    assert dense["kernel_regularizer"] == {
        "module": "keras.regularizers",
        "class_name": "L2",
        "config": {"l2": 1e-3},
        "registered_name": None,
    }
    assert dense["bias_regularizer"]["config"] == {"l1": 0.5, "l2": 0.25}
    again = gn.load_model(tmp_path / "r.keras")
    kernel = model.layers[0].params["kernel"].astype(np.float64)
    # 1e-3 * sum(w^2) + 0.5 * (1 + 2 + 0.5) + 0.25 * (1 + 4 + 0.25), by hand
    expected = 1e-3 * np.sum(kernel**2) + 0.5 * 3.5 + 0.25 * 5.25
    assert np.isclose(sum(again.losses), expected, rtol=1e-6)
    assert np.isclose(sum(model.losses), expected, rtol=1e-6)


def test_sizes_that_disagree_with_the_weights_are_refused_before_building(tmp_path):
    def widen(config):
        config["config"]["layers"][2]["config"]["units"] = 10**9  # would be 24 GB

    _rewrite_config(FIXTURES / "tiny.keras", tmp_path / "wide.keras", widen)
    with pytest.raises(ValueError, match=r"kernel should have shape \(6, 1000000000\)"):
        gn.load_model(tmp_path / "wide.keras")


def test_an_unknown_optimizer_loads_the_model_uncompiled(tmp_path):
    def to_nadam(config):
        config["compile_config"]["optimizer"]["class_name"] = "Nadam"

    _rewrite_config(FIXTURES / "tiny.keras", tmp_path / "nadam.keras", to_nadam)
    with pytest.warns(UserWarning, match="loaded uncompiled.*Nadam"):
        model = gn.load_model(tmp_path / "nadam.keras")
    assert model.optimizer is None
    expected = np.load(FIXTURES / "expected.npz")
    np.testing.assert_allclose(model.predict(expected["x"]), expected["predictions"], atol=1e-6)


def test_damaged_keras_files(tmp_path):
    with zipfile.ZipFile(FIXTURES / "tiny.keras") as archive:
        config = archive.read("config.json")
    with zipfile.ZipFile(tmp_path / "no_weights.keras", "w") as archive:
        archive.writestr("config.json", config)
    with pytest.raises(ValueError, match=r"not a complete .keras file: it has no model.weights.h5"):
        gn.load_model(tmp_path / "no_weights.keras")
    with zipfile.ZipFile(tmp_path / "bad_json.keras", "w") as archive:
        archive.writestr("config.json", b"{not json")
        archive.writestr("model.weights.h5", b"")
    with pytest.raises(ValueError, match=r"config.json is not JSON"):
        gn.load_model(tmp_path / "bad_json.keras")
    with zipfile.ZipFile(tmp_path / "bad_h5.keras", "w") as archive:
        archive.writestr("config.json", config)
        archive.writestr("model.weights.h5", b"not hdf5")
    with pytest.raises(ValueError, match="not a Keras weights file"):
        gn.load_model(tmp_path / "bad_h5.keras")
    (tmp_path / "w.h5").write_bytes((FIXTURES / "tiny.weights.h5").read_bytes())
    with pytest.raises(
        ValueError, match=r"HDF5 file without a model in it: a Keras weights file .*load_weights"
    ):
        gn.load_model(tmp_path / "w.h5")


# -- the legacy .h5 model file ----------------------------------------------------------
def test_legacy_h5_round_trip_continues_training_exactly(tmp_path):
    x, y = _data()
    model = _model()
    model.layers[2].rate = 0.0
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "my_model.h5")
    with h5py.File(tmp_path / "my_model.h5", "r") as f:
        assert json.loads(f.attrs["model_config"])["class_name"] == "Sequential"
        assert "module" not in json.loads(f.attrs["model_config"])["config"]["layers"][1]
        assert list(f["model_weights"].attrs["layer_names"])[1] == model.layers[1].name
        training = json.loads(f.attrs["training_config"])
        assert training["optimizer_config"]["class_name"] == "Adam"
        assert len(f["optimizer_weights"].attrs["weight_names"]) == 2 + 2 * 4
    again = gn.load_model(tmp_path / "my_model.h5")
    assert np.array_equal(again.predict(x), model.predict(x))
    assert again.optimizer.iterations == 2 and again.metrics == ["accuracy"]
    for m in (model, again):
        m.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)
    fresh = _model(seed=9)
    fresh.load_weights(tmp_path / "my_model.h5")  # the weights of a legacy model file
    np.testing.assert_array_equal(
        fresh.predict(x), gn.load_model(tmp_path / "my_model.h5").predict(x)
    )


def test_legacy_h5_with_other_layers_is_refused(tmp_path):
    _model().save(tmp_path / "m.h5")
    other = gn.Sequential([gn.layers.Flatten(input_shape=(2, 3)), gn.layers.Dense(3)])
    with pytest.raises(ValueError, match="weights for 2 layers, but the model has 1"):
        other.load_weights(tmp_path / "m.h5")


# -- real Keras (skipped where TensorFlow is absent) --------------------------------------
def _keras():
    pytest.importorskip("tensorflow")
    import keras

    return keras


def test_keras_loads_what_glassnet_wrote_and_predicts_the_same(tmp_path):
    keras = _keras()
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Skipping variable loading for optimizer"
        loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x), atol=1e-6)
    state = model.optimizer.get_state()
    slots = [np.asarray(v) for v in loaded.optimizer.variables]
    assert len(slots) == 2 + 2 * 4 and int(loaded.optimizer.iterations) == 2
    assert loaded.optimizer.variables[2].path.endswith("kernel_momentum")
    assert np.array_equal(slots[2].ravel(), state["0/m"][:24])
    assert np.array_equal(slots[3].ravel(), state["0/v"][:24])
    fresh = keras.models.clone_model(loaded)
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), model.predict(x), atol=1e-6)


def test_keras_reads_glassnet_legacy_h5_and_glassnet_reads_keras_legacy_h5(tmp_path):
    keras = _keras()
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "gn.h5")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = keras.models.load_model(tmp_path / "gn.h5")
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x), atol=1e-6)
        assert int(loaded.optimizer.iterations) == 2
    with np.errstate(all="ignore"):
        loaded.save(tmp_path / "keras.h5")
    again = gn.load_model(tmp_path / "keras.h5")
    np.testing.assert_allclose(again.predict(x), model.predict(x), atol=1e-6)
    # Keras's legacy loader leaves the optimizer unbuilt, so it writes no moments back:
    # glassnet's Adam starts afresh (as Keras's would).
    assert again.optimizer.name == "adam" and again.metrics == ["accuracy"]


def test_glassnet_loads_what_keras_wrote_now(tmp_path):
    keras = _keras()
    x, y = _data()
    with np.errstate(all="ignore"):
        k = keras.Sequential(
            [
                keras.Input((2, 3)),
                keras.layers.Flatten(),
                keras.layers.Dense(5, activation="sigmoid"),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        k.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
        k.fit(x, y, epochs=1, verbose=0)
        k.save(tmp_path / "k.keras")
        expected = k.predict(x, verbose=0)
    model = gn.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(model.predict(x), expected, atol=1e-6)
    assert model.optimizer.name == "rmsprop" and model.optimizer.iterations == 1


def test_damaged_weights_give_a_value_error_naming_the_file(tmp_path):
    """Random byte flips in model.weights.h5: always a ValueError (h5py raises many kinds)."""
    with zipfile.ZipFile(FIXTURES / "tiny.keras") as archive:
        config, weights = archive.read("config.json"), archive.read("model.weights.h5")
    rng = np.random.default_rng(0)
    for i in range(40):
        data = bytearray(weights)
        for _ in range(rng.integers(1, 8)):
            data[rng.integers(len(data))] = rng.integers(256)
        path = tmp_path / f"flipped{i}.keras"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", config)
            archive.writestr("model.weights.h5", bytes(data))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gn.load_model(path)
        except ValueError as error:
            assert str(path) in str(error)


@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum", "rmsprop"])
def test_keras_continues_training_from_glassnet_state_as_glassnet_does(tmp_path, optimizer):
    """The optimizer slots mean the same in both: three more steps agree to float32 rounding."""
    keras = _keras()
    made = {
        "adam": gn.optimizers.Adam(0.01),
        "sgd_momentum": gn.optimizers.SGD(0.1, momentum=0.9),
        "rmsprop": gn.optimizers.RMSprop(0.01),
    }[optimizer]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = (np.arange(8) % 2).astype(np.float32).reshape(-1, 1)
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [gn.layers.Dense(4, activation="relu", input_shape=(3,)), gn.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer=made, loss="binary_crossentropy")
    model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    with np.errstate(all="ignore"):
        loaded = keras.models.load_model(tmp_path / "m.keras")
        loaded.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        theirs = loaded.get_weights()
    model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    for mine, keras_weights in zip(model.get_weights(), theirs, strict=True):
        np.testing.assert_allclose(mine, keras_weights, rtol=0, atol=2e-6)


def test_a_learning_rate_schedule_travels_in_the_keras_file(tmp_path):
    # Keras writes the schedule into compile_config and keeps no learning-rate variable.
    schedule = gn.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=100, decay_rate=1)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    model.compile(gn.optimizers.Adam(schedule), "mse")
    model.fit(x, x[:, :2], epochs=2, verbose=0)
    model.save(tmp_path / "s.keras")
    with zipfile.ZipFile(tmp_path / "s.keras") as archive:
        compiled = json.loads(archive.read("config.json"))["compile_config"]
        with h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as weights:
            variables = len(weights["optimizer/vars"])
    rate = compiled["optimizer"]["config"]["learning_rate"]
    assert (rate["module"], rate["class_name"]) == (
        "keras.optimizers.schedules",
        "InverseTimeDecay",
    )
    assert variables == 1 + 2 * 2  # the step count, then m and v of the kernel and the bias
    again = gn.load_model(tmp_path / "s.keras")
    assert again.optimizer.iterations == 4
    assert again.optimizer.learning_rate == 0.01 / (1 + 4 / 100)  # by hand
    for m in (model, again):
        m.fit(x, x[:, :2], epochs=1, verbose=0, shuffle=False)
    np.testing.assert_array_equal(again.get_weights()[0], model.get_weights()[0])
