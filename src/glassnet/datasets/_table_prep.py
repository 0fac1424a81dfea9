"""The fitted preprocessing of a table: fill in missing values, one-hot encode text columns.

`TablePreprocessor` learns from the training rows only (the fill-in values, the categories
of each text column) and applies exactly that to any later rows: the validation and test
parts, or new rows at predict time. It is stored as JSON (`to_dict`, `from_dict`), so a run
folder carries it and `glassnet predict` applies the identical preprocessing.

>>> import pandas as pd
>>> train = pd.DataFrame({"mass": [3.0, None, 5.0], "island": ["Dream", "Biscoe", None]})
>>> prep = TablePreprocessor(missing="mean").fit(train)
>>> prep.feature_names_out
['mass', 'island=Biscoe', 'island=Dream']
>>> prep.transform(train).tolist()
[[3.0, 0.0, 1.0], [4.0, 1.0, 0.0], [5.0, 1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._internal.checks import check_int, check_one_of

__all__ = ["MISSING_STRATEGIES", "TablePreprocessor"]

MISSING_STRATEGIES = ("error", "drop", "mean", "median", "most-frequent", "keep")
_UNKNOWN = ("error", "ignore")


class TablePreprocessor:
    """Missing values filled in and text columns one-hot encoded, fitted on training rows.

    Args:
        missing: what to do with a missing value: "error" (refuse, counting them per
            column), "drop" (the rows are dropped before fitting; at predict time a row
            with a missing value is an error, as it cannot be dropped), "mean", "median"
            or "most-frequent" (fill in that statistic of the training rows; a text
            column is always filled with its most frequent training value), or "keep"
            (missing numbers stay NaN, a missing text value is NaN in its one-hot
            columns: to describe a table, not to train on it).
        handle_unknown: a text value not seen in training: "error" (a ValueError naming
            the column, the row and the value) or "ignore" (the row's one-hot columns for
            that column are all zero).
        max_categories: the most distinct values a text column may have; more is an
            error with the count (one-hot would add that many columns).

    Attributes (after `fit`):
        columns: the input column names, in order; kinds: "number" or "text" for each.
        fill: the value filled in per column (None when nothing is filled in).
        categories: the sorted training values of each text column.
        feature_names_out: the output column names ("island=Dream" for one-hot ones).

    >>> import pandas as pd
    >>> prep = TablePreprocessor(handle_unknown="ignore").fit(pd.DataFrame({"c": ["a", "b"]}))
    >>> prep.transform(pd.DataFrame({"c": ["b", "z"]})).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """

    def __init__(
        self, missing: str = "error", handle_unknown: str = "error", max_categories: int = 50
    ) -> None:
        self.missing = check_one_of(
            "missing", missing, MISSING_STRATEGIES, what="way to handle missing values"
        )
        self.handle_unknown = check_one_of("handle_unknown", handle_unknown, _UNKNOWN)
        self.max_categories = check_int("max_categories", max_categories, minimum=2)
        self.columns: list[str] = []
        self.kinds: list[str] = []
        self.fill: list[Any] = []
        self.categories: list[list[str] | None] = []

    def fit(self, frame: Any) -> TablePreprocessor:
        """Learn the fill-in values and the categories from `frame` (the training rows).

        A column of numbers (a float or int dtype) is a number column; any other is text.
        """
        self.columns = [str(c) for c in frame.columns]
        self.kinds, self.fill, self.categories = [], [], []
        for name in frame.columns:
            column = frame[name]
            if _is_numeric(column):
                self.kinds.append("number")
                self.categories.append(None)
                self.fill.append(self._number_fill(column))
                continue
            counts = _by_count(_text(column))
            if len(counts) > self.max_categories:
                raise ValueError(
                    f"text column {str(name)!r} has {len(counts):,} distinct values; one-hot "
                    f"encoding would add {len(counts):,} columns (max_categories="
                    f"{self.max_categories}). Leave it out (load_csv(ignore=[{str(name)!r}]); "
                    f"glassnet train --ignore {name}, or remove the column from the file), "
                    "encode it as numbers, or raise max_categories (--max-categories N)."
                )
            self.kinds.append("text")
            self.categories.append(sorted(counts.index.tolist()))
            most = counts.index[0] if len(counts) else None
            self.fill.append(most if self.missing not in ("error", "drop", "keep") else None)
        return self

    def _number_fill(self, column: Any) -> float | None:
        if self.missing in ("error", "drop", "keep"):
            return None
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        present = values[~np.isnan(values)]
        if not len(present):
            return None
        if self.missing == "mean":
            return float(present.mean())
        if self.missing == "median":
            return float(np.median(present))
        return float(_by_count(column).index[0])

    @property
    def feature_names_out(self) -> list[str]:
        names: list[str] = []
        for name, cats in zip(self.columns, self.categories, strict=True):
            names.extend([name] if cats is None else [f"{name}={c}" for c in cats])
        return names

    def missing_counts(self, frame: Any) -> dict[str, int]:
        """Missing values per column of `frame` (columns without any left out)."""
        counts = frame.isna().sum()
        return {str(k): int(v) for k, v in counts.items() if v}

    def transform(self, frame: Any) -> np.ndarray:
        """The rows of `frame` as model inputs: float64, shape (rows, len(feature_names_out)).

        Raises:
            ValueError: a column is absent (the message lists the expected ones); a value
                is missing and nothing is filled in; a number column holds text; a text
                value was not seen in training and `handle_unknown="error"`.
        """

        if not self.columns:
            raise ValueError("TablePreprocessor is not fitted yet; call fit(training rows) first.")
        absent = [c for c in self.columns if c not in frame.columns]
        if absent:
            raise ValueError(
                f"the table lacks the column(s) {', '.join(absent)}; the model was trained on "
                f"{', '.join(self.columns)}."
            )
        width = sum(1 if c is None else len(c) for c in self.categories)
        out = np.zeros((len(frame), width), dtype=np.float64)
        at, numbers, places = 0, [], []
        for name, kind, cats in zip(self.columns, self.kinds, self.categories, strict=True):
            if kind == "number":
                numbers.append(name)
                places.append(at)
                at += 1
            else:
                at += len(cats)
        if numbers:  # one copy of the number columns (pandas holds them as one block)
            block = self._numbers(frame, numbers)
            if places == list(range(places[0], places[0] + len(places))):
                out[:, places[0] : places[0] + len(places)] = block
            else:
                out[:, places] = block
            if self.missing != "keep":
                fills = dict(zip(self.columns, self.fill, strict=True))
                for k in np.flatnonzero(np.isnan(block).any(axis=0)):
                    name = numbers[k]
                    if fills[name] is None:
                        self._filled(name, frame[name], None)  # raises: nothing is filled in
                    out[np.isnan(block[:, k]), places[k]] = fills[name]
        at = 0
        for name, kind, fill, cats in zip(
            self.columns, self.kinds, self.fill, self.categories, strict=True
        ):
            if kind == "text":
                self._one_hot(name, _text(frame[name]), fill, cats, out[:, at : at + len(cats)])
            at += 1 if cats is None else len(cats)
        return out

    def _numbers(self, frame: Any, names: list[str]) -> np.ndarray:
        """The number columns as float64 (missing NaN); a column holding text is an error."""
        import pandas as pd

        for name in names:
            column = frame[name]
            if not _is_numeric(column):
                values = pd.to_numeric(column.astype(object), errors="coerce")
                wrong = (values.isna() & column.notna()).to_numpy()
                if wrong.any():
                    row = int(np.argmax(wrong))
                    raise ValueError(
                        f"column {name!r} holds numbers in training, but row {row + 1} holds "
                        f"{column.iloc[row]!r}."
                    )
                frame = frame.assign(**{name: values})
        return frame[names].to_numpy(dtype=np.float64, na_value=np.nan)

    def _one_hot(self, name: str, column: Any, fill: Any, cats: list[str], hot: np.ndarray):
        """Write the 0/1 columns of text column `column` (a categorical) into `hot`."""
        import pandas as pd

        own = column.cat.codes.to_numpy()
        absent = own < 0  # missing cells
        codes = pd.Index(cats).get_indexer(column.cat.categories)  # -1: not a training one
        codes = np.append(codes, -1)[own]  # the training category of each row, -1 if none
        if absent.any() and self.missing != "keep":
            if fill is None:
                self._filled(name, column, fill)  # raises: nothing is filled in
            codes[absent] = cats.index(fill)
            absent = np.zeros_like(absent)
        unseen = (codes < 0) & ~absent
        if unseen.any() and self.handle_unknown == "error":
            row = int(np.argmax(unseen))
            raise ValueError(
                f"column {name!r} holds {str(column.iloc[row])!r} (row {row + 1}), a value not "
                f"seen in training ({', '.join(cats)}); pass handle_unknown='ignore' to "
                "encode it as all zeros."
            )
        known = np.flatnonzero(codes >= 0)
        hot[known, codes[known]] = 1.0
        hot[absent] = np.nan

    def _filled(self, name: str, column: Any, fill: Any) -> Any:
        missing = column.isna()
        if not missing.any() or self.missing == "keep":
            return column
        if fill is None:
            rows = np.flatnonzero(missing.to_numpy())[:5] + 1
            why = {
                "drop": "the training used missing='drop', and a row to predict can't be dropped",
                "error": "missing='error'",
            }.get(self.missing, "the training rows had no value in it to fill in")
            raise ValueError(
                f"column {name!r} has {int(missing.sum())} missing value(s) (row(s) "
                f"{', '.join(map(str, rows))}) and none is filled in: {why}."
            )
        return column.fillna(fill)

    def summary(self) -> str:
        """One line on what the preprocessing does ("" if nothing), e.g. for the CLI.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"a": [1.0, None], "sex": ["f", "m"]})
        >>> print(TablePreprocessor(missing="median").fit(frame).summary())
        one-hot: sex -> 2 columns (f, m); missing values filled with the training median (text...
        """
        hot = [
            f"{name} -> {len(cats)} columns ({', '.join(cats)})"
            for name, cats in zip(self.columns, self.categories, strict=True)
            if cats is not None
        ]
        parts = [f"one-hot: {'; '.join(hot)}"] if hot else []
        if self.missing in ("mean", "median", "most-frequent"):
            text = hot and self.missing != "most-frequent"
            parts.append(
                f"missing values filled with the training {self.missing.replace('-', ' ')}"
                + (" (text columns: the most frequent)" if text else "")
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; `TablePreprocessor.from_dict` rebuilds it."""
        return {
            "kind": "table",
            "missing": self.missing,
            "handle_unknown": self.handle_unknown,
            "max_categories": self.max_categories,
            "columns": list(self.columns),
            "kinds": list(self.kinds),
            "fill": list(self.fill),
            "categories": [None if c is None else list(c) for c in self.categories],
        }

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> TablePreprocessor:
        """The preprocessor `to_dict` described (as stored in a run's run.json).

        >>> import pandas as pd
        >>> prep = TablePreprocessor().fit(pd.DataFrame({"c": ["a", "b"]}))
        >>> TablePreprocessor.from_dict(prep.to_dict()).feature_names_out
        ['c=a', 'c=b']
        """
        if not isinstance(spec, Mapping) or spec.get("kind") != "table":
            raise ValueError(
                f"a table preprocessing must be an object of kind 'table', got {spec!r:.80}."
            )
        prep = cls(spec["missing"], spec["handle_unknown"], spec["max_categories"])
        prep.columns = [str(c) for c in spec["columns"]]
        prep.kinds = list(spec["kinds"])
        prep.fill = list(spec["fill"])
        prep.categories = [None if c is None else [str(v) for v in c] for c in spec["categories"]]
        n = len(prep.columns)
        if not (len(prep.kinds) == len(prep.fill) == len(prep.categories) == n):
            raise ValueError(
                "a table preprocessing needs one kind, fill and categories per column."
            )
        return prep


def _by_count(values: Any) -> Any:
    """Value counts, most frequent first; ties in sorted order of the values (deterministic)."""
    import pandas as pd

    counts = values.value_counts(sort=False)
    if isinstance(counts.index, pd.CategoricalIndex):  # it counts absent categories too
        counts = counts[counts.to_numpy() > 0]
        counts.index = pd.Index(np.asarray(counts.index, dtype=object), dtype=object)
    counts = counts.sort_index(kind="stable")
    return counts.sort_values(ascending=False, kind="stable")


def _text(column: Any) -> Any:
    """A text column as a categorical of str values (the reader's columns already are)."""
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        if all(isinstance(c, str) for c in column.cat.categories[:1]):
            return column
        column = column.astype(object)
    text = column.astype(str).where(column.notna(), None)
    return text.astype("category")


def _is_numeric(column: Any) -> bool:
    import pandas as pd

    kind = column.dtype
    if isinstance(kind, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(kind):
        return False
    return bool(pd.api.types.is_numeric_dtype(kind))
