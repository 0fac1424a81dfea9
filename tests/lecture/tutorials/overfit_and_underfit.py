"""Overfit and underfit (tensorflow.org/tutorials/keras/overfit_and_underfit), converted for
glassnet: `tf.keras` -> `gn`; every other `tf.` (tf.data, tf.stack, tf.add_n: TensorFlow
itself) stays, and fails. Written from the tutorial's documented steps.

Harness changes: the HIGGS download is a synthetic gzipped CSV of the same layout (label,
then 28 features) served from 127.0.0.1 (`HIGGS_URL`, set by the runner); 1,000 training
rows, not 10,000; at most 3 epochs per model, not 10,000; the tf.data pipeline's NumPy
equivalent (the glassnet way) feeds `model.fit`. IPython lines are left out.
A `# FALLBACK` statement runs only when the statement above it failed.
"""
# ruff: noqa: E402, B018, F821, UP018, B007, I001

# ---- cell 1: setup
import gzip
import pathlib
import shutil
import tempfile

import matplotlib.pyplot as plt
import numpy as np

import glassnet as gn
from glassnet import layers
from glassnet import regularizers

print(gn.__version__)

import tensorflow_docs as tfdocs
import tensorflow_docs.modeling
import tensorflow_docs.plots

logdir = pathlib.Path(tempfile.mkdtemp()) / "tensorboard_logs"
shutil.rmtree(logdir, ignore_errors=True)

# ---- cell 2: the Higgs dataset
gz = gn.utils.get_file("HIGGS.csv.gz", HIGGS_URL)  # HARNESS: the UCI URL
# FALLBACK (the runner's local copy)
gz = "HIGGS.csv.gz"
FEATURES = 28
ds = tf.data.experimental.CsvDataset(gz, [float()] * (FEATURES + 1), compression_type="GZIP")


def pack_row(*row):
    label = row[0]
    features = tf.stack(row[1:], 1)
    return features, label


packed_ds = ds.batch(10000).map(pack_row).unbatch()
for features, label in packed_ds.batch(1000).take(1):
    print(features[0])
    plt.hist(features.numpy().flatten(), bins=101)

# The glassnet way (HARNESS): the same rows as NumPy arrays.
with gzip.open(gz, "rt") as handle:
    table = np.loadtxt(handle, delimiter=",", dtype=np.float32)
features, labels = table[:, 1:], table[:, 0]
plt.hist(features[:1000].flatten(), bins=101)

N_VALIDATION = int(1e3)
N_TRAIN = int(1e3)  # HARNESS: int(1e4)
BUFFER_SIZE = int(1e4)
BATCH_SIZE = 500
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE
MAX_EPOCHS = 3  # HARNESS: compile_and_fit's max_epochs=10000

validate_ds = packed_ds.take(N_VALIDATION).cache()
train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
train_ds
validate_ds = validate_ds.batch(BATCH_SIZE)
train_ds = train_ds.shuffle(BUFFER_SIZE).repeat().batch(BATCH_SIZE)
validate_features, validate_labels = features[:N_VALIDATION], labels[:N_VALIDATION]
train_features = features[N_VALIDATION : N_VALIDATION + N_TRAIN]
train_labels = labels[N_VALIDATION : N_VALIDATION + N_TRAIN]

# ---- cell 3: training procedure
lr_schedule = gn.optimizers.schedules.InverseTimeDecay(
    0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1, staircase=False
)


def get_optimizer():
    return gn.optimizers.Adam(lr_schedule)


step = np.linspace(0, 100000)
lr = lr_schedule(step)
plt.figure(figsize=(8, 6))
plt.plot(step / STEPS_PER_EPOCH, lr)
plt.ylim([0, max(plt.ylim())])
plt.xlabel("Epoch")
_ = plt.ylabel("Learning Rate")


def get_callbacks(name):
    return [
        tfdocs.modeling.EpochDots(),
        gn.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=200),
        gn.callbacks.TensorBoard(logdir / name),
    ]


get_callbacks("probe")  # HARNESS: tensorflow_docs and TensorBoard, probed once here


# FALLBACK (the same without tensorflow_docs' EpochDots and TensorBoard)
def get_callbacks(name):
    return [gn.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=200)]


