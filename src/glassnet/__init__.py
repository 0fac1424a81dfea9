"""glassnet: a neural-network toolkit in NumPy that you can see through.

The API is the Keras subset that the lecture uses, so `tf.keras` code runs with
`import glassnet as gn`; beside it are the single perceptron, explanations of
every number, a training doctor and metrics that never let accuracy mislead.

Where each idea of the lecture lives (paths under glassnet/):

| lecture concept                    | file                      | start reading at              |
|------------------------------------|---------------------------|-------------------------------|
| perceptron: z = x·w + bias·w_bias  | perceptron.py             | Perceptron.net_input, predict |
| the perceptron learning rule       | perceptron.py             | Perceptron.fit                |
| activation functions, derivatives  | activations.py            | the table in its docstring    |
| a layer: a weight per input        | layers.py                 | Dense.forward                 |
| random weight initialisation       | initializers.py           | GlorotUniform                 |
| loss: MSE, softmax + cross-entropy | losses.py                 | Loss.loss_and_gradient        |
| backpropagation                    | layers.py                 | Dense.backward                |
| one training step, end to end      | _model_training.py        | Trainer._train_epoch          |
| the chain rule with numbers        | explain/_gradient.py      | gradient                      |
| gradient descent, Adam             | optimizers.py             | SGD._update, Adam._update     |
| the learning rate, as a picture    | plots/_descent.py         | plot_gradient_descent         |
| repeat until convergence           | explain/_descent.py       | descent                       |
| finding a learning rate            | tuning/_lr_finder.py      | find_learning_rate            |
| hyperparameters, comparing runs    | tuning/_compare.py        | compare                       |
| epochs, batches, shuffling         | _model_training.py        | Trainer.fit, _train_epoch     |
| dropout, early stopping            | layers.py, callbacks.py   | Dropout, EarlyStopping        |
| "what would you do next?"          | doctor/_shapes.py         | check_overfitting             |
| 90 % accuracy by saying "cat"      | metrics/_summary.py       | accuracy_summary              |
| splitting 80/10/10                 | datasets/split.py         | train_val_test_split          |
| knowing the data                   | datasets/_describe.py     | describe                      |
| Fashion-MNIST                      | datasets/fashion_mnist.py | load_data                     |
| the lecture's figures              | plots/_perceptron.py      | plot_perceptron               |
| checking a gradient                | testing.py                | check_gradients               |
| L1/L2 regularization               | regularizers.py           | L2                            |
| learning-rate schedules            | schedules.py              | InverseTimeDecay              |
| metric objects                     | metrics/_objects.py       | SparseCategoricalAccuracy     |
| Keras's .keras file                | _keras_file.py            | save_keras                    |
| scikit-learn estimators            | sklearn.py                | MLPClassifier                 |

The package stands on five levels, and imports only point down (tests/test_layering.py):
the application (cli/: commands/, runs/, html_report) on the tools that run or draw the
engine (perceptron, testing, exercises, explain/, plots/), on the engine (activations,
initializers, layers, losses, optimizers, model with its private _model_training,
_model_inputs, _model_state, _model_summary and _nan_guard, callbacks, saving with its
private _saved_checks and _saved_folder, utils), on the tools that only read numbers
(metrics/, doctor/, datasets/), on the helpers in _internal/. ARCHITECTURE.md,
at the top of the repository, walks through it.

>>> import glassnet as gn
>>> gn.Perceptron(weights=[3, -2], bias_weight=-1).predict([[2, 1]])
array([1])
"""

__version__ = "0.1.0"

from glassnet import (
    activations,
    callbacks,
    config,
    datasets,
    doctor,
    exercises,
    explain,
    initializers,
    interactive,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    plots,
    regularizers,
    sklearn,
    testing,
    tuning,
    utils,
)
from glassnet.doctor import diagnose
from glassnet.layers import Input
from glassnet.model import Model, Sequential
from glassnet.perceptron import Perceptron
from glassnet.saving import load_model

__all__ = [
    "Input",
    "Model",
    "Perceptron",
    "Sequential",
    "__version__",
    "activations",
    "callbacks",
    "config",
    "datasets",
    "diagnose",
    "doctor",
    "exercises",
    "explain",
    "initializers",
    "interactive",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "plots",
    "regularizers",
    "saving",
    "sklearn",
    "testing",
    "tuning",
    "utils",
]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
