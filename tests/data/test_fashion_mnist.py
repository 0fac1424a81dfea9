"""Fashion-MNIST and MNIST loading: the real Debian files, the search order, and downloads
end to end against a local HTTP server on 127.0.0.1 (never the network)."""

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from glassnet.datasets import fashion_mnist, mnist
from glassnet.datasets.idx import write_idx

DEBIAN = Path("/usr/share/datasets/fashion-mnist")
needs_debian = pytest.mark.skipif(
    not (DEBIAN / "train-images-idx3-ubyte.gz").exists(),
    reason="Debian package dataset-fashion-mnist is not installed",
)


# ----- the real data (Debian's dataset-fashion-mnist) ---------------------------------------


@pytest.fixture(scope="module")
def real():
    return fashion_mnist.load_data(path=DEBIAN)


@needs_debian
def test_real_shapes_dtypes_and_class_counts(real):
    (x_train, y_train), (x_test, y_test) = real
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


@needs_debian
def test_real_pixel_sums_match_an_independent_reader(real):
    # Computed once with pure Python (gzip.open(...).read(), struct.unpack(">IIII") for the
    # header, the built-in sum() over the pixel bytes), no NumPy and no glassnet code.
    (x_train, y_train), (x_test, y_test) = real
    assert int(x_train[0].sum()) == 76247
    assert int(x_train[1000].sum()) == 35643
    assert int(x_train[-1].sum()) == 16684
    assert int(x_train.sum(dtype=np.int64)) == 3431114169
    assert int(x_train[0, 14, 14]) == 217
    assert int(x_test[0].sum()) == 33456
    assert int(x_test[1000].sum()) == 83638
    assert int(x_test.sum(dtype=np.int64)) == 573469082
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert y_test[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert fashion_mnist.class_names[y_train[0]] == "Ankle boot"


@needs_debian
def test_debian_files_have_the_documented_sha256():
    for name, sums in fashion_mnist.SHA256.items():
        assert hashlib.sha256((DEBIAN / name).read_bytes()).hexdigest() in sums


@needs_debian
def test_default_search_finds_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.delenv("GLASSNET_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", "http://127.0.0.1:9/")  # never used
    (_, y_train), (x_test, _) = fashion_mnist.load_data()
    assert len(y_train) == 60000 and x_test.shape == (10000, 28, 28)
    assert not (tmp_path / "empty-cache").exists()  # nothing downloaded or created


def test_class_names():
    assert fashion_mnist.class_names == [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]  # fmt: skip
    assert mnist.class_names == [str(d) for d in range(10)]


# ----- small fake data sets and a local server ------------------------------------------------


def _fake_set(folder: Path, seed: int, n_train: int = 6, n_test: int = 3) -> dict:
    """Write four small gzipped IDX files; return their arrays and SHA-256 sums."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 4, 4), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 4, 4), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    sums = {}
    for name, array in arrays.items():
        write_idx(folder / name, array)
        sums[name] = (hashlib.sha256((folder / name).read_bytes()).hexdigest(),)
    return {"arrays": arrays, "sha256": sums}


def _same(loaded, arrays) -> bool:
    (x_train, y_train), (x_test, y_test) = loaded
    names = list(arrays)
    got = [x_train, y_train, x_test, y_test]
    return all(np.array_equal(a, arrays[n]) for a, n in zip(got, names, strict=True))


_BLOCK_SENT = 1000


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        if self.path.startswith("/short/"):  # announce more bytes than are sent
            body = b"\x1f\x8b" + bytes(50)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path.startswith("/slow/"):  # a download that hangs until it is killed
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            try:
                for _ in range(400):  # at most 20 s
                    self.wfile.write(b"\x1f\x8b" + bytes(_BLOCK_SENT))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:  # the client is gone
                pass
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """A threaded HTTP server on 127.0.0.1 (random port) serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(root))
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No data dir, an empty user cache, no system folder: only downloads can find data."""
    monkeypatch.delenv("GLASSNET_DATA_DIR", raising=False)
    monkeypatch.delenv("GLASSNET_FASHION_MNIST_MIRRORS", raising=False)
    monkeypatch.delenv("GLASSNET_MNIST_MIRRORS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(
        fashion_mnist, "DATASET", dataclasses.replace(fashion_mnist.DATASET, system_dirs=())
    )


def _trust(monkeypatch, module, sums):
    """Make `module` accept the fake files' SHA-256 sums (and only those)."""
    monkeypatch.setattr(module, "DATASET", dataclasses.replace(module.DATASET, sha256=sums))


# ----- downloads ------------------------------------------------------------------------------


