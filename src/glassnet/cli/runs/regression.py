"""Regression runs: a CSV target that is a number, predicted by a Dense(1) output.

`glassnet train --task regression` (or a target inferred to be a quantity, see
`choose_task`) builds the same network with a linear Dense(1) output, the mean squared
error as its loss and the mean absolute error as its metric. Every score is shown beside
the baseline of a model that learned nothing: always predicting the mean of the training
targets (R² 0 on the training part; on the test part its R² is near 0, slightly below
when the test mean differs). R² is scikit-learn's `r2_score`: 1 - SS_res / SS_tot.

The network trains on the standardised target, (y - mean) / std of the training targets,
so the loss starts near 1 whatever the target's unit, and one learning rate suits grams
and kilometres alike (Adam or SGD). After training, the de-standardisation is folded into
the output layer (kernel * std, bias * std + mean): the saved model predicts the target
in its own unit, so `glassnet predict`, `evaluate` and `export` need nothing more. The
optimizer state, which belongs to the standardised weights, is reset. The training
curves stay in standardised units (a loss of 1 is the mean baseline's).

>>> s = regression_scores([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], train_mean=2.0)
>>> s["r2"], s["mse"], s["baseline_mse"]
(0.5, 0.3333333333333333, 0.6666666666666666)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from glassnet._internal.numbers import short

# Keras's regression losses, by name: a bare model file compiled with one predicts numbers.
from glassnet.doctor import REGRESSION_LOSSES

__all__ = [
    "HISTORY_UNITS",
    "MIN_DISTINCT",
    "MIN_DISTINCT_SHARE",
    "REGRESSION_LOSSES",
    "choose_task",
    "fold_target_scaling",
    "predict_values",
    "predicted_vs_true",
    "regression_metrics",
    "regression_scores",
    "score_number",
    "scores_text",
    "stored_scores",
    "target_scaling",
    "unusual_warnings",
]

# A numeric target of whole numbers is inferred to be a quantity (regression) when it has
# more than MIN_DISTINCT distinct values, and they are at least MIN_DISTINCT_SHARE of the
# rows; fewer are class labels coded as numbers (0..9 for digits).
MIN_DISTINCT = 20
MIN_DISTINCT_SHARE = 0.05

HISTORY_UNITS = (
    "The training curves are in units of the standardised target, (y - mean) / std of the "
    "training targets: a loss of 1 is what always predicting the training mean scores."
)


def choose_task(
    load: Callable[[str], Any], task: str | None, target: str | None
) -> tuple[Any, str, str | None]:
    """Load a table for `task`, or infer the task from its target column.

    Args:
        load: `load(task)` reads the table (`load_csv(..., task=task)`); the table has
            `.y` and `.class_names`.
        task: "classification", "regression", or None to infer: a target of numbers
            that are not all whole, or of whole numbers with more than `MIN_DISTINCT`
            distinct values (at least `MIN_DISTINCT_SHARE` of the rows), is a regression;
            anything else (text, a few numbers) a classification.
        target: the target column's name, for the line that says what was inferred.

    Returns:
        (the table, the task, the line to print when a regression was inferred, else None).

    Raises:
        ValueError: what `load` raises (for an inferred task, the classification error
            when neither reading works).

    >>> from types import SimpleNamespace
    >>> def load(task):
    ...     if task == "regression":
    ...         return SimpleNamespace(y=np.arange(30.0), class_names=[])
    ...     return SimpleNamespace(y=np.arange(30), class_names=[str(v) for v in range(30)])
    >>> table, task, line = choose_task(load, None, "mass")
    >>> task
    'regression'
    >>> print(line[:62])
    target 'mass' holds 30 distinct numbers: training a regression
    """
    if task is not None:
        return load(task), task, None
    try:
        table = load("classification")
    except ValueError as error:
        try:
            table = load("regression")
        except ValueError:
            raise error from None
        distinct = len(np.unique(table.y))
        if distinct < 2:
            raise error from None
        return (
            table,
            "regression",
            f"target {target!r} holds {distinct:,} distinct numbers, not all whole: "
            "training a regression",
        )
    names = list(table.class_names)
    try:
        [float(name) for name in names]
    except ValueError:
        return table, "classification", None  # text labels
    if len(names) > MIN_DISTINCT and len(names) >= MIN_DISTINCT_SHARE * len(table.y):
        return (
            load("regression"),
            "regression",
            f"target {target!r} holds {len(names):,} distinct numbers: training a regression "
            "(use --task classification to override)",
        )
    return table, "classification", None


def target_scaling(y_train: Any) -> dict[str, float]:
    """The training targets' mean and standard deviation (1 for a constant target).

    >>> target_scaling([1.0, 3.0])
    {'mean': 2.0, 'scale': 1.0}
    """
    y = np.asarray(y_train, dtype=np.float64)
    scale = float(y.std())
    return {"mean": float(y.mean()), "scale": scale if scale > 0 else 1.0}


def fold_target_scaling(model: Any, scaling: Mapping[str, float]) -> None:
    """Make a model trained on the standardised target predict the target itself.

    The output Dense layer's kernel is multiplied by `scaling["scale"]` and its bias
    becomes bias * scale + mean, so the model's output is output * scale + mean. The
    optimizer state (of the standardised weights) is reset: a further `fit` starts afresh.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    >>> m.compile(optimizer="adam", loss="mse")
    >>> m.set_weights([np.array([[2.0]]), np.array([1.0])])
    >>> fold_target_scaling(m, {"mean": 10.0, "scale": 3.0})
    >>> m.predict(np.array([[1.0]]), verbose=0).tolist()  # (2 * 1 + 1) * 3 + 10
    [[19.0]]
    """
    from glassnet import optimizers

    scale, mean = float(scaling["scale"]), float(scaling["mean"])
    weights = model.get_weights()
    weights[-2] = weights[-2] * scale
    weights[-1] = weights[-1] * scale + mean
    model.set_weights(weights)
    optimizer = optimizers.from_config(model.optimizer.get_config())
    metrics = [getattr(m, "name", m) for m in getattr(model, "metrics", None) or []]
    model.compile(optimizer=optimizer, loss=model.loss, metrics=metrics or None)


def predict_values(model: Any, x: Any) -> np.ndarray:
    """The model's predictions of the target, one float64 per sample.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    >>> m.set_weights([np.array([[2.0]]), np.array([0.5])])
    >>> predict_values(m, np.array([[1.0], [3.0]])).tolist()
    [2.5, 6.5]
    """
    return np.asarray(model.predict(x, verbose=0), dtype=np.float64).reshape(len(x), -1)[:, 0]


def regression_scores(y_true: Any, y_pred: Any, train_mean: float) -> dict[str, float]:
    """R², MSE and MAE of `y_pred`, and of the baseline that always predicts `train_mean`.

    Returns:
        {"r2", "mse", "mae", "baseline_r2", "baseline_mse", "baseline_mae", "train_mean",
        "samples"}; R² is NaN when `y_true` is constant.

    >>> regression_scores([1.0, 3.0], [1.0, 3.0], train_mean=1.0)["baseline_mae"]
    1.0
    """
    from glassnet import metrics

    true = np.asarray(y_true, dtype=np.float64).reshape(-1)
    pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    baseline = np.full_like(true, float(train_mean))
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "r2": metrics.r2_score(true, pred),
            "mse": metrics.mean_squared_error(true, pred),
            "mae": metrics.mean_absolute_error(true, pred),
            "baseline_r2": metrics.r2_score(true, baseline),
            "baseline_mse": metrics.mean_squared_error(true, baseline),
            "baseline_mae": metrics.mean_absolute_error(true, baseline),
            "train_mean": float(train_mean),
            "samples": len(true),
        }


def regression_metrics(
    model: Any, data: Any, extra: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], np.ndarray]:
    """A regression run's metrics.json (scores on the test part beside the baseline of the
    training mean) and the model's predictions on the test part.

    Args:
        model: the trained model, predicting the target in its own unit.
        data: the run's `DatasetSplits` (task "regression").
        extra: more entries for metrics.json (training time, interrupted, ...).

    >>> import glassnet as gn
    >>> from glassnet.cli.runs.data import DatasetSplits
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    >>> m.set_weights([np.array([[1.0]]), np.array([0.0])])
    >>> part = (np.array([[1.0], [3.0]]), np.array([1.0, 4.0]))
    >>> data = DatasetSplits(part, part, part, [], {}, task="regression", target="y")
    >>> metrics, predicted = regression_metrics(m, data)
    >>> predicted.tolist(), metrics["test_mse"], metrics["baseline_mse"]  # mean 2.5
    ([1.0, 3.0], 0.5, 2.25)
    """
    x_test, y_test = data.test
    predicted = predict_values(model, x_test)
    scores = regression_scores(y_test, predicted, float(np.mean(data.train[1])))
    metrics: dict[str, Any] = {
        "task": "regression",
        "target": data.target,
        **{f"test_{key}": scores[key] for key in ("r2", "mse", "mae")},
        **{key: scores[key] for key in ("baseline_r2", "baseline_mse", "baseline_mae")},
        "train_mean": scores["train_mean"],
        "test_samples": scores["samples"],
        "report_text": scores_text(scores, data.target),
        "history_units": HISTORY_UNITS,
        **dict(extra or {}),
    }
    return metrics, predicted


def stored_scores(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The `regression_scores` dict back from a regression run's metrics.json.

    >>> m, _ = {"test_r2": 0.5, "test_mse": 1.0, "test_mae": 1.0, "baseline_r2": 0.0,
    ...         "baseline_mse": 2.0, "baseline_mae": 1.2, "train_mean": 3.0, "test_samples": 4}, 0
    >>> stored_scores(m)["mse"]
    1.0
    """
    scores = {key: metrics[f"test_{key}"] for key in ("r2", "mse", "mae")}
    scores.update({key: metrics[key] for key in ("baseline_r2", "baseline_mse", "baseline_mae")})
    return {**scores, "train_mean": metrics["train_mean"], "samples": metrics["test_samples"]}


