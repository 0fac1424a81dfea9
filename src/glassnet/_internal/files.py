"""Write a file or a folder completely or not at all, and clean up after a crash.

Everything is written under a hidden temporary name beside its final place, flushed to
disk and renamed when complete (a rename within one folder is atomic), so an interrupted
or failed write never leaves a half-written file or folder in its place:

- `atomic_write(path)`: a binary file that replaces `path` when the block finishes;
- `atomic_folder(path)`: a folder filled under a temporary name, then renamed to `path`;
- `temporary_name(path)`: a fresh hidden name beside `path`, for writers of their own;
- `create_locked(path)`, `sync_file(handle)`, `sync_folder(folder)`, `locked_folder(folder)`:
  the pieces, for writers that commit in several steps (a model saved as a folder).

A process killed mid-write (`kill -9`, a power cut) leaves its temporary file behind. Each
writer holds an advisory lock on its temporary file or folder while it works, so the next
write to the same place can tell a leftover from a write in progress: `remove_stale(path)`,
which every writer here calls first, deletes glassnet's own leftovers for `path` (names
`.NAME.<hex>.part`, and `.NAME.old-<pid>` once NAME stands again), never anything else.

Errors name the user's path, not the hidden temporary one: a read-only folder gives
`[Errno 30] Read-only file system: 'runs/model.glassnet'`.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

try:  # POSIX; on Windows an open file cannot be deleted, which protects it as well
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "atomic_folder",
    "atomic_write",
    "create_locked",
    "locked_folder",
    "move_into_place",
    "remove_stale",
    "rename_in_error",
    "sync_file",
    "sync_folder",
    "temporary_name",
]

# Without locks (Windows), a leftover is removed only once it is this old (seconds).
_UNLOCKED_STALE_AGE = 3600.0


def temporary_name(path: str | os.PathLike[str], token: str | None = None) -> Path:
    """A fresh hidden name beside `path` ("`.name.1a2b3c4d.part`"), or the one of `token`.

    >>> temporary_name("runs/model.glassnet").name.startswith(".model.glassnet.")
    True
    >>> temporary_name("m/weights.npz", "00ff00ff00ff00ff").name
    '.weights.npz.00ff00ff00ff00ff.part'
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{token or secrets.token_hex(4)}.part")


def _temporary_pattern(name: str) -> re.Pattern[str]:
    # Hex tokens are glassnet's (`temporary_name`); folders made by tempfile.mkdtemp (before
    # December 2026) have 8 characters of [a-z0-9_]. `.old-<pid>` is move_into_place's.
    return re.compile(
        rf"\.{re.escape(name)}\.(?:(?:(?P<hex>[0-9a-f]{{8}}|[0-9a-f]{{16}})|(?P<mkdtemp>[a-z0-9_]{{8}}))"
        rf"\.part|old-(?P<pid>\d+))"
    )


# -- locks ------------------------------------------------------------------------------
def _try_lock(fd: int) -> bool | None:
    """Lock `fd` exclusively without waiting: True if locked, False if someone holds it,
    None if this file system or platform cannot tell."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # e.g. ENOLCK on a network file system
        return None
    return True


def create_locked(path: str | os.PathLike[str]) -> BinaryIO:
    """Create the new file `path` and hold a lock on it until it is closed.

    The lock tells `remove_stale` that the file is being written. (If another writer's
    `remove_stale` removed the file in the instant between its creation and the lock, it
    is created again.)

    Raises:
        FileExistsError: `path` exists.
    """
    path = Path(path)
    for attempt in range(100):
        try:
            handle = open(path, "xb")
        except FileExistsError:
            if attempt == 0:
                raise
            time.sleep(0.001)  # a cleaner that took the previous try is removing it
            continue
        if _try_lock(handle.fileno()) is not False:
            with contextlib.suppress(OSError):
                if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                    return handle
        handle.close()
    raise OSError(f"cannot create {str(path)!r}: it keeps being removed.")  # pragma: no cover


def _lock_folder(folder: Path, shared: bool) -> int | None:
    """An open descriptor of `folder`, locked (waiting for it), or None without locks."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
    except OSError:  # the file system has no locks: carry on without
        pass
    return fd


