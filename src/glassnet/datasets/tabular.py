"""The user's own table: a CSV file of numeric features and a label column.

`load_csv` reads the file with the standard library's `csv` module, exactly as the CSV
standard says (quoted cells keep their delimiters, quotes and newlines), checks it, and
returns the features
as a float array, the labels encoded as integers 0..k-1 and the class names. Nothing is
dropped or guessed silently: a non-numeric feature, a missing value, a ragged row, an
empty file, an unknown target column or a single class is an error that says where.

The label column is named (`target="animal"`) or given by position (`label_column=-1`,
the last). A file may have no header (`header=False`), or one only if its first row is
not all numbers (`header=None`): the perceptron's points, `x1,x2,label` or just numbers.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
>>> _ = path.write_text("weight,height,animal\\n4.0,25,cat\\n30,60,dog\\n5,24,cat\\n")
>>> x, y, names = load_csv(path, target="animal")
>>> x.tolist(), y.tolist(), names
([[4.0, 25.0], [30.0, 60.0], [5.0, 24.0]], [0, 1, 0], ['cat', 'dog'])
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from glassnet.datasets import _csv_read
from glassnet.datasets._csv_read import MISSING

__all__ = ["MISSING", "CSVData", "csv_columns", "load_csv", "load_features"]


@dataclass
class CSVData:
    """What `load_csv` returns; unpacks as `x, y, class_names = load_csv(...)`.

    Attributes:
        x: features, shape (samples, features), float64, in file order.
        y: labels, shape (samples,), int64 in [0, len(class_names)).
        class_names: the distinct values of the target column, sorted (numerically when
            they are numbers); `class_names[y[i]]` is the label of row i.
        feature_names: the header of each feature column.
        target: the name of the target column ("column 3" in a file without a header).
        path: the file read.
        rows: the raw cells, the header (or the names given to a file without one) first.
    """

    x: np.ndarray
    y: np.ndarray
    class_names: list[str]
    feature_names: list[str]
    target: str
    path: Path
    rows: list[list[str]] = field(repr=False, default_factory=list)  # raw cells, header first

    def __iter__(self) -> Iterator:
        return iter((self.x, self.y, self.class_names))

    @property
    def labels(self) -> np.ndarray:
        """Each row's label as the file writes it: float64 when the labels are numbers, else
        text. The perceptron reads -1 and 1 as they are; `y` would give 0 and 1.

        >>> CSVData(np.zeros((2, 1)), np.array([1, 0]), ["-1", "1"], ["a"], "b", Path()).labels
        array([ 1., -1.])
        """
        names = np.asarray(self.class_names)
        try:
            names = names.astype(np.float64)
        except ValueError:
            pass  # text labels
        return names[self.y]


def load_csv(
    path: str | os.PathLike,
    target: str | None = None,
    *,
    label_column: int | None = None,
    header: bool | None = True,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> CSVData:
    """Read a CSV table of numeric features and one label column.

    The file is read as the CSV standard (RFC 4180) says, by Python's `csv` module: a
    quoted cell may hold the delimiter, newlines and doubled quotes (""). Spaces and tabs
    around a cell are ignored; rows whose cells are all empty (blank lines) are skipped.
    Nothing else is dropped or changed: an unclosed quote, text after a closing quote, a
    NUL byte or undecodable bytes are errors that name the file and the line.

    Args:
        path: the file.
        target: the name of the label column; every other column is a feature.
        label_column: or the label column's position, from 0 (-1 for the last one).
        header: True when the first row names the columns; False when the file holds
            only data (its columns are then "column 1", "column 2", ...); None for a
            header only if the first row is not all numbers. Without a header the file
            is a table of numbers: every cell, labels too, must be a finite number.
        delimiter: the separator; by default the one among "," ";" tab "|" that the
            first row uses most.
        encoding: the file's text encoding; by default UTF-8, with or without a BOM.
            Give e.g. "latin-1", "cp1252" or "utf-16" for files saved that way.

    Returns:
        A `CSVData`: unpack it as `x, y, class_names`; it also holds `feature_names`.
        Labels are encoded in sorted order of their values: numbers numerically
        ("2" before "10"), text alphabetically.

    Raises:
        FileNotFoundError: no such file.
        OSError: the file cannot be read (e.g. permission denied).
        TypeError: neither `target` nor `label_column` given, or of the wrong kind.
        ValueError: the path is a folder; the file is not valid CSV (an unclosed quote,
            text after a closing quote, a NUL byte) or not text in `encoding` (the
            message names the encoding tried); the file is empty or has no data rows;
            `target` is not a column (the message lists the columns) or `label_column` is
            out of range; a row has the wrong number of cells; a feature cell is not a
            number (the message names the column, the line and the value); values are
            missing (the message counts them per column); the labels hold one class.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gates.csv"
    >>> _ = path.write_text("a;b;out\\n0;0;0\\n0;1;1\\n1;0;1\\n1;1;0\\n")
    >>> data = load_csv(path, target="out")
    >>> data.feature_names, data.y.tolist(), data.class_names
    (['a', 'b'], [0, 1, 1, 0], ['0', '1'])
    >>> _ = path.write_text("2,1,1\\n0.5,3,-1\\n")
    >>> load_csv(path, label_column=-1, header=None).labels
    array([ 1., -1.])
    """
    path = Path(path)
    if target is not None and not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}.")
    if (target is None) == (label_column is None):
        raise TypeError(
            "load_csv needs the label column: target= (its name) or label_column= (its "
            "position, -1 for the last), not both."
        )
    columns, rows, lines, named = _csv_read.read_table(
        path, delimiter, header, _csv_read.codec(encoding)
    )
    t = _label_index(path, columns, named, target, label_column)
    target = columns[t]
    features = [j for j in range(len(columns)) if j != t]
    if not features and not named:
        raise ValueError(
            f"{path.name} needs input columns and a label column, got {len(columns)} column."
        )
    if not features:
        raise ValueError(f"{path.name} has only the target column {target!r}; no features.")
    cells = np.array(rows, dtype=object)  # (samples, columns) of stripped strings
    if not named:
        _csv_read.check_numbers(path, cells, lines)
    _csv_read.check_missing(path, columns, cells, lines)
    x = np.empty((len(rows), len(features)), dtype=np.float64)
    for out, j in enumerate(features):
        x[:, out] = _csv_read.to_float(path, columns[j], cells[:, j], lines)
    y, names = _encode(cells[:, t], f"target column {target!r} of {path.name}")
    if len(names) < 2:
        raise ValueError(
            f"target column {target!r} of {path.name} holds a single class ({names[0]!r} in "
            f"all {len(rows)} rows); a classifier needs at least 2 classes."
        )
    return CSVData(
        x=x,
        y=y,
        class_names=names,
        feature_names=[columns[j] for j in features],
        target=target,
        path=path,
        rows=[columns, *rows],
    )


def load_features(
    path: str | os.PathLike,
    feature_names: list[str] | None = None,
    *,
    n_features: int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> np.ndarray:
    """Read a CSV table of feature values without labels: the rows a trained model predicts.

    The file is read as `load_csv` reads it (the CSV standard, the delimiter found from the
    first row, UTF-8 unless `encoding` says otherwise). Its first row is a header if it is
    not all numbers: then the columns `feature_names` are taken, in that order, and other
    columns (a label, an id) are ignored. Without a header every row holds the features in
    order. A glassnet model computes in float32, so a value beyond float32's range
    (3.4e38) is an error, as is a missing or non-numeric cell.

    Args:
        path: the file.
        feature_names: the columns to take from a file with a header (None: all of them).
        n_features: how many values a row must hold (None: any number).
        delimiter: the separator; by default the one among "," ";" tab "|" that the
            first row uses most.
        encoding: the file's text encoding; by default UTF-8, with or without a BOM.

    Returns:
        float64 array of shape (rows, features).

    Raises:
        FileNotFoundError: no such file.
        OSError: the file cannot be read.
        ValueError: the file is a folder, empty, only a header, not valid CSV or not text;
            a row has more or fewer cells than the header (or than the first row); a
            column of `feature_names` is not in the header; a row does not hold
            `n_features` values; a cell is missing, not a number or beyond float32. Each
            message names the file, and the line where there is one.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> _ = path.write_text("height;weight;animal\\n25;4;cat\\n60;30;dog\\n")
    >>> load_features(path, ["weight", "height"]).tolist()
    [[4.0, 25.0], [30.0, 60.0]]
    """
    path = Path(path)
    columns, rows, lines, named = _csv_read.read_table(
        path, delimiter, None, _csv_read.codec(encoding)
    )
    take = list(range(len(columns)))
    if named and feature_names is not None:
        missing = [name for name in feature_names if name not in columns]
        if missing:
            raise ValueError(
                f"{path.name} lacks the feature column(s) {', '.join(missing)}; its header "
                f"is: {', '.join(columns)}."
            )
        take = [columns.index(name) for name in feature_names]
    if n_features is not None and len(take) != n_features:
        where = f"line {lines[0]} has {len(take)}"
        if named:
            where = f"its header has {len(take)} columns"
        raise ValueError(f"{path.name}: expected {n_features} values per row, but {where}.")
    cells = np.array(rows, dtype=object)[:, take]  # (rows, features)
    names = [columns[j] for j in take]
    _csv_read.check_missing(path, names, cells, lines)
    x = np.empty(cells.shape, dtype=np.float64)
    for out, name in enumerate(names):
        x[:, out] = _csv_read.to_float(path, name, cells[:, out], lines)
    beyond = np.abs(x) > np.finfo(np.float32).max
    if beyond.any():
        i, j = np.argwhere(beyond)[0]
        raise ValueError(
            f"{path.name} line {lines[i]}, column {names[j]!r}: {cells[i, j]} is beyond "
            "float32's range (3.4e38), which a glassnet model computes in."
        )
    return x


def csv_columns(
    path: str | os.PathLike, *, delimiter: str | None = None, encoding: str | None = None
) -> list[str]:
    """The column names in a CSV file's header row, read as `load_csv` reads the file.

    Raises:
        FileNotFoundError, OSError, ValueError: as `load_csv` (the file is a folder,
            empty, not valid CSV or not text in `encoding`, has ragged rows or no data
            rows); the message names the file.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
    >>> _ = path.write_text("weight;height;animal\\n4;25;cat\\n")
    >>> csv_columns(path)
    ['weight', 'height', 'animal']
    """
    path = Path(path)
    return _csv_read.read_table(path, delimiter, True, _csv_read.codec(encoding))[0]


def _label_index(
    path: Path, header: list[str], named: bool, target: str | None, label_column: int | None
) -> int:
    """The position of the label column, from its name or its (possibly negative) index."""
    if target is not None:
        if not named:
            raise ValueError(
                f"target={target!r} names a column, but {path.name} has no header; give "
                "label_column= (its position) instead."
            )
        if target not in header:
            raise ValueError(
                f"target column {target!r} is not in {path.name}; its columns are: "
                f"{', '.join(header)}."
            )
        return header.index(target)
    if isinstance(label_column, bool) or not isinstance(label_column, int):
        raise TypeError(f"label_column must be a column position (int), got {label_column!r}.")
    if not -len(header) <= label_column < len(header):
        raise ValueError(
            f"label_column={label_column} is out of range for the {len(header)} column(s) of "
            f"{path.name}."
        )
    return label_column % len(header)


def _encode(labels: np.ndarray, what: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes 0..k-1 for the labels, in sorted order of the values.

    Labels that are all numbers are compared as numbers ("2" < "10", "1" == "1.0") and must
    be whole numbers; other labels are compared as text.
    """
    text = labels.astype(str)
    try:
        numbers = text.astype(np.float64)
    except ValueError:
        numbers = None
    if numbers is None or not np.isfinite(numbers).all():
        names, codes = np.unique(text, return_inverse=True)
        return codes.astype(np.int64).reshape(-1), [str(n) for n in names]
    fractional = numbers != np.round(numbers)
    if fractional.any():
        raise ValueError(
            f"{what} holds non-integer numbers (e.g. {str(text[fractional][0])!r}), as a "
            "regression target would; load_csv needs class labels (integers or text)."
        )
    values, codes = np.unique(numbers, return_inverse=True)
    return codes.astype(np.int64).reshape(-1), [str(int(v)) for v in values]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
