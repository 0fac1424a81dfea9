"""gn.utils.to_categorical and gn.utils.get_file (against a local server, never the network)."""

import functools
import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet.utils import get_file, to_categorical


# -- to_categorical ----------------------------------------------------------------------------
def test_to_categorical_one_hot_rows_by_hand():
    got = to_categorical([0, 2, 1])
    expected = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float64)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == np.float64  # as Keras 3 for NumPy input
    np.testing.assert_array_equal(to_categorical([1], num_classes=4), [[0, 1, 0, 0]])


def test_to_categorical_shapes_as_keras():
    # Keras drops a trailing axis of 1; any other shape gains the class axis.
    assert to_categorical(np.array([[1], [2]])).shape == (2, 3)
    labels = np.array([[1, 0], [2, 1]])
    got = to_categorical(labels)
    assert got.shape == (2, 2, 3)
    np.testing.assert_array_equal(got.argmax(-1), labels)
    np.testing.assert_array_equal(to_categorical(np.array(3), 5), [0, 0, 0, 1, 0])
    assert to_categorical(np.array([], dtype=int), num_classes=3).shape == (0, 3)
    # Whole-number floats (labels read from a CSV) and uint8 labels are accepted.
    np.testing.assert_array_equal(to_categorical([1.0, 0.0]), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(to_categorical(np.array([1], np.uint8), 2), [[0, 1]])


def test_to_categorical_trains_with_categorical_crossentropy():
    x, y = gn.datasets.logic_gate("xor")
    onehot = to_categorical(y)
    assert onehot.shape == (4, 2)
    model = gn.Sequential([gn.layers.Dense(2, activation="softmax", input_shape=(2,))])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit(x, onehot, epochs=1, verbose=0)  # accepted as one-hot targets


@pytest.mark.parametrize(
    ("labels", "num_classes", "error", "message"),
    [
        ([-1, 2], None, ValueError, "class labels must be >= 0, found -1"),
        ([0.5, 1], None, ValueError, "whole-number class labels, found 0.5"),
        ([0, np.nan], None, ValueError, "whole-number class labels, found nan"),
        ([3], 2, ValueError, "class labels must be < num_classes=2, found 3"),
        (["a"], None, TypeError, "x must hold integer class labels"),
        ([], None, ValueError, "x holds no labels"),
        ([1], 0, ValueError, "num_classes must be an integer >= 1, got 0"),
        ([1], 2.0, TypeError, "num_classes must be an integer"),
    ],
)
def test_to_categorical_errors(labels, num_classes, error, message):
    with pytest.raises(error, match=message):
        to_categorical(labels, num_classes)


# -- get_file: a local server ------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list  # set per server

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests.append(self.path)
        if self.path.startswith("/short/"):  # announce more bytes than are sent
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"half")
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """(served folder, base URL, list of request paths), on 127.0.0.1 at a random port."""
    root = tmp_path / "www"
    root.mkdir()
    requests = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


DATA = b"epoch,loss\n0,0.5\n1,0.25\n"
SHA256 = hashlib.sha256(DATA).hexdigest()
MD5 = hashlib.md5(DATA).hexdigest()


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


def test_get_file_downloads_once_into_the_cache(server, tmp_path, monkeypatch, capsys):
    root, url, requests = server
    (root / "log.csv").write_bytes(DATA)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = get_file("log.csv", url + "/log.csv")
    assert path == str(tmp_path / "xdg" / "glassnet" / "datasets" / "log.csv")
    assert open(path, "rb").read() == DATA
    assert f"Downloading data from {url}/log.csv" in capsys.readouterr().out
    assert get_file("log.csv", url + "/log.csv", file_hash=SHA256) == path  # from the cache
    assert requests == ["/log.csv"]
    get_file("log.csv", url + "/log.csv", force_download=True)
    assert requests == ["/log.csv"] * 2


def test_get_file_names_cache_dir_and_subdir(server, tmp_path):
    root, url, _ = server
    (root / "log.csv").write_bytes(DATA)
    path = get_file(origin=url + "/log.csv", cache_dir=tmp_path / "c", cache_subdir="sub")
    assert path == str(tmp_path / "c" / "sub" / "log.csv")  # fname from the URL
    absolute = tmp_path / "elsewhere"
    assert get_file("x.csv", url + "/log.csv", cache_subdir=str(absolute)) == str(
        absolute / "x.csv"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"file_hash": SHA256},
        {"file_hash": SHA256.upper(), "hash_algorithm": "sha256"},
        {"file_hash": MD5},  # auto: not 64 digits, so MD5
        {"md5_hash": MD5},
    ],
)
def test_get_file_accepts_a_matching_hash(server, tmp_path, kwargs):
    root, url, _ = server
    (root / "log.csv").write_bytes(DATA)
    path = get_file("log.csv", url + "/log.csv", cache_dir=tmp_path / "c", **kwargs)
    assert open(path, "rb").read() == DATA


