"""Read an .npz archive without trusting it: numbers only, sizes checked before reading.

`np.load` reads what a well-formed archive holds; a damaged or crafted one makes it raise
almost any exception (NotImplementedError for an unknown zip version, RuntimeError for
the "encrypted" flag, AttributeError for a member that is not .npy, tokenize.TokenError
for a broken .npy header) or allocate whatever a header declares. `read_npz` checks each
zip entry and each .npy header first, and allocates only what the archive can hold.

Its contract: a ValueError naming the file and the fault for any damaged or foreign
content; an OSError only when the file cannot be read; nothing else.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.npz"
>>> np.savez(path, w=np.arange(3.0))
>>> read_npz(path)
{'w': array([0., 1., 2.])}
"""

from __future__ import annotations

import errno
import io
import os
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import cast

import numpy as np

__all__ = ["MAX_DIMENSIONS", "read_npz", "text_array"]

# The most dimensions an array may declare (NumPy's own limit is 64).
MAX_DIMENSIONS = 32
# Deflate cannot expand data more than about 1032 times.
_DEFLATE_RATIO = 1032
_KINDS = "biuf"  # bool, signed and unsigned integers, floats: never objects or text
# What the zip and .npy parsers raise on damaged bytes: each becomes a ValueError.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    SyntaxError,
    tokenize.TokenError,
    RecursionError,
    OverflowError,
    IndexError,
    KeyError,
    TypeError,
    UnicodeDecodeError,
    ValueError,
)


def read_npz(path: str | os.PathLike[str], shown: str | None = None) -> dict[str, np.ndarray]:
    """The arrays of the .npz archive `path`, by name (the member name without ".npy").

    Args:
        path: the archive.
        shown: how messages name the file (default: the path, quoted).

    Returns:
        Writable arrays of booleans, integers or floats.

    Raises:
        ValueError: not a zip archive, truncated or damaged, a feature glassnet never
            writes (encryption, a compression method other than stored or deflated, a
            zip version above 6.3), a member that is not a .npy array, a damaged .npy
            header, an array of objects, text, complex numbers or records, or sizes
            that disagree with the bytes present.
        OSError: the file cannot be read.
    """
    path = Path(path)
    shown = shown or repr(str(path))
    with open(path, "rb") as handle:
        head = handle.read(4)
        size = os.fstat(handle.fileno()).st_size
    try:
        archive = zipfile.ZipFile(path)
    except _DAMAGE as error:
        if head == b"PK\x03\x04":
            raise ValueError(
                f"{shown} is truncated or damaged: its zip directory is missing or broken "
                f"({_reason(error)})."
            ) from None
        raise ValueError(f"{shown} is not a glassnet model file (not a zip archive).") from None
    arrays: dict[str, np.ndarray] = {}
    with archive:
        for info in archive.infolist():
            _check_entry(info, shown, size)
            key = info.filename[: -len(".npy")]
            if key in arrays:
                raise ValueError(f"{shown} holds the member {info.filename!r} twice: damaged.")
            try:
                arrays[key] = _read_member(archive, info, shown)
            except OSError as error:
                if error.errno != errno.EINVAL:  # EINVAL: a seek outside the file
                    raise  # the file cannot be read
                raise ValueError(
                    f"{shown} is damaged: member {info.filename!r} points outside the file."
                ) from None
            except _DAMAGE as error:
                if isinstance(error, ValueError) and str(error).startswith(shown):
                    raise
                raise ValueError(
                    f"{shown} is truncated or damaged: member {info.filename!r} cannot be read "
                    f"({_reason(error)})."
                ) from None
    return arrays


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())  # one line, padding squeezed
    text = text if len(text) <= 160 else text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _check_entry(info: zipfile.ZipInfo, shown: str, size: int) -> None:
    """Refuse what glassnet never writes, before zipfile or NumPy see it."""
    name = info.filename
    if not name.endswith(".npy"):
        raise ValueError(
            f"{shown} is not a glassnet model file: its member {name!r} is not a NumPy "
            "array (.npy)."
        )
    if info.flag_bits & 0x1:
        raise ValueError(f"{shown}: member {name!r} is encrypted; glassnet never encrypts.")
    if info.flag_bits & 0x60:  # patched data, strong encryption
        raise ValueError(f"{shown}: member {name!r} uses zip features glassnet never writes.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(
            f"{shown}: member {name!r} uses zip compression method {info.compress_type}; "
            "glassnet reads stored and deflated members only."
        )
    if info.extract_version > zipfile.MAX_EXTRACT_VERSION:
        raise ValueError(
            f"{shown}: member {name!r} needs zip version {info.extract_version / 10:.1f}; "
            f"glassnet reads up to {zipfile.MAX_EXTRACT_VERSION / 10:.1f}. Damaged?"
        )
    if not 0 <= info.header_offset <= size - 30 or info.header_offset + info.compress_size > size:
        raise ValueError(
            f"{shown} is damaged: member {name!r} is placed at byte {info.header_offset}, "
            f"outside the file's {size} bytes."
        )
    bound = info.compress_size * (1 if info.compress_type == zipfile.ZIP_STORED else _DEFLATE_RATIO)
    if info.compress_size > size or info.file_size > bound + 64:
        raise ValueError(
            f"{shown} is damaged: member {name!r} declares {info.file_size} bytes, more than "
            f"its {info.compress_size} stored bytes can hold."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> np.ndarray:
    name = info.filename
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(
                f"{shown}: member {name!r} is a .npy file of version {version}, which glassnet "
                "never writes."
            )
        if dtype.kind not in _KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise ValueError(
                f"{shown} is not a glassnet model file: member {name!r} holds values of type "
                f"{dtype} (objects, text, complex numbers or records), glassnet stores real "
                "numbers only."
            )
        if len(shape) > MAX_DIMENSIONS:
            raise ValueError(
                f"{shown}: member {name!r} declares {len(shape)} dimensions, more than "
                f"{MAX_DIMENSIONS}. Damaged?"
            )
        if any(n < 0 for n in shape):
            raise ValueError(f"{shown}: member {name!r} declares the shape {shape}: damaged.")
        count = 1
        for n in shape:
            count *= n  # a Python int: no overflow
        nbytes = count * dtype.itemsize
        available = info.file_size - stream.tell()
        if nbytes != available:
            raise ValueError(
                f"{shown}: member {name!r} declares shape {shape} of {dtype} ({nbytes} bytes), "
                f"but holds {available} bytes of data: truncated or damaged."
            )
        buffer = bytearray(nbytes)  # at most what the archive holds (checked above)
        view = memoryview(buffer)
        filled = 0
        while filled < nbytes:
            got = cast("io.BufferedIOBase", stream).readinto(view[filled:])  # a ZipExtFile
            if not got:
                raise ValueError(
                    f"{shown}: member {name!r} ends after {filled} of its {nbytes} bytes: "
                    "truncated."
                )
            filled += got
        if stream.read(1):  # also makes zipfile check the CRC at the end
            raise ValueError(f"{shown}: member {name!r} has bytes after its array: damaged.")
    array = np.frombuffer(buffer, dtype=dtype, count=count)
    return array.reshape(shape, order="F" if fortran else "C")


def text_array(text: str) -> np.ndarray:
    """`text` as the uint8 array of its UTF-8 bytes, to store in an .npz archive.

    >>> text_array("ok")
    array([111, 107], dtype=uint8)
    """
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
