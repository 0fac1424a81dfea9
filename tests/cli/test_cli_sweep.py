"""`glassnet sweep`: a grid of runs, every run of one architecture from the same weights."""

import csv

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main

pytest.importorskip("glassnet.saving")


@pytest.fixture(scope="module")
def points(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "points.csv"
    x = np.random.default_rng(6).normal(size=(120, 2))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        for (a, b), kind in zip(x, np.where(x[:, 0] + x[:, 1] > 0, "up", "down"), strict=True):
            writer.writerow([f"{a:.5f}", f"{b:.5f}", kind])
    return path


def test_runs_of_one_architecture_start_from_the_same_weights(
    points, tmp_path, monkeypatch, capsys
):
    starts = []
    fit = gn.Sequential.fit

    def recording_fit(self, *args, **kwargs):
        starts.append([w.copy() for w in self.get_weights()])
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(gn.Sequential, "fit", recording_fit)
    out = tmp_path / "grid"
    argv = ["sweep", "--dataset", str(points), "--target", "kind", "--epochs", "2"]
    argv += ["--lr", "0.01,0.1", "--dropout", "0,0.3", "--layers", "4,6", "--jobs", "1"]
    assert main([*argv, "--out", str(out)]) == 0
    assert len(starts) == 8  # 2 rates x 2 dropouts x 2 architectures, in grid order
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert names[0] == "lr0.01-layers4-dropout0" and len(names) == 8
    by_layers = {
        4: [s for s in starts if s[0].shape == (2, 4)],
        6: [s for s in starts if s[0].shape == (2, 6)],
    }
    for runs in by_layers.values():
        assert len(runs) == 4
        for weights in runs[1:]:
            # the first layer's weights, and every other array (Dropout draws no weights)
            for a, b in zip(runs[0], weights, strict=True):
                np.testing.assert_array_equal(a, b)
    text = capsys.readouterr().out
    assert "Trained 8 run(s)" in text and "learning_rate" in text and "dropout" in text
    assert (out / "compare.html").is_file()


def test_sweep_in_parallel_processes(points, tmp_path, capsys):
    out = tmp_path / "grid"
    argv = ["sweep", "--dataset", str(points), "--target", "kind", "--epochs", "1"]
    assert (
        main([*argv, "--lr", "0.01,0.05", "--layers", "3", "--jobs", "2", "--out", str(out)]) == 0
    )
    assert {p.name for p in out.iterdir()} == {"lr0.01", "lr0.05", "compare.html"}
    first = [gn.load_model(str(out / n / "model.glassnet")) for n in ("lr0.01", "lr0.05")]
    assert all(m.count_params() == 2 * 3 + 3 + 3 * 2 + 2 for m in first)


def test_sweep_bad_flags(points, tmp_path, capsys):
    assert main(["sweep", "--dataset", str(points), "--target", "kind"]) == 2
    assert "give at least one of --lr" in capsys.readouterr().err
    assert main(["sweep", "--lr", "fast", "--out", str(tmp_path / "g")]) == 2
    assert "--lr must be comma-separated numbers" in capsys.readouterr().err
