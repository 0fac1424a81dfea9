"""Every glassnet figure, drawn with matplotlib; each works without a display.

Each public function returns the `matplotlib.figure.Figure` it drew and, given
`path=`, also saves it there (PNG, SVG or PDF by the file's suffix, written
atomically). In a notebook the returned figure shows once, as matplotlib's object API
does: each function closes its figure in pyplot (`release`), so the inline backend does
not show it a second time. In a script with a window backend the figure stays open: call
`plt.show()` yourself, or pass `path=`. With no display (a server, CI) the Agg backend is
used.

>>> import glassnet as gn
>>> fig = gn.plots.plot_activations()
>>> len(fig.axes) == len(gn.activations.names())  # the lecture's 7, then Keras's 8 more
True
"""

from glassnet.plots._activations import plot_activations
from glassnet.plots._descent import plot_gradient_descent
from glassnet.plots._figure import pyplot, release, save_figure
from glassnet.plots._learning_rate import plot_learning_rate_range
from glassnet.plots._network import plot_network
from glassnet.plots._perceptron import plot_decision_regions, plot_perceptron
from glassnet.plots._runs import plot_runs
from glassnet.plots._training import plot_confusion_matrix, plot_learning_curves, plot_predictions

__all__ = [
    "plot_activations",
    "plot_confusion_matrix",
    "plot_decision_regions",
    "plot_gradient_descent",
    "plot_learning_curves",
    "plot_learning_rate_range",
    "plot_network",
    "plot_perceptron",
    "plot_predictions",
    "plot_runs",
    "pyplot",
    "release",
    "save_figure",
]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
