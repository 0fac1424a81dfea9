"""`ClassificationReport`: per-class precision, recall, F1 and support, as text, HTML and
a dict, with accuracy never shown alone."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._internal import html
from glassnet._internal.checks import check_int
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import UNDEFINED, fixed
from glassnet.metrics._scores import (
    as_labels,
    average_over_classes,
    class_labels,
    label_pair,
    per_class,
)
from glassnet.metrics._summary import AccuracySummary, check_class_names, summarize


class ClassificationReport:
    """Per-class precision, recall, F1 and support, averages, and accuracy in context.

    Prints as a text table (`print(report)`), renders as an HTML table in a notebook
    and converts with `to_dict()`. Undefined values print as "—" and are explained
    under the table; in `to_dict()` they are None (JSON has no NaN).

    Build one with `classification_report`.

    Attributes:
        names: class names (or labels), one per row.
        precision, recall, f1: arrays of shape (n_classes,), NaN where undefined.
        support: true samples per class.
        macro, weighted: dicts of averaged precision, recall and f1.
        summary: the `AccuracySummary` (accuracy, baseline, balanced accuracy, warnings).
        matrix: the confusion matrix (rows true, columns predicted).
        undefined: sentences naming each undefined value and why.
    """

    def __init__(
        self,
        classes: np.ndarray,
        names: list[Any],
        stats: dict[str, np.ndarray],
        summary: AccuracySummary,
        digits: int = 3,
    ) -> None:
        self.classes = classes
        self.names = names
        self.precision = stats["precision"]
        self.recall = stats["recall"]
        self.f1 = stats["f1"]
        self.support = stats["support"]
        self.matrix = stats["matrix"]
        self.summary = summary
        self.digits = digits
        self.macro = {
            m: average_over_classes(stats[m], self.support, "macro")
            for m in ("precision", "recall", "f1")
        }
        self.weighted = {
            m: average_over_classes(stats[m], self.support, "weighted")
            for m in ("precision", "recall", "f1")
        }
        self.undefined = self._undefined_notes()

    def _undefined_notes(self) -> list[str]:
        notes = []
        for name, p, r, f in zip(self.names, self.precision, self.recall, self.f1, strict=True):
            if math.isnan(f):
                notes.append(f"{name!r}: precision, recall and F1 (not in y_true, never predicted)")
            elif math.isnan(p):
                notes.append(f"precision of {name!r} (never predicted)")
            elif math.isnan(r):
                notes.append(f"recall of {name!r} (no true samples)")
        return notes

    def _rows(self) -> list[tuple[str, list[str], str]]:
        d = self.digits
        rows = [
            (str(name), [fixed(p, d), fixed(r, d), fixed(f, d)], str(int(s)))
            for name, p, r, f, s in zip(
                self.names, self.precision, self.recall, self.f1, self.support, strict=True
            )
        ]
        total = str(int(self.support.sum()))
        for label, avg in (("macro avg", self.macro), ("weighted avg", self.weighted)):
            rows.append((label, [fixed(avg[m], d) for m in ("precision", "recall", "f1")], total))
        return rows

    def _context_line(self) -> str:
        s = self.summary
        return (
            f"accuracy {s.accuracy:.{self.digits}f}   baseline {s.baseline:.{self.digits}f} "
            f"(always {s.majority_class!r})   balanced accuracy "
            f"{s.balanced_accuracy:.{self.digits}f}"
        )

    def __str__(self) -> str:
        rows = self._rows()
        width = max(12, *(len(r[0]) for r in rows))
        header = f"{'':<{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>7}"
        lines = [header]
        n_classes = len(self.names)
        for i, (label, values, support) in enumerate(rows):
            if i == n_classes:
                lines.append("")
            cells = "  ".join(f"{v:>9}" for v in values)
            lines.append(f"{label:<{width}}  {cells}  {support:>7}")
        lines += ["", self._context_line()]
        lines += [f"⚠ {w}" for w in self.summary.warnings]
        if self.undefined:
            lines.append(
                f"{UNDEFINED} undefined: "
                + "; ".join(self.undefined)
                + ". Averages use the defined values only."
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        header = ["", "precision", "recall", "f1-score", "support"]
        rows = [[label, *values, support] for label, values, support in self._rows()]
        notes = [html.note(f"⚠ {w}") for w in self.summary.warnings]
        if self.undefined:
            undefined = "; ".join(self.undefined)
            notes.append(
                html.note(
                    f"{UNDEFINED} undefined: {undefined}. Averages use the defined values only.",
                    "tip",
                )
            )
        context = f"<div><b>{html.escape(self._context_line())}</b></div>"
        table = html.table(header, rows, right=range(1, 5))
        return html.card("Classification report", table, context, *notes, kind="report")

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values (undefined -> None), ready for JSON."""
        classes = {
            str(name): {
                "label": int(label),
                "precision": jsonable(p),
                "recall": jsonable(r),
                "f1": jsonable(f),
                "support": int(s),
            }
            for name, label, p, r, f, s in zip(
                self.names,
                self.classes,
                self.precision,
                self.recall,
                self.f1,
                self.support,
                strict=True,
            )
        }
        summary = self.summary.to_dict()
        return {
            "classes": classes,
            "macro avg": {k: jsonable(v) for k, v in self.macro.items()},
            "weighted avg": {k: jsonable(v) for k, v in self.weighted.items()},
            "accuracy": summary["accuracy"],
            "baseline": summary["baseline"],
            "balanced_accuracy": summary["balanced_accuracy"],
            "majority_class": summary["majority_class"],
            "warnings": summary["warnings"],
            "undefined": list(self.undefined),
            "confusion_matrix": self.matrix.tolist(),
        }


