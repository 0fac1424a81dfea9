"""Know your data: a report of sizes, ranges, gaps, duplicates, classes and what to do.

`describe(x, y)` returns a `DataReport`. Print it in a terminal, show it in a notebook
(it renders as an HTML table), or take its numbers from its attributes or `to_dict()`.
It warns about what the lecture warns about: imbalanced classes (a model predicting the
majority class always scores the majority-class baseline), unscaled pixel values, missing
values, constant features and duplicate rows.

>>> import numpy as np
>>> report = describe(np.zeros((100, 2)) + np.arange(100)[:, None], np.array([0] * 90 + [1] * 10))
>>> report.baseline_accuracy, report.imbalance_ratio
(0.9, 9.0)
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._internal import html
from glassnet._internal.checks import describe as _describe
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import short
from glassnet._internal.words import plural
from glassnet.datasets._stats import count_duplicates, feature_stats
from glassnet.metrics import baseline_from_counts, imbalance_ratio, is_imbalanced

__all__ = ["DataReport", "describe"]

_MAX_FEATURE_ROWS = 20  # features listed one per row in the text report, at most


@dataclass
class DataReport:
    """What `describe` found. Per-feature arrays are flattened: feature j of an image is
    pixel j in row-major order.

    Attributes:
        n_samples: number of samples (rows, images).
        feature_shape: shape of one sample, e.g. (28, 28) or (4,).
        dtype: the data's dtype, e.g. "uint8".
        min, max, mean, std: over all finite values.
        feature_names: a name per feature (tables), or None.
        feature_min, feature_max, feature_mean, feature_std: per feature, shape
            (n_features,), over the finite values (NaN where a feature has none).
        missing_per_feature: NaN values per feature; `n_missing` their total.
        n_infinite: values equal to +inf or -inf.
        constant_features: indices of features with a single value in every sample.
        n_duplicates: rows equal to an earlier row.
        labels: the distinct labels, sorted; `class_names` their names (same order).
        class_counts: samples per label; `class_proportions` the same as fractions.
        imbalance_ratio: largest class count / smallest class count.
        majority_class: name of the largest class.
        baseline_accuracy: accuracy of always predicting the majority class.
        warnings: problems found, one sentence each.
        suggestions: what to do about them (and the usual next steps).
    """

    n_samples: int
    feature_shape: tuple[int, ...]
    dtype: str
    min: float
    max: float
    mean: float
    std: float
    feature_names: list[str] | None
    feature_min: np.ndarray = field(repr=False)
    feature_max: np.ndarray = field(repr=False)
    feature_mean: np.ndarray = field(repr=False)
    feature_std: np.ndarray = field(repr=False)
    missing_per_feature: np.ndarray = field(repr=False)
    n_missing: int = 0
    n_infinite: int = 0
    constant_features: list[int] = field(default_factory=list)
    n_duplicates: int = 0
    labels: list[Any] | None = None
    class_names: list[str] | None = None
    class_counts: list[int] | None = None
    class_proportions: list[float] | None = None
    imbalance_ratio: float | None = None
    majority_class: str | None = None
    baseline_accuracy: float | None = None
    warnings: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def n_features(self) -> int:
        """Number of features: the product of `feature_shape`."""
        return int(np.prod(self.feature_shape, dtype=np.int64))

    @property
    def is_image(self) -> bool:
        """True when each sample has two or more axes (an image)."""
        return len(self.feature_shape) >= 2

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain Python values (lists, floats, ints), ready for JSON."""
        out = {name: jsonable(getattr(self, name)) for name in self.__dataclass_fields__}
        out["n_features"] = self.n_features
        return out

    # ----- rendering -------------------------------------------------------------------

    def _sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The report as titled lists of (label, value) rows, shared by text and HTML."""
        shape = " x ".join(str(s) for s in self.feature_shape) or "scalar"
        data = [
            ("samples", f"{self.n_samples:,}"),
            ("features", f"{self.n_features:,} (each sample: {shape})"),
            ("dtype", self.dtype),
            ("value range", _between(self.min, self.max)),
            ("mean ± std", _between(self.mean, self.std, " ± ")),
        ]
        if self.n_samples and not np.isfinite([self.min, self.max]).any():
            none = "none: all values are missing" if self.n_missing else "none: no finite value"
            data[3:5] = [("value range", none), ("mean ± std", none)]
        if self.n_features > _MAX_FEATURE_ROWS or self.is_image:
            what = "pixel" if self.is_image else "feature"
            data += [
                (f"per-{what} mean", _between(*_extremes(self.feature_mean))),
                (f"per-{what} std", _between(*_extremes(self.feature_std))),
            ]
            if np.isnan(self.feature_mean).all():
                data[-2:] = [(label, data[3][1]) for label, _ in data[-2:]]
        missing = "none"
        if self.n_missing:
            columns = int((self.missing_per_feature > 0).sum())
            missing = f"{self.n_missing:,} in {plural(columns, 'feature')}"
        data.append(("missing values", missing))
        if self.n_infinite:
            data.append(("infinite values", f"{self.n_infinite:,}"))
        constant = "none"
        if self.constant_features:
            shown = ", ".join(self._feature_label(j) for j in self.constant_features[:8])
            more = ", ..." if len(self.constant_features) > 8 else ""
            constant = f"{len(self.constant_features)} ({shown}{more})"
        data.append(("constant features", constant))
        data.append(("duplicate rows", f"{self.n_duplicates:,}"))
        sections = [("Data", data)]
        if self.n_features <= _MAX_FEATURE_ROWS and not self.is_image:
            rows = []
            for j in range(self.n_features):
                if self.n_samples and self.missing_per_feature[j] == self.n_samples:
                    rows.append((self._feature_label(j), "all missing (NaN in every sample)"))
                    continue
                extra = (
                    f", {self.missing_per_feature[j]} missing"
                    if self.missing_per_feature[j]
                    else ""
                )
                rows.append(
                    (
                        self._feature_label(j),
                        f"{_between(self.feature_min[j], self.feature_max[j])}, "
                        f"mean {_between(self.feature_mean[j], self.feature_std[j], ' ± ')}{extra}",
                    )
                )
            sections.append(("Features (range, mean ± std)", rows))
        if self.labels is not None:
            rows = [
                (name, f"{count:,} ({proportion:.1%})")
                for name, count, proportion in zip(
                    self.class_names, self.class_counts, self.class_proportions, strict=True
                )
            ]
            rows.append(("imbalance ratio", f"{self.imbalance_ratio:.2f} (largest / smallest)"))
            rows.append(
                (
                    "majority baseline",
                    f"accuracy {self.baseline_accuracy:.3g} by always predicting "
                    f"{self.majority_class!r}",
                )
            )
            sections.append((f"Classes ({len(self.labels)})", rows))
        if self.warnings:
            sections.append(("Warnings", [("!", w) for w in self.warnings]))
        if self.suggestions:
            sections.append(("Suggestions", [("-", s) for s in self.suggestions]))
        return sections

    def _feature_label(self, j: int) -> str:
        if self.feature_names is not None:
            return self.feature_names[j]
        if self.is_image:
            return "pixel " + str(tuple(int(i) for i in np.unravel_index(j, self.feature_shape)))
        return f"feature {j}"

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.table import Table

        tables = []
        for title, rows in self._sections():
            table = Table(title=title, title_justify="left", show_header=False, box=None)
            table.add_column(style="bold" if title not in ("Warnings", "Suggestions") else "")
            style = {"Warnings": "yellow", "Suggestions": "cyan"}.get(title, "")
            table.add_column(style=style, overflow="fold")
            for label, value in rows:
                table.add_row(label, value)
            tables.append(table)
        return Group(*tables)

    def __str__(self) -> str:
        from glassnet._internal.console import make_console

        buffer = io.StringIO()
        console = make_console(file=buffer, width=100, color_system=None, force_terminal=False)
        console.print(self.__rich__())
        return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        parts = []
        for title, rows in self._sections():
            parts.append(f"<div style='margin-top:6px'><b>{html.escape(title)}</b></div>")
            parts.append(html.table(None, rows))
        return html.card("Data report", *parts, kind="data-report")


def describe(
    x: Any,
    y: Any = None,
    *,
    feature_names: Sequence[str] | None = None,
    class_names: Sequence[str] | None = None,
) -> DataReport:
    """Describe a data set: what the lecture calls "know your data".

    Args:
        x: samples, shape (samples,) for one feature, (samples, features), or
            (samples, rows, columns, ...) for images. NaN counts as missing.
        y: optional class labels, shape (samples,): integers or text.
        feature_names: a name per feature of a table, for the report.
        class_names: names of integer labels: `class_names[label]`.

    Returns:
        A `DataReport`; print it, or read its attributes.

    Raises:
        TypeError: x or y of a non-numeric (x) or unsupported kind.
        ValueError: empty x, y of another length or not 1-D, NaN in y, or names of the
            wrong count.

    >>> import numpy as np
    >>> report = describe(np.array([[0, 255], [0, 128]], dtype=np.uint8), [1, 0])
    >>> report.constant_features, report.class_counts
    ([0], [1, 1])
    >>> print(next(s for s in report.suggestions if s.startswith("pixel")))
    pixel values range 0-255: scale them to [0, 1] with gn.datasets.scale_images(x) (x / 255.0).
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must be numeric, got {_describe(x)}.")
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"x must hold at least one sample, got shape {x.shape}.")
    if x.dtype.kind == "b":
        x = x.astype(np.uint8)
    n = len(x)
    feature_shape = x.shape[1:]
    flat = x.reshape(n, -1)  # (samples, features)
    n_features = flat.shape[1]
    if feature_names is not None:
        feature_names = [str(name) for name in feature_names]
        if len(feature_names) != n_features:
            raise ValueError(
                f"feature_names must name each of the {n_features} features, got "
                f"{len(feature_names)} names."
            )
    stats = feature_stats(flat)
    finite_total = int(stats["count"].sum())
    mean = float(stats["sum"].sum() / finite_total) if finite_total else float("nan")
    if finite_total:
        spread = stats["sq"] + stats["count"] * (np.nan_to_num(stats["mean"]) - mean) ** 2
        std = float(np.sqrt(spread.sum() / finite_total))
    else:
        std = float("nan")
    constant = np.flatnonzero((stats["min"] == stats["max"]) & (stats["missing"] == 0))
    report = DataReport(
        n_samples=n,
        feature_shape=tuple(int(s) for s in feature_shape),
        dtype=str(x.dtype),
        min=float(np.nanmin(stats["min"])) if finite_total else float("nan"),
        max=float(np.nanmax(stats["max"])) if finite_total else float("nan"),
        mean=mean,
        std=std,
        feature_names=feature_names,
        feature_min=stats["min"],
        feature_max=stats["max"],
        feature_mean=stats["mean"],
        feature_std=stats["std"],
        missing_per_feature=stats["missing"],
        n_missing=int(stats["missing"].sum()),
        n_infinite=int(stats["infinite"].sum()),
        constant_features=[int(j) for j in constant],
        n_duplicates=count_duplicates(flat),
    )
    if y is not None:
        _describe_classes(report, y, n, class_names)
    _advise(report, x)
    return report


