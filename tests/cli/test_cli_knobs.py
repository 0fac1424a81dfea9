"""Hyperparameters (you chose) vs parameters (it learned), in `glassnet summary` and the report."""

import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs

pytest.importorskip("glassnet.saving")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("knobs") / "run"
    argv = ["train", "--dataset", "fashion-mnist-sample", "--limit", "200", "--epochs", "2"]
    argv += ["--lr", "0.005", "--layers", "16", "--dropout", "0.25", "--batch-size", "20"]
    with np.errstate(all="raise"):
        assert main([*argv, "--test-limit", "20", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    return out


def test_summary_shows_the_chosen_settings_and_the_learned_weights(run_folder, capsys):
    capsys.readouterr()
    assert main(["summary", str(run_folder)]) == 0
    text = capsys.readouterr().out
    hyper = text[text.index("Hyperparameters") : text.index("Parameters (")]
    for name, value in [
        ("learning rate", "0.005"),
        ("batch size", "20"),
        ("dropout", "0.25"),
        ("hidden layer sizes", "16"),
        ("seed", "3"),
        ("optimizer", "adam"),
    ]:
        assert re.search(rf"^  {name} +{re.escape(value)} ", hyper, re.M), name
    # 784 x 16 + 16 and 16 x 10 + 10 parameters: 12,730 in all
    assert "Parameters (training learned them): 12,730 weights and biases" in text
    model = runs.load_run(run_folder).model
    kernel = model.layers[1].params["kernel"]
    line = next(x for x in text.splitlines() if f"{model.layers[1].name}.kernel" in x)
    assert "784 x 16" in line and "12,544" in line
    assert f"from {gn._internal.numbers.short(kernel.min())} to " in line


def test_report_has_both_tables(run_folder):
    page = (run_folder / "report.html").read_text()
    assert "Hyperparameters (you chose) vs parameters (it learned)" in page
    hyper = page[page.index('class="hyperparameters"') : page.index('class="parameters"')]
    assert "<th>learning rate</th><td>0.005</td>" in hyper
    params = page[page.index('class="parameters"') :]
    assert "<td>12,544</td>" in params and "<td>12,730</td>" in params


def test_a_bare_model_file_has_only_parameters(tmp_path, capsys):
    model = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    path = tmp_path / "m.glassnet"
    model.save(str(path))
    capsys.readouterr()
    assert main(["summary", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Hyperparameters" not in text
    assert "Parameters (training learned them): 8 weights and biases" in text


def test_report_shows_how_the_weights_started(run_folder):
    page = (run_folder / "report.html").read_text()
    assert "How the weights started" in page
    assert "sqrt(6 / (784 + 16)) = 0.0866025" in page  # sqrt(6 / 800)
    # the same seed builds the same starting weights: their histogram is in the page
    config = runs.load_run(run_folder).config
    model = runs.build_model(config, (28, 28), 10)
    model.build()
    kernel = np.asarray(model.layers[1].params["kernel"], dtype=np.float64)
    limit = np.sqrt(6 / 800)
    counts, _ = np.histogram(
        kernel, 10, range=(min(-limit, kernel.min()), max(limit, kernel.max()))
    )
    section = page[page.index("How the weights started") :]
    assert all(f"{int(c):>7,} #" in section for c in counts)
