"""Train a network as a `TrainConfig` says, evaluate it and write its run folder.

Ctrl-C during training stops at the end of the current batch, where the weights and the
optimizer state agree (a second Ctrl-C stops at once), puts back the weights and optimizer
state of the best epoch so far (or, in epoch 1, keeps those of the last complete batch),
says so, still writes the folder, marked interrupted, and the command exits 130.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from glassnet.callbacks import Callback
from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig
from glassnet.cli.runs.data import build_model, load_splits
from glassnet.cli.runs.folder import check_out_folder, write_run
from glassnet.cli.runs.regression import fold_target_scaling, target_scaling

__all__ = ["Trained", "run_training", "train"]


class _KeepBest(Callback):
    """Keeps the weights and the optimizer state of the epoch with the lowest `monitor`,
    together, and where training is (epoch, complete batches) for the Ctrl-C message.

    `interrupt` set (by the Ctrl-C handler) raises KeyboardInterrupt at the end of the
    current batch, or at the start of the next epoch when Ctrl-C came during validation.
    """

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor = monitor
        self.interrupt = False
        self.on_train_begin()

    def on_train_begin(self, logs=None) -> None:
        self.best = math.inf
        self.best_epoch: int | None = None
        self.weights: list[np.ndarray] | None = None
        self.optimizer_state: dict[str, np.ndarray] | None = None
        self.epoch, self.batch = 0, 0  # batches complete in the current epoch

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._stop_if_asked()
        self.epoch, self.batch = epoch, 0

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.batch = batch + 1
        self._stop_if_asked()

    def on_epoch_end(self, epoch, logs=None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and math.isfinite(value) and value < self.best:
            self.best, self.best_epoch = float(value), epoch
            self.weights = self.model.get_weights()
            self.optimizer_state = self.model.optimizer.copy_state()

    def _stop_if_asked(self) -> None:
        if self.interrupt:
            self.interrupt = False
            raise KeyboardInterrupt

    def restore(self) -> None:
        """Put back the best epoch's weights and optimizer state."""
        self.model.set_weights(self.weights)
        params = [w for w, _ in self.model.weight_pairs]
        self.model.optimizer.restore_state(self.optimizer_state, params)


@contextlib.contextmanager
def _ctrl_c_between_batches(keep: _KeepBest) -> Iterator[None]:
    """The first Ctrl-C asks `keep` to stop at the end of the batch; the next acts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # a handler not set from Python: give back Python's own
        previous = signal.default_int_handler

    def ask(signum, frame) -> None:
        keep.interrupt = True
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, ask)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Trained(NamedTuple):
    """What `run_training` did: the run folder, and whether Ctrl-C ended training."""

    path: Path
    interrupted: bool


def train(config: TrainConfig, verbose: int = 1, overwrite: bool = False) -> Path:
    """Load the data, train, evaluate on the test part and write the run folder.

    Ctrl-C during training stops at the end of the current batch, puts back the weights
    and optimizer state of the best epoch so far and still writes the folder (see
    `run_training`, which also says whether that happened).

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
    return run_training(config, verbose, overwrite).path


