"""`compare`: runs side by side, the settings that differ beside the results.

The Python face of `glassnet compare`: one row per run with the hyperparameters that differ
between the runs (those the runs share are listed once below), the best validation loss
and its epoch, a score (by default the validation accuracy at that epoch) and the training
time. It prints as a text table and shows as an HTML table in a notebook, the differing
settings highlighted; `gn.plots.plot_runs` overlays the runs' learning curves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from glassnet._internal import html
from glassnet._internal.checks import describe
from glassnet._internal.numbers import short
from glassnet.tuning._sweep import best_epoch

__all__ = ["Comparison", "compare"]

# The results around the scores: (before them, after them).
_RESULTS = (["best val_loss", "at epoch"], ["time"])
_DEFAULT_SCORE = "val accuracy"
# What a run needs for a row: its settings, its history per epoch, its training time.
_RUN_ATTRIBUTES = ("params", "history", "seconds")


def _value(value: Any) -> str:
    if isinstance(value, float):
        return short(value)
    if isinstance(value, list | tuple):
        return ",".join(_value(v) for v in value)
    return str(value)


def _setting(run: Any, key: str) -> str:
    """A run's value of `key` as shown; "—" for a run without that setting."""
    return _value(run.params[key]) if key in run.params else "—"


def _score(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.4f}"
    return str(value)


