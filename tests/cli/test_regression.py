"""Regression from the CLI: `glassnet train --task regression` (or inferred), its scores
beside the training-mean baseline, the report's predicted-vs-true figure, predict, evaluate
and summary.

The table is the shipped penguins example without its species column: body_mass_g from the
bill and flipper measurements. Every score is recomputed here in float64 NumPy from the saved
model's predictions on the test rows.
"""

import csv
import io
import json
import re
from contextlib import redirect_stdout

import matplotlib.pyplot as plt
import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs
from glassnet.cli.runs.regression import MIN_DISTINCT, choose_task, fold_target_scaling

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cli(*args: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main(list(args))
    return status, buffer.getvalue()


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    """The penguins example's numeric columns: 342 rows, the target body_mass_g last."""
    with gn.datasets.example_csv("penguins").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    path = tmp_path_factory.mktemp("data") / "mass.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FEATURES, "body_mass_g"])
        writer.writerows([[row[c] for c in [*FEATURES, "body_mass_g"]] for row in rows])
    return path


@pytest.fixture(scope="module")
def run(penguins, tmp_path_factory):
    """A regression run inferred from the target (no --task), and what train printed."""
    out = tmp_path_factory.mktemp("runs") / "mass"
    status, printed = _cli(
        "train", "--dataset", str(penguins), "--target", "body_mass_g", "--layers", "16",
        "--epochs", "40", "--lr", "0.01", "--seed", "1", "--out", str(out),
    )  # fmt: skip
    assert status == 0
    return out, printed


def _test_rows(folder):
    """The run read back, and its data split again from its config (the same seed)."""
    loaded = runs.load_run(folder)
    splits = runs.load_splits(loaded.config)
    return loaded, splits


def _r2(y, p):
    return 1.0 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2)


def test_a_numeric_target_with_many_values_is_inferred_to_be_a_regression(run):
    folder, printed = run
    assert printed.splitlines()[0] == (
        "target 'body_mass_g' holds 94 distinct numbers: training a regression "
        "(use --task classification to override)"
    )
    info = json.loads((folder / "run.json").read_text())
    assert info["task"] == "regression" and info["class_names"] == []
    assert info["target"] == "body_mass_g"
    assert 'task = "regression"' in (folder / "config.toml").read_text()  # a repeat is one too
    model = gn.load_model(str(folder / "model.glassnet"))
    assert model.layers[-1].units == 1 and model.layers[-1].activation.name == "linear"
    assert model.loss.name == "mean_squared_error" and model.metrics == ["mae"]
    assert not (folder / "confusion_matrix.png").exists()


def test_scores_printed_and_stored_equal_numpy_on_the_models_test_predictions(run):
    folder, printed = run
    loaded, splits = _test_rows(folder)
    x_test, y_test = splits.test
    y_train = splits.train[1]
    # the test targets are body masses of the file, in grams
    assert y_test.dtype == np.float64 and 2700 <= y_test.min() and y_test.max() <= 6300
    pred = np.asarray(loaded.model.predict(x_test, verbose=0), dtype=np.float64)[:, 0]
    mse = np.mean((y_test - pred) ** 2)
    mae = np.mean(np.abs(y_test - pred))
    mean = y_train.mean()
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["test_mse"] == pytest.approx(mse, rel=1e-9)
    assert metrics["test_mae"] == pytest.approx(mae, rel=1e-9)
    assert metrics["test_r2"] == pytest.approx(_r2(y_test, pred), rel=1e-9)
    assert metrics["train_mean"] == pytest.approx(mean, rel=1e-12)
    assert metrics["baseline_mse"] == pytest.approx(np.mean((y_test - mean) ** 2), rel=1e-12)
    assert metrics["baseline_mae"] == pytest.approx(np.mean(np.abs(y_test - mean)), rel=1e-12)
    assert metrics["baseline_r2"] == pytest.approx(_r2(y_test, np.full_like(y_test, mean)))
    assert _r2(y_train, np.full_like(y_train, mean)) == pytest.approx(0.0, abs=1e-12)
    # mass from flipper length alone has R² about 0.76: the network beats the baseline
    assert metrics["test_r2"] > 0.5 > metrics["baseline_r2"]
    assert metrics["test_mae"] < 0.6 * metrics["baseline_mae"]
    assert "accuracy" not in metrics and "test_accuracy" not in json.dumps(metrics)
    # the console shows the same numbers, each beside the baseline's
    table = re.search(r"R²\s+(\S+)\s+baseline (\S+)\n\s+MSE\s+(\S+)\s+baseline (\S+)", printed)
    assert float(table[1]) == pytest.approx(metrics["test_r2"], abs=6e-4)
    assert float(table[2]) == pytest.approx(metrics["baseline_r2"], abs=6e-5)
    assert float(table[3].replace(",", "")) == pytest.approx(mse, abs=0.5)
    assert float(table[4].replace(",", "")) == pytest.approx(metrics["baseline_mse"], abs=0.5)
    assert "accuracy" not in printed.split("Regression of body_mass_g")[1]


