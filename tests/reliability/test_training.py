"""Reliability of training (issue 15, the training half): each test is a defect of the report
../shared/reviews/reliability-2026-12.md, or one of its lesser observations, fixed."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn

# -- hyperparameters the maths cannot take ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: gn.optimizers.Adam(epsilon=0.0), r"epsilon=0.0 is out of range \(0, inf\]"),
        (lambda: gn.optimizers.Adam(epsilon=-1e-7), r"epsilon=-1e-07 is out of range"),
        (lambda: gn.optimizers.Adam(epsilon=1e-50), "epsilon=1e-50 is below float32's smallest"),
        (lambda: gn.optimizers.RMSprop(epsilon=0), r"epsilon=0.0 is out of range \(0, inf\]"),
        (lambda: gn.optimizers.Adam(learning_rate=0), r"learning_rate=0.0 is out of range \(0"),
        (lambda: gn.optimizers.SGD(learning_rate=-1), r"learning_rate=-1.0 is out of range"),
        (lambda: gn.optimizers.RMSprop(float("nan")), r"learning_rate=nan is out of range"),
        (lambda: gn.optimizers.Adam(beta_1=1.0), r"beta_1=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.Adam(beta_2=-0.1), r"beta_2=-0.1 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.RMSprop(rho=1.0), r"rho=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.SGD(momentum=1.0), r"momentum=1.0 is out of range \[0, 1\)"),
        (lambda: gn.optimizers.SGD(weight_decay=-1), r"weight_decay=-1.0 is out of range"),
    ],
)
def test_hyperparameters_the_maths_cannot_take_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_the_smallest_allowed_epsilon_still_trains():
    adam = gn.optimizers.Adam(epsilon=float(np.finfo(np.float32).tiny))
    w, g = np.ones(2, np.float32), np.array([0.0, 1.0], np.float32)  # a blank pixel: g = 0
    adam.apply([(w, g)])
    assert np.isfinite(w).all() and w[0] == 1.0


# -- one layer object, one place in a model ----------------------------------------------


def test_a_layer_used_twice_is_refused_naming_it():
    d = gn.layers.Dense(2, activation="tanh", input_shape=(2,), name="twice")
    with pytest.raises(ValueError, match="Layer 'twice' is already in model 'net': a layer object"):
        gn.Sequential([d, d, gn.layers.Dense(1)], name="net")
    with pytest.raises(ValueError, match=r"\[Dense\(8\) for _ in range\(2\)\]"):
        gn.Sequential([gn.layers.Dense(8)] * 2)
    model = gn.Sequential([d])
    with pytest.raises(ValueError, match="Layer 'twice' is already in model"):
        model.add(d)
    assert model.layers == [d]  # the refused add changed nothing


def test_a_model_inside_another_once_works_twice_or_in_itself_is_refused(rng):
    inner = gn.Sequential([gn.layers.Dense(3, "tanh", input_shape=(2,), name="in_1")], name="inner")
    with pytest.raises(ValueError, match="Layer 'inner' is already in model 'outer'"):
        gn.Sequential([inner, inner], name="outer")
    with pytest.raises(ValueError, match="Layer 'in_1' is already in model"):
        gn.Sequential([inner, inner.layers[0]])
    with pytest.raises(ValueError, match="Model 'inner' cannot contain itself"):
        inner.add(inner)
    outer = gn.Sequential([inner, gn.layers.Dense(1)], name="outer")
    with pytest.raises(ValueError, match="Model 'inner' cannot contain itself"):
        inner.add(outer)  # a cycle through a model that holds it
    outer.compile(optimizer="sgd", loss="mse")
    x, y = rng.random((8, 2)), rng.random(8)
    assert gn.testing.check_gradients(outer, x, y).worst < 1e-4
    assert outer.fit(x, y, epochs=2, verbose=0).history["loss"][-1] > 0
