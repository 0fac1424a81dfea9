"""Prints the Keras 3 reference numbers that test_keras_layers.py holds as fixtures.

Run with a Python that has Keras 3 and TensorFlow (not needed by the tests):
    /work/peers-venv/bin/python tests/engine/keras_reference_layers.py
Each layer is called on X; the input gradient is d(sum(output * UPSTREAM))/dX from
tf.GradientTape. The layer configs are what Keras's get_config() returns.
"""

from __future__ import annotations

import json
import os

import numpy as np

X = np.array([[-3.0, -0.5, 0.25, 1.5, 4.0, 7.0], [2.5, -1.25, 6.5, 0.75, -4.0, 3.0]], np.float32)
UPSTREAM = np.array(
    [[1.0, -2.0, 0.5, 3.0, -1.0, 2.0], [0.5, 1.5, -1.0, 2.0, 1.0, -0.5]], np.float32
)
LAYERS = {
    "ReLU()": lambda: keras.layers.ReLU(),
    "ReLU(max_value=5.0)": lambda: keras.layers.ReLU(max_value=5.0),
    "ReLU(negative_slope=0.1)": lambda: keras.layers.ReLU(negative_slope=0.1),
    "ReLU(max_value=6.0, negative_slope=0.2, threshold=1.0)": lambda: keras.layers.ReLU(
        max_value=6.0, negative_slope=0.2, threshold=1.0
    ),
    "ReLU(threshold=2.0)": lambda: keras.layers.ReLU(threshold=2.0),
    "LeakyReLU()": lambda: keras.layers.LeakyReLU(),
    "LeakyReLU(negative_slope=0.05)": lambda: keras.layers.LeakyReLU(negative_slope=0.05),
    "Rescaling(1.0 / 255)": lambda: keras.layers.Rescaling(1.0 / 255),
    "Rescaling(0.5, offset=-1.0)": lambda: keras.layers.Rescaling(0.5, offset=-1.0),
    "Reshape((3, -1))": lambda: keras.layers.Reshape((3, -1)),
}

if __name__ == "__main__":  # pytest imports this file (doctests): Keras only when run
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    for label, make in LAYERS.items():
        layer = make()
        x = tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
            total = tf.reduce_sum(tf.reshape(y, [-1]) * tf.reshape(UPSTREAM, [-1]))
        grad = tape.gradient(total, x)
        config = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
        print(label, json.dumps(config))
        print("  out", np.asarray(y).tolist())
        print("  grad", np.asarray(grad).tolist())
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.ReLU(),
            keras.layers.LeakyReLU(),
            keras.layers.Rescaling(2.0),
            keras.layers.Reshape((2, 3)),
        ]
    )
    print("names", [layer.name for layer in model.layers])
    print("output_shape", model.output_shape)
