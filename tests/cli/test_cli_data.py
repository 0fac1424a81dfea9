"""`glassnet data describe` and `glassnet data split`: output, files, and one-line errors."""

import csv
import json
from pathlib import Path

import pytest

from glassnet.cli import main

DEBIAN = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture
def table(tmp_path):
    """40 rows: 30 of class 'a', 10 of class 'b', two numeric features."""
    path = tmp_path / "table.csv"
    rows = [("x1", "x2", "kind")]
    rows += [(str(i), str(i * 0.5), "a" if i < 30 else "b") for i in range(40)]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    return path


def _one_line_error(capsys, fragment):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err
    return err


def test_describe_csv(table, capsys):
    assert main(["data", "describe", str(table), "--target", "kind"]) == 0
    out = capsys.readouterr().out
    assert "table.csv (target 'kind')" in out
    assert "samples" in out and "40" in out
    assert "x1" in out and "a" in out and "30 (75.0%)" in out
    assert "imbalanced classes" in out and "accuracy 0.75" in out


def test_describe_csv_as_json(table, capsys):
    assert main(["data", "describe", str(table), "--target", "kind", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["class_names"] == ["a", "b"] and report["class_counts"] == [30, 10]
    assert report["feature_names"] == ["x1", "x2"] and report["baseline_accuracy"] == 0.75


@pytest.mark.skipif(not DEBIAN.is_dir(), reason="dataset-fashion-mnist is not installed")
def test_describe_fashion_mnist(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("GLASSNET_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert main(["data", "describe", "fashion-mnist", "--part", "test", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_samples"] == 10000 and report["feature_shape"] == [28, 28]
    assert report["class_counts"] == [1000] * 10 and report["class_names"][9] == "Ankle boot"
    assert report["baseline_accuracy"] == 0.1


def test_split_writes_three_stratified_files(table, tmp_path, capsys):
    out = tmp_path / "parts"
    argv = ["data", "split", str(table), "--target", "kind", "--ratios", "0.6,0.2,0.2"]
    assert main([*argv, "--out", str(out), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "train.csv" in printed and "24 rows" in printed
    original = table.read_text().splitlines()
    seen = []
    for name, size, b_count in (("train", 24, 6), ("val", 8, 2), ("test", 8, 2)):
        with open(out / f"{name}.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == ["x1", "x2", "kind"]
        assert len(rows) - 1 == size and sum(r[2] == "b" for r in rows[1:]) == b_count
        seen += [",".join(r) for r in rows[1:]]
    assert sorted(seen) == sorted(original[1:])  # every row once, unchanged
    # same seed, same files
    first = (out / "val.csv").read_text()
    assert main([*argv, "--out", str(out), "--seed", "3", "--force"]) == 0
    assert (out / "val.csv").read_text() == first


def test_split_presets_and_refusing_to_overwrite(table, tmp_path, capsys):
    out = tmp_path / "p"
    assert main(["data", "split", str(table), "--target", "kind", "--out", str(out)]) == 0
    assert len((out / "train.csv").read_text().splitlines()) == 1 + 32  # small = 80/10/10
    capsys.readouterr()
    before = (out / "train.csv").read_text()
    code = main(
        ["data", "split", str(table), "--target", "kind", "--ratios", "large", "--out", str(out)]
    )
    assert code == 2
    _one_line_error(capsys, "already exist(s); pass --force")
    assert (out / "train.csv").read_text() == before


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["describe", "{table}", "--target", "type"],
            "target column 'type' is not in table.csv; its columns are: x1, x2, kind",
        ),
        (["describe", "{table}"], "needs --target COLUMN"),
        (["describe", "missing.csv"], "No file or built-in data set named 'missing.csv'"),
        (
            ["split", "{table}", "--target", "kind", "--ratios", "0.8,0.1", "--out", "{out}"],
            "ratios must have 3 values",
        ),
        (
            ["split", "{table}", "--target", "kind", "--ratios", "a,b,c", "--out", "{out}"],
            "--ratios must be three numbers",
        ),
        (
            ["split", "{table}", "--target", "kind", "--ratios", "0.5,0.3,0.3", "--out", "{out}"],
            "ratios must sum to 1",
        ),
        (["split", "{table}", "--out", "{out}"], "--target"),
        ([], "choose an action: describe, split, example or image"),
    ],
)
def test_user_errors_print_one_line_and_exit_2(table, tmp_path, capsys, argv, fragment):
    argv = [a.format(table=table, out=tmp_path / "o") for a in argv]
    assert main(["data", *argv]) == 2
    _one_line_error(capsys, fragment)
    assert not (tmp_path / "o").exists()


def test_empty_csv(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["data", "describe", str(empty), "--target", "y"]) == 2
    _one_line_error(capsys, "empty.csv is empty")
