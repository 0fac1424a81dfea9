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

`load_sample()` returns a real 7,000-image part of it shipped with glassnet (the first 600
images of each class of the official training set and the first 100 of each class of
the test set; data/fashion-mnist-sample/README.md says more), so that the lecture runs
where the full set can't be had; `load_data_or_sample()` gives the full set when it can
be found or downloaded and the sample otherwise, saying which in its `DataSource`.

The images are uint8 in [0, 255]; scale them with `glassnet.datasets.scale_images`.

>>> class_names[9]
'Ankle boot'
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from glassnet._internal.checks import check_number
from glassnet.datasets import _fetch
from glassnet.datasets.idx import read_idx

__all__ = [
    "DataSource",
    "class_names",
    "load_data",
    "load_data_or_sample",
    "load_sample",
    "sample_indices",
]

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

# How to get the full set, and the sample if that's impossible (said when it isn't found).
_GET_IT = (
    "To get it: sudo apt-get install dataset-fashion-mnist (Debian, Ubuntu), or put the four "
    "files in $GLASSNET_DATA_DIR/fashion-mnist/ or the cache folder "
    "~/.cache/glassnet/fashion-mnist/."
)
_OR_THE_SAMPLE = (
    "Without it, gn.datasets.fashion_mnist.load_sample() (glassnet train --dataset "
    "fashion-mnist-sample) gives the 7,000-image sample shipped with glassnet."
)

DATASET = _fetch.RemoteDataset(
    name="fashion-mnist",
    title="Fashion-MNIST",
    files=FILES,
    sha256=SHA256,
    mirrors=MIRRORS,
    mirrors_env="GLASSNET_FASHION_MNIST_MIRRORS",
    system_dirs=SYSTEM_DIRS,
    hint=f"{_GET_IT} {_OR_THE_SAMPLE}",
)

# The sample shipped inside the package, made by tools/make_fashion_sample.py from Debian's
# copy of the official files; the SHA-256 sums are also in its README.md.
SAMPLE_DIR = Path(__file__).resolve().parent / "data" / "fashion-mnist-sample"
SAMPLE_INDEX_FILES = ("train-indices-idx1-int32.gz", "t10k-indices-idx1-int32.gz")
SAMPLE_SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "74df153e1d736137c085533200d77928ad1330a766dbfab0bc33ffdf137c8b83",
    ),
    "train-labels-idx1-ubyte.gz": (
        "2f79ac363aa5db62f0fa8e5c6d76afd2f96e347af63b899a85be6c3f255bc024",
    ),
    "t10k-images-idx3-ubyte.gz": (
        "04516f9d284037ea6cce7310aafaed77e8f8c1547f1127ef4aa754c46f47f8f5",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "540f63e62544edb8406d1292429a47e6cdb42e4fa2eaa233f072b34e1f6bc46c",
    ),
    "train-indices-idx1-int32.gz": (
        "7ef394fba28cfe1985d189983d5e7d5e61086101c9f7ff07a0e789512e98a1ed",
    ),
    "t10k-indices-idx1-int32.gz": (
        "740ad594e4bd507c4a5a357c52b59bf29251fe9b92b5b8c54ca1053a63e809d2",
    ),
}

SAMPLE = _fetch.RemoteDataset(
    name="fashion-mnist-sample",
    title="Fashion-MNIST sample",
    files=FILES,
    sha256=SAMPLE_SHA256,
    mirrors=(),  # never downloaded: it comes with glassnet
    mirrors_env="",
    hint="Reinstall glassnet to restore it.",
)

# Seconds `load_data_or_sample` lets a mirror keep silent before it takes the sample, so an
# unreachable network costs at most this per mirror (load_data waits _fetch.TIMEOUT).
FALLBACK_TIMEOUT = 3.0


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


