"""Write the lecture's notebooks (examples/notebooks/*.ipynb) from the cells below.

The notebooks are stored without outputs; edit the cells here and run
`python tools/make_notebooks.py`, so the repository never holds a hand-edited .ipynb.
"""

# ruff: noqa: E501  (the cells are notebook code, kept as a student would read it)

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

OUT = Path(__file__).resolve().parent.parent / "examples" / "notebooks"

PERCEPTRON = [
    (
        "md",
        "# 1. The perceptron\n\n"
        "**You will learn** how one neuron computes z = x1·w1 + x2·w2 + bias·w_bias and turns it "
        "into a group with the sign function; why the lecture's first weights get 9 of 12 points "
        "right and the updated ones 12 of 12; what the decision line is; how the perceptron "
        "learning rule finds weights by itself; and why one perceptron can learn AND and OR "
        "but never XOR.",
    ),
    ("code", "import glassnet as gn"),
    (
        "md",
        "## The lecture's two groups\n\n"
        "Twelve points, each with two values: six in group 1, six in group 0 (the labels "
        "are 1 and -1, as the sign function returns).",
    ),
    ("code", "x, y = gn.datasets.lecture_groups()\nprint(x)\nprint(y)"),
    (
        "md",
        "## Some random weights: w1 = 0.75, w2 = -0.5, w_bias = 1\n\n"
        "The perceptron sums each input times its weight, adds bias·w_bias, and the sign "
        "function returns 1 when z > 0, otherwise -1.",
    ),
    (
        "code",
        'p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")\n'
        "z = p.net_input(x)\n"
        "for i, (z_i, out, label) in enumerate(zip(z, p.predict(x), y, strict=True)):\n"
        '    print(f"point {i}: z = {z_i:+.3f} -> sign gives {out:+d}, its group is {label}")\n'
        'print("accuracy:", p.score(x, y))  # 9/12 = 0.75',
    ),
    ("md", "One point, explained term by term:"),
    ("code", "print(gn.explain.perceptron(p, x[0]))"),
    (
        "md",
        "## The decision line\n\n"
        "The perceptron says 1 on one side of the line w1·x1 + w2·x2 + w_bias = 0 and -1 on "
        "the other. Three points of group 0 lie on the wrong side.",
    ),
    ("code", 'gn.plots.plot_perceptron(p, x, y, title="w1 = 0.75, w2 = -0.5, w_bias = 1")'),
    (
        "md",
        "## Updated weights: w1 = 3, w2 = -2, w_bias = -1\n\n"
        "Changing the weights moves the line. With these every point is right: 12/12.",
    ),
    (
        "code",
        'p2 = gn.Perceptron(weights=[3, -2], bias_weight=-1, activation="sign")\n'
        'print("accuracy:", p2.score(x, y))  # 12/12 = 1.0\n'
        'gn.plots.plot_perceptron(p2, x, y, title="w1 = 3, w2 = -2, w_bias = -1")',
    ),
    (
        "md",
        "## Try it yourself: can we improve the accuracy if we change the weights?\n\n"
        "Move the sliders for w1, w2 and w_bias: the line moves and the accuracy k/12 is "
        "recounted (needs `pip install glassnet[widgets]`; a live kernel, not a static page).",
    ),
    ("code", "gn.interactive.perceptron(x, y)"),
    (
        "md",
        "## The perceptron learning rule\n\n"
        "For each misclassified point: w ← w + learning_rate · (target − prediction) · x. "
        "Starting from the lecture's first weights:",
    ),
    (
        "code",
        'learner = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")\n'
        "learner.fit(x, y, epochs=100, learning_rate=0.1)\n"
        'print("accuracy:", learner.score(x, y))\n'
        "print(gn.explain.perceptron_training(learner))",
    ),
    ("md", "## Logic gates\n\nAND and OR are linearly separable: one line splits them."),
    (
        "code",
        'for gate in ["and", "or"]:\n'
        "    gx, gy = gn.datasets.logic_gate(gate)\n"
        '    gp = gn.Perceptron(n_inputs=2, activation="step", seed=0).fit(gx, gy, epochs=50)\n'
        '    print(gate, "learned:", gp.predict(gx).tolist(), "target:", gy.tolist())',
    ),
    (
        "md",
        "## XOR\n\nNo straight line separates XOR's outputs, so a single perceptron never "
        "gets all four right: this is why we need layers of neurons.",
    ),
    (
        "code",
        "import warnings\n\n"
        'gx, gy = gn.datasets.logic_gate("xor")\n'
        "with warnings.catch_warnings(record=True) as caught:  # keep the warning to print it\n"
        '    warnings.simplefilter("always")\n'
        '    xp = gn.Perceptron(n_inputs=2, activation="step", seed=0).fit(gx, gy, epochs=50)\n'
        "print(caught[0].message)\n"
        'print("xor learned:", xp.predict(gx).tolist(), "target:", gy.tolist())\n'
        'print("accuracy:", xp.score(gx, gy))',
    ),
]