def classification_report(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    n_classes: int | None = None,
    labels: Any = None,
    digits: int = 3,
) -> ClassificationReport:
    """Precision, recall, F1 and support per class, with accuracy never shown alone.

    Args:
        y_true: true labels, shape (n_samples,).
        y_pred: predicted labels or scores (argmax).
        class_names: names for labels 0 .. len(class_names)-1; every named class
            gets a row, even one absent from the data.
        n_classes: classes 0 .. n_classes-1 (default: the names, else those seen).
        labels: or the exact class labels to report.
        digits: decimals shown.

    Returns:
        A `ClassificationReport`: `print()` it, show it in a notebook, or `to_dict()`.

    >>> report = classification_report([0] * 9 + [1], [0] * 10, class_names=["cat", "dog"])
    >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
                  precision     recall   f1-score  support
    cat               0.900      1.000      0.947        9
    dog                   —      0.000      0.000        1
    <BLANKLINE>
    macro avg         0.900      0.500      0.474       10
    weighted avg      0.900      0.900      0.853       10
    <BLANKLINE>
    accuracy 0.900   baseline 0.900 (always 'cat')   balanced accuracy 0.500
    ⚠ accuracy 0.900 is within 2 points of the majority-class baseline 0.900 (always predicting 'cat'): the model may have learned little; read the balanced accuracy (0.500) and the recall of each class.
    ⚠ classes are imbalanced: 'cat' has 9 samples, 'dog' only 1 (9.0x); accuracy is dominated by the large class, so trust the balanced accuracy (0.500).
    — undefined: precision of 'dog' (never predicted). Averages use the defined values only.
    """  # noqa: E501
    names_given = check_class_names(class_names)
    digits = check_int("digits", digits, minimum=0)
    true, pred = label_pair(y_true, y_pred)
    if names_given is not None and n_classes is None and labels is None:
        n_classes = len(names_given)
    classes = class_labels(true, pred, n_classes, labels)
    name_of: dict[int, Any] = {}
    if names_given is not None:
        # names follow `labels` in the order given, else label i is class_names[i]
        order = (
            classes.tolist()
            if labels is None
            else as_labels("labels", labels, scores_allowed=False)
        )
        if len(names_given) != len(order):
            raise ValueError(
                f"class_names has {len(names_given)} names for {len(order)} classes; "
                "give one name per class."
            )
        name_of = dict(zip(np.asarray(order).tolist(), names_given, strict=True))
    names = [name_of.get(c, c) for c in classes.tolist()]
    stats = per_class(true, pred, classes)
    return ClassificationReport(classes, names, stats, summarize(true, pred, name_of), digits)
