"""report.html opens with its headline (the test score beside its baseline, the doctor's
verdict), and the network figure of a CSV run names its features and classes."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.cli import html_report, main


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    root = tmp_path_factory.mktemp("headline")
    path = root / "penguins.csv"
    path.write_bytes(gn.datasets.example_csv("penguins").read_bytes())
    return root, path


def _train(root, path, name, *extra):
    out = root / name
    argv = ["train", "--dataset", str(path), "--layers", "8", "--epochs", "4", "--quiet"]
    assert main([*argv, "--out", str(out), *extra]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    block = re.search(r'<div class="headline">(.*?)</div>', page, re.S)
    assert block, "no headline"
    # the headline comes first: before the model summary and every other section
    assert page.index('<div class="headline">') < page.index("<h2>")
    lines = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", block.group(1))]
    return out, lines


def test_classification_headline_is_accuracy_beside_majority_baseline(penguins):
    root, path = penguins
    out, lines = _train(root, path, "cls", "--target", "species")
    metrics = json.loads((out / "metrics.json").read_text())
    # the baseline by hand: the largest class's share of the test part
    counts = np.asarray(metrics["confusion_matrix"]).sum(axis=1)
    names = metrics["class_names"]
    majority = names[int(np.argmax(counts))]
    baseline = counts.max() / counts.sum()
    accuracy = np.trace(np.asarray(metrics["confusion_matrix"])) / counts.sum()
    assert lines[0] == (
        f"Test accuracy {accuracy:.3f}, against {baseline:.3f} for always the majority "
        f"class ({majority!r})."
    )
    first_finding = next(
        line
        for line in (out / "diagnosis.txt").read_text(encoding="utf-8").splitlines()
        if line[:1] in "✗⚠→✓"
    )
    assert lines[1].startswith("Diagnosis: " + first_finding[:30])
    assert len(lines) == 2 and len(lines[1]) < 220


def test_regression_headline_is_r2_beside_training_mean(penguins):
    root, path = penguins
    args = ["--target", "body_mass_g", "--task", "regression", "--ignore", "species"]
    out, lines = _train(root, path, "reg", *args)
    metrics = json.loads((out / "metrics.json").read_text())
    # the numbers of metrics.json (the tables' own scores, checked in test_regression.py)
    assert isinstance(metrics["test_r2"], float) and isinstance(metrics["baseline_r2"], float)
    r2, base = metrics["test_r2"], metrics["baseline_r2"]
    from glassnet.cli.runs.regression import score_number

    assert lines[0] == (
        f"Test R² {score_number(r2)}, against {score_number(base)} for always the training mean."
    )
    assert lines[1].startswith("Diagnosis: ")


def test_headline_without_metrics_or_diagnosis_is_empty():
    assert html_report.headline({}) == []
    page = html_report.build_report("t", summary="s")
    assert 'class="headline"' not in page


def test_headline_counts_the_other_findings():
    text = "Training diagnosis (3 epochs)\n✗ bad: One. Two.\n    evidence: x=1\n→ tip: t.\n✓ ok: o."
    lines = html_report.headline({"test_accuracy": 0.5}, text)
    assert lines == ["Test accuracy 0.500.", "Diagnosis: ✗ bad: One. (2 more findings below)"]


def test_network_figure_of_a_csv_run_names_features_and_classes(penguins, monkeypatch):
    root, path = penguins
    seen = {}
    original = gn.plots.plot_network

    def spy(model, *args, **kwargs):
        seen.update(kwargs)
        return original(model, *args, **kwargs)

    monkeypatch.setattr(gn.plots, "plot_network", spy)
    _train(root, path, "net", "--target", "species")
    header = pd.read_csv(path, nrows=0).columns.tolist()
    assert seen["input_names"] == [c for c in header if c != "species"]
    assert seen["output_names"] == ["Adelie", "Chinstrap", "Gentoo"]


def test_plot_network_writes_the_names():
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(2,)), gn.layers.Dense(2)])
    model.build()
    fig = gn.plots.plot_network(
        model, input_names=["bill", "a_very_long_feature_name_indeed"], output_names=["x", "y"]
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"bill", "a_very_long_featu…", "x", "y"} <= set(texts)
    assert any(t.startswith("input features\n") for t in texts)
    assert any(t.startswith("output classes\n") for t in texts)
    plain = [t.get_text() for t in gn.plots.plot_network(model).axes[0].texts]
    assert "bill" not in plain and any(t.startswith("input\n") for t in plain)
    with pytest.raises(ValueError, match=r"input_names must hold one name per unit \(2\)"):
        gn.plots.plot_network(model, input_names=["only one"])


def test_plot_network_names_only_the_drawn_neurons():
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(20,)), gn.layers.Dense(1)])
    model.build()
    names = [f"f{i}" for i in range(20)]
    texts = [
        t.get_text()
        for t in gn.plots.plot_network(model, max_units=5, input_names=names).axes[0].texts
    ]
    assert [t for t in texts if t in names] == names[:5]
