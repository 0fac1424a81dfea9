"""IDX files, the format of MNIST and Fashion-MNIST, read and written with NumPy.

An IDX file is a header followed by the values of one array, row-major, big-endian:

    bytes 0-1   zero
    byte  2     value type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64
    byte  3     number of dimensions, d
    then d      dimension sizes, 4-byte big-endian unsigned integers
    then        the values

Files may be gzip-compressed (recognised by their first bytes, whatever their name).
`read_idx` checks the magic number, the dimensions and the byte count, and says what is
wrong with a truncated or foreign file. It trusts no header: the size a header declares
is checked against what the file can hold (its size, or for gzip the most that many
compressed bytes can expand to) before anything is allocated.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny-idx2-ubyte.gz"
>>> write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
>>> read_idx(path)
array([[0, 1, 2],
       [3, 4, 5]], dtype=uint8)
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from glassnet._internal.checks import describe as _describe
from glassnet._internal.files import atomic_write

__all__ = ["MAX_DIMENSIONS", "read_idx", "write_idx"]

# IDX type code -> big-endian NumPy dtype of the stored values.
_CODES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 22  # bytes read per call when filling the output array
# The most dimensions a file may declare (NumPy 1's limit; MNIST files have 1 or 3).
MAX_DIMENSIONS = 32
# Deflate expands data at most about 1032 times (plus gzip's few header bytes).
_GZIP_RATIO = 1032

# First bytes of files people mistake for IDX, and what they are.
_FOREIGN = [
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ", "an xz file"),
    (b"\x93NUMPY", "a NumPy .npy file"),
    (b"<!DOCTYPE", "an HTML page (a download error page?)"),
    (b"<html", "an HTML page (a download error page?)"),
    (b"<?xml", "an XML document (a download error page?)"),
]


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (gzipped or not) into a NumPy array of its own shape.

    Args:
        path: the file. Gzip compression is detected from the content, not the name.

    Returns:
        A writable array with the file's shape and a native-endian dtype (uint8 for
        MNIST images and labels).

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: the file is not IDX (wrong magic number), declares more than
            `MAX_DIMENSIONS` dimensions or more data than it can hold, is truncated, has
            trailing bytes, or is a damaged gzip stream; the message names the file and
            the fault. A path that is a folder is a ValueError too.
        OSError: the file cannot be read (e.g. permission denied).

    No other exception comes from a damaged or crafted file, and no more memory is
    allocated than the file's contents can fill.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> write_idx(path, np.array([3, 1, 4], dtype=np.uint8))
    >>> read_idx(path)
    array([3, 1, 4], dtype=uint8)
    """
    path = Path(path)
    if not path.is_file():
        if path.exists():
            raise ValueError(f"IDX path {str(path)!r} is a directory, not a file.")
        raise FileNotFoundError(f"IDX file {str(path)!r} does not exist.")
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        size = os.fstat(raw.fileno()).st_size
    opener = gzip.open if compressed else open
    what = f"{'gzipped ' if compressed else ''}file {str(path)!r}"
    # The most bytes of IDX the file can hold, header included.
    capacity = size * _GZIP_RATIO + 64 if compressed else size
    try:
        with opener(path, "rb") as stream:
            return _read_stream(stream, what, capacity, exact=not compressed)
    except EOFError:
        raise ValueError(
            f"{what} is truncated: its gzip stream ends before the end marker. Download it again."
        ) from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise ValueError(f"{what} is damaged: gzip says {error}. Download it again.") from None


