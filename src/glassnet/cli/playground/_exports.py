"""Downloads, made from a session's own state: the data as CSV, the equivalent glassnet
Python code, the trained model as a glassnet file (written in a private temporary folder
that is removed straight after).

>>> from glassnet.cli.playground._session import Session, Trainings
>>> s = Session("demo", Trainings(1))
>>> data_csv(s).splitlines()[:2]
['x1,x2,label', '2.0,1.0,group 1']
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from glassnet import saving

__all__ = ["data_csv", "model_file", "python_code"]


def data_csv(session) -> str:
    """The points, with each class's name as its label (quoted as CSV needs)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x1", "x2", "label"])
    with session.lock:
        for (x1, x2), label in zip(session.data.x.tolist(), session.data.y.tolist(), strict=True):
            writer.writerow([repr(x1), repr(x2), session.data.names[label]])
    return out.getvalue()


def model_file(session) -> bytes:
    """The network as a glassnet model file (network mode only)."""
    with session.lock:
        if session.mode != "network":
            from glassnet.cli.playground._limits import RequestError

            raise RequestError("download: the model file is for network mode")
        with tempfile.TemporaryDirectory(prefix="glassnet-playground-") as folder:
            path = Path(folder) / "playground-model.glassnet"
            saving.save_model(session.model, path)
            return path.read_bytes()


def python_code(session) -> str:
    """A script that rebuilds this run with glassnet: the points, the split, the model
    with the same initial weights, and its training."""
    with session.lock:
        x = session.data.x.tolist()
        y = session.data.y.tolist()
        lines = [
            '"""The glassnet playground\'s run as a script: python3 this_file.py"""',
            "import numpy as np",
            "",
            "import glassnet as gn",
            "",
            f"class_names = {session.data.names!r}",
            f"x = np.array({x!r})",
            f"y = np.array({y!r})",
        ]
        if session.scope == "all points" and len(session.parts[1]) == 0:
            lines += ["train = test = np.arange(len(y))  # a fixed table: every point counts"]
        else:
            _, val, test = session.fractions
            lines += [
                f"order = np.random.default_rng({session.split_seed}).permutation(len(y))",
                f"n_test, n_val = round({test} * len(y)), round({val} * len(y))",
                "n_train = len(y) - n_test - n_val",
                "train, val = order[:n_train], order[n_train : n_train + n_val]",
                "test = order[n_train + n_val :]",
            ]
        if session.mode == "perceptron":
            p = session.perceptron
            lines += [
                "",
                f"p = gn.Perceptron(weights=[{p.weights[0]!r}, {p.weights[1]!r}], "
                f"bias_weight={p.bias_weight!r})",
                "print(p.equation())",
                'print("accuracy", p.score(x[test], y[test]))',
                f"p.fit(x[train], y[train], epochs=100, learning_rate={session.perceptron_rate!r})",
                "print(p.fit_summary_)",
            ]
            return "\n".join(lines) + "\n"
        spec = session.spec
        layers = []
        for k, (units, activation) in enumerate(spec.hidden):
            shape = ", input_shape=(2,)" if k == 0 else ""
            reg = f", kernel_regularizer=gn.regularizers.l2({spec.l2!r})" if spec.l2 > 0 else ""
            layers.append(f'gn.layers.Dense({units}, activation="{activation}"{reg}{shape}),')
            if spec.dropout > 0:
                layers.append(f"gn.layers.Dropout({spec.dropout!r}),")
        shape = "" if spec.hidden else ", input_shape=(2,)"
        if spec.output == "sigmoid_mse":
            layers.append(f'gn.layers.Dense(1, activation="sigmoid"{shape}),')
            loss, target = '"mse"', "y.astype(float).reshape(-1, 1)"
        else:
            layers.append(f'gn.layers.Dense({spec.n_classes}, activation="softmax"{shape}),')
            loss, target = '"sparse_categorical_crossentropy"', "y"
        optimizer = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}[spec.optimizer]
        validation = "validation_data=(x[val], t[val]), " if len(session.parts[1]) else ""
        lines += [
            f"t = {target}",
            "",
            "model = gn.Sequential([",
            *[f"    {layer}" for layer in layers],
            "])",
            f"model.compile(optimizer=gn.optimizers.{optimizer}({spec.learning_rate!r}), "
            f'loss={loss}, metrics=["accuracy"])',
            f"# The playground's initial weights: Glorot uniform from seed {spec.seed}, "
            "zero biases.",
            f"rng = np.random.default_rng({spec.seed})",
            'glorot = gn.initializers.get("glorot_uniform")',
            "model.set_weights([glorot(w.shape, rng) if w.ndim == 2 else np.zeros(w.shape)",
            "                   for w in model.get_weights()])",
            "initial_weights = model.get_weights()",
            f"history = model.fit(x[train], t[train], epochs={spec.epochs}, "
            f"batch_size={spec.batch_size}, {validation}verbose=0)",
            "probabilities = model.predict(x[test], verbose=0)",
            "predicted = (probabilities[:, 0] >= 0.5).astype(int) if probabilities.shape[1] == 1 "
            "else probabilities.argmax(1)",
            'print("test accuracy", np.mean(predicted == y[test]))',
            "print(gn.diagnose(history))",
        ]
        return "\n".join(lines) + "\n"