def compile_and_fit(model, name, optimizer=None, max_epochs=MAX_EPOCHS):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(
        optimizer=optimizer,
        loss=gn.losses.BinaryCrossentropy(from_logits=True),
        metrics=[
            gn.metrics.BinaryCrossentropy(from_logits=True, name="binary_crossentropy"),
            "accuracy",
        ],
    )
    model.summary()
    history = model.fit(
        train_features,  # HARNESS: train_ds
        train_labels,
        batch_size=BATCH_SIZE,
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=max_epochs,
        validation_data=(validate_features, validate_labels),  # HARNESS: validate_ds
        callbacks=get_callbacks(name),
        verbose=0,
    )
    return history


# ---- cell 4: demonstrate overfitting: tiny, small, medium, large
tiny_model = gn.Sequential(
    [layers.Dense(16, activation="elu", input_shape=(FEATURES,)), layers.Dense(1)]
)
size_histories = {}
size_histories["Tiny"] = compile_and_fit(tiny_model, "sizes/Tiny")
plotter = tfdocs.plots.HistoryPlotter(metric="binary_crossentropy", smoothing_std=10)
plotter.plot(size_histories)
plt.ylim([0.5, 0.7])
small_model = gn.Sequential(
    [
        layers.Dense(16, activation="elu", input_shape=(FEATURES,)),
        layers.Dense(16, activation="elu"),
        layers.Dense(1),
    ]
)
size_histories["Small"] = compile_and_fit(small_model, "sizes/Small")
medium_model = gn.Sequential(
    [
        layers.Dense(64, activation="elu", input_shape=(FEATURES,)),
        layers.Dense(64, activation="elu"),
        layers.Dense(64, activation="elu"),
        layers.Dense(1),
    ]
)
size_histories["Medium"] = compile_and_fit(medium_model, "sizes/Medium")
large_model = gn.Sequential(
    [
        layers.Dense(512, activation="elu", input_shape=(FEATURES,)),
        layers.Dense(512, activation="elu"),
        layers.Dense(512, activation="elu"),
        layers.Dense(512, activation="elu"),
        layers.Dense(1),
    ]
)
size_histories["large"] = compile_and_fit(large_model, "sizes/large")
plotter.plot(size_histories)
a = plt.xscale("log")
plt.xlim([5, max(plt.xlim())])
plt.ylim([0.5, 0.7])
plt.xlabel("Epochs [Log Scale]")

# ---- cell 5: strategies to prevent overfitting
shutil.rmtree(logdir / "regularizers/Tiny", ignore_errors=True)
shutil.copytree(logdir / "sizes/Tiny", logdir / "regularizers/Tiny")
regularizer_histories = {}
regularizer_histories["Tiny"] = size_histories["Tiny"]

# ---- cell 6: weight regularization
l2_model = gn.Sequential(
    [
        layers.Dense(
            512,
            activation="elu",
            kernel_regularizer=regularizers.l2(0.001),
            input_shape=(FEATURES,),
        ),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(1),
    ]
)
regularizer_histories["l2"] = compile_and_fit(l2_model, "regularizers/l2")
plotter.plot(regularizer_histories)
plt.ylim([0.5, 0.7])
result = l2_model(features[:1000])  # tutorial: l2_model(features), the tf.data batch
regularization_loss = tf.add_n(l2_model.losses)
# FALLBACK
regularization_loss = sum(l2_model.losses)

# ---- cell 7: dropout
dropout_model = gn.Sequential(
    [
        layers.Dense(512, activation="elu", input_shape=(FEATURES,)),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(1),
    ]
)
regularizer_histories["dropout"] = compile_and_fit(dropout_model, "regularizers/dropout")
plotter.plot(regularizer_histories)
plt.ylim([0.5, 0.7])

# ---- cell 8: L2 and dropout combined
combined_model = gn.Sequential(
    [
        layers.Dense(
            512, kernel_regularizer=regularizers.l2(0.0001), activation="elu",
            input_shape=(FEATURES,),
        ),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(1),
    ]
)  # fmt: skip
regularizer_histories["combined"] = compile_and_fit(combined_model, "regularizers/combined")
plotter.plot(regularizer_histories)
plt.ylim([0.5, 0.7])
plt.close("all")
