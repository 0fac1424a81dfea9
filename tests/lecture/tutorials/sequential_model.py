"""The Sequential model (keras.io/guides/sequential_model), converted for glassnet:
`keras` -> `gn`; `tf.` (TensorFlow itself: the stored guide's `tf.ones`) stays, and fails.
Written from the guide's documented steps.

Harness changes: the transfer-learning recipes run on small random data (the guide
leaves `...` there), and Xception (a download of ImageNet weights) is a small Sequential.
A `# FALLBACK` statement runs only when the statement above it failed.
"""
# ruff: noqa: B018, F821

# ---- block 1: setup
import numpy as np

import glassnet as gn
from glassnet import layers

# ---- block 2: when to use a Sequential model
model = gn.Sequential(
    [
        layers.Dense(2, activation="relu", name="layer1"),
        layers.Dense(3, activation="relu", name="layer2"),
        layers.Dense(4, name="layer3"),
    ]
)
x = tf.ones((3, 3))
# FALLBACK
x = np.ones((3, 3))
y = model(x)

# ---- block 3: the same as calling the layers in turn
layer1 = layers.Dense(2, activation="relu", name="layer1")
layer2 = layers.Dense(3, activation="relu", name="layer2")
layer3 = layers.Dense(4, name="layer3")
x = tf.ones((3, 3))
# FALLBACK
x = np.ones((3, 3))
y = layer3(layer2(layer1(x)))

# ---- block 4: creating a Sequential model
model = gn.Sequential(
    [
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    ]
)
model.layers
model = gn.Sequential()
model.add(layers.Dense(2, activation="relu"))
model.add(layers.Dense(3, activation="relu"))
model.add(layers.Dense(4))
model.pop()
print(len(model.layers))  # 2
model = gn.Sequential(name="my_sequential")
model.add(layers.Dense(2, activation="relu", name="layer1"))
model.add(layers.Dense(3, activation="relu", name="layer2"))
model.add(layers.Dense(4, name="layer3"))

# ---- block 5: specifying the input shape in advance
layer = layers.Dense(3)
layer.weights  # Empty
x = tf.ones((1, 4))
# FALLBACK
x = np.ones((1, 4))
y = layer(x)
layer.weights  # Now it has weights, of shape (4, 3) and (3,)
model = gn.Sequential(
    [
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    ]
)  # No weights at this stage!
x = tf.ones((1, 4))
# FALLBACK
x = np.ones((1, 4))
y = model(x)
print("Number of weights after calling the model:", len(model.weights))  # 6
model.summary()

# ---- block 6: an Input object first
model = gn.Sequential()
model.add(gn.Input(shape=(4,)))
model.add(layers.Dense(2, activation="relu"))
model.summary()
model.layers
model = gn.Sequential()
model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
model.summary()

# ---- block 7: a common debugging workflow: add() and summary() (convolution layers)
model = gn.Sequential()
model.add(gn.Input(shape=(250, 250, 3)))  # 250x250 RGB images
model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(3))
model.summary()
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(3))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(2))
model.summary()
model.add(layers.GlobalMaxPooling2D())
model.add(layers.Dense(10))

# ---- block 8: feature extraction with a Sequential model (a functional Model)
initial_model = gn.Sequential(
    [
        gn.Input(shape=(250, 250, 3)),
        layers.Conv2D(32, 5, strides=2, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
    ]
)
feature_extractor = gn.Model(
    inputs=initial_model.inputs,
    outputs=[layer.output for layer in initial_model.layers],
)
x = tf.ones((1, 250, 250, 3))
features = feature_extractor(x)
initial_model = gn.Sequential(
    [
        gn.Input(shape=(250, 250, 3)),
        layers.Conv2D(32, 5, strides=2, activation="relu"),
        layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
        layers.Conv2D(32, 3, activation="relu"),
    ]
)
feature_extractor = gn.Model(
    inputs=initial_model.inputs,
    outputs=initial_model.get_layer(name="my_intermediate_layer").output,
)
x = tf.ones((1, 250, 250, 3))
features = feature_extractor(x)

# ---- block 9: transfer learning: freeze all layers except the last one
rng = np.random.default_rng(0)  # HARNESS: the guide's `...` data
x_train, y_train = rng.normal(size=(64, 784)).astype("float32"), rng.integers(0, 10, 64)
pretrained = gn.Sequential(  # HARNESS: the weights the guide "presumably" loads
    [
        gn.layers.Dense(32, activation="relu", input_shape=(784,)),
        gn.layers.Dense(32, activation="relu"),
        gn.layers.Dense(32, activation="relu"),
        gn.layers.Dense(10),
    ]
)
pretrained.save_weights("pretrained.weights.h5")
model = gn.Sequential(
    [
        gn.Input(shape=(784,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(10),
    ]
)
# FALLBACK
model = gn.Sequential(
    [
        layers.Dense(32, activation="relu", input_shape=(784,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(10),
    ]
)
model.load_weights("pretrained.weights.h5")
frozen_before = model.layers[0].get_weights()[0].copy()
# FALLBACK
frozen_before = model.get_weights()[0]
for layer in model.layers[:-1]:
    layer.trainable = False
model.compile(optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, epochs=1, verbose=0)
frozen_after = model.get_weights()[0]
assert np.array_equal(frozen_before, frozen_after), "trainable=False was not honoured"

# ---- block 10: transfer learning: a frozen base model under a new head
base_model = gn.Sequential(  # HARNESS: keras.applications.Xception(weights="imagenet", ...)
    [gn.layers.Dense(16, activation="relu", input_shape=(784,))]
)
base_model.trainable = False
model = gn.Sequential([base_model, layers.Dense(1000)])
model.compile(optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
base_before = base_model.get_weights()[0]
model.fit(x_train, y_train, epochs=1, verbose=0)
assert np.array_equal(base_before, base_model.get_weights()[0]), "base_model trained"
