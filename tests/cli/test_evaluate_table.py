"""`glassnet evaluate RUN --dataset FILE.csv`: a new CSV file is read with what the run
stored (its missing-value fill, one-hot categories, feature scaling and class names), its
label column is the run's target unless --target says otherwise, and the scores are the
ones computed here by hand, with pandas and NumPy, from the saved model, and the ones
`glassnet predict` gives for the same rows.
"""

import io
import json
import re
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest

from glassnet.cli import main, runs

N = 200


def _cli(*args):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        status = main([str(a) for a in args])
    return status, buffer.getvalue()


def _table(seed=0):
    """Two number columns (a with holes), a text column and the label y."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=N),
            "color": rng.choice(["red", "blue", "green"], N),
            "b": rng.normal(size=N),
        }
    )
    frame.loc[::17, "a"] = np.nan
    frame["y"] = np.where((frame.a.fillna(0) + (frame.color == "red")) > 0.5, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def classified(tmp_path_factory):
    """A run trained with --missing mean on the table, and a new file of 50 of its rows with
    the columns in another order (the label first)."""
    root = tmp_path_factory.mktemp("eval")
    frame = _table()
    frame.to_csv(root / "t.csv", index=False)
    new = frame.iloc[:50][["y", "b", "color", "a"]]
    new.to_csv(root / "t2.csv", index=False)
    args = ["train", "--dataset", root / "t.csv", "--target", "y", "--epochs", "3"]
    status, _ = _cli(*args, "--seed", "2", "--missing", "mean", "--out", root / "run", "--quiet")
    assert status == 0
    return root, new


def _by_hand(folder, frame):
    """The rows of `frame` as the run's model inputs, with pandas from run.json's numbers:
    the stored fill-in value, one 0/1 column per stored category, then (x - mean) / scale."""
    info = json.loads((folder / "run.json").read_text())
    table = info["table"]
    columns = []
    for name, kind, fill, cats in zip(
        table["columns"], table["kinds"], table["fill"], table["categories"], strict=True
    ):
        values = frame[name].fillna(fill) if fill is not None else frame[name]
        if kind == "number":
            columns.append(values.to_numpy(dtype=np.float64))
        else:
            columns.extend((values == cat).to_numpy(dtype=np.float64) for cat in cats)
    raw = np.column_stack(columns)
    prep = info["preprocessing"]
    return ((raw - np.array(prep["mean"])) / np.array(prep["scale"])).astype(np.float32)


def _accuracy(printed):
    return float(re.search(r"^accuracy (\S+)", printed, re.MULTILINE)[1])


def test_evaluate_applies_the_runs_preprocessing_and_defaults_to_its_target(classified):
    root, new = classified
    folder = root / "run"
    assert new["a"].isna().sum() == 3  # filled with the training mean, not this file's
    status, printed = _cli("evaluate", folder, "--dataset", root / "t2.csv")
    assert status == 0

    loaded = runs.load_run(folder)
    x = _by_hand(folder, new)
    assert x.shape == (50, 5)  # a, 3 one-hot colours, b
    names = loaded.class_names
    assert names == ["no", "yes"]
    y = np.array([names.index(label) for label in new["y"]])
    predicted = loaded.model.predict(x, verbose=0).argmax(axis=1)
    assert _accuracy(printed) == pytest.approx(np.mean(predicted == y), abs=5e-4)
    assert re.search(r"^yes .* (\d+)$", printed, re.MULTILINE)[1] == str(np.sum(y == 1))

    # the same inputs and labels from the shared reader, and --target y says the same
    got_x, got_y, got_names = runs.evaluation_data(loaded, str(root / "t2.csv"))
    np.testing.assert_allclose(got_x, x, atol=1e-6)
    assert got_y.tolist() == y.tolist() and got_names == names
    assert _cli("evaluate", folder, "--dataset", root / "t2.csv", "--target", "y") == (0, printed)


def test_evaluate_agrees_with_what_predict_answers_for_the_same_rows(classified):
    root, new = classified
    status, text = _cli("predict", root / "run", root / "t2.csv", "--json")
    assert status == 0
    answered = [row["class"] for row in json.loads(text)]
    accuracy = np.mean(np.array(answered) == new["y"].to_numpy())
    _, printed = _cli("evaluate", root / "run", "--dataset", root / "t2.csv")
    assert _accuracy(printed) == pytest.approx(accuracy, abs=5e-4)


def test_a_file_of_one_class_keeps_the_runs_label_numbers(classified, tmp_path):
    root, new = classified
    only = new[new["y"] == "yes"]
    only.to_csv(tmp_path / "yes.csv", index=False)
    loaded = runs.load_run(root / "run")
    _, y, names = runs.evaluation_data(loaded, str(tmp_path / "yes.csv"))
    assert names == ["no", "yes"] and set(y.tolist()) == {1}  # "yes" is the run's class 1
    predicted = loaded.model.predict(_by_hand(root / "run", only), verbose=0).argmax(axis=1)
    _, printed = _cli("evaluate", root / "run", "--dataset", tmp_path / "yes.csv")
    assert _accuracy(printed) == pytest.approx(np.mean(predicted == 1), abs=5e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f.drop(columns=["color"]),
            "glassnet: error: bad.csv lacks the feature column(s) color; its header is: y, b, a.",
        ),
        (
            lambda f: f.assign(y=f["y"].where(f.index != 4, "maybe")),
            "glassnet: error: bad.csv: column 'y' holds the label 'maybe' (line 6), not one of "
            "the classes {run} was trained on (no, yes).",
        ),
        (
            lambda f: f.assign(y=f["y"].where(f.index != 7, None)),
            "glassnet: error: bad.csv has 1 row(s) without a label in column 'y' (the first at "
            "line 9); evaluating needs every row's label.",
        ),
        (
            lambda f: f.rename(columns={"y": "label"}),
            "glassnet: error: bad.csv has no label column 'y' (its columns are: label, b, "
            "color, a); give --target COLUMN.",
        ),
    ],
    ids=["feature column", "unseen label", "missing label", "no target column"],
)
def test_a_file_that_does_not_fit_the_run_is_one_line(
    classified, tmp_path, capsys, change, message
):
    root, new = classified
    change(new).to_csv(tmp_path / "bad.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", str(root / "run"), "--dataset", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert err == message.format(run=root / "run") + "\n"


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_an_unseen_category_names_the_training_flag_not_the_api_argument(
    classified, tmp_path, capsys, command
):
    root, new = classified
    bad = new.copy()
    bad.loc[bad.index[2], "color"] = "purple"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    capsys.readouterr()
    args = (
        ["--dataset", str(tmp_path / "bad.csv")]
        if command == "evaluate"
        else [str(tmp_path / "bad.csv")]
    )
    assert main([command, str(root / "run"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'purple'" in err
    assert "a run trained with --handle-unknown ignore would encode it as all zeros" in err
    assert "handle_unknown=" not in err


@pytest.fixture(scope="module")
def regressed(tmp_path_factory):
    """A regression run on the same kind of table: z = 30 a - 20 b + 40 (red) + 1000 + noise,
    in whole numbers, and a new file of 60 rows."""
    root = tmp_path_factory.mktemp("reg")
    frame = _table(1).drop(columns="y")
    rng = np.random.default_rng(5)
    z = 30 * frame.a.fillna(0) - 20 * frame.b + 40 * (frame.color == "red") + 1000
    frame["z"] = np.round(z + rng.normal(size=N) * 3).astype(int)
    frame.to_csv(root / "r.csv", index=False)
    new = frame.iloc[-60:]
    new.to_csv(root / "r2.csv", index=False)
    args = ["train", "--dataset", root / "r.csv", "--target", "z", "--task", "regression"]
    args += ["--layers", "16", "--epochs", "30", "--lr", "0.01", "--seed", "1", "--missing", "mean"]
    status, _ = _cli(*args, "--out", root / "run", "--quiet")
    assert status == 0
    return root, new


def _scores(printed):
    found = re.findall(r"^  (R²|MSE|MAE)\s+(\S+)\s+baseline (\S+)$", printed, re.MULTILINE)
    return {name: (float(a.replace(",", "")), float(b.replace(",", ""))) for name, a, b in found}


def test_a_regression_run_scores_a_new_file_beside_its_training_mean(regressed):
    root, new = regressed
    folder = root / "run"
    status, printed = _cli("evaluate", folder, "--dataset", root / "r2.csv")
    assert status == 0
    assert printed.startswith("Regression of z on 60 r2.csv rows (baseline: always the training")

    loaded = runs.load_run(folder)
    true = new["z"].to_numpy(dtype=np.float64)
    pred = np.asarray(loaded.model.predict(_by_hand(folder, new), verbose=0), np.float64)[:, 0]
    assert np.abs(pred - true).mean() < 0.5 * np.abs(true - true.mean()).mean()  # in units of z
    train_mean = json.loads((folder / "run.json").read_text())["target_train_mean"]
    splits = runs.load_splits(loaded.config)
    assert train_mean == pytest.approx(splits.train[1].mean(), rel=1e-12)
    r2 = 1 - np.sum((true - pred) ** 2) / np.sum((true - true.mean()) ** 2)
    base = np.full_like(true, train_mean)
    base_r2 = 1 - np.sum((true - base) ** 2) / np.sum((true - true.mean()) ** 2)
    scores = _scores(printed)
    assert scores["R²"][0] == pytest.approx(r2, rel=1e-3)
    assert scores["R²"][1] == pytest.approx(base_r2, rel=1e-3)
    assert scores["MSE"][0] == pytest.approx(np.mean((true - pred) ** 2), rel=1e-3)
    assert scores["MSE"][1] == pytest.approx(np.mean((true - base) ** 2), rel=1e-3)
    assert scores["MAE"][0] == pytest.approx(np.mean(np.abs(true - pred)), rel=1e-3)
    assert scores["MAE"][1] == pytest.approx(np.mean(np.abs(true - base)), rel=1e-3)

    status, text = _cli("predict", folder, root / "r2.csv", "--json")
    values = np.array([row["value"] for row in json.loads(text)])
    np.testing.assert_allclose(values, pred, rtol=1e-5)


def test_a_target_of_whole_numbers_is_still_split_by_value(regressed):
    # as glassnet always split it, so a run folder re-splits (evaluate RUN) as it ran
    from glassnet.datasets import train_val_test_split

    root, _ = regressed
    loaded = runs.load_run(root / "run")
    z = pd.read_csv(root / "r.csv")["z"].to_numpy()
    parts = train_val_test_split(np.arange(N), z, loaded.config.split, seed=loaded.config.seed)
    test_rows = parts[2][0]
    assert runs.load_splits(loaded.config).test[1].tolist() == z[test_rows].tolist()


def test_a_regression_target_that_is_not_numbers_is_one_line(regressed, tmp_path, capsys):
    root, new = regressed
    new.assign(z=new["z"].astype(str).where(new.index != new.index[2], "heavy")).to_csv(
        tmp_path / "bad.csv", index=False
    )
    capsys.readouterr()
    assert main(["evaluate", str(root / "run"), "--dataset", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: ")
    assert "bad.csv" in err and "'z'" in err and "numbers" in err
