"""Make the Fashion-MNIST sample shipped with glassnet from a full copy of the data set.

The sample is the first 600 images of each class of the official training set (6,000) and
the first 100 of each class of the official test set (1,000), in their original order,
with the original indices. It is written as gzipped IDX files, the format
`gn.datasets.fashion_mnist.load_data` reads, into src/glassnet/datasets/data/
fashion-mnist-sample/, and the SHA-256 of each file is printed for fashion_mnist.py and
the folder's README.md.

    python3 tools/make_fashion_sample.py [--source /usr/share/datasets/fashion-mnist]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from glassnet.datasets import fashion_mnist
from glassnet.datasets.idx import write_idx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "glassnet" / "datasets" / "data" / "fashion-mnist-sample"
PER_CLASS = {"train": 600, "t10k": 100}  # images kept per class of each official part


def first_per_class(labels: np.ndarray, per_class: int) -> np.ndarray:
    """Indices of the first `per_class` samples of each label, in their original order.

    >>> first_per_class(np.array([1, 0, 1, 1, 0, 0]), 2).tolist()
    [0, 1, 2, 4]
    """
    chosen = [np.flatnonzero(labels == c)[:per_class] for c in np.unique(labels)]
    return np.sort(np.concatenate(chosen))


def write_part(part: str, images: np.ndarray, labels: np.ndarray, out: Path) -> list[str]:
    """Write one part's images, labels and original indices; return the file names."""
    index = first_per_class(labels, PER_CLASS[part]).astype(np.int32)  # (n,)
    files = {
        f"{part}-images-idx3-ubyte.gz": images[index],  # (n, 28, 28) uint8
        f"{part}-labels-idx1-ubyte.gz": labels[index],  # (n,) uint8
        f"{part}-indices-idx1-int32.gz": index,
    }
    for name, array in files.items():
        write_idx(out / name, array)
    return list(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(path=args.source)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = write_part("train", x_train, y_train, out) + write_part("t10k", x_test, y_test, out)
    total = 0
    for name in names:
        data = (out / name).read_bytes()
        total += len(data)
        print(f"{hashlib.sha256(data).hexdigest()}  {name}  ({len(data):,} bytes)")
    print(f"{total:,} bytes in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