def _read_stream(stream, what: str, capacity: int, exact: bool) -> np.ndarray:
    """Parse an IDX stream: header, then exactly the announced number of values.

    `capacity` bounds the stream's length in bytes (`exact`: it is the length)."""
    head = stream.read(4)
    if len(head) < 4:
        raise ValueError(
            f"{what} is truncated: {len(head)} byte(s), fewer than the 4-byte IDX header."
        )
    if head[:2] != b"\x00\x00" or head[2] not in _CODES:
        kind = next((name for magic, name in _FOREIGN if head.startswith(magic[:4])), None)
        guess = f" It looks like {kind}." if kind else ""
        raise ValueError(
            f"{what} is not an IDX file: it starts with bytes {head.hex(' ')}, expected "
            f"00 00 then a type code ({', '.join(f'{c:02x}' for c in _CODES)}) and the "
            f"number of dimensions.{guess}"
        )
    dtype = _CODES[head[2]]
    ndim = head[3]
    if ndim > MAX_DIMENSIONS:
        raise ValueError(
            f"{what} declares {ndim} dimensions, more than the {MAX_DIMENSIONS} an IDX file "
            "may have here: it is damaged or not an IDX file."
        )
    dims_bytes = stream.read(4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise ValueError(
            f"{what} is truncated inside its header: {ndim} dimension sizes announced "
            f"({4 * ndim} bytes), only {len(dims_bytes)} byte(s) present."
        )
    shape = struct.unpack(f">{ndim}I", dims_bytes)
    count = math.prod(shape)  # a Python int: no overflow
    expected = count * dtype.itemsize
    available = capacity - 4 - 4 * ndim
    if exact and expected > available:
        raise ValueError(
            f"{what} is truncated: shape {shape} of {dtype.name} needs {expected} bytes of "
            f"data after the header, only {available} present. Download it again."
        )
    if exact and expected < available:
        raise ValueError(
            f"{what} has {available - expected} byte(s) after the {expected} bytes that shape "
            f"{shape} needs: it is damaged or not the file its header describes."
        )
    if expected > available:
        raise ValueError(
            f"{what} declares shape {shape} of {dtype.name} ({expected:,} bytes), more than a "
            f"gzip file of its size can hold: it is damaged or not the file its header describes."
        )
    out = np.empty(count, dtype=dtype)  # at most what the file can hold (checked above)
    view = memoryview(out).cast("B")
    filled = 0
    while filled < expected:
        got = stream.readinto(view[filled : filled + _CHUNK])
        if not got:
            break
        filled += got
    if filled < expected:
        raise ValueError(
            f"{what} is truncated: shape {shape} of {dtype.name} needs {expected} bytes of "
            f"data after the header, only {filled} present. Download it again."
        )
    extra = len(stream.read(_CHUNK))
    if extra:
        more = "at least " if extra == _CHUNK else ""
        raise ValueError(
            f"{what} has {more}{extra} byte(s) after the {expected} bytes that shape {shape} "
            "needs: it is damaged or not the file its header describes."
        )
    return out.astype(dtype.newbyteorder("="), copy=False).reshape(shape)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write `array` as an IDX file, gzipped when `path` ends in ".gz"; atomically.

    The file is written to a temporary name in the same folder and renamed when complete,
    so an interrupted write never leaves a half-written file behind.

    Args:
        path: the file to (over)write.
        array: values of type uint8, int8, int16, int32, float32 or float64, at most 255
            dimensions.

    Raises:
        TypeError: the array's dtype has no IDX type code.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x-idx1-ubyte"
    >>> write_idx(path, np.array([7, 8], dtype=np.uint8))
    >>> path.read_bytes()
    b'\\x00\\x00\\x08\\x01\\x00\\x00\\x00\\x02\\x07\\x08'
    """
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in _CODES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(
            f"array must have dtype uint8, int8, int16, int32, float32 or float64 to be "
            f"written as IDX, got {_describe(array)}."
        )
    if array.ndim > 255:
        raise ValueError(f"array must have at most 255 dimensions, got {array.ndim}.")
    header = bytes([0, 0, codes[native], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=_CODES[codes[native]]).tobytes()
    with atomic_write(path) as raw:
        if str(path).endswith(".gz"):
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream:
                stream.write(header + payload)
        else:
            raw.write(header + payload)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
