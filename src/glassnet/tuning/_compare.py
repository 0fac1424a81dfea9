"""`compare`: the runs of a sweep side by side, the settings that differ beside the results.

The Python face of `glassnet compare`: one row per run with the hyperparameters that differ
between the runs (those the runs share are listed once below), the best validation loss
and its epoch, the validation accuracy at that epoch and the training time. It prints as
a text table and shows as an HTML table in a notebook, the differing settings highlighted;
`gn.plots.plot_runs` overlays the runs' learning curves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from glassnet._internal import html
from glassnet._internal.checks import describe
from glassnet._internal.numbers import short

__all__ = ["Comparison", "compare"]

_RESULTS = ["best val_loss", "at epoch", "val accuracy", "time"]


def _value(value: Any) -> str:
    if isinstance(value, float):
        return short(value)
    if isinstance(value, list | tuple):
        return ",".join(_value(v) for v in value)
    return str(value)


@dataclass
class Comparison:
    """Runs side by side (from `compare`).

    Attributes:
        runs: the runs, in the order given.
        differ: the hyperparameters whose values differ between the runs.
        shared: the hyperparameters every run has the same value of.
    """

    runs: list[Any]
    differ: list[str]
    shared: dict[str, Any]

    def rows(self) -> list[list[str]]:
        """One row of text per run: the differing settings, then the results."""
        rows = []
        for run in self.runs:
            best = run.best_epoch
            accuracy = run.history.get("val_accuracy")
            rows.append(
                [
                    *(_value(run.params.get(k)) for k in self.differ),
                    "—" if run.best_val_loss is None else f"{run.best_val_loss:.4f}",
                    "—" if best is None else str(best),
                    "—" if accuracy is None or best is None else f"{accuracy[best - 1]:.4f}",
                    f"{run.seconds:.1f} s",
                ]
            )
        return rows

    def best(self) -> Any:
        """The run with the lowest validation loss (None without validation data)."""
        scored = [r for r in self.runs if r.best_val_loss is not None]
        return min(scored, key=lambda r: r.best_val_loss) if scored else None

    def _shared_line(self) -> str:
        if not self.shared:
            return ""
        return "Same in every run: " + ", ".join(f"{k} {_value(v)}" for k, v in self.shared.items())

    def __str__(self) -> str:
        headers = [*self.differ, *_RESULTS]
        body = self.rows()
        widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(headers)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body
        ]
        if not self.differ:
            lines.append("The runs have the same hyperparameters.")
        if self.shared:
            lines.append(self._shared_line())
        best = self.best()
        if best is not None and len(self.runs) > 1:
            setting = ", ".join(f"{k} {_value(best.params.get(k))}" for k in self.differ)
            lines.append(
                f"Lowest validation loss: {setting or 'the first run'} "
                f"({best.best_val_loss:.4f} at epoch {best.best_epoch})."
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        n = len(self.differ)
        table = html.table(
            [*self.differ, *_RESULTS],
            self.rows(),
            right=range(n, n + len(_RESULTS)),
            highlight=range(n),
        )
        notes = [line for line in str(self).splitlines()[len(self.runs) + 1 :] if line]
        return html.card(
            f"{len(self.runs)} runs compared",
            html.note("Highlighted: the hyperparameters that differ between the runs.", "tip"),
            table,
            *(html.pre(line) for line in notes),
            kind="compare",
        )


def compare(runs: Sequence[Any]) -> Comparison:
    """Put runs side by side: the hyperparameters that differ beside the results.

    Args:
        runs: the `SweepRun`s of `gn.tuning.sweep` (at least one).

    Returns:
        A `Comparison`: print it for a text table, or show it in a notebook.

    Raises:
        TypeError: an item is not a run of `sweep`.
        ValueError: no runs.

    >>> import numpy as np, glassnet as gn
    >>> x = np.linspace(-1, 1, 40).reshape(-1, 1); y = 3 * x
    >>> def build(learning_rate):
    ...     model = gn.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    ...     model.compile(optimizer=gn.optimizers.SGD(learning_rate), loss="mse")
    ...     return model
    >>> runs = gn.tuning.sweep(build, x, y, {"learning_rate": [0.01, 0.1], "epochs": [3]},
    ...                        validation_data=(x, y))
    >>> c = compare(runs)
    >>> c.differ, c.shared, c.best().params["learning_rate"]
    (['learning_rate'], {'epochs': 3}, 0.1)
    """
    runs = list(runs) if isinstance(runs, Sequence) and not isinstance(runs, str) else runs
    if not isinstance(runs, list):
        raise TypeError(
            f"runs must be a list of the runs of gn.tuning.sweep, got {describe(runs)}."
        )
    if not runs:
        raise ValueError("runs must hold at least one run of gn.tuning.sweep, got none.")
    for i, run in enumerate(runs):
        if not all(hasattr(run, a) for a in ("params", "history", "best_val_loss", "seconds")):
            raise TypeError(
                f"runs[{i}] must be a run of gn.tuning.sweep (a SweepRun), got {describe(run)}."
            )
    keys = list(dict.fromkeys(k for run in runs for k in run.params))
    differ = [k for k in keys if len({json.dumps(_value(r.params.get(k))) for r in runs}) > 1]
    shared = {k: runs[0].params.get(k) for k in keys if k not in differ}
    return Comparison(runs, differ, shared)
