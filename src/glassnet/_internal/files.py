"""Write a file or a folder completely or not at all.

Everything is written under a hidden temporary name beside its final place and renamed
when complete (a rename within one folder is atomic), so an interrupted or failed write
never leaves a half-written file or folder behind.

- `atomic_write(path)`: a binary file that replaces `path` when the block finishes;
- `temporary_folder(path)` and `move_into_place(work, path)`: a folder filled under a
  temporary name, then renamed to `path`;
- `temporary_name(path)`: a fresh hidden name beside `path`, for writers of their own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write", "move_into_place", "temporary_folder", "temporary_name"]


def temporary_name(path: str | os.PathLike) -> Path:
    """A fresh hidden name beside `path` ("`.name.1a2b3c4d.part`").

    >>> temporary_name("runs/model.glassnet").name.startswith(".model.glassnet.")
    True
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces `path` only if the block finishes without error.

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


def temporary_folder(path: str | os.PathLike) -> Path:
    """A new, empty hidden folder beside `path`, to fill and then `move_into_place`.

    Its parent folders are created; it gets the permissions of an ordinary folder
    (`tempfile.mkdtemp` alone makes it private to its owner).

    >>> work = temporary_folder(Path(tempfile.mkdtemp()) / "run")
    >>> work.name.startswith(".run."), list(work.iterdir())
    (True, [])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent))
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    return work


def move_into_place(work: str | os.PathLike, path: str | os.PathLike, overwrite: bool) -> None:
    """Rename the folder `work` to `path`.

    An empty folder at `path` is simply replaced. A folder with files in it is replaced
    only with `overwrite=True`, and deleted once `work` stands in its place.

    Raises:
        FileExistsError: `path` holds files and `overwrite` is False.

    >>> parent = Path(tempfile.mkdtemp())
    >>> work = temporary_folder(parent / "run")
    >>> _ = (work / "a.txt").write_text("ok")
    >>> move_into_place(work, parent / "run", overwrite=False)
    >>> (parent / "run" / "a.txt").read_text()
    'ok'
    """
    work, path = Path(work), Path(path)
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()
    if not path.exists():
        os.replace(work, path)
        return
    if not overwrite:
        raise FileExistsError(f"{path} already exists; choose another folder.")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    os.replace(path, old)
    os.replace(work, path)
    shutil.rmtree(old, ignore_errors=True)
