"""fit(steps_per_epoch=) and fit(validation_freq=), as Keras 3 with NumPy arrays."""

import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet._fit_options import EpochBatches
from glassnet.callbacks import LambdaCallback


def _model(seed=0):
    gn.utils.set_random_seed(seed)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=gn.optimizers.SGD(0.05), loss="mse")
    return model


def _data(n=10):
    x = np.linspace(-1, 1, 2 * n).reshape(n, 2)
    y = x @ np.array([[1.5], [-0.5]]) + 0.25
    return x, y


def _batches_per_epoch(spe, epochs=4, n=10, batch_size=2):
    counts = []
    count = LambdaCallback(
        on_epoch_begin=lambda e, logs: counts.append(0),
        on_train_batch_begin=lambda b, logs: counts.__setitem__(-1, counts[-1] + 1),
    )
    x, y = _data(n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = _model().fit(
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            verbose=0,
            steps_per_epoch=spe,
            callbacks=[count],
        )
    ran_out = [w for w in caught if "the pass over the" in str(w.message)]
    return counts, len(ran_out), history


def test_steps_per_epoch_continues_through_the_data_as_keras():
    # 10 samples in batches of 2 = 5 batches a pass. Measured with Keras 3.15 (TensorFlow
    # backend, NumPy arrays), batches per epoch and "ran out of data" warnings:
    #   steps_per_epoch=2: [2, 2, 1, 2], 1 warning (epoch 3 ends the first pass);
    #   steps_per_epoch=7: [5, 5, 5, 5], 4 warnings (each epoch is cut at a pass's end);
    #   steps_per_epoch=5: [5, 5, 5, 5], none.
    counts, warned, history = _batches_per_epoch(2)
    assert (counts, warned) == ([2, 2, 1, 2], 1)
    assert history.params["steps"] == 2
    assert _batches_per_epoch(7)[:2] == ([5, 5, 5, 5], 4)
    assert _batches_per_epoch(5)[:2] == ([5, 5, 5, 5], 0)
    assert _batches_per_epoch(None)[:2] == ([5, 5, 5, 5], 0)


def test_steps_per_epoch_trains_on_the_next_batches():
    # Without shuffling, 2 epochs of 1 step each (batch 2) train on samples 0-1 then 2-3:
    # the same steps as one epoch over those 4 samples.
    x, y = _data(4)
    split = _model()
    split.fit(x, y, batch_size=2, epochs=2, steps_per_epoch=1, shuffle=False, verbose=0)
    whole = _model()
    whole.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    first_only = _model()
    first_only.fit(x[:2], y[:2], batch_size=2, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(split.get_weights(), whole.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    once = _model()
    once.fit(x, y, batch_size=2, epochs=1, steps_per_epoch=1, shuffle=False, verbose=0)
    for a, b in zip(once.get_weights(), first_only.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_epoch_batches_cover_each_pass_once_then_reshuffle():
    plan = EpochBatches(12, 3, shuffle=True, steps_per_epoch=2, rng=np.random.default_rng(1))
    epochs = [[b.tolist() for b in plan.epoch(e)] for e in range(4)]
    assert [len(e) for e in epochs] == [2, 2, 2, 2]
    first_pass = sorted(i for e in epochs[:2] for b in e for i in b)
    second_pass = sorted(i for e in epochs[2:] for b in e for i in b)
    assert first_pass == second_pass == list(range(12))
    assert epochs[0] != epochs[2]  # a new pass is a new shuffle


def test_steps_per_epoch_errors():
    x, y = _data()
    with pytest.raises(ValueError, match="steps_per_epoch must be an integer >= 1, got 0"):
        _model().fit(x, y, steps_per_epoch=0, verbose=0)
    with pytest.raises(TypeError, match="steps_per_epoch must be an integer"):
        _model().fit(x, y, steps_per_epoch=2.5, verbose=0)


def _validated_epochs(validation_freq, epochs=5):
    seen = []
    spy = LambdaCallback(on_epoch_end=lambda e, logs: seen.append("val_loss" in logs))
    x, y = _data()
    model = _model()
    history = model.fit(
        x,
        y,
        epochs=epochs,
        verbose=0,
        validation_data=(x, y),
        validation_freq=validation_freq,
        callbacks=[spy],
    )
    return [e for e, validated in enumerate(seen) if validated], history, model


def test_validation_freq_int_and_list():
    # Keras counts epochs from 1 here: freq 2 validates after epochs 2 and 4 (0-based 1, 3).
    epochs, history, model = _validated_epochs(2)
    assert epochs == [1, 3]
    assert len(history.history["val_loss"]) == 2 and len(history.history["loss"]) == 5
    assert _validated_epochs(1)[0] == [0, 1, 2, 3, 4]
    epochs, history, model = _validated_epochs([1, 5])
    assert epochs == [0, 4]
    # The last validation is the loss on the validation data after the last epoch.
    x, y = _data()
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x, y, verbose=0))


def test_validation_freq_errors():
    x, y = _data()
    with pytest.raises(ValueError, match="validation_freq must be an integer >= 1, got 0"):
        _model().fit(x, y, validation_freq=0, validation_data=(x, y), verbose=0)
    with pytest.raises(TypeError, match="validation_freq must be an integer >= 1 or a list"):
        _model().fit(x, y, validation_freq="2", validation_data=(x, y), verbose=0)
    with pytest.raises(ValueError, match="validation_freq entry must be an integer >= 1"):
        _model().fit(x, y, validation_freq=[0, 2], validation_data=(x, y), verbose=0)


def test_the_doctor_reads_a_run_validated_every_other_epoch():
    # Unvalidated epochs are not NaN losses: the diagnosis must not say the run blew up.
    _, history, model = _validated_epochs(2, epochs=6)
    assert history.params["validation_freq"] == 2
    report = str(gn.diagnose(history, model=model))
    assert "NaN" not in report
