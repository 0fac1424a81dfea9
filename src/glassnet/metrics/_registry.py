"""Metric names, and what `compile(metrics=[...])` makes of each entry, as Keras does.

A name is a class's name in snake case ("sparse_categorical_accuracy") or as written
("SparseCategoricalAccuracy"), or an alias ("mse", "mae", "bce"); the metric then takes the
name as written, as Keras: `metrics=["mse"]` logs "mse". "accuracy" and "acc" pick the
accuracy that suits the loss (sparse, categorical or binary).

>>> [m.name for m in compile_metrics(["acc", "mse"], None)[0]]
Traceback (most recent call last):
...
ValueError: metric 'acc' needs a classification loss to pick an accuracy, got None.
>>> class Loss:
...     accuracy_kind, from_logits = "sparse", True
>>> metrics, warnings = compile_metrics(["accuracy", "sparse_categorical_crossentropy"], Loss())
>>> [type(m).__name__ for m in metrics], metrics[0].name
(['SparseCategoricalAccuracy', 'SparseCategoricalCrossentropy'], 'accuracy')
>>> print(warnings[0])  # doctest: +ELLIPSIS
metric 'sparse_categorical_crossentropy' has from_logits=False but the loss has from_logits=True...
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import Any

from glassnet._internal.checks import describe
from glassnet.metrics import _confusion, _objects
from glassnet.metrics._objects import Mean, MeanMetricWrapper, Metric

__all__ = ["compile_metrics", "get", "metric_logs", "names", "serialize"]

_CLASSES: list[type[Metric]] = [
    _objects.Accuracy,
    _objects.BinaryAccuracy,
    _objects.CategoricalAccuracy,
    _objects.SparseCategoricalAccuracy,
    _objects.BinaryCrossentropy,
    _objects.CategoricalCrossentropy,
    _objects.SparseCategoricalCrossentropy,
    _objects.MeanSquaredError,
    _objects.MeanAbsoluteError,
    _objects.Mean,
    _confusion.Precision,
    _confusion.Recall,
    _confusion.AUC,
]
_REGISTRY: dict[str, type[Metric]] = {}
for _cls in _CLASSES:
    _REGISTRY[_cls.__name__] = _cls
    _REGISTRY[re.sub(r"(?<=[a-z])(?=[A-Z])", "_", _cls.__name__).lower()] = _cls
_REGISTRY.update(
    {
        "bce": _objects.BinaryCrossentropy,
        "mse": _objects.MeanSquaredError,
        "mae": _objects.MeanAbsoluteError,
        "MSE": _objects.MeanSquaredError,
        "MAE": _objects.MeanAbsoluteError,
        "BCE": _objects.BinaryCrossentropy,
    }
)
_ACCURACY = {
    "sparse": _objects.SparseCategoricalAccuracy,
    "categorical": _objects.CategoricalAccuracy,
    "binary": _objects.BinaryAccuracy,
}


def names() -> list[str]:
    """The metric names `get` and `compile` accept (besides "accuracy" and "acc")."""
    return sorted(name for name in _REGISTRY if not name[0].isupper())


def get(identifier: str | Metric | type | dict[str, Any]) -> Metric:
    """A metric object from a name (its name set to that name, as Keras), a class, an
    instance, or a config `{"class_name": ..., "config": {...}}` (as `serialize` writes).

    Raises:
        ValueError: an unknown name, listing the known ones.
        TypeError: neither a name, a Metric class nor a Metric.

    >>> get("mae")
    <MeanAbsoluteError name=mae>
    """
    if isinstance(identifier, Metric):
        return identifier
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict) and set(identifier) == {"class_name", "config"}:
        cls = _REGISTRY.get(identifier["class_name"])
        if cls is None or not isinstance(identifier["config"], dict):
            raise ValueError(f"Unknown metric config {identifier!r}.")
        try:
            return cls.from_config(identifier["config"])
        except TypeError as error:
            raise ValueError(f"Bad config for {cls.__name__}: {error}.") from None
    if isinstance(identifier, str):
        cls = _REGISTRY.get(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown metric {identifier!r}. Valid names: accuracy, acc, {', '.join(names())}."
            )
        return cls(name=identifier)
    raise TypeError(
        f"a metric must be a name, a gn.metrics.Metric or a function fn(y_true, y_pred), "
        f"got {describe(identifier)}."
    )


def _accuracy(name: str, loss: Any) -> Metric:
    kind = getattr(loss, "accuracy_kind", None)
    if kind is None:
        raise ValueError(
            f"metric {name!r} needs a classification loss to pick an accuracy, got {loss}."
        )
    if kind == "binary":  # glassnet's one deviation: logits are positive above 0, not 0.5
        return _objects.BinaryAccuracy(name=name, threshold=0.0 if loss.from_logits else 0.5)
    return _ACCURACY[kind](name=name)


def _one(spec: Any, loss: Any) -> Metric:
    if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
        return _accuracy(spec, loss)
    if callable(spec) and not isinstance(spec, Metric) and not inspect.isclass(spec):
        return MeanMetricWrapper(spec)
    metric = get(spec)
    if len(getattr(metric, "thresholds", ())) > 1 and not isinstance(metric, _confusion.AUC):
        raise ValueError(
            f"metric {metric.name!r} has several thresholds, so its result is a list, but "
            "compile logs one number per metric: pass one threshold per metric object."
        )
    if isinstance(metric, Mean) and not isinstance(metric, MeanMetricWrapper):
        raise ValueError(
            f"metric {metric.name!r} is a gn.metrics.Mean, which averages the values given to "
            "it, not targets and predictions: use it on its own (m.update_state(values)), or "
            "pass compile a metric of (y_true, y_pred) such as 'mae'."
        )
    return metric


def _logits_advice(metric: Metric, loss: Any) -> str | None:
    """Why a metric would read this loss's outputs wrongly, or None."""
    loss_logits = getattr(loss, "from_logits", None)
    if getattr(loss, "accuracy_kind", None) is None or loss_logits is None:
        return None
    metric_logits = getattr(metric, "from_logits", None)
    if metric_logits is not None and metric_logits != loss_logits:
        cls = type(metric).__name__
        return (
            f"metric {metric.name!r} has from_logits={metric_logits} but the loss has "
            f"from_logits={loss_logits}, so it reads the outputs as "
            f"{'logits' if metric_logits else 'probabilities'} and its values are wrong. "
            f"Pass gn.metrics.{cls}(from_logits={loss_logits}, name={metric.name!r})."
        )
    if isinstance(metric, _objects.BinaryAccuracy) and loss_logits and metric.threshold == 0.5:
        return (
            f"metric {metric.name!r} counts outputs above 0.5 as positive, but the loss has "
            "from_logits=True: a logit of 0.5 is a probability of 0.62. Pass "
            "threshold=0.0 for logits, or use metrics=['accuracy'], which picks it."
        )
    return None


