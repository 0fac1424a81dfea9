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