def scores_text(
    scores: Mapping[str, Any],
    target: str | None = None,
    part: str = "test",
    baseline: str = "the training mean",
) -> str:
    """The scores beside the baseline, as the console, `evaluate` and `summary` print them.

    >>> print(scores_text(regression_scores([1.0, 3.0], [1.5, 2.5], 1.0), "y"))
    Regression of y on 2 test rows (baseline: always the training mean, 1):
      R²   0.75       baseline -1
      MSE  0.25       baseline 2
      MAE  0.5        baseline 1
    """
    what = f" of {target}" if target else ""
    rows = [
        f"Regression{what} on {scores['samples']:,} {part} rows (baseline: always "
        f"{baseline}, {score_number(scores['train_mean'])}):"
    ]
    for label, key in (("R²", "r2"), ("MSE", "mse"), ("MAE", "mae")):
        rows.append(
            f"  {label:<4} {score_number(scores[key]):<10} baseline "
            f"{score_number(scores[f'baseline_{key}'])}"
        )
    if not _is_number(scores["r2"]) or scores["r2"] != scores["r2"]:  # NaN
        rows.append("  (R² is undefined: every true value is the same)")
    elif _is_number(scores["baseline_r2"]) and scores["r2"] <= scores["baseline_r2"]:
        rows.append(f"  ⚠ no better than always predicting {baseline}")
    return "\n".join(rows)