def compile_metrics(metrics: Any, loss: Any) -> tuple[list[Metric], list[str]]:
    """The metric objects for `compile(metrics=...)`, and the warnings they call for.

    Args:
        metrics: None, or a list or tuple of names, Metric objects or classes, or
            functions fn(y_true, y_pred) (averaged over the samples, as Keras).
        loss: the compiled loss (its `accuracy_kind` and `from_logits` are read).

    Returns:
        The metrics in the order given, and messages for cross-entropy metrics whose
        from_logits differs from the loss's (or a 0.5 threshold on logits).

    Raises:
        ValueError: a bare name instead of a list (as Keras), an unknown name, a Mean, or
            two metrics with one name (or named "loss").
    """
    if metrics is None:
        return [], []
    if not isinstance(metrics, (list, tuple)):
        shown = f"the string {metrics!r}" if isinstance(metrics, str) else describe(metrics)
        example = f"[{metrics!r}]" if isinstance(metrics, str) else "['accuracy']"
        raise ValueError(
            f"metrics must be a list or tuple, e.g. metrics={example}, got {shown} (Keras "
            "refuses it too)."
        )
    resolved = [_one(spec, loss) for spec in metrics]
    seen: set[str] = {"loss"}
    for metric in resolved:
        if metric.name in seen:
            raise ValueError(
                f"two metrics would log {metric.name!r}"
                f"{' (the loss logs it)' if metric.name == 'loss' else ''}: give one "
                "another name, e.g. name='...'."
            )
        seen.add(metric.name)
    advice = [message for m in resolved if (message := _logits_advice(m, loss))]
    return resolved, advice


def metric_logs(metrics: Sequence[Metric]) -> dict[str, float]:
    """name -> result as a Python float, for the logs of fit and evaluate.

    >>> m = _objects.MeanSquaredError(name="mse")
    >>> m.update_state([0.0, 1.0], [0.0, 3.0])
    >>> metric_logs([m])
    {'mse': 2.0}
    """
    return {metric.name: float(metric.result()) for metric in metrics}


def serialize(metric: Metric, loss: Any = None) -> str | dict[str, Any]:
    """What re-creates `metric` through `compile(metrics=[...])` with `loss`: its name when
    the name alone gives the same metric (as `metrics=["accuracy"]`), else its config.

    >>> serialize(_objects.MeanSquaredError(name="mse"))
    'mse'
    >>> serialize(_objects.BinaryCrossentropy(from_logits=True, name="bce"))["config"]
    {'name': 'bce', 'from_logits': True, 'label_smoothing': 0.0}
    """
    try:
        again = _one(metric.name, loss)
    except (ValueError, TypeError):
        again = None
    if type(again) is type(metric) and again.get_config() == metric.get_config():
        return metric.name
    if type(metric) is MeanMetricWrapper:  # a user's function: only its name can be kept
        return metric.name
    return {"class_name": type(metric).__name__, "config": metric.get_config()}
