"""Find a data set's files on disk, or download them, verified and atomically, into the cache.

Search order, first folder holding every file wins:

1. an explicit folder (`path=`): the only place looked at when given;
2. `$GLASSNET_DATA_DIR/<name>/`;
3. the user cache, `$XDG_CACHE_HOME/glassnet/<name>/` (default `~/.cache/glassnet/<name>/`);
4. system folders such as Debian's `/usr/share/datasets/<name>/`;
5. a download from the mirrors into the cache.

A download goes to a hidden temporary file in the cache folder, is checked against the
known SHA-256 sums and renamed only when every file of the set has arrived intact; a
failure deletes the temporary files, so the cache is left exactly as it was, and the
temporary files of a download that was killed are removed by the next one. `timeout`
is how long a mirror may keep silent (to connect, or while sending) before the next is
tried; a caller with something else to fall back on passes a short one.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from glassnet._internal.files import create_locked, locked_folder, remove_stale, temporary_name
from glassnet.datasets.idx import read_idx

TIMEOUT = 30.0  # seconds without data before a mirror is given up
_BLOCK = 1 << 16


@dataclass
class RemoteDataset:
    """Where a data set of IDX files lives and how to recognise its files.

    Attributes:
        name: folder name in the cache and the data dir ("fashion-mnist").
        title: human name for messages ("Fashion-MNIST").
        files: file names, (train images, train labels, test images, test labels).
        sha256: file name -> accepted SHA-256 sums of the downloaded (gzipped) file.
        mirrors: base URLs tried in order; each file is `mirror + file name`.
        mirrors_env: environment variable that overrides `mirrors` (comma-separated).
        system_dirs: read-only folders searched after the cache (distribution packages).
        n_classes: labels must lie in [0, n_classes).
        hint: extra advice printed when nothing is found and the download fails, or when
            a file fails `verify`.
    """

    name: str
    title: str
    files: tuple[str, str, str, str]
    sha256: Mapping[str, Sequence[str]]
    mirrors: Sequence[str]
    mirrors_env: str
    system_dirs: Sequence[str] = field(default_factory=tuple)
    n_classes: int = 10
    hint: str = ""


def cache_root() -> Path:
    """The user cache of glassnet: `$XDG_CACHE_HOME/glassnet` or `~/.cache/glassnet`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glassnet"


def load(
    spec: RemoteDataset,
    path: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] | str | None = None,
    progress: bool | None = None,
    timeout: float = TIMEOUT,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Locate (or download) and read the four IDX files of `spec`, Keras-shaped."""
    folder = locate(
        spec, path, cache_dir=cache_dir, mirrors=mirrors, progress=progress, timeout=timeout
    )
    return read(spec, folder, cache=None if path is not None else _cache(spec, cache_dir))


def read(
    spec: RemoteDataset, folder: Path, *, cache: Path | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read and check the four IDX files of `spec` in `folder`, Keras-shaped.

    `cache` is glassnet's download folder: a damaged file found there is explained as such.
    """
    arrays = []
    for name in spec.files:
        try:
            arrays.append(read_idx(_file_in(folder, name) or folder / name))
        except ValueError as error:
            if cache is not None and folder.resolve() == cache.resolve():
                raise ValueError(
                    f"{error} It is in glassnet's cache: delete it and it will be downloaded again."
                ) from None
            raise
    return _check_pair(spec, arrays[0], arrays[1], "train"), _check_pair(
        spec, arrays[2], arrays[3], "test"
    )


def verify(spec: RemoteDataset, folder: Path, names: Sequence[str] | None = None) -> None:
    """Check that each file `names` (default: `spec.files`) in `folder` has a known SHA-256.

    Raises:
        FileNotFoundError: a file is missing.
        ValueError: a file's SHA-256 is not one of `spec.sha256[name]`.
    """
    for name in spec.files if names is None else names:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"{spec.title} file {str(path)!r} is missing.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        expected = {h.lower() for h in spec.sha256.get(name, ())}
        if digest not in expected:
            raise ValueError(
                f"{spec.title} file {str(path)!r} has SHA-256 {digest}, expected "
                f"{' or '.join(sorted(expected)) or 'a known sum'}: it is damaged or not the "
                f"original.{' ' + spec.hint if spec.hint else ''}"
            )


def _cache(spec: RemoteDataset, cache_dir: str | os.PathLike | None) -> Path:
    """The download folder of `spec`: `cache_dir`, else the user cache's `<name>/`."""
    return Path(cache_dir).expanduser() if cache_dir is not None else cache_root() / spec.name


