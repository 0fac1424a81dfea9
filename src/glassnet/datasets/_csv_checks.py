"""The cell checks and the label encoding of `load_csv` and `load_features`: each error
names the file (or "the DataFrame") and the line of the cell at fault.

>>> import pandas as pd
>>> labels(pd.Series([2.0, 10.0, 2.0]), "labels", "classification")
(array([0, 1, 0]), ['2', '10'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.datasets import _csv_fast

__all__ = ["check_feature", "check_numbers", "labels", "raw", "refuse_missing"]


def raw(where, row: int, j: int, fallback: Any) -> tuple[int, Any]:
    line, cells = where(row)
    return line, (cells[j] if cells is not None and j < len(cells) else fallback)


def check_numbers(source: str, frame: Any, where) -> None:
    """A file without a header is a table of numbers: raise at its first other cell."""
    bad = np.zeros(frame.shape, dtype=bool)
    for j, name in enumerate(frame.columns):
        column = frame[name]
        if _is_number_column(column):
            bad[:, j] = ~np.isfinite(column.to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            bad[:, j] = ~_numbers_in(column)
    if bad.any():
        row, j = np.argwhere(bad)[0]
        line, cell = raw(where, int(row), int(j), frame.iat[row, j])
        raise ValueError(f"{source} line {line}, column {j + 1}: {cell!r} is not a finite number.")


def check_feature(source: str, j: int, name: str, column: Any, where, text: bool = True) -> None:
    """A number column must be finite; a text column must not mix in numbers (nor exist,
    unless `text`: then it is one-hot encoded)."""
    if _is_number_column(column):
        bad = np.isinf(column.to_numpy(dtype=np.float64, na_value=np.nan))
    else:
        present = column.notna().to_numpy()
        numeric = _numbers_in(column)
        if text and not numeric.any():
            return  # a text column: one-hot encoded
        bad = present & ~numeric  # a column mixing numbers and text: its first text cell
    if bad.any():
        row = int(np.argmax(bad))
        line, cell = raw(where, row, j, column.iloc[row])
        raise ValueError(
            f"{source}: feature column {name!r} must be numeric, but line {line} holds "
            f"{str(cell)!r}. Encode it as numbers, or drop the column."
        )


def _numbers_in(column: Any) -> np.ndarray:
    return _csv_fast.numbers_in(column)


def _is_number_column(column: Any) -> bool:
    import pandas as pd

    kind = column.dtype
    return bool(pd.api.types.is_numeric_dtype(kind)) and not pd.api.types.is_bool_dtype(kind)


def refuse_missing(
    source: str, frame: Any, counts: dict[str, int], where, file_columns=None, hint=None
) -> None:
    """Raise listing, per column, how many cells are missing (`file_columns`: the file's
    columns, when `frame` holds only some of them)."""
    mask = frame.isna().to_numpy()
    row, j = (int(v) for v in np.argwhere(mask)[0])
    name = frame.columns[j]
    line, cell = raw(where, row, j if file_columns is None else file_columns.index(name), "")
    listed = ", ".join(f"{c} {n}" for c, n in counts.items())
    hint = hint or (
        "Fill them in, or pass missing='drop', 'mean', 'median' or 'most-frequent' "
        "(glassnet train: --missing drop|mean|median|most-frequent)."
    )
    raise ValueError(
        f"{source} has {sum(counts.values())} missing value(s) in {len(counts)} column(s): "
        f"{listed} (the first at line {line}, column {name!r}: {cell!r}). {hint}"
    )


def labels(column: Any, what: str, task: str) -> tuple[np.ndarray, list[str]]:
    import pandas as pd

    if task == "regression":
        if not _is_number_column(column):
            raise ValueError(f"{what} must hold numbers for task='regression'.")
        values = column.to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError(f"{what} holds inf; a regression target must be finite.")
        return values, []
    if _is_number_column(column):
        values = column.to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            return _encode(np.asarray([_number_text(v) for v in values], dtype=str), what)
        numbers, codes = np.unique(values, return_inverse=True)
        fractional = numbers != np.round(numbers)
        if fractional.any():
            raise ValueError(
                f"{what} holds non-integer numbers (e.g. {_number_text(numbers[fractional][0])!r}"
                "), as a regression target would; load_csv needs class labels (integers or "
                "text)."
            )
        return codes.astype(np.int64).reshape(-1), [_number_text(v) for v in numbers]
    if isinstance(column.dtype, pd.CategoricalDtype):
        # A text column (the reader made it a categorical): the classes in sorted order of
        # the text, from the codes (the rows left after dropping may lack a category).
        codes = column.cat.codes.to_numpy()
        present = np.unique(codes)
        names = np.asarray(column.cat.categories, dtype=str)[present]
        order = np.argsort(names, kind="stable")
        rank = np.zeros(len(column.cat.categories), dtype=np.int64)
        rank[present[order]] = np.arange(len(present))
        return rank[codes], [str(n) for n in names[order]]
    return _encode(column.to_numpy(dtype=str), what)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


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
