"""Saving and loading: round trips, exact training continuation, bad files, atomic writes."""

import json
import os
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import _saved_folder, saving


def _data(n=64, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5).astype(int)  # 3 classes
    return x, y


def _model(optimizer="adam", dropout=True):
    gn.utils.set_random_seed(3)
    layers = [gn.layers.Dense(8, activation="relu", input_shape=(6,), name="hidden")]
    if dropout:
        layers.append(gn.layers.Dropout(0.3, name="drop"))
    layers.append(gn.layers.Dense(3, name="logits"))
    model = gn.Sequential(layers, name="net")
    model.compile(
        optimizer=optimizer,
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def test_round_trip_keeps_predictions_names_and_compile_settings(tmp_path):
    x, y = _data()
    model = _model(optimizer=gn.optimizers.SGD(0.05, momentum=0.9, nesterov=True))
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "model.glassnet"
    model.save(path)
    loaded = gn.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.name == "net"
    assert [layer.name for layer in loaded.layers] == ["hidden", "drop", "logits"]
    assert isinstance(loaded.optimizer, gn.optimizers.SGD)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.metrics == ["accuracy"]
    assert loaded.optimizer.iterations == model.optimizer.iterations == 8  # 2 epochs x 4 steps


def test_one_file_holds_json_config_and_npz_weights(tmp_path):
    model = _model(dropout=False)
    path = tmp_path / "m.glassnet"
    model.save(path)
    with np.load(path, allow_pickle=False) as npz:
        config = json.loads(npz["config"].tobytes())
        assert config["format"] == "glassnet" and config["version"] == saving.VERSION == 2
        assert [w["shape"] for w in config["weights"]] == [[6, 8], [8], [8, 3], [3]]
        assert config["compile"]["optimizer"]["name"] == "adam"
        np.testing.assert_array_equal(npz["weight/2"], model.get_weights()[2])
    assert os.listdir(tmp_path) == ["m.glassnet"]  # no temporary file left


@pytest.mark.parametrize("as_folder", [False, True])
def test_training_continues_bit_identically_after_loading(tmp_path, as_folder):
    x, y = _data()
    a = _model()  # Adam state, Dropout masks and shuffling all matter
    a.fit(x, y, epochs=3, batch_size=16, verbose=0)
    path = str(tmp_path / "saved") + ("/" if as_folder else ".glassnet")
    a.save(path)
    b = gn.load_model(path)
    history_a = a.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.25)
    history_b = b.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.25)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert history_a.history == history_b.history
    assert np.all(np.isfinite(history_a.history["loss"]))


def test_continuation_differs_without_the_optimizer_state(tmp_path):
    # Shows the previous test can fail: fresh Adam moments change the next steps.
    x, y = _data()
    a = _model(dropout=False)
    a.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    a.save(tmp_path / "m.glassnet")
    b = gn.load_model(tmp_path / "m.glassnet")
    fresh = gn.optimizers.Adam()  # the same step count, but no moments
    fresh.iterations = b.optimizer.iterations
    b.optimizer = fresh
    a.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    b.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    assert not np.array_equal(a.get_weights()[0], b.get_weights()[0])


def test_nested_sequential_round_trip(tmp_path):
    x, y = _data()
    base = _model(dropout=False)
    base.fit(x, y, epochs=1, verbose=0)
    probability = gn.Sequential([base, gn.layers.Softmax()])
    probability.save(tmp_path / "p.glassnet")
    loaded = gn.load_model(tmp_path / "p.glassnet")
    assert isinstance(loaded.layers[0], gn.Sequential)
    assert loaded.layers[0].name == base.name
    np.testing.assert_array_equal(loaded.predict(x), probability.predict(x))
    assert loaded.optimizer is None  # never compiled: saved without compile settings


def test_unbuilt_model_without_input_shape_round_trips(tmp_path):
    model = gn.Sequential([gn.layers.Dense(2, name="only")])
    model.save(tmp_path / "u.glassnet")
    loaded = gn.load_model(tmp_path / "u.glassnet")
    assert not loaded.built and loaded.layers[0].name == "only"


def test_truncated_file_is_reported(tmp_path):
    path = tmp_path / "m.glassnet"
    _model().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or damaged"):
        gn.load_model(path)