def test_the_report_shows_the_scores_and_the_predicted_vs_true_figure(run):
    folder, _ = run
    page = (folder / "report.html").read_text()
    metrics = json.loads((folder / "metrics.json").read_text())
    assert '<img alt="Predicted vs true (test part; the line is y = x)" src="data:image/png' in page
    assert (folder / "predicted_vs_true.png").read_bytes().startswith(b"\x89PNG")
    section = page.split("<h2>Test metrics</h2>")[1].split("<h2>")[0]
    assert f"<th>R²</th><td>{gn._internal.numbers.short(metrics['test_r2'])}</td>" in section
    assert f"<th>MAE</th><td>{gn._internal.numbers.short(metrics['test_mae'])}</td>" in section
    assert "baseline (always the training mean)" in section
    assert "accuracy" not in page.lower().split("<h2>test metrics</h2>")[1]
    assert "class mix" not in (folder / "diagnosis.txt").read_text()  # masses are no classes


def test_the_figure_plots_the_test_predictions_against_the_truth(run):
    from glassnet.cli.runs.regression import predict_values, predicted_vs_true

    loaded, splits = _test_rows(run[0])
    x_test, y_test = splits.test
    fig = predicted_vs_true(y_test, predict_values(loaded.model, x_test), "body_mass_g")
    ax = fig.axes[0]
    points = ax.collections[0].get_offsets()
    assert np.allclose(points[:, 0], y_test) and len(points) == len(y_test)
    line = ax.lines[0].get_xydata()
    assert np.array_equal(line[:, 0], line[:, 1])  # y = x
    assert ax.get_xlabel() == "true body_mass_g"


def test_predict_prints_numbers_for_the_rows_of_a_csv(run, penguins, tmp_path):
    folder, _ = run
    with penguins.open() as handle:
        rows = list(csv.reader(handle))[1:4]
    new = tmp_path / "rows.csv"
    new.write_text(",".join(FEATURES) + "\n" + "\n".join(",".join(r[:3]) for r in rows) + "\n")
    status, printed = _cli("predict", str(folder), str(new))
    assert status == 0
    loaded = runs.load_run(folder)
    prep = loaded.preprocessing
    raw = np.array([[float(v) for v in r[:3]] for r in rows])
    x = ((raw - np.array(prep["mean"])) / np.array(prep["scale"])).astype(np.float32)
    expected = loaded.model.predict(x, verbose=0)[:, 0]
    found = [float(v) for v in re.findall(r"row \d: body_mass_g = (\S+)", printed)]
    assert found == pytest.approx(expected.tolist(), rel=1e-5)
    assert all(2500 < v < 6500 for v in found)  # grams, not standardised units
    assert "classes" not in printed and "%" not in printed.split("Note:")[0]
    status, text = _cli("predict", str(folder), str(new), "--json")
    assert [r["value"] for r in json.loads(text)] == pytest.approx(found, rel=1e-5)


def test_evaluate_and_summary_show_the_scores_beside_the_baseline(run):
    folder, _ = run
    metrics = json.loads((folder / "metrics.json").read_text())
    status, evaluated = _cli("evaluate", str(folder))
    assert status == 0
    assert evaluated.startswith(metrics["report_text"])  # the same test rows, the same scores
    status, summary = _cli("summary", str(folder))
    assert status == 0
    assert "Task: regression: predicts body_mass_g" in summary
    assert metrics["report_text"] in summary and "Classes:" not in summary


