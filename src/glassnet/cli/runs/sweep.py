"""A grid of training runs: every combination of the given hyperparameters, fairly.

Every run of one architecture (the same hidden layer sizes) starts from the same initial
weights, drawn once from the seed, so differences in the results come from the settings
swept, not from the luck of the draw. Runs go to DIR/<name> in parallel processes (at
most `jobs` at a time).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from glassnet._internal.numbers import short
from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.data import build_model, load_splits

__all__ = ["grid", "initial_weights", "run_name", "sweep"]


def grid(base: TrainConfig, values: dict[str, list[Any]]) -> list[TrainConfig]:
    """Every combination of `values` (config field -> values) on top of `base`.

    >>> configs = grid(TrainConfig(), {"learning_rate": [0.1, 0.01], "layers": [[8], [16]]})
    >>> [(c.learning_rate, c.layers) for c in configs]
    [(0.1, [8]), (0.1, [16]), (0.01, [8]), (0.01, [16])]
    """
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise ValueError(f"cannot sweep {', '.join(unknown)}: not a training setting.")
    for key, options in values.items():
        if not options:
            raise ValueError(f"the sweep of {key} has no values.")
    keys = list(values)
    configs = []
    for combination in itertools.product(*(values[k] for k in keys)):
        config = dataclasses.replace(base, **dict(zip(keys, combination, strict=True)))
        configs.append(TrainConfig.from_mapping(config.to_dict()))  # validated
    return configs


def run_name(config: TrainConfig, swept: list[str]) -> str:
    """The run folder's name from the swept settings, e.g. "lr0.001-layers64-dropout0".

    >>> run_name(TrainConfig(layers=[128, 64]), ["learning_rate", "layers"])
    'lr0.001-layers128x64'
    """
    short_names = {"learning_rate": "lr", "batch_size": "batch"}
    parts = []
    for key in swept:
        value = getattr(config, key)
        text = "x".join(str(v) for v in value) if isinstance(value, list) else short(value)
        parts.append(f"{short_names.get(key, key)}{text}" if not isinstance(value, str) else value)
    return "-".join(parts) or "run"


def initial_weights(config: TrainConfig) -> list[Any]:
    """The starting weights of `config`'s architecture, drawn from its seed."""
    data = load_splits(dataclasses.replace(config, limit=1, test_limit=1))
    model = build_model(config, data.train[0].shape[1:], len(data.class_names), data.task)
    model.build()
    return model.get_weights()


def _train_one(values: dict[str, Any], weights: list[Any]) -> str:
    from glassnet.cli.runs.train import run_training

    return str(run_training(TrainConfig.from_mapping(values), 0, False, weights).path)


def sweep(
    base: TrainConfig, values: dict[str, list[Any]], out: str | os.PathLike, jobs: int = 1
) -> list[Path]:
    """Train every combination of `values` on top of `base` into `out`/<name>.

    Returns:
        The run folders, in grid order.

    Raises:
        ValueError: an unknown setting, no values, or a bad value (from `TrainConfig`).
        FileExistsError: a run folder of the sweep exists already.
    """
    configs = grid(base, values)
    swept = [k for k in values if len(values[k]) > 1] or list(values)
    out = Path(out)
    names = [run_name(c, swept) for c in configs]
    configs = [
        dataclasses.replace(c, out=str(out / n)) for c, n in zip(configs, names, strict=True)
    ]
    for config in configs:
        if Path(config.out).exists():
            raise FileExistsError(f"{config.out} exists already; choose another --out.")
    starts: dict[tuple[int, ...], list[Any]] = {}
    for config in configs:
        key = tuple(config.layers)
        if key not in starts:
            starts[key] = initial_weights(config)
    tasks = [(c.to_dict() | {"out": c.out}, starts[tuple(c.layers)]) for c in configs]
    if jobs <= 1 or len(tasks) == 1:
        return [Path(_train_one(*task)) for task in tasks]
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return [Path(p) for p in pool.map(_train_one, *zip(*tasks, strict=True))]