def test_file_from_another_program_is_reported(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="is not a glassnet model file"):
        gn.load_model(text)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.arange(3))
    with pytest.raises(ValueError, match="is not a glassnet model file"):
        gn.load_model(other)
    plain_zip = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(ValueError, match="is not a glassnet model file"):
        gn.load_model(plain_zip)
    with pytest.raises(FileNotFoundError, match="No model file"):
        gn.load_model(tmp_path / "missing.glassnet")


def test_pickled_entries_are_never_loaded(tmp_path):
    path = tmp_path / "evil.glassnet"
    np.savez(path.with_suffix(""), config=np.array([{"format": "glassnet"}], dtype=object))
    os.replace(str(path.with_suffix("")) + ".npz", path)
    with pytest.raises(ValueError, match="not a glassnet model file"):
        gn.load_model(path)


def _rewrite(path, change):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    config = json.loads(arrays["config"].tobytes())
    change(config, arrays)
    arrays["config"] = np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def test_weights_that_dont_match_the_architecture_name_layer_and_shapes(tmp_path):
    path = tmp_path / "m.glassnet"
    _model(dropout=False).save(path)

    def widen(config, arrays):
        config["model"]["config"]["layers"][0]["config"]["units"] = 9

    _rewrite(path, widen)
    with pytest.raises(ValueError, match=r"layer 'hidden' kernel.*\(6, 9\).*\(6, 8\)"):
        gn.load_model(path)


def test_missing_weights_and_unknown_names_are_reported(tmp_path):
    path = tmp_path / "m.glassnet"
    _model(dropout=False).save(path)
    _rewrite(path, lambda config, arrays: arrays.pop("weight/3"))
    with pytest.raises(ValueError, match="holds 3 weight arrays, but its architecture has 4"):
        gn.load_model(path)

    _model(dropout=False).save(path)
    _rewrite(path, lambda c, a: c["model"]["config"]["layers"][0].update(class_name="Conv2D"))
    with pytest.raises(ValueError, match="Conv2D"):
        gn.load_model(path)

    _model(dropout=False).save(path)
    _rewrite(path, lambda c, a: c["compile"]["optimizer"].update(name="adadelta"))
    with pytest.raises(ValueError, match="unknown optimizer 'adadelta'"):
        gn.load_model(path)

    _model(dropout=False).save(path)
    _rewrite(path, lambda c, a: c.update(version=99))
    with pytest.raises(ValueError, match="format version 99"):
        gn.load_model(path)


