"""Every number explained: a forward pass, one weight's gradient, one training step.

Each function returns an `Explanation`: it prints as text in a terminal, renders as
HTML in a notebook, and keeps its numbers as attributes (and in `to_dict()`), so a
learner can check a hand calculation and a test or an exercise can check the numbers.

| function              | explains                                                     |
|-----------------------|--------------------------------------------------------------|
| `forward`             | one sample, layer by layer: each weighted sum term by term   |
| `gradient`            | dJ/dw for one weight by the chain rule, beside backprop and  |
|                       | finite differences                                           |
| `step`                | one gradient-descent step: loss before, each change, after   |
| `descent`             | gradient descent repeated until convergence: the loss and    |
|                       | each weight step by step                                     |
| `initialization`      | each layer's starting weights: initializer, range from fan-in |
|                       | and fan-out, histogram                                       |
| `perceptron`          | a perceptron's output for one sample                         |
| `perceptron_training` | each epoch of `Perceptron.fit`: the misclassified points and |
|                       | the update each one made                                     |

Networks are explained in float64 on copies of the weights, in inference mode
(Dropout passes values through); the model is never changed. Symbols follow the
lecture: the k-th layer with weights has weights `wk`, weighted sums `zk` and outputs
`ak`; its input is `x` for the first one; the network's output is ŷ and the loss J.

>>> import numpy as np, glassnet as gn
>>> model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid", input_shape=(1,)),
...                        gn.layers.Dense(1)])
>>> model.set_weights([np.array([[2.0]]), np.array([0.0]), np.array([[0.5]]), np.array([0.0])])
>>> model.compile(optimizer="sgd", loss="mse")
>>> g = gn.explain.gradient(model, [1.0], 1.0, layer=0, weight=(0, 0))
>>> g.formula
'dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1'
>>> abs(g.chain_rule - g.finite_difference) < 1e-6
True
"""

from glassnet.explain._descent import DescentExplanation, descent
from glassnet.explain._forward import ForwardExplanation, LayerStep, forward
from glassnet.explain._gradient import Factor, GradientExplanation, gradient
from glassnet.explain._perceptron import (
    PerceptronExplanation,
    TrainingTrace,
    perceptron,
    perceptron_training,
)
from glassnet.explain._starting import (
    InitializationExplanation,
    InitialWeights,
    initialization,
)
from glassnet.explain._step import ParameterChange, StepExplanation, step
from glassnet.explain._text import EPSILON, MAX_TERMS, MAX_UNITS, Explanation

__all__ = [
    "EPSILON",
    "MAX_TERMS",
    "MAX_UNITS",
    "DescentExplanation",
    "Explanation",
    "Factor",
    "ForwardExplanation",
    "GradientExplanation",
    "InitialWeights",
    "InitializationExplanation",
    "LayerStep",
    "ParameterChange",
    "PerceptronExplanation",
    "StepExplanation",
    "TrainingTrace",
    "descent",
    "forward",
    "gradient",
    "initialization",
    "perceptron",
    "perceptron_training",
    "step",
]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
