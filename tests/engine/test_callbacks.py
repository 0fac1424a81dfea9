"""EarlyStopping (Keras's counting rule, restoring the best weights) and History."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import Callback, EarlyStopping


class FakeModel:
    """Just what EarlyStopping touches: a stop flag and weights (here one number per epoch)."""

    def __init__(self):
        self.stop_training = False
        self.weights = [np.array(0.0)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.asarray(w).copy() for w in weights]


def _drive(losses, **kwargs):
    """Feed `losses` as val_loss epoch by epoch, as fit does (on_train_end last); return
    (stop epoch or None, callback, model)."""
    model = FakeModel()
    stop = EarlyStopping(**kwargs)
    stop.set_model(model)
    stop.on_train_begin()
    stopped = None
    for epoch, loss in enumerate(losses):
        model.weights = [np.array(float(epoch))]  # "the weights after this epoch"
        stop.on_epoch_end(epoch, {stop.monitor: loss})
        if model.stop_training:
            stopped = epoch
            break
    stop.on_train_end()
    return stopped, stop, model


LOSSES = [1.0, 0.8, 0.9, 0.95, 0.6, 0.7]


def test_patience_0_and_1_stop_at_the_same_epoch():
    # Keras increments the wait first, then stops once wait >= patience: the first epoch
    # without improvement (epoch 2, 0.9 > 0.8) stops both.
    assert _drive(LOSSES, patience=0)[0] == 2
    assert _drive(LOSSES, patience=1)[0] == 2
    assert _drive(LOSSES, patience=2)[0] == 3  # 0.9 and 0.95: two epochs without improvement
    assert _drive(LOSSES, patience=3)[0] is None  # 0.6 at epoch 4 comes in time


def test_min_delta_and_mode():
    # 0.8 -> 0.79 improves by less than min_delta=0.05: not an improvement.
    assert _drive([1.0, 0.8, 0.79], patience=1, min_delta=0.05)[0] == 2
    assert _drive([1.0, 0.8, 0.79], patience=1)[0] is None
    epoch, stop, _ = _drive([0.5, 0.7, 0.6], monitor="val_accuracy", patience=1)
    assert stop.mode == "max" and epoch == 2  # accuracy: larger is better (auto mode)
    assert _drive([0.5, 0.7, 0.6], monitor="val_accuracy", mode="min", patience=1)[0] == 1


def test_restore_best_weights_on_the_fake_model():
    epoch, stop, model = _drive(LOSSES, patience=2, restore_best_weights=True)
    assert (epoch, stop.best_epoch, stop.best) == (3, 1, 0.8)
    assert float(model.weights[0]) == 1.0  # the weights after epoch 1


def test_best_weights_come_back_at_the_end_even_without_stopping(capsys):
    # Keras 3 restores in on_train_end: here patience=3 never runs out, the best epoch is 4
    # (0.6) and the last one is 5 (0.7), so the model ends with epoch 4's weights.
    epoch, stop, model = _drive(LOSSES, patience=3, restore_best_weights=True, verbose=1)
    assert epoch is None and stop.stopped_epoch == 0
    assert (stop.best_epoch, float(model.weights[0])) == (4, 4.0)
    assert capsys.readouterr().out == (
        "Restoring model weights from the end of the best epoch: 5.\n"
    )
    # Without restore_best_weights the last weights stay.
    assert float(_drive(LOSSES, patience=3)[2].weights[0]) == 5.0


def test_messages_come_in_keras_order_and_nan_never_improves(capsys):
    epoch, stop, model = _drive(
        [1.0, float("nan"), 0.9, float("nan")], patience=1, restore_best_weights=True, verbose=1
    )
    assert epoch == 1 and stop.best_epoch == 0 and float(model.weights[0]) == 0.0
    assert capsys.readouterr().out == (
        "Epoch 2: early stopping\nRestoring model weights from the end of the best epoch: 1.\n"
    )


def test_a_missing_monitor_warns_and_never_stops():
    model = FakeModel()
    stop = EarlyStopping(monitor="val_loss", patience=0)
    stop.set_model(model)
    stop.on_train_begin()
    with pytest.warns(RuntimeWarning, match="monitors 'val_loss', which is not in the logs"):
        stop.on_epoch_end(0, {"loss": 1.0})
    assert not model.stop_training


def test_bad_arguments():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="lowest")


class WeightRecorder(Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_restore_best_weights_on_a_run_that_overfits(capsys):
    # 40 noisy samples, 20 features and a wide network: the training loss keeps falling
    # while the validation loss turns up after about 8 epochs (and doubles by epoch 300).
    gn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(140, 20)).astype(np.float32)
    y = ((x[:, 0] + rng.normal(scale=0.5, size=140)) > 0).astype(int)
    model = gn.Sequential(
        [gn.layers.Dense(64, activation="relu", input_shape=(20,)), gn.layers.Dense(2)]
    )
    model.compile(
        gn.optimizers.Adam(0.003),
        gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    recorder = WeightRecorder()
    stop = EarlyStopping(patience=3, restore_best_weights=True, verbose=1)
    history = model.fit(
        x[:40],
        y[:40],
        validation_data=(x[40:], y[40:]),
        epochs=200,
        batch_size=8,
        callbacks=[recorder, stop],
        verbose=0,
    )
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert best >= 3
    assert len(val_loss) == best + 3 + 1 < 200  # stopped `patience` epochs after the best
    assert history.history["loss"][-1] < history.history["loss"][best]  # still fitting train
    assert stop.best_epoch == best
    for restored, recorded in zip(model.get_weights(), recorder.weights[best], strict=True):
        np.testing.assert_array_equal(restored, recorded)
    assert not np.array_equal(model.get_weights()[0], recorder.weights[-1][0])
    assert model.evaluate(x[40:], y[40:], verbose=0)[0] == pytest.approx(val_loss[best], 1e-6)
    printed = capsys.readouterr().out
    assert f"Restoring model weights from the end of the best epoch: {best + 1}." in printed
    assert f"Epoch {len(val_loss)}: early stopping" in printed


def test_history_records_every_epoch():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    model.compile(gn.optimizers.SGD(0.1), "mse")
    x = np.arange(8, dtype=np.float32).reshape(-1, 1) / 8
    history = model.fit(x, 2 * x, epochs=4, batch_size=8, verbose=0)
    assert history.epoch == [0, 1, 2, 3]
    assert list(history.history) == ["loss"] and len(history.history["loss"]) == 4
    assert history.history["loss"] == sorted(history.history["loss"], reverse=True)
    assert model.history is history
