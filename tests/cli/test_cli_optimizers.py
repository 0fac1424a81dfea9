"""Every optimizer glassnet has by name is one the CLI, the scikit-learn estimators and the
training doctor know: `glassnet train --optimizer adamw` trains with Keras's AdamW."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers
from glassnet._sklearn_base import OPTIMIZERS as SKLEARN_OPTIMIZERS
from glassnet.cli import main, runs
from glassnet.cli.runs.config import OPTIMIZERS as CLI_OPTIMIZERS
from glassnet.doctor._learning_rate import _NAMES as DOCTOR_NAMES
from glassnet.doctor._thresholds import DEFAULT_LEARNING_RATES, USUAL_LEARNING_RATES

NAMES = sorted(optimizers._REGISTRY)


def test_every_named_optimizer_is_known_to_the_cli_sklearn_and_the_doctor():
    assert sorted(CLI_OPTIMIZERS) == NAMES
    assert sorted(SKLEARN_OPTIMIZERS) == NAMES
    assert sorted(USUAL_LEARNING_RATES) == NAMES
    assert sorted(DOCTOR_NAMES) == NAMES
    for name in NAMES:  # the doctor writes the class name
        assert DOCTOR_NAMES[name] == type(optimizers.get(name)).__name__
    for name in NAMES:  # Keras's default rate lies in the usual range the doctor uses
        low, high = USUAL_LEARNING_RATES[name]
        assert low <= DEFAULT_LEARNING_RATES[name] <= high
        assert DEFAULT_LEARNING_RATES[name] == optimizers.get(name).learning_rate


@pytest.mark.parametrize(("name", "cls"), [("adamw", "AdamW"), ("adagrad", "Adagrad")])
def test_glassnet_train_takes_the_new_optimizers(tmp_path, monkeypatch, name, cls):
    monkeypatch.chdir(tmp_path)
    with redirect_stdout(io.StringIO()):
        assert main(["data", "example", "penguins"]) == 0
        args = ["train", "--dataset", "penguins.csv", "--target", "species", "--epochs", "2"]
        assert main([*args, "--optimizer", name, "--lr", "0.01", "--out", "run", "--quiet"]) == 0
    optimizer = runs.load_run(tmp_path / "run").model.optimizer
    assert type(optimizer).__name__ == cls
    assert optimizer.learning_rate == pytest.approx(0.01)
    assert optimizer.iterations > 0  # it trained
    if name == "adamw":
        assert optimizer.weight_decay == pytest.approx(0.004)  # Keras's default
    assert f'optimizer = "{name}"' in (tmp_path / "run" / "config.toml").read_text()


def test_the_sklearn_estimator_takes_adagrad():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    y = (x[:, 0] > 0).astype(int)
    estimator = gn.sklearn.MLPClassifier(optimizer="adagrad", max_iter=2, random_state=0)
    estimator.fit(x, y)
    assert type(estimator.model_.optimizer).__name__ == "Adagrad"


@pytest.mark.parametrize("name", ["adamw", "adagrad"])
def test_the_doctor_names_a_far_learning_rate_of_the_new_optimizers(name):
    from glassnet.doctor._learning_rate import far_from_usual

    kind, text = far_from_usual(5.0, name)
    assert kind == "high" and DOCTOR_NAMES[name] in text
    assert far_from_usual(DEFAULT_LEARNING_RATES[name], name) is None
