"""Write a file completely or not at all: a temporary name in the same folder, then rename."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def temporary_name(path: Path) -> Path:
    """A fresh hidden name beside `path` ("`.name.1a2b3c4d.part`")."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces `path` only if the block finishes without error.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.bin"
    >>> with atomic_write(target) as f:
    ...     _ = f.write(b"ok")
    >>> target.read_bytes()
    b'ok'
    """
    path = Path(path)
    tmp = temporary_name(path)
    try:
        with open(tmp, "xb") as handle:
            yield handle
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
