"""Utilities, as `keras.utils`: seeding, `to_categorical`, `get_file`.

Seeding: one seed makes everything that follows repeatable. glassnet never uses NumPy's
global random state. Whatever is random (weight initialisation, shuffling, dropout)
draws from a Generator spawned from one root `SeedSequence`, which `set_random_seed`
resets.

>>> set_random_seed(42)
>>> a = new_rng().random()
>>> set_random_seed(42)
>>> a == float(new_rng().random())
True
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet._internal.checks import check_int, check_one_of, check_seed, describe

__all__ = ["get_file", "new_rng", "set_random_seed", "to_categorical"]

_root = np.random.SeedSequence()


def set_random_seed(seed: int) -> None:
    """Make every random draw that follows repeatable.

    Args:
        seed: an integer from 0 to 2**32 - 1 (as `keras.utils.set_random_seed`).

    Raises:
        TypeError: `seed` is not an integer.
        ValueError: `seed` is outside that range.

    >>> set_random_seed(0)
    """
    global _root
    _root = np.random.SeedSequence(check_seed("seed", seed))


def new_rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A Generator: from `seed` if one is given, else the next child of the root sequence.

    Args:
        seed: an int, a Generator (returned as it is) or None.

    >>> bool(new_rng(3).integers(10) == new_rng(3).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None:
        return np.random.default_rng(check_seed("seed", seed))
    return np.random.default_rng(_root.spawn(1)[0])


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot rows from integer class labels, as `keras.utils.to_categorical`.

    A trailing axis of length 1 is dropped first, so labels shaped (n,) or (n, 1) both
    give (n, num_classes); any other shape gains a last axis of `num_classes`. The result
    is float64, as Keras's for NumPy input.

    Args:
        x: class labels, integers in [0, num_classes) (floats with integral values,
            such as 2.0, are accepted).
        num_classes: the number of classes; None: the largest label + 1.

    Returns:
        An array of 0.0 and 1.0 shaped `(*labels_shape, num_classes)`.

    Raises:
        TypeError: `x` is not numeric, or `num_classes` not an integer.
        ValueError: a label is negative, not a whole number, or >= `num_classes`.

    >>> to_categorical([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    labels = np.asarray(x)
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"x must hold integer class labels, got {describe(labels)}.")
    if labels.dtype.kind == "f":
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            bad = labels[~whole].flat[0]
            raise ValueError(f"x must hold whole-number class labels, found {bad}.")
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    flat = labels.reshape(-1).astype(np.int64)
    if flat.size and flat.min() < 0:
        raise ValueError(f"class labels must be >= 0, found {int(flat.min())}.")
    if num_classes is None:
        if not flat.size:
            raise ValueError("x holds no labels: pass num_classes to one-hot an empty array.")
        num_classes = int(flat.max()) + 1
    else:
        num_classes = check_int("num_classes", num_classes, minimum=1)
        if flat.size and flat.max() >= num_classes:
            raise ValueError(
                f"class labels must be < num_classes={num_classes}, found {int(flat.max())}."
            )
    categorical = np.zeros((flat.size, num_classes))  # (samples, num_classes)
    categorical[np.arange(flat.size), flat] = 1.0
    return categorical.reshape((*shape, num_classes))


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | None = "auto",
    cache_dir: str | os.PathLike[str] | None = None,
    force_download: bool = False,
) -> str:
    """Download a file from a URL unless it is in the cache, as `keras.utils.get_file`.

    The file goes to `cache_dir/cache_subdir/fname`; `cache_dir` defaults to glassnet's
    cache (`$XDG_CACHE_HOME/glassnet`, else `~/.cache/glassnet`), where Keras's is
    `~/.keras`. A cached file is used as it is, unless `force_download`, or `file_hash`
    is given and the file does not match it (then it is downloaded again). The download
    is atomic: a temporary file beside the target becomes it only when complete and
    verified, so an interrupted download never leaves half a file under its name.

    Args:
        fname: the file's name in the cache; None: the last part of the URL. With
            `extract`, a name without a dot names the folder extracted into.
        origin: the URL.
        untar: Keras's older form of `extract=True, archive_format="tar"`.
        md5_hash: Keras's older form of `file_hash` with `hash_algorithm="md5"`.
        file_hash: the expected SHA-256 or MD5 hex digest; None: no check.
        cache_subdir: the folder under `cache_dir` (an absolute path is used as it is).
        hash_algorithm: "sha256", "md5" or "auto" (64 hex digits: SHA-256, else MD5).
        extract: extract the archive (tar, tar.gz, tar.bz2, zip) and return its folder.
        archive_format: "auto" (tar or zip), "tar", "zip" or None.
        cache_dir: the cache's root folder.
        force_download: download even if the file is in the cache.

    Returns:
        The path of the file, or with `extract` of the folder it was extracted into.

    Raises:
        OSError: the download failed (the message names the URL).
        ValueError: a bad argument, a file that does not match `file_hash`, or an
            archive that is none of `archive_format`.

    >>> import pathlib, tempfile
    >>> served = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = served.write_text("x,y\\n1,2\\n")
    >>> path = get_file(origin=served.as_uri(), cache_dir=served.parent / "cache")
    Downloading data from file://...
    >>> pathlib.Path(path).read_text()
    'x,y\\n1,2\\n'
    """
    from glassnet._internal.files import atomic_folder
    from glassnet.datasets._fetch import cache_root, download_file, file_digest

    if origin is None:
        raise ValueError("get_file needs origin=, the URL of the file to download.")
    if not isinstance(origin, str):
        raise TypeError(f"origin must be a URL (str), got {describe(origin)}.")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _hash_algorithm(hash_algorithm, file_hash)
    folder = os.path.join(os.path.expanduser(cache_dir or cache_root()), cache_subdir)
    given = fname is not None
    fname = os.fspath(fname) if fname is not None else _name_in_url(origin)
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            f"fname must be a file name, not a path, got {fname!r}: give its folder as "
            "cache_dir (or cache_subdir)."
        )
    extract = extract or untar
    if untar:
        archive_format = "tar"
    target, extracted = os.path.join(folder, fname), None
    if extract:
        if given and "." in fname:
            extracted = os.path.join(folder, f"{fname[: fname.find('.')]}_extracted")
        else:
            target, extracted = os.path.join(folder, f"{fname}_archive"), target

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and file_digest(target, algorithm) != file_hash:
        print(
            f"A local file was found, but it seems to be incomplete or outdated because the "
            f"{algorithm} file hash does not match the original value of {file_hash} so we "
            "will re-download the data."
        )
        download = True
    if download:
        print(f"Downloading data from {origin}")
        download_file(origin, target, file_hash=file_hash, algorithm=algorithm)
    if extracted is None:
        return target
    if download or not os.path.isdir(extracted):
        with atomic_folder(extracted, overwrite=True) as work:
            _extract(target, work, archive_format)
    return extracted


def _hash_algorithm(hash_algorithm: str, file_hash: str | None) -> str:
    """ "sha256" or "md5", as Keras: "auto" means SHA-256 for a 64-digit hash."""
    algorithm = check_one_of("hash_algorithm", hash_algorithm, ["auto", "sha256", "md5"])
    if file_hash is not None:
        if not isinstance(file_hash, str):
            raise TypeError(f"file_hash must be a hex digest (str), got {describe(file_hash)}.")
        file_hash = file_hash.lower()
    if algorithm == "auto":
        return "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"
    return algorithm


def _name_in_url(origin: str) -> str:
    import urllib.parse

    name = os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(f"No file name in origin={origin!r}: pass fname=.")
    return name


def _extract(archive: str, folder: os.PathLike[str], archive_format: str | None) -> None:
    """Extract `archive` (tar or zip, as `archive_format` allows) into `folder`."""
    import tarfile
    import zipfile

    formats = {"auto": ["tar", "zip"], "tar": ["tar"], "zip": ["zip"], None: []}
    if archive_format not in formats:
        raise ValueError(
            f"archive_format must be 'auto', 'tar', 'zip' or None, got {archive_format!r}."
        )
    for kind in formats[archive_format]:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")  # no paths outside folder, no devices
            return
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(folder)  # zipfile drops ".." and absolute paths
            return
    raise ValueError(
        f"{archive} is not an archive of the formats {formats[archive_format] or 'none'} "
        f"(archive_format={archive_format!r}); it was downloaded but not extracted."
    )


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