FORWARD = [
    (
        "md",
        "# 2. Activation functions and forward propagation\n\n"
        "**You will learn** what the common activation functions (sign, step, sigmoid, tanh, "
        "ReLU, linear) look like and how their derivatives behave, and how a small network "
        "computes its output layer by layer: forward propagation, with every number shown.",
    ),
    ("code", "import numpy as np\n\nimport glassnet as gn"),
    ("md", "## The activation functions"),
    ("code", "gn.plots.plot_activations()"),
    (
        "code",
        "z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])\n"
        'for name in ["sigmoid", "tanh", "relu", "linear"]:\n'
        "    f = gn.activations.get(name)\n"
        '    print(f"{name:8s}", np.round(f(z), 4))',
    ),
    (
        "md",
        "## Forward propagation\n\n"
        "The lecture's small network: x → z1 = x·w1 + b1 → a1 = sigmoid(z1) → ŷ = a1·w2 + b2, "
        "with w1 = 0.8, b1 = -0.2, w2 = 1.5, b2 = 0.1 and the input x = 2.",
    ),
    (
        "code",
        "model = gn.Sequential(\n"
        '    [gn.layers.Dense(1, activation="sigmoid", input_shape=(1,)), gn.layers.Dense(1)]\n'
        ")\n"
        'model.compile(optimizer="sgd", loss="mse")\n'
        "model.set_weights([np.array([[0.8]]), np.array([-0.2]), np.array([[1.5]]), np.array([0.1])])\n"
        "print(gn.explain.forward(model, [2.0]))",
    ),
    (
        "md",
        "By hand: z1 = 2·0.8 − 0.2 = 1.4, a1 = sigmoid(1.4) ≈ 0.8022, ŷ = 0.8022·1.5 + 0.1 ≈ 1.3033.",
    ),
    (
        "code",
        "a1 = 1 / (1 + np.exp(-(2 * 0.8 - 0.2)))\n"
        'print(f"a1 = {a1:.4f}, y_hat = {a1 * 1.5 + 0.1:.4f}")\n'
        'print("model:", model.predict(np.array([[2.0]]), verbose=0)[0, 0])',
    ),
    ("md", "## A bigger network: each output has its own weight per input"),
    (
        "code",
        "net = gn.Sequential([\n"
        '    gn.layers.Dense(3, activation="relu", input_shape=(2,)),\n'
        '    gn.layers.Dense(1, activation="sigmoid"),\n'
        "])\n"
        "net.summary()\n"
        "gn.plots.plot_network(net)",
    ),
]

