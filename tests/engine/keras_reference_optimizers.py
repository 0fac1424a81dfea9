"""Prints the Keras 3 reference numbers that test_keras_optimizers.py holds as fixtures.

Run with a Python that has Keras 3 (not needed by the tests):
    /work/peers-venv/bin/python tests/engine/keras_reference_optimizers.py
Weights W0 and the three gradients GRADS are fixed; each optimizer takes three steps.
"""

from __future__ import annotations

import os

import numpy as np

W0 = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], np.float32)
GRADS = [
    np.array([[0.1, -0.2], [0.3, 0.0], [-0.5, 1.0]], np.float32),
    np.array([[-0.4, 0.1], [0.2, 0.05], [0.0, -0.3]], np.float32),
    np.array([[0.25, 0.25], [-0.1, 0.2], [0.6, -0.2]], np.float32),
]
OPTIMIZERS = {
    "AdamW()": lambda: keras.optimizers.AdamW(),
    "AdamW(0.1, weight_decay=0.1)": lambda: keras.optimizers.AdamW(0.1, weight_decay=0.1),
    "Adagrad()": lambda: keras.optimizers.Adagrad(),
    "Adagrad(0.5, initial_accumulator_value=0.2, epsilon=1e-3)": lambda: keras.optimizers.Adagrad(
        0.5, initial_accumulator_value=0.2, epsilon=1e-3
    ),
    "Adagrad(0.1, weight_decay=0.05)": lambda: keras.optimizers.Adagrad(0.1, weight_decay=0.05),
}


def run(make):
    variable = keras.Variable(W0)
    optimizer = make()
    for grad in GRADS:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad), variable)])
    slots = [np.asarray(v).tolist() for v in optimizer.variables[2:]]
    return np.asarray(variable).tolist(), slots, optimizer.get_config()


if __name__ == "__main__":  # pytest imports this file (doctests): Keras only when run
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    np.set_printoptions(precision=9)
    for label, make in OPTIMIZERS.items():
        weights, slots, config = run(make)
        print(
            label,
            {
                k: config[k]
                for k in config
                if k
                in (
                    "learning_rate",
                    "weight_decay",
                    "beta_1",
                    "beta_2",
                    "epsilon",
                    "initial_accumulator_value",
                    "amsgrad",
                    "name",
                )
            },
        )
        print("  weights", repr(weights))
        print("  slots", slots)