def score_number(value: Any) -> str:
    """A score as the tables print it: 78,626 for large values, else 4 digits; an undefined
    one (NaN, or None as JSON stores it) as "undefined".

    >>> score_number(78625.95), score_number(0.77202), score_number(None)
    ('78,626', '0.772', 'undefined')
    """
    if not _is_number(value) or value != value:
        return "undefined"
    return f"{value:,.0f}" if abs(value) >= 1000 else short(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def predicted_vs_true(y_true: Any, y_pred: Any, target: str | None = None, r2: float | None = None):
    """A scatter of predicted against true values with the line y = x (perfect answers).

    >>> fig = predicted_vs_true([1.0, 2.0], [1.1, 1.8], "mass")
    >>> fig.axes[0].get_xlabel()
    'true mass'
    """
    from glassnet import plots

    plt = plots.pyplot()
    true = np.asarray(y_true, dtype=np.float64).reshape(-1)
    pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.scatter(true, pred, s=14, alpha=0.7, color="#1f77b4", label="test rows")
    low = float(min(true.min(), pred.min())) if len(true) else 0.0
    high = float(max(true.max(), pred.max())) if len(true) else 1.0
    ax.plot([low, high], [low, high], color="#d62728", lw=1.2, label="y = x (perfect)")
    name = target or "target"
    ax.set_xlabel(f"true {name}")
    ax.set_ylabel(f"predicted {name}")
    title = "Predicted vs true (test part)"
    if r2 is not None and r2 == r2:
        title += f": R² {short(r2)}"
    ax.set_title(title)
    ax.legend(loc="upper left")
    ax.set_aspect("equal", adjustable="datalim")
    fig.tight_layout()
    return fig


def unusual_warnings(x: Any, statistics: Any) -> list[list[str]]:
    """Each sample's warnings: an input unlike the training data (none without statistics).

    >>> from glassnet.metrics import InputStatistics
    >>> rng = np.random.default_rng(0)
    >>> stats = InputStatistics.fit(rng.normal(size=(200, 2)), rng.normal(size=(200, 2)))
    >>> [len(w) for w in unusual_warnings(np.array([[0.0, 0.0], [50.0, -50.0]]), stats)]
    [0, 1]
    """
    if statistics is None:
        return [[] for _ in range(len(x))]
    scores = statistics.score(x)
    return [
        [
            f"unlike the training data: its unusualness score is {score:.3g}, above the "
            f"threshold {statistics.threshold:.3g} that {statistics.coverage:.1%} of held-out "
            "real inputs stay under; the prediction is likely meaningless."
        ]
        if score > statistics.threshold
        else []
        for score in scores
    ]
