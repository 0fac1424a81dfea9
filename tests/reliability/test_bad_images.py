"""The image reader of `glassnet predict`: ValueError naming the file for anything that is
not a readable image of at most MAX_IMAGE_PIXELS pixels, refused from its header."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from glassnet.cli.commands.predict import MAX_IMAGE_PIXELS, read_image


def _png(width: int, height: int, rows: int = 4) -> bytes:
    """A PNG declaring width x height; only `rows` rows of data (a decoder would fail later,
    but the size check must come first)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = zlib.compress(b"".join(b"\x00" + bytes(width) for _ in range(min(rows, height))))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _image(mode: str, size=(6, 5), fmt="PNG", value=200) -> bytes:
    buffer = io.BytesIO()
    if mode == "P":  # a palette image of the same gray
        image = Image.new("RGB", size, (value,) * 3).convert("P", palette=Image.Palette.ADAPTIVE)
    else:
        image = Image.new(mode, size, value if mode in ("L", "I;16") else (value,) * len(mode))
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def _jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(_image("L", (8, 8), "JPEG"))
    i = data.find(b"\xff\xc0")  # start of frame: length, precision, height, width
    data[i + 5 : i + 9] = struct.pack(">HH", height, width)
    return bytes(data)


BAD = {
    "empty.png": b"",
    "text.png": b"this is not an image\n",
    "truncated.png": _image("L")[:40],
    "header-only.png": _image("L")[:33],
    "damaged-data.png": (lambda d: d[:60] + bytes(len(d) - 60))(_image("RGB", (20, 20))),
    "huge-declared.png": _png(14000, 14000),  # 196 Mpx in a few hundred bytes
    "just-too-large.png": _png(MAX_IMAGE_PIXELS // 1000 + 1, 1000),
    "bomb.png": _png(60000, 60000),
    "huge-declared.jpg": _jpeg_declaring(65000, 65000),
    "zero-width.png": _png(0, 10),
    "csv-named-png.png": b"a,b\n1,2\n",
    "gif-garbage.gif": b"GIF89a" + bytes(10),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_image_is_a_value_error_naming_it(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(BAD[name])
    with pytest.raises(Exception) as caught:
        read_image(path)
    assert type(caught.value) is ValueError, (
        f"{name}: {type(caught.value).__name__}: {caught.value}"
    )
    assert name in str(caught.value)


@pytest.mark.parametrize("name", ["huge-declared.png", "bomb.png", "huge-declared.jpg"])
def test_a_too_large_image_is_refused_before_decoding(tmp_path, name, monkeypatch):
    import matplotlib.image

    def never(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(matplotlib.image, "imread", never)
    (tmp_path / name).write_bytes(BAD[name])
    with pytest.raises(ValueError, match=r"more than (the )?50,000,000"):
        read_image(tmp_path / name)


def test_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        read_image(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such image file"):
        read_image(tmp_path / "nope.png")


AWKWARD = {
    "gray.png": _image("L"),
    "rgb.png": _image("RGB"),
    "rgba.png": _image("RGBA"),
    "gray-alpha.png": _image("LA"),
    "palette.png": _image("P"),
    "16-bit.png": _image("I;16", value=51400),
    "photo.jpg": _image("RGB", fmt="JPEG"),
    "exactly-the-limit.png": None,  # made in the test: 50,000,000 pixels is allowed
}


@pytest.mark.parametrize("name", [n for n in AWKWARD if AWKWARD[n] is not None])
def test_valid_but_awkward_images_read(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(AWKWARD[name])
    pixels = read_image(path)
    assert pixels.shape == (5, 6) and pixels.dtype == np.float64
    assert np.all((pixels >= 0) & (pixels <= 1))
    assert abs(float(pixels.mean()) - 200 / 255) < 0.02  # 51400 / 65535 for 16 bits


def test_the_limit_itself_is_allowed(tmp_path, monkeypatch):
    import matplotlib.image

    monkeypatch.setattr(matplotlib.image, "imread", lambda path: np.zeros((2, 2)))
    (tmp_path / "limit.png").write_bytes(_png(MAX_IMAGE_PIXELS // 10000, 10000))
    assert read_image(tmp_path / "limit.png").shape == (2, 2)
