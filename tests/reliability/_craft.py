"""Makers of bad input for the reliability tests: damaged and crafted model files."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import glassnet as gn


def small_model(dropout: bool = True, fitted: bool = True) -> gn.Sequential:
    """A compiled model with optimizer state and generator states (Dropout, shuffling)."""
    gn.utils.set_random_seed(5)
    layers = [gn.layers.Dense(4, activation="relu", input_shape=(3,), name="hidden")]
    if dropout:
        layers.append(gn.layers.Dropout(0.2, name="drop"))
    layers.append(gn.layers.Dense(2, name="out"))
    model = gn.Sequential(layers, name="small")
    model.compile("adam", gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    if fitted:
        x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
        model.fit(x, np.arange(8) % 2, epochs=1, batch_size=4, verbose=0)
    return model


def saved_file(folder: Path, name: str = "m.glassnet") -> Path:
    path = folder / name
    small_model().save(path)
    return path


def read_arrays(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return json.loads(arrays.pop("config").tobytes()), arrays


def write_arrays(path: Path, config: Any, arrays: dict[str, np.ndarray]) -> Path:
    text = config if isinstance(config, (str, bytes)) else json.dumps(config)
    raw = text if isinstance(text, bytes) else text.encode()
    with open(path, "wb") as handle:
        np.savez(handle, config=np.frombuffer(raw, dtype=np.uint8), **arrays)
    return path


def rewrite(path: Path, change: Callable[[dict, dict], Any]) -> Path:
    """Apply `change(config, arrays)` to a saved model file; a returned value replaces the
    config (e.g. a string that is not JSON)."""
    config, arrays = read_arrays(path)
    replaced = change(config, arrays)
    return write_arrays(path, config if replaced is None else replaced, arrays)


def npy_bytes(header: str, data: bytes = b"", version: int = 1) -> bytes:
    """A .npy member with the given header text (padded as NumPy pads it)."""
    text = header.encode("latin-1")
    size = 10 if version == 1 else 12
    pad = (-(size + len(text) + 1)) % 64
    text = text + b" " * pad + b"\n"
    length = len(text).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + text + data


def npy_of(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def zip_with(path: Path, members: dict[str, bytes], base: Path | None = None) -> Path:
    """A zip of the members of `base` (a saved model) with `members` added or replaced."""
    contents: dict[str, bytes] = {}
    if base is not None:
        with zipfile.ZipFile(base) as archive:
            contents = {name: archive.read(name) for name in archive.namelist()}
    contents.update(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def patch_central_directory(path: Path, offset: int, value: int, size: int = 2) -> Path:
    """Set a field (offset from the signature) of every central directory entry."""
    data = bytearray(path.read_bytes())
    start = 0
    while (i := data.find(b"PK\x01\x02", start)) >= 0:
        data[i + offset : i + offset + size] = value.to_bytes(size, "little")
        start = i + 4
    path.write_bytes(bytes(data))
    return path


def patch_local_headers(path: Path, offset: int, value: int, size: int = 2) -> Path:
    data = bytearray(path.read_bytes())
    start = 0
    while (i := data.find(b"PK\x03\x04", start)) >= 0:
        data[i + offset : i + offset + size] = value.to_bytes(size, "little")
        start = i + 4
    path.write_bytes(bytes(data))
    return path
