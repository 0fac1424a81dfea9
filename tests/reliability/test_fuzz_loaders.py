"""A bounded fuzz of the loaders: whatever the bytes, only the documented exception types.

`gn.load_model`, `gn.datasets.read_idx` and `gn.datasets.load_csv` promise ValueError
(damaged or foreign content), OSError (cannot read) or TypeError, and nothing else: no
MemoryError from a declared size, no IndexError, OverflowError or NotImplementedError
from a crafted field. Hypothesis mutates real files (bytes, the JSON config, the arrays,
IDX headers, CSV text) with a fixed number of examples, derandomized, so CI runs the
same cases every time; `GLASSNET_FUZZ_EXAMPLES` raises the count for a longer run.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zipfile

import numpy as np
import pytest
from _craft import read_arrays, small_model, write_arrays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn

EXAMPLES = int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCUMENTED = (ValueError, OSError, TypeError)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def saved(workdir):
    """The bytes of a saved model file, its config and arrays, and a saved folder."""
    path = workdir / "original.glassnet"
    small_model().save(path)
    folder = workdir / "original-folder"
    small_model().save(str(folder) + "/")
    config, arrays = read_arrays(path)
    return {
        "bytes": path.read_bytes(),
        "config": config,
        "arrays": arrays,
        "folder_config": (folder / "config.json").read_bytes(),
        "folder_weights": (folder / "weights.npz").read_bytes(),
    }


def _documented_or_loads(load, path):
    """`load(path)` works, or raises a documented type naming the file. The file is always
    readable here, so an OSError would be damage reported as a reading failure."""
    try:
        load(path)
    except (ValueError, TypeError) as error:
        assert path.name in str(error), f"{type(error).__name__} without the file: {error}"


# -- strategies ------------------------------------------------------------------------------
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([0, 1, -1, 2**31, 2**32, 2**63, 10**11, 10**30])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["Dense", "Sequential", "Dropout", "PCG64", "relu", "adam", "seed"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
DTYPES = st.sampled_from(
    ["float32", "float64", "float16", "int64", "uint8", "int8", "bool", "complex64", "<U3"]
)


def _paths(node, prefix=()):
    """Every key path in a JSON tree."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _replace(tree, path, value):
    if not path:
        return value
    tree = json.loads(json.dumps(tree))
    node = tree
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return tree


_DELETE = object()


@st.composite
def _mutated_config(draw, config):
    paths = list(_paths(config))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        value = draw(JSON | st.just(_DELETE)) if path else draw(JSON)
        config = _replace(config, path, value)
        paths = list(_paths(config))
    return config


@st.composite
def _array(draw):
    shape = draw(st.lists(st.integers(0, 5), max_size=3))
    dtype = draw(DTYPES)
    kind = np.dtype(dtype).kind
    if kind == "U":
        return np.full(shape, "ab", dtype=dtype)
    fill = draw(st.sampled_from([0, 1, -1, 1e300, np.nan, np.inf, 3.5]))
    with np.errstate(all="ignore"):
        return np.full(shape, fill).astype(dtype)


