"""`glassnet demo`'s learning-rate parts: the gradient-descent picture and the comparison."""

import importlib
import json
import re

import numpy as np
import pytest

from glassnet.cli import main


def test_demo_descent_shows_three_rates_and_their_loss_after_ten_steps(tmp_path, capsys):
    assert main(["demo", "--only", "descent", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "gradient-descent.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    found = re.findall(r"η = (\S+): ([a-z ]+); J after 10 steps = (\S+)", out)
    assert [outcome for _, outcome, _ in found] == [
        "still far from the minimum",
        "converged",
        "diverging",
    ]
    # By hand: ŷ = sigmoid(w1·x) · w2 with w1 = 2, x = 1, y = 1, so J = (s·w2 - 1)² and
    # dJ/dw2 = 2 (s·w2 - 1) s; ten steps from w2 = -1.
    s = 1 / (1 + np.exp(-2.0))
    for rate, _, shown in found:
        w2 = -1.0
        for _ in range(10):
            w2 -= float(rate) * 2 * (s * w2 - 1) * s
        assert float(shown) == pytest.approx((s * w2 - 1) ** 2, rel=1e-3, abs=1e-9)
    good = float(found[1][0])
    assert f"learning rate {good:g}" in out and "converged: the loss changed by less" in out
    assert "Saved 1 figure(s)" in out


def test_demo_compare_trains_three_rates_from_one_start_and_compares_them(
    tmp_path, capsys, monkeypatch
):
    train_module = importlib.import_module("glassnet.cli.runs.train")  # not runs.train()
    starts = []
    real = train_module.run_training

    def recording(config, verbose=1, overwrite=False, initial_weights=None):
        starts.append(initial_weights)
        return real(config, verbose, overwrite, initial_weights)

    monkeypatch.setattr(train_module, "run_training", recording)
    assert main(["demo", "--only", "compare", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # The same starting weights, for every run.
    assert len(starts) == 3 and all(w is not None for w in starts)
    for weights in starts[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(weights, starts[0], strict=True))
    folder = tmp_path / "learning-rates"
    best = {}
    for rate in ("0.0001", "0.001", "0.1"):
        run = folder / f"lr{rate}"
        config = json.loads((run / "config.json").read_text())
        assert config["learning_rate"] == float(rate) and config["dataset"] == (
            "fashion-mnist-sample"
        )
        history = json.loads((run / "history.json").read_text())["history"]
        assert len(history["loss"]) == 3
        best[rate] = min(history["val_loss"])
        accuracy = json.loads((run / "metrics.json").read_text())["test_accuracy"]
        row = re.search(
            rf"^\S*lr{re.escape(rate)}\s+{re.escape(rate)}\s+(\S+)\s+\d\s+(\S+)", out, re.M
        )
        assert row, out
        assert float(row[1]) == pytest.approx(best[rate], abs=5e-5)
        assert float(row[2]) == pytest.approx(accuracy, abs=5e-5)
    # What the demo says in words: 1e-3 learns best, both others are worse.
    assert best["0.001"] < best["0.0001"] and best["0.001"] < best["0.1"]
    page = (folder / "compare.html").read_text(encoding="utf-8")
    assert '<th class="differs">learning_rate</th>' in page and "data:image/png;base64," in page
    # Run again into the same folder: the demo replaces its own runs.
    monkeypatch.setattr(train_module, "run_training", real)
    assert main(["demo", "--only", "compare", "--out", str(tmp_path)]) == 0
