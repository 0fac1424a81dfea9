"""A bounded fuzz of the two readers `glassnet predict` adds to the loaders: the image
reader and the rows reader (`datasets.load_features`). Whatever the bytes, they read, or
raise ValueError naming the file (the file is readable, so never OSError), nothing else.

GLASSNET_FUZZ_EXAMPLES sets the examples per test (200 by default, as test_fuzz_loaders).
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.cli.commands.predict import read_image

FUZZ = settings(
    max_examples=int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-readers")


def _png() -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    pixels = np.random.default_rng(0).random((6, 5, 3))
    plt.imsave(buffer, pixels, format="png")
    return buffer.getvalue()


PNG = _png()


def _read_or_value_error(read, path):
    try:
        result = read(path)
    except ValueError as error:
        assert path.name in str(error), f"ValueError without the file: {error}"
        return None
    return result


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, len(PNG) - 1), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, len(PNG)),
)
def test_fuzz_read_image_of_a_damaged_png(workdir, edits, cut):
    data = bytearray(PNG)
    for offset, value in edits:
        data[offset] = value
    path = workdir / "fuzz.png"
    path.write_bytes(bytes(data[:cut] if cut else data))
    pixels = _read_or_value_error(read_image, path)
    if pixels is not None:
        assert pixels.ndim == 2 and pixels.size and np.isfinite(pixels).all()


@FUZZ
@given(content=st.binary(max_size=300))
def test_fuzz_read_image_of_any_bytes(workdir, content):
    path = workdir / "bytes.png"
    path.write_bytes(content)
    _read_or_value_error(read_image, path)


CELLS = st.sampled_from(
    ["1", "-2.5", "1e39", "nan", "", "x", '"3"', '"4,5"', "inf", " 7 ", "1e-320", '"', "\x00"]
)


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, max_size=4), max_size=5),
    header=st.sampled_from(["a,b\n", "b;a;label\n", "", "a\n"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_fuzz_load_features_of_a_table(workdir, rows, header, newline):
    path = workdir / "rows.csv"
    body = newline.join(",".join(row) for row in rows)
    path.write_bytes((header + body).encode("utf-8"))
    x = _read_or_value_error(lambda p: gn.datasets.load_features(p, ["a", "b"], n_features=2), path)
    if x is not None:
        assert x.ndim == 2 and x.shape[1] == 2 and len(x) >= 1
        assert np.isfinite(x).all() and (np.abs(x) <= np.finfo(np.float32).max).all()


@FUZZ
@given(content=st.binary(max_size=200))
def test_fuzz_load_features_of_any_bytes(workdir, content):
    path = workdir / "bytes.csv"
    path.write_bytes(b"a,b\n" + content)
    _read_or_value_error(lambda p: gn.datasets.load_features(p, ["a", "b"], n_features=2), path)
