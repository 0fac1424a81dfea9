"""The user's own table: a CSV file with a header row, numeric features and a label column.

`load_csv` reads the file with the standard library, checks it, and returns the features
as a float array, the labels encoded as integers 0..k-1 and the class names. Nothing is
dropped or guessed silently: a non-numeric feature, a missing value, a ragged row, an
empty file, an unknown target column or a single class is an error that says where.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
>>> _ = path.write_text("weight,height,animal\\n4.0,25,cat\\n30,60,dog\\n5,24,cat\\n")
>>> x, y, names = load_csv(path, target="animal")
>>> x.tolist(), y.tolist(), names
([[4.0, 25.0], [30.0, 60.0], [5.0, 24.0]], [0, 1, 0], ['cat', 'dog'])
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["MISSING", "CSVData", "load_csv"]

# Cell values read as "missing" (compared after stripping spaces, case-insensitively).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "?"})


@dataclass
class CSVData:
    """What `load_csv` returns; unpacks as `x, y, class_names = load_csv(...)`.

    Attributes:
        x: features, shape (samples, features), float64, in file order.
        y: labels, shape (samples,), int64 in [0, len(class_names)).
        class_names: the distinct values of the target column, sorted (numerically when
            they are numbers); `class_names[y[i]]` is the label of row i.
        feature_names: the header of each feature column.
        target: the name of the target column.
        path: the file read.
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


def load_csv(
    path: str | os.PathLike,
    target: str,
    *,
    delimiter: str | None = None,
) -> CSVData:
    """Read a CSV table of numeric features and one label column.

    Args:
        path: the file; its first row names the columns. UTF-8 (a BOM is allowed).
        target: the name of the label column; every other column is a feature.
        delimiter: the separator; by default the one among "," ";" tab "|" that the
            header row uses most.

    Returns:
        A `CSVData`: unpack it as `x, y, class_names`; it also holds `feature_names`.
        Labels are encoded in sorted order of their values: numbers numerically
        ("2" before "10"), text alphabetically.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is empty or has no data rows; `target` is not a column (the
            message lists the columns); a row has the wrong number of cells; a feature cell
            is not a number (the message names the column, the line and the value); values
            are missing (the message counts them per column); the labels hold one class.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gates.csv"
    >>> _ = path.write_text("a;b;out\\n0;0;0\\n0;1;1\\n1;0;1\\n1;1;0\\n")
    >>> data = load_csv(path, target="out")
    >>> data.feature_names, data.y.tolist(), data.class_names
    (['a', 'b'], [0, 1, 1, 0], ['0', '1'])
    """
    path = Path(path)
    if not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}.")
    header, rows, lines = _read(path, delimiter)
    if target not in header:
        raise ValueError(
            f"target column {target!r} is not in {path.name}; its columns are: {', '.join(header)}."
        )
    t = header.index(target)
    features = [j for j in range(len(header)) if j != t]
    if not features:
        raise ValueError(f"{path.name} has only the target column {target!r}; no features.")
    cells = np.array(rows, dtype=object)  # (samples, columns) of stripped strings
    _check_missing(path, header, cells, lines)
    x = np.empty((len(rows), len(features)), dtype=np.float64)
    for out, j in enumerate(features):
        x[:, out] = _to_float(path, header[j], cells[:, j], lines)
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
        feature_names=[header[j] for j in features],
        target=target,
        path=path,
        rows=[header, *rows],
    )


def _read(path: Path, delimiter: str | None) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows (cells stripped) and each row's line number; checks the shape."""
    if not path.exists():
        raise FileNotFoundError(f"CSV file {str(path)!r} does not exist.")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder; expected a CSV file.")
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise ValueError(f"CSV file {path.name} is empty; expected a header row and data rows.")
    first = text.splitlines()[0]
    if delimiter is None:
        delimiter = max([",", ";", "\t", "|"], key=first.count)
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue  # blank lines carry nothing
        cells = [cell.strip() for cell in record]
        if header is None:
            header = cells
            _check_header(path, header)
            continue
        if len(cells) != len(header):
            raise ValueError(
                f"{path.name} line {reader.line_num} has {len(cells)} cells, the header has "
                f"{len(header)} ({', '.join(header)})."
            )
        rows.append(cells)
        lines.append(reader.line_num)
    if not rows:
        raise ValueError(f"CSV file {path.name} has a header but no data rows.")
    return header, rows, lines


def _check_header(path: Path, header: list[str]) -> None:
    empty = [i + 1 for i, name in enumerate(header) if not name]
    if empty:
        raise ValueError(f"{path.name}: header cell(s) {empty} are empty; name every column.")
    seen = set()
    for name in header:
        if name in seen:
            raise ValueError(f"{path.name}: column {name!r} appears twice in the header.")
        seen.add(name)


def _check_missing(path: Path, header: list[str], cells: np.ndarray, lines: list[int]) -> None:
    """Raise listing, per column, how many cells are missing (none are dropped)."""
    lowered = np.char.lower(cells.astype(str))
    missing = np.isin(lowered, list(MISSING))  # (samples, columns)
    if not missing.any():
        return
    per_column = missing.sum(axis=0)
    counts = ", ".join(f"{header[j]} {int(n)}" for j, n in enumerate(per_column) if n)
    row, col = np.argwhere(missing)[0]
    raise ValueError(
        f"{path.name} has {int(missing.sum())} missing value(s) in {int((per_column > 0).sum())} "
        f"column(s): {counts} (the first at line {lines[row]}, column {header[col]!r}: "
        f"{cells[row, col]!r}). Fill them in or remove those rows first."
    )


def _to_float(path: Path, name: str, column: np.ndarray, lines: list[int]) -> np.ndarray:
    """Convert one column to float, or raise naming the first cell that is not a number."""
    values = None
    try:
        values = column.astype(str).astype(np.float64)
        bad = ~np.isfinite(values)
    except ValueError:  # error path only: check the cells one by one to find the culprit
        bad = np.array([not _is_finite_number(cell) for cell in column])
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"{path.name}: feature column {name!r} must be numeric, but line {lines[i]} "
            f"holds {column[i]!r}. Encode it as numbers, or drop the column."
        )
    return values


def _is_finite_number(cell: str) -> bool:
    try:
        return bool(np.isfinite(float(cell)))
    except ValueError:
        return False


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
