"""The playground's data: presets from `glassnet.datasets`, uploaded CSV, the split.

Every point is (x1, x2) with an integer class 0 ... 9; class names are the user's
strings, kept as data (the page shows them with textContent only).

>>> data = preset({"preset": "lecture"})
>>> data.x.shape, data.names
((12, 2), ['group 0', 'group 1'])
>>> parse_csv("x1,x2,label\\n1,2,cat\\n3,4,dog\\n").names
['cat', 'dog']
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from glassnet import datasets
from glassnet.cli.playground._limits import LIMITS, RequestError, choice, integer, number

__all__ = ["PRESETS", "Data", "parse_csv", "preset", "split"]

# Preset name -> the label the page shows.
PRESETS: dict[str, str] = {
    "lecture": "The lecture's two groups (12 points)",
    "and": "AND gate",
    "or": "OR gate",
    "nand": "NAND gate",
    "xor-gate": "XOR gate",
    "blobs": "Blobs",
    "moons": "Moons",
    "circles": "Circles",
    "xor": "XOR (noisy points)",
    "spiral": "Spiral",
}


@dataclass
class Data:
    """Points `x` (n, 2) float64, classes `y` (n,) int, and the class names."""

    x: np.ndarray
    y: np.ndarray
    names: list[str] = field(default_factory=list)
    source: str = "lecture"

    def to_dict(self) -> dict:
        return {
            "x": self.x.round(6).tolist(),
            "y": self.y.tolist(),
            "names": list(self.names),
            "source": self.source,
        }


def preset(body: dict) -> Data:
    """The data of a preset: `preset`, and for generated ones `n_samples`, `noise`, `seed`.

    >>> preset({"preset": "circles", "n_samples": 50, "seed": 0}).x.shape
    (50, 2)
    """
    name = choice(body, "preset", "lecture", tuple(PRESETS))
    if name == "lecture":
        x, y = datasets.lecture_groups()
        return Data(x, y.astype(int), ["group 0", "group 1"], name)
    if name in ("and", "or", "nand", "xor-gate"):
        x, y = datasets.logic_gate(name.replace("-gate", ""))
        return Data(x.astype(float), y.astype(int), ["0", "1"], name)
    n = integer(body, "n_samples", 200, 4, LIMITS["max_samples"])
    noise = number(body, "noise", 0.1, 0.0, 5.0)
    seed = integer(body, "seed", 0, 0, 2**31 - 1)
    if name == "blobs":
        classes = integer(body, "classes", 2, 2, LIMITS["max_classes"])
        x, y = datasets.blobs(n, centers=classes, noise=max(noise, 0.01) * 10, seed=seed)
    elif name == "spiral":
        classes = integer(body, "classes", 2, 2, LIMITS["max_classes"])
        x, y = datasets.spiral(n, n_classes=classes, noise=noise, seed=seed)
    else:
        x, y = getattr(datasets, name)(n, noise=noise, seed=seed)
    names = [str(c) for c in range(int(y.max()) + 1)]
    return Data(np.asarray(x, float), np.asarray(y, int), names, name)


def parse_csv(text: str, columns: list | None = None) -> Data:
    """Two feature columns and a label column from CSV text with a header row.

    `columns` picks [x1, x2, label] by header name; default the first three columns.
    Labels may be any strings (at most 10 classes), numbered in sorted order.

    Raises:
        RequestError: malformed CSV, too many rows or columns, non-numeric features.

    >>> parse_csv("a,b,c,label\\n1,2,3,x\\n4,5,6,y\\n", ["b", "c", "label"]).x.tolist()
    [[2.0, 3.0], [5.0, 6.0]]
    """
    if not isinstance(text, str):
        raise RequestError(f"csv: expected the CSV text as a string, got {type(text).__name__}")
    first = text.split("\n", 1)[0]
    if first.count(",") + 1 > LIMITS["max_columns"]:
        raise RequestError(
            f"csv: at most {LIMITS['max_columns']} columns, got {first.count(',') + 1}"
        )
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise RequestError(f"csv: malformed CSV ({error})") from None
    rows = [row for row in rows if row]
    if len(rows) < 3:
        raise RequestError("csv: expected a header row and at least two data rows")
    if len(rows) - 1 > LIMITS["max_rows"]:
        raise RequestError(f"csv: at most {LIMITS['max_rows']} rows, got {len(rows) - 1}")
    header = [name.strip() for name in rows[0]]
    if len(header) < 3:
        raise RequestError(f"csv: expected at least 3 columns (x1, x2, label), got {len(header)}")
    picks = _pick(header, columns)
    x = np.empty((len(rows) - 1, 2))
    labels = []
    for i, row in enumerate(rows[1:]):
        if len(row) != len(header):
            raise RequestError(
                f"csv: row {i + 2} has {len(row)} fields, the header has {len(header)}"
            )
        for k in (0, 1):
            try:
                x[i, k] = float(row[picks[k]])
            except ValueError:
                raise RequestError(
                    f"csv: row {i + 2}, column {header[picks[k]][:40]!r}: "
                    f"expected a number, got {row[picks[k]][:40]!r}"
                ) from None
            if not math.isfinite(x[i, k]):
                raise RequestError(f"csv: row {i + 2}: features must be finite numbers")
        labels.append(row[picks[2]].strip()[: LIMITS["max_name_length"]])
    names = sorted(set(labels))
    if len(names) < 2 or len(names) > LIMITS["max_classes"]:
        raise RequestError(
            f"csv: expected 2 to {LIMITS['max_classes']} classes in the label column, "
            f"got {len(names)}"
        )
    index = {name: k for k, name in enumerate(names)}
    y = np.array([index[label] for label in labels])
    return Data(x, y, names, "csv")


def _pick(header: list[str], columns: list | None) -> list[int]:
    if columns is None:
        return [0, 1, 2]
    if not isinstance(columns, list) or len(columns) != 3:
        raise RequestError("columns: expected a list of 3 column names [x1, x2, label]")
    picks = []
    for name in columns:
        if not isinstance(name, str) or name not in header:
            shown = name[:40] if isinstance(name, str) else type(name).__name__
            raise RequestError(f"columns: no column named {shown!r} in the header")
        picks.append(header.index(name))
    return picks


def split(n: int, fractions: tuple[float, float, float], seed: int) -> tuple[np.ndarray, ...]:
    """Row indices of the train, validation and test parts, shuffled with `seed`.

    >>> [len(p) for p in split(10, (0.8, 0.1, 0.1), 0)]
    [8, 1, 1]
    """
    order = np.random.default_rng(seed).permutation(n)
    n_test = round(fractions[2] * n)
    n_val = round(fractions[1] * n)
    n_train = max(n - n_test - n_val, 1)
    return order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]