def locate(
    spec: RemoteDataset,
    path: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] | str | None = None,
    progress: bool | None = None,
    timeout: float = TIMEOUT,
) -> Path:
    """The folder holding all files of `spec`, downloading them into the cache if needed."""
    if path is not None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"path={str(path)!r} is not a folder; expected a folder holding the "
                f"{spec.title} files {', '.join(spec.files)}."
            )
        missing = [name for name in spec.files if _file_in(folder, name) is None]
        if missing:
            raise FileNotFoundError(
                f"path={str(path)!r} lacks the {spec.title} file(s) {', '.join(missing)} "
                "(gzipped or not)."
            )
        return folder
    cache = _cache(spec, cache_dir)
    candidates = []
    data_dir = os.environ.get("GLASSNET_DATA_DIR")
    if data_dir:
        candidates.append(Path(data_dir).expanduser() / spec.name)
    candidates.append(cache)
    candidates.extend(Path(d) for d in spec.system_dirs)
    for folder in candidates:
        if folder.is_dir() and all(_file_in(folder, name) for name in spec.files):
            return folder
    try:
        download(spec, cache, mirrors=mirrors, progress=progress, timeout=timeout)
    except OSError as error:
        looked = ", ".join(str(c) for c in candidates)
        raise OSError(
            f"{spec.title} was not found (looked in {looked}) and could not be downloaded: "
            f"{error}.{' ' + spec.hint if spec.hint else ''}"
        ) from error
    return cache


def _file_in(folder: Path, name: str) -> Path | None:
    """`folder/name`, or the same file without its ".gz" suffix, if either exists."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _check_pair(
    spec: RemoteDataset, images: np.ndarray, labels: np.ndarray, part: str
) -> tuple[np.ndarray, np.ndarray]:
    """Check that images and labels of one part belong together."""
    if images.ndim != 3 or labels.ndim != 1:
        raise ValueError(
            f"{spec.title} {part} files hold arrays of shapes {images.shape} and {labels.shape}; "
            "expected (samples, rows, columns) images and (samples,) labels."
        )
    if len(images) != len(labels):
        raise ValueError(
            f"{spec.title} {part} files disagree: {len(images)} images but {len(labels)} labels."
        )
    if labels.size and int(labels.max()) >= spec.n_classes:
        raise ValueError(
            f"{spec.title} {part} labels must lie in [0, {spec.n_classes - 1}], "
            f"found {int(labels.max())}."
        )
    return images, labels


def mirror_list(spec: RemoteDataset, mirrors: Sequence[str] | str | None) -> list[str]:
    """The base URLs to try: the argument, else the environment variable, else the defaults."""
    if mirrors is None:
        mirrors = os.environ.get(spec.mirrors_env) or list(spec.mirrors)
    if isinstance(mirrors, str):
        mirrors = [m for m in mirrors.replace(",", " ").split() if m]
    mirrors = [m if m.endswith("/") else m + "/" for m in mirrors]
    if not mirrors:
        raise ValueError(f"mirrors must name at least one base URL, got {mirrors!r}.")
    return mirrors


def download(
    spec: RemoteDataset,
    folder: str | os.PathLike,
    *,
    mirrors: Sequence[str] | str | None = None,
    progress: bool | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Download every file of `spec` missing from `folder`, all verified, or none at all.

    Each file is tried on each mirror in turn. Files are kept under temporary names until
    the whole set is verified, then renamed; on any failure the temporary files (and the
    folder, if this call created it) are removed. Temporary files left in `folder` by a
    download that was killed are removed first (a download holds a lock on the folder).
    """
    folder = Path(folder)
    bases = mirror_list(spec, mirrors)
    created = [p for p in (folder, *folder.parents) if not p.exists()]  # deepest first
    folder.mkdir(parents=True, exist_ok=True)
    done: dict[str, Path] = {}
    try:
        # Downloads into one folder take turns, so a temporary file found here while the
        # lock is held was left by a download that was killed: it is removed, never reused.
        with locked_folder(folder):
            for name in spec.files:
                remove_stale(folder / name)
            todo = [name for name in spec.files if _file_in(folder, name) is None]
            for name in todo:
                done[name] = _fetch_one(spec, name, folder, bases, progress, timeout)
            for name, tmp in done.items():
                os.replace(tmp, folder / name)
    finally:
        for tmp in done.values():
            tmp.unlink(missing_ok=True)
        for made in created:  # remove the folders this call created, if left empty
            try:
                made.rmdir()
            except OSError:
                break