BACKPROP = [
    (
        "md",
        "# 3. Loss, gradient descent, the learning rate and backpropagation\n\n"
        "**You will learn** what a loss measures, how gradient descent takes steps down the "
        "loss, what too small and too large a learning rate do, and how backpropagation finds "
        "each weight's gradient with the chain rule: "
        "dJ/dw2 = dJ/dŷ · dŷ/dw2 and dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1.",
    ),
    ("code", "import numpy as np\n\nimport glassnet as gn"),
    ("md", "## The loss\n\nMean squared error, for the network's output against a target:"),
    (
        "code",
        "y_true = np.array([[1.0], [0.0], [2.0]])\n"
        "y_pred = np.array([[0.8], [0.1], [2.5]])\n"
        'mse = gn.losses.get("mse")\n'
        'print("MSE:", mse(y_true, y_pred), "by hand:", np.mean((y_true - y_pred) ** 2))',
    ),
    (
        "md",
        "## Gradient descent on one weight\n\n"
        "J(w) = (w − 3)², dJ/dw = 2(w − 3). Each step: w ← w − learning_rate · dJ/dw. "
        "A small learning rate crawls, a good one converges, one above 1 diverges.",
    ),
    (
        "code",
        "for lr in [0.01, 0.1, 0.5, 1.05]:\n"
        "    w = 0.0\n"
        "    for _ in range(10):\n"
        "        w = w - lr * 2 * (w - 3)\n"
        '    print(f"learning rate {lr:5}: w after 10 steps = {w:9.4f}, loss = {(w - 3) ** 2:.4g}")',
    ),
    (
        "md",
        "## The learning rate, as a picture\n\n"
        "The lecture's one-input network x → w1 → sigmoid → w2 → ŷ, J = (ŷ − y)², with "
        "x = 1, y = 1, w1 = 2 and w2 starting at −1: the curve is J as a function of w2, "
        "the red dots are ten steps of gradient descent. The three learning rates are "
        "chosen from the curve's bend at the minimum: a too-small one crawls, a good one "
        "lands on the minimum, a too-large one overshoots further at every step.",
    ),
    ("code", "gn.plots.plot_gradient_descent()"),
    (
        "md",
        "Try it yourself: drag the learning rate and watch the steps "
        "(needs `pip install glassnet[widgets]`).",
    ),
    ("code", "gn.interactive.learning_rate()"),
    (
        "md",
        "## Backpropagation with the chain rule\n\n"
        "The network of notebook 2, the input x = 2 and the target y = 1, loss J = (ŷ − y)².",
    ),
    (
        "code",
        "model = gn.Sequential(\n"
        '    [gn.layers.Dense(1, activation="sigmoid", input_shape=(1,)), gn.layers.Dense(1)]\n'
        ")\n"
        'model.compile(optimizer="sgd", loss="mse")\n'
        "model.set_weights([np.array([[0.8]]), np.array([-0.2]), np.array([[1.5]]), np.array([0.1])])\n"
        "x, y = [2.0], 1.0\n"
        "print(gn.explain.gradient(model, x, y, layer=1, weight=(0, 0)))  # dJ/dw2",
    ),
    ("code", "print(gn.explain.gradient(model, x, y, layer=0, weight=(0, 0)))  # dJ/dw1"),
    (
        "md",
        "By hand: dJ/dŷ = 2(1.3033 − 1) = 0.6066; dŷ/dw2 = a1 = 0.8022, so dJ/dw2 ≈ 0.4866; "
        "dŷ/dz1 = w2 · a1(1 − a1) = 1.5 · 0.1587 = 0.2380 and dz1/dw1 = x = 2, "
        "so dJ/dw1 ≈ 0.6066 · 0.2380 · 2 ≈ 0.2888.",
    ),
    ("md", "## One step down the gradient"),
    ("code", "print(gn.explain.step(model, x, y, learning_rate=0.1))"),
    (
        "md",
        "## Repeat until convergence\n\n"
        "Gradient descent repeats that step, every weight at once, until the loss stops "
        "changing (here: by less than `tol` = 10⁻⁶) or the step budget runs out. The model "
        "itself is not changed: the steps are taken on a copy.",
    ),
    ("code", "print(gn.explain.descent(model, x, y, learning_rate=0.5, steps=100))"),
    ("md", "## Checking a gradient by finite differences"),
    (
        "code",
        "rng = np.random.default_rng(0)\n"
        'small = gn.Sequential([gn.layers.Dense(3, activation="tanh", input_shape=(2,)), gn.layers.Dense(1)])\n'
        'small.compile(optimizer="sgd", loss="mse")\n'
        "report = gn.testing.check_gradients(small, rng.normal(size=(4, 2)), rng.normal(size=(4, 1)))\n"
        'print("gradients match finite differences:", report.passed)',
    ),
]

DATA = [
    (
        "md",
        "# 4. Data: split, know it, scale it, and beware of accuracy\n\n"
        "**You will learn** how to split data into training, validation and test sets "
        "(80/10/10 or 60/20/20), how to look at your data before training, why inputs are "
        "scaled, and why 90 % accuracy can mean nothing on an imbalanced data set "
        '(the lecture\'s "predict everything as a cat").',
    ),
    ("code", "import numpy as np\n\nimport glassnet as gn"),
    ("md", "## Split: training, validation and test"),
    (
        "code",
        "x, y = gn.datasets.blobs(n_samples=200, seed=0)\n"
        "(x_train, y_train), (x_val, y_val), (x_test, y_test) = gn.datasets.train_val_test_split(\n"
        "    x, y, (0.8, 0.1, 0.1), seed=0\n"
        ")\n"
        "print(len(x_train), len(x_val), len(x_test))",
    ),
    ("md", "## Know your data"),
    ("code", "gn.datasets.describe(x_train, y_train)"),
    (
        "md",
        "## Scaling\n\nFeatures on very different scales slow gradient descent. Standardise "
        "with statistics of the training set only, then apply them to the other sets.",
    ),
    (
        "code",
        "raw = np.column_stack([x_train[:, 0] * 1000, x_train[:, 1]])\n"
        "scaler = gn.datasets.StandardScaler()\n"
        "scaled = scaler.fit_transform(raw)\n"
        'print("before:", raw.std(axis=0).round(2), "after:", scaled.std(axis=0).round(2))',
    ),
    (
        "md",
        '## Imbalance: 90 % accuracy by always saying "cat"\n\n'
        "100 animals, 90 cats and 10 dogs. A model that predicts cat for every one of them:",
    ),
    (
        "code",
        "y_true = np.array([0] * 90 + [1] * 10)\n"
        "y_pred = np.zeros(100, dtype=int)\n"
        'print("accuracy:", gn.metrics.accuracy(y_true, y_pred))\n'
        'print(gn.metrics.accuracy_summary(y_true, y_pred, class_names=["cat", "dog"]))',
    ),
    (
        "md",
        "The accuracy equals the majority-class baseline, and the balanced accuracy is 50 %: "
        "the model has learned nothing. Look at the confusion matrix, not only at accuracy.",
    ),
    ("code", "print(gn.metrics.confusion_matrix(y_true, y_pred))"),
]