def test_task_flag_and_config_errors(penguins, capsys):
    with pytest.raises(ValueError, match=r"Unknown task 'regresion'\. Did you mean 'regression'"):
        runs.TrainConfig.from_mapping({"dataset": "a.csv", "target": "y", "task": "regresion"})
    with pytest.raises(ValueError, match="--task regression is for CSV files"):
        runs.TrainConfig.from_mapping({"dataset": "mnist", "task": "regression"})
    args = ["train", "--dataset", str(penguins), "--target", "body_mass_g", "--task", "x"]
    assert main(args) == 2
    assert "argument --task: invalid choice: 'x'" in capsys.readouterr().err


def test_an_explicit_task_regression_says_nothing_about_inference(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 2))
    y = np.round(3 * x[:, 0] - x[:, 1])  # whole numbers, few of them: would be classes
    path = tmp_path / "few.csv"
    rows = [f"{a:.4f},{b:.4f},{t:g}" for (a, b), t in zip(x, y, strict=True)]
    path.write_text("a,b,t\n" + "\n".join(rows) + "\n")
    assert len(np.unique(y)) <= MIN_DISTINCT
    out = tmp_path / "r"
    status, printed = _cli(
        "train", "--dataset", str(path), "--target", "t", "--task", "regression",
        "--out", str(out), "--layers", "8", "--epochs", "3", "--seed", "0",
    )  # fmt: skip
    assert status == 0 and "distinct numbers" not in printed
    assert json.loads((out / "run.json").read_text())["task"] == "regression"


def test_choose_task_rules():
    class Table:
        def __init__(self, y, names):
            self.y, self.class_names = np.asarray(y), names

    def loader(values):
        values = np.asarray(values, dtype=np.float64)

        def load(task):
            if task == "regression":
                return Table(values, [])
            if not np.array_equal(values, np.round(values)):
                raise ValueError("non-integer labels")
            names, codes = np.unique(values, return_inverse=True)
            return Table(codes, [str(int(v)) for v in names])

        return load

    fractional = np.linspace(0, 1, 50)
    _, task, line = choose_task(loader(fractional), None, "y")
    assert task == "regression" and "50 distinct numbers, not all whole" in line
    _, task, line = choose_task(loader(np.arange(100) % 10), None, "digit")
    assert (task, line) == ("classification", None)  # 10 values: labels coded as numbers
    _, task, _ = choose_task(loader(np.arange(MIN_DISTINCT + 1)), None, "n")
    assert task == "regression"
    with pytest.raises(ValueError, match="non-integer"):
        choose_task(loader(fractional), "classification", "y")
    with pytest.raises(ValueError, match="non-integer"):  # a constant fraction is no target
        choose_task(loader(np.full(10, 0.5)), None, "y")