def _fetch_one(
    spec: RemoteDataset,
    name: str,
    folder: Path,
    bases: list[str],
    progress: bool | None,
    timeout: float,
) -> Path:
    """Download `name` to a temporary file in `folder`; return it once its SHA-256 matches."""
    expected = {h.lower() for h in spec.sha256.get(name, ())}
    if not expected:
        raise ValueError(f"No SHA-256 is known for {spec.title} file {name}; refusing to download.")
    failures = []
    for base in bases:
        url = base + name
        tmp = temporary_name(folder / name)
        try:
            digest = _stream_to(url, tmp, progress, timeout)
        except (OSError, ValueError, http.client.HTTPException) as error:  # incl. short reads
            tmp.unlink(missing_ok=True)
            failures.append(f"{url}: {_reason(error)}")
            continue
        if digest in expected:
            return tmp
        tmp.unlink(missing_ok=True)
        failures.append(
            f"{url}: SHA-256 mismatch (got {digest}, expected {' or '.join(sorted(expected))}); "
            "the file is corrupted or not the official one"
        )
    raise OSError(f"downloading {name} failed: " + "; ".join(failures))


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__


def _stream_to(url: str, target: Path, progress: bool | None, timeout: float) -> str:
    """Copy `url` to `target`, showing a progress bar; return the SHA-256 of the bytes.

    `timeout`: seconds the mirror may stay silent, to connect or between blocks of data.
    """
    sha = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        show = _interactive() if progress is None else progress
        bar = _Bar(url, total) if show else None
        try:
            with create_locked(target) as out:
                while block := response.read(_BLOCK):
                    out.write(block)
                    sha.update(block)
                    received += len(block)
                    if bar:
                        bar.advance(len(block))
        finally:
            if bar:
                bar.close()
    if total is not None and received != total:
        raise ValueError(f"truncated download: {received} of {total} bytes received")
    return sha.hexdigest()


def _interactive() -> bool:
    """True in a terminal or a notebook, where a progress bar can be seen."""
    from glassnet._internal.console import make_console

    console = make_console(stderr=True)
    return console.is_terminal or console.is_jupyter


class _Bar:
    """A rich progress bar on stderr: bytes, rate and time left."""

    def __init__(self, url: str, total: int | None) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        from glassnet._internal.console import make_console

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=make_console(stderr=True),
        )
        self._progress.start()
        self._task = self._progress.add_task(f"Downloading {url.rsplit('/', 1)[-1]}", total=total)

    def advance(self, n: int) -> None:
        self._progress.update(self._task, advance=n)

    def close(self) -> None:
        self._progress.stop()


def file_digest(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """The hex digest of the file at `path`, by "sha256" or "md5", read in blocks.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> file_digest(path, "md5")
    '900150983cd24fb0d6963f7d28e17f72'
    """
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            hasher.update(block)
    return hasher.hexdigest()


def download_file(
    url: str,
    target: str | os.PathLike,
    *,
    file_hash: str | None = None,
    algorithm: str = "sha256",
    progress: bool | None = None,
    timeout: float = TIMEOUT,
) -> Path:
    """Download `url` to `target`, atomically, checked against `file_hash` if one is given.

    The bytes go to a hidden temporary file beside `target` (leftovers of an earlier
    killed download are removed first) and become `target` only once complete and
    verified, so `target` is never half a file; an existing `target` is replaced.

    Args:
        url: what to download (http, https or file).
        target: where the file goes; its folder is created.
        file_hash: the expected hex digest, or None not to check.
        algorithm: "sha256" or "md5", the digest `file_hash` is.
        progress: show a progress bar; None: in a terminal or a notebook.
        timeout: seconds the server may stay silent.

    Raises:
        OSError: the download failed (the message names the URL and why).
        ValueError: the file's digest is not `file_hash` (it was not kept).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_bytes(b"abc")
    >>> path = download_file((folder / "a.txt").as_uri(), folder / "b.txt", algorithm="md5",
    ...                      file_hash="900150983cd24fb0d6963f7d28e17f72")
    >>> path.read_bytes()
    b'abc'
    """
    from glassnet._internal.files import remove_stale

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    tmp = temporary_name(target)
    try:
        try:
            sha256 = _stream_to(url, tmp, progress, timeout)
        except (OSError, ValueError, http.client.HTTPException) as error:  # incl. short reads
            raise OSError(f"downloading {url} failed: {_reason(error)}") from error
        if file_hash is not None:
            digest = sha256 if algorithm == "sha256" else file_digest(tmp, algorithm)
            if digest != file_hash.lower():
                raise ValueError(
                    f"the file downloaded from {url} has {algorithm} {digest}, expected "
                    f"{file_hash.lower()}: it is corrupted or not the expected file, and was "
                    "not kept."
                )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
