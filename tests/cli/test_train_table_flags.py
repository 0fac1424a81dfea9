"""`glassnet train --ignore / --handle-unknown / --max-categories`: the CSV preprocessing
options of `load_csv` from the command line, kept in config.toml and run.json.

The numbers are checked independently: the model's input width is counted by hand from
the file's columns, an ignored column is shown to have no effect by scrambling it, and the
rows `glassnet predict` answers are rebuilt with NumPy and fed to the model.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import tomllib

import glassnet as gn
from glassnet.cli import main, runs
from glassnet.cli.runs import evaluation_data

COLOURS = ["blue", "green", "red"]


def _table(rows: int = 120, seed: int = 0) -> pd.DataFrame:
    """Two informative numbers, a noise number, a 3-value text column, an id, the label."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=rows), rng.normal(size=rows)
    return pd.DataFrame(
        {
            "id": np.arange(1000, 1000 + rows),
            "a": a.round(4),
            "noise": rng.normal(size=rows).round(4),
            "colour": [COLOURS[i % 3] for i in range(rows)],
            "b": b.round(4),
            "kind": np.where(a + b > 0, "up", "down"),
        }
    )


def _train(csv, out, *extra):
    args = ["train", "--dataset", str(csv), "--target", "kind", "--layers", "4"]
    return main([*args, "--epochs", "2", "--seed", "3", "--out", str(out), "--quiet", *extra])


