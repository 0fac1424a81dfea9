"""`CSVData`, what `load_csv` returns: the tuple `(x, y, class_names)` with the table's
details as attributes."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.datasets import _csv_exact

__all__ = ["CSVData"]


class CSVData(tuple):
    """What `load_csv` returns: the tuple `(x, y, class_names)`, with more as attributes.

    It unpacks (`x, y, class_names = load_csv(...)`) and indexes (`data[0]` is x) as
    that tuple.

    Attributes:
        x: features, shape (samples, features), float64, in file order (text columns
            one-hot encoded, missing values filled in as `missing=` said).
        y: labels, shape (samples,), int64 in [0, len(class_names)); float64 targets for
            `task="regression"`.
        class_names: the distinct values of the target column, sorted (numerically when
            they are numbers); `class_names[y[i]]` is the label of row i ([] for regression).
        feature_names: the name of each column of x ("island=Dream" for a one-hot column).
        columns: the feature columns of the file, before one-hot encoding.
        target: the name of the target column ("column 3" in a file without a header).
        path: the file read (None for a DataFrame).
        missing: missing values per column of the file (columns without any left out).
        dropped: how many rows were dropped (missing values with missing="drop", or a
            missing label).
        preprocessor: the fitted `TablePreprocessor`; `preprocessor.transform(frame)`
            applies the same preprocessing to new rows.

    >>> data = CSVData(np.zeros((2, 1)), np.array([1, 0]), ["-1", "1"], feature_names=["a"])
    >>> data[2], len(data), data.feature_names
    (['-1', '1'], 3, ['a'])
    """

    x: np.ndarray
    y: np.ndarray
    class_names: list[str]

    def __new__(cls, x: np.ndarray, y: np.ndarray, class_names: list[str], **extra: Any) -> CSVData:
        self = super().__new__(cls, (x, y, class_names))
        self.x, self.y, self.class_names = x, y, class_names
        self.feature_names = list(extra.pop("feature_names", []))
        self.columns = list(extra.pop("columns", self.feature_names))
        self.target = extra.pop("target", "")
        self.path = extra.pop("path", None)
        self.missing = dict(extra.pop("missing", {}))
        self.dropped = int(extra.pop("dropped", 0))
        self.preprocessor = extra.pop("preprocessor", None)
        self._read = extra.pop("read", None)  # (delimiter, header, encoding) for `rows`
        if extra:
            raise TypeError(f"CSVData got unexpected fields {sorted(extra)}.")
        return self

    def __getnewargs_ex__(self):  # pickling rebuilds it with its attributes
        fields = {k: v for k, v in vars(self).items() if k not in ("x", "y", "class_names")}
        return (self.x, self.y, self.class_names), fields

    def __repr__(self) -> str:
        return (
            f"CSVData(x={self.x.shape}, y={self.y.shape}, class_names={self.class_names!r:.60}, "
            f"target={self.target!r})"
        )

    @property
    def rows(self) -> list[list[str]]:
        """The file's raw cells, the header (or the names given to a file without one) first,
        read again exactly by Python's csv module (for `glassnet data split`). Only for a
        file read with missing="error" (the rows then match x and y one to one)."""
        if self.path is None or self._read is None or self.dropped:
            raise ValueError("rows are only kept for a file read whole (missing='error').")
        names, rows, _lines, _named = _csv_exact.read_table(self.path, *self._read)
        return [names, *rows]

    @property
    def labels(self) -> np.ndarray:
        """Each row's label as the file writes it: float64 when the labels are numbers, else
        text. The perceptron reads -1 and 1 as they are; `y` would give 0 and 1.

        >>> CSVData(np.zeros((2, 1)), np.array([1, 0]), ["-1", "1"]).labels
        array([ 1., -1.])
        """
        if not self.class_names:
            return self.y
        names = np.asarray(self.class_names)
        try:
            names = names.astype(np.float64)
        except ValueError:
            pass  # text labels
        return names[self.y]
