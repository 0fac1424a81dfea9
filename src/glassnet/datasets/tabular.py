"""The user's own table: a CSV file (or a pandas DataFrame) of features and a label column.

`load_csv` reads the file with pandas' C reader, held to the CSV standard (quoted cells
keep their delimiters, quotes and newlines; what pandas would let pass, Python's `csv`
module checks), and returns the features as a float array, the labels encoded as
integers 0..k-1 and the class names. Nothing is dropped or guessed silently: a damaged
file, a ragged row, an unknown target column or a single class is an error that says
where; missing values are counted per column and refused unless `missing=` says what to
do (drop the rows, or fill in the mean, median or most frequent value of the training
rows); text feature columns are one-hot encoded, with categories from the training rows.

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.checks import check_one_of
from glassnet.datasets import _csv_exact, _csv_fast
from glassnet.datasets._csv_checks import (
    check_feature,
    check_numbers,
    labels,
    raw,
    refuse_missing,
)
from glassnet.datasets._csv_data import CSVData
from glassnet.datasets._csv_fast import MISSING
from glassnet.datasets._table_prep import MISSING_STRATEGIES, TablePreprocessor

__all__ = [
    "MISSING",
    "MISSING_STRATEGIES",
    "CSVData",
    "TablePreprocessor",
    "csv_columns",
    "load_csv",
    "load_features",
]


def load_csv(
    path: str | os.PathLike | Any,
    target: str | None = None,
    *,
    label_column: int | None = None,
    header: bool | None = True,
    delimiter: str | None = None,
    encoding: str | None = None,
    missing: str = "error",
    ignore: Sequence[str] = (),
    handle_unknown: str = "error",
    max_categories: int = 50,
    fit_rows: Any = None,
    task: str = "classification",
) -> CSVData:
    """Read a CSV table (or a pandas DataFrame) of features and one label column.

    The file is read as the CSV standard (RFC 4180) says: a quoted cell may hold the
    delimiter, newlines and doubled quotes (""). Spaces and tabs around a cell are
    ignored; rows whose cells are all empty (blank lines) are skipped. An unclosed quote,
    text after a closing quote, a NUL byte or undecodable bytes are errors that name the
    file and the line. The cells "", "NA", "N/A", "nan", "null" and "?" (any case) are
    missing values.

    A feature column whose every value is a number is a number column; one with no
    number is a text column, one-hot encoded (one 0/1 column per value seen in the
    training rows); a column mixing both is an error naming the line.

    Args:
        path: the file, or a pandas DataFrame (its columns are read as the file's).
        target: the name of the label column; every other column is a feature.
        label_column: or the label column's position, from 0 (-1 for the last one).
        header: True when the first row names the columns; False when the file holds
            only data (its columns are then "column 1", "column 2", ...); None for a
            header only if the first row is not all numbers. Without a header the file
            is a table of numbers: every cell, labels too, must be a finite number.
        delimiter: the separator; by default the one among "," ";" tab "|" that the
            first row uses most.
        encoding: the file's text encoding; by default UTF-8, with or without a BOM.
        missing: "error" (default: refuse, counting missing values per column), "drop"
            (drop rows with a missing value), "mean", "median" or "most-frequent" (fill in
            that value of the training rows; text columns get their most frequent value).
            A row whose label is missing is dropped unless missing="error".
        ignore: feature columns to leave out.
        handle_unknown: a text value not seen in the training rows, when the preprocessor
            is applied to new rows: "error" or "ignore" (its one-hot columns all zero).
        max_categories: the most distinct values a text column may have (else an error).
        fit_rows: the rows (positions, a slice or a boolean mask, counted after dropping)
            that the fill-in values and categories are learned from: the training part;
            or a function given the labels y (after dropping) that returns them, to split
            by label first. Default: all rows.
        task: "classification" (labels encoded 0..k-1) or "regression" (y is the
            target's numbers, float64, and class_names is []).

    Returns:
        A `CSVData`: unpack it as `x, y, class_names`; it also holds `feature_names`,
        `missing` (counts per column) and the fitted `preprocessor`.

    Raises:
        FileNotFoundError: no such file.
        TypeError: neither `target` nor `label_column` given, or of the wrong kind.
        ValueError: the path is a folder; the file is not valid CSV or not text in
            `encoding`; the file is empty or has no data rows; `target` is not a column or
            `label_column` is out of range; a row has the wrong number of cells; a feature
            column mixes numbers and text, or holds inf; values are missing and
            missing="error" (the message counts them per column); a text column has more
            than `max_categories` values; the labels hold one class.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "birds.csv"
    >>> _ = path.write_text("mass,island,kind\\n3,Dream,a\\nNA,Biscoe,b\\n5,?,a\\n")
    >>> data = load_csv(path, target="kind", missing="mean")
    >>> data.missing, data.feature_names
    ({'mass': 1, 'island': 1}, ['mass', 'island=Biscoe', 'island=Dream'])
    >>> data.x.tolist()
    [[3.0, 0.0, 1.0], [4.0, 1.0, 0.0], [5.0, 1.0, 0.0]]
    >>> data[1].tolist(), data.class_names
    ([0, 1, 0], ['a', 'b'])
    """
    missing = check_one_of(
        "missing", missing, MISSING_STRATEGIES, what="way to handle missing values"
    )
    task = check_one_of("task", task, ("classification", "regression"))
    if target is not None and not isinstance(target, str):
        raise TypeError(f"target must be a column name (str), got {target!r}.")
    if (target is None) == (label_column is None):
        raise TypeError(
            "load_csv needs the label column: target= (its name) or label_column= (its "
            "position, -1 for the last), not both."
        )
    prep = TablePreprocessor(
        "error" if missing == "drop" else missing, handle_unknown, max_categories
    )
    frame, named, source, file = _frame(path, delimiter, header, encoding)
    enc = _csv_exact.encoding_of(encoding)

    def where(row: int) -> tuple[int, list[str] | None]:
        return _csv_fast.locate(file, delimiter, enc, row, named)

    columns = [str(c) for c in frame.columns]
    t = _label_index(source, columns, named, target, label_column)
    target = columns[t]
    if isinstance(ignore, str) or not all(isinstance(c, str) for c in ignore):
        raise TypeError(f"ignore must be a list of column names, got {ignore!r}.")
    unknown = [c for c in ignore if c not in columns or c == target]
    if unknown:
        raise ValueError(
            f"ignore names {', '.join(map(repr, unknown))}, not a feature column of {source}; "
            f"its columns are: {', '.join(columns)}."
        )
    features = [c for j, c in enumerate(columns) if j != t and c not in ignore]
    if not features and not named:
        raise ValueError(
            f"{source} needs input columns and a label column, got {len(columns)} column."
        )
    if not features:
        raise ValueError(f"{source} has only the target column {target!r}; no features.")
    if not named:
        check_numbers(source, frame, where)
    for name in features:
        check_feature(source, columns.index(name), name, frame[name], where)
    counts = {c: int(n) for c, n in frame.isna().sum().items() if n}
    if counts and missing == "error":
        refuse_missing(source, frame, counts, where)
    keep = frame[target].notna()
    if missing == "drop":
        keep &= frame[features].notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        frame = frame[keep.to_numpy()].reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"{source}: every row has a missing value; nothing is left to learn from.")
    y, names = labels(frame[target], f"target column {target!r} of {source}", task)
    if task == "classification" and len(names) < 2:
        raise ValueError(
            f"target column {target!r} of {source} holds a single class ({names[0]!r} in "
            f"all {len(y)} rows); a classifier needs at least 2 classes."
        )
    inputs = frame[features]
    if callable(fit_rows):
        fit_rows = fit_rows(y)
    try:
        prep.fit(inputs if fit_rows is None else inputs.iloc[_rows(fit_rows, len(inputs))])
    except ValueError as error:  # too many categories: say which file
        raise ValueError(f"{source}: {error}") from None
    if missing == "drop":
        prep.missing = "drop"
    return CSVData(
        prep.transform(inputs),
        y,
        names,
        feature_names=prep.feature_names_out,
        columns=features,
        target=target,
        path=file,
        missing=counts,
        dropped=dropped,
        preprocessor=prep,
        read=None if file is None else (delimiter, header, enc),
    )


def load_features(
    path: str | os.PathLike,
    feature_names: list[str] | None = None,
    *,
    n_features: int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    preprocessor: TablePreprocessor | None = None,
) -> np.ndarray:
    """Read a CSV table of feature values without labels: the rows a trained model predicts.

    The file is read as `load_csv` reads it (the same reader: the CSV standard, the
    delimiter found from the first row, UTF-8 unless `encoding` says otherwise). Its first
    row is a header if it is not all numbers: then the columns `feature_names` are taken,
    in that order, and other columns (a label, an id) are ignored. Without a header every
    row holds the features in order. A glassnet model computes in float32, so a value
    beyond float32's range (3.4e38) is an error, as is a missing or non-numeric cell.

    Args:
        path: the file.
        feature_names: the columns to take from a file with a header (None: all of them).
        n_features: how many values a row must hold (None: any number).
        delimiter: the separator; by default the one among "," ";" tab "|" that the
            first row uses most.
        encoding: the file's text encoding; by default UTF-8, with or without a BOM.
        preprocessor: a fitted `TablePreprocessor` (`load_csv(...).preprocessor`, or one
            rebuilt with `TablePreprocessor.from_dict`): then `path` may also be a pandas
            DataFrame, its columns `preprocessor.columns` are taken (a header is needed)
            and the rows come out exactly as in training: missing values filled with the
            training values, text columns one-hot with the training categories (a value
            not seen in training is an error, or all zeros if the preprocessor's
            handle_unknown is "ignore"). `feature_names` and `n_features` are then unused.

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
    >>> train = load_csv(path, target="animal", missing="mean")
    >>> _ = path.write_text("weight;height\\nNA;30\\n")
    >>> load_features(path, preprocessor=train.preprocessor).tolist()  # weight: the mean
    [[30.0, 17.0]]
    """
    if preprocessor is not None:
        return _apply(path, preprocessor, delimiter, encoding)
    file = Path(path)
    enc = _csv_exact.encoding_of(encoding)
    frame, named = _csv_fast.read_frame(file, delimiter, None, enc)
    source = file.name

    def where(row: int) -> tuple[int, list[str] | None]:
        return _csv_fast.locate(file, delimiter, enc, row, named)

    columns = [str(c) for c in frame.columns]
    take = columns
    if named and feature_names is not None:
        lacking = [name for name in feature_names if name not in columns]
        if lacking:
            raise ValueError(
                f"{source} lacks the feature column(s) {', '.join(lacking)}; its header "
                f"is: {', '.join(columns)}."
            )
        take = list(feature_names)
    if n_features is not None and len(take) != n_features:
        what = f"its header has {len(take)} columns"
        if not named:
            what = f"line {where(0)[0]} has {len(take)}"
        raise ValueError(f"{source}: expected {n_features} values per row, but {what}.")
    frame = frame[take]
    counts = {c: int(n) for c, n in frame.isna().sum().items() if n}
    for name in take:
        check_feature(source, columns.index(name), name, frame[name], where, text=False)
    if counts:
        hint = "Fill them in or remove those rows first."
        refuse_missing(source, frame, counts, where, columns, hint)
    x = frame.to_numpy(dtype=np.float64)
    beyond = np.abs(x) > np.finfo(np.float32).max
    if beyond.any():
        i, j = (int(v) for v in np.argwhere(beyond)[0])
        line, cell = raw(where, i, columns.index(take[j]), x[i, j])
        raise ValueError(
            f"{source} line {line}, column {take[j]!r}: {cell} is beyond float32's range "
            "(3.4e38), which a glassnet model computes in."
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
    file = Path(path)
    frame, _named = _csv_fast.read_frame(file, delimiter, True, _csv_exact.encoding_of(encoding))
    return [str(c) for c in frame.columns]


def _apply(path: Any, prep: TablePreprocessor, delimiter: str | None, encoding: str | None):
    """The rows of a file or DataFrame through a fitted preprocessor (`load_features`)."""
    if not isinstance(prep, TablePreprocessor):
        raise TypeError(
            f"preprocessor must be a fitted TablePreprocessor, got {type(prep).__name__}."
        )
    frame, named, source, _file = _frame(path, delimiter, None, encoding)
    if not named:
        raise ValueError(
            f"{source} has no header; the preprocessing takes its columns by name: "
            f"{', '.join(prep.columns)}."
        )
    lacking = [c for c in prep.columns if c not in frame.columns]
    if lacking:
        raise ValueError(
            f"{source} lacks the feature column(s) {', '.join(lacking)}; its header is: "
            f"{', '.join(map(str, frame.columns))}."
        )
    try:
        return prep.transform(frame[prep.columns])
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None


def _frame(path: Any, delimiter: str | None, header: bool | None, encoding: str | None):
    """(DataFrame, named, the name for messages, the file or None)."""
    if type(path).__name__ == "DataFrame" and hasattr(path, "columns"):
        frame = _csv_fast.clean_text_columns(path.copy())
        frame.columns = [str(c).strip(" \t") for c in frame.columns]
        _csv_exact.check_header(Path("the DataFrame"), list(frame.columns))
        if frame.empty:
            raise ValueError("the DataFrame has no rows.")
        return frame.reset_index(drop=True), True, "the DataFrame", None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a file path or a pandas DataFrame, got {type(path).__name__}."
        )
    file = Path(path)
    frame, named = _csv_fast.read_frame(file, delimiter, header, _csv_exact.encoding_of(encoding))
    return frame, named, file.name, file


def _rows(fit_rows: Any, n: int) -> np.ndarray:
    if isinstance(fit_rows, slice):
        return np.arange(n)[fit_rows]
    rows = np.asarray(fit_rows)
    if rows.dtype == bool:
        if rows.shape != (n,):
            raise ValueError(f"fit_rows as a mask must have {n} entries, got shape {rows.shape}.")
        return np.flatnonzero(rows)
    if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer) or len(rows) == 0:
        raise ValueError(
            f"fit_rows must be row positions, a slice or a mask, got {fit_rows!r:.60}."
        )
    if rows.min() < -n or rows.max() >= n:
        raise ValueError(f"fit_rows holds positions outside the {n} rows.")
    return rows


def _label_index(
    source: str, header: list[str], named: bool, target: str | None, label_column: int | None
) -> int:
    """The position of the label column, from its name or its (possibly negative) index."""
    if target is not None:
        if not named:
            raise ValueError(
                f"target={target!r} names a column, but {source} has no header; give "
                "label_column= (its position) instead."
            )
        if target not in header:
            raise ValueError(
                f"target column {target!r} is not in {source}; its columns are: "
                f"{', '.join(header)}."
            )
        return header.index(target)
    if isinstance(label_column, bool) or not isinstance(label_column, int):
        raise TypeError(f"label_column must be a column position (int), got {label_column!r}.")
    if not -len(header) <= label_column < len(header):
        raise ValueError(
            f"label_column={label_column} is out of range for the {len(header)} column(s) of "
            f"{source}."
        )
    return label_column % len(header)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
