"""Train a network as a `TrainConfig` says, evaluate it and write its run folder.

Ctrl-C during training stops after the current batch (`Sequential.fit`), puts back the
weights of the best epoch so far and still writes the folder.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.data import build_model, load_splits
from glassnet.cli.runs.folder import check_out_folder, write_run

__all__ = ["train"]


class _KeepBest:
    """A callback remembering the weights of the epoch with the lowest val_loss."""

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor = monitor
        self.best = math.inf
        self.best_epoch: int | None = None
        self.weights: list[np.ndarray] | None = None
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs=None) -> None: ...

    def on_train_end(self, logs=None) -> None: ...

    def on_epoch_begin(self, epoch, logs=None) -> None: ...

    def on_train_batch_end(self, batch, logs=None) -> None: ...

    def on_epoch_end(self, epoch, logs=None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and math.isfinite(value) and value < self.best:
            self.best, self.best_epoch = float(value), epoch
            self.weights = self.model.get_weights()


def train(config: TrainConfig, verbose: int = 1, overwrite: bool = False) -> Path:
    """Load the data, train, evaluate on the test part and write the run folder.

    Ctrl-C during training stops after the current batch (`Sequential.fit`), puts back
    the weights of the best epoch so far and still writes the folder.

    Args:
        config: the settings.
        verbose: 1 shows the progress display and prints the results, 0 is silent.
        overwrite: replace an existing run folder at `config.out` (`--force`); a folder
            that is not a run folder is never replaced. Else only an empty folder may be
            there.

    Returns:
        The run folder.

    Raises:
        FileExistsError: `config.out` exists and is not empty (without `overwrite`), or
            is not a run folder (with it).
    """
    from glassnet import callbacks

    out = Path(config.out) if config.out else _default_out(config)
    check_out_folder(out, overwrite)
    data = load_splits(config)
    if verbose:
        print(f"Data: {config.dataset}\n{data.describe_split(prefix='  ')}")
    x_train, y_train = data.train
    model = build_model(config, x_train.shape[1:], len(data.class_names))
    keep = _KeepBest()
    extra: list[Any] = [keep]
    if config.early_stopping is not None:
        extra.append(
            callbacks.EarlyStopping(
                patience=config.early_stopping, restore_best_weights=True, verbose=verbose
            )
        )
    if verbose:  # last, so it reports after EarlyStopping; its advice as glassnet train flags
        extra.append(callbacks.ProgressBar(verbose=verbose, audience="cli"))
    started = time.perf_counter()
    model.history = None
    try:
        history = model.fit(
            x_train,
            y_train,
            batch_size=config.batch_size,
            epochs=config.epochs,
            validation_data=data.val,
            callbacks=extra,
            verbose=verbose,
        )
    except KeyboardInterrupt:  # fit re-raises it when silent; keep what was learnt
        history = getattr(model, "history", None)
        if history is None:
            raise
        history.params["interrupted"] = True
    seconds = time.perf_counter() - started
    interrupted = bool(history.interrupted or history.params.get("interrupted"))
    if interrupted and keep.weights is not None:
        model.set_weights(keep.weights)
        if verbose:
            print(
                "Interrupted: keeping the weights of the best epoch so far "
                f"({keep.best_epoch + 1})."
            )
    path = write_run(
        out,
        model=model,
        config=config,
        history=history,
        data=data,
        extra={"training_seconds": round(seconds, 3), "interrupted": interrupted},
        overwrite=overwrite,
    )
    if verbose:
        metrics = json.loads((path / "metrics.json").read_text())
        print()
        print(metrics["report_text"])
        print(f"\nRun folder: {path}\nReport: {path / 'report.html'}")
    return path


def _default_out(config: TrainConfig) -> Path:
    name = Path(config.dataset).stem if config.dataset.endswith(".csv") else config.dataset
    return Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
