"""Save and load models (tensorflow.org/tutorials/keras/save_and_load), converted for
glassnet: `tf.keras` -> `gn`; every other `tf.` (TensorFlow itself) stays, and fails.
Written from the tutorial's documented steps (its Keras 3 version: `.weights.h5` names).

Harness changes: the Fashion-MNIST sample instead of MNIST (a download), 500 images
instead of 1000, fewer epochs (1 instead of 10 and 5; 10 instead of 50 for the
every-5-epochs checkpoints).
A `# FALLBACK` statement runs only when the statement above it failed.
"""
# ruff: noqa: B018, F821

# ---- cell 1: setup
import math
import os

import glassnet as gn

print(gn.__version__)

# ---- cell 2: get an example dataset
(train_images, train_labels), (test_images, test_labels) = (
    gn.datasets.fashion_mnist.load_sample()  # HARNESS: tf.keras.datasets.mnist.load_data()
)
train_labels = train_labels[:500]  # HARNESS: 1000 in the tutorial, here and below
test_labels = test_labels[:500]
train_images = train_images[:500].reshape(-1, 28 * 28) / 255.0
test_images = test_images[:500].reshape(-1, 28 * 28) / 255.0


# ---- cell 3: define a model
def create_model():
    model = gn.models.Sequential(
        [
            gn.layers.Dense(512, activation="relu", input_shape=(784,)),
            gn.layers.Dropout(0.2),
            gn.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[gn.metrics.SparseCategoricalAccuracy()],
    )
    return model


model = create_model()


# FALLBACK (the same model with the metric by name, for what runs today)
def create_model():
    model = gn.Sequential(
        [
            gn.layers.Dense(512, activation="relu", input_shape=(784,)),
            gn.layers.Dropout(0.2),
            gn.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


model = create_model()
model.summary()

# ---- cell 4: save checkpoints during training
checkpoint_path = "training_1/cp.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
cp_callback = gn.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, save_weights_only=True, verbose=1
)
model.fit(
    train_images,
    train_labels,
    epochs=1,  # HARNESS: 10
    validation_data=(test_images, test_labels),
    callbacks=[cp_callback],
)
os.listdir(checkpoint_dir)

# ---- cell 5: an untrained model, then the checkpoint's weights
model = create_model()
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Untrained model, accuracy: {100 * acc:5.2f}%")
model.load_weights(checkpoint_path)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")

# ---- cell 6: checkpoint callback options
checkpoint_path = "training_2/cp-{epoch:04d}.weights.h5"
checkpoint_dir = os.path.dirname(checkpoint_path)
batch_size = 32
n_batches = len(train_images) / batch_size
n_batches = math.ceil(n_batches)
cp_callback = gn.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, verbose=1, save_weights_only=True, save_freq=5 * n_batches
)
model = create_model()
# (The Keras 2 version saved `checkpoint_path.format(epoch=0)` here; Keras 3's save_weights
# does not create the folder, and neither does glassnet's.)
model.fit(
    train_images,
    train_labels,
    epochs=10,  # HARNESS: 50
    batch_size=batch_size,
    callbacks=[cp_callback],
    validation_data=(test_images, test_labels),
    verbose=0,
)
os.listdir(checkpoint_dir)


def load_latest_checkpoint(checkpoint_dir):
    latest = max(os.listdir(checkpoint_dir), key=lambda f: int(f.split("-")[1].split(".")[0]))
    return os.path.join(checkpoint_dir, latest)


latest = load_latest_checkpoint(checkpoint_dir)
latest
model = create_model()
model.load_weights(latest)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")

# ---- cell 7: manually save weights
os.makedirs("checkpoints", exist_ok=True)  # neither Keras's save_weights nor glassnet's makes it
model.save_weights("./checkpoints/my_checkpoint.weights.h5")
model = create_model()
model.load_weights("./checkpoints/my_checkpoint.weights.h5")
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")

# ---- cell 8: save the entire model (.keras)
model = create_model()
model.fit(train_images, train_labels, epochs=1)  # HARNESS: 5
model.save("my_model.keras")
new_model = gn.models.load_model("my_model.keras")
# FALLBACK
new_model = gn.load_model("my_model.keras")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")
print(new_model.predict(test_images).shape)

# ---- cell 9: SavedModel (TensorFlow itself)
os.makedirs("saved_model", exist_ok=True)  # tutorial: !mkdir -p saved_model
model = create_model()
model.fit(train_images, train_labels, epochs=1)  # HARNESS: 5
tf.saved_model.save(model, "saved_model/my_model")
saved_model = tf.saved_model.load("saved_model/my_model")
saved_model

# ---- cell 10: HDF5 format
model = create_model()
model.fit(train_images, train_labels, epochs=1)  # HARNESS: 5
model.save("my_model.h5")
new_model = gn.models.load_model("my_model.h5")
# FALLBACK
new_model = gn.load_model("my_model.h5")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=2)
print(f"Restored model, accuracy: {100 * acc:5.2f}%")
