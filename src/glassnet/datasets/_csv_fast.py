"""Reading a CSV table fast, with pandas' C reader, held to the CSV standard.

pandas reads the table (`read_csv`, C engine). What it would let pass silently, the
standard library's csv module (`_csv_exact`) checks: a file holding a quote character is
also read by `csv` once, strictly, without keeping the rows (text after a closing quote,
rows whose cell count is wrong); a file whose last column has missing cells is checked
the same way (a short row shows as missing trailing cells in pandas). A NUL byte sends the
file to the exact reader. Errors found by pandas are re-read by the exact reader for a
message naming the line.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("a,b,label\\n1, x ,y\\n2,NA,z\\n")
>>> frame, named = read_frame(path, None, True, "utf-8-sig")
>>> frame.to_dict("list"), named
({'a': [1, 2], 'b': ['x', nan], 'label': ['y', 'z']}, True)
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from typing import Any

from glassnet.datasets import _csv_exact as exact

__all__ = ["MISSING", "clean_text_columns", "locate", "numbers_in", "read_frame"]

# Cell values read as "missing" (compared after stripping spaces, case-insensitively).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "?"})
_CHUNK = 1 << 20


def _case_variants(word: str) -> set[str]:
    pairs = [(c.lower(), c.upper()) for c in word]
    return {"".join(p) for p in itertools.product(*pairs)}


_NA_VALUES = sorted(set().union(*(_case_variants(w) for w in MISSING)))


def _scan(path: Path) -> tuple[bool, bool]:
    """Whether the file holds a NUL byte, and whether it holds a quote, read in chunks."""
    nul = quote = False
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            nul = nul or b"\x00" in chunk
            quote = quote or b'"' in chunk
            if nul:
                break
    return nul, quote


def read_frame(
    path: Path, delimiter: str | None, header: bool | None, encoding: str
) -> tuple[Any, bool]:
    """The table as a pandas DataFrame (text cells stripped, missing cells NaN) and whether
    the file had a header (else the columns are "column 1", ...)."""
    import pandas as pd

    if not path.exists():
        raise FileNotFoundError(f"CSV file {str(path)!r} does not exist.")
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder; expected a CSV file.")
    exact.check_not_binary(path)
    nul, quote = _scan(path)
    if nul:
        return _exact_frame(path, delimiter, header, encoding)
    first = _first_record(path, delimiter, encoding)
    if first is None:
        exact.read_table(path, delimiter, header, encoding)  # raises: the file is empty
    delimiter, names = first
    named = header if header is not None else not all(map(exact.is_number, names))
    if named:
        exact.check_header(path, names)
    else:
        names = [f"column {j + 1}" for j in range(len(names))]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # DtypeWarning: mixed columns are typed below
            frame = pd.read_csv(
                path,
                sep=delimiter,
                header=0 if named else None,
                names=names,
                encoding=encoding,
                keep_default_na=False,
                na_values=_NA_VALUES,
                skip_blank_lines=True,
                quotechar='"',
                doublequote=True,
                escapechar=None,
                engine="c",
                index_col=False,  # a first data row with an extra cell is not an index
            )
        if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            exact.read_table(path, delimiter, header, encoding)  # raises, naming the line
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as e:
        exact.read_table(path, delimiter, header, encoding)  # raises the exact message
        raise ValueError(f"{path.name}: {e}") from None
    if frame.empty:
        exact.read_table(path, delimiter, header, encoding)  # raises: no data rows
    last = frame.columns[-1]
    if quote or bool(frame[last].isna().any()):
        for _line, cells in exact.iter_records(path, delimiter, encoding):
            if len(cells) != len(names):
                exact.read_table(path, delimiter, header, encoding)  # raises, naming the line
    frame = _drop_empty_rows(frame)
    if frame.empty:
        exact.read_table(path, delimiter, header, encoding)
    return clean_text_columns(frame), bool(named)


def _drop_empty_rows(frame: Any) -> Any:
    """The frame without its rows of missing cells only (they carry nothing). Such a row
    misses its last cell, so only the rows where that one is missing are looked at."""
    last = frame[frame.columns[-1]].isna().to_numpy()
    if not last.any():
        return frame
    rows = last.nonzero()[0]
    empty = rows[frame.iloc[rows].isna().all(axis=1).to_numpy()]
    if not len(empty):
        return frame
    return frame.drop(index=frame.index[empty]).reset_index(drop=True)


def _first_record(path: Path, delimiter: str | None, encoding: str) -> tuple[str, list[str]] | None:
    """(delimiter, cells) of the file's first row that holds something, or None."""
    if delimiter is None:
        try:
            with open(path, newline="", encoding=encoding) as handle:
                delimiter = exact.sniff_delimiter(handle.readline())
        except UnicodeDecodeError:
            exact.read_table(path, delimiter, None, encoding)  # raises naming the byte
    for _line, cells in exact.iter_records(path, delimiter, encoding):
        return delimiter, cells
    return None


def _exact_frame(path: Path, delimiter: str | None, header: bool | None, encoding: str):
    """The exact reader's table as a DataFrame of text (for files pandas can't read)."""
    import pandas as pd

    names, rows, _lines, named = exact.read_table(path, delimiter, header, encoding)
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    return clean_text_columns(frame), named


def clean_text_columns(frame: Any) -> Any:
    """Text cells stripped of spaces and tabs; missing markers ("", "NA", "?", ...) NaN;
    text columns whose every value is a number converted to numbers, the others made
    pandas categoricals (of str values).

    The work is done once per distinct value (`pandas.factorize`), not per cell: a text
    column of a large table holds few distinct values, and as a categorical it is held as
    small integer codes, which the one-hot encoding and the label encoding use directly.
    """
    import numpy as np
    import pandas as pd

    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column.dtype) and not isinstance(
            column.dtype, pd.CategoricalDtype
        ):
            continue
        codes, uniques = pd.factorize(column)  # missing cells get code -1
        text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
        text = text.str.strip(" \t")
        text = text.where(~text.str.lower().isin(MISSING), None)
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers.notna().sum() == text.notna().sum() and len(text):
            values = np.append(numbers.to_numpy(dtype=np.float64), np.nan)
            frame[name] = pd.Series(values[codes], index=frame.index)
            continue
        merged, categories = pd.factorize(text)  # " a" and "a" are one value; None is -1
        codes = np.append(merged, -1)[codes]
        categories = pd.Index(np.asarray(categories, dtype=object), dtype=object)
        frame[name] = pd.Series(
            pd.Categorical.from_codes(codes, categories=categories), index=frame.index
        )
    return frame


def numbers_in(column: Any) -> Any:
    """Which cells of a text column are numbers (bool array), once per distinct value."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(column)
    numeric = pd.to_numeric(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce")
    return np.append(numeric.notna().to_numpy(), False)[codes]


def locate(path: Path | None, delimiter: str | None, encoding: str, row: int, named: bool):
    """(line, cells) of data row `row` (from 0, as pandas counts) of the file; error path only.

    Without a file (a DataFrame was given) the "line" is the row's position from 1.
    """
    if path is None:
        return row + 1, None
    count = -1 if named else 0
    for line, cells in exact.iter_records(path, delimiter, encoding):
        if count == row:
            return line, cells
        count += 1
    return row + 1, None