def _weights(run):
    model = runs.load_run(run).model
    return [np.asarray(v) for layer in model.layers for v in layer.params.values()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("table-flags")
    _table().to_csv(root / "t.csv", index=False)
    return root


def test_ignored_columns_leave_the_model_input_width_and_are_kept(folder, capsys):
    out = folder / "run"
    assert _train(folder / "t.csv", out, "--ignore", "id,noise") == 0, capsys.readouterr().err
    # By hand: 6 columns - the target - 2 ignored = a, colour, b; colour is 3 one-hot inputs.
    width = 2 + len(COLOURS)
    model = runs.load_run(out).model
    assert tuple(model.input_sample_shape) == (width,)
    assert np.asarray(model.layers[1].params["kernel"]).shape == (width, 4)
    info = json.loads((out / "run.json").read_text())
    assert info["feature_names"] == ["a", "colour=blue", "colour=green", "colour=red", "b"]
    assert info["table"]["ignore"] == ["id", "noise"]
    assert info["table"]["columns"] == ["a", "colour", "b"]
    assert info["table"]["handle_unknown"] == "error"
    assert info["table"]["max_categories"] == 50
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["ignore"] == ["id", "noise"]
    assert config["handle_unknown"] == "error" and config["max_categories"] == 50

    # Without --ignore the two columns are inputs again: two more.
    assert _train(folder / "t.csv", folder / "all") == 0
    assert tuple(runs.load_run(folder / "all").model.input_sample_shape) == (width + 2,)


def test_an_ignored_column_does_not_change_the_run(folder, tmp_path):
    scrambled = _table()
    rng = np.random.default_rng(9)
    scrambled["noise"] = rng.normal(size=len(scrambled)) * 1e3
    scrambled["id"] = rng.permutation(scrambled["id"].to_numpy())
    scrambled.to_csv(tmp_path / "s.csv", index=False)
    first, second = tmp_path / "first", tmp_path / "second"
    assert _train(folder / "t.csv", first, "--ignore", "noise,id") == 0
    assert _train(tmp_path / "s.csv", second, "--ignore", "noise,id") == 0
    for w1, w2 in zip(_weights(first), _weights(second), strict=True):
        np.testing.assert_array_equal(w1, w2)
    p1 = json.loads((first / "run.json").read_text())["preprocessing"]
    p2 = json.loads((second / "run.json").read_text())["preprocessing"]
    assert p1 == p2


def test_the_run_folders_config_repeats_the_run(folder, tmp_path, capsys):
    first = tmp_path / "first"
    extra = ["--ignore", "id", "--handle-unknown", "ignore", "--max-categories", "3"]
    assert _train(folder / "t.csv", first, *extra) == 0, capsys.readouterr().err
    config = tomllib.loads((first / "config.toml").read_text())
    assert (config["ignore"], config["handle_unknown"], config["max_categories"]) == (
        ["id"],
        "ignore",
        3,
    )
    # --ignore "" on top of the config: no column left out, so id is an input again
    cleared = tmp_path / "cleared"
    args = ["train", "--config", str(first / "config.toml"), "--ignore", ""]
    assert main([*args, "--out", str(cleared), "--quiet"]) == 0, capsys.readouterr().err
    assert tomllib.loads((cleared / "config.toml").read_text())["ignore"] == []
    # By hand: a, noise, b and colour's 3 values; and id besides (the first kernel's rows).
    assert _weights(first)[0].shape[0] == 3 + 3 and _weights(cleared)[0].shape[0] == 3 + 3 + 1
    again = tmp_path / "again"
    args = ["train", "--config", str(first / "config.toml"), "--out", str(again), "--quiet"]
    assert main(args) == 0, capsys.readouterr().err
    assert (again / "config.toml").read_text() == (first / "config.toml").read_text()
    for w1, w2 in zip(_weights(first), _weights(again), strict=True):
        np.testing.assert_array_equal(w1, w2)
    table = json.loads((again / "run.json").read_text())["table"]
    assert (table["ignore"], table["handle_unknown"], table["max_categories"]) == (
        ["id"],
        "ignore",
        3,
    )


def test_predict_and_evaluate_apply_the_runs_preprocessing(folder, tmp_path, capsys):
    run = tmp_path / "run"
    extra = ["--ignore", "id,noise", "--handle-unknown", "ignore"]
    assert _train(folder / "t.csv", run, *extra) == 0, capsys.readouterr().err
    # New rows without the ignored columns, and a colour the training never saw.
    new = pd.DataFrame({"b": [0.5, -1.0], "colour": ["red", "purple"], "a": [0.25, 2.0]})
    new.to_csv(tmp_path / "new.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(run), str(tmp_path / "new.csv"), "--json"]) == 0
    answered = json.loads(capsys.readouterr().out)
    info = json.loads((run / "run.json").read_text())
    x = np.array([[0.25, 0, 0, 1, 0.5], [2.0, 0, 0, 0, -1.0]])  # by hand; purple: all zero
    mean, scale = (np.asarray(info["preprocessing"][k]) for k in ("mean", "scale"))
    logits = runs.load_run(run).model.predict(((x - mean) / scale).astype(np.float32), verbose=0)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    for row, p in zip(answered, probs, strict=True):
        assert row["class"] == info["class_names"][int(p.argmax())]
        assert row["probability"] == pytest.approx(float(p.max()), abs=1e-5)

    # evaluate --dataset: the same columns left out (also when the file lacks one of them).
    table = _table(rows=60, seed=5)
    table.to_csv(tmp_path / "other.csv", index=False)
    table.drop(columns=["id"]).to_csv(tmp_path / "fewer.csv", index=False)
    hot = np.column_stack([(table["colour"] == c).to_numpy(float) for c in COLOURS])
    x = np.column_stack([table["a"], hot, table["b"]])
    expected = ((x - mean) / scale).astype(np.float32)
    for name in ("other.csv", "fewer.csv"):
        args = ["evaluate", str(run), "--dataset", str(tmp_path / name), "--target", "kind"]
        assert main(args) == 0, capsys.readouterr().err
        loaded = runs.load_run(run)
        got, labels, names = evaluation_data(loaded, str(tmp_path / name), "kind")
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
        assert names == ["down", "up"]
        assert labels.tolist() == (table["kind"] == "up").astype(int).tolist()


def test_an_unseen_category_in_the_test_part_names_the_flag(tmp_path, capsys):
    table = _table()
    y = (table["kind"] == "up").to_numpy().astype(int)  # down=0, up=1: sorted class names
    _, _, (test_rows, _) = gn.datasets.train_val_test_split(
        np.arange(len(table)), y, [0.8, 0.1, 0.1], seed=3
    )
    table.loc[int(test_rows[0]), "colour"] = "violet"  # only in the test part
    table.to_csv(tmp_path / "rare.csv", index=False)
    assert _train(tmp_path / "rare.csv", tmp_path / "r1") == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert "'violet'" in line and "--handle-unknown ignore" in line
    assert not (tmp_path / "r1").exists()
    assert _train(tmp_path / "rare.csv", tmp_path / "r2", "--handle-unknown", "ignore") == 0
    info = json.loads((tmp_path / "r2" / "run.json").read_text())
    assert info["table"]["columns"][3] == "colour"
    assert info["table"]["categories"][3] == COLOURS  # violet is not a category
    # The test part's first row is row test_rows[0], the violet one: its colour inputs
    # (columns 3 to 5 after id, a, noise) are all zero before the standardisation.
    test_x = runs.load_splits(runs.load_run(tmp_path / "r2").config).test[0]
    mean, scale = (np.asarray(info["preprocessing"][k]) for k in ("mean", "scale"))
    raw = test_x[0].astype(np.float64) * scale + mean
    np.testing.assert_allclose(
        raw[[1, 6]], table.loc[int(test_rows[0]), ["a", "b"]].to_numpy(float), rtol=1e-5
    )
    np.testing.assert_allclose(raw[3:6], 0.0, atol=1e-5)


def test_max_categories_bounds_the_one_hot_columns(tmp_path, capsys):
    table = _table()
    table["colour"] = [f"c{i % 12:02d}" for i in range(len(table))]  # 12 values, 10 rows each
    table.to_csv(tmp_path / "many.csv", index=False)
    assert _train(tmp_path / "many.csv", tmp_path / "r1", "--max-categories", "11") == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    # 10 rows of each value: the 96 training rows can't miss one (a part misses at most 24).
    assert "text column 'colour' has 12 distinct values" in line
    assert "--ignore colour" in line and "--max-categories" in line
    assert _train(tmp_path / "many.csv", tmp_path / "r2", "--max-categories", "12") == 0
    # id, a, noise, b and the 12 one-hot columns
    assert tuple(runs.load_run(tmp_path / "r2").model.input_sample_shape) == (4 + 12,)


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (["--ignore", "nosuchcol"], ["--ignore", "'nosuchcol'", "id, a, noise, colour, b, kind"]),
        (["--ignore", "a,kind"], ["--ignore kind", "target column"]),
        (["--ignore", "a,,b"], ["--ignore", "empty column"]),
        (["--ignore", "a,a"], ["--ignore", "more than once"]),
        (["--ignore", "id,a,noise,colour,b"], ["--ignore", "leaves no feature column"]),
        (["--max-categories", "0"], ["--max-categories", ">= 2", "got 0"]),
        (["--max-categories", "1"], ["--max-categories", ">= 2", "got 1"]),
        (["--max-categories", "many"], ["--max-categories", "'many'"]),
        (["--handle-unknown", "zero"], ["--handle-unknown", "'zero'", "error, ignore"]),
    ],
)
def test_a_bad_value_is_one_line_naming_the_flag(folder, tmp_path, capsys, extra, fragments):
    assert _train(folder / "t.csv", tmp_path / "r", *extra) == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    for fragment in fragments:
        assert fragment in line
    assert not (tmp_path / "r").exists()


