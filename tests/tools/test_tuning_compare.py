"""gn.tuning.compare and gn.plots.plot_runs: a sweep's runs side by side."""

import numpy as np
import pytest
from tests.tools.test_displays import text_of

import glassnet as gn


def _build(learning_rate, units):
    model = gn.Sequential(
        [gn.layers.Input((2,)), gn.layers.Dense(units, activation="relu"), gn.layers.Dense(2)]
    )
    model.compile(
        optimizer=gn.optimizers.SGD(learning_rate),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


@pytest.fixture(scope="module")
def runs():
    gn.utils.set_random_seed(0)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(80, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    grid = {"learning_rate": [0.01, 0.3], "units": [4], "epochs": [4]}
    return gn.tuning.sweep(_build, x[:60], y[:60], grid, validation_data=(x[60:], y[60:]))


def test_the_table_has_the_differing_settings_beside_each_runs_results(runs):
    c = gn.tuning.compare(runs)
    assert c.differ == ["learning_rate"] and c.shared == {"units": 4, "epochs": 4}
    for run, row in zip(runs, c.rows(), strict=True):
        val = run.history["val_loss"]
        best = int(np.argmin(val))
        assert row[0] == gn._internal.numbers.short(run.params["learning_rate"])
        assert row[1] == f"{min(val):.4f}" and row[2] == str(best + 1)
        assert row[3] == f"{run.history['val_accuracy'][best]:.4f}"
    lowest = min(runs, key=lambda r: min(r.history["val_loss"]))
    assert c.best() is lowest
    text = str(c)
    assert text.splitlines()[0].split() == [
        "learning_rate", "best", "val_loss", "at", "epoch", "val", "accuracy", "time"
    ]  # fmt: skip
    assert "Same in every run: units 4, epochs 4" in text
    assert f"Lowest validation loss: learning_rate {lowest.params['learning_rate']:g}" in text
    page = c._repr_html_()
    assert page.count("background:#fff3c4") == 1 + len(runs)  # the header and each value
    assert "2 runs compared" in text_of(page)  # well formed, tables and text monospace


def test_plot_runs_draws_each_runs_curves_in_its_colour(runs):
    fig = gn.plots.plot_runs(runs)
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert labels == [
        "learning_rate=0.01 training",
        "learning_rate=0.01 validation",
        "learning_rate=0.3 training",
        "learning_rate=0.3 validation",
    ]
    lines = [line for line in ax.get_lines() if line.get_label() in labels]
    for run, (train, val) in zip(runs, zip(lines[::2], lines[1::2], strict=True), strict=True):
        np.testing.assert_allclose(train.get_ydata(), run.history["loss"])
        np.testing.assert_allclose(val.get_ydata(), run.history["val_loss"])
        assert train.get_color() == val.get_color()
    assert lines[0].get_color() != lines[2].get_color()


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="at least one run"):
        gn.tuning.compare([])
    with pytest.raises(TypeError, match=r"runs\[0\] must be a run of gn\.tuning\.sweep"):
        gn.tuning.compare([{"loss": [1.0]}])
    with pytest.raises(TypeError, match=r"runs must be the runs of gn\.tuning\.sweep or a dict"):
        gn.plots.plot_runs(3)
    with pytest.raises(ValueError, match="'a' has no 'loss' history"):
        gn.plots.plot_runs({"a": {"val_loss": [1.0]}})


def test_named_runs_get_a_run_column_and_their_own_scores(runs):
    c = gn.tuning.compare({"slow": runs[0], "fast": runs[1]}, scores={"test": [0.5, None]})
    assert c.header() == ["run", "learning_rate", "best val_loss", "at epoch", "test", "time"]
    rows = c.rows()
    assert [row[0] for row in rows] == ["slow", "fast"]
    assert [row[4] for row in rows] == ["0.5000", "—"]  # a number to 4 decimals, None as —
    for run, row in zip(runs, rows, strict=True):
        val = run.history["val_loss"]
        assert row[2] == f"{min(val):.4f}" and row[3] == str(val.index(min(val)) + 1)
    name = "slow" if min(runs[0].history["val_loss"]) < min(runs[1].history["val_loss"]) else "fast"
    assert c.notes()[-1].startswith(f"Lowest validation loss: {name} (")
    assert str(c).splitlines()[0].split()[:2] == ["run", "learning_rate"]
    page = c._repr_html_()
    assert page.count("background:#fff3c4") == 1 + len(runs)  # learning_rate, not the names


def test_any_run_with_params_history_and_seconds_can_be_compared():
    class Run:
        def __init__(self, params, val_loss, seconds):
            self.params, self.seconds = params, seconds
            self.history = {"loss": [1.0] * len(val_loss), "val_loss": val_loss}

    a = Run({"lr": 0.1, "layers": [8, 4]}, [0.9, 0.5, 0.7], None)
    b = Run({"lr": 0.1}, [0.6, 0.8], 2.25)
    c = gn.tuning.compare([a, b])
    assert c.differ == ["layers"] and c.shared == {"lr": 0.1}
    # by hand: a's best is 0.5 at epoch 2; b's 0.6 at epoch 1; b has no "layers" setting
    assert c.rows() == [["8,4", "0.5000", "2", "—", "—"], ["—", "0.6000", "1", "—", "2.2 s"]]
    assert c.best() is a


def test_bad_scores_name_the_column():
    class Run:
        params, history, seconds = {"lr": 1}, {"loss": [1.0]}, 1.0

    with pytest.raises(ValueError, match=r"scores\['test'\] must hold one value per run \(2\)"):
        gn.tuning.compare([Run(), Run()], scores={"test": [1.0]})
    with pytest.raises(TypeError, match=r"scores must be a dict of heading"):
        gn.tuning.compare([Run()], scores=[1.0])
    with pytest.raises(TypeError, match=r"runs\['x'\] must be a run of gn\.tuning\.sweep"):
        gn.tuning.compare({"x": 3})