@contextlib.contextmanager
def locked_folder(folder: str | os.PathLike[str], shared: bool = False) -> Iterator[Path]:
    """Hold a lock on `folder` (which must exist) while the block runs.

    Writers take it exclusively (`shared=False`): two processes saving into the same
    folder take turns, and a leftover found inside while the lock is held is a leftover.
    Readers take it shared: they never read between a writer's steps.

    >>> import tempfile
    >>> with locked_folder(tempfile.mkdtemp()) as folder:
    ...     folder.is_dir()
    True
    """
    folder = Path(folder)
    fd = _lock_folder(folder, shared)
    try:
        yield folder
    finally:
        if fd is not None:
            os.close(fd)


def sync_file(handle: BinaryIO) -> None:
    """Flush `handle` to the disk, so a rename after it never points at missing data."""
    handle.flush()
    os.fsync(handle.fileno())


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush `folder`'s entries (renames) to the disk, where the platform allows it."""
    with contextlib.suppress(OSError):  # Windows and some file systems can't open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- removing leftovers ----------------------------------------------------------------------
def remove_stale(path: str | os.PathLike[str]) -> list[Path]:
    """Delete glassnet's leftover temporary files and folders for `path`; return them.

    Only names glassnet makes for `path` are considered (`.NAME.<hex>.part` beside it, and
    `.NAME.old-<pid>` once `path` exists again); of those, only ones no running writer
    holds a lock on. Anything that can't be removed is left, silently: cleaning is a
    courtesy, never a reason for a save to fail.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".m.glassnet.0123abcd.part").write_bytes(b"half a model")
    >>> _ = (folder / ".m.glassnet.notes.txt").write_bytes(b"the user's")
    >>> [p.name for p in remove_stale(folder / "m.glassnet")], sorted(os.listdir(folder))
    (['.m.glassnet.0123abcd.part'], ['.m.glassnet.notes.txt'])
    """
    path = Path(path)
    pattern = _temporary_pattern(path.name)
    try:
        names = sorted(os.listdir(path.parent or "."))
    except OSError:
        return []
    removed = []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        candidate = path.parent / name
        if match["pid"] is not None and not path.exists():
            continue  # the folder it replaced is all there is: keep it
        with contextlib.suppress(OSError):
            if _remove_if_unused(candidate, folders_only=match["mkdtemp"] is not None):
                removed.append(candidate)
    return removed


def _remove_if_unused(candidate: Path, folders_only: bool = False) -> bool:
    info = os.lstat(candidate)
    if stat.S_ISLNK(info.st_mode):
        return False  # glassnet never makes links: not ours
    if folders_only and not stat.S_ISDIR(info.st_mode):
        return False  # only glassnet's older temporary folders had such names
    fd = os.open(candidate, os.O_RDONLY)
    try:
        locked = _try_lock(fd)
        if locked is False:
            return False  # a writer is at work
        if locked is None and time.time() - info.st_mtime < _UNLOCKED_STALE_AGE:
            return False  # can't tell: wait until it is surely abandoned
        if os.lstat(candidate).st_ino != os.fstat(fd).st_ino:
            return False  # renamed or replaced meanwhile
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(candidate)
        else:
            os.unlink(candidate)
        return True
    finally:
        os.close(fd)


# -- errors ---------------------------------------------------------------------------------
def rename_in_error(error: OSError, temporary: Path, path: Path) -> OSError:
    """`error` with `temporary` (or a file inside it) replaced by `path` in its file name,
    and `path` filled in when the error names no file (a full disk): the user's name.

    >>> rename_in_error(OSError(28, "No space left on device"), Path(".a.part"), Path("a")).filename
    'a'
    >>> str(rename_in_error(PermissionError(13, "Permission denied", ".r.1a2b3c4d.part/x.csv"),
    ...                     Path(".r.1a2b3c4d.part"), Path("r")))
    "[Errno 13] Permission denied: 'r/x.csv'"
    """
    if error.errno is None:
        return error
    name = error.filename
    if name is None:
        shown = str(path)
    else:
        name = os.fspath(name)
        text, hidden = str(name), str(temporary)
        if text == hidden:
            shown = str(path)
        elif text.startswith(hidden + os.sep):
            shown = str(path) + text[len(hidden) :]
        else:
            return error
    renamed = type(error)(error.errno, error.strerror, shown)
    renamed.__traceback__ = error.__traceback__
    return renamed


