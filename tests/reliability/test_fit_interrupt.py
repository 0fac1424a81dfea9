"""Ctrl-C during `model.fit` is handed on (KeyboardInterrupt), as Keras does, whatever
`verbose` is. Before, `verbose=0` raised it while `verbose>0` swallowed it and returned:
a script whose user pressed Ctrl-C went on running after fit, depending on the display.
"""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import glassnet as gn


def _model(seed=0):
    gn.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    model = gn.Sequential(
        [gn.layers.Dense(8, activation="tanh", input_shape=(4,)), gn.layers.Dense(2)]
    )
    model.compile(
        optimizer=gn.optimizers.SGD(0.2),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model, x, y


class _SigintAt(gn.callbacks.Callback):
    """A real SIGINT to this process at the end of batch `batch` of epoch `epoch`."""

    def __init__(self, epoch, batch):
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGINT)


class _StopAt(_SigintAt):
    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            self.model.stop_training = True


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_ctrl_c_is_handed_on_whatever_verbose_is(verbose, capsys):
    model, x, y = _model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=5, batch_size=8, verbose=verbose, callbacks=[_SigintAt(2, 3)])
    history = model.history
    assert history.interrupted and history.epoch == [0, 1]  # epoch 3 never ended
    assert len(history.history["loss"]) == 2
    # The weights are those after batch 4 of epoch 3: the same as a run stopped there.
    same, _, _ = _model()
    same.fit(x, y, epochs=5, batch_size=8, verbose=0, callbacks=[_StopAt(2, 3)])
    for a, b in zip(model.get_weights(), same.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_ctrl_c_still_ends_fit_early_stopping_restores_its_best_epoch():
    model, x, y = _model(1)
    kept = {}

    class Record(gn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            kept[epoch] = (logs["val_loss"], self.model.get_weights())

    early = gn.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    with pytest.raises(KeyboardInterrupt):
        model.fit(
            x,
            y,
            epochs=8,
            batch_size=8,
            verbose=0,
            validation_split=0.25,
            callbacks=[Record(), early, _SigintAt(4, 2)],
        )
    assert sorted(kept) == [0, 1, 2, 3]
    best = min(kept, key=lambda e: kept[e][0])  # the lowest val_loss, worked out here
    for a, b in zip(model.get_weights(), kept[best][1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_model_trains_on_after_ctrl_c():
    model, x, y = _model(2)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[_SigintAt(0, 1)])
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert not history.interrupted and history.epoch == [0, 1]
    assert np.isfinite(history.history["loss"]).all()
