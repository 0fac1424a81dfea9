"""`glassnet predict` says what it did and where its answer stops meaning anything."""

import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs
from glassnet.cli.runs.stats import STATS_FILE

pytest.importorskip("glassnet.saving")


@pytest.fixture(scope="module")
def fashion_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("limits") / "run"
    argv = ["train", "--dataset", "fashion-mnist", "--limit", "500", "--epochs", "1"]
    with np.errstate(all="raise"):
        assert main([*argv, "--test-limit", "50", "--out", str(out), "--quiet"]) == 0
    return out


def test_training_records_statistics_calibrated_on_the_validation_part(fashion_run):
    stored = json.loads((fashion_run / STATS_FILE).read_text())
    splits = runs.load_splits(runs.load_run(fashion_run).config)
    x_train = splits.train[0].reshape(len(splits.train[0]), -1).astype(np.float64)
    np.testing.assert_allclose(stored["mean"], x_train.mean(axis=0), atol=1e-9)
    assert stored["n_fit"] == 500 and stored["n_calibration"] == len(splits.val[0])


def test_noise_is_flagged_and_a_real_image_is_not(fashion_run, tmp_path, capsys):
    noise = tmp_path / "noise.png"
    plt.imsave(noise, np.random.default_rng(0).uniform(0, 1, (28, 28)), cmap="gray")
    capsys.readouterr()
    assert main(["predict", str(fashion_run), str(noise)]) == 0
    text = capsys.readouterr().out
    assert "⚠ unlike the training data" in text
    assert text.count("always answers one of its 10 classes") == 1

    (_, _), (x_test, _) = gn.datasets.fashion_mnist.load_data_or_sample()[0]
    real = tmp_path / "real.png"
    plt.imsave(real, x_test[0], cmap="gray", vmin=0, vmax=255)
    assert main(["predict", str(fashion_run), str(real), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert not any(w.startswith("unlike") for w in result["warnings"])
    stats = gn.metrics.InputStatistics.from_dict(json.loads((fashion_run / STATS_FILE).read_text()))
    # the PNG round trip (8-bit RGB, then luma) changes grey levels by rounding only
    assert result["unusual_score"] == pytest.approx(stats.score(x_test[:1] / 255.0)[0], rel=1e-3)
    assert "always answers" in result["note"]


def test_preprocessing_is_said(fashion_run, tmp_path, capsys):
    picture = np.ones((56, 84, 3))  # white background, a red block: light, coloured, 84 x 56
    picture[20:36, 30:54] = [0.8, 0.1, 0.1]
    png = tmp_path / "red.png"
    plt.imsave(png, picture)
    capsys.readouterr()
    assert main(["predict", str(fashion_run), str(png)]) == 0
    lines = capsys.readouterr().out.splitlines()
    steps = next(line for line in lines if line.startswith("Preprocessing: "))
    assert "dropped the transparency" in steps  # matplotlib writes RGBA
    assert "converted colour to greyscale" in steps
    assert "resized from 84 x 56 to 28 x 28" in steps
    assert "inverted: the border is light (mean 1.00 > 0.5)" in steps


def test_an_older_run_folder_without_statistics_says_it_cannot_check(fashion_run, tmp_path, capsys):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(fashion_run, old)
    (old / STATS_FILE).unlink()
    noise = tmp_path / "noise.png"
    plt.imsave(noise, np.random.default_rng(1).uniform(0, 1, (28, 28)), cmap="gray")
    capsys.readouterr()
    assert main(["predict", str(old), str(noise), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["unusual_score"] is None
    assert f"Unusual inputs are not detected: this run folder has no {STATS_FILE}" in result["note"]
    (old / STATS_FILE).write_text("{}")
    assert main(["predict", str(old), str(noise)]) == 2
    assert f"{STATS_FILE} is damaged" in capsys.readouterr().err