def _describe_classes(
    report: DataReport, y: Any, n: int, class_names: Sequence[str] | None
) -> None:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must have shape (samples,), got shape {y.shape}.")
    if len(y) != n:
        raise ValueError(f"x and y must have the same number of samples, got {n} and {len(y)}.")
    if y.dtype.kind not in "biufUSO":
        raise TypeError(f"y must hold class labels (integers or text), got {_describe(y)}.")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinity; every sample needs a class label.")
    labels, counts = np.unique(y, return_counts=True)
    names = [str(label) for label in labels]
    if class_names is not None:
        class_names = list(class_names)
        if y.dtype.kind not in "biu" or labels.min() < 0 or labels.max() >= len(class_names):
            raise ValueError(
                f"class_names must name integer labels 0..{len(class_names) - 1}, got labels "
                f"{labels.tolist()[:10]}."
            )
        names = [str(class_names[int(label)]) for label in labels]
    report.labels = [label.item() if hasattr(label, "item") else label for label in labels]
    report.class_names = names
    report.class_counts = [int(c) for c in counts]
    report.class_proportions = [float(c) / n for c in counts]
    report.imbalance_ratio = imbalance_ratio(counts)
    report.majority_class = names[int(np.argmax(counts))]
    report.baseline_accuracy = baseline_from_counts(counts)