# -- writers ---------------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces `path` only if the block finishes without error.

    The data is flushed to the disk before the rename. Leftovers of earlier interrupted
    writes to `path` are removed first (`remove_stale`).

    Raises:
        OSError: writing failed (the message names `path`); `path` is unchanged.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "a.bin"
    >>> with atomic_write(target) as f:
    ...     _ = f.write(b"ok")
    >>> target.read_bytes()
    b'ok'
    """
    path = Path(path)
    remove_stale(path)
    tmp = temporary_name(path)
    try:
        with create_locked(tmp) as handle:
            yield handle
            sync_file(handle)
            os.replace(tmp, path)  # still locked: no cleaner can take it first
    except OSError as error:
        raise rename_in_error(error, tmp, path) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _new_folder(path: Path) -> tuple[Path, int | None]:
    """A new, empty hidden folder beside `path`, locked; with ordinary permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        work = temporary_name(path)
        try:
            work.mkdir()  # mode 0o777 & ~umask, like any folder (mkdtemp's would be 0o700)
        except FileExistsError:  # pragma: no cover - 2**32 names
            continue
        except OSError as error:  # read-only, permission denied: say so about `path`
            raise rename_in_error(error, work, path) from None
        fd = None
        if fcntl is not None:
            fd = os.open(work, os.O_RDONLY)
            _try_lock(fd)
        return work, fd
    raise FileExistsError(f"cannot create a temporary folder beside {path}.")  # pragma: no cover


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a new hidden folder beside `path`; it becomes `path` when the block finishes.

    On an error (or Ctrl-C) in the block the folder is deleted and `path` is unchanged.
    Parent folders are created; leftovers of interrupted writes are removed first.

    Args:
        path: the folder to create, or to replace (see `move_into_place`).
        overwrite: replace a `path` that holds files.

    Raises:
        FileExistsError: `path` holds files and `overwrite` is False.
        OSError: creating or renaming failed (the message names `path`).

    >>> import tempfile
    >>> parent = Path(tempfile.mkdtemp())
    >>> with atomic_folder(parent / "run") as work:
    ...     _ = (work / "a.txt").write_text("ok")
    >>> (parent / "run" / "a.txt").read_text(), os.listdir(parent)
    ('ok', ['run'])
    """
    path = Path(path)
    work = temporary_name(path)
    fd = None
    try:
        remove_stale(path)
        work, fd = _new_folder(path)
        try:
            yield work
            move_into_place(work, path, overwrite)
            remove_stale(path)  # e.g. a folder replaced by an earlier, interrupted write
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    except OSError as error:
        raise rename_in_error(error, work, path) from None
    finally:
        if fd is not None:
            os.close(fd)


def move_into_place(
    work: str | os.PathLike[str], path: str | os.PathLike[str], overwrite: bool
) -> None:
    """Rename the folder `work` to `path`.

    An empty folder at `path` is simply replaced. A folder with files in it is replaced
    only with `overwrite=True`: it is renamed to `.NAME.old-<pid>`, `work` takes its
    place, and it is deleted (a crash in between leaves it there, and the next write to
    `path` removes it).

    Raises:
        FileExistsError: `path` holds files and `overwrite` is False.

    >>> import tempfile
    >>> parent = Path(tempfile.mkdtemp())
    >>> work = parent / ".run.0000aaaa.part"; work.mkdir()
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
        sync_folder(path.parent)
        return
    if not overwrite:
        raise FileExistsError(f"{path} already exists; choose another folder.")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    if old.exists():
        shutil.rmtree(old)
    os.replace(path, old)
    os.replace(work, path)
    sync_folder(path.parent)
    shutil.rmtree(old, ignore_errors=True)