@dataclass
class Comparison:
    """Runs side by side (from `compare`).

    Attributes:
        runs: the runs, in the order given.
        differ: the hyperparameters whose values differ between the runs.
        shared: the hyperparameters every run has the same value of.
        names: the runs' names (the first column), or None when the runs came as a list.
        scores: the score columns, heading -> one value per run, or None for the
            validation accuracy at each run's best epoch.
    """

    runs: list[Any]
    differ: list[str]
    shared: dict[str, Any]
    names: list[str] | None = None
    scores: dict[str, list[Any]] | None = None

    def header(self) -> list[str]:
        """The column headings of `rows`: the run's name, the settings that differ, the results.

        >>> Comparison([], ["learning_rate"], {}, names=[]).header()
        ['run', 'learning_rate', 'best val_loss', 'at epoch', 'val accuracy', 'time']
        """
        scores = list(self.scores) if self.scores is not None else [_DEFAULT_SCORE]
        name = ["run"] if self.names is not None else []
        return [*name, *self.differ, *_RESULTS[0], *scores, *_RESULTS[1]]

    def rows(self) -> list[list[str]]:
        """One row of text per run: its name (if named), the differing settings, the results."""
        rows = []
        for i, run in enumerate(self.runs):
            best = best_epoch(run.history)
            rows.append(
                [
                    *([self.names[i]] if self.names is not None else []),
                    *(_setting(run, k) for k in self.differ),
                    "—" if best is None else f"{best[0]:.4f}",
                    "—" if best is None else str(best[1]),
                    *self._scores(i, run, best),
                    "—" if run.seconds is None else f"{run.seconds:.1f} s",
                ]
            )
        return rows

    def _scores(self, i: int, run: Any, best: tuple[float, int] | None) -> list[str]:
        if self.scores is not None:
            return [_score(values[i]) for values in self.scores.values()]
        accuracy = run.history.get("val_accuracy")
        return [_score(None if not accuracy or best is None else accuracy[best[1] - 1])]

    def _lowest(self) -> tuple[float, int, int] | None:
        """(the lowest validation loss of all runs, its epoch, the run's index), or None."""
        scored = [
            (best[0], best[1], i)
            for i, run in enumerate(self.runs)
            if (best := best_epoch(run.history)) is not None
        ]
        return min(scored, key=lambda s: (s[0], s[2])) if scored else None

    def best(self) -> Any:
        """The run with the lowest validation loss (None without validation data)."""
        lowest = self._lowest()
        return None if lowest is None else self.runs[lowest[2]]

    def notes(self) -> list[str]:
        """The lines below the table: the settings shared, and which run did best.

        >>> Comparison([], [], {"epochs": 3}).notes()
        ['The runs have the same hyperparameters.', 'Same in every run: epochs 3']
        """
        lines = []
        if not self.differ:
            lines.append("The runs have the same hyperparameters.")
        if self.shared:
            shared = ", ".join(f"{k} {_value(v)}" for k, v in self.shared.items())
            lines.append(f"Same in every run: {shared}")
        lowest = self._lowest()
        if lowest is not None and len(self.runs) > 1:
            loss, epoch, i = lowest
            if self.names is not None:
                which = self.names[i]
            else:
                which = ", ".join(f"{k} {_setting(self.runs[i], k)}" for k in self.differ)
            lines.append(
                f"Lowest validation loss: {which or 'the first run'} ({loss:.4f} at epoch {epoch})."
            )
        return lines

    def __str__(self) -> str:
        headers = self.header()
        body = self.rows()
        widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(headers)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body
        ]
        return "\n".join([*lines, *self.notes()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        first = 0 if self.names is None else 1
        settings = range(first, first + len(self.differ))
        table = html.table(
            self.header(),
            self.rows(),
            right=range(settings.stop, len(self.header())),
            highlight=settings,
        )
        return html.card(
            f"{len(self.runs)} runs compared",
            html.note("Highlighted: the hyperparameters that differ between the runs.", "tip"),
            table,
            *(html.pre(line) for line in self.notes()),
            kind="compare",
        )


def _as_runs(runs: Any) -> tuple[list[Any], list[str] | None]:
    """(the runs, their names or None), from a list of runs or a dict of name -> run."""
    if isinstance(runs, Mapping):
        return list(runs.values()), [str(name) for name in runs]
    if isinstance(runs, Sequence) and not isinstance(runs, str):
        return list(runs), None
    raise TypeError(
        "runs must be a list of the runs of gn.tuning.sweep or a dict of name -> run, got "
        f"{describe(runs)}."
    )


def _check_scores(scores: Any, n: int) -> dict[str, list[Any]] | None:
    if scores is None:
        return None
    if not isinstance(scores, Mapping) or not scores:
        raise TypeError(
            f"scores must be a dict of heading -> one value per run, got {describe(scores)}."
        )
    checked = {}
    for heading, values in scores.items():
        if isinstance(values, str) or not isinstance(values, Sequence) or len(values) != n:
            raise ValueError(
                f"scores[{heading!r}] must hold one value per run ({n}), got {describe(values)}."
            )
        checked[str(heading)] = list(values)
    return checked


def compare(runs: Any, *, scores: Mapping[str, Sequence[Any]] | None = None) -> Comparison:
    """Put runs side by side: the hyperparameters that differ beside the results.

    Args:
        runs: the `SweepRun`s of `gn.tuning.sweep` (at least one), or a dict of name ->
            run, which adds a first column "run" with the names. A run is anything with
            `params` (its settings), `history` (a `History.history` dict) and `seconds`
            (its training time, or None).
        scores: the score columns, shown between the best epoch and the time: heading ->
            one value per run (a number shows with 4 decimals, None as "—", text as it
            is), e.g. {"test accuracy": [...]}. By default "val accuracy", the
            validation accuracy at each run's best epoch.

    Returns:
        A `Comparison`: print it for a text table, or show it in a notebook.

    Raises:
        TypeError: an item is not a run, or `runs` or `scores` is of another kind.
        ValueError: no runs, or a score column without one value per run.

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
    >>> named = compare({"slow": runs[0], "fast": runs[1]}, scores={"test R²": [0.5, "n/a"]})
    >>> named.header()
    ['run', 'learning_rate', 'best val_loss', 'at epoch', 'test R²', 'time']
    >>> [row[0] for row in named.rows()], [row[4] for row in named.rows()]
    (['slow', 'fast'], ['0.5000', 'n/a'])
    """
    runs, names = _as_runs(runs)
    if not runs:
        raise ValueError("runs must hold at least one run of gn.tuning.sweep, got none.")
    for i, run in enumerate(runs):
        if not all(hasattr(run, a) for a in _RUN_ATTRIBUTES):
            where = i if names is None else repr(names[i])
            raise TypeError(
                f"runs[{where}] must be a run of gn.tuning.sweep (a SweepRun) or have params, "
                f"history and seconds, got {describe(run)}."
            )
    checked = _check_scores(scores, len(runs))
    keys = list(dict.fromkeys(k for run in runs for k in run.params))
    differ = [k for k in keys if len({_setting(r, k) for r in runs}) > 1]
    shared = {k: runs[0].params.get(k) for k in keys if k not in differ}
    return Comparison(runs, differ, shared, names, checked)