def test_folder_pair_from_two_saves_is_detected(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _model().save(str(first) + "/")
    _model().save(str(second) + "/")
    os.replace(second / "weights.npz", first / "weights.npz")
    with pytest.raises(ValueError, match="come from different saves"):
        gn.load_model(first)
    (second / "config.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"config\.json is missing"):
        gn.load_model(second)


def test_failure_mid_write_leaves_no_file(tmp_path, monkeypatch):
    def broken_savez(handle, **arrays):
        handle.write(b"PK\x03\x04 half of a model")
        raise OSError("disk full")

    model = _model()
    monkeypatch.setattr(saving.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        model.save(tmp_path / "m.glassnet")
    assert os.listdir(tmp_path) == []
    with pytest.raises(OSError, match="disk full"):
        model.save(str(tmp_path / "folder") + "/")
    assert os.listdir(tmp_path) == []  # nor the folder the save created


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "m.glassnet"
    model = _model(dropout=False)
    model.save(path)
    before = path.read_bytes()

    def broken_savez(handle, **arrays):
        handle.write(b"garbage")
        raise OSError("disk full")

    monkeypatch.setattr(saving.np, "savez", broken_savez)
    with pytest.raises(OSError):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.glassnet"]


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="expects a glassnet Sequential, got"):
        saving.save_model(gn.layers.Dense(2), tmp_path / "x")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _model().save(tmp_path / "no" / "such" / "m.glassnet")


def test_a_version_1_file_loads_and_continues_as_if_never_saved(tmp_path):
    # Version 1 (until December 2026) had this layout, with Adam's v stored multiplied by
    # (1 - beta_1) / (1 - beta_2) = 0.1 / 0.001 = 100; a file written by that code
    # (git 92a2118) loads and continues the same way.
    x, y = _data()
    a = _model()  # Adam, Dropout, shuffling
    a.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "v1.glassnet"
    a.save(path)

    def as_version_1(config, arrays):
        config["version"] = 1
        arrays["optimizer/0/v"] = arrays["optimizer/0/v"] * np.float32(0.1 / 0.001)

    _rewrite(path, as_version_1)
    b = gn.load_model(path)
    np.testing.assert_allclose(
        b.optimizer.get_state()["0/v"], a.optimizer.get_state()["0/v"], rtol=1e-6
    )
    history_a = a.fit(x, y, epochs=3, batch_size=16, verbose=0)
    history_b = b.fit(x, y, epochs=3, batch_size=16, verbose=0)
    np.testing.assert_allclose(history_b.history["loss"], history_a.history["loss"], rtol=1e-5)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(wb, wa, rtol=1e-5, atol=1e-7)  # float32 rounding


def test_optimizer_state_is_saved_per_weight_whatever_the_packing(tmp_path):
    # A built model nested beside a new layer holds two packed vectors; a layer added after
    # build as well. The file keeps one state vector over every weight either way, and the
    # loaded model (packed differently) continues bit-identically.
    x, y = _data()
    inner = _model(dropout=False)
    inner.fit(x, y, epochs=1, batch_size=16, verbose=0)
    stacked = gn.Sequential([inner, gn.layers.Dense(3, name="extra")], name="stacked")
    stacked.compile("adam", gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    stacked.fit(x, y, epochs=2, batch_size=16, verbose=0)
    grown = _model(dropout=False)
    grown.build()
    grown.add(gn.layers.Dense(3, name="more"))
    grown.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for model in (stacked, grown):
        assert len(model.weight_pairs) == 2
        path = tmp_path / f"{model.name}.glassnet"
        model.save(path)
        with np.load(path, allow_pickle=False) as npz:
            assert npz["optimizer/0/m"].shape == (model.count_params(),)
            assert "optimizer/1/m" not in npz.files
        loaded = gn.load_model(path)
        history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        assert loaded.fit(x, y, epochs=2, batch_size=16, verbose=0).history == history.history
        for wa, wb in zip(model.get_weights(), loaded.get_weights(), strict=True):
            np.testing.assert_array_equal(wa, wb)


def test_saving_imports_no_model_and_calls_no_private_method():
    import ast
    import inspect

    source = inspect.getsource(saving)
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    assert not any(name.startswith("glassnet.model") for name in imported)
    for private in ("_shuffle_rng", "_parameter_pairs", "_state", "_weight_pairs"):
        assert f".{private}" not in source


# -- atomic saves: a save interrupted at any point leaves the old model or the new one -------
def _first_kernel(path):
    return gn.load_model(path).get_weights()[0]


def _two_models():
    old = _model(dropout=False)
    new = _model(dropout=False)
    new.set_weights([w + 1 for w in new.get_weights()])
    return old, new


def test_folder_save_interrupted_before_its_commit_keeps_the_old_model(tmp_path, monkeypatch):
    folder = tmp_path / "m"
    old, new = _two_models()
    old.save(str(folder) + "/")
    real = _saved_folder.atomic_write

    def killed(path):  # Ctrl-C while config.json is being written
        raise KeyboardInterrupt

    monkeypatch.setattr(_saved_folder, "atomic_write", killed)
    with pytest.raises(KeyboardInterrupt):
        new.save(str(folder) + "/")
    monkeypatch.setattr(_saved_folder, "atomic_write", real)
    np.testing.assert_array_equal(_first_kernel(folder), old.get_weights()[0])
    assert sorted(os.listdir(folder)) == ["config.json", "weights.npz"]


def test_folder_save_interrupted_after_its_commit_loads_the_new_model(tmp_path, monkeypatch):
    # The weights are renamed into place after config.json: a crash in between leaves the
    # new config beside the old weights.npz and the new weights under their temporary name.
    folder = tmp_path / "m"
    old, new = _two_models()
    old.save(str(folder) + "/")
    real = os.replace

    def crash_on_the_weights(src, dst):
        if os.path.basename(str(src)).startswith(".weights.npz."):
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(saving.os, "replace", crash_on_the_weights)
    new.save(str(folder) + "/")  # committed: no error
    monkeypatch.setattr(saving.os, "replace", real)
    assert len(os.listdir(folder)) == 3
    np.testing.assert_array_equal(_first_kernel(folder), new.get_weights()[0])
    old.save(str(folder) + "/")  # the next save settles the folder first
    assert sorted(os.listdir(folder)) == ["config.json", "weights.npz"]
    np.testing.assert_array_equal(_first_kernel(folder), old.get_weights()[0])


def test_leftovers_of_a_killed_folder_save_are_removed_by_the_next_save(tmp_path):
    folder = tmp_path / "m"
    old, new = _two_models()
    old.save(str(folder) + "/")
    # What kill -9 leaves at various instants: weights written but not committed, a config
    # half written; and the user's own files.
    (folder / ".weights.npz.0123456789abcdef.part").write_bytes(b"PK\x03\x04 half")
    (folder / ".config.json.0123abcd.part").write_bytes(b'{"form')
    (folder / ".weights.npz.89abcdef.part").write_bytes(b"from an older glassnet")
    (folder / "notes.txt").write_text("mine")
    np.testing.assert_array_equal(_first_kernel(folder), old.get_weights()[0])
    new.save(str(folder) + "/")
    assert sorted(os.listdir(folder)) == ["config.json", "notes.txt", "weights.npz"]
    np.testing.assert_array_equal(_first_kernel(folder), new.get_weights()[0])


def test_leftovers_of_a_killed_file_save_are_removed_by_the_next_save(tmp_path):
    path = tmp_path / "m.glassnet"
    (tmp_path / ".m.glassnet.0123abcd.part").write_bytes(b"half a model")
    (tmp_path / ".m.glassnet.0123abcd.part.mine").write_bytes(b"not glassnet's")
    (tmp_path / ".n.glassnet.0123abcd.part").write_bytes(b"another file's")
    _model().save(path)
    assert sorted(os.listdir(tmp_path)) == [
        ".m.glassnet.0123abcd.part.mine",
        ".n.glassnet.0123abcd.part",
        "m.glassnet",
    ]


@pytest.mark.parametrize("as_folder", [False, True])
def test_a_failed_save_names_the_users_path(tmp_path, monkeypatch, as_folder):
    target = tmp_path / ("m" if as_folder else "m.glassnet")
    model = _model()
    model.save(str(target) + ("/" if as_folder else ""))

    def disk_full(handle, **arrays):
        handle.write(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(saving.np, "savez", disk_full)
    with pytest.raises(OSError, match="No space left on device") as caught:
        model.save(str(target) + ("/" if as_folder else ""))
    shown = target / "weights.npz" if as_folder else target
    assert caught.value.filename == str(shown) and ".part" not in str(caught.value)
    monkeypatch.undo()
    gn.load_model(target)  # the old model is intact
    if as_folder:
        assert sorted(os.listdir(target)) == ["config.json", "weights.npz"]
    else:
        assert os.listdir(tmp_path) == ["m.glassnet"]


def test_a_read_only_folder_names_the_users_file(tmp_path, monkeypatch):
    # On a read-only file system even removing a file that was never created fails (EROFS):
    # that must not hide the error, which names the user's file.
    folder = tmp_path / "m"
    model = _model()
    model.save(str(folder) + "/")

    def read_only(path):
        raise OSError(30, "Read-only file system", str(path))

    real_unlink = saving.Path.unlink

    def unlink(self, missing_ok=False):
        if self.name.startswith(".weights.npz."):
            raise OSError(30, "Read-only file system", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(_saved_folder, "create_locked", read_only)
    monkeypatch.setattr(saving.Path, "unlink", unlink)
    with pytest.raises(OSError) as caught:
        model.save(str(folder) + "/")
    assert caught.value.filename == str(folder / "weights.npz")


def test_loading_while_another_process_saves_always_gets_a_whole_model(tmp_path):
    import threading

    folder = tmp_path / "m"
    old, new = _two_models()
    old.save(str(folder) + "/")
    kernels = {old.get_weights()[0].tobytes(), new.get_weights()[0].tobytes()}
    stop, failures = threading.Event(), []

    def read():
        while not stop.is_set():
            try:
                assert gn.load_model(folder).get_weights()[0].tobytes() in kernels
            except Exception as error:
                failures.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(12):
            (new if i % 2 else old).save(str(folder) + "/")
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert sorted(os.listdir(folder)) == ["config.json", "weights.npz"]
