"""glassnet: a neural-network toolkit in NumPy that you can see through.

The API is the Keras subset that the lecture uses, so `tf.keras` code runs with
`import glassnet as gn`; beside it are the single perceptron, explanations of
every number, a training doctor and metrics that never let accuracy mislead.

>>> import glassnet as gn
>>> gn.Perceptron(weights=[3, -2], bias_weight=-1).predict([[2, 1]])
array([1])
"""

__version__ = "0.1.0"

from glassnet import (
    activations,
    callbacks,
    datasets,
    doctor,
    exercises,
    explain,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    plots,
    testing,
    utils,
)
from glassnet.doctor import diagnose
from glassnet.model import Sequential
from glassnet.perceptron import Perceptron
from glassnet.saving import load_model

__all__ = [
    "Perceptron",
    "Sequential",
    "__version__",
    "activations",
    "callbacks",
    "datasets",
    "diagnose",
    "doctor",
    "exercises",
    "explain",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "plots",
    "testing",
    "utils",
]
