"""Ctrl-C mid-epoch stops the live progress bar before anything else is printed. Before,
the bar stayed live and rich redrew `Epoch 4/5 ━━━╸━━ 1201/1667 ...` under every line
printed after it (the diagnosis, the run's report)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.console import Console

import glassnet as gn
import glassnet._internal.console as console_module


class _CtrlCAt(gn.callbacks.Callback):
    """KeyboardInterrupt at the end of batch `batch` of epoch `epoch` (as Ctrl-C there)."""

    def __init__(self, epoch, batch):
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


@pytest.fixture
def terminal(monkeypatch):
    """What ProgressBar prints, on a (pretend) terminal that draws the live bar."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr(console_module, "make_console", lambda **options: console)
    return out


def _fit_interrupted(verbose):
    gn.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    bar = gn.callbacks.ProgressBar(verbose=verbose)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=3, batch_size=4, callbacks=[bar, _CtrlCAt(1, 5)])
    return bar


def test_ctrl_c_stops_the_live_bar_and_finishes_its_line(terminal):
    bar = _fit_interrupted(verbose=1)
    assert bar.progress is not None  # a live bar was drawn in epoch 2 ...
    assert not bar.progress.live.is_started  # ... and is stopped
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())  # cursor moves
    lines = [line.rstrip() for line in text.splitlines()]
    stopped = [line for line in lines if "interrupted (Ctrl-C)" in line]
    # Batch 6 of 10 (batch_size 4 of 40 samples) ended before Ctrl-C came.
    assert len(stopped) == 1 and stopped[0].startswith("Epoch 2/3 6/10 ")
    after = text.split("interrupted (Ctrl-C)")[-1]
    assert "Training diagnosis" in after and "━" not in after  # no bar redrawn below


def test_ctrl_c_with_verbose_2_says_where_it_stopped(terminal):
    bar = _fit_interrupted(verbose=2)
    assert bar.progress is None  # no live bar with verbose=2
    lines = terminal.getvalue().splitlines()
    assert [line.split(" - ")[0] for line in lines if line.startswith("Epoch ")][-1].startswith(
        "Epoch 2/3 6/10 "
    )


class _FailAt(gn.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 5:
            raise ValueError("a callback's own error")


def test_an_error_mid_epoch_stops_the_live_bar(terminal):
    # As Keras, on_train_end is not called (no diagnosis), but the bar stops drawing.
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    bar = gn.callbacks.ProgressBar(verbose=1)
    with pytest.raises(ValueError, match="own error"):
        model.fit(x, y, epochs=2, batch_size=4, callbacks=[bar, _FailAt()])
    assert bar.progress is not None and not bar.progress.live.is_started
    assert "Training diagnosis" not in terminal.getvalue()


def test_an_error_before_the_first_bar_is_the_error_itself(terminal):
    class _FailFirst(gn.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            raise ValueError("before any bar")

    model = gn.Sequential([gn.layers.Dense(2, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.zeros((8, 2))
    with pytest.raises(ValueError, match="before any bar"):  # not an AttributeError
        model.fit(x, np.zeros(8, int), callbacks=[_FailFirst(), gn.callbacks.ProgressBar()])
