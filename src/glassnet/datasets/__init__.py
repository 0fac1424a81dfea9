"""Data sets: the lecture's toy data, Fashion-MNIST, MNIST, CSV tables, splits and scaling.

The lecture's workflow: load the data, split it (80/10/10 or 60/20/20), know it, scale it.

>>> import glassnet as gn
>>> x, y = gn.datasets.lecture_groups()
>>> x.shape, y.shape
((12, 2), (12,))
>>> (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = gn.datasets.train_val_test_split(
...     *gn.datasets.moons(200, seed=0), "small", seed=0)
>>> len(x_tr), len(x_va), len(x_te)
(160, 20, 20)
"""

from glassnet.datasets import fashion_mnist, idx, mnist
from glassnet.datasets._describe import DataReport, describe
from glassnet.datasets.examples import example_csv
from glassnet.datasets.idx import read_idx, write_idx
from glassnet.datasets.scaling import MinMaxScaler, StandardScaler, scale_images
from glassnet.datasets.split import train_val_test_split
from glassnet.datasets.tabular import (
    CSVData,
    TablePreprocessor,
    csv_columns,
    load_csv,
    load_features,
)
from glassnet.datasets.toy import blobs, circles, lecture_groups, logic_gate, moons, spiral, xor

__all__ = [
    "CSVData",
    "DataReport",
    "MinMaxScaler",
    "StandardScaler",
    "TablePreprocessor",
    "blobs",
    "circles",
    "csv_columns",
    "describe",
    "example_csv",
    "fashion_mnist",
    "idx",
    "lecture_groups",
    "load_csv",
    "load_features",
    "logic_gate",
    "mnist",
    "moons",
    "read_idx",
    "scale_images",
    "spiral",
    "train_val_test_split",
    "write_idx",
    "xor",
]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