FASHION = [
    (
        "md",
        "# 5. Fashion-MNIST: training, overfitting, dropout, early stopping and the doctor\n\n"
        "**You will learn** the lecture's TensorFlow tutorial with `tf.keras` written `gn`: "
        "load and scale images, build Flatten → Dense(128, relu) → Dense(10), train with "
        "Adam, read the learning curves, see overfitting, fight it with dropout and early "
        "stopping, ask the doctor what to do next, compare learning rates fairly, and see "
        "what the network answers for a picture that is no garment at all. This notebook "
        "uses the 6,000-image "
        "sample shipped with glassnet (3,000 of its images, so it runs in a minute); "
        "`gn.datasets.fashion_mnist.load_data()` gives the full set.",
    ),
    ("code", "import numpy as np\n\nimport glassnet as gn"),
    (
        "code",
        "fashion_mnist = gn.datasets.fashion_mnist\n"
        "(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_sample()\n"
        "class_names = fashion_mnist.class_names\n"
        "train_images, test_images = train_images / 255.0, test_images / 255.0\n"
        "train_images, train_labels = train_images[:3000], train_labels[:3000]  # quick\n"
        "print(train_images.shape, test_images.shape)",
    ),
    ("md", "## The model"),
    (
        "code",
        "gn.utils.set_random_seed(0)\n"
        "model = gn.Sequential([\n"
        "    gn.layers.Flatten(input_shape=(28, 28)),\n"
        '    gn.layers.Dense(128, activation="relu"),\n'
        "    gn.layers.Dense(10),\n"
        "])\n"
        "model.compile(\n"
        "    optimizer=gn.optimizers.Adam(learning_rate=0.001),\n"
        "    loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
        '    metrics=["accuracy"],\n'
        ")\n"
        "model.summary()",
    ),
    (
        "md",
        "## Training, with the curves drawn live\n\n"
        "`verbose=1` shows a live bar per epoch; `gn.callbacks.LivePlot()` redraws the "
        "learning curves after each epoch. Many epochs on few images: watch the validation "
        "loss turn up while the training loss keeps falling. That is overfitting.",
    ),
    (
        "code",
        "history = model.fit(\n"
        "    train_images, train_labels, validation_split=0.2, epochs=6,\n"
        "    callbacks=[gn.callbacks.LivePlot()],\n"
        ")",
    ),
    ("code", "gn.plots.plot_learning_curves(history)"),
    ("md", "## What would you do next? Ask the doctor"),
    ("code", "print(gn.diagnose(history, model=model))"),
    (
        "md",
        "## Dropout and early stopping\n\n"
        "Dropout sets a random half of the hidden activations to 0 during training; early "
        "stopping ends training when the validation loss stops improving and restores the "
        "best weights.",
    ),
    (
        "code",
        "gn.utils.set_random_seed(0)\n"
        "regularised = gn.Sequential([\n"
        "    gn.layers.Flatten(input_shape=(28, 28)),\n"
        '    gn.layers.Dense(128, activation="relu"),\n'
        "    gn.layers.Dropout(0.5),\n"
        "    gn.layers.Dense(10),\n"
        "])\n"
        "regularised.compile(\n"
        '    optimizer="adam",\n'
        "    loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
        '    metrics=["accuracy"],\n'
        ")\n"
        'stop = gn.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)\n'
        "history2 = regularised.fit(\n"
        "    train_images, train_labels, validation_split=0.2, epochs=6, callbacks=[stop], verbose=2\n"
        ")",
    ),
    ("code", "gn.plots.plot_learning_curves(history2)"),
    (
        "md",
        "## Which learning rate? Try a few, fairly\n\n"
        "`gn.tuning.sweep` trains one model per learning rate. Every model of the same "
        "architecture starts from the same initial weights, so only the learning rate "
        "differs between the runs. `gn.tuning.compare` puts them side by side and "
        "`gn.plots.plot_runs` overlays their learning curves.",
    ),
    (
        "code",
        "def build(learning_rate):\n"
        "    m = gn.Sequential([\n"
        "        gn.layers.Flatten(input_shape=(28, 28)),\n"
        '        gn.layers.Dense(128, activation="relu"),\n'
        "        gn.layers.Dense(10),\n"
        "    ])\n"
        "    m.compile(\n"
        "        optimizer=gn.optimizers.Adam(learning_rate=learning_rate),\n"
        "        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),\n"
        '        metrics=["accuracy"],\n'
        "    )\n"
        "    return m\n\n"
        "gn.utils.set_random_seed(0)\n"
        "runs = gn.tuning.sweep(\n"
        "    build, train_images[:2400], train_labels[:2400],\n"
        '    {"learning_rate": [1e-4, 1e-3, 1e-1]},\n'
        "    validation_data=(train_images[2400:], train_labels[2400:]), epochs=3,\n"
        ")\n"
        "gn.tuning.compare(runs)",
    ),
    ("code", "gn.plots.plot_runs(runs)"),
    ("md", "## Evaluate and predict"),
    (
        "code",
        "test_loss, test_acc = regularised.evaluate(test_images, test_labels, verbose=0)\n"
        'print(f"test accuracy: {test_acc:.3f}")\n'
        "probability_model = gn.Sequential([regularised, gn.layers.Softmax()])\n"
        "predictions = probability_model.predict(test_images, verbose=0)\n"
        'print("first test image:", class_names[int(np.argmax(predictions[0]))],\n'
        '      "(true:", class_names[test_labels[0]] + ")")',
    ),
    (
        "md",
        "## What will the network predict for a cow?\n\n"
        'A classifier of ten garments has no "none of these" answer: shown noise or a '
        "drawn face, it still names a garment, often with a high probability. "
        "`gn.metrics.InputStatistics` records what the training images looked like "
        "(each pixel's mean and spread) and flags an input far from them; its threshold is "
        "set on held-out images, so about 0.5 % of real images are flagged too. It is no "
        "guarantee: the face drawn light on dark, as Fashion-MNIST's images are, is not "
        "flagged, and is still called a garment.",
    ),
    (
        "code",
        "statistics = gn.metrics.InputStatistics.fit(train_images[:2400], train_images[2400:])\n"
        "rows, cols = np.mgrid[:28, :28]\n"
        "ring = np.abs(np.hypot(rows - 14, cols - 14) - 11) < 1.2\n"
        "eyes = (np.hypot(rows - 10, cols - 10) < 1.6) | (np.hypot(rows - 10, cols - 18) < 1.6)\n"
        "smile = (np.abs(np.hypot(rows - 13, cols - 14) - 6) < 1) & (rows > 15)\n"
        "face = (ring | eyes | smile).astype(float)\n"
        "inputs = {\n"
        '    "uniform noise": np.random.default_rng(0).uniform(0, 1, (28, 28)),\n'
        '    "a face, dark lines on white": 1 - face,\n'
        '    "the same face, light on dark": face,\n'
        '    "a real test image": test_images[0],\n'
        "}\n"
        "x = np.stack(list(inputs.values()))\n"
        "probabilities = probability_model.predict(x, verbose=0)\n"
        "caveats = gn.metrics.prediction_caveats(probabilities, class_names, x=x, statistics=statistics)\n"
        "for name, p, warnings in zip(inputs, probabilities, caveats.warnings, strict=True):\n"
        '    flag = "  <- flagged: unlike the training images" if warnings else ""\n'
        '    print(f"{name:29s} -> {class_names[int(np.argmax(p))]:12s} {p.max():6.1%}{flag}")\n'
        "print()\n"
        "print(caveats.note)",
    ),
]

NOTEBOOKS = {
    "1_perceptron.ipynb": PERCEPTRON,
    "2_activations_and_forward_propagation.ipynb": FORWARD,
    "3_loss_gradient_descent_backpropagation.ipynb": BACKPROP,
    "4_data.ipynb": DATA,
    "5_fashion_mnist.ipynb": FASHION,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of `cells` ("md" or "code", source), with no outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    make = {"md": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: regenerating gives the same file
    return nb


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        nbformat.write(nb, OUT / name)
    # CI's `ruff format --check .` reads notebooks too: the cells are stored formatted.
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(OUT)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
