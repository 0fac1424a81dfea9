"""Keras 3 / TensorFlow runner: the lecture's tf.keras code, per-epoch times from a callback.

Run by benchmarks/lecture_workload.py in its own process; prints one JSON line.
The model is the lecture's (Flatten -> Dense(128, relu) -> Dense(10)), compiled with Adam(1e-3),
SparseCategoricalCrossentropy(from_logits=True) and accuracy, and fitted with batch_size=32,
shuffle=True, verbose=0, all Keras defaults otherwise (jit_compile="auto"). TensorFlow's intra-op
and inter-op thread pools are both set to --threads.
"""

from __future__ import annotations

import os
import time

import _common


def body(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    try:
        import tensorflow as tf
    except ImportError as exc:
        raise _common.Skip(f"tensorflow is not installed ({exc})") from exc
    if args.threads:  # 0: TensorFlow's own defaults
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras = tf.keras
    keras.utils.set_random_seed(args.seed)

    (x, y), (x_test, y_test) = _common.load_fashion_mnist(args.data_dir)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds, self.loss, self.accuracy = [], [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            self.loss.append(float(logs["loss"]))
            self.accuracy.append(float(logs["accuracy"]))
            _common.log_epoch("keras", epoch, self.seconds[-1], self.loss[-1], self.accuracy[-1])

    timer = EpochTimer()
    start = time.perf_counter()
    model.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        shuffle=True,
        verbose=0,
        callbacks=[timer],
    )
    train_seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)

    def predict():
        return model.predict(x_test, batch_size=args.predict_batch, verbose=0)

    return {
        "epoch_seconds": timer.seconds,
        "loss": timer.loss,
        "accuracy": timer.accuracy,
        "train_seconds": train_seconds,
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "predict_seconds": _common.time_repeated(predict, args.predict_runs),
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
        "framework_threads": {
            "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        },
    }


if __name__ == "__main__":
    a = _common.parser(__doc__.splitlines()[0]).parse_args()
    _common.run_child("keras", body, a)
