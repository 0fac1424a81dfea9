"""Figures of training runs: learning curves, confusion matrix, prediction grid,
decision regions and the network diagram, checked for what they draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

import glassnet as gn
from glassnet import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "val_loss": [1.1, 0.7, 0.65, 0.8],
    "accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_accuracy": [0.45, 0.65, 0.7, 0.68],
}


def test_learning_curves_draws_both_curves_and_marks_the_best_epoch(tmp_path):
    fig = plots.plot_learning_curves(HISTORY, path=tmp_path / "curves.png")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, name in zip(fig.axes, ["loss", "accuracy"], strict=True):
        lines = ax.get_lines()
        assert lines[0].get_ydata().tolist() == HISTORY[name]
        assert lines[1].get_ydata().tolist() == HISTORY[f"val_{name}"]
        assert lines[0].get_xdata().tolist() == [1, 2, 3, 4]  # epochs counted from 1
        # lowest val_loss is 0.65, at the third epoch
        assert lines[2].get_xdata()[0] == 3
        assert ax.get_xlabel() == "epoch"
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["training loss", "val loss", "best epoch: 3 (val_loss 0.65)"]
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"


def test_learning_curves_without_validation_uses_training_loss():
    history = gn.callbacks.History.from_dict({"loss": [0.5, 0.2, 0.3]})
    fig = plots.plot_learning_curves(history)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_legend_handles_labels()[1][-1] == "best epoch: 2 (loss 0.2)"


def test_learning_curves_rejects_a_history_without_loss():
    with pytest.raises(ValueError, match="history has no 'loss'"):
        plots.plot_learning_curves({"accuracy": [0.5]})
    with pytest.raises(ValueError, match="history must be a History"):
        plots.plot_learning_curves({})


def test_confusion_matrix_counts_and_recall():
    cm = np.array([[5, 1, 0], [2, 6, 2], [0, 0, 0]])
    fig = plots.plot_confusion_matrix(cm, ["a", "b", "c"])
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["5", "1", "0", "2", "6", "2", "0", "0", "0"]  # row by row
    # recall = diagonal / row sum: 5/6 = 0.833, 6/10 = 0.6, class c has no samples
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "a (recall 0.833)",
        "b (recall 0.6)",
        "c (recall —)",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert ax.get_title() == "Confusion matrix (accuracy 11/16 = 0.688)"
    # the colour is the fraction of the row: 5/6 in cell (0, 0)
    assert ax.images[0].get_array()[0, 0] == pytest.approx(5 / 6)


def test_confusion_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match="cm must be a square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="class_names must have 2 names"):
        plots.plot_confusion_matrix(np.eye(2), ["only one"])
    with pytest.raises(ValueError, match="counts >= 0"):
        plots.plot_confusion_matrix([[1, -1], [0, 1]])


def test_prediction_grid_colours_right_blue_and_wrong_red():
    rng = np.random.default_rng(0)
    images = rng.random((5, 6, 6))
    labels = np.array([0, 1, 2, 1, 0])
    probabilities = np.array(
        [
            [0.7, 0.2, 0.1],  # right
            [0.1, 0.8, 0.1],  # right
            [0.6, 0.3, 0.1],  # wrong: says 0, is 2
            [0.2, 0.3, 0.5],  # wrong: says 2, is 1
            [0.9, 0.05, 0.05],  # right
        ]
    )
    fig = plots.plot_predictions(images, labels, probabilities, ["x", "y", "z"], ncols=3)
    assert len(fig.axes) == 10  # an image and a bar chart per sample
    image_axes, bar_axes = fig.axes[0::2], fig.axes[1::2]
    assert sum(len(ax.images) for ax in image_axes) == 5
    xlabels = [ax.xaxis.label for ax in image_axes]
    assert [label.get_text() for label in xlabels] == [
        "x 70% (x)",
        "y 80% (y)",
        "x 60% (z)",
        "z 50% (y)",
        "x 90% (x)",
    ]
    assert [label.get_color() for label in xlabels] == ["blue", "blue", "red", "red", "blue"]
    np.testing.assert_allclose(image_axes[2].images[0].get_array(), images[2])
    # third sample: predicted bar 0 red, true bar 2 blue, bar 1 grey
    bars = bar_axes[2].patches
    assert [b.get_height() for b in bars] == pytest.approx([0.6, 0.3, 0.1])
    assert to_rgba(bars[0].get_facecolor()) == to_rgba("red")
    assert to_rgba(bars[2].get_facecolor()) == to_rgba("blue")
    assert to_rgba(bars[1].get_facecolor()) == to_rgba("#777777")


def test_prediction_grid_accepts_flat_images_and_checks_lengths():
    fig = plots.plot_predictions(np.zeros((2, 16)), [0, 1], [[0.6, 0.4], [0.4, 0.6]])
    assert fig.axes[0].images[0].get_array().shape == (4, 4)
    with pytest.raises(ValueError, match="one row per sample"):
        plots.plot_predictions(np.zeros((2, 4, 4)), [0], [[1.0, 0.0], [0.0, 1.0]])


def test_decision_regions_of_a_network_and_a_perceptron():
    x, y = gn.datasets.lecture_groups()
    fig = plots.plot_decision_regions(gn.Perceptron(weights=[0.75, -0.5], bias_weight=1), x, y)
    ax = fig.axes[0]
    # the lecture's first weights classify 9 of the 12 points correctly
    assert ax.get_title() == "Decision regions: accuracy = 9/12"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]
    assert sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")) >= 12

    # a network: one Dense(2) layer whose logits are (x1 - x2, x2 - x1): class 1 iff x2 > x1
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(2,))])
    model.build()
    model.set_weights([np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2)])
    points = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 1.0]])
    labels = np.array([1, 0, 1, 1])  # the last is on the wrong side
    fig = plots.plot_decision_regions(model, points, labels)
    assert fig.axes[0].get_title() == "Decision regions: accuracy = 3/4"


def test_decision_regions_rejects_non_2d_points():
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples, 2\)"):
        plots.plot_decision_regions(gn.Perceptron(n_inputs=3), np.zeros((4, 3)), np.zeros(4))


def test_network_diagram_edges_follow_the_weights(tmp_path):
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(1)])
    model.build()
    kernel1 = np.array([[1.0, -2.0, 0.5], [-0.5, 4.0, 0.0]])
    kernel2 = np.array([[2.0], [-1.0], [0.25]])
    model.set_weights([kernel1, np.zeros(3), kernel2, np.zeros(1)])
    fig = plots.plot_network(model, path=tmp_path / "net.png")
    ax = fig.axes[0]
    first, second = ax.collections[:2]
    assert len(first.get_segments()) == 6 and len(second.get_segments()) == 3
    blue, red = np.array([0.12, 0.47, 0.71, 0.8]), np.array([0.84, 0.15, 0.16, 0.8])
    colours = first.get_colors()
    expected = [blue if w >= 0 else red for w in kernel1.ravel()]
    np.testing.assert_allclose(colours, expected)
    # width = 0.3 + 3 |w| / max|w|: max |w| of the first layer is 4
    np.testing.assert_allclose(first.get_linewidths(), 0.3 + 3 * np.abs(kernel1.ravel()) / 4)
    np.testing.assert_allclose(second.get_linewidths(), 0.3 + 3 * np.abs(kernel2.ravel()) / 2)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["input\n2 units", "hidden 1\n3 units", "output\n1 unit"]
    assert (tmp_path / "net.png").stat().st_size > 1000


def test_network_diagram_elides_wide_layers_and_needs_dense_layers():
    model = gn.Sequential([gn.layers.Dense(40, input_shape=(30,)), gn.layers.Dense(2)])
    model.build()
    fig = plots.plot_network(model, max_units=10)
    first = fig.axes[0].collections[0]
    assert len(first.get_segments()) == 100
    assert "(20 not drawn)" in fig.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="at least one Dense layer"):
        plots.plot_network(gn.Sequential([gn.layers.Flatten(input_shape=(2, 2))]))