def _advise(report: DataReport, x: np.ndarray) -> None:
    """Fill `warnings` and `suggestions`."""
    warn, advise = report.warnings.append, report.suggestions.append
    if report.n_missing:
        columns = np.flatnonzero(report.missing_per_feature)
        listed = ", ".join(
            f"{report._feature_label(j)} {report.missing_per_feature[j]}" for j in columns[:8]
        )
        more = ", ..." if len(columns) > 8 else ""
        warn(f"{report.n_missing:,} missing (NaN) values: {listed}{more}.")
        empty = np.flatnonzero(report.missing_per_feature == report.n_samples)
        if len(empty):
            shown = ", ".join(report._feature_label(j) for j in empty[:8])
            more = ", ..." if len(empty) > 8 else ""
            are = "is" if len(empty) == 1 else "are"
            warn(
                f"{len(empty)} of the {report.n_features} {_what(report)} {are} all missing "
                f"(NaN in every sample): {shown}{more}."
            )
        advise(
            "fill in (impute) or remove the missing values before training; NaN breaks training."
        )
        if len(empty):
            advise(f"drop the {_what(report)} that are all missing: they hold nothing to learn.")
    if report.n_infinite:
        warn(f"{report.n_infinite:,} infinite values.")
        advise("replace the infinite values: they make losses and gradients overflow.")
    if report.labels is not None:
        k = len(report.labels)
        if k == 1:
            warn(f"only one class ({report.class_names[0]!r}): there is nothing to classify.")
        elif is_imbalanced(report.class_counts):
            counts = report.class_counts
            small = report.class_names[int(np.argmin(counts))]
            warn(
                f"imbalanced classes: the majority class {report.majority_class!r} has "
                f"{report.imbalance_ratio:.1f}x the samples of the minority class {small!r} "
                f"({max(counts):,} vs {min(counts):,}). A model that always predicts "
                f"{report.majority_class!r} scores accuracy {report.baseline_accuracy:.3g} "
                "(the majority-class baseline)."
            )
            advise(
                f"judge accuracy against the {report.baseline_accuracy:.3g} baseline and look "
                "at balanced accuracy and per-class recall; split with stratify=True; consider "
                "class weights or resampling."
            )
        rare = [
            name for name, c in zip(report.class_names, report.class_counts, strict=True) if c < 10
        ]
        if rare and k > 1:
            shown = ", ".join(repr(r) for r in rare[:5])
            warn(
                f"{plural(len(rare), 'class', 'classes')} with fewer than 10 samples ({shown}): "
                "too few to learn from and to appear in every part of a split."
            )
    if report.constant_features:
        what = "pixels" if report.is_image else "features"
        count = len(report.constant_features)
        warn(f"{plural(count, 'constant ' + what[:-1])}: the same value in every sample.")
        advise(f"constant {what} carry no information; they can be dropped.")
    if report.n_duplicates:
        warn(f"{report.n_duplicates:,} duplicate rows (equal to an earlier row).")
        advise(
            "remove duplicates before splitting: copies in both training and test data "
            "inflate the test score."
        )
    if (x.dtype == np.uint8 or report.is_image) and report.min >= 0 and report.max > 1:
        top = report.max
        how = (
            "gn.datasets.scale_images(x) (x / 255.0)"
            if top <= 255
            else (f"gn.datasets.scale_images(x, max_value={short(top, thousands=True)})")
        )
        advise(
            f"pixel values range {_between(report.min, top, '-')}: scale them to [0, 1] with {how}."
        )
    elif not report.is_image and report.n_features > 1:
        spans = (report.feature_max - report.feature_min)[np.isfinite(report.feature_max)]
        spans = spans[spans > 0]
        if len(spans) > 1 and spans.max() > 10 * spans.min():
            advise(
                f"feature ranges differ widely (spans from {_between(spans.min(), spans.max())}): "
                "standardise them with StandardScaler fitted on the training part only."
            )
        elif np.isfinite(report.max) and max(abs(report.min), abs(report.max)) > 10:
            advise(
                "values reach beyond ±10: scale the features (StandardScaler or "
                "MinMaxScaler, fitted on the training part only)."
            )
    if report.labels is not None and len(report.labels) > 1:
        advise(
            "split before scaling: gn.datasets.train_val_test_split(x, y, 'small') for "
            "80/10/10, 'large' for 60/20/20; fit scalers on the training part only."
        )


def _between(first: float, second: float, between: str = " to ") -> str:
    """Two numbers of the report with a word or a sign between them: "0 to 255", "3 ± 1.5"."""
    return f"{short(first, thousands=True)}{between}{short(second, thousands=True)}"


def _what(report: DataReport) -> str:
    """What the columns are called: "pixels" or "features"."""
    return "pixels" if report.is_image else "features"


def _extremes(values: np.ndarray) -> tuple[float, float]:
    """The smallest and the largest of `values`, NaN skipped (NaN if all are NaN)."""
    if np.isnan(values).all():
        return float("nan"), float("nan")
    return np.nanmin(values), np.nanmax(values)
