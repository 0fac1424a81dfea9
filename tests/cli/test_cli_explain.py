"""`glassnet explain` and `glassnet exercise` from the command line."""

import csv
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A run trained on 120 points of two classes (x1 * x2 > 0 or not)."""
    folder = tmp_path_factory.mktemp("explain")
    rng = np.random.default_rng(4)
    x = rng.normal(size=(120, 2))
    with (folder / "points.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        for (a, b), kind in zip(x, np.where(x[:, 0] * x[:, 1] > 0, "in", "out"), strict=True):
            writer.writerow([f"{a:.5f}", f"{b:.5f}", kind])
    out = folder / "run"
    argv = ["train", "--dataset", str(folder / "points.csv"), "--target", "kind"]
    assert main([*argv, "--layers", "3", "--epochs", "2", "--out", str(out), "--quiet"]) == 0
    return out


def test_explain_prints_the_forward_pass_of_the_sample(run_folder, capsys):
    capsys.readouterr()
    assert main(["explain", str(run_folder), "--sample", "2"]) == 0
    text = capsys.readouterr().out
    loaded = runs.load_run(run_folder)
    x, y, names = runs.evaluation_data(loaded)
    output = loaded.model.predict(x[2:3])[0]
    assert "z1[0] = x[0]*w1[0,0] + x[1]*w1[1,0] + b1[0]" in text
    shown = [float(v) for v in re.search(r"ŷ = \[(.*)\]", text).group(1).split(", ")]
    assert np.allclose(shown, output, rtol=1e-5, atol=1e-6)
    predicted = int(np.argmax(output))
    assert f"true class {y[2]} '{names[y[2]]}', predicted {predicted}" in text


def test_explain_gradient_matches_finite_differences_of_the_saved_model(run_folder, capsys):
    capsys.readouterr()
    assert main(["explain", str(run_folder), "--sample", "0", "--gradient", "2:2,1"]) == 0
    text = capsys.readouterr().out
    chain_rule = float(re.search(r"chain rule:\s+(\S+)", text).group(1))
    # Independently: move the weight by ±h in the saved model and watch the loss.
    loaded = runs.load_run(run_folder)
    x, y, _ = runs.evaluation_data(loaded)
    model, h = loaded.model, 1e-3
    weights = model.get_weights()
    losses = []
    for sign in (1, -1):
        moved = [w.copy() for w in weights]
        moved[2][2, 1] += sign * h
        model.set_weights(moved)
        losses.append(model.loss(y[:1], model.predict(x[:1]).astype(np.float64)))
    assert chain_rule == pytest.approx((losses[0] - losses[1]) / (2 * h), rel=1e-3, abs=1e-6)
    assert "dJ/dw2[2,1] = dJ/dŷ · dŷ/dw2[2,1]" in text


def test_explain_bias_by_layer_name(run_folder, capsys):
    name = runs.load_run(run_folder).model.leaves()[1].name  # [flatten, dense, dense_1]
    capsys.readouterr()
    assert main(["explain", str(run_folder), "--gradient", f"{name}:1"]) == 0
    assert "dJ/db1[1] = dJ/dŷ · dŷ/dz1[1] · dz1[1]/db1[1]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sample", "100000"], "--sample must be in [0, "),
        (["--gradient", "nonsense"], "layer 'nonsense' is not in the model"),
        (["--gradient", "1:a,b"], "--gradient must be LAYER:I,J"),
        (["--gradient", "7:0,0"], "layer must be an index in [0, 3)"),
        (["--gradient", "0:0,0"], "has no weights. Layers with weights: 1 "),
        (["--gradient", "1:5,0"], "weight (i, j) must have i in [0, 2)"),
    ],
)
def test_explain_bad_input_is_one_line_and_exit_2(run_folder, capsys, extra, message):
    capsys.readouterr()
    assert main(["explain", str(run_folder), *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1 and not captured.out


def test_explain_a_bare_model_file_needs_a_dataset(run_folder, tmp_path, capsys):
    model_file = tmp_path / "alone.glassnet"
    runs.load_run(run_folder).model.save(str(model_file))
    assert main(["explain", str(model_file)]) == 2
    assert "give --dataset" in capsys.readouterr().err


def test_exercise_is_repeatable_and_the_sheet_can_leave_out_the_solution(capsys):
    assert main(["exercise", "gradient", "--seed", "7"]) == 0
    first = capsys.readouterr().out
    assert main(["exercise", "gradient", "--seed", "7"]) == 0
    assert capsys.readouterr().out == first
    assert first.strip() == gn.exercises.make("gradient", seed=7).text()
    assert main(["exercise", "gradient", "--seed", "7", "--no-solution"]) == 0
    sheet = capsys.readouterr().out
    assert "Solution" not in sheet and first.startswith(sheet.strip())


def test_exercise_bad_kind_exits_2(capsys):
    assert main(["exercise", "calculus"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_demo_backpropagation_section_shows_both_lecture_formulas(tmp_path, capsys):
    assert main(["demo", "--only", "backprop", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "dJ/dw2 = dJ/dŷ · dŷ/dw2" in text and "dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1" in text
    assert "loss after:" in text


def test_exercise_count_prints_that_many_different_sheets(capsys):
    assert main(["exercise", "accuracy", "--seed", "5", "--count", "3", "--no-solution"]) == 0
    out = capsys.readouterr().out
    seeds = [int(s) for s in re.findall(r"glassnet exercise: accuracy \(seed (\d+)\)", out)]
    assert len(seeds) == 3 and seeds[0] == 5 and "Solution" not in out
    assert out.strip() == gn.exercises.make_sheet("accuracy", 5, 3).text(solution=False)


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--count", "0"], "count"), (["--count", "two"], "invalid int value: 'two'")],
)
def test_exercise_bad_count_is_one_line_and_exit_2(capsys, extra, message):
    assert main(["exercise", "parameters", *extra]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_explain_gradient_of_a_layer_picks_its_largest_gradient(run_folder, capsys):
    capsys.readouterr()
    assert main(["explain", str(run_folder), "--sample", "1", "--gradient", "1"]) == 0
    text = capsys.readouterr().out
    loaded = runs.load_run(run_folder)
    x, y, _ = runs.evaluation_data(loaded)
    expected = gn.explain.gradient(loaded.model, x[1], y[1], layer=1, weight="largest")
    assert "the weight of this layer with the largest |dJ/dw| for this sample" in text
    assert f"Gradient of the loss with respect to {expected.symbol} " in text
    all_weights = [
        abs(gn.explain.gradient(loaded.model, x[1], y[1], layer=1, weight=(i, j)).chain_rule)
        for i in range(2)
        for j in range(3)
    ]
    assert abs(expected.chain_rule) == pytest.approx(max(all_weights))
    assert "softmax: from the logits ŷ to probabilities" in text
