"""ModelCheckpoint: save the model (or its weights) during training, as Keras 3 does.

`gn.callbacks.ModelCheckpoint` is `Checkpointing` made a `Callback` (callbacks.py can
import this module, which does not import it back). The rules follow
`keras/src/callbacks/model_checkpoint.py`:

- `filepath` may hold `str.format` fields: `{epoch}` (counted from 1), any log name
  (`{val_loss:.2f}`), and with an integer `save_freq` also `{batch}` (from 1);
- `save_freq="epoch"` saves at the end of every epoch; an integer `n` every `n` batches,
  counted across epochs;
- `save_best_only=True` saves only when `monitor` improved on the best value so far
  (`initial_value_threshold` is the value to beat at the start), by `mode`: "min", "max",
  or "auto" (min for a loss, max for accuracy-like names);
- the folder is created if it is missing; each save is atomic (`model.save` /
  `model.save_weights`).

>>> import os, tempfile, numpy as np, glassnet as gn
>>> folder = tempfile.mkdtemp()
>>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
>>> model.compile(optimizer="sgd", loss="mse")
>>> path = os.path.join(folder, "cp-{epoch:02d}.weights.npz")
>>> save = gn.callbacks.ModelCheckpoint(path, save_weights_only=True)
>>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0, callbacks=[save])
>>> sorted(os.listdir(folder))
['cp-01.weights.npz', 'cp-02.weights.npz']
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Any, cast

from glassnet._callback_base import monitor_mode
from glassnet._internal.checks import check_int, check_one_of, describe

__all__ = ["Checkpointing"]


class Checkpointing:
    """Save the model or its weights at the end of each epoch, or every `save_freq` batches.

    Args:
        filepath: where to save; may hold `{epoch:02d}`, `{batch}` and log fields
            (`{val_loss:.2f}`). With `save_weights_only`, a name ending in ".weights.h5"
            gets Keras's HDF5 (needs h5py), any other name except ".keras"/".h5"
            glassnet's own; else ".keras" gets Keras's model zip, ".h5" Keras's legacy
            model file, other names except ".weights.h5" glassnet's model file.
        monitor: the log compared by `save_best_only`, default "val_loss".
        verbose: 1 prints a line when it saves (or does not, with save_best_only).
        save_best_only: save only when `monitor` improved (a name without fields is then
            always the best model so far).
        save_weights_only: `model.save_weights(path)` instead of `model.save(path)`.
        mode: "auto", "min" or "max".
        save_freq: "epoch", or a number of batches >= 1.
        initial_value_threshold: the value `monitor` must beat for the first save.

    Raises:
        ValueError: a `save_freq`, `mode` or file name that does not fit (see above).

    >>> import glassnet as gn
    >>> save = gn.callbacks.ModelCheckpoint("best.keras", save_best_only=True)
    >>> save.monitor, save.save_freq
    ('val_loss', 'epoch')
    """

    model: Any = None

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"filepath must be a file path, got {describe(filepath)}.")
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.mode = check_one_of("mode", mode, ["auto", "min", "max"])
        if save_freq != "epoch":
            if isinstance(save_freq, str):
                raise ValueError(
                    f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' or a number "
                    "of batches."
                )
            save_freq = check_int("save_freq", save_freq, minimum=1)
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._check_name()
        self._op: str | None = None
        self._batches_since_save = 0
        self._epoch = 0

    def _check_name(self) -> None:
        name = self.filepath.lower()
        plain_h5 = name.endswith(".h5") and not name.endswith(".weights.h5")
        if self.save_weights_only and (name.endswith(".keras") or plain_h5):
            raise ValueError(
                "With save_weights_only=True, the filepath must end in '.weights.h5' (Keras's "
                f"weights file) or name a glassnet weights file, got {self.filepath!r}."
            )
        if not self.save_weights_only and name.endswith(".weights.h5"):
            raise ValueError(
                "The filepath must end in '.keras' (Keras's model file) or name a glassnet "
                f"model file (e.g. 'model.glassnet'), got {self.filepath!r}. Pass "
                "save_weights_only=True to save weights."
            )

    # -- hooks ----------------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= cast(int, self.save_freq):  # not "epoch" here
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs or {})

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    # -- saving ---------------------------------------------------------------------------
    def _path(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> str:
        fields = dict(logs)
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(epoch=epoch + 1, **fields)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error} '
                f"is not in the logs ({', '.join(logs)})."
            ) from None

    def _should_save(self, epoch: int, logs: dict[str, Any], path: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"Epoch {epoch + 1}: saving model to {path}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Can save best model only with {self.monitor} available.",
                RuntimeWarning,
                stacklevel=3,
            )
            return True
        if self._op is None:
            self._op = monitor_mode(self.monitor, self.mode, "ModelCheckpoint")
        best = "None" if self.best is None else f"{self.best:.5f}"
        better = not math.isnan(current) and (
            self.best is None or (current < self.best if self._op == "min" else current > self.best)
        )
        if better:
            if self.verbose > 0:
                print(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {best} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> None:
        path = self._path(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if os.path.isdir(path):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {path}"
            )
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path)