def test_get_file_rejects_a_wrong_hash_and_keeps_nothing(server, tmp_path):
    root, url, _ = server
    (root / "log.csv").write_bytes(DATA)
    cache = tmp_path / "c"
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(ValueError, match=f"has sha256 {SHA256}, expected {wrong}"):
        get_file("log.csv", url + "/log.csv", file_hash=wrong, cache_dir=cache)
    assert os.listdir(cache / "datasets") == []  # no file, no temporary


def test_get_file_downloads_again_a_cached_file_that_does_not_match(server, tmp_path, capsys):
    root, url, requests = server
    (root / "log.csv").write_bytes(DATA)
    cached = tmp_path / "c" / "datasets" / "log.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"an old version")
    get_file("log.csv", url + "/log.csv", file_hash=MD5, cache_dir=tmp_path / "c")
    assert cached.read_bytes() == DATA and requests == ["/log.csv"]
    assert "hash does not match" in capsys.readouterr().out


def test_get_file_failures_name_the_url_and_leave_no_file(server, tmp_path):
    _, url, _ = server
    cache = tmp_path / "c"
    with pytest.raises(OSError, match=rf"downloading {url}/missing.csv failed: HTTP 404"):
        get_file("missing.csv", url + "/missing.csv", cache_dir=cache)
    with pytest.raises(
        OSError, match=rf"downloading {url}/short/a.csv failed: .*(ncomplete|trunc)"
    ):
        get_file("a.csv", url + "/short/a.csv", cache_dir=cache)
    assert os.listdir(cache / "datasets") == []


def test_get_file_removes_the_leftover_of_a_killed_download(server, tmp_path):
    root, url, _ = server
    (root / "log.csv").write_bytes(DATA)
    folder = tmp_path / "c" / "datasets"
    folder.mkdir(parents=True)
    (folder / ".log.csv.0123abcd.part").write_bytes(b"half a fi")  # a kill -9 mid-download
    get_file("log.csv", url + "/log.csv", cache_dir=tmp_path / "c")
    assert os.listdir(folder) == ["log.csv"]


def _tar_gz(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def test_get_file_extracts_tar_and_zip_as_keras_names_them(server, tmp_path):
    root, url, _ = server
    files = {"photos/a.txt": b"A", "photos/b.txt": b"B"}
    (root / "photos.tgz").write_bytes(_tar_gz(files))
    (root / "photos.zip").write_bytes(_zip(files))
    cache = tmp_path / "c"
    # Keras 3: fname with a dot -> folder "<stem>_extracted"; without -> the folder is
    # fname and the archive "<fname>_archive"; no fname -> the URL's name, the same way.
    path = get_file("photos.tgz", url + "/photos.tgz", extract=True, cache_dir=cache)
    assert path == str(cache / "datasets" / "photos_extracted")
    assert open(os.path.join(path, "photos", "b.txt"), "rb").read() == b"B"
    path = get_file("flowers", url + "/photos.zip", extract=True, cache_dir=cache)
    assert path == str(cache / "datasets" / "flowers")
    assert (cache / "datasets" / "flowers_archive").is_file()
    assert open(os.path.join(path, "photos", "a.txt"), "rb").read() == b"A"
    path = get_file(origin=url + "/photos.tgz", untar=True, cache_dir=cache)
    assert path == str(cache / "datasets" / "photos.tgz")
    assert os.path.isdir(path) and (cache / "datasets" / "photos.tgz_archive").is_file()


def test_get_file_refuses_a_non_archive_and_a_tar_escaping_its_folder(server, tmp_path):
    root, url, _ = server
    (root / "log.csv").write_bytes(DATA)
    (root / "evil.tgz").write_bytes(_tar_gz({"../outside.txt": b"x"}))
    cache = tmp_path / "c"
    with pytest.raises(ValueError, match=r"is not an archive of the formats \['tar', 'zip'\]"):
        get_file("log", url + "/log.csv", extract=True, cache_dir=cache)
    with pytest.raises(tarfile.TarError):
        get_file("evil", url + "/evil.tgz", extract=True, cache_dir=cache)
    assert not (cache / "datasets" / "outside.txt").exists()
    assert not (cache / "datasets" / "evil").exists() and _leftovers(cache) == []


def test_get_file_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="get_file needs origin="):
        get_file("a.csv")
    with pytest.raises(ValueError, match="fname must be a file name, not a path"):
        get_file("sub/a.csv", "http://127.0.0.1:9/a.csv", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="No file name in origin"):
        get_file(origin="http://127.0.0.1:9/", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("a", "http://127.0.0.1:9/a", hash_algorithm="sha1", cache_dir=tmp_path)