def test_download_lands_verified_files_in_the_cache(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=1)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    loaded = fashion_mnist.load_data(mirrors=[url + "/fm/"], progress=False)
    assert _same(loaded, fake["arrays"])
    cache = tmp_path / "xdg" / "glassnet" / "fashion-mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(fashion_mnist.FILES)
    for name in fashion_mnist.FILES:
        assert (cache / name).read_bytes() == (root / "fm" / name).read_bytes()
    # The second load reads the cache: the server may be gone.
    again = fashion_mnist.load_data(mirrors=["http://127.0.0.1:9/"], progress=False)
    assert _same(again, fake["arrays"])


def test_wrong_sha256_is_rejected_and_nothing_is_cached(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=2)
    sums = dict(fake["sha256"])
    sums["t10k-images-idx3-ubyte.gz"] = ("0" * 64,)  # one file of four is "corrupted"
    _trust(monkeypatch, fashion_mnist, sums)
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match=r"t10k-images-idx3-ubyte.gz failed: .*SHA-256 mismatch"):
        fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/fm/", progress=False)
    assert not cache.exists()  # not even the three good files, nor temporary ones


def test_failed_download_leaves_an_existing_cache_untouched(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=3)
    sums = {name: ("f" * 64,) for name in fake["sha256"]}
    _trust(monkeypatch, fashion_mnist, sums)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match="SHA-256 mismatch"):
        fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/fm/", progress=False)
    assert [p.name for p in cache.iterdir()] == ["notes.txt"]
    # the default cache: the folders created for the download go away again
    with pytest.raises(OSError, match="SHA-256 mismatch"):
        fashion_mnist.load_data(mirrors=url + "/fm/", progress=False)
    assert not (tmp_path / "xdg").exists()


def test_truncated_download_is_rejected(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=4)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    cache = tmp_path / "cache"
    with pytest.raises(
        OSError, match=r"/short/train-images-idx3-ubyte.gz: .*(ncomplete|truncated)"
    ):
        fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/short/", progress=False)
    assert not cache.exists()


_DOWNLOAD_IN_A_CHILD = """
import dataclasses, sys
from glassnet.datasets import fashion_mnist
fashion_mnist.DATASET = dataclasses.replace(fashion_mnist.DATASET, system_dirs=())
fashion_mnist.load_data(cache_dir=sys.argv[1], mirrors=sys.argv[2], progress=False)
"""


def test_a_download_killed_midway_leaves_a_part_file_the_next_download_removes(
    offline, server, monkeypatch, tmp_path
):
    root, url = server
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _DOWNLOAD_IN_A_CHILD, str(cache), url + "/slow/"], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in cache.glob(".*.part")):
            assert child.poll() is None, "the download ended before it could be killed"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = [p.name for p in cache.iterdir()]
    assert len(left) == 1 and left[0].startswith(".train-images-idx3-ubyte.gz.")  # the defect
    fake = _fake_set(root / "fm", seed=19)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    loaded = fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/fm/", progress=False)
    assert _same(loaded, fake["arrays"])
    assert sorted(p.name for p in cache.iterdir()) == sorted(fashion_mnist.FILES)


def test_a_download_removes_only_glassnets_own_leftovers(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=20)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".t10k-labels-idx1-ubyte.gz.0badc0de.part").write_bytes(b"half a file")
    (cache / ".train-images-idx3-ubyte.gz.notes.part").write_bytes(b"the user's")
    (cache / ".other.0badc0de.part").write_bytes(b"not one of this set's files")
    loaded = fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/fm/", progress=False)
    assert _same(loaded, fake["arrays"])
    kept = sorted(p.name for p in cache.iterdir())
    expected = [".other.0badc0de.part", ".train-images-idx3-ubyte.gz.notes.part"]
    assert kept == sorted([*expected, *fashion_mnist.FILES])


def test_next_mirror_is_tried_after_a_failure(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "good", seed=5)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    loaded = fashion_mnist.load_data(
        cache_dir=tmp_path / "cache", mirrors=[url + "/missing/", url + "/good"], progress=False
    )
    assert _same(loaded, fake["arrays"])


def test_all_mirrors_failing_names_each_reason_and_the_places_looked(offline, server, monkeypatch):
    _, url = server
    with pytest.raises(OSError) as caught:
        fashion_mnist.load_data(mirrors=[url + "/missing/"], progress=False)
    message = str(caught.value)
    assert "Fashion-MNIST was not found (looked in" in message
    assert "HTTP 404" in message
    assert "apt-get install dataset-fashion-mnist" in message


def test_mirrors_from_the_environment_and_file_urls(offline, monkeypatch, tmp_path):
    fake = _fake_set(tmp_path / "files", seed=6)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", (tmp_path / "files").as_uri())
    assert _same(fashion_mnist.load_data(progress=False), fake["arrays"])


def test_progress_bar_goes_to_stderr(offline, server, monkeypatch, tmp_path, capsys):
    root, url = server
    fake = _fake_set(root / "fm", seed=7)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    fashion_mnist.load_data(cache_dir=tmp_path / "c", mirrors=url + "/fm/", progress=True)
    assert "Downloading train-images-idx3-ubyte.gz" in capsys.readouterr().err


