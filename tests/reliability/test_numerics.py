"""Defect 9: `np.errstate(all="raise")` in the real lecture run raised FloatingPointError
(underflow in divide) in validation: evaluating a loss computed a gradient it did not
need, outside fit's own errstate. The report's reproduction, and the same through
evaluate and fit's validation.
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn

LOGITS = np.tile(np.array([[0.0, -85.0]], np.float32), (1000, 1))  # (1000, 2)
# Cross-entropy of class 0: log(1 + exp(-85)), about 1.2e-37, worked out in float64.
EXPECTED = float(np.log1p(np.exp(-85.0)))


def test_the_reports_reproduction_is_quiet_in_strict_mode():
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    with np.errstate(all="raise"):
        value = loss(np.zeros(1000, int), LOGITS)
    assert value == pytest.approx(EXPECTED, abs=1e-36)


def _model_with_those_logits():
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    model.compile(
        optimizer=gn.optimizers.SGD(1e-9),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.set_weights([np.zeros((3, 2), np.float32), np.array([0.0, -85.0], np.float32)])
    return model


def test_evaluate_and_fits_validation_are_quiet_in_strict_mode():
    x, y = np.zeros((1000, 3), np.float32), np.zeros(1000, int)
    model = _model_with_those_logits()
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(model.predict(x), LOGITS)
        loss, accuracy = model.evaluate(x, y, verbose=0)
        history = model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0)
    assert loss == pytest.approx(EXPECTED, abs=1e-36) and accuracy == 1.0
    assert np.all(np.array(history.history["val_loss"]) < 1e-30)
