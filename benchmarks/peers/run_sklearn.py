"""scikit-learn runner: MLPClassifier with the lecture's settings, one `partial_fit` per epoch.

Run by benchmarks/lecture_workload.py in its own process; prints one JSON line.
MLPClassifier(hidden_layer_sizes=(128,), relu, solver="adam", learning_rate_init=1e-3,
epsilon=1e-7, batch_size=32, alpha=0 (no L2 penalty, as the Keras model has none), shuffle=True).
Each `partial_fit` call is exactly one shuffled pass over the data and keeps Adam's state,
so it is one epoch. Its glorot-uniform initialisation matches Keras's kernels (its biases are
drawn from the same range instead of zeros). MLPClassifier reports the epoch's mean training
loss (`loss_`) but no training accuracy: that is measured after each epoch with `score` on the
training set, outside the timed region (so it is the end-of-epoch accuracy, not a running one).
"""

from __future__ import annotations

import time
import warnings

import _common
import numpy as np


def body(args):
    try:
        import sklearn
        from sklearn.neural_network import MLPClassifier
    except ImportError as exc:
        raise _common.Skip(f"scikit-learn is not installed ({exc})") from exc

    (x, y), (x_test, y_test) = _common.load_fashion_mnist(args.data_dir)
    x = x.reshape(len(x), -1)  # (60000, 784) view, float32 (MLPClassifier keeps float32)
    x_test = x_test.reshape(len(x_test), -1)
    classes = np.arange(10)
    clf = MLPClassifier(
        hidden_layer_sizes=(128,),
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=args.batch_size,
        learning_rate_init=1e-3,
        epsilon=1e-7,
        shuffle=True,
        random_state=args.seed,
    )
    epoch_seconds, losses, accuracies = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(args.epochs):
            start = time.perf_counter()
            clf.partial_fit(x, y, classes=classes)
            epoch_seconds.append(time.perf_counter() - start)
            losses.append(float(clf.loss_))
            accuracies.append(float(clf.score(x, y)))  # untimed: not part of the epoch
            _common.log_epoch("sklearn", epoch, epoch_seconds[-1], losses[-1], accuracies[-1])
    dtype = str(clf.coefs_[0].dtype)

    def predict():
        return np.concatenate(
            [
                clf.predict_proba(x_test[i : i + args.predict_batch])
                for i in range(0, len(x_test), args.predict_batch)
            ]
        )

    proba = predict()
    test_loss = float(-np.mean(np.log(np.maximum(proba[np.arange(len(y_test)), y_test], 1e-12))))
    return {
        "epoch_seconds": epoch_seconds,
        "loss": losses,
        "accuracy": accuracies,
        "train_seconds": sum(epoch_seconds),
        "test_loss": test_loss,
        "test_accuracy": float(np.mean(proba.argmax(1) == y_test)),
        "predict_seconds": _common.time_repeated(predict, args.predict_runs),
        "versions": {"scikit-learn": sklearn.__version__},
        "notes": f"weights dtype {dtype}; training accuracy measured after each epoch, untimed",
    }


if __name__ == "__main__":
    a = _common.parser(__doc__.splitlines()[0]).parse_args()
    _common.run_child("sklearn", body, a)