def load_sample() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the 7,000-image Fashion-MNIST sample shipped with glassnet, shaped as `load_data`.

    The sample is real Fashion-MNIST: the first 600 images of each class of the official
    training set and the first 100 of each class of the official test set, in their
    original order (`sample_indices()` gives their places there). Its files are checked
    against their SHA-256 on every load; nothing is searched for or downloaded.

    Returns:
        `x_train` (6000, 28, 28) uint8, `y_train` (6000,) uint8 in 0-9 (600 per class),
        `x_test` (1000, 28, 28) uint8 and `y_test` (1000,) uint8 (100 per class).

    Raises:
        FileNotFoundError, ValueError: a file of the sample is missing or damaged.

    >>> (x_train, y_train), (x_test, y_test) = load_sample()
    >>> x_train.shape, x_test.shape, class_names[y_train[0]]
    ((6000, 28, 28), (1000, 28, 28), 'Ankle boot')
    """
    _fetch.verify(SAMPLE, SAMPLE_DIR)
    return _fetch.read(SAMPLE, SAMPLE_DIR)


def sample_indices() -> tuple[np.ndarray, np.ndarray]:
    """Where the sample's images are in the official sets: (train indices, test indices).

    Returns:
        Two increasing int32 arrays, (6000,) into the 60,000 training images and (1000,)
        into the 10,000 test images: `load_sample()[0][0] == load_data()[0][0][train]`.

    >>> train, test = sample_indices()
    >>> len(train), int(train[-1]), len(test), int(test[-1])
    (6000, 6410, 1000, 1092)
    """
    _fetch.verify(SAMPLE, SAMPLE_DIR, SAMPLE_INDEX_FILES)
    train, test = (read_idx(SAMPLE_DIR / name) for name in SAMPLE_INDEX_FILES)
    return train, test


@dataclasses.dataclass(frozen=True)
class DataSource:
    """Which Fashion-MNIST data was loaded; `str()` says it, and why, in a sentence.

    Attributes:
        dataset: "fashion-mnist" (the full set) or "fashion-mnist-sample", the names
            `glassnet train --dataset` takes.
        folder: the folder the files were read from.
        n_train: training images loaded.
        n_test: test images loaded.
        reason: why the full set was not used (None when it was).

    >>> print(DataSource("fashion-mnist", Path("/data"), 60000, 10000))
    Fashion-MNIST, all 70,000 images (60,000 training, 10,000 test), from /data
    >>> sample = DataSource("fashion-mnist-sample", SAMPLE_DIR, 6000, 1000, "no network.")
    >>> print(sample)
    the 7,000-image Fashion-MNIST sample shipped with glassnet (6,000 training and 1,000 test
    images, the first 600 and 100 of each class of the official sets), because the full set
    could not be had: no network
    >>> sample.test_part
    "the sample's 1,000 test images"
    """

    dataset: str
    folder: Path
    n_train: int
    n_test: int
    reason: str | None = None

    @property
    def is_sample(self) -> bool:
        """True when this is the sample shipped with glassnet."""
        return self.dataset == SAMPLE.name

    @property
    def test_part(self) -> str:
        """The test images in words: "the sample's 1,000 test images"."""
        owner = "the sample's" if self.is_sample else "the official"
        return f"{owner} {self.n_test:,} test images"

    @property
    def description(self) -> str:
        """The data in words, without the reason: "Fashion-MNIST, all 70,000 images, ..."."""
        if not self.is_sample:
            return (
                f"Fashion-MNIST, all {self.n_train + self.n_test:,} images ({self.n_train:,} "
                f"training, {self.n_test:,} test), from {self.folder}"
            )
        per_class = f"{self.n_train // len(class_names):,} and {self.n_test // len(class_names):,}"
        return (
            f"the {self.n_train + self.n_test:,}-image Fashion-MNIST sample shipped with glassnet "
            f"({self.n_train:,} training and {self.n_test:,} test images, the first {per_class} "
            "of each class of the official sets)"
        )

    def __str__(self) -> str:
        if self.reason is None:
            return self.description
        reason = self.reason.rstrip(".")
        return f"{self.description}, because the full set could not be had: {reason}"


def load_data_or_sample(
    *, timeout: float = FALLBACK_TIMEOUT, progress: bool | None = None
) -> tuple[tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], DataSource]:
    """The full Fashion-MNIST if it is found or can be downloaded, else the shipped sample.

    The full set is searched for as `load_data()` does, and downloaded if it is nowhere on
    disk; a mirror silent for `timeout` seconds is given up, so an unreachable network
    costs a few seconds. If that fails, or a file found is damaged, the sample
    (`load_sample()`) is returned, with the reason in the `DataSource`.

    Args:
        timeout: seconds a mirror may keep silent (to connect or while sending), > 0.
        progress: show a download progress bar; default: when stderr is a terminal.

    Returns:
        `((x_train, y_train), (x_test, y_test))` as `load_data()` gives them, and the
        `DataSource` saying which data it is and why.

    Raises:
        TypeError, ValueError: `timeout` is not a number > 0.

    >>> data, source = load_data_or_sample()  # doctest: +SKIP
    >>> (x_train, y_train), (x_test, y_test) = data  # doctest: +SKIP
    >>> print(source)  # doctest: +SKIP
    Fashion-MNIST, all 70,000 images (60,000 training, 10,000 test), from /usr/share/...
    """
    timeout = check_number("timeout", timeout, 0, low_inclusive=False)
    spec = dataclasses.replace(DATASET, hint=_GET_IT)  # the sample needs no advertising here
    try:
        folder = _fetch.locate(spec, progress=progress, timeout=timeout)
        data = _fetch.read(spec, folder, cache=_fetch.cache_root() / spec.name)
        dataset, reason = DATASET.name, None
    except (OSError, ValueError) as error:
        folder, data = SAMPLE_DIR, load_sample()
        dataset, reason = SAMPLE.name, str(error)
    (x_train, _), (x_test, _) = data
    return data, DataSource(dataset, folder, len(x_train), len(x_test), reason)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
