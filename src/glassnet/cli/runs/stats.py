"""A run folder's `input_stats.json`: what the training inputs looked like.

`glassnet train` records the training part's per-feature mean and scale and calibrates the
threshold on the validation part (`gn.metrics.InputStatistics`), so `glassnet predict` can
warn when an input is unlike the training data. Run folders written before this file
existed have none: predict then says that it cannot check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["STATS_FILE", "read_input_statistics", "record_input_statistics"]

STATS_FILE = "input_stats.json"


def record_input_statistics(folder: Path, x_train: Any, x_val: Any) -> None:
    """Write `STATS_FILE` into `folder`: statistics of `x_train`, threshold from `x_val`.

    >>> import tempfile, numpy as np
    >>> folder = Path(tempfile.mkdtemp())
    >>> record_input_statistics(folder, np.eye(4), np.eye(4))
    >>> read_input_statistics(folder)[0].n_fit
    4
    """
    from glassnet.metrics import InputStatistics

    stats = InputStatistics.fit(x_train, x_val)
    (folder / STATS_FILE).write_text(json.dumps(stats.to_dict()), encoding="utf-8")


def read_input_statistics(run_folder: Path | None) -> tuple[Any, str | None]:
    """(the `InputStatistics`, None), or (None, why there are none) for an older run.

    Raises:
        ValueError: the file exists but is damaged (the message names it).

    >>> read_input_statistics(None)
    (None, 'a bare model file has no record of its training inputs')
    """
    from glassnet.metrics import InputStatistics

    if run_folder is None or not Path(run_folder).is_dir():
        return None, "a bare model file has no record of its training inputs"
    file = Path(run_folder) / STATS_FILE
    if not file.is_file():
        return None, f"this run folder has no {STATS_FILE} (it was written by an older glassnet)"
    try:
        return InputStatistics.from_dict(json.loads(file.read_text(encoding="utf-8"))), None
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"{file} is damaged: {error}") from None
