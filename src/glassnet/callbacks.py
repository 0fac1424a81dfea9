"""Callbacks: History, EarlyStopping, the progress display and the NaN guard."""

from __future__ import annotations

from typing import Any

__all__ = ["Callback", "History"]


class Callback:
    """Base class: hooks called by `Sequential.fit`; override the ones you need.

    `self.model` is set before training starts.
    """

    model: Any = None

    def set_model(self, model: Any) -> None:
        self.model = model

    def on_train_begin(self, logs: dict | None = None) -> None: ...

    def on_train_end(self, logs: dict | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None: ...


class History(Callback):
    """Records the logs of every epoch; `model.fit` returns it.

    Attributes:
        history: metric name -> list of per-epoch values, e.g. "loss", "val_accuracy".
        epoch: the epoch indices (0-based, as Keras).
        params: the fit settings: epochs, steps, batch_size, verbose.

    >>> h = History.from_dict({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
    >>> h.epoch, h.history["loss"][-1]
    ([0, 1], 0.5)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict[str, Any] = {}

    @classmethod
    def from_dict(cls, history: dict[str, list[float]], params: dict | None = None) -> History:
        """A History holding `history` (as saved in a run folder's history.json)."""
        result = cls()
        result.history = {key: [float(v) for v in values] for key, values in history.items()}
        lengths = {len(values) for values in result.history.values()}
        if len(lengths) > 1:
            raise ValueError(f"history lists must have one length, got lengths {sorted(lengths)}.")
        result.epoch = list(range(lengths.pop() if lengths else 0))
        result.params = dict(params or {})
        return result

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
