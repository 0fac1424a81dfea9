"""Every plot function shows its figure once in a notebook, and the confusion matrix takes
labels as well as counts.

Jupyter's inline backend shows each figure pyplot still holds at the end of a cell, and the
cell's value (the returned Figure) besides: so a plot function must leave pyplot's list of
figures empty, as matplotlib's object API does, while the Figure stays whole.
"""

from __future__ import annotations

import io
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet import plots

X, Y = gn.datasets.lecture_groups()


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


def _learning_rate_range():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.compile(gn.optimizers.SGD(0.01), "mse")
    x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    found = gn.tuning.find_learning_rate(model, x, x[:, :1], steps=20, batch_size=8)
    return plots.plot_learning_rate_range(found)


def _network():
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(2)])
    model.build()
    return model


CALLS = {
    "plot_activations": lambda: plots.plot_activations(),
    "plot_perceptron": lambda: plots.plot_perceptron(gn.Perceptron(weights=[0.5, -0.2]), X, Y),
    "plot_decision_regions": lambda: plots.plot_decision_regions(
        gn.Perceptron(weights=[0.5, -0.2]), X, Y, resolution=20
    ),
    "plot_network": lambda: plots.plot_network(_network()),
    "plot_learning_curves": lambda: plots.plot_learning_curves({"loss": [1.0, 0.5]}),
    "plot_confusion_matrix": lambda: plots.plot_confusion_matrix([[3, 1], [0, 4]]),
    "plot_gradient_descent": lambda: plots.plot_gradient_descent(),
    "plot_learning_rate_range": _learning_rate_range,
    "plot_runs": lambda: plots.plot_runs({"a": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}}),
    "plot_predictions": lambda: plots.plot_predictions(
        np.zeros((2, 4, 4)), [0, 1], np.array([[0.9, 0.1], [0.3, 0.7]])
    ),
}


def test_every_public_plot_function_is_checked():
    assert {n for n in plots.__all__ if n.startswith("plot_")} == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_plot_leaves_no_figure_in_pyplot_and_the_figure_still_saves(name, tmp_path):
    fig = CALLS[name]()
    assert plt.get_fignums() == []  # the inline backend has nothing of its own to show
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[1:4] == b"PNG" and fig.axes
    assert plots.save_figure(fig, tmp_path / "again.svg").axes == fig.axes
    assert (tmp_path / "again.svg").read_bytes().lstrip().startswith(b"<?xml")


def test_saving_with_path_still_works(tmp_path):
    fig = plots.plot_learning_curves({"loss": [1.0, 0.5]}, path=tmp_path / "curves.png")
    assert (tmp_path / "curves.png").read_bytes()[1:4] == b"PNG" and plt.get_fignums() == []
    assert plots.release(fig) is fig  # releasing twice is harmless


def test_a_notebook_cell_shows_the_figure_once(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    cells = [
        "import glassnet as gn\nx, y = gn.datasets.lecture_groups()\n"
        "p = gn.Perceptron(weights=[0.5, -0.2])",
        "gn.plots.plot_perceptron(p, x, y)",
        "fig = gn.plots.plot_learning_curves({'loss': [1.0, 0.5]})",  # assigned: shown by fig
        "import matplotlib.pyplot as plt\nplt.plot([1, 2]);",  # pyplot's own: still shown
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    images = [
        sum("image/png" in out.get("data", {}) for out in cell.outputs) for cell in notebook.cells
    ]
    errors = [out for cell in notebook.cells for out in cell.outputs if out.output_type == "error"]
    assert errors == [], json.dumps(errors, default=str)[:500]
    assert images == [0, 1, 0, 1]


# -- the confusion matrix from labels ---------------------------------------------------------


def _cells(fig) -> list[str]:
    """The count written in each cell, row by row."""
    return [t.get_text() for t in fig.axes[0].texts]


def _ticks(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_confusion_matrix_from_labels_equals_the_counts():
    # true 0 0 0 1 1 2, predicted 0 1 0 1 1 0: row 0 = [2, 1, 0], row 1 = [0, 2, 0],
    # row 2 = [1, 0, 0]; recalls 2/3, 1, 0.
    y_true, y_pred = [0, 0, 0, 1, 1, 2], [0, 1, 0, 1, 1, 0]
    names = ["cat", "dog", "<cow>"]
    from_labels = plots.plot_confusion_matrix(y_true, y_pred, class_names=names)
    from_counts = plots.plot_confusion_matrix([[2, 1, 0], [0, 2, 0], [1, 0, 0]], class_names=names)
    assert _cells(from_labels) == ["2", "1", "0", "0", "2", "0", "1", "0", "0"]
    assert _cells(from_labels) == _cells(from_counts)
    assert _ticks(from_labels) == ["cat (recall 0.667)", "dog (recall 1)", "<cow> (recall 0)"]
    assert from_labels.axes[0].get_title() == "Confusion matrix (accuracy 4/6 = 0.667)"
    assert plt.get_fignums() == []


def test_confusion_matrix_from_one_hot_probabilities_and_text():
    y_true = np.eye(3)[[0, 0, 0, 1, 1, 2]]  # one-hot
    probabilities = np.array(
        [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1], [0, 1, 0], [1, 0, 0]]
    )
    fig = plots.plot_confusion_matrix(y_true, probabilities)
    assert _cells(fig) == ["2", "1", "0", "0", "2", "0", "1", "0", "0"]
    text = plots.plot_confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    assert _cells(text) == ["1", "0", "1", "1"] and _ticks(text)[0] == "cat (recall 1)"
    # A class absent from both still gets its row when names are given.
    fig = plots.plot_confusion_matrix([0, 0], [0, 0], class_names=["a", "b"])
    assert _cells(fig) == ["2", "0", "0", "0"]


def test_confusion_matrix_older_call_with_names_second():
    fig = plots.plot_confusion_matrix(np.array([[3, 1], [0, 4]]), ["a", "b"])
    assert _ticks(fig) == ["a (recall 0.75)", "b (recall 1)"]


def test_confusion_matrix_wrong_calls():
    with pytest.raises(ValueError, match=r"got one array of shape \(3,\): pass y_pred too"):
        plots.plot_confusion_matrix([0, 1, 1])
    with pytest.raises(ValueError, match="same number of samples, got 3 and 2"):
        plots.plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match=r"labels \['cow'\] are not in class_names"):
        plots.plot_confusion_matrix(["cat", "cow"], ["cat", "cat"], class_names=["cat", "dog"])
    with pytest.raises(ValueError, match=r"label\(s\) \[2\] outside the classes \[0, 1\]"):
        plots.plot_confusion_matrix([0, 1, 2], [0, 1, 1], class_names=["a", "b"])
    with pytest.raises(TypeError, match="class_names given twice"):
        plots.plot_confusion_matrix([[1, 0], [0, 1]], ["a", "b"], class_names=["a", "b"])