def run_training(
    config: TrainConfig,
    verbose: int = 1,
    overwrite: bool = False,
    initial_weights: list[Any] | None = None,
) -> Trained:
    """`train`, returning the run folder and whether Ctrl-C interrupted training.

    `initial_weights` (in `get_weights()` order) replace the seeded starting weights, so
    that runs of one architecture start from the same point (`glassnet sweep`).

    After Ctrl-C the model saved is the best epoch's (lowest val_loss) with that epoch's
    optimizer state; with no complete epoch, the model after the last complete batch with
    its optimizer state. Either way the saved optimizer state belongs to the saved weights,
    and a line on stderr says "Interrupted at epoch E batch B: ...".
    """
    from glassnet import callbacks, explain

    out = Path(config.out) if config.out else _default_out(config)
    check_out_folder(out, overwrite)
    data = load_splits(config)
    if verbose:
        if data.task_note:
            print(data.task_note)
        print(f"Data: {config.dataset}\n{data.describe_split(prefix='  ')}")
        if data.table_summary:
            print(f"  {data.table_summary}")
    if config.dataset not in IMAGE_DATASETS:
        config = dataclasses.replace(config, task=data.task)  # the run keeps the task that ran
    x_train, y_train = data.train
    validation = data.val
    scaling = None
    if data.task == "regression":  # train on the standardised target (see runs.regression)
        scaling = target_scaling(y_train)
        y_train = (y_train - scaling["mean"]) / scaling["scale"]
        validation = (data.val[0], (data.val[1] - scaling["mean"]) / scaling["scale"])
    model = build_model(config, x_train.shape[1:], len(data.class_names), data.task)
    if initial_weights is not None:
        model.build()
        model.set_weights(initial_weights)
    initial = explain.initialization(model)  # the report shows how the weights started
    keep = _KeepBest()
    extra: list[Any] = [keep]
    early = None
    if config.early_stopping is not None:
        early = callbacks.EarlyStopping(
            patience=config.early_stopping, restore_best_weights=True, verbose=verbose
        )
        extra.append(early)
    if verbose:  # last, so it reports after EarlyStopping; its advice as glassnet train flags
        extra.append(callbacks.ProgressBar(verbose=verbose, audience="cli"))
    started = time.perf_counter()
    model.history = None
    with _ctrl_c_between_batches(keep):
        try:
            history = model.fit(
                x_train,
                y_train,
                batch_size=config.batch_size,
                epochs=config.epochs,
                validation_data=validation,
                callbacks=extra,
                verbose=verbose,
            )
        except KeyboardInterrupt:  # fit hands Ctrl-C on; keep what was learnt
            history = getattr(model, "history", None)
            if history is None:
                raise
            history.interrupted = True
    seconds = time.perf_counter() - started
    interrupted = bool(history.interrupted)
    outcome: dict[str, Any] = {"training_seconds": round(seconds, 3), "interrupted": interrupted}
    if interrupted:
        history.params["interrupted"] = True
        outcome["interrupted_note"] = _interrupted_line(keep)  # report.html says the same
        print(outcome["interrupted_note"], file=sys.stderr)
        if keep.weights is not None:
            keep.restore()
    elif early is not None and early.best_weights is not None and keep.weights is not None:
        if early.best_epoch == keep.best_epoch:  # EarlyStopping put back only the weights
            keep.restore()
    if scaling is not None:
        fold_target_scaling(model, scaling)
        outcome["target_scaling"] = scaling
    path = write_run(
        out,
        model=model,
        config=config,
        history=history,
        data=data,
        extra=outcome,
        overwrite=overwrite,
        initialization=initial,
    )
    if verbose:
        metrics = json.loads((path / "metrics.json").read_text())
        print()
        print(metrics["report_text"])
        print(f"\nRun folder: {path}\nReport: {path / 'report.html'}")
    return Trained(path, interrupted)


def _interrupted_line(keep: _KeepBest) -> str:
    where = f"Interrupted at epoch {keep.epoch + 1} batch {keep.batch}"
    if keep.weights is not None:
        return (
            f"{where}: keeping the weights and optimizer state of the end of epoch "
            f"{keep.best_epoch + 1}, the best so far (val_loss {keep.best:.4f})."
        )
    if keep.batch == 0 and keep.epoch == 0:
        return f"{where}: no batch was complete; keeping the initial weights."
    if keep.epoch == 0:
        return (
            f"{where}: no epoch was complete; keeping the weights and optimizer state after "
            "that batch (a model trained on part of one epoch)."
        )
    return (
        f"{where}: no epoch had a finite {keep.monitor}; keeping the weights and optimizer "
        "state after that batch."
    )


def _default_out(config: TrainConfig) -> Path:
    name = Path(config.dataset).stem if config.dataset.endswith(".csv") else config.dataset
    return Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
