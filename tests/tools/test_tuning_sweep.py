"""gn.tuning.sweep (glassnet.tuning._sweep): a grid of runs, one start per architecture."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.tuning._sweep import sweep


def _build(learning_rate, units, dropout=0.0):
    stack = [gn.layers.Input((3,)), gn.layers.Dense(units, activation="relu")]
    if dropout:
        stack.append(gn.layers.Dropout(dropout))
    model = gn.Sequential([*stack, gn.layers.Dense(2)])
    model.compile(
        optimizer=gn.optimizers.SGD(learning_rate),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def test_runs_of_one_architecture_start_from_identical_first_layer_weights(data):
    x, y = data
    gn.utils.set_random_seed(0)
    a, b = _build(0.1, 4), _build(0.1, 4)
    a.build(), b.build()
    assert not np.array_equal(a.get_weights()[0], b.get_weights()[0])  # unfair without sweep
    grid = {"learning_rate": [0.01, 0.1], "units": [4, 8], "dropout": [0.0, 0.5], "epochs": [3]}
    runs = sweep(_build, x, y, grid, validation_data=(x[:20], y[:20]), batch_size=10)
    assert len(runs) == 8
    for units in (4, 8):
        same = [r for r in runs if r.params["units"] == units]
        first = same[0].initial_weights[0]
        assert first.shape == (3, units)
        for run in same[1:]:
            np.testing.assert_array_equal(run.initial_weights[0], first)
            np.testing.assert_array_equal(run.initial_weights[-2], same[0].initial_weights[-2])
    for run in runs:
        val = run.history["val_loss"]
        assert len(val) == 3
        assert run.best_val_loss == min(val) and run.best_epoch == int(np.argmin(val)) + 1
        assert not np.array_equal(run.model.get_weights()[0], run.initial_weights[0])  # trained


def test_bad_arguments(data):
    x, y = data
    with pytest.raises(TypeError, match="build must be a function"):
        sweep("model", x, y, {"units": [4]})
    with pytest.raises(ValueError, match="grid must name at least one"):
        sweep(_build, x, y, {})
    with pytest.raises(ValueError, match=r"grid\['units'\] must be a non-empty list"):
        sweep(_build, x, y, {"units": []})
    with pytest.raises(TypeError, match="build must return a compiled model"):
        sweep(lambda units: None, x, y, {"units": [4]})
