"""The lecture's TensorFlow tutorial on glassnet: its code with `tf.keras` written `gn`.

Added: pixels scaled to [0, 1] (the tutorial's preprocessing step), a seed and `summary()`.
Changed: the learning rate, 1e-3 (Keras's default) instead of the slide's 0.00001, which
barely moves in 10 epochs. `fit` prints each epoch and, at the end, the training diagnosis.

Run: python examples/fashion_mnist.py (EPOCHS=2 for a quick look).
"""

import os

import numpy as np

import glassnet as gn

fashion_mnist = gn.datasets.fashion_mnist
(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']  # fmt: skip
train_images, test_images = train_images / 255.0, test_images / 255.0

gn.utils.set_random_seed(0)
model = gn.Sequential([
    gn.layers.Flatten(input_shape=(28, 28)),
    gn.layers.Dense(128, activation='relu'),
    gn.layers.Dense(10) ])  # fmt: skip
model.summary()  # 101,770 trainable parameters

model.compile(optimizer=gn.optimizers.Adam(learning_rate=0.001),
              loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])  # fmt: skip
epochs = int(os.environ.get("EPOCHS", 10))
history = model.fit(train_images, train_labels, validation_data=[test_images, test_labels],
                    epochs=epochs)  # fmt: skip

probability_model = gn.Sequential([model, gn.layers.Softmax()])
predictions = probability_model.predict(test_images)
print(f"first test image: {class_names[int(np.argmax(predictions[0]))]} "
      f"(true: {class_names[test_labels[0]]})")  # fmt: skip
model.evaluate(test_images, test_labels)  # accuracy beside the baseline and balanced accuracy
