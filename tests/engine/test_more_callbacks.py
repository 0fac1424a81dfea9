"""Keras's hooks (order, aliases, only-if-overridden) and the callbacks CSVLogger,
LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN and LambdaCallback."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ReduceLROnPlateau,
    TerminateOnNaN,
)


def _line_model(lr=0.1, optimizer=None):
    """y = w*x + b with w = b = 0: gradients of the MSE are worked out by hand below."""
    model = gn.Sequential([gn.layers.Dense(1, kernel_initializer="zeros", input_shape=(1,))])
    model.compile(optimizer=optimizer or gn.optimizers.SGD(lr), loss="mse")
    return model


ONE_X, ONE_Y = np.array([[1.0]]), np.array([[1.0]])


class Recorder(Callback):
    """Writes down every hook fit calls, with what it is given."""

    def __init__(self):
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch))

    def on_test_begin(self, logs=None):
        self.calls.append(("test_begin",))

    def on_test_end(self, logs=None):
        self.calls.append(("test_end", dict(logs)))


# -- hooks -------------------------------------------------------------------------------------
def test_fit_calls_every_hook_in_keras_order():
    model = _line_model()
    x, y = np.arange(6.0).reshape(6, 1), np.ones((6, 1))
    rec = Recorder()
    model.fit(x, y, batch_size=3, epochs=2, verbose=0, callbacks=[rec], validation_data=(x, y))
    names = [c[0] for c in rec.calls]
    per_epoch = ["epoch_begin", "batch_begin", "batch_end", "batch_begin", "batch_end"]
    per_epoch += ["test_begin", "test_end", "epoch_end"]
    assert names == ["train_begin", *per_epoch, *per_epoch, "train_end"]
    assert [c[1] for c in rec.calls if c[0] == "batch_begin"] == [0, 1, 0, 1]
    # on_test_end gets the validation figures without "val_"; epoch end has them with it.
    test_end = [c[1] for c in rec.calls if c[0] == "test_end"]
    epoch_end = [c[2] for c in rec.calls if c[0] == "epoch_end"]
    assert [t["loss"] for t in test_end] == [e["val_loss"] for e in epoch_end]


def test_older_batch_hook_names_are_called():
    class OldStyle(Callback):
        def __init__(self):
            self.begun, self.ended = [], []

        def on_batch_begin(self, batch, logs=None):
            self.begun.append(batch)

        def on_batch_end(self, batch, logs=None):
            self.ended.append(batch)

    old = OldStyle()
    x = np.arange(4.0).reshape(4, 1)
    _line_model().fit(x, x, batch_size=2, epochs=1, verbose=0, callbacks=[old])
    assert old.begun == [0, 1] and old.ended == [0, 1]


def test_a_hook_nobody_overrides_is_never_called(monkeypatch):
    calls = []
    monkeypatch.setattr(CallbackList, "on_train_batch_end", lambda *a: calls.append("end"))
    monkeypatch.setattr(CallbackList, "on_train_batch_begin", lambda *a: calls.append("begin"))
    x = np.arange(8.0).reshape(8, 1)
    # verbose=0: History and EarlyStopping use no batch hook, so fit calls none.
    stop = gn.callbacks.EarlyStopping(monitor="loss")
    _line_model().fit(x, x, batch_size=2, epochs=2, verbose=0, callbacks=[stop])
    assert calls == []
    _line_model().fit(x, x, batch_size=2, epochs=1, verbose=0, callbacks=[TerminateOnNaN()])
    assert calls == ["end"] * 4


def test_calls_tells_which_hooks_are_overridden():
    plain = CallbackList([Callback(), History()])
    assert not plain.calls("on_train_batch_begin") and not plain.calls("on_test_end")
    assert plain.calls("on_epoch_end")  # History's
    lam = CallbackList([LambdaCallback(on_train_batch_begin=lambda batch, logs: None)])
    assert lam.calls("on_train_batch_begin") and not lam.calls("on_train_batch_end")
    lam.append(LambdaCallback(on_batch_end=lambda batch, logs: None))  # the older name
    assert lam.calls("on_train_batch_end")
    with pytest.raises(TypeError, match=r"callback must be a gn\.callbacks\.Callback"):
        lam.append(print)


# -- CSVLogger ---------------------------------------------------------------------------------
def test_csv_logger_writes_keras_columns_and_na(tmp_path):
    path = tmp_path / "log.csv"
    model = _line_model()
    x, y = np.arange(4.0).reshape(4, 1), np.ones((4, 1))
    history = model.fit(
        x,
        y,
        epochs=3,
        batch_size=2,
        verbose=0,
        callbacks=[CSVLogger(path)],
        validation_data=(x, y),
        validation_freq=2,
    )
    h = history.history
    # Keras: "epoch" (0-based), the first epoch's names sorted; epoch 1 had no val_ figure,
    # so val_ names follow and unvalidated epochs read "NA"; excel dialect: "\r\n".
    expected = (
        "epoch,loss,val_loss\r\n"
        f"0,{h['loss'][0]!r},NA\r\n"
        f"1,{h['loss'][1]!r},{h['val_loss'][0]!r}\r\n"
        f"2,{h['loss'][2]!r},NA\r\n"
    )
    assert path.read_bytes().decode() == expected


def test_csv_logger_sorts_metrics_uses_separator_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(1,))])
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    first = model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        validation_data=(x, y),
        callbacks=[CSVLogger(path, separator=";")],
    )
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch;accuracy;loss;val_accuracy;val_loss"
    h = first.history
    assert lines[1] == ";".join(
        ["0", *(repr(h[k][0]) for k in ("accuracy", "loss", "val_accuracy", "val_loss"))]
    )
    model.fit(
        x,
        y,
        epochs=1,
        verbose=0,
        validation_data=(x, y),
        callbacks=[CSVLogger(path, separator=";", append=True)],
    )
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch;") and lines[3].startswith("0;")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])  # overwrites
    assert path.read_text().splitlines()[0] == "epoch,accuracy,loss,val_accuracy,val_loss"


def test_csv_logger_flushes_every_epoch(tmp_path):
    path = tmp_path / "log.csv"
    rows_seen = []
    peek = LambdaCallback(
        on_epoch_end=lambda e, logs: rows_seen.append(len(path.read_text().splitlines()))
    )
    x = np.arange(4.0).reshape(4, 1)
    _line_model().fit(x, x, epochs=3, verbose=0, callbacks=[CSVLogger(path), peek])
    assert rows_seen == [2, 3, 4]  # header + one row per finished epoch, already on disk


def test_csv_logger_checks_its_arguments():
    with pytest.raises(ValueError, match="separator must be one character"):
        CSVLogger("a.csv", separator=";;")
    with pytest.raises(TypeError, match="filename must be a path"):
        CSVLogger(3)


# -- LearningRateScheduler ---------------------------------------------------------------------
def test_scheduler_sets_the_rate_each_epoch_and_trains_with_it(capsys):
    model = _line_model(lr=0.1)
    halve = LearningRateScheduler(lambda epoch, lr: lr / 2, verbose=1)
    history = model.fit(ONE_X, ONE_Y, epochs=3, verbose=0, callbacks=[halve])
    assert history.history["learning_rate"] == [0.05, 0.025, 0.0125]
    assert model.optimizer.learning_rate == 0.0125
    # By hand: loss (w + b - 1)^2 at x = 1, so dL/dw = dL/db = 2 (w + b - 1).
    # epoch 0, lr 0.05:   w = b = 0 + 0.05 * 2           = 0.1
    # epoch 1, lr 0.025:  w + b = 0.2, grad -1.6: w = b  = 0.1 + 0.025 * 1.6 = 0.14
    # epoch 2, lr 0.0125: w + b = 0.28, grad -1.44: w = b = 0.14 + 0.0125 * 1.44 = 0.158
    kernel, bias = model.get_weights()
    np.testing.assert_allclose([kernel[0, 0], bias[0]], [0.158, 0.158], rtol=1e-6)
    out = capsys.readouterr().out
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.05." in out


def test_scheduler_accepts_the_one_argument_form():
    model = _line_model(lr=0.1)
    rates = {0: 0.3, 1: 0.2}
    history = model.fit(
        ONE_X,
        ONE_Y,
        epochs=2,
        verbose=0,
        callbacks=[LearningRateScheduler(lambda epoch: rates[epoch])],
    )
    assert history.history["learning_rate"] == [0.3, 0.2]


def test_scheduler_errors():
    with pytest.raises(TypeError, match="schedule must be a function"):
        LearningRateScheduler(0.1)
    bad = LearningRateScheduler(lambda epoch, lr: "fast")
    with pytest.raises(TypeError, match=r"schedule\(0, lr\) must return a number, got 'fast'"):
        _line_model().fit(ONE_X, ONE_Y, epochs=1, verbose=0, callbacks=[bad])


class _FakeModel:
    def __init__(self, lr):
        self.optimizer = gn.optimizers.SGD(lr)
        self.stop_training = False


class _Schedule:
    """Stands for a learning-rate schedule object: a rate that is a function of the step."""

    def __call__(self, step):
        return 0.1


class _ScheduledOptimizer:
    """An optimizer created with a schedule, in either form: `learning_rate` is the
    schedule, or it reads the current rate and `learning_rate_schedule` holds the schedule."""

    def __init__(self, rate_is_schedule):
        self.learning_rate = _Schedule() if rate_is_schedule else 0.1
        self.learning_rate_schedule = None if rate_is_schedule else _Schedule()


@pytest.mark.parametrize("rate_is_schedule", [True, False])
@pytest.mark.parametrize(
    "callback",
    [LearningRateScheduler(lambda e, lr: lr), ReduceLROnPlateau(monitor="loss")],
    ids=["LearningRateScheduler", "ReduceLROnPlateau"],
)
def test_rate_callbacks_refuse_an_optimizer_with_a_schedule(callback, rate_is_schedule):
    model = _FakeModel(0.1)
    model.optimizer = _ScheduledOptimizer(rate_is_schedule)
    callback.set_model(model)
    name = type(callback).__name__
    with pytest.raises(TypeError, match=f"{name} sets the optimizer's learning rate.*schedule"):
        callback.on_train_begin()


# -- ReduceLROnPlateau -------------------------------------------------------------------------
def _plateau(values, **kwargs):
    """Feed `values` as the monitored figure; return (logged rate, rate after) per epoch."""
    callback = ReduceLROnPlateau(**kwargs)
    callback.set_model(_FakeModel(1.0))
    callback.on_train_begin()
    out = []
    for epoch, value in enumerate(values):
        logs = {callback.monitor: value}
        callback.on_epoch_end(epoch, logs)
        out.append((logs["learning_rate"], callback.model.optimizer.learning_rate))
    return out


def test_reduce_lr_on_plateau_by_hand():
    # patience=2, factor=0.5, min_delta=0.01, cooldown=1, min_lr=0.1. An improvement
    # needs value + 0.01 < best. Epoch by epoch (best, wait, cooldown -> rate after):
    #  0 1.0   first: best 1.0                          -> 1.0
    #  1 0.995 no (1.005 !< 1.0): wait 1                 -> 1.0
    #  2 0.99  no (1.0 !< 1.0): wait 2 = patience: 0.5, wait 0, cooldown 1
    #  3 0.98  cooldown 1 -> 0; 0.99 < 1.0: best 0.98      -> 0.5
    #  4 0.97  no (0.98 !< 0.98): wait 1                 -> 0.5
    #  5 0.975 no: wait 2: 0.25, cooldown 1
    #  6 0.969 cooldown 1 -> 0; 0.979 < 0.98: best 0.969  -> 0.25
    #  7 0.9   0.91 < 0.969: best 0.9                     -> 0.25
    #  8 0.95  wait 1; 9 0.95 wait 2: 0.125, cooldown 1
    # 10 0.95  cooldown -> 0, wait 0, then no improvement: wait 1 -> 0.125
    # 11 0.95  wait 2: max(0.0625, min_lr 0.1) = 0.1, cooldown 1
    # 12..14   wait 1, 2, 3: at min_lr already, no reduction -> 0.1
    values = [
        1.0,
        0.995,
        0.99,
        0.98,
        0.97,
        0.975,
        0.969,
        0.9,
        0.95,
        0.95,
        0.95,
        0.95,
        0.95,
        0.95,
        0.95,
    ]
    after = [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1, 0.1, 0.1]
    got = _plateau(
        values, monitor="loss", factor=0.5, patience=2, cooldown=1, min_delta=0.01, min_lr=0.1
    )
    assert [g[1] for g in got] == after
    # The logs carry the rate the epoch trained with (before a reduction), as Keras.
    assert [g[0] for g in got] == [1.0, *after[:-1]]


def test_reduce_lr_on_plateau_max_mode_and_defaults():
    callback = ReduceLROnPlateau()
    assert (callback.monitor, callback.factor, callback.patience, callback.min_delta) == (
        "val_loss",
        0.1,
        10,
        1e-4,
    )
    assert (callback.cooldown, callback.min_lr, callback.mode) == (0, 0.0, "min")
    # accuracy: larger is better (auto); 0.8, 0.8 is no improvement: patience 1 reduces.
    got = _plateau([0.7, 0.8, 0.8], monitor="val_accuracy", patience=1, factor=0.5)
    assert [g[1] for g in got] == [1.0, 1.0, 0.5]


def test_reduce_lr_on_plateau_in_fit():
    # SGD(1e-6) barely moves: the loss changes by ~4e-6 an epoch, below min_delta 1e-4.
    # patience 2: epoch 0 is the best, epochs 1 and 2 wait, then the rate halves (epoch 2)
    # and again after epochs 3 and 4.
    model = _line_model(lr=1e-6)
    plateau = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    history = model.fit(ONE_X, ONE_Y, epochs=5, verbose=0, callbacks=[plateau])
    assert history.history["learning_rate"] == [1e-6, 1e-6, 1e-6, 5e-7, 5e-7]
    assert model.optimizer.learning_rate == 2.5e-7


def test_reduce_lr_on_plateau_errors_and_warning():
    with pytest.raises(ValueError, match=r"factor=1.0 is out of range \[0, 1\)"):
        ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError, match="cannot tell whether monitor='val_foo'"):
        ReduceLROnPlateau(monitor="val_foo")
    with pytest.raises(ValueError, match="mode"):
        ReduceLROnPlateau(mode="up")
    with pytest.warns(RuntimeWarning, match="monitors 'val_loss', which is not in the logs"):
        _line_model().fit(ONE_X, ONE_Y, epochs=1, verbose=0, callbacks=[ReduceLROnPlateau()])


# -- TerminateOnNaN ----------------------------------------------------------------------------
def test_terminate_on_nan_stops_after_the_batch(capsys):
    # The NaN guard stops fit on a non-finite loss before callbacks see it; here another
    # callback makes the logged loss NaN, so TerminateOnNaN acts on the logs.
    poison = LambdaCallback(on_train_batch_end=lambda b, logs: logs.update(loss=math.nan))
    batches = []
    count = LambdaCallback(on_train_batch_begin=lambda b, logs: batches.append(b))
    x = np.arange(8.0).reshape(8, 1)
    model = _line_model()
    model.fit(x, x, batch_size=2, epochs=3, verbose=0, callbacks=[count, poison, TerminateOnNaN()])
    assert batches == [0]  # stopped after the first batch of the first epoch
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_can_raise():
    stop = TerminateOnNaN(raise_error=True)
    stop.on_train_batch_end(0, {"loss": 0.5})  # finite: nothing happens
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 4"):
        stop.on_train_batch_end(4, {"loss": math.inf})


# -- LambdaCallback ----------------------------------------------------------------------------
def test_lambda_callback_calls_each_function_with_the_hook_arguments():
    seen = []
    lam = LambdaCallback(
        on_train_begin=lambda logs: seen.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: seen.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: seen.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: seen.append(f"batch_end {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: seen.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: seen.append(f"train_end {sorted(logs)}"),
        on_test_end=lambda logs: seen.append(f"test_end {sorted(logs)}"),
    )
    _line_model().fit(
        ONE_X, ONE_Y, epochs=1, verbose=0, callbacks=[lam], validation_data=(ONE_X, ONE_Y)
    )
    assert seen == [
        "train_begin",
        "epoch_begin 0",
        "batch_begin 0",
        "batch_end 0 ['loss']",
        "test_end ['loss']",
        "epoch_end 0 ['loss', 'val_loss']",
        "train_end ['loss', 'val_loss']",  # the last epoch's logs, as Keras
    ]


def test_batch_hooks_get_logs_by_keyword_as_keras():
    seen = []
    lam = LambdaCallback(on_train_batch_end=lambda batch, **kw: seen.append(sorted(kw["logs"])))
    _line_model().fit(ONE_X, ONE_Y, epochs=1, verbose=0, callbacks=[lam])
    assert seen == [["loss"]]


def test_lambda_callback_errors():
    with pytest.raises(TypeError, match="on_epoch_end must be a function, got 3"):
        LambdaCallback(on_epoch_end=3)
    with pytest.raises(TypeError, match="unknown keyword 'on_epoch_ending'"):
        LambdaCallback(on_epoch_ending=print)


# -- against real Keras, where TensorFlow is installed (skipped otherwise) ------------------------
def test_reduce_lr_on_plateau_and_csv_logger_match_keras(tmp_path):
    keras = pytest.importorskip("tensorflow").keras
    values = [1.0, 0.99, 0.995, 0.97, 0.96, 0.96, 0.9, 0.95, 0.95, 0.95]
    settings = {"monitor": "loss", "factor": 0.5, "patience": 2, "cooldown": 1, "min_delta": 0.005}
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(1.0), "mse")
    theirs = keras.callbacks.ReduceLROnPlateau(**settings)
    theirs.set_model(model)
    theirs.on_train_begin()
    rates = []
    for epoch, value in enumerate(values):
        theirs.on_epoch_end(epoch, {"loss": value})
        rates.append(float(model.optimizer.learning_rate))
    assert [g[1] for g in _plateau(values, **settings)] == pytest.approx(rates, rel=1e-7)
    # CSVLogger: the same bytes for the same logs.
    for logger in (keras.callbacks.CSVLogger(tmp_path / "k.csv"), CSVLogger(tmp_path / "g.csv")):
        logger.set_model(model)
        logger.on_train_begin()
        for epoch in range(3):
            logs = {"loss": 0.5 / (epoch + 1), "accuracy": 0.25 * epoch}
            if epoch == 1:
                logs |= {"val_loss": 0.75, "val_accuracy": 0.5}
            logger.on_epoch_end(epoch, logs)
        logger.on_train_end()
    assert (tmp_path / "g.csv").read_bytes() == (tmp_path / "k.csv").read_bytes()


def test_fit_validation_draws_no_evaluate_line(capsys):
    # The test hooks reach fit's ProgressBar too; inside fit it prints only the epoch
    # lines (as Keras's ProgbarLogger), while evaluate still prints its own line.
    model = _line_model()
    model.fit(ONE_X, ONE_Y, epochs=2, verbose=2, validation_data=(ONE_X, ONE_Y))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[:2] for line in lines[1:3]] == [["Epoch", "1/2"], ["Epoch", "2/2"]]
    assert not any(line.startswith("1/1 - ") for line in lines)
    model.evaluate(ONE_X, ONE_Y, verbose=2)
    assert capsys.readouterr().out.startswith("1/1 - ")
