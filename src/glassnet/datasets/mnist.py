"""MNIST: 70,000 greyscale 28 x 28 images of handwritten digits 0-9 (LeCun, Cortes, Burges).

`load_data()` returns the arrays shaped as `tf.keras.datasets.mnist.load_data()` does. The
four IDX files are looked for in the folder `path=`, then `$GLASSNET_DATA_DIR/mnist/`, then
the user cache `~/.cache/glassnet/mnist/`; failing those they are downloaded into the cache
from the mirrors TensorFlow and torchvision use (SHA-256 verified, written atomically).
`mirrors=` or `$GLASSNET_MNIST_MIRRORS` (comma-separated base URLs) replaces the mirror list.
There is no Debian package for MNIST.

>>> class_names[:3]
['0', '1', '2']
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from glassnet.datasets import _fetch

__all__ = ["class_names", "load_data"]

class_names = [str(digit) for digit in range(10)]

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

# SHA-256 of the gzipped files as published on yann.lecun.com and copied unchanged to the
# mirrors below (their MD5s are torchvision's f68b3c2d..., d53e105e..., 9fb629c4...,
# ec29112d...). These sums were not recomputed here (no network); they are the ones
# several independent projects pin (tensorflow-datasets users, torch.rb, Go and Rust
# MNIST loaders), all agreeing.
SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}

MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # torchvision's
)

DATASET = _fetch.RemoteDataset(
    name="mnist",
    title="MNIST",
    files=FILES,
    sha256=SHA256,
    mirrors=MIRRORS,
    mirrors_env="GLASSNET_MNIST_MIRRORS",
    hint="Download the four files by hand into ~/.cache/glassnet/mnist/ or pass path=FOLDER.",
)


def load_data(
    path: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] | str | None = None,
    progress: bool | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST as Keras does: `(x_train, y_train), (x_test, y_test)`.

    Args:
        path: a folder holding the four IDX files (gzipped or not); when given, nothing
            else is searched or downloaded.
        cache_dir: where downloads go (default `~/.cache/glassnet/mnist`).
        mirrors: base URLs to download from, replacing the default ones.
        progress: show a download progress bar; default: when stderr is a terminal.

    Returns:
        `x_train` (60000, 28, 28) uint8, `y_train` (60000,) uint8 in 0-9, `x_test`
        (10000, 28, 28) uint8 and `y_test` (10000,) uint8.

    Raises:
        FileNotFoundError: `path` is given but lacks a file.
        ValueError: a file is truncated, damaged or not IDX.
        OSError: the files are nowhere on disk and every mirror failed; the cache is left
            as it was.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    return _fetch.load(DATASET, path, cache_dir=cache_dir, mirrors=mirrors, progress=progress)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