def _mutate_bytes(data: bytes, draw) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["set", "insert", "delete", "truncate", "zip-field"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif action == "truncate":
            del data[at:]
        else:  # a field of a zip header: version, flags, method, sizes
            signature = draw(st.sampled_from([b"PK\x01\x02", b"PK\x03\x04"]))
            i = data.find(signature)
            if i >= 0:
                offset = draw(st.sampled_from([4, 6, 8, 10, 20, 24]))
                data[i + offset : i + offset + 2] = draw(st.integers(0, 65535)).to_bytes(
                    2, "little"
                )
    return bytes(data)


# -- load_model ------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_fuzz_load_model_file_bytes(saved, workdir, data):
    path = workdir / "bytes.glassnet"
    path.write_bytes(_mutate_bytes(saved["bytes"], data.draw))
    _documented_or_loads(gn.load_model, path)


@FUZZ
@given(data=st.data())
def test_fuzz_load_model_config_and_arrays(saved, workdir, data):
    config = (
        data.draw(_mutated_config(saved["config"])) if data.draw(st.booleans()) else saved["config"]
    )
    arrays = dict(saved["arrays"])
    for _ in range(data.draw(st.integers(0, 2))):
        name = data.draw(st.sampled_from([*arrays, "weight/9", "optimizer/0/v", "save_id"]))
        if data.draw(st.booleans()) and name in arrays:
            del arrays[name]
        else:
            arrays[name] = data.draw(_array())
    path = write_arrays(workdir / "tree.glassnet", config, arrays)
    _documented_or_loads(gn.load_model, path)


@FUZZ
@given(data=st.data())
def test_fuzz_load_model_folder(saved, workdir, data):
    folder = workdir / "folder"
    folder.mkdir(exist_ok=True)
    config = saved["folder_config"]
    weights = saved["folder_weights"]
    if data.draw(st.booleans()):
        tree = data.draw(_mutated_config(json.loads(config)))
        config = json.dumps(tree).encode()
    else:
        weights = _mutate_bytes(weights, data.draw)
    (folder / "config.json").write_bytes(config)
    (folder / "weights.npz").write_bytes(weights)
    _documented_or_loads(gn.load_model, folder)


def test_the_fuzzed_model_is_a_real_one(saved, workdir):
    assert zipfile.is_zipfile(workdir / "original.glassnet")
    assert gn.load_model(workdir / "original.glassnet").count_params() == 26


# -- read_idx --------------------------------------------------------------------------------
@st.composite
def _idx_file(draw):
    """A valid IDX file of any type, then its header, data or compression mangled."""
    code = draw(st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E]))
    shape = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    itemsize = {0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}[code]
    count = int(np.prod(shape))
    data = bytes([0, 0, code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)
    data += draw(st.binary(min_size=count * itemsize, max_size=count * itemsize))
    if draw(st.booleans()):  # a header field: type, dimension count, a size
        at = draw(st.integers(0, min(len(data) - 1, 4 + 4 * len(shape))))
        value = draw(st.sampled_from([0, 1, 0x7F, 0xFF, draw(st.integers(0, 255))]))
        data = data[:at] + bytes([value]) + data[at + 1 :]
    data = _mutate_bytes(data, draw) if draw(st.booleans()) else data
    if draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
        if draw(st.booleans()):
            data = _mutate_bytes(data, draw)
    return data


@FUZZ
@given(content=_idx_file())
def test_fuzz_read_idx(workdir, content):
    path = workdir / "fuzz-idx"
    path.write_bytes(content)
    _documented_or_loads(gn.datasets.read_idx, path)


# -- load_csv --------------------------------------------------------------------------------
NUMBER = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["-0", " 7", "8\t", "1e5"]),
)
ODD = st.text(
    alphabet=st.sampled_from(list('ab1,;"\n\r \t\x00\x0b\x0c\u2028\u2029\x85\ufeffé')),
    max_size=6,
)
CELL = st.one_of(NUMBER, ODD, st.sampled_from(["", "nan", "NA", "1e999", "inf", "x"]))


@st.composite
def _csv_text(draw):
    """A table written by csv.writer (valid CSV: numbers, and labels of odd text with quotes,
    delimiters, line breaks of every kind), or text spliced from one."""
    columns = draw(st.integers(2, 4))
    n = draw(st.integers(2, 6))
    rows = []
    for i in range(n):
        features = [draw(NUMBER if draw(st.integers(0, 9)) else CELL) for _ in range(columns - 1)]
        rows.append([*features, draw(ODD) + "pq"[i % 2]])  # at least two classes
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow([f"c{j}" for j in range(columns - 1)] + ["label"])
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.integers(0, 2)) == 0:  # break it: cut it, or drop or insert a character
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "drop", "insert"]))
        if action == "cut":
            text = text[:at]
        elif action == "drop":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(st.sampled_from(['"', ",", "\n", "\x00", "\r"])) + text[at:]
    return text


def _reference_rows(text: str) -> list[list[str]] | None:
    """What the CSV standard (Python's csv module) reads: rows of stripped cells, blank rows
    left out; None if the text is not valid CSV (or holds a NUL, which load_csv refuses)."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    rows = [[cell.strip(" \t") for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if any("\x00" in cell for row in rows for cell in row):
        return None
    return rows


@FUZZ
@given(text=_csv_text(), bom=st.booleans())
def test_fuzz_load_csv_matches_the_csv_standard(workdir, text, bom):
    path = workdir / "fuzz.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    try:
        data = gn.datasets.load_csv(path, target="label", delimiter=",")
    except DOCUMENTED as error:
        assert path.name in str(error)
        return
    expected = _reference_rows(text)
    assert expected is not None, "load_csv accepted what the csv module refuses"
    assert data.rows == expected  # nothing dropped, nothing changed
    labels = [row[-1] for row in expected[1:]]
    assert len(data.y) == len(labels)
    read = [data.class_names[i] for i in data.y]
    try:  # numbers are compared as numbers ("9" and "9.0" are one class)
        assert [float(a) for a in read] == [float(b) for b in labels]
    except ValueError:
        assert read == labels
    assert data.x.tolist() == [[float(c) for c in row[:-1]] for row in expected[1:]]


@FUZZ
@given(content=st.binary(max_size=200))
def test_fuzz_load_csv_bytes(workdir, content):
    path = workdir / "bytes.csv"
    path.write_bytes(b"a,b,label\n" + content)
    _documented_or_loads(lambda p: gn.datasets.load_csv(p, target="label"), path)
