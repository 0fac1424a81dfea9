"""The Fashion-MNIST sample shipped with glassnet, and the fallback to it when the full set
can't be had. The full set's absence is simulated (empty data dir and cache, no Debian
folder, a mirror where nothing answers on 127.0.0.1): no test reaches the network."""

import dataclasses
import hashlib
import json
import re
import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from glassnet.cli import main, runs
from glassnet.datasets import _fetch, fashion_mnist
from glassnet.datasets.idx import write_idx

DEBIAN = Path("/usr/share/datasets/fashion-mnist")
needs_debian = pytest.mark.skipif(
    not (DEBIAN / "train-images-idx3-ubyte.gz").exists(),
    reason="Debian package dataset-fashion-mnist is not installed",
)


def _dead_url() -> str:
    """A 127.0.0.1 URL on a port where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def no_full_set(monkeypatch, tmp_path):
    """Fashion-MNIST nowhere: an empty data dir and cache, no Debian folder, a dead mirror."""
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", _dead_url())
    no_debian = (str(tmp_path / "no-debian"),)
    monkeypatch.setattr(
        fashion_mnist, "DATASET", dataclasses.replace(fashion_mnist.DATASET, system_dirs=no_debian)
    )
    return tmp_path


# ----- the sample ------------------------------------------------------------------------------


def test_sample_shapes_dtypes_order_and_balance():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_sample()
    assert x_train.shape == (6000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (6000,) and y_train.dtype == np.uint8
    assert x_test.shape == (1000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (1000,) and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [600] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    # The official sets begin so (see test_fashion_mnist.py); the sample keeps their order.
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert int(x_train[0].sum()) == 76247 and int(x_test[0].sum()) == 33456  # the same images


def test_sample_indices_are_increasing_and_in_range():
    train, test = fashion_mnist.sample_indices()
    assert train.shape == (6000,) and test.shape == (1000,)
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert train[0] == 0 and train[-1] < 60000 and test[0] == 0 and test[-1] < 10000


def test_sample_files_have_the_recorded_sha256_also_in_its_readme():
    folder = fashion_mnist.SAMPLE_DIR
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name, sums in fashion_mnist.SAMPLE_SHA256.items():
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert digest in sums
        assert re.search(rf"{digest}\s+{re.escape(name)}", readme), name
    assert set(fashion_mnist.SAMPLE_SHA256) == set(fashion_mnist.FILES) | set(
        fashion_mnist.SAMPLE_INDEX_FILES
    )
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "2017 Zalando SE" in licence
    assert "zalandoresearch/fashion-mnist" in readme and "dataset-fashion-mnist" in readme


def test_sample_size_stays_about_3_mb():
    total = sum(p.stat().st_size for p in fashion_mnist.SAMPLE_DIR.iterdir())
    assert 2_500_000 < total < 3_500_000


def test_a_damaged_sample_file_is_refused(monkeypatch, tmp_path):
    copy = tmp_path / "sample"
    shutil.copytree(fashion_mnist.SAMPLE_DIR, copy)
    target = copy / "t10k-labels-idx1-ubyte.gz"
    damaged = bytearray(target.read_bytes())
    damaged[40] ^= 0x01  # one bit of the compressed labels
    target.write_bytes(bytes(damaged))
    monkeypatch.setattr(fashion_mnist, "SAMPLE_DIR", copy)
    with pytest.raises(ValueError, match=r"t10k-labels.*has SHA-256 .*Reinstall glassnet"):
        fashion_mnist.load_sample()
    (copy / "train-indices-idx1-int32.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"train-indices-idx1-int32\.gz' is missing"):
        fashion_mnist.sample_indices()


@needs_debian
def test_sample_is_the_first_600_and_100_of_each_class_of_the_full_set():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(path=DEBIAN)
    (sx_train, sy_train), (sx_test, sy_test) = fashion_mnist.load_sample()
    train, test = fashion_mnist.sample_indices()
    first = {  # the rule, recomputed here
        "train": np.sort(np.concatenate([np.flatnonzero(y_train == c)[:600] for c in range(10)])),
        "test": np.sort(np.concatenate([np.flatnonzero(y_test == c)[:100] for c in range(10)])),
    }
    assert np.array_equal(train, first["train"]) and np.array_equal(test, first["test"])
    assert np.array_equal(sx_train, x_train[train]) and np.array_equal(sy_train, y_train[train])
    assert np.array_equal(sx_test, x_test[test]) and np.array_equal(sy_test, y_test[test])


# ----- load_data_or_sample -------------------------------------------------------------------


def test_missing_full_set_falls_back_to_the_sample_and_says_why(no_full_set):
    ((x_train, _), (_, y_test)), source = fashion_mnist.load_data_or_sample()
    (sx_train, _), (_, sy_test) = fashion_mnist.load_sample()
    assert np.array_equal(x_train, sx_train) and np.array_equal(y_test, sy_test)
    assert source.dataset == "fashion-mnist-sample" and source.is_sample
    assert source.folder == fashion_mnist.SAMPLE_DIR
    assert (source.n_train, source.n_test) == (6000, 1000)
    assert "Fashion-MNIST was not found (looked in" in source.reason
    assert "Connection refused" in source.reason
    text = str(source)
    assert text.startswith("the 7,000-image Fashion-MNIST sample shipped with glassnet")
    assert "the first 600 and 100 of each class" in text and source.reason.rstrip(".") in text
    assert text.startswith(source.description + ", because the full set could not be had: ")
    assert "apt-get install dataset-fashion-mnist" in source.reason
    assert "load_sample" not in source.reason  # it is the sample already
    assert source.test_part == "the sample's 1,000 test images"
    assert not (no_full_set / "xdg").exists()  # nothing downloaded, nothing left behind


def test_fallback_is_quick_when_a_mirror_never_answers(no_full_set, monkeypatch):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", f"{url}a/,{url}b/")
        started = time.perf_counter()
        _, source = fashion_mnist.load_data_or_sample(timeout=0.2)
        elapsed = time.perf_counter() - started
    assert source.is_sample and "timed out" in source.reason
    assert elapsed < 3  # two mirrors x 0.2 s, not two x 30 s
    assert fashion_mnist.FALLBACK_TIMEOUT <= 5 < _fetch.TIMEOUT


def test_full_set_is_used_when_found(no_full_set):
    folder = no_full_set / "data" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for part, n in {"train": 6, "t10k": 3}.items():
        images = rng.integers(0, 256, (n, 4, 4), dtype=np.uint8)
        write_idx(folder / f"{part}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{part}-labels-idx1-ubyte.gz", rng.integers(0, 10, n, dtype=np.uint8))
    ((x_train, _), (x_test, _)), source = fashion_mnist.load_data_or_sample()
    assert x_train.shape == (6, 4, 4) and x_test.shape == (3, 4, 4)
    assert source.dataset == "fashion-mnist" and not source.is_sample and source.reason is None
    assert source.folder == folder
    assert str(source) == f"Fashion-MNIST, all 9 images (6 training, 3 test), from {folder}"
    assert source.description == str(source)
    assert source.test_part == "the official 3 test images"


def test_a_damaged_full_set_falls_back_too(no_full_set):
    folder = no_full_set / "data" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in fashion_mnist.FILES:
        (folder / name).write_bytes(b"<!DOCTYPE html>")
    _, source = fashion_mnist.load_data_or_sample()
    assert source.is_sample and "is not an IDX file" in source.reason


def test_timeout_must_be_a_positive_number():
    with pytest.raises(ValueError, match=r"timeout=0.0 is out of range \(0, inf\]"):
        fashion_mnist.load_data_or_sample(timeout=0)
    with pytest.raises(TypeError, match="timeout must be a number"):
        fashion_mnist.load_data_or_sample(timeout="3")


def test_load_data_keeps_keras_semantics_and_names_every_way_out(no_full_set):
    with pytest.raises(OSError) as caught:
        fashion_mnist.load_data(progress=False)
    message = str(caught.value)
    assert "Fashion-MNIST was not found (looked in" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "$GLASSNET_DATA_DIR/fashion-mnist/" in message
    assert "~/.cache/glassnet/fashion-mnist/" in message
    assert "gn.datasets.fashion_mnist.load_sample()" in message
    assert "glassnet train --dataset fashion-mnist-sample" in message
    assert "\n" not in message  # the CLI prints only an error's first line


# ----- the command line ---------------------------------------------------------------------


def test_train_config_accepts_the_sample_and_splits_it():
    config = runs.TrainConfig.from_mapping({"dataset": "fashion-mnist-sample"})
    data = runs.load_splits(config)
    assert (len(data.train[0]), len(data.val[0]), len(data.test[0])) == (5333, 667, 1000)
    assert data.class_names == fashion_mnist.class_names
    with pytest.raises(ValueError, match="expected fashion-mnist, fashion-mnist-sample, mnist"):
        runs.TrainConfig.from_mapping({"dataset": "fashion-mnist-smaple"})


def test_train_and_evaluate_on_the_sample_from_the_command_line(no_full_set, capsys):
    out = no_full_set / "run"
    argv = ["train", "--dataset", "fashion-mnist-sample", "--epochs", "1", "--layers", "16"]
    assert main([*argv, "--limit", "500", "--out", str(out), "--quiet"]) == 0
    info = json.loads((out / "run.json").read_text())
    assert info["dataset"] == "fashion-mnist-sample" and info["class_names"][9] == "Ankle boot"
    assert info["samples"] == {"train": 500, "val": 667, "test": 1000}  # --limit: train only
    capsys.readouterr()
    assert main(["evaluate", str(out), "--dataset", "fashion-mnist-sample"]) == 0
    assert "support" in capsys.readouterr().out  # the report over all 1,000 test images


def test_demo_without_the_full_set_trains_on_the_sample_and_says_so(no_full_set, capsys):
    out = no_full_set / "demo"
    assert main(["demo", "--only", "fashion", "--quick", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    flat = " ".join(printed.split())  # undo the wrapping
    assert "Data: the 7,000-image Fashion-MNIST sample shipped with glassnet" in flat
    assert "Not the full set, because Fashion-MNIST was not found" in flat
    accuracy = json.loads((out / "fashion-mnist-run" / "metrics.json").read_text())
    match = re.search(r"Test accuracy (0\.\d{3}) on the sample's 1,000 test images\.", flat)
    assert match and float(match[1]) == pytest.approx(accuracy["test_accuracy"], abs=5e-4)
    assert accuracy["test_accuracy"] > 0.7  # 2 epochs on 5,333 images
    assert "about 0.86 on this sample" in flat and "on the full set, about 0.88" in flat
    assert flat.index("Data:") < flat.index("Epoch 1/2")
    info = json.loads((out / "fashion-mnist-run" / "run.json").read_text())
    assert info["dataset"] == "fashion-mnist-sample"
