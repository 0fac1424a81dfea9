"""Keras's metric objects: each against numbers worked out here in float64 NumPy or by hand,
their streaming state, and what compile, fit and evaluate make of them (names, history keys
in Keras's order, evaluate's return values)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import metrics

RNG = np.random.default_rng(7)
N = 40
LOGITS = RNG.normal(size=(N, 4)) * 2  # (N, C)
LABELS = RNG.integers(0, 4, N)
ONEHOT = np.eye(4)[LABELS]
PROBS = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
Y01 = RNG.integers(0, 2, (N, 3)).astype(float)
Z = RNG.normal(size=(N, 3)) * 3
P01 = 1 / (1 + np.exp(-Z))
W = RNG.uniform(0, 2, N)


def weighted(values, w=None):
    """The reference reduction: sum(w v) / sum(w), v one value per sample."""
    w = np.ones(len(values)) if w is None else w
    return float((values * w).sum() / w.sum())


def log_sigmoid(z):
    return -np.log1p(np.exp(-z))


# Each case: metric, y_true, y_pred, and the per-sample values it must average.
CASES = {
    "sparse_accuracy": (
        metrics.SparseCategoricalAccuracy(),
        LABELS,
        PROBS,
        (PROBS.argmax(1) == LABELS) * 1.0,
    ),
    "categorical_accuracy": (
        metrics.CategoricalAccuracy(),
        ONEHOT,
        PROBS,
        (PROBS.argmax(1) == LABELS) * 1.0,
    ),
    "binary_accuracy": (
        metrics.BinaryAccuracy(),
        Y01,
        P01,
        ((P01 > 0.5) == Y01).mean(1),
    ),
    "binary_accuracy_0.7": (
        metrics.BinaryAccuracy(threshold=0.7),
        Y01,
        P01,
        ((P01 > 0.7) == Y01).mean(1),
    ),
    "accuracy": (
        metrics.Accuracy(),
        LABELS,
        PROBS.argmax(1),
        (PROBS.argmax(1) == LABELS) * 1.0,
    ),
    "bce": (
        metrics.BinaryCrossentropy(),
        Y01,
        P01,
        -(Y01 * np.log(P01) + (1 - Y01) * np.log(1 - P01)).mean(1),
    ),
    "bce_logits": (
        metrics.BinaryCrossentropy(from_logits=True),
        Y01,
        Z,
        -(Y01 * log_sigmoid(Z) + (1 - Y01) * log_sigmoid(-Z)).mean(1),
    ),
    "bce_smoothing": (
        metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
        Y01,
        Z,
        -((0.8 * Y01 + 0.1) * log_sigmoid(Z) + (0.9 - 0.8 * Y01) * log_sigmoid(-Z)).mean(1),
    ),
    "scce": (
        metrics.SparseCategoricalCrossentropy(),
        LABELS,
        PROBS,
        -np.log(PROBS[np.arange(N), LABELS]),
    ),
    "scce_logits": (
        metrics.SparseCategoricalCrossentropy(from_logits=True),
        LABELS,
        LOGITS,
        -np.log(PROBS[np.arange(N), LABELS]),
    ),
    "cce_logits": (
        metrics.CategoricalCrossentropy(from_logits=True),
        ONEHOT,
        LOGITS,
        -np.log(PROBS[np.arange(N), LABELS]),
    ),
    "cce_smoothing": (
        metrics.CategoricalCrossentropy(label_smoothing=0.1),
        ONEHOT,
        PROBS,
        -((ONEHOT * 0.9 + 0.025) * np.log(PROBS)).sum(1),
    ),
    "mse": (metrics.MeanSquaredError(), Y01, Z, ((Z - Y01) ** 2).mean(1)),
    "mae": (metrics.MeanAbsoluteError(), Y01, Z, np.abs(Z - Y01).mean(1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mean_metrics_match_float64_reference(case):
    metric, y_true, y_pred, per_sample = CASES[case]
    metric.reset_state()
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(weighted(per_sample), rel=1e-12)
    # Weighted, in two batches of different sizes: the same as all at once.
    metric.reset_state()
    metric.update_state(y_true[:13], y_pred[:13], sample_weight=W[:13])
    metric.update_state(y_true[13:], y_pred[13:], sample_weight=W[13:])
    assert metric.result() == pytest.approx(weighted(per_sample, W), rel=1e-12)


def test_call_updates_and_returns_the_running_result():
    m = metrics.SparseCategoricalAccuracy()
    assert m([0, 1], [[0.9, 0.1], [0.8, 0.2]]) == 0.5  # 1 of 2
    assert m([1], [[0.3, 0.7]]) == pytest.approx(2 / 3)  # 2 of 3
    assert m.update_state([1], [[0.3, 0.7]]) is None  # as Keras
    assert m.result() == 0.75
    m.reset_state()
    assert m.result() == 0.0  # nothing seen: 0, as Keras's divide_no_nan


def test_names_default_as_keras_and_name_is_honoured():
    assert metrics.SparseCategoricalAccuracy().name == "sparse_categorical_accuracy"
    assert metrics.BinaryCrossentropy().name == "binary_crossentropy"
    assert metrics.MeanSquaredError().name == "mean_squared_error"
    assert metrics.AUC().name == "auc"
    assert metrics.Mean().name == "mean"
    m = metrics.BinaryCrossentropy(from_logits=True, name="bce")
    assert m.name == "bce" and repr(m) == "<BinaryCrossentropy name=bce>"
    again = type(m).from_config(m.get_config())
    assert (again.name, again.from_logits) == ("bce", True)


def test_mean_is_weighted_and_averages_rows():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0  # (1 + 3) / 2
    m.update_state([[2.0, 4.0]])  # one sample whose value is the mean 3
    assert m.result() == pytest.approx((1 + 3 + 3) / 3)


def test_precision_recall_count_by_hand():
    y_true = np.array([0, 1, 1, 1, 0, 1])
    y_pred = np.array([0.9, 0.2, 0.6, 0.8, 0.4, 0.51])
    # above 0.5: samples 0, 2, 3, 5 -> tp = 3 (2, 3, 5), fp = 1 (0), fn = 1 (1)
    assert metrics.Precision()(y_true, y_pred) == 0.75
    assert metrics.Recall()(y_true, y_pred) == 0.75
    # above 0.7: samples 0, 3 -> tp = 1, fp = 1, fn = 3
    assert metrics.Precision(thresholds=0.7)(y_true, y_pred) == 0.5
    assert metrics.Recall(thresholds=[0.5, 0.7])(y_true, y_pred) == [0.75, 0.25]
    # weights: sample 0 (the fp) weighs 3 -> precision 3 / (3 + 3)
    w = [3, 1, 1, 1, 1, 1]
    assert metrics.Precision()(y_true, y_pred, sample_weight=w) == 0.5
    # class_id: only column 1
    two = np.stack([1 - y_true, y_true], axis=1)
    scores = np.stack([1 - y_pred, y_pred], axis=1)
    assert metrics.Recall(class_id=1)(two, scores) == 0.75
    assert metrics.Precision()([0, 0], [0.1, 0.2]) == 0.0  # nothing predicted: 0, as Keras


def test_auc_roc_is_the_rank_statistic_when_scores_fall_in_distinct_buckets():
    y_true = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.62, 0.9, 0.05, 0.55])
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    ranked = np.mean(pos[:, None] > neg[None, :])  # pairs ordered right: 13 of 16
    assert ranked == 13 / 16
    assert metrics.AUC()(y_true, scores) == pytest.approx(ranked, abs=1e-12)
    logits = np.log(scores / (1 - scores))
    assert metrics.AUC(from_logits=True)(y_true, logits) == pytest.approx(ranked, abs=1e-12)
    # Step curves bound the interpolated one.
    low = metrics.AUC(summation_method="minoring")(y_true, scores)
    high = metrics.AUC(summation_method="majoring")(y_true, scores)
    assert low <= ranked <= high


def test_auc_pr_of_a_perfect_ranking_is_one():
    y_true = np.array([0, 0, 1, 1])
    assert metrics.AUC(curve="PR")(y_true, [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)


def test_results_are_tensor_like_floats():
    result = metrics.MeanAbsoluteError()([1.0, 2.0], [2.0, 2.0])
    assert result.numpy() == 0.5 and isinstance(result, float) and float(result) == 0.5


def test_bad_input_names_what_came():
    with pytest.raises(ValueError, match="CategoricalAccuracy expected targets shaped"):
        metrics.CategoricalAccuracy().update_state([0, 1, 2], [[0.1, 0.9], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"integer labels in \[0, 2\)"):
        metrics.SparseCategoricalCrossentropy().update_state([0, 2], [[0.1, 0.9], [0.5, 0.5]])
    with pytest.raises(ValueError, match="sample_weight must be a number or one weight"):
        metrics.Mean().update_state([1.0, 2.0], sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="label_smoothing"):
        metrics.BinaryCrossentropy(label_smoothing=2)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")


# ------------------------------------------------------------------ compile and fit


def xor_like(n=96, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x[:, :1] > 0).astype(np.float32)


def binary_model(metrics_list, loss=None):
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(4,))])
    loss = loss or gn.losses.BinaryCrossentropy(from_logits=True)
    model.compile(optimizer=gn.optimizers.Adam(0.01), loss=loss, metrics=metrics_list)
    return model


def test_history_keys_are_keras_names_in_keras_order():
    x, y = xor_like()
    bce = gn.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy")
    model = binary_model([bce, "accuracy", "mse", "acc"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.25)
    # Keras 3 sorts the logs by name (the val_ keys after all others, by "v").
    assert list(history.history) == [
        "acc",
        "accuracy",
        "binary_crossentropy",
        "loss",
        "mse",
        "val_acc",
        "val_accuracy",
        "val_binary_crossentropy",
        "val_loss",
        "val_mse",
    ]
    assert model.metrics == ["binary_crossentropy", "accuracy", "mse", "acc"]


def test_cross_entropy_metric_equals_the_loss_and_val_metrics_equal_numpy():
    x, y = xor_like()
    bce = gn.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy")
    model = binary_model([bce, "accuracy", "mae"])
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.25)
    h = history.history
    # Same outputs, same formula: the training metric is the training loss (float rounding).
    np.testing.assert_allclose(h["binary_crossentropy"], h["loss"], rtol=1e-6)
    np.testing.assert_allclose(h["val_binary_crossentropy"], h["val_loss"], rtol=1e-6)
    # The last epoch's validation figures, from the final weights, in float64 NumPy.
    x_val, y_val = x[72:], y[72:]
    z = x_val.astype(np.float64) @ model.get_weights()[0] + model.get_weights()[1]
    assert h["val_accuracy"][-1] == pytest.approx(np.mean((z > 0) == (y_val > 0.5)))
    assert h["val_mae"][-1] == pytest.approx(np.mean(np.abs(z - y_val)), rel=1e-5)


def test_training_metric_is_the_epoch_mean_over_batches():
    # With SGD(0) the weights never move, so the epoch's accuracy is that of the start.
    x, y = xor_like()
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(4,))])
    model.compile(
        optimizer=gn.optimizers.SGD(learning_rate=1e-30),
        loss=gn.losses.BinaryCrossentropy(from_logits=True),
        metrics=[gn.metrics.BinaryAccuracy(threshold=0.0), gn.metrics.AUC(from_logits=True)],
    )
    z = x.astype(np.float64) @ model.get_weights()[0] + model.get_weights()[1]
    history = model.fit(x, y, epochs=1, batch_size=10, verbose=0)  # batches of 10 and one of 6
    assert history.history["binary_accuracy"][0] == pytest.approx(np.mean((z > 0) == (y > 0.5)))
    pos, neg = z[y == 1], z[y == 0]
    ranked = np.mean(pos[:, None] > neg[None, :])
    assert history.history["auc"][0] == pytest.approx(ranked, abs=0.02)  # 200 buckets


def test_early_stopping_finds_a_named_metric():
    x, y = xor_like()
    bce = gn.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy")
    model = binary_model([bce])
    stop = gn.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "not in the logs" warning
        model.fit(x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.25, callbacks=[stop])
    assert stop.best == pytest.approx(min(model.history.history["val_binary_crossentropy"]))


def test_evaluate_returns_loss_then_metrics_in_compile_order():
    x, y = xor_like()
    model = binary_model(["mse", "accuracy"])
    loss, mse, acc = model.evaluate(x, y, verbose=0)
    z = x.astype(np.float64) @ model.get_weights()[0] + model.get_weights()[1]
    assert mse == pytest.approx(np.mean((z - y) ** 2), rel=1e-5)
    assert acc == pytest.approx(np.mean((z > 0) == (y > 0.5)))
    bce = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    assert loss == pytest.approx(bce, rel=1e-5)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["accuracy", "loss", "mse"]  # Keras: by name


@pytest.mark.parametrize(
    "spec, kind",
    [
        ("accuracy", "SparseCategoricalAccuracy"),
        ("acc", "SparseCategoricalAccuracy"),
        ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
        ("mse", "MeanSquaredError"),
        ("mean_absolute_error", "MeanAbsoluteError"),
        ("AUC", "AUC"),
        (gn.metrics.Recall, "Recall"),
    ],
)
def test_names_resolve_as_keras(spec, kind):
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.compile(
            loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=[spec]
        )
    (metric,) = model.compiled_metrics
    assert type(metric).__name__ == kind
    assert metric.name == (spec if isinstance(spec, str) else "recall")


def test_accuracy_follows_the_loss():
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.compile(loss=gn.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    assert model.compiled_metrics[0].threshold == 0.0  # logits: positive above 0
    model = gn.Sequential([gn.layers.Dense(3, activation="softmax", input_shape=(2,))])
    model.compile(loss="categorical_crossentropy", metrics=["acc"])
    assert type(model.compiled_metrics[0]).__name__ == "CategoricalAccuracy"


def test_compile_refuses_what_keras_refuses_and_what_would_mislead():
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"metrics must be a list.*metrics=\['accuracy'\]"):
        model.compile(loss="mse", metrics="accuracy")
    with pytest.raises(ValueError, match=r"Unknown metric 'acuracy'\. Valid names: accuracy"):
        model.compile(loss="mse", metrics=["acuracy"])
    with pytest.raises(ValueError, match="needs a classification loss"):
        model.compile(loss="mse", metrics=["accuracy"])
    with pytest.raises(ValueError, match=r"is a gn\.metrics\.Mean"):
        model.compile(loss="mse", metrics=[gn.metrics.Mean()])
    with pytest.raises(ValueError, match="two metrics would log 'mae'"):
        model.compile(loss="mse", metrics=["mae", gn.metrics.MeanSquaredError(name="mae")])
    with pytest.raises(ValueError, match="several thresholds"):
        model.compile(loss="mse", metrics=[gn.metrics.Precision(thresholds=[0.3, 0.6])])
    with pytest.raises(TypeError, match="a metric must be a name"):
        model.compile(loss="mse", metrics=[3])


def test_compile_warns_when_a_metric_reads_logits_as_probabilities():
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    loss = gn.losses.BinaryCrossentropy(from_logits=True)
    with pytest.warns(UserWarning, match="has from_logits=False but the loss has from_logits=True"):
        model.compile(loss=loss, metrics=["binary_crossentropy"])
    with pytest.warns(UserWarning, match="threshold=0.0 for logits"):
        model.compile(loss=loss, metrics=[gn.metrics.BinaryAccuracy()])


def test_a_function_is_averaged_over_the_samples():
    def abs_error(y_true, y_pred):
        return np.abs(y_true - y_pred)[:, 0]

    x, y = xor_like()
    model = binary_model([abs_error])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    z = x.astype(np.float64) @ model.get_weights()[0] + model.get_weights()[1]
    assert logs["abs_error"] == pytest.approx(np.mean(np.abs(y - z)), rel=1e-5)


def test_the_doctor_reads_a_keras_accuracy_name():
    history = gn.callbacks.History.from_dict(
        {
            "loss": [1.0, 0.6, 0.4],
            "sparse_categorical_accuracy": [0.5, 0.7, 0.8],
            "val_loss": [1.0, 0.7, 0.6],
            "val_sparse_categorical_accuracy": [0.5, 0.6, 0.7],
        }
    )
    from glassnet.doctor._inputs import read_curves, read_run

    c = read_curves(read_run(history))
    assert list(c.acc) == [0.5, 0.7, 0.8] and list(c.val_acc) == [0.5, 0.6, 0.7]


def test_saved_models_keep_their_metric_objects(tmp_path):
    x, y = xor_like()
    bce = gn.metrics.BinaryCrossentropy(from_logits=True, name="bce")
    model = binary_model([bce, "accuracy", gn.metrics.AUC(num_thresholds=50, from_logits=True)])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = gn.saving.load_model(tmp_path / "m.glassnet")
    assert loaded.metrics == ["bce", "accuracy", "auc"]
    assert loaded.compiled_metrics[0].from_logits is True
    assert loaded.compiled_metrics[1].threshold == 0.0
    assert loaded.compiled_metrics[2].num_thresholds == 50
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    with pytest.raises(ValueError, match="Bad config for AUC"):
        gn.metrics.get({"class_name": "AUC", "config": {"bogus": 1}})


def test_a_subclass_written_as_for_keras_is_reset_every_epoch():
    class SamplesSeen(gn.metrics.Metric):
        def __init__(self, name="samples_seen"):
            super().__init__(name=name)
            self.seen = 0  # the state is made after the base's __init__, as in Keras

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.seen += len(y_pred)

        def result(self):
            return self.seen

        def reset_state(self):
            self.seen = 0

    x, y = xor_like()
    model = binary_model([SamplesSeen()])
    history = model.fit(x, y, epochs=2, batch_size=10, verbose=0, validation_split=0.25)
    assert history.history["samples_seen"] == [72, 72]  # 96 * 0.75 per epoch, not summed
    assert history.history["val_samples_seen"] == [24, 24]
