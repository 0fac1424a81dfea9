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

import codecs
import csv
import itertools
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
    columns, rows, lines, named = _read(path, delimiter, header, _encoding(encoding))
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
        _check_numbers(path, cells, lines)
    _check_missing(path, columns, cells, lines)
    x = np.empty((len(rows), len(features)), dtype=np.float64)
    for out, j in enumerate(features):
        x[:, out] = _to_float(path, columns[j], cells[:, j], lines)
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


def _read(
    path: Path, delimiter: str | None, header: bool | None, encoding: str
) -> tuple[list[str], list[list[str]], list[int], bool]:
    """Column names, data rows (cells stripped), each row's line number, and whether the
    file had a header (else the names are "column 1", ...); checks the shape."""
    if not path.exists():
        raise FileNotFoundError(f"CSV file {str(path)!r} does not exist.")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder; expected a CSV file.")
    records = _records(path, delimiter, encoding)
    if not records:
        expected = "a header row and data rows" if header else "data rows"
        raise ValueError(f"CSV file {path.name} is empty; expected {expected}.")
    first_line, first_row = records[0]
    named = header if header is not None else not all(map(_is_number, first_row))
    if named:
        names = first_row
        _check_header(path, names)
        records = records[1:]
    else:
        names = [f"column {j + 1}" for j in range(len(first_row))]
    for line, cells in records:
        if len(cells) != len(names) and named:
            raise ValueError(
                f"{path.name} line {line} has {len(cells)} cells, the header has "
                f"{len(names)} ({', '.join(names)})."
            )
        if len(cells) != len(names):
            raise ValueError(
                f"{path.name} line {line} has {len(cells)} columns, expected {len(names)} "
                f"as in line {first_line}."
            )
    if not records and header is None:
        raise ValueError(
            f"CSV file {path.name} holds no data rows: its one row ({', '.join(names)}) is "
            "not all numbers, so it was read as the header."
        )
    if not records:
        raise ValueError(f"CSV file {path.name} has a header but no data rows.")
    return names, [cells for _, cells in records], [line for line, _ in records], named


def _records(path: Path, delimiter: str | None, encoding: str) -> list[tuple[int, list[str]]]:
    """(first line, cells stripped of spaces and tabs) of every row that holds something.

    The csv module reads the file object itself (`newline=""`), as the CSV standard
    says: a quoted cell keeps its newlines, delimiters and doubled quotes; only \\n, \\r
    and \\r\\n end a line (not U+2028 or a vertical tab). An unclosed quote, text after a
    closing quote, a NUL byte or bytes that are not `encoding` are errors naming the line.
    """
    records: list[tuple[int, list[str]]] = []
    line = 0  # the last physical line read
    try:
        with open(path, newline="", encoding=encoding) as handle:
            first = handle.readline()
            if delimiter is None:
                row = first.rstrip("\r\n")
                delimiter = max([",", ";", "\t", "|"], key=row.count)
            reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter, strict=True)
            while True:
                start = line + 1
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    raise ValueError(f"{path.name} line {start}: {_csv_fault(error)}") from None
                line = reader.line_num
                cells = [cell.strip(" \t") for cell in record]
                for j, cell in enumerate(cells):
                    if "\x00" in cell:
                        raise ValueError(
                            f"{path.name} line {start}, column {j + 1}: a NUL byte (\\x00): "
                            "the file is damaged, not text, or UTF-16 text (then pass "
                            "encoding='utf-16')."
                        )
                if any(cells):  # blank lines (and rows of empty cells) carry nothing
                    records.append((start, cells))
    except UnicodeDecodeError as error:
        raise ValueError(_decode_fault(path, encoding, error)) from None
    return records


def _csv_fault(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text:
        return (
            'a quoted cell that starts here is never closed (a " without its closing "), '
            "so the rest of the file would be one cell."
        )
    if "expected after" in text:
        return 'text follows a closing quote; write a quote inside a quoted cell twice ("").'
    if "field larger than field limit" in text:
        return f"a cell longer than {csv.field_size_limit():,} characters; is this a CSV file?"
    if "NUL" in text:
        return "a NUL byte (\\x00): the file is damaged, not text, or UTF-16 (encoding='utf-16')."
    return text


def _decode_fault(path: Path, encoding: str, error: UnicodeDecodeError) -> str:
    raw = path.read_bytes()  # error path only: find the byte and its line in the file
    try:
        raw.decode(encoding)
        offset, byte = 0, error.object[error.start]
    except UnicodeDecodeError as again:
        offset, byte = again.start, raw[again.start]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "It starts with a UTF-16 byte-order mark: pass encoding='utf-16'."
    else:
        hint = "Pass the file's encoding, e.g. encoding='latin-1' or encoding='utf-16'."
    shown = "UTF-8" if encoding == "utf-8-sig" else encoding
    line = raw.count(b"\n", 0, offset) + 1
    return (
        f"{path.name} is not {shown} text: byte 0x{byte:02x} on line {line} can't be decoded "
        f"as {shown}. {hint}"
    )


def _encoding(encoding: str | None) -> str:
    """The codec to read with: UTF-8 (a BOM allowed) unless another is named."""
    if encoding is None:
        return "utf-8-sig"
    if not isinstance(encoding, str):
        raise TypeError(f"encoding must be a codec name such as 'latin-1', got {encoding!r}.")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"encoding={encoding!r} is not a known text encoding.") from None
    return "utf-8-sig" if name == "utf-8" else encoding


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


def _check_numbers(path: Path, cells: np.ndarray, lines: list[int]) -> None:
    """A file without a header is a table of numbers: raise at its first other cell."""
    try:
        if np.isfinite(cells.astype(str).astype(np.float64)).all():
            return
    except ValueError:
        pass  # error path only: look for the culprit cell by cell, in reading order
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            if not _is_finite_number(cell):
                raise ValueError(
                    f"{path.name} line {lines[i]}, column {j + 1}: {cell!r} is not a finite number."
                )


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
    return _is_number(cell) and bool(np.isfinite(float(cell)))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


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
