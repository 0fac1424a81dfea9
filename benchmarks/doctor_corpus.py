"""The doctor's labelled corpus: real glassnet training runs whose right diagnosis is known.

Each run is a real `model.fit` on real data (slices of Fashion-MNIST, the toy 2-D sets,
the Palmer penguins table), made to show one thing by construction: a learning rate far
too high or too low for SGD, Adam or RMSprop, too few epochs, a network too small or too
large for its data, raw 0-255 pixels or unscaled features, a 90/10 or 95/5 label mix,
label-sorted data with `validation_split`, a softmax output with from_logits=True, with
and without Dropout and EarlyStopping, and healthy runs of the lecture's settings.

Each run is written to tests/tools/doctor_corpus/<name>.json: its History (per-epoch values
and fit settings), the run summary the doctor reads (`gn.doctor.summarize_run`: the data
summary fit made, the model, the optimizer and the EarlyStopping callback) and what the
doctor must say:

    "expect":  findings that must appear
    "first":   the finding that must come first (the root cause)
    "allow":   findings that may appear (e.g. "still improving" on a healthy short run);
               any other finding is a false alarm, unless it says it follows from an
               expected one
    "severity": {finding: the most severe it may be}, e.g. {"overfitting": "warning"}
               when EarlyStopping restored the best epoch
    "text_must_not": phrases the advice must not contain ("Add Dropout" when there is)

tests/tools/test_doctor_corpus.py diagnoses every stored run from the JSON alone and checks the
targets (precision and recall per finding, the first finding, no problem on healthy runs).

    python benchmarks/doctor_corpus.py               # every run: about 1 min on 2 cores
    python benchmarks/doctor_corpus.py --only moons  # the runs whose names hold "moons"
    python benchmarks/doctor_corpus.py --seed 5 --out /tmp/corpus  # other weights, batches
    python benchmarks/doctor_corpus.py --list

It imports glassnet from this checkout's src/. Each run sets its own seeds, so one run
made alone (--only) is the same as in the whole corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import glassnet as gn  # noqa: E402  (after the path: this checkout's glassnet)
from glassnet._internal.jsonable import jsonable  # noqa: E402

OUT = HERE.parent / "tests" / "tools" / "doctor_corpus"
SEED = 0


# ------------------------------------------------------------------------ the data


_cache: dict[str, Any] = {}


def fashion(n: int, n_val: int = 1000, offset: int = 0, raw: bool = False, classes=None):
    """`n` training images (from `offset`) and `n_val` test images, scaled unless `raw`."""
    if "fashion" not in _cache:
        _cache["fashion"] = gn.datasets.fashion_mnist.load_data()
    (x, y), (x_test, y_test) = _cache["fashion"]
    if classes is not None:
        keep, keep_test = np.isin(y, classes), np.isin(y_test, classes)
        x, y, x_test, y_test = x[keep], y[keep], x_test[keep_test], y_test[keep_test]
        y = np.searchsorted(classes, y)
        y_test = np.searchsorted(classes, y_test)
    x, y = x[offset : offset + n], y[offset : offset + n].astype(np.int64)
    x_val, y_val = x_test[:n_val], y_test[:n_val].astype(np.int64)
    if not raw:
        x, x_val = (x / 255.0).astype(np.float32), (x_val / 255.0).astype(np.float32)
    return (x, y), (x_val, y_val)


def mixed_fashion(counts: dict[int, int], n_val_per: dict[int, int]):
    """A two-class Fashion-MNIST set with the given counts per class (shuffled)."""
    (x, y), (xt, yt) = fashion(60000, n_val=10000)
    rng = np.random.default_rng(SEED)
    parts, val_parts = [], []
    for new, (old, count) in enumerate(counts.items()):
        parts.append((x[y == old][:count], np.full(count, new)))
        val_parts.append((xt[yt == old][: n_val_per[old]], np.full(n_val_per[old], new)))
    xs, ys = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    xv, yv = (np.concatenate([p[0] for p in val_parts]), np.concatenate([p[1] for p in val_parts]))
    order, val_order = rng.permutation(len(ys)), rng.permutation(len(yv))
    return (xs[order], ys[order]), (xv[val_order], yv[val_order])


def toy(kind: str, n: int, seed: int = 1, **kwargs):
    """A toy 2-D set from gn.datasets, split in half: training and validation."""
    make = getattr(gn.datasets, kind)
    x, y = make(n_samples=2 * n, seed=seed, **kwargs)
    return (x[:n].astype(np.float32), y[:n]), (x[n:].astype(np.float32), y[n:])


def penguins(standardise: bool = True, shuffle: bool = True):
    """The Palmer penguins table: 70 % training, 30 % validation."""
    table = gn.datasets.load_csv(gn.datasets.example_csv("penguins"), target="species")
    x, y = table.x.astype(np.float64), table.y.astype(np.int64)
    if shuffle:
        order = np.random.default_rng(SEED).permutation(len(y))
        x, y = x[order], y[order]
    cut = int(0.7 * len(y))
    x_train, x_val = x[:cut], x[cut:]
    if standardise:
        scaler = gn.datasets.StandardScaler().fit(x_train)
        x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
    return (x_train.astype(np.float32), y[:cut]), (x_val.astype(np.float32), y[cut:])


def imbalanced_toy(kind: str, major: int, minor: int, seed: int = 1, signal=True, **kwargs):
    """Two classes of a toy set, `major` : `minor` samples (training and validation)."""
    rng = np.random.default_rng(seed)
    make = getattr(gn.datasets, kind)
    x, y = make(n_samples=4 * (major + minor), seed=seed, **kwargs)
    if not signal:
        x = rng.normal(size=x.shape)
    parts = []
    for start in (0, 2 * (major + minor)):
        xs, ys = x[start : start + 2 * (major + minor)], y[start : start + 2 * (major + minor)]
        zero, one = np.flatnonzero(ys == 0)[:major], np.flatnonzero(ys == 1)[:minor]
        index = rng.permutation(np.concatenate([zero, one]))
        parts.append((xs[index].astype(np.float32), ys[index]))
    return parts[0], parts[1]


# ------------------------------------------------------------------------ the model


def network(
    input_shape,
    hidden,
    n_classes,
    dropout=0.0,
    output="linear",
    from_logits=True,
    optimizer="adam",
    lr=None,
):
    gn.utils.set_random_seed(SEED)
    layers: list[Any] = []
    if len(input_shape) > 1:
        layers.append(gn.layers.Flatten(input_shape=input_shape))
    for i, units in enumerate(hidden):
        kwargs = {"input_shape": input_shape} if i == 0 and len(input_shape) == 1 else {}
        layers.append(gn.layers.Dense(units, activation="relu", **kwargs))
        if dropout:
            layers.append(gn.layers.Dropout(dropout))
    kwargs = {"input_shape": input_shape} if not hidden and len(input_shape) == 1 else {}
    activation = None if output == "linear" else output
    layers.append(gn.layers.Dense(n_classes, activation=activation, **kwargs))
    model = gn.Sequential(layers)
    optimizers = {"adam": gn.optimizers.Adam, "sgd": gn.optimizers.SGD}
    optimizers["rmsprop"] = gn.optimizers.RMSprop
    opt = optimizers[optimizer]() if lr is None else optimizers[optimizer](learning_rate=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the output/loss check, on purpose
        model.compile(
            optimizer=opt,
            loss=gn.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
            metrics=["accuracy"],
        )
    return model


def train(
    data,
    hidden=(128,),
    epochs=10,
    batch_size=32,
    early_stopping=None,
    validation_split=0.0,
    **model_kwargs,
):
    """Fit a network on `data` ((x, y), (x_val, y_val)); returns the History."""
    (x, y), validation = data
    n_classes = int(max(y.max(), validation[1].max() if validation else 0)) + 1
    model = network(x.shape[1:], list(hidden), n_classes, **model_kwargs)
    callbacks = []
    if early_stopping is not None:
        callbacks.append(
            gn.callbacks.EarlyStopping(patience=early_stopping, restore_best_weights=True)
        )
    fit_kwargs: dict[str, Any] = {"validation_split": validation_split}
    if not validation_split:
        fit_kwargs["validation_data"] = validation
    # A diverging run overflows on purpose; the NaN guard's warning is part of the run.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return model.fit(
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            verbose=0,
            **fit_kwargs,
        )


def sorted_by_label(data):
    (x, y), _ = data
    order = np.argsort(y, kind="stable")
    return (x[order], y[order]), None


# ------------------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    what: str  # the ground truth, in words
    run: Callable[[], Any]
    expect: list[str]
    first: str
    allow: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    text_must_not: list[str] = field(default_factory=list)


HEALTHY = ["no_problem_found"]
CASES: list[Case] = []


def case(name, what, expect, first=None, **kwargs):
    def register(run):
        CASES.append(Case(name, what, run, list(expect), first or expect[0], **kwargs))
        return run

    return register


# Healthy runs: the lecture's settings, noisy-but-healthy dropout runs, small and large data.


@case(
    "fashion_lecture_5_epochs",
    "the lecture's model, 5 epochs on 4,000 images",
    HEALTHY,
    allow=["not_converged"],
    severity={"not_converged": "tip"},
)
def _():
    return train(fashion(4000), epochs=5)


@case(
    "fashion_lecture_10_epochs",
    "the lecture's model, 10 epochs on 6,000 images",
    HEALTHY,
    allow=["not_converged"],
    severity={"not_converged": "tip"},
)
def _():
    return train(fashion(6000), epochs=10)


@case(
    "fashion_large_data",
    "Dense(64), 5 epochs on 10,000 images",
    HEALTHY,
    allow=["not_converged"],
    severity={"not_converged": "tip"},
)
def _():
    return train(fashion(10000), hidden=(64,), epochs=5)


@case(
    "fashion_dropout_noisy",
    "Dense(128) + Dropout(0.3), batch 16, 8 epochs",
    HEALTHY,
    allow=["not_converged"],
    severity={"not_converged": "tip"},
)
def _():
    return train(fashion(4000), epochs=8, dropout=0.3, batch_size=16)


@case("moons_healthy", "Dense(16) on 400 moons, Adam 0.01, 40 epochs", HEALTHY)
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(16,), epochs=40, lr=0.01)


@case("moons_dropout_noisy", "Dense(32) + Dropout(0.3), batch 8, 40 epochs", HEALTHY)
def _():
    data = toy("moons", 300, noise=0.2)
    return train(data, hidden=(32,), dropout=0.3, epochs=40, batch_size=8, lr=0.01)


@case("blobs_healthy", "3 Gaussian blobs, Dense(8), 30 epochs", HEALTHY)
def _():
    return train(toy("blobs", 300, centers=3, noise=1.0), hidden=(8,), epochs=30, lr=0.01)


@case(
    "circles_healthy_early_stopping",
    "circles, Dense(16), EarlyStopping(5)",
    HEALTHY,
    allow=["overfitting"],
    severity={"overfitting": "warning"},
)
def _():
    data = toy("circles", 400, noise=0.1)
    return train(data, hidden=(16,), epochs=80, lr=0.01, early_stopping=5)


@case("spiral_healthy", "3-arm spiral, Dense(64, 64), 60 epochs", HEALTHY)
def _():
    data = toy("spiral", 600, n_classes=3, noise=0.02)
    return train(data, hidden=(64, 64), epochs=60, lr=0.01)


@case(
    "penguins_dropout_early_stopping",
    "penguins standardised, Dense(32, 16) + Dropout(0.2), EarlyStopping(3)",
    HEALTHY,
    allow=["overfitting"],
    severity={"overfitting": "warning"},
)
def _():
    return train(
        penguins(), hidden=(32, 16), dropout=0.2, epochs=60, early_stopping=3, batch_size=16
    )


@case("penguins_healthy", "penguins standardised, Dense(16), 30 epochs", HEALTHY)
def _():
    return train(penguins(), hidden=(16,), epochs=30, batch_size=16)


@case("penguins_small_data", "60 penguins, Dense(8), 40 epochs", HEALTHY)
def _():
    (x, y), val = penguins()
    return train(((x[:60], y[:60]), val), hidden=(8,), epochs=40, batch_size=8, lr=0.01)


# A learning rate far too high.


@case("fashion_adam_lr_1_collapse", "Adam at 1.0 (1000x its default)", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=8, lr=1.0)


@case("fashion_adam_lr_0_1", "Adam at 0.1 (100x its default)", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=8, lr=0.1)


@case("fashion_sgd_lr_10", "SGD at 10", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=8, optimizer="sgd", lr=10.0)


@case("fashion_rmsprop_lr_1", "RMSprop at 1.0", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=8, optimizer="rmsprop", lr=1.0)


@case("fashion_sgd_lr_1e6", "SGD at 1e6: loss 1e13, never NaN", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=5, optimizer="sgd", lr=1e6)


@case("fashion_adam_lr_1e6", "Adam at 1e6 (`glassnet train --lr 1e6`)", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=5, lr=1e6)


@case("fashion_rmsprop_lr_1e6", "RMSprop at 1e6", ["learning_rate_too_high"])
def _():
    return train(fashion(2000), epochs=5, optimizer="rmsprop", lr=1e6)


@case("blobs_sgd_lr_100", "SGD at 100 on 3 blobs", ["learning_rate_too_high"])
def _():
    return train(toy("blobs", 300, centers=3), hidden=(16,), epochs=20, optimizer="sgd", lr=100.0)


@case("penguins_sgd_lr_20", "SGD at 20 on penguins", ["learning_rate_too_high"])
def _():
    return train(penguins(), hidden=(16,), epochs=20, optimizer="sgd", lr=20.0)


@case("moons_adam_lr_3", "Adam at 3 on moons", ["learning_rate_too_high"])
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(32,), epochs=30, lr=3.0)


# A learning rate far too low.


@case(
    "fashion_adam_lr_1e_6",
    "Adam at 1e-6 (1000x below its default)",
    ["learning_rate_too_low"],
    allow=["not_converged", "underfitting"],
)
def _():
    return train(fashion(2000), epochs=8, lr=1e-6)


@case(
    "fashion_sgd_lr_1e_5",
    "SGD at 1e-5",
    ["learning_rate_too_low"],
    allow=["not_converged", "underfitting"],
)
def _():
    return train(fashion(2000), epochs=8, optimizer="sgd", lr=1e-5)


@case(
    "fashion_rmsprop_lr_1e_6",
    "RMSprop at 1e-6",
    ["learning_rate_too_low"],
    allow=["not_converged", "underfitting"],
)
def _():
    return train(fashion(2000), epochs=8, optimizer="rmsprop", lr=1e-6)


@case(
    "moons_sgd_lr_1e_4",
    "SGD at 1e-4 on moons",
    ["learning_rate_too_low"],
    allow=["not_converged", "underfitting"],
)
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(16,), epochs=30, optimizer="sgd", lr=1e-4)


@case(
    "penguins_adam_lr_1e_6",
    "Adam at 1e-6 on penguins",
    ["learning_rate_too_low"],
    allow=["not_converged", "underfitting"],
)
def _():
    return train(penguins(), hidden=(16,), epochs=30, lr=1e-6, batch_size=16)


# Too few epochs.


@case(
    "fashion_sgd_3_epochs",
    "SGD at its default 0.01, 3 epochs: still falling fast",
    ["not_converged"],
)
def _():
    return train(fashion(3000), epochs=3, optimizer="sgd")


@case(
    "moons_adam_10_epochs",
    "Adam 0.001 on moons, 10 epochs: still falling",
    ["not_converged"],
    allow=["underfitting"],
)
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(16,), epochs=10)


@case(
    "penguins_adam_8_epochs",
    "penguins, Adam 0.001, 8 epochs: still falling steadily",
    ["not_converged"],
)
def _():
    return train(penguins(), hidden=(16,), epochs=8, batch_size=16)


@case(
    "circles_adam_12_epochs",
    "circles, Dense(16), Adam 0.003, 12 epochs: still falling",
    ["not_converged"],
    allow=["underfitting"],
)
def _():
    return train(toy("circles", 400, noise=0.1), hidden=(16,), epochs=12, lr=0.003)


@case("moons_1_epoch", "1 epoch: too few to judge", ["too_few_epochs"])
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(16,), epochs=1, lr=0.01)


@case("penguins_2_epochs", "2 epochs: too few to judge", ["too_few_epochs"])
def _():
    return train(penguins(), hidden=(16,), epochs=2, batch_size=16)


@case("fashion_2_epochs", "2 epochs: too few to judge", ["too_few_epochs"])
def _():
    return train(fashion(3000), epochs=2)


# Too small and too large networks; overfitting with and without Dropout / EarlyStopping.


@case("circles_linear", "no hidden layer on circles", ["underfitting"])
def _():
    return train(toy("circles", 400, noise=0.05), hidden=(), epochs=30, lr=0.01)


@case("spiral_linear", "no hidden layer on a 3-arm spiral", ["underfitting"])
def _():
    return train(toy("spiral", 450, n_classes=3), hidden=(), epochs=30, lr=0.01)


@case("spiral_dense_2", "Dense(2) on a 3-arm spiral", ["underfitting"])
def _():
    return train(toy("spiral", 450, n_classes=3), hidden=(2,), epochs=40, lr=0.01)


@case("xor_linear", "no hidden layer on XOR", ["underfitting"])
def _():
    return train(toy("xor", 200, noise=0.15), hidden=(), epochs=30, lr=0.01)


@case(
    "fashion_overfit_dense_512",
    "1,000 images, Dense(512), 30 epochs (issue 14's first case)",
    ["overfitting"],
    text_must_not=["learning rate 10x"],
)
def _():
    return train(fashion(1000), hidden=(512,), epochs=30)


@case("fashion_overfit_500_images", "500 images, Dense(256), 25 epochs", ["overfitting"])
def _():
    return train(fashion(500, offset=5000), hidden=(256,), epochs=25)


@case(
    "fashion_overfit_dropout_0_5",
    "1,000 images, Dense(256) + Dropout(0.5), 40 epochs",
    ["overfitting"],
    text_must_not=["Add Dropout"],
)
def _():
    return train(fashion(1000), hidden=(256,), dropout=0.5, epochs=40)


@case(
    "fashion_overfit_early_stopping",
    "500 images, Dense(512), EarlyStopping(8)",
    ["overfitting"],
    severity={"overfitting": "warning"},
    text_must_not=["Stop early"],
)
def _():
    return train(fashion(500), hidden=(512,), epochs=40, early_stopping=8)


@case(
    "fashion_dropout_early_stopping",
    "1,000 images, Dense(256) + Dropout(0.5), EarlyStopping(3): stops as it levels off",
    HEALTHY,
    allow=["overfitting"],
    severity={"overfitting": "warning"},
    text_must_not=["Add Dropout", "Stop early"],
)
def _():
    return train(fashion(1000), hidden=(256,), dropout=0.5, epochs=60, early_stopping=3)


@case(
    "fashion_overfit_dropout_early_stopping",
    "500 images, Dense(512) + Dropout(0.5), EarlyStopping(12)",
    ["overfitting"],
    severity={"overfitting": "warning"},
    text_must_not=["Add Dropout", "Stop early"],
)
def _():
    return train(fashion(500), hidden=(512,), dropout=0.5, epochs=60, early_stopping=12)


@case("spiral_large_network_small_data", "Dense(256, 256) on 60 spiral points", ["overfitting"])
def _():
    data = toy("spiral", 60, n_classes=2, noise=0.1)
    return train(data, hidden=(256, 256), epochs=150, lr=0.003, batch_size=8)


@case("moons_large_network_small_data", "Dense(256, 256) on 40 noisy moons", ["overfitting"])
def _():
    data = toy("moons", 40, noise=0.35)
    return train(data, hidden=(256, 256), epochs=150, lr=0.003, batch_size=8)


# Unscaled inputs.


@case("fashion_raw_pixels_adam", "raw 0-255 pixels, Adam", ["unscaled_inputs"])
def _():
    return train(fashion(3000, raw=True), epochs=8)


@case("fashion_raw_pixels_sgd", "raw 0-255 pixels, SGD 0.01", ["unscaled_inputs"])
def _():
    return train(fashion(3000, raw=True), epochs=8, optimizer="sgd")


@case("penguins_raw_features", "penguins unscaled (body mass in grams)", ["unscaled_inputs"])
def _():
    return train(penguins(standardise=False), hidden=(16,), epochs=30, batch_size=16)


@case("moons_in_thousands", "moons with coordinates x 1000", ["unscaled_inputs"])
def _():
    (x, y), (xv, yv) = toy("moons", 400, noise=0.2)
    return train(((x * 1000, y), (xv * 1000, yv)), hidden=(16,), epochs=30, lr=0.01)


# Class mixes.


@case("moons_95_5", "95/5 moons, learned well", ["imbalanced_data"])
def _():
    return train(imbalanced_toy("moons", 380, 20), hidden=(16,), epochs=40, lr=0.01)


@case("blobs_90_10", "90/10 blobs, learned well", ["imbalanced_data"])
def _():
    return train(imbalanced_toy("blobs", 360, 40, centers=2), hidden=(8,), epochs=30, lr=0.01)


@case("noise_90_10", "90/10 labels unrelated to the inputs", ["imbalanced_data"])
def _():
    data = imbalanced_toy("moons", 360, 40, signal=False)
    return train(data, hidden=(8,), epochs=30, lr=0.01)


@case(
    "fashion_shirts_95_5",
    "95 % T-shirts, 5 % shirts, 8 epochs",
    ["imbalanced_data"],
    allow=["not_converged"],
    severity={"not_converged": "tip"},
)
def _():
    return train(mixed_fashion({0: 1900, 6: 100}, {0: 475, 6: 25}), hidden=(64,), epochs=8)


@case(
    "fashion_sorted_validation_split",
    "Fashion sorted by label, validation_split=0.2",
    ["validation_mix"],
)
def _():
    return train(sorted_by_label(fashion(3000)), epochs=6, validation_split=0.2)


@case(
    "penguins_sorted_validation_split",
    "penguins in file order, validation_split=0.3",
    ["validation_mix"],
)
def _():
    table = gn.datasets.load_csv(gn.datasets.example_csv("penguins"), target="species")
    x = gn.datasets.StandardScaler().fit_transform(table.x.astype(np.float64))
    data = ((x.astype(np.float32), table.y.astype(np.int64)), None)
    return train(data, hidden=(16,), epochs=20, batch_size=16, validation_split=0.3)


@case(
    "blobs_sorted_validation_split",
    "blobs sorted by label, validation_split=0.25",
    ["validation_mix"],
)
def _():
    return train(
        sorted_by_label(toy("blobs", 400, centers=2)),
        hidden=(8,),
        epochs=20,
        lr=0.01,
        validation_split=0.25,
    )


# The output layer against the loss.


@case(
    "fashion_softmax_with_from_logits",
    "Dense(10, softmax) + from_logits=True",
    ["output_loss_mismatch"],
)
def _():
    return train(fashion(2000), epochs=6, output="softmax")


@case(
    "moons_logits_without_from_logits",
    "Dense(2) logits + from_logits=False",
    ["output_loss_mismatch"],
)
def _():
    return train(toy("moons", 400, noise=0.2), hidden=(16,), epochs=20, lr=0.01, from_logits=False)


@case(
    "penguins_softmax_with_from_logits",
    "Dense(3, softmax) + from_logits=True on penguins",
    ["output_loss_mismatch"],
)
def _():
    return train(penguins(), hidden=(16,), epochs=30, batch_size=16, output="softmax")


# ------------------------------------------------------------------------- writing


def record(c: Case) -> dict[str, Any]:
    started = time.perf_counter()
    history = c.run()
    print(f"{time.perf_counter() - started:6.1f}s  {c.name}", file=sys.stderr)
    summary = gn.doctor.summarize_run(history)
    return {
        "name": c.name,
        "what": c.what,
        "history": jsonable(history.history),
        "params": jsonable(history.params),
        "stopped_on_nan": history.stopped_on_nan,
        "summary": summary.to_dict(),
        "expect": {
            "findings": c.expect,
            "first": c.first,
            "allow": c.allow,
            "severity": c.severity,
            "text_must_not": c.text_must_not,
        },
    }


def main(argv: list[str] | None = None) -> int:
    global SEED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="build only the runs whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the runs and exit")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    parser.add_argument(
        "--seed", type=int, default=SEED, help="weights and shuffling (default 0, as stored)"
    )
    args = parser.parse_args(argv)
    SEED = args.seed
    chosen = [c for c in CASES if not args.only or args.only in c.name]
    if args.list:
        for c in chosen:
            print(f"{c.name:42} {c.first:24} {c.what}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for c in chosen:
        entry = record(c)
        text = json.dumps(entry, indent=1, allow_nan=False)
        (args.out / f"{c.name}.json").write_text(text + "\n", encoding="utf-8")
    print(f"{len(chosen)} runs in {time.perf_counter() - started:.0f}s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
