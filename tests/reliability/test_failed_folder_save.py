"""A folder save that fails (a full disk) leaves no folder it created behind, and its
clear OSError still names the user's path. Before, `model.save("new/dir/")` that failed
left the empty folders `new/dir` behind."""

import os

import numpy as np
import pytest

import glassnet as gn
from glassnet import saving


def _model():
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    model.build()
    return model


def _disk_full(handle, **arrays):
    handle.write(b"PK\x03\x04 half")
    raise OSError(28, "No space left on device")


def test_a_failed_save_removes_the_folders_it_created(tmp_path, monkeypatch):
    monkeypatch.setattr(saving.np, "savez", _disk_full)
    target = tmp_path / "some" / "new" / "dir"
    with pytest.raises(OSError, match="No space left on device") as caught:
        _model().save(str(target) + "/")
    assert caught.value.errno == 28 and caught.value.filename == str(target / "weights.npz")
    assert os.listdir(tmp_path) == []  # some/new/dir: all three were made by the save


def test_a_failed_save_keeps_folders_that_were_there(tmp_path, monkeypatch):
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "notes.txt").write_text("mine")
    monkeypatch.setattr(saving.np, "savez", _disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        _model().save(str(tmp_path / "kept" / "new") + "/")
    assert os.listdir(tmp_path) == ["kept"]  # existed before: kept
    assert os.listdir(tmp_path / "kept") == ["notes.txt"]  # new: removed
    with pytest.raises(OSError, match="No space left on device"):
        _model().save(str(tmp_path / "kept") + "/")  # an existing folder, not empty
    assert os.listdir(tmp_path / "kept") == ["notes.txt"]


def test_a_folder_that_fills_meanwhile_is_not_removed(tmp_path, monkeypatch):
    # Something else wrote into the new folder during the save: it is not empty, it stays.
    target = tmp_path / "dir"

    def other_writer_then_disk_full(handle, **arrays):
        (target / "other.txt").write_text("not ours")
        _disk_full(handle)

    monkeypatch.setattr(saving.np, "savez", other_writer_then_disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        _model().save(str(target) + "/")
    assert os.listdir(target) == ["other.txt"]


def test_a_save_that_works_is_unchanged(tmp_path):
    model = _model()
    model.save(str(tmp_path / "a" / "b") + "/")
    assert sorted(os.listdir(tmp_path / "a" / "b")) == ["config.json", "weights.npz"]
    loaded = gn.load_model(tmp_path / "a" / "b")
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
