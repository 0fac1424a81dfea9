"""read_idx on damaged and crafted files: a ValueError naming the file, never a huge allocation.

A header declares the array's shape; every case below declares more (or other) data than
the file holds, up to petabytes from a few bytes, plain or gzipped. `read_idx` must say
what is wrong, naming the file, before allocating anything.
"""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from glassnet.datasets import read_idx


def _idx(code: int, shape: tuple[int, ...], payload: bytes = b"") -> bytes:
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


CASES = {
    "empty": b"",
    "three-bytes": b"\x00\x00\x08",
    "bad-magic": b"\x01\x02\x08\x01\x00\x00\x00\x01\x05",
    "unknown-type-code": b"\x00\x00\x07\x01\x00\x00\x00\x01\x05",
    "header-truncated": b"\x00\x00\x08\x03\x00\x00\x00\x02",
    "payload-truncated": _idx(0x08, (2, 2, 2), bytes(5)),
    "trailing-bytes": _idx(0x08, (2,), b"\x01\x02\x03"),
    "huge-3d-16-bytes": _idx(0x08, (65535, 65535, 65535)),  # 256 TiB declared
    "huge-float64": _idx(0x0E, (2**32 - 1, 2**32 - 1)),
    "product-beyond-int64": _idx(0x08, (65536, 65536, 65536, 65536)),
    "huge-9-bytes": b"\x00\x00\x0b\x01\xff\xff\x00\x00\x0b",  # the fuzzer's 8 GiB
    "65-dimensions": _idx(0x08, (1,) * 65, b"\x01"),
    "255-dimensions": _idx(0x08, (1,) * 255, b"\x01"),
    "zero-dims-with-data": _idx(0x08, (0,), b"\x01"),
    "gzip-huge-declared": _gz(_idx(0x08, (16777219, 16777218, 2))),  # 0.5 PiB from 43 bytes
    "gzip-huge-with-zeros": _gz(_idx(0x08, (2**31, 2**31)) + bytes(100_000)),
    "gzip-truncated": _gz(_idx(0x08, (100,), bytes(range(100))))[:-12],
    "gzip-damaged-crc": (lambda d: d[:-8] + bytes([d[-8] ^ 0xFF]) + d[-7:])(
        _gz(_idx(0x08, (1000,), bytes(1000)))
    ),
    "gzip-header-only": b"\x1f\x8b",
    "gzip-garbage": b"\x1f\x8b\x08\x00" + bytes(20),
    "gzip-trailing-garbage": _gz(_idx(0x08, (2,), b"\x01\x02")) + b"junk",
    "gzip-of-a-png": _gz(b"\x89PNG\r\n\x1a\n" + bytes(30)),
    "html-error-page": b"<!DOCTYPE html><html>404 Not Found</html>",
    "zip-archive": b"PK\x03\x04" + bytes(40),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_idx_file_is_a_value_error_naming_it(tmp_path, case):
    path = tmp_path / f"{case}-idx3-ubyte"
    path.write_bytes(CASES[case])
    with pytest.raises(Exception) as caught:
        read_idx(path)
    assert type(caught.value) is ValueError, f"{case}: {type(caught.value).__name__}"
    assert path.name in str(caught.value)


def test_the_table_covers_what_the_report_lists():
    assert len(CASES) >= 21  # the report's IDX cases: 15 + 6


def test_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        read_idx(tmp_path)
    with pytest.raises(FileNotFoundError, match="nope"):
        read_idx(tmp_path / "nope")


def test_valid_but_awkward_files_load(tmp_path):
    # Empty arrays, a file of 32 dimensions, and a large gzip that is honestly all zeros.
    (tmp_path / "empty").write_bytes(_idx(0x08, (0, 28, 28)))
    assert read_idx(tmp_path / "empty").shape == (0, 28, 28)
    (tmp_path / "dims").write_bytes(_idx(0x0D, (1,) * 32, bytes(4)))
    assert read_idx(tmp_path / "dims").shape == (1,) * 32
    (tmp_path / "zeros.gz").write_bytes(_gz(_idx(0x08, (1000, 1000), bytes(1_000_000))))
    assert read_idx(tmp_path / "zeros.gz").sum() == 0
    (tmp_path / "be").write_bytes(_idx(0x0E, (2,), np.array([1.5, -2.0], ">f8").tobytes()))
    assert read_idx(tmp_path / "be").tolist() == [1.5, -2.0]
