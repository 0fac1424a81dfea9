"""IDX reading and writing: round trips, and a precise error for each kind of bad file."""

import gzip
import struct

import numpy as np
import pytest

from glassnet.datasets.idx import read_idx, write_idx


def _raw_idx(code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file built by hand with struct, independently of write_idx."""
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("name", ["a-idx3", "a-idx3.gz"])
def test_round_trip_every_type(tmp_path, rng, dtype, name):
    x = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    write_idx(tmp_path / name, x)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.dtype(dtype) and back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, x)
    assert back.flags.writeable
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left


def test_reads_a_hand_made_big_endian_file(tmp_path):
    # int16 values 1, -2, 300 stored big-endian: 00 01, ff fe, 01 2c
    path = tmp_path / "v-idx1"
    path.write_bytes(_raw_idx(0x0B, (3,), b"\x00\x01\xff\xfe\x01\x2c"))
    assert read_idx(path).tolist() == [1, -2, 300]


def test_writer_output_matches_the_format_byte_for_byte(tmp_path):
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)
    write_idx(tmp_path / "w.gz", x)
    assert gzip.decompress((tmp_path / "w.gz").read_bytes()) == _raw_idx(
        0x08, (2, 3), bytes([1, 2, 3, 4, 5, 6])
    )


def test_gzip_is_detected_by_content_not_name(tmp_path):
    path = tmp_path / "plain-name"
    path.write_bytes(gzip.compress(_raw_idx(0x08, (2,), b"\x07\x09")))
    assert read_idx(path).tolist() == [7, 9]


def test_truncated_payload(tmp_path):
    path = tmp_path / "t-idx3"
    path.write_bytes(_raw_idx(0x08, (2, 2, 2), bytes(5)))
    with pytest.raises(
        ValueError, match=r"truncated: shape \(2, 2, 2\) of uint8 needs 8 bytes.*only 5"
    ):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    data = gzip.compress(_raw_idx(0x08, (100,), bytes(range(100))))
    path = tmp_path / "t.gz"
    path.write_bytes(data[: len(data) - 12])
    with pytest.raises(ValueError, match=r"gzipped file .* is truncated"):
        read_idx(path)


def test_damaged_gzip_stream(tmp_path):
    data = bytearray(gzip.compress(_raw_idx(0x08, (1000,), bytes(range(250)) * 4)))
    data[-8] ^= 0xFF  # break the CRC
    path = tmp_path / "d.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="is damaged: gzip says"):
        read_idx(path)


def test_trailing_bytes(tmp_path):
    path = tmp_path / "x-idx1"
    path.write_bytes(_raw_idx(0x08, (2,), b"\x01\x02\x03"))
    with pytest.raises(ValueError, match=r"has 1 byte\(s\) after the 2 bytes"):
        read_idx(path)


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"<!DOCTYPE html><html>Not Found</html>", "HTML page"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "PNG image"),
        (b"PK\x03\x04" + bytes(20), "zip archive"),
        (b"\x00\x00\x07\x01" + bytes(8), "expected 00 00 then a type code"),  # 07: no such type
    ],
)
def test_foreign_files(tmp_path, content, hint):
    path = tmp_path / "f"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"not an IDX file: it starts with bytes .*{hint}"):
        read_idx(path)


def test_header_truncated(tmp_path):
    path = tmp_path / "h"
    path.write_bytes(b"\x00\x00\x08\x03\x00\x00\x00\x02")
    with pytest.raises(ValueError, match=r"3 dimension sizes announced \(12 bytes\), only 4"):
        read_idx(path)


def test_empty_file(tmp_path):
    path = tmp_path / "e"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"truncated: 0 byte\(s\), fewer than the 4-byte"):
        read_idx(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_idx(tmp_path / "nope.gz")
    with pytest.raises(ValueError, match="is a directory"):
        read_idx(tmp_path)


def test_write_rejects_dtypes_without_a_code(tmp_path):
    with pytest.raises(TypeError, match=r"must have dtype uint8, int8, .* got an array of shape"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.int64))
    assert list(tmp_path.iterdir()) == []
