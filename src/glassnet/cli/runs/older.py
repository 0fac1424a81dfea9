"""Run folders of an older glassnet: what they lack, and how they are read as they ran.

Run folders written before regression runs existed name no task: their run.json has no
"task" and their config.json no "task" either. They are classifications, and a CSV run's
config gets that task back, so repeating or evaluating it does not infer another one from
the target column. (Older run folders also lack input_stats.json: see `runs.stats`.)
"""

from __future__ import annotations

from typing import Any

from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig

__all__ = ["restore_task", "run_task"]


def run_task(info: dict[str, Any]) -> str:
    """run.json's task; older run folders have none and are classifications.

    >>> run_task({"task": "regression"}), run_task({})
    ('regression', 'classification')
    """
    return "regression" if info.get("task") == "regression" else "classification"


def restore_task(config: TrainConfig, info: dict[str, Any]) -> TrainConfig:
    """`config`, with the task its run had, if it is a CSV run of a glassnet that named none.

    >>> restore_task(TrainConfig(dataset="points.csv", target="kind"), {}).task
    'classification'
    """
    if config.task is None and config.dataset not in IMAGE_DATASETS:
        config.task = run_task(info)
    return config
