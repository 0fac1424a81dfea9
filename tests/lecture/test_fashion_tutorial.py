"""The lecture's Fashion-MNIST block runs unchanged with `gn` in place of `tf.keras`.

The block below is copied from the lecture (issue 3) with only `tf.keras` written `gn`;
it is executed as text, so any API difference fails here. The fast test feeds it a small
random stand-in; the slow one trains on the real Fashion-MNIST.
"""

import time

import numpy as np
import pytest

import glassnet as gn

LECTURE_BLOCK = """\
model = gn.Sequential([gn.layers.Flatten(input_shape=(28, 28)), gn.layers.Dense(128, activation='relu'), gn.layers.Dense(10)])
model.compile(optimizer=gn.optimizers.Adam(learning_rate=0.00001), loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
history = model.fit(train_images, train_labels, validation_data=[test_images, test_labels], epochs=epochs)
probability_model = gn.Sequential([model, gn.layers.Softmax()])
predictions = probability_model.predict(test_images)
"""  # noqa: E501


def _run(block, train_images, train_labels, test_images, test_labels, epochs):
    namespace = {
        "gn": gn,
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
        "epochs": epochs,
    }
    exec(block, namespace)
    return namespace


def _check_outputs(ns, n_test):
    history, predictions, model = ns["history"], ns["predictions"], ns["model"]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == ns["epochs"] for values in history.history.values())
    assert model.count_params() == 101_770
    assert predictions.shape == (n_test, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    logits = model.predict(ns["test_images"])
    np.testing.assert_array_equal(predictions.argmax(axis=1), logits.argmax(axis=1))


def test_lecture_block_runs_on_a_small_stand_in(capsys):
    gn.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(700, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=700).astype(np.uint8)
    images = images / 255.0  # as the lecture does before its block
    ns = _run(LECTURE_BLOCK, images[:600], labels[:600], images[600:], labels[600:], epochs=2)
    _check_outputs(ns, 100)
    losses = ns["history"].history["loss"]
    assert np.isfinite(losses).all() and losses[1] < losses[0]  # it trains, if slowly
    assert "Epoch 2/2" in capsys.readouterr().out  # verbose=1 by default, as Keras


@pytest.mark.slow
def test_lecture_block_on_the_real_fashion_mnist_reaches_84_percent():
    try:
        (train_images, train_labels), (test_images, test_labels) = (
            gn.datasets.fashion_mnist.load_data(mirrors=[])
        )
    except (OSError, ValueError) as error:  # no local copy, and tests never download
        pytest.skip(f"Fashion-MNIST is not available offline: {error}")
    gn.utils.set_random_seed(0)
    block = LECTURE_BLOCK.replace("learning_rate=0.00001", "learning_rate=1e-3")
    start = time.perf_counter()
    ns = _run(block, train_images / 255.0, train_labels, test_images / 255.0, test_labels, 2)
    elapsed = time.perf_counter() - start
    _check_outputs(ns, 10_000)
    test_accuracy = float((ns["predictions"].argmax(axis=1) == test_labels).mean())
    assert test_accuracy >= 0.84
    assert ns["history"].history["val_accuracy"][-1] == pytest.approx(test_accuracy, abs=1e-9)
    print(f"2 epochs of the lecture's model on Fashion-MNIST: {elapsed:.1f} s")