def test_the_flags_are_for_csv_files_only(tmp_path, capsys):
    args = ["train", "--dataset", "fashion-mnist-sample", "--ignore", "x"]
    assert main([*args, "--out", str(tmp_path / "r"), "--quiet"]) == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1 and "--ignore is for CSV files" in line


def test_an_image_runs_config_has_no_table_keys():
    config = runs.TrainConfig.from_mapping({"dataset": "mnist"})
    assert not {"ignore", "handle_unknown", "max_categories"} & set(config.to_dict())
    old = runs.TrainConfig.from_mapping({"dataset": "t.csv", "target": "kind"})  # before them
    assert (old.ignore, old.handle_unknown, old.max_categories) == ([], "error", 50)


def test_describe_names_the_one_hot_columns_and_the_missing_values(tmp_path, capsys):
    table = _table()
    table.loc[[3, 7], "a"] = None
    table.loc[[5], "colour"] = None
    table.to_csv(tmp_path / "gaps.csv", index=False, na_rep="NA")
    assert main(["data", "describe", str(tmp_path / "gaps.csv"), "--target", "kind"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich wraps lines
    assert "one-hot: colour -> 3 input(s) (blue, green, red)" in out
    assert "glassnet train --ignore colour" in out
    assert "missing values in the file: 3 (a 2, colour 1)" in out
    args = ["data", "describe", str(tmp_path / "gaps.csv"), "--target", "kind", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["table"] == {"one_hot": {"colour": COLOURS}, "missing": {"a": 2, "colour": 1}}
