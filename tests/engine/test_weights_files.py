"""save_weights / load_weights: glassnet's own file, Keras's .weights.h5, and their errors."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures" / "keras"


def _model(seed=3, units=4):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(2, 3)),
            gn.layers.Dense(units, activation="relu"),
            gn.layers.Dropout(0.25),
            gn.layers.Dense(3, name="logits"),
            gn.layers.Softmax(),
        ]
    )
    model.compile(optimizer=gn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    model.build()
    return model


def _data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(8, 2, 3)).astype(np.float32), np.arange(8) % 3


def _equal(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights(), strict=True))


# -- glassnet's own weights file ---------------------------------------------------------
def test_glassnet_weights_round_trip_into_a_differently_initialised_model(tmp_path):
    source, target = _model(seed=1), _model(seed=2)
    assert not _equal(source, target)
    source.save_weights(tmp_path / "w.weights.npz")
    target.load_weights(tmp_path / "w.weights.npz")
    assert _equal(source, target)
    x, _ = _data()
    assert np.array_equal(source.predict(x), target.predict(x))


def test_load_weights_reads_the_weights_of_a_whole_glassnet_model_file(tmp_path):
    source, target = _model(seed=1), _model(seed=2)
    source.save(tmp_path / "m.glassnet")
    target.load_weights(tmp_path / "m.glassnet")
    assert _equal(source, target)


def test_load_model_on_a_weights_file_says_to_use_load_weights(tmp_path):
    _model().save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match=r"holds weights only.*load_weights"):
        gn.load_model(tmp_path / "w.npz")


def test_mismatched_weights_name_the_layer_and_change_nothing(tmp_path):
    _model(units=5).save_weights(tmp_path / "w.npz")
    target = _model(units=4)
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"layer 'dense.*' kernel should have shape \(6, 4\)"):
        target.load_weights(tmp_path / "w.npz")
    assert all(np.array_equal(a, b) for a, b in zip(before, target.get_weights(), strict=True))


def test_a_weights_file_holding_nan_is_refused(tmp_path):
    model = _model()
    model.layers[1].params["kernel"][0, 0] = np.nan
    model.save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match="NaN or infinity"):
        _model().load_weights(tmp_path / "w.npz")


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("m.keras", r"end it in '\.weights\.h5'.*model\.save"),
        ("m.h5", r"end it in '\.weights\.h5'"),
    ],
)
def test_save_weights_refuses_a_model_file_name(tmp_path, name, match):
    with pytest.raises(ValueError, match=match):
        _model().save_weights(tmp_path / name)


def test_save_weights_errors(tmp_path):
    unbuilt = gn.Sequential([gn.layers.Dense(2)])
    with pytest.raises(ValueError, match="needs a built model"):
        unbuilt.save_weights(tmp_path / "w.npz")
    with pytest.raises(TypeError, match="expects a file path, got 3"):
        _model().save_weights(3)
    (tmp_path / "w.npz").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        _model().save_weights(tmp_path / "w.npz", overwrite=False)
    assert (tmp_path / "w.npz").read_bytes() == b"old"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _model().save_weights(tmp_path / "nowhere" / "w.npz")
    with pytest.raises(FileNotFoundError, match="No weights file"):
        _model().load_weights(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="not a zip archive"):
        _model().load_weights(tmp_path / "w.npz")  # holds b"old"


def test_an_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    first = _model(seed=1)
    first.save_weights(tmp_path / "w.npz")

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="No space left"):
        _model(seed=2).save_weights(tmp_path / "w.npz")
    monkeypatch.undo()
    again = _model(seed=2)
    again.load_weights(tmp_path / "w.npz")
    assert _equal(first, again)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.npz"]


# -- Keras's .weights.h5 -----------------------------------------------------------------
def test_weights_h5_is_laid_out_as_keras_writes_it(tmp_path):
    h5py = pytest.importorskip("h5py")
    model = _model()
    x, y = _data()
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)  # 2 Adam steps
    model.save_weights(tmp_path / "cp.weights.h5")
    kernel, bias, kernel2, _ = model.get_weights()
    with h5py.File(tmp_path / "cp.weights.h5", "r") as f:
        assert sorted(f["layers"]) == ["dense", "dense_1", "dropout", "flatten", "softmax"]
        assert f["layers/dense_1/vars"].attrs["name"] == "logits"
        assert np.array_equal(f["layers/dense/vars/0"][()], kernel)
        assert np.array_equal(f["layers/dense/vars/1"][()], bias)
        assert np.array_equal(f["layers/dense_1/vars/0"][()], kernel2)
        assert len(f["layers/flatten/vars"]) == 0
        opt = f["optimizer/vars"]
        assert opt.attrs["name"] == "adam" and len(opt) == 2 + 2 * 4
        assert int(opt["0"][()]) == 2 and opt["0"].dtype == np.int64
        assert float(opt["1"][()]) == pytest.approx(0.01)
        # Keras keeps, per weight in model order, its momentum then its velocity.
        state = model.optimizer.get_state()
        m, v = state["0/m"], state["0/v"]
        assert np.array_equal(opt["2"][()], m[:24].reshape(6, 4))
        assert np.array_equal(opt["3"][()], v[:24].reshape(6, 4))
        assert np.array_equal(opt["4"][()], m[24:28])
        assert np.array_equal(opt["9"][()], v[28 + 12 :])


def test_weights_h5_round_trip_restores_weights_and_optimizer_state(tmp_path):
    pytest.importorskip("h5py")
    x, y = _data()
    source = _model(seed=1)
    source.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    source.save_weights(tmp_path / "cp.weights.h5")
    target = _model(seed=2)
    target.load_weights(tmp_path / "cp.weights.h5")
    assert _equal(source, target)
    assert target.optimizer.iterations == 2
    # Continuing from there, both take the same steps (Dropout masks aside: rate -> same seed).
    for model in (source, target):
        model.layers[2].rate = 0.0
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert _equal(source, target)


def test_weights_h5_written_by_keras_loads(tmp_path):
    pytest.importorskip("h5py")
    expected = np.load(FIXTURES / "expected.npz")
    model = _model()
    model.load_weights(FIXTURES / "tiny.weights.h5")
    np.testing.assert_allclose(model.predict(expected["x"]), expected["predictions"], atol=1e-6)
    assert model.optimizer.iterations == int(expected["iterations"])
    assert np.array_equal(model.optimizer.get_state()["0/m"][:24], expected["m"].ravel())


def test_weights_h5_of_another_architecture_is_refused(tmp_path):
    pytest.importorskip("h5py")
    model = _model(units=5)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"layer 'dense.*' kernel should have shape \(6, 5\)"):
        model.load_weights(FIXTURES / "tiny.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    other = gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(2, 3)),
            gn.layers.Dense(4),
            gn.layers.Dense(3),
            gn.layers.Dense(2, name="extra"),
        ]
    )
    with pytest.raises(ValueError, match=r"no weights for layer 'extra' \(at layers/dense_2\)"):
        other.load_weights(FIXTURES / "tiny.weights.h5")


def test_without_h5py_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install h5py .or pip install 'glassnet\[h5\]'"):
        _model().save_weights(tmp_path / "cp.weights.h5")
    assert not (tmp_path / "cp.weights.h5").exists()


def test_keras_model_files_without_h5py_say_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    for name in ("m.keras", "m.h5"):
        with pytest.raises(ImportError, match=r"need h5py: pip install h5py"):
            _model().save(tmp_path / name)
        assert not (tmp_path / name).exists()
    with pytest.raises(ImportError, match=r"need h5py: pip install h5py"):
        gn.load_model(FIXTURES / "tiny.keras")
    _model().save(tmp_path / "m.glassnet")  # glassnet's own format needs only NumPy
    assert gn.load_model(tmp_path / "m.glassnet").count_params() == _model().count_params()
