"""The cases at the top of issue 14, each with the right first finding.

Runs that take more than a second or two (Fashion-MNIST slices of 30 epochs) are taken
from the doctor's corpus (tests/tools/doctor_corpus/, made by benchmarks/doctor_corpus.py by
real training); the others are trained here, small and fast.
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
from test_doctor_corpus import CORPUS, diagnose_stored, load

import glassnet as gn
from glassnet.cli import main


def stored(name: str) -> gn.doctor.Diagnosis:
    """The doctor's diagnosis of a corpus run, from its JSON alone."""
    return diagnose_stored(load(CORPUS / f"{name}.json"))


def fit(model, x, y, **kwargs):
    """fit, with the floating-point errors a diverging run makes on purpose ignored."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN guard's, if it fires
        return model.fit(x, y, **kwargs)


def classifier(input_shape, hidden, n_classes, optimizer, dropout=0.0):
    gn.utils.set_random_seed(0)
    stack = [gn.layers.Flatten(input_shape=input_shape)]
    for units in hidden:
        stack.append(gn.layers.Dense(units, activation="relu"))
        if dropout:
            stack.append(gn.layers.Dropout(dropout))
    model = gn.Sequential([*stack, gn.layers.Dense(n_classes)])
    model.compile(
        optimizer=optimizer,
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


@pytest.fixture(scope="module")
def fashion():
    return gn.datasets.fashion_mnist.load_data()


def _severities(d):
    return {f.name: f.severity for f in d}


# 1. Fashion-MNIST, 1,000 images, Dense(512), 30 epochs: textbook overfitting.


def test_overfitting_on_1000_images_is_overfitting_not_the_learning_rate():
    d = stored("fashion_overfit_dense_512")
    assert d.names[0] == "overfitting"
    assert "learning_rate_too_high" not in d  # the training loss's last wiggle is noise
    f = d["overfitting"]
    assert f.severity == "problem" and f.evidence["best_epoch"] <= 10
    assert any(s.startswith("Stop early") for s in f.suggestions)


# 2. A penguins table with Dense + Dropout(0.2) + EarlyStopping: healthy.


def test_penguins_with_dropout_and_early_stopping_is_healthy():
    table = gn.datasets.load_csv(gn.datasets.example_csv("penguins"), target="species")
    order = np.random.default_rng(0).permutation(len(table.y))
    x = gn.datasets.StandardScaler().fit_transform(table.x[order]).astype(np.float32)
    y = table.y[order]
    model = classifier((4,), [32, 16], 3, gn.optimizers.Adam(), dropout=0.2)
    stop = gn.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = fit(
        model, x[:240], y[:240], epochs=60, batch_size=16, callbacks=[stop],
        validation_data=(x[240:], y[240:]), verbose=0,
    )  # fmt: skip
    d = gn.diagnose(history)
    assert d.names[0] == "no_problem_found", str(d)
    assert "learning_rate_too_high" not in d
    assert all(f.severity != "problem" for f in d)


def test_the_penguins_report_shows_no_learning_rate_problem(tmp_path):
    out = tmp_path / "penguins"
    csv = gn.datasets.example_csv("penguins")
    args = ["train", "--dataset", str(csv), "--target", "species", "--layers", "32,16"]
    args += ["--dropout", "0.2", "--early-stopping", "3", "--epochs", "40", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    text = (out / "diagnosis.txt").read_text()
    assert text.splitlines()[1].startswith("✓ no problem found"), text
    assert "learning rate too high" not in (out / "report.html").read_text()


# 3. Raw 0-255 pixels with fit(verbose=1): the end-of-fit diagnosis names them first.


def test_raw_pixels_are_named_first_at_the_end_of_fit(fashion, capsys):
    (x, y), (x_test, y_test) = fashion
    model = classifier((28, 28), [64], 10, gn.optimizers.Adam())
    history = fit(model, x[:600], y[:600], epochs=3, validation_data=(x_test[:300], y_test[:300]))
    printed = capsys.readouterr().out
    findings = re.findall(r"^[✗⚠→✓] ([^:(]+)", printed, flags=re.MULTILINE)
    assert findings[0].strip() == "unscaled inputs", printed
    assert history.data_summary.inputs.max == 255  # fit passed a summary, not the pixels
    # given the data, the doctor names the cause first too (not after its own symptom)
    d = gn.diagnose(history, data=(x[:600], y[:600]))
    assert d.names[0] == "unscaled_inputs"
    assert all(f.cause == "unscaled_inputs" for f in d[1:])


# 4. Dropout(0.5) and EarlyStopping already there: no "Add Dropout", no "Stop early".


def test_a_model_with_dropout_and_early_stopping_gets_the_next_step():
    d = stored("fashion_overfit_dropout_early_stopping")
    f = d["overfitting"]
    assert d.names[0] == "overfitting" and f.severity == "warning"
    for audience in ("python", "cli"):
        text = d.text(audience)
        assert "Add Dropout" not in text and "Stop early" not in text
        assert "Already Dropout(0.5): try more training data" in text
    assert re.search(r"restored epoch \d+, so the model holds its best weights", f.summary)
    assert any("smaller network" in s for s in f.suggestions)


# 5. Adam at learning rate 1.0 collapses: the cause, not "underfitting".


def test_adam_at_learning_rate_1_is_named_as_the_cause(fashion):
    (x, y), (x_test, y_test) = fashion
    model = classifier((28, 28), [64], 10, gn.optimizers.Adam(learning_rate=1.0))
    history = fit(
        model, x[:1000] / 255.0, y[:1000], epochs=4,
        validation_data=(x_test[:300] / 255.0, y_test[:300]), verbose=0,
    )  # fmt: skip
    d = gn.diagnose(history)
    assert d.names[0] == "learning_rate_too_high", str(d)
    assert "1,000x Adam's default (0.001)" in d[0].summary
    assert d[0].suggestions[0].cli == "Start from Adam's default: --lr 0.001."
    assert all(f.name == "learning_rate_too_high" or f.cause for f in d)


# 6. The lecture's 5- and 10-epoch runs: healthy, "still improving" at most a tip.


@pytest.mark.parametrize("name", ["fashion_lecture_5_epochs", "fashion_lecture_10_epochs"])
def test_the_lecture_runs_are_healthy(name):
    d = stored(name)
    assert d.names[0] == "no_problem_found" and d.ok
    assert _severities(d).get("not_converged", "tip") == "tip"


# 7. A 95/5 two-class set learned well: the imbalance is said.


def test_a_95_5_mix_learned_well_is_still_named():
    x, y = gn.datasets.moons(n_samples=1600, noise=0.1, seed=1)
    keep = np.concatenate([np.flatnonzero(y == 0)[:380], np.flatnonzero(y == 1)[:20]])
    keep = np.random.default_rng(0).permutation(keep)
    model = classifier((2,), [16], 2, gn.optimizers.Adam(learning_rate=0.01))
    history = fit(model, x[keep], y[keep], epochs=30, validation_split=0.2, verbose=0)
    d = gn.diagnose(history)
    assert d.names[0] == "imbalanced_data"
    assert d[0].severity == "warning" and d[0].evidence["imbalance_ratio"] > 10


# 8. Advice in the user's language, with the plurals right.


def test_the_cli_gets_flags_and_python_gets_code():
    for name in ("fashion_overfit_dense_512", "fashion_sgd_3_epochs", "fashion_adam_lr_1e_6"):
        d = stored(name)
        assert str(d) == d.text("python")
        # the advice (the evidence lists numbers by name, learning_rate=0.01, for both)
        cli = " ".join(s for f in d for s in f.tries("cli"))
        python = " ".join(s for f in d for s in f.tries("python"))
        assert "gn." not in cli and "callbacks=" not in cli and "learning_rate=" not in cli
        assert re.search(r"--(epochs|early-stopping|lr|layers) ", cli)
        assert "--" not in python
        assert "gn." in python or "learning_rate=" in python or "epochs=" in python
        assert "--" in d.text("cli") and d.text("cli") != str(d)
        assert d.to_dict("cli")["findings"][0]["suggestions"] == d[0].tries("cli")
    with pytest.raises(ValueError, match="audience must be 'python' or 'cli'"):
        d.text(audience="shell")


def test_plurals_are_right():
    # one epoch after the best, one epoch still falling: never "the last 1 epochs"
    h = {"loss": [2.0, 1.0, 0.7], "val_loss": [2.1, 1.1, 0.8]}
    for audience in ("python", "cli"):
        text = gn.diagnose(h).text(audience)
        assert not re.search(r"\b1 epochs\b|last 1 epochs", text), text
    assert "in the last epoch" in gn.diagnose(h).text()
    assert gn.diagnose({"loss": [0.5]}).text().startswith("Training diagnosis (1 epoch)\n")


# The reliability review's defect 10: --lr 1e6, a loss of 1e13, never NaN.


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_a_learning_rate_of_1e6_is_far_too_high(fashion, optimizer):
    (x, y), (x_test, y_test) = fashion
    make = {"sgd": gn.optimizers.SGD, "adam": gn.optimizers.Adam, "rmsprop": gn.optimizers.RMSprop}
    model = classifier((28, 28), [32], 10, make[optimizer](learning_rate=1e6))
    history = fit(
        model, x[:500] / 255.0, y[:500], epochs=3,
        validation_data=(x_test[:200] / 255.0, y_test[:200]), verbose=0,
    )  # fmt: skip
    d = gn.diagnose(history)
    assert d.names[0] == "learning_rate_too_high", str(d)
    assert "far above its usual range" in d[0].summary
    assert "underfitting" not in d  # the cause, not its symptom


def test_glassnet_train_lr_1e6_prints_the_cause_in_flags(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", "--dataset", "fashion-mnist-sample", "--layers", "32", "--lr", "1e6"]
    args += ["--epochs", "3", "--limit", "500", "--test-limit", "100", "--out", str(out)]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        assert main(args) == 0
    printed = capsys.readouterr().out
    shown = printed[printed.index("Training diagnosis") :]
    assert shown.splitlines()[1].startswith("✗ learning rate too high: The learning rate 1e+06")
    assert "- Start from Adam's default: --lr 0.001." in shown
    assert "gn.optimizers" not in shown and "instead of 1e+06)" in shown
    text = (out / "diagnosis.txt").read_text()
    assert text.splitlines()[1].startswith("✗ learning rate too high")
    summary = json.loads((out / "history.json").read_text())["summary"]
    assert summary["model"]["learning_rate"] == 1e6 and summary["data"]["class_counts"]
