"""Fashion-MNIST: 70,000 greyscale 28 x 28 images of clothes in 10 classes (Zalando Research).

`load_data()` returns the arrays exactly as `tf.keras.datasets.fashion_mnist.load_data()`
does. The four IDX files are looked for, in order, in:

1. the folder given as `path=` (only there, when given);
2. `$GLASSNET_DATA_DIR/fashion-mnist/`;
3. the user cache `~/.cache/glassnet/fashion-mnist/` (or `$XDG_CACHE_HOME/glassnet/...`);
4. Debian's package dataset-fashion-mnist, `/usr/share/datasets/fashion-mnist/`;
5. else they are downloaded from the official mirrors into the cache (SHA-256 verified,
   progress bar, written atomically). `mirrors=` or `$GLASSNET_FASHION_MNIST_MIRRORS`
   (comma-separated base URLs) replaces the mirror list.

The images are uint8 in [0, 255]; scale them with `glassnet.datasets.scale_images`.

>>> class_names[9]
'Ankle boot'
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from glassnet.datasets import _fetch

__all__ = ["class_names", "load_data"]

class_names = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

# Accepted SHA-256 of each gzipped file. The first sum is that of the files Zalando publishes
# (github.com/zalandoresearch/fashion-mnist, its S3 mirror and Keras's copy; the same sums are
# used by tensorflow-datasets and torchvision users, whose MD5s match Zalando's README). The
# second is that of Debian's dataset-fashion-mnist, which recompressed the same IDX content.
SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ),
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ),
    "t10k-images-idx3-ubyte.gz": (
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ),
}

MIRRORS = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # the one Keras uses
    "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # Zalando's
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

SYSTEM_DIRS = ("/usr/share/datasets/fashion-mnist",)

DATASET = _fetch.RemoteDataset(
    name="fashion-mnist",
    title="Fashion-MNIST",
    files=FILES,
    sha256=SHA256,
    mirrors=MIRRORS,
    mirrors_env="GLASSNET_FASHION_MNIST_MIRRORS",
    system_dirs=SYSTEM_DIRS,
    hint="On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist.",
)


def load_data(
    path: str | os.PathLike | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] | str | None = None,
    progress: bool | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST as Keras does: `(x_train, y_train), (x_test, y_test)`.

    Args:
        path: a folder holding the four IDX files (gzipped or not); when given, nothing
            else is searched or downloaded.
        cache_dir: where downloads go (default `~/.cache/glassnet/fashion-mnist`).
        mirrors: base URLs to download from, replacing the official ones.
        progress: show a download progress bar; default: when stderr is a terminal.

    Returns:
        `x_train` (60000, 28, 28) uint8, `y_train` (60000,) uint8 in 0-9, `x_test`
        (10000, 28, 28) uint8 and `y_test` (10000,) uint8. `class_names[y]` names a label.

    Raises:
        FileNotFoundError: `path` is given but lacks a file.
        ValueError: a file is truncated, damaged or not IDX.
        OSError: the files are nowhere on disk and every mirror failed (no network, or a
            SHA-256 mismatch); the cache is left as it was.

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, class_names[y_train[0]]  # doctest: +SKIP
    ((60000, 28, 28), (60000,), 'Ankle boot')
    """
    return _fetch.load(DATASET, path, cache_dir=cache_dir, mirrors=mirrors, progress=progress)
