"""examples/: each script runs and prints what its docstring promises."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_perceptron_example(capsys):
    runpy.run_path(str(EXAMPLES / "perceptron.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "w_bias = 1: 0.75" in out and "w_bias = -1: 1.0" in out
    assert "y = sign(z): z = 2.0 > 0 so sign gives 1" in out
    assert "no point misclassified, so training stops" in out


def test_backpropagation_example(capsys):
    runpy.run_path(str(EXAMPLES / "backpropagation.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "dJ/dw2 = dJ/dŷ · dŷ/dw2" in out and "dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1" in out
    assert "loss after:" in out and "(down " in out


def test_fashion_mnist_example_one_epoch(capsys, monkeypatch):
    try:
        import glassnet as gn

        gn.datasets.fashion_mnist.load_data(mirrors=[])
    except (OSError, ValueError) as error:  # no local copy, and tests never download
        pytest.skip(f"Fashion-MNIST is not available offline: {error}")
    monkeypatch.setenv("EPOCHS", "1")
    namespace = runpy.run_path(str(EXAMPLES / "fashion_mnist.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Total params: 101,770" in out and "Epoch 1/1" in out
    assert "baseline 0.100" in out and "Training diagnosis (1 epoch)" in out
    assert namespace["predictions"].shape == (10_000, 10)
    assert namespace["history"].history["val_accuracy"][-1] > 0.8
