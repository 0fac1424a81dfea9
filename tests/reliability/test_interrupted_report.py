"""report.html of an interrupted `glassnet train` says what actually happened.

It said "the model is the best one before the interruption" for every interrupted run,
also for Ctrl-C in epoch 1, where no epoch was complete and the model is the one after
the last complete batch (the report's "Ctrl-C in epoch 1" lesser observation).
"""

from __future__ import annotations

import html
import json
import os
import signal

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import html_report, main


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 2))
    lines = ["x1,x2,kind"] + [f"{a:.5f},{b:.5f},{'in' if a * b > 0 else 'out'}" for a, b in x]
    path = tmp_path / "quadrants.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _interrupted_run(table, out, monkeypatch, step):
    """`glassnet train` (96 training samples, batches of 8: 12 steps an epoch) with a real
    SIGINT during the optimizer's `step`-th update; returns stderr's line and the page."""
    original, calls = gn.optimizers.Adam.apply, {"n": 0}

    def apply(self, pairs):
        original(self, pairs)
        calls["n"] += 1
        if calls["n"] == step:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(gn.optimizers.Adam, "apply", apply)
    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "8"]
    args += ["--epochs", "3", "--seed", "3", "--batch-size", "8", "--out", str(out), "--quiet"]
    assert main(args) == 130
    return json.loads((out / "metrics.json").read_text()), (out / "report.html").read_text()


def test_ctrl_c_in_epoch_1_the_report_says_no_epoch_was_complete(
    table, tmp_path, monkeypatch, capsys
):
    metrics, page = _interrupted_run(table, tmp_path / "run", monkeypatch, step=3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("Interrupted at epoch 1 batch 3: no epoch was complete")
    assert metrics["interrupted"] is True and metrics["interrupted_note"] == line
    assert f"Training was interrupted (Ctrl-C). {html.escape(line)}" in page
    assert "best one" not in page and "best so far" not in page


def test_ctrl_c_in_epoch_2_the_report_names_the_epoch_kept(table, tmp_path, monkeypatch, capsys):
    metrics, page = _interrupted_run(table, tmp_path / "run", monkeypatch, step=12 + 3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith(
        "Interrupted at epoch 2 batch 3: keeping the weights and optimizer state of the end "
        "of epoch 1, the best so far"
    )
    assert metrics["interrupted_note"] == line and html.escape(line) in page


def test_an_uninterrupted_run_has_no_note(table, tmp_path):
    out = tmp_path / "run"
    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "8", "--quiet"]
    assert main([*args, "--epochs", "1", "--seed", "3", "--out", str(out)]) == 0
    assert "interrupted_note" not in json.loads((out / "metrics.json").read_text())
    assert "Training was interrupted" not in (out / "report.html").read_text()


def test_a_report_of_older_metrics_says_nothing_untrue():
    page = html_report.build_report("r", metrics={"interrupted": True})
    assert (
        "Training was interrupted (Ctrl-C). The model is the best complete epoch&#x27;s or, "
        "when no epoch was complete, the one after the last complete batch."
    ) in page
