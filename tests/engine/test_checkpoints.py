"""callbacks.ModelCheckpoint: file names, save_freq, save_best_only, as Keras 3."""

import numpy as np
import pytest

import glassnet as gn


def _model():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer=gn.optimizers.SGD(0.1), loss="mse")
    model.build()
    return model


def _data(n=8):
    x = np.linspace(-1, 1, 2 * n, dtype=np.float32).reshape(n, 2)
    return x, x @ np.array([1.0, -2.0], np.float32)


def test_epoch_template_counts_from_1_and_saves_each_epoch(tmp_path):
    x, y = _data()
    model = _model()
    saved = {}

    class Spy(gn.callbacks.Callback):  # what the weights were at each epoch's end
        def on_epoch_end(self, epoch, logs=None):
            saved[epoch + 1] = self.model.get_weights()

    path = str(tmp_path / "training" / "cp-{epoch:04d}.weights.npz")
    save = gn.callbacks.ModelCheckpoint(path, save_weights_only=True)
    model.fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=[save, Spy()])
    names = sorted(p.name for p in (tmp_path / "training").iterdir())
    assert names == ["cp-0001.weights.npz", "cp-0002.weights.npz", "cp-0003.weights.npz"]
    again = _model()
    again.load_weights(tmp_path / "training" / "cp-0002.weights.npz")
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), saved[2], strict=True))


def test_log_fields_in_the_name(tmp_path):
    x, y = _data()
    model = _model()
    path = str(tmp_path / "{epoch:02d}-{val_loss:.3f}.glassnet")
    save = gn.callbacks.ModelCheckpoint(path)
    history = model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), callbacks=[save])
    expected = sorted(
        f"{e + 1:02d}-{loss:.3f}.glassnet" for e, loss in enumerate(history.history["val_loss"])
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    with pytest.raises(KeyError, match=r"Failed to format .*val_acc.* is not in the logs \(loss\)"):
        _model().fit(
            x, y, epochs=1, verbose=0,
            callbacks=[gn.callbacks.ModelCheckpoint(str(tmp_path / "{val_acc}.glassnet"))],
        )  # fmt: skip


def test_save_freq_in_batches_counts_across_epochs(tmp_path):
    x, y = _data(n=12)  # 3 batches of 4 per epoch
    path = str(tmp_path / "e{epoch}-b{batch}.weights.npz")
    save = gn.callbacks.ModelCheckpoint(path, save_weights_only=True, save_freq=2)
    _model().fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0, callbacks=[save])
    # 6 batches in all: saves after the 2nd (epoch 1, batch 2), 4th (epoch 2, batch 1), 6th.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "e1-b2.weights.npz", "e2-b1.weights.npz", "e2-b3.weights.npz",
    ]  # fmt: skip


def test_save_best_only_keeps_the_best_epoch(tmp_path, capsys):
    model = _model()
    save = gn.callbacks.ModelCheckpoint(
        str(tmp_path / "best.weights.npz"), save_best_only=True, save_weights_only=True, verbose=1
    )
    save.set_model(model)
    for epoch, loss in enumerate([0.5, 0.3, 0.4]):
        model.layers[0].params["bias"][...] = epoch  # marks which epoch was saved
        save.on_epoch_end(epoch, {"val_loss": loss})
    again = _model()
    again.load_weights(tmp_path / "best.weights.npz")
    assert again.layers[0].params["bias"][0] == 1.0  # the epoch with 0.3
    assert save.best == 0.3
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Epoch 1: val_loss improved from None to 0.50000, saving model to")
    assert out[1].startswith("Epoch 2: val_loss improved from 0.50000 to 0.30000")
    assert out[2] == "Epoch 3: val_loss did not improve from 0.30000"


def test_mode_and_initial_value_threshold(tmp_path):
    model = _model()
    path = tmp_path / "best.glassnet"
    save = gn.callbacks.ModelCheckpoint(
        str(path), monitor="val_accuracy", save_best_only=True, initial_value_threshold=0.8
    )
    save.set_model(model)
    save.on_epoch_end(0, {"val_accuracy": 0.7})  # not above the threshold
    assert not path.exists()
    save.on_epoch_end(1, {"val_accuracy": 0.9})  # "auto": accuracy is maximized
    assert path.exists()
    odd = gn.callbacks.ModelCheckpoint(str(path), monitor="f1_thing", save_best_only=True)
    odd.set_model(model)
    with pytest.raises(ValueError, match="Pass mode='max' or mode='min'"):
        odd.on_epoch_end(0, {"f1_thing": 1.0})


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="save_weights_only=True, the filepath must end in"):
        gn.callbacks.ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in '\.keras'.*save_weights_only=True"):
        gn.callbacks.ModelCheckpoint("m.weights.h5")
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'batch'"):
        gn.callbacks.ModelCheckpoint("m.keras", save_freq="batch")
    with pytest.raises(ValueError, match="save_freq"):
        gn.callbacks.ModelCheckpoint("m.keras", save_freq=0)
    with pytest.raises(ValueError, match="mode"):
        gn.callbacks.ModelCheckpoint("m.keras", mode="best")
    with pytest.raises(TypeError, match="filepath must be a file path"):
        gn.callbacks.ModelCheckpoint(None)


def test_keras_file_names_write_keras_files(tmp_path):
    pytest.importorskip("h5py")
    x, y = _data()
    model = _model()
    calls = [
        gn.callbacks.ModelCheckpoint(str(tmp_path / "cp.weights.h5"), save_weights_only=True),
        gn.callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="loss"),
    ]
    model.fit(x, y, epochs=2, verbose=0, callbacks=calls)
    restored = gn.load_model(tmp_path / "best.keras")
    np.testing.assert_array_equal(restored.predict(x), model.predict(x))
    fresh = _model()
    fresh.load_weights(tmp_path / "cp.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))
