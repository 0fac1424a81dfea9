"""Hyperparameters (you chose) vs parameters (it learned): the lecture's distinction.

The numbers a person sets before training (learning rate, epochs, batch size, layer sizes,
activation, dropout, optimizer, seed) are *hyperparameters*; the weights and biases that
gradient descent sets (101,770 of them in the lecture's model) are *parameters*. The run
report and `glassnet summary` show both, side by side.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from glassnet._internal.numbers import short

__all__ = ["hyperparameter_rows", "knobs_html", "knobs_text", "parameter_rows"]

# (config field, label, what it does) in the order shown.
_HYPER = (
    ("learning_rate", "learning rate", "the size of each gradient step"),
    ("epochs", "epochs", "passes over the training data"),
    ("batch_size", "batch size", "samples per gradient step"),
    ("layers", "hidden layer sizes", "units of each hidden Dense layer"),
    ("activation", "activation", "the hidden layers' non-linearity"),
    ("dropout", "dropout", "share of hidden units switched off in each training step"),
    ("optimizer", "optimizer", "the rule that turns gradients into steps"),
    ("early_stopping", "early stopping", "patience in epochs on the validation loss"),
    ("seed", "seed", "makes the split, the initial weights and the shuffling repeatable"),
)


def hyperparameter_rows(config: Any, epochs_run: int | None = None) -> list[tuple[str, str, str]]:
    """(name, value, what it does) for each hyperparameter of a `TrainConfig`.

    >>> from glassnet.cli.runs.config import TrainConfig
    >>> [row[:2] for row in hyperparameter_rows(TrainConfig(), epochs_run=7)[:3]]
    [('learning rate', '0.001'), ('epochs', '10 (7 run)'), ('batch size', '32')]
    """
    rows = []
    for key, label, meaning in _HYPER:
        value = getattr(config, key)
        if key == "layers":
            shown = ", ".join(str(v) for v in value)
        elif value is None:
            shown = "none"
        else:
            shown = str(value)
        if key == "epochs" and epochs_run is not None and epochs_run != value:
            shown += f" ({epochs_run} run)"
        rows.append((label, shown, meaning))
    return rows


def parameter_rows(model: Any) -> list[dict[str, Any]]:
    """One dict per weight array: layer, name, shape, count, min, max, mean of the values.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(2)])
    >>> m.build()
    >>> [(r["name"], r["shape"], r["count"]) for r in parameter_rows(m)]
    [('kernel', (3, 2), 6), ('bias', (2,), 2)]
    """
    rows = []
    for layer in model.layers:
        for name, value in layer.params.items():
            values = np.asarray(value, dtype=np.float64)
            rows.append(
                {
                    "layer": layer.name,
                    "name": name,
                    "shape": tuple(values.shape),
                    "count": int(values.size),
                    "min": float(values.min()) if values.size else float("nan"),
                    "max": float(values.max()) if values.size else float("nan"),
                    "mean": float(values.mean()) if values.size else float("nan"),
                }
            )
    return rows


def _shape(shape: tuple[int, ...]) -> str:
    return " x ".join(str(s) for s in shape)


def knobs_text(config: Any, model: Any, epochs_run: int | None = None) -> str:
    """The two tables as text: what you chose (if `config`), then what it learned.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(2)])
    >>> m.build()
    >>> print(knobs_text(None, m).splitlines()[0])
    Parameters (training learned them): 8 weights and biases
    """
    lines = []
    if config is not None:
        hyper = hyperparameter_rows(config, epochs_run)
        width = max(len(r[0]) for r in hyper)
        value_width = max(len(r[1]) for r in hyper)
        lines.append("Hyperparameters (you chose them before training):")
        lines += [f"  {n:<{width}}  {v:<{value_width}}  {m}" for n, v, m in hyper]
    params = parameter_rows(model)
    total = sum(r["count"] for r in params)
    lines.append(f"Parameters (training learned them): {total:,} weights and biases")
    names = [f"{r['layer']}.{r['name']}" for r in params]
    width = max((len(n) for n in names), default=0)
    for name, r in zip(names, params, strict=True):
        lines.append(
            f"  {name:<{width}}  {_shape(r['shape']):>10}  {r['count']:>9,}  "
            f"from {short(r['min'])} to {short(r['max'])}"
        )
    return "\n".join(lines)


def knobs_html(config: Any, model: Any, epochs_run: int | None = None) -> str:
    """The two tables as HTML, side by side.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(2)])
    >>> m.build()
    >>> "<td>8</td>" in knobs_html(None, m)
    True
    """
    esc = html.escape
    left = ""
    if config is not None:
        rows = "".join(
            f"<tr><th>{esc(n)}</th><td>{esc(v)}</td><td>{esc(m)}</td></tr>"
            for n, v, m in hyperparameter_rows(config, epochs_run)
        )
        left = (
            '<div><h3>Hyperparameters: you chose them</h3><table class="hyperparameters">'
            f"<tr><th>name</th><th>value</th><th>what it does</th></tr>{rows}</table></div>"
        )
    params = parameter_rows(model)
    total = sum(r["count"] for r in params)
    rows = "".join(
        f"<tr><th>{esc(r['layer'])}.{esc(r['name'])}</th><td>{esc(_shape(r['shape']))}</td>"
        f"<td>{r['count']:,}</td><td>{esc(short(r['min']))}</td>"
        f"<td>{esc(short(r['max']))}</td></tr>"
        for r in params
    )
    right = (
        f"<div><h3>Parameters: training learned them ({total:,})</h3>"
        '<table class="parameters"><tr><th>weights</th><th>shape</th><th>count</th>'
        f"<th>min</th><th>max</th></tr>{rows}"
        f"<tr><th>total</th><td></td><td>{total:,}</td><td></td><td></td></tr></table></div>"
    )
    return f'<div style="display:flex;gap:2em;flex-wrap:wrap">{left}{right}</div>'