def test_only_missing_files_are_downloaded(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "fm", seed=8)
    _trust(monkeypatch, fashion_mnist, fake["sha256"])
    cache = tmp_path / "cache"
    _fake_set(cache, seed=8)
    (cache / "t10k-labels-idx1-ubyte.gz").unlink()
    (root / "fm" / "train-images-idx3-ubyte.gz").unlink()  # would 404 if requested
    loaded = fashion_mnist.load_data(cache_dir=cache, mirrors=url + "/fm/", progress=False)
    assert _same(loaded, fake["arrays"])


def test_mnist_downloads_with_its_own_mirrors(offline, server, monkeypatch, tmp_path):
    root, url = server
    fake = _fake_set(root / "digits", seed=9)
    _trust(monkeypatch, mnist, fake["sha256"])
    monkeypatch.setenv("GLASSNET_MNIST_MIRRORS", url + "/digits/")
    monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", url + "/elsewhere/")
    assert _same(mnist.load_data(progress=False), fake["arrays"])
    assert (tmp_path / "xdg" / "glassnet" / "mnist" / "t10k-images-idx3-ubyte.gz").is_file()


def test_mnist_refuses_a_file_with_an_unknown_sha256(offline, server, tmp_path):
    root, url = server
    _fake_set(root / "digits", seed=10)  # real MNIST sums do not match the fake files
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match=r"MNIST was not found.*SHA-256 mismatch.*440fcabf"):
        mnist.load_data(cache_dir=cache, mirrors=url + "/digits/", progress=False)
    assert not cache.exists()


# ----- search order and local folders ---------------------------------------------------------


def test_explicit_path_uncompressed_files(tmp_path):
    fake = _fake_set(tmp_path / "gz", seed=11)
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in fashion_mnist.FILES:
        (plain / name.removesuffix(".gz")).write_bytes(gzip.open(tmp_path / "gz" / name).read())
    assert _same(fashion_mnist.load_data(path=plain), fake["arrays"])


def test_explicit_path_missing_files(tmp_path):
    _fake_set(tmp_path / "d", seed=12)
    (tmp_path / "d" / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks the Fashion-MNIST file.*train-labels"):
        fashion_mnist.load_data(path=tmp_path / "d")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        fashion_mnist.load_data(path=tmp_path / "nowhere")


def test_search_order_data_dir_then_cache_then_system(offline, monkeypatch, tmp_path):
    in_data_dir = _fake_set(tmp_path / "data" / "fashion-mnist", seed=13)
    in_cache = _fake_set(tmp_path / "xdg" / "glassnet" / "fashion-mnist", seed=14)
    in_system = _fake_set(tmp_path / "system", seed=15)
    monkeypatch.setattr(
        fashion_mnist,
        "DATASET",
        dataclasses.replace(fashion_mnist.DATASET, system_dirs=(str(tmp_path / "system"),)),
    )
    monkeypatch.setenv("GLASSNET_FASHION_MNIST_MIRRORS", "http://127.0.0.1:9/")
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path / "data"))
    assert _same(fashion_mnist.load_data(), in_data_dir["arrays"])
    monkeypatch.delenv("GLASSNET_DATA_DIR")
    assert _same(fashion_mnist.load_data(), in_cache["arrays"])
    for p in (tmp_path / "xdg" / "glassnet" / "fashion-mnist").iterdir():
        os.remove(p)
    assert _same(fashion_mnist.load_data(), in_system["arrays"])


def test_images_and_labels_must_agree(tmp_path):
    _fake_set(tmp_path / "d", seed=16)
    write_idx(tmp_path / "d" / "t10k-labels-idx1-ubyte.gz", np.zeros(5, dtype=np.uint8))
    with pytest.raises(ValueError, match="test files disagree: 3 images but 5 labels"):
        fashion_mnist.load_data(path=tmp_path / "d")
    write_idx(tmp_path / "d" / "t10k-labels-idx1-ubyte.gz", np.array([0, 3, 12], np.uint8))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 9\], found 12"):
        fashion_mnist.load_data(path=tmp_path / "d")


def test_truncated_local_file_is_reported(tmp_path):
    _fake_set(tmp_path / "d", seed=17)
    target = tmp_path / "d" / "train-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz' is truncated"):
        fashion_mnist.load_data(path=tmp_path / "d")


def test_damaged_cache_file_says_how_to_recover(offline, tmp_path):
    cache = tmp_path / "xdg" / "glassnet" / "fashion-mnist"
    _fake_set(cache, seed=18)
    (cache / "t10k-labels-idx1-ubyte.gz").write_bytes(b"<!DOCTYPE html>")
    with pytest.raises(ValueError, match=r"an HTML page .* delete it and it will be downloaded"):
        fashion_mnist.load_data()
    assert (cache / "t10k-labels-idx1-ubyte.gz").read_bytes() == b"<!DOCTYPE html>"  # untouched