def test_folding_the_target_scaling_keeps_the_predictions_in_the_targets_unit():
    model = gn.models.Sequential(
        [gn.layers.Input((3,)), gn.layers.Dense(4, activation="tanh"), gn.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(2).normal(size=(7, 3)).astype(np.float32)
    standardised = model.predict(x, verbose=0).astype(np.float64)
    fold_target_scaling(model, {"mean": 4200.0, "scale": 800.0})
    assert model.predict(x, verbose=0) == pytest.approx(standardised * 800 + 4200, rel=1e-6)
    assert model.loss.name == "mean_squared_error" and model.metrics == ["mae"]
    assert model.optimizer.iterations == 0  # the state of the standardised weights is gone


def test_compare_sweep_and_lr_find_treat_regression_runs_as_such(run, penguins, tmp_path):
    first, _ = run
    second = tmp_path / "quick"
    args = ["train", "--dataset", str(penguins), "--target", "body_mass_g", "--layers", "8"]
    assert main([*args, "--epochs", "2", "--out", str(second), "--quiet"]) == 0
    status, printed = _cli("compare", str(first), str(second), "--out", str(tmp_path / "c.html"))
    assert status == 0
    header, *rows = printed.splitlines()[:3]
    assert "test R²" in header and "accuracy" not in header
    for folder, row in zip((first, second), rows, strict=True):
        metrics = json.loads((folder / "metrics.json").read_text())
        assert f"{metrics['test_r2']:.4f} (baseline {metrics['baseline_r2']:.4f})" in row
    status, printed = _cli(
        "lr-find", "--dataset", str(penguins), "--target", "body_mass_g", "--layers", "8",
        "--steps", "12", "--figure", str(tmp_path / "lr.png"),
    )  # fmt: skip
    assert status == 0 and "suggested learning rate" in printed


def test_explain_and_a_bare_model_file_speak_of_numbers(run, penguins, tmp_path):
    folder, _ = run
    loaded, splits = _test_rows(folder)
    status, printed = _cli("explain", str(folder))
    assert status == 0
    x_test, y_test = splits.test
    predicted = loaded.model.predict(x_test[:1], verbose=0)[0, 0]
    assert printed.rstrip().endswith(
        f"sample 0: true body_mass_g {y_test[0]:.6g}, predicted {predicted:.6g}"
    )
    bare = str(folder / "model.glassnet")  # no run.json: the loss says it predicts numbers
    assert runs.load_run(bare).task == "regression"
    rows = tmp_path / "standardised.csv"
    rows.write_text("\n".join(",".join(f"{v:.9g}" for v in r) for r in x_test[:2]) + "\n")
    status, printed = _cli("predict", bare, str(rows))
    assert status == 0 and len(re.findall(r"row \d: value = \d+(\.\d+)?\n", printed)) == 2
    assert "%" not in printed.split("Note:")[0]  # numbers, no class probabilities
    status, printed = _cli("summary", bare)
    assert status == 0 and "(a bare model file: no test scores)" in printed


def test_the_doctor_reads_whole_number_targets_under_a_regression_loss_as_values():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3)).astype(np.float32)
    y = np.round(x @ np.array([1.0, 2.0, 3.0]) + 10)  # whole numbers, about 20 of them
    model = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x[:150], y[:150], epochs=3, validation_data=(x[150:], y[150:]), verbose=0)
    # a validation part of other "classes" than the training part: no class mix to blame
    diagnosis = gn.diagnose(history, data=((x[:150], y[:150]), (x[:10], y[:10] + 7)), model=model)
    assert "class" not in diagnosis.text("cli")
    assert "validation_mix" not in [f.name for f in diagnosis.findings]
    classifier = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(40)])
    classifier.compile(
        optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    labels = (y - y.min()).astype(np.int64)
    history = classifier.fit(x[:150], labels[:150], epochs=3, verbose=0)
    found = gn.diagnose(history, data=((x[:150], labels[:150]), (x[:10], labels[:10] + 7)))
    assert "validation_mix" in [f.name for f in found.findings]  # the same data as classes


def test_runs_of_an_older_glassnet_stay_classifications(tmp_path):
    """Run folders written before --task have no task: they were classifications, and
    repeating or evaluating one must not infer a regression from its numeric labels."""
    x = np.linspace(0, 1, 100)
    path = tmp_path / "grades.csv"  # 25 whole-number classes: a regression if inferred
    path.write_text("x,grade\n" + "".join(f"{v:.3f},{int(v * 24.99)}\n" for v in x))
    _, task, _ = choose_task(lambda t: gn.datasets.load_csv(path, "grade", task=t), None, "g")
    assert task == "regression"
    config = "\n".join(  # as glassnet wrote config.toml before --task
        ['glassnet_version = "0.1.0"', f"dataset = {json.dumps(str(path))}", 'target = "grade"']
    )
    (tmp_path / "old.toml").write_text(config + "\nlayers = [4]\nepochs = 1\n")
    run = tmp_path / "again"
    assert (
        main(["train", "--config", str(tmp_path / "old.toml"), "--out", str(run), "--quiet"]) == 0
    )
    info = json.loads((run / "run.json").read_text())
    assert info["task"] == "classification" and len(info["class_names"]) == 25
    del info["task"]  # and the folder itself as an older glassnet wrote it
    (run / "run.json").write_text(json.dumps(info))
    (run / "config.json").write_text(json.dumps({"dataset": str(path), "target": "grade"}))
    assert runs.load_run(run).config.task == "classification"
    assert runs.load_run(run).task == "classification"


def test_the_stored_scores_are_scikit_learns(run):
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    loaded, splits = _test_rows(run[0])
    x_test, y_test = splits.test
    pred = loaded.model.predict(x_test, verbose=0)[:, 0]
    metrics = json.loads((run[0] / "metrics.json").read_text())
    assert metrics["test_r2"] == pytest.approx(sklearn_metrics.r2_score(y_test, pred))
    assert metrics["test_mse"] == pytest.approx(sklearn_metrics.mean_squared_error(y_test, pred))
    assert metrics["test_mae"] == pytest.approx(sklearn_metrics.mean_absolute_error(y_test, pred))


def test_ctrl_c_keeps_the_best_epoch_and_still_predicts_in_the_targets_unit(
    penguins, tmp_path, monkeypatch, capsys
):
    import os
    import signal

    original, calls = gn.optimizers.Adam.apply, {"n": 0}

    def apply(self, pairs):
        original(self, pairs)
        calls["n"] += 1
        if calls["n"] == 12:  # 8 steps an epoch: in epoch 2
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(gn.optimizers.Adam, "apply", apply)
    out = tmp_path / "stopped"
    args = ["train", "--dataset", str(penguins), "--target", "body_mass_g", "--layers", "8"]
    assert main([*args, "--epochs", "5", "--lr", "0.05", "--out", str(out), "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "keeping the weights and optimizer state of the end of epoch 1" in err
    loaded, splits = _test_rows(out)
    x_test, y_test = splits.test
    pred = loaded.model.predict(x_test, verbose=0)[:, 0].astype(np.float64)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["interrupted"] is True
    assert metrics["test_mse"] == pytest.approx(np.mean((y_test - pred) ** 2), rel=1e-9)
    assert abs(pred.mean() - metrics["train_mean"]) < 800  # grams, not standardised units


def test_the_onnx_export_of_a_regression_run_answers_in_the_targets_unit(run, penguins, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    folder, _ = run
    out = tmp_path / "mass.onnx"
    assert _cli("export", str(folder), "--format", "onnx", "--out", str(out))[0] == 0
    with penguins.open() as handle:
        raw = np.array([[float(r[c]) for c in FEATURES] for r in list(csv.DictReader(handle))[:5]])
    answer = ort.InferenceSession(str(out)).run(None, {"input": raw.astype(np.float32)})[0]
    loaded = runs.load_run(folder)
    prep = loaded.preprocessing
    x = ((raw - np.array(prep["mean"])) / np.array(prep["scale"])).astype(np.float32)
    assert answer[:, 0] == pytest.approx(loaded.model.predict(x, verbose=0)[:, 0], rel=1e-5)
    assert 2500 < answer.min() and answer.max() < 6500  # grams: raw columns in, grams out


@pytest.mark.parametrize("task", [["--task", "regression"], []], ids=["given", "inferred"])
def test_a_target_of_fractional_numbers_trains_a_regression(tmp_path, task):
    # No two targets are equal: the split cannot be stratified by them, and is not.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 2))
    y = x @ np.array([1.5, -2.0]) + 0.25 + 0.01 * rng.normal(size=80)
    path = tmp_path / "line.csv"
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header="a,b,y", comments="")
    out = tmp_path / "run"
    status, printed = _cli(
        "train", "--dataset", str(path), "--target", "y", *task, "--layers", "8",
        "--epochs", "3", "--seed", "0", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert status == 0, printed
    loaded, splits = _test_rows(out)
    assert loaded.task == "regression"
    sizes = [len(part[1]) for part in (splits.train, splits.val, splits.test)]
    assert sizes == [64, 8, 8]  # the default 0.8 / 0.1 / 0.1 of 80 rows
    together = np.sort(np.concatenate([splits.train[1], splits.val[1], splits.test[1]]))
    np.testing.assert_allclose(together, np.sort(y))  # every row once, in some part
