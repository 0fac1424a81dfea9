"""`glassnet compare RUN RUN ...`: the settings that differ beside the results."""

import csv
import json
import shutil

import numpy as np
import pytest

from glassnet.cli import main

pytest.importorskip("glassnet.saving")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(150, 2))
    with (folder / "points.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        for (a, b), kind in zip(x, np.where(x[:, 0] > 0.3, "right", "left"), strict=True):
            writer.writerow([f"{a:.5f}", f"{b:.5f}", kind])
    argv = ["train", "--dataset", str(folder / "points.csv"), "--target", "kind", "--quiet"]
    runs = []
    for name, lr in (("slow", "0.001"), ("fast", "0.05")):
        out = folder / name
        assert main([*argv, "--layers", "4", "--epochs", "4", "--lr", lr, "--out", str(out)]) == 0
        runs.append(out)
    return runs


def test_compare_shows_what_differs_and_the_results(two_runs, tmp_path, capsys):
    page = tmp_path / "cmp.html"
    capsys.readouterr()
    assert main(["compare", *map(str, two_runs), "--out", str(page)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["run", "learning_rate"]  # the only setting that differs
    assert "epochs 4" in lines[3] and "layers 4" in lines[3]
    for run, line in zip(two_runs, lines[1:3], strict=True):
        val = json.loads((run / "history.json").read_text())["history"]["val_loss"]
        metrics = json.loads((run / "metrics.json").read_text())
        best = int(np.argmin(val))
        cells = line.split()
        assert cells[0] == str(run)
        assert cells[2] == f"{val[best]:.4f}" and cells[3] == str(best + 1)
        assert cells[4] == f"{metrics['test_accuracy']:.4f}"
        assert f"(baseline {metrics['summary']['baseline']:.4f})" in line
    text = page.read_text()
    assert '<th class="differs">learning_rate</th>' in text
    assert '<td class="differs">0.05</td>' in text
    assert 'src="data:image/png;base64,' in text


def test_compare_needs_two_run_folders(two_runs, tmp_path, capsys):
    capsys.readouterr()
    assert main(["compare", str(two_runs[0]), "--out", str(tmp_path / "c.html")]) == 2
    assert "at least two run folders" in capsys.readouterr().err
    assert not (tmp_path / "c.html").exists()


def test_compare_names_the_run_of_lowest_validation_loss(two_runs, tmp_path, capsys):
    capsys.readouterr()
    assert main(["compare", *map(str, two_runs), "--out", str(tmp_path / "c.html")]) == 0
    lines = capsys.readouterr().out.splitlines()
    lowest = {
        run: min(json.loads((run / "history.json").read_text())["history"]["val_loss"])
        for run in two_runs
    }
    best = min(lowest, key=lowest.get)
    assert f"Lowest validation loss: {best} ({lowest[best]:.4f} at epoch" in lines[4]
    assert f"<p>Lowest validation loss: {best} (" in (tmp_path / "c.html").read_text()


def test_compare_refuses_a_run_given_twice(two_runs, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "c.html"
    assert main(["compare", str(two_runs[0]), str(two_runs[0]), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"glassnet: error: compare got the run folder {two_runs[0]} twice."
    )
    assert not out.exists()


def test_compare_names_a_damaged_metrics_file(two_runs, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(two_runs[0], broken)
    (broken / "metrics.json").write_text("[1]")
    capsys.readouterr()
    assert main(["compare", str(two_runs[1]), str(broken), "--out", str(tmp_path / "c.html")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"glassnet: error: {broken / 'metrics.json'} is damaged: it should hold a JSON object, "
        "it holds list."
    )
