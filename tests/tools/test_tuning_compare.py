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
