"""`glassnet lr-find`: the range test on `glassnet train`'s data and network."""

import csv
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def table(tmp_path):
    """300 points in two classes split by a line, as a CSV with a label column."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, 2))
    y = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, "yes", "no")
    path = tmp_path / "line.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "label"])
        writer.writerows([[f"{a:.5f}", f"{b:.5f}", c] for (a, b), c in zip(x, y, strict=True)])
    return path


def test_lr_find_on_a_csv_prints_the_api_suggestion_and_writes_the_figure(table, tmp_path, capsys):
    figure = tmp_path / "out" / "lr.png"
    args = ["lr-find", "--dataset", str(table), "--target", "label", "--layers", "8"]
    args += ["--steps", "40", "--start", "1e-5", "--end", "100", "--seed", "4"]
    assert main([*args, "--figure", str(figure)]) == 0
    text = capsys.readouterr().out
    assert figure.read_bytes()[1:4] == b"PNG"
    printed = float(re.search(r"suggested learning rate: ([0-9.e+-]+)", text).group(1))
    # The same test through the API, on the data and model `glassnet train` builds.
    config = runs.TrainConfig.from_mapping(
        {"dataset": str(table), "target": "label", "layers": [8], "seed": 4}
    )
    splits = runs.load_splits(config)
    model = runs.build_model(config, splits.train[0].shape[1:], len(splits.class_names))
    found = gn.tuning.find_learning_rate(
        model, *splits.train, start=1e-5, end=100, steps=40, batch_size=32, seed=4
    )
    assert printed == pytest.approx(found.suggestion, rel=1e-3)
    assert "a tenth of the rate at the lowest smoothed loss" in text
    assert f"--lr {found.suggestion:.2g}" in text


def test_lr_find_on_the_fashion_sample(tmp_path, capsys):
    figure = tmp_path / "lr.svg"
    args = ["lr-find", "--dataset", "fashion-mnist-sample", "--limit", "400", "--layers", "16"]
    assert main([*args, "--steps", "30", "--suggest", "steepest", "--figure", str(figure)]) == 0
    text = capsys.readouterr().out
    assert "fashion-mnist-sample: 400 training samples" in text
    assert "the steepest fall of the smoothed loss" in text
    assert figure.read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "0"], "start=0.0 is out of range"),
        (["--start", "1", "--end", "0.1"], "end must be larger than start"),
        (["--steps", "1"], "steps"),
        (["--suggest", "valley"], "Unknown suggest 'valley'. Valid names: minimum, steepest."),
        (["--steps", "many"], "invalid int value: 'many'"),
        (["--layers", "0"], "layers"),
    ],
)
def test_lr_find_bad_input_is_one_line_and_exit_2(table, tmp_path, capsys, extra, message):
    args = ["lr-find", "--dataset", str(table), "--target", "label"]
    code = main([*args, "--figure", str(tmp_path / "f.png"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not (tmp_path / "f.png").exists()
