"""gn.load_model on damaged and crafted files: a ValueError naming the file, nothing else.

Each case makes one bad file (or folder) from a real saved model and states the type
`load_model` must raise: ValueError for damaged or foreign content, FileNotFoundError
for a missing part. The message must name the file. No case may allocate more than the
file holds (the huge-size cases would need terabytes).
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest
from _craft import (
    npy_bytes,
    npy_of,
    patch_central_directory,
    patch_local_headers,
    read_arrays,
    rewrite,
    saved_file,
    small_model,
    write_arrays,
    zip_with,
)

import glassnet as gn


def _config(change):
    def make(tmp_path):
        return rewrite(saved_file(tmp_path), change)

    return make


def _set(*keys, value):
    """A change setting config[keys...] = value."""

    def change(config, arrays):
        node = config
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return change


def _layer(index, **values):
    def change(config, arrays):
        config["model"]["config"]["layers"][index]["config"].update(values)

    return change


def _array(name, value):
    def change(config, arrays):
        arrays[name] = value

    return change


def _bytes(edit):
    def make(tmp_path):
        path = saved_file(tmp_path)
        path.write_bytes(edit(path.read_bytes()))
        return path

    return make


def _member(name, data):
    def make(tmp_path):
        base = saved_file(tmp_path, "base.glassnet")
        return zip_with(tmp_path / "m.glassnet", {name: data}, base=base)

    return make


def _zip_field(offset, value, local=None, size=2):
    def make(tmp_path):
        path = saved_file(tmp_path)
        patch_central_directory(path, offset, value, size)
        if local is not None:
            patch_local_headers(path, local, value, size)
        return path

    return make


def _shift_directory_offset(data: bytes) -> bytes:
    # The end record's "offset of the central directory" (bytes 16-19) made larger: zipfile
    # then places every member before the start of the file (a seek to a negative offset).
    data = bytearray(data)
    i = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[i + 16 : i + 20], "little")
    data[i + 16 : i + 20] = (offset + 5000).to_bytes(4, "little")
    return bytes(data)


def _text(content: bytes):
    def make(tmp_path):
        path = tmp_path / "m.glassnet"
        path.write_bytes(content)
        return path

    return make


def _huge_array_member(tmp_path):
    # A .npy header declaring 2**40 float32 values over 16 bytes of data.
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }"
    return _member("weight/0.npy", npy_bytes(header, bytes(16)))(tmp_path)


def _folder(change):
    def make(tmp_path):
        folder = tmp_path / "model"
        small_model().save(str(folder) + "/")
        change(folder)
        return folder

    return make


def _other_folder_weights(folder):
    other = folder.parent / "other"
    small_model().save(str(other) + "/")
    os.replace(other / "weights.npz", folder / "weights.npz")


def _nested(depth):
    def change(config, arrays):
        inner = '{"class_name": "Dense", "config": {"units": 2, "name": "d"}}'
        for _ in range(depth):  # as text: json.dumps itself would recurse too deeply
            inner = (
                '{"class_name": "Sequential", "config": {"name": "s", "layers": [' + inner + "]}}"
            )
        for key in [k for k in arrays if k.startswith(("weight/", "optimizer/"))]:
            del arrays[key]
        return '{"format": "glassnet", "version": 2, "input_shape": null, "model": ' + inner + "}"

    return change


def _deep_json(config, arrays):
    return '{"format": "glassnet", "version": 2, "model": ' + "[" * 100_000 + "]" * 100_000 + "}"


def _drop_weight(config, arrays):
    del arrays["weight/3"]


def _rename_weight(config, arrays):
    arrays["weight/x"] = arrays.pop("weight/3")


def _extra_weight(config, arrays):
    arrays["weight/9"] = np.zeros(2, np.float32)


def _duplicate_member(tmp_path):
    path = saved_file(tmp_path)
    with open(path, "ab"):
        pass
    import zipfile

    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("weight/0.npy", npy_of(np.zeros((3, 4), np.float32)))
    return path


def _flip_data_byte(data: bytes) -> bytes:
    data = bytearray(data)
    i = data.find(b"weight/0.npy")  # local header name; the array data follows its header
    j = data.find(b"\n", i) + 5
    data[j] ^= 0xFF
    return bytes(data)


KEY = "m.glassnet"
CASES = {
    # not a model at all
    "empty-file": (_text(b""), ValueError),
    "text-file": (_text(b"hello, this is not a model\n"), ValueError),
    "png-file": (_text(b"\x89PNG\r\n\x1a\n" + bytes(40)), ValueError),
    "truncated-half": (_bytes(lambda d: d[: len(d) // 2]), ValueError),
    "truncated-end": (_bytes(lambda d: d[:-10]), ValueError),
    "zip-magic-only": (_text(b"PK\x03\x04" + bytes(30)), ValueError),
    "plain-npz": (lambda t: zip_with(t / KEY, {"a.npy": npy_of(np.arange(3))}), ValueError),
    "plain-zip-text": (lambda t: zip_with(t / KEY, {"readme.txt": b"hi"}), ValueError),
    # zip edits (central directory offsets: 6 version needed, 8 flags, 10 method)
    "zip-version-17.3": (_zip_field(6, 173, local=4), ValueError),
    "zip-version-central-only": (_zip_field(6, 173), ValueError),
    "zip-method-99": (_zip_field(10, 99, local=8), ValueError),
    "zip-method-bzip2": (_zip_field(10, 12, local=8), ValueError),
    "zip-encrypted-flag": (_zip_field(8, 1, local=6), ValueError),
    "zip-strong-encryption-flag": (_zip_field(8, 0x40, local=6), ValueError),
    "zip-crc-mismatch": (_bytes(_flip_data_byte), ValueError),
    "zip-member-offset-beyond-the-end": (_zip_field(42, 2**31, size=4), ValueError),
    "zip-directory-offset-shifted": (_bytes(_shift_directory_offset), ValueError),
    "zip-duplicate-member": (_duplicate_member, ValueError),
    # members that are not .npy arrays of numbers
    "member-not-npy": (_member("notes.txt", b"hello"), ValueError),
    "member-npy-garbage": (_member("weight/0.npy", b"not an npy file at all"), ValueError),
    "npy-bad-magic": (_member("weight/0.npy", b"\x93NUMPX\x01\x00" + bytes(60)), ValueError),
    "npy-version-3": (
        _member("weight/0.npy", npy_bytes("{}", version=2)[:6] + b"\x03\x00"),
        ValueError,
    ),
    "npy-header-unbalanced": (
        _member(
            "weight/0.npy",
            npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': [3, 4), }", bytes(48)),
        ),
        ValueError,
    ),
    "npy-header-not-dict": (_member("weight/0.npy", npy_bytes("[1, 2, 3]")), ValueError),
    "npy-header-tokens": (_member("weight/0.npy", npy_bytes("{'descr': '<f4', (((")), ValueError),
    "npy-header-bad-descr": (
        _member(
            "weight/0.npy", npy_bytes("{'descr': 'x9', 'fortran_order': False, 'shape': (2,)}")
        ),
        ValueError,
    ),
    "npy-huge-shape": (_huge_array_member, ValueError),
    "npy-negative-shape": (
        _member(
            "weight/0.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}")
        ),
        ValueError,
    ),
    "npy-object-pickle": (_member("weight/0.npy", npy_of(np.array([None, 1], object))), ValueError),
    "npy-text": (_member("weight/0.npy", npy_of(np.array(["a", "b"]))), ValueError),
    "npy-complex": (_member("weight/0.npy", npy_of(np.ones((3, 4), complex))), ValueError),
    "npy-record": (_member("weight/0.npy", npy_of(np.zeros(2, "i4,f4"))), ValueError),
    "npy-datetime": (_member("weight/0.npy", npy_of(np.zeros(2, "M8[s]"))), ValueError),
    "npy-short-data": (
        _member("weight/0.npy", npy_of(np.zeros((3, 4), np.float32))[:-8]),
        ValueError,
    ),
    "npy-extra-data": (
        _member("weight/0.npy", npy_of(np.zeros((3, 4), np.float32)) + bytes(8)),
        ValueError,
    ),
    "npy-40-dimensions": (
        _member("weight/0.npy", npy_of(np.zeros((1,) * 40, np.float32))),
        ValueError,
    ),
    # the JSON config
    "config-not-json": (_config(lambda c, a: "{not json"), ValueError),
    "config-not-utf8": (_config(lambda c, a: b"\xff\xfe{}"), ValueError),
    "config-deeply-nested": (_config(_deep_json), ValueError),
    "config-a-list": (_config(lambda c, a: "[1, 2]"), ValueError),
    "config-other-format": (_config(_set("format", value="keras")), ValueError),
    "config-version-99": (_config(_set("version", value=99)), ValueError),
    "config-version-text": (_config(_set("version", value="2")), ValueError),
    "config-version-true": (_config(_set("version", value=True)), ValueError),
    "config-version-0": (_config(_set("version", value=0)), ValueError),
    "config-no-model": (_config(lambda c, a: c.pop("model") and None), ValueError),
    "config-model-a-list": (_config(_set("model", value=[1])), ValueError),
    "config-model-dense": (_config(_set("model", "class_name", value="Dense")), ValueError),
    "config-model-unknown": (_config(_set("model", "class_name", value="Functional")), ValueError),
    "config-layers-not-list": (_config(_set("model", "config", "layers", value=5)), ValueError),
    "config-layer-unknown-class": (
        _config(lambda c, a: c["model"]["config"]["layers"][0].update(class_name="Conv2D")),
        ValueError,
    ),
    "config-layer-class-not-text": (
        _config(lambda c, a: c["model"]["config"]["layers"][0].update(class_name=[1])),
        ValueError,
    ),
    "config-layer-unknown-key": (_config(_layer(0, colour="red")), ValueError),
    "config-units-text": (_config(_layer(0, units="4")), ValueError),
    "config-units-zero": (_config(_layer(0, units=0)), ValueError),
    "config-units-huge": (_config(_layer(0, units=10**11)), ValueError),
    "config-units-2**32": (_config(_layer(2, units=2**32)), ValueError),
    "config-units-enormous-int": (_config(_layer(0, units=10**300)), ValueError),
    "config-activation-unknown": (_config(_layer(0, activation="swish-ish")), ValueError),
    "config-initializer-unknown": (_config(_layer(0, kernel_initializer="magic")), ValueError),
    "config-dropout-rate-2": (_config(_layer(1, rate=2.0)), ValueError),
    "config-input-shape-huge": (_config(_set("input_shape", value=[100000, 100000])), ValueError),
    "config-input-shape-zero": (_config(_set("input_shape", value=[0])), ValueError),
    "config-input-shape-text": (_config(_set("input_shape", value="abc")), ValueError),
    "config-input-shape-float": (_config(_set("input_shape", value=[3.0])), ValueError),
    "config-input-shape-empty": (_config(_set("input_shape", value=[])), ValueError),
    "config-input-shape-40-dims": (_config(_set("input_shape", value=[1] * 40)), ValueError),
    "config-layer-input-shape-huge": (
        _config(_layer(0, input_shape=[2**31, 2**31])),
        ValueError,
    ),
    "config-only-layer-input-shape-huge": (
        _config(
            lambda c, a: _layer(0, input_shape=[2**16, 2**16])(c, a) or c.update(input_shape=None)
        ),
        ValueError,
    ),
    "config-nested-far-too-deep": (_config(_nested(5000)), ValueError),
    "config-compile-not-object": (_config(_set("compile", value="adam")), ValueError),
    "config-optimizer-unknown": (
        _config(_set("compile", "optimizer", "name", value="adadelta")),
        ValueError,
    ),
    "config-optimizer-bad-argument": (
        _config(_set("compile", "optimizer", "learning_rate", value="fast")),
        ValueError,
    ),
    "config-optimizer-unknown-argument": (
        _config(_set("compile", "optimizer", "warp", value=9)),
        ValueError,
    ),
    "config-loss-unknown": (
        _config(_set("compile", "loss", "name", value="hinge-ish")),
        ValueError,
    ),
    "config-loss-not-object": (_config(_set("compile", "loss", value=3)), ValueError),
    "config-metrics-not-list": (_config(_set("compile", "metrics", value=5)), ValueError),
    # random-generator states
    "rng-shuffle-negative": (_config(_set("shuffle_rng", "state", "state", value=-1)), ValueError),
    "rng-shuffle-huge": (_config(_set("shuffle_rng", "state", "state", value=2**200)), ValueError),
    "rng-shuffle-float": (_config(_set("shuffle_rng", "state", "inc", value=1.5)), ValueError),
    "rng-shuffle-has-uint32": (_config(_set("shuffle_rng", "uinteger", value=2**40)), ValueError),
    "rng-shuffle-kind-seed": (
        _config(_set("shuffle_rng", "bit_generator", value="seed")),
        ValueError,
    ),
    "rng-shuffle-not-object": (_config(_set("shuffle_rng", value=[1, 2])), ValueError),
    "rng-layer-index-99": (
        _config(lambda c, a: c["layer_rngs"].update({"99": c["layer_rngs"]["1"]})),
        ValueError,
    ),
    "rng-layer-index-negative": (
        _config(lambda c, a: c["layer_rngs"].update({"-1": c["layer_rngs"]["1"]})),
        ValueError,
    ),
    "rng-layer-index-dense": (
        _config(lambda c, a: c["layer_rngs"].update({"0": c["layer_rngs"]["1"]})),
        ValueError,
    ),
    "rng-layers-not-object": (_config(_set("layer_rngs", value=[1])), ValueError),
    # weights
    "weight-nan": (_config(_array("weight/0", np.full((3, 4), np.nan, np.float32))), ValueError),
    "weight-inf": (_config(_array("weight/1", np.full(4, np.inf, np.float32))), ValueError),
    "weight-float64-1e300": (_config(_array("weight/0", np.full((3, 4), 1e300))), ValueError),
    "weight-wrong-shape": (_config(_array("weight/0", np.zeros((4, 3), np.float32))), ValueError),
    "weight-scalar": (_config(_array("weight/1", np.float32(1))), ValueError),
    "weight-bool": (_config(_array("weight/1", np.ones(4, bool))), ValueError),
    "weight-missing": (_config(_drop_weight), ValueError),
    "weight-misnamed": (_config(_rename_weight), ValueError),
    "weight-extra": (_config(_extra_weight), ValueError),
    # optimizer state
    "optimizer-iterations-inf": (
        _config(_array("optimizer/iterations", np.array(np.inf))),
        ValueError,
    ),
    "optimizer-iterations-negative": (
        _config(_array("optimizer/iterations", np.array(-1))),
        ValueError,
    ),
    "optimizer-iterations-fraction": (
        _config(_array("optimizer/iterations", np.array(1.5))),
        ValueError,
    ),
    "optimizer-iterations-vector": (
        _config(_array("optimizer/iterations", np.arange(3))),
        ValueError,
    ),
    "optimizer-iterations-huge": (
        _config(_array("optimizer/iterations", np.array(2**62))),
        ValueError,
    ),
    "optimizer-moment-nan": (
        _config(_array("optimizer/0/m", np.full(26, np.nan, np.float32))),
        ValueError,
    ),
    "optimizer-moment-short": (
        _config(_array("optimizer/0/m", np.zeros(7, np.float32))),
        ValueError,
    ),
    "optimizer-moment-misnamed": (
        _config(_array("optimizer/5/m", np.zeros(26, np.float32))),
        ValueError,
    ),
    # the folder form
    "folder-empty": (lambda t: (t / "model").mkdir() or t / "model", FileNotFoundError),
    "folder-no-config": (_folder(lambda f: (f / "config.json").unlink()), FileNotFoundError),
    "folder-no-weights": (_folder(lambda f: (f / "weights.npz").unlink()), FileNotFoundError),
    "folder-config-not-json": (
        _folder(lambda f: (f / "config.json").write_text("{oops")),
        ValueError,
    ),
    "folder-config-a-number": (_folder(lambda f: (f / "config.json").write_text("3")), ValueError),
    "folder-weights-damaged": (
        _folder(lambda f: (f / "weights.npz").write_bytes((f / "weights.npz").read_bytes()[:99])),
        ValueError,
    ),
    "folder-pair-from-two-saves": (_folder(_other_folder_weights), ValueError),
    "folder-config-is-a-folder": (
        _folder(lambda f: ((f / "config.json").unlink(), (f / "config.json").mkdir())),
        FileNotFoundError,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_model_file_gives_the_documented_error_naming_it(tmp_path, case):
    make, expected = CASES[case]
    path = make(tmp_path)
    with pytest.raises(Exception) as caught:
        gn.load_model(path)
    error = caught.value
    assert type(error) is expected, f"{case}: {type(error).__name__}: {error}"
    assert str(path.name) in str(error), f"{case}: the message does not name the file: {error}"


def test_a_config_nested_far_too_deep_is_refused_whatever_the_recursion_limit(tmp_path):
    # mypy (run in-process by test_typing) raises the limit for the whole process; a file
    # must not load or not depending on that.
    make, expected = CASES["config-nested-far-too-deep"]
    path = make(tmp_path)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(2**14)
    try:
        with pytest.raises(expected, match="nested too deeply"):
            gn.load_model(path)
    finally:
        sys.setrecursionlimit(limit)


def test_the_table_covers_what_the_report_lists():
    assert len(CASES) >= 40  # the report's model-file cases: 27 + 13 + 3


def test_valid_but_awkward_models_load(tmp_path):
    # A model saved unbuilt, a model without an optimizer, integer weights that fit float32.
    gn.Sequential([gn.layers.Dense(2)]).save(tmp_path / "unbuilt.glassnet")
    assert not gn.load_model(tmp_path / "unbuilt.glassnet").built
    gn.Sequential([gn.layers.Dense(2, input_shape=(3,))]).save(tmp_path / "plain.glassnet")
    assert gn.load_model(tmp_path / "plain.glassnet").optimizer is None
    path = saved_file(tmp_path)
    config, arrays = read_arrays(path)
    arrays["weight/1"] = np.array([1, 2, 3, 4], np.int16)
    write_arrays(path, config, arrays)
    assert gn.load_model(path).get_weights()[1].tolist() == [1.0, 2.0, 3.0, 4.0]
    deep = rewrite(saved_file(tmp_path, "deep.glassnet"), _nested(300))
    assert len(gn.load_model(deep).leaves()) == 1  # a Dense in 300 Sequentials
    folder = tmp_path / "as-folder"
    small_model().save(str(folder) + "/")
    config = json.loads((folder / "config.json").read_text())
    assert gn.load_model(folder).count_params() == sum(
        int(np.prod(w["shape"])) for w in config["weights"]
    )
