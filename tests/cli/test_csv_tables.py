"""`glassnet train` and `glassnet predict` on a table as it comes: missing values and text
columns (issue 20's done-when test, from the CLI).

The preprocessing is recomputed here by hand from the training part (fill values with
NumPy, one-hot with pandas, then the standardisation), and the model's predictions on
those rows must equal what `glassnet predict` answers for the raw rows.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.cli import main, runs

NUMBERS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
ISLANDS = ["Biscoe", "Dream", "Torgersen"]


def _penguins_like(seed: int = 0) -> pd.DataFrame:
    """The shipped penguins with two text columns and ~5 % missing cells in three columns."""
    table = pd.read_csv(gn.datasets.example_csv("penguins"))
    rng = np.random.default_rng(seed)
    gentoo = (table["species"] == "Gentoo").to_numpy()
    table["island"] = np.where(gentoo, "Biscoe", rng.choice(["Dream", "Torgersen"], len(table)))
    table["sex"] = rng.choice(["female", "male"], len(table))
    for column in ("bill_length_mm", "island", "sex"):
        table.loc[rng.random(len(table)) < 0.05, column] = None
    return table


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("csv-tables")
    table = _penguins_like()
    table.to_csv(root / "raw.csv", index=False, na_rep="NA")
    new = pd.DataFrame(
        {
            "island": ["Dream", "Biscoe", None],  # another column order than training
            "bill_length_mm": [None, 46.5, 39.0],
            "bill_depth_mm": [18.5, 14.5, 18.0],
            "flipper_length_mm": [190, 215, 185],
            "body_mass_g": [3700, 5000, 3600],
            "sex": ["male", None, "female"],
        }
    )
    new.to_csv(root / "new.csv", index=False, na_rep="NA")
    return root, table, new


def _train(root, capsys, *extra):
    args = ["train", "--dataset", str(root / "raw.csv"), "--target", "species", "--seed", "0"]
    code = main([*args, "--layers", "16", "--epochs", "3", *extra])
    return code, capsys.readouterr()


def test_missing_values_are_an_error_counting_them_per_column(trained, tmp_path, capsys):
    root, table, _ = trained
    code, captured = _train(root, capsys, "--out", str(tmp_path / "run"), "--quiet")
    assert code == 2
    line = captured.err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    counts = table.isna().sum()
    for column in ("bill_length_mm", "island", "sex"):
        assert f"{column} {counts[column]}" in line
    assert f"{int(counts.sum())} missing value(s) in 3 column(s)" in line
    assert "--missing" in line and not (tmp_path / "run").exists()


def test_trains_with_missing_values_and_text_columns_and_predicts_new_rows(trained, capsys):
    root, table, new = trained
    out = root / "run"
    code, captured = _train(root, capsys, "--missing", "mean", "--out", str(out))
    assert code == 0, captured.err
    # The training part, as the run split it (the split is the library's; the rest is ours).
    species = sorted(table["species"].unique())
    y = table["species"].map({s: i for i, s in enumerate(species)}).to_numpy()
    (train_rows, _), _, _ = gn.datasets.train_val_test_split(
        np.arange(len(table)), y, [0.8, 0.1, 0.1], seed=0
    )
    train = table.iloc[train_rows]
    means = {c: float(np.nanmean(train[c].to_numpy(dtype=float))) for c in NUMBERS}
    modes = {}
    for c in ("island", "sex"):
        counts = train[c].dropna().value_counts()
        modes[c] = sorted(counts.index[counts == counts.max()])[0]  # ties: the first in order
    filled = int(table[[*NUMBERS, "island", "sex"]].isna().sum().sum())
    summary = (
        "one-hot: island -> 3 columns (Biscoe, Dream, Torgersen); sex -> 2 columns (female, "
        f"male); filled {filled} missing value(s) with the training mean (text columns: the "
        "most frequent)"
    )
    assert summary in captured.out

    def by_hand(frame: pd.DataFrame) -> np.ndarray:
        numbers = np.column_stack([frame[c].to_numpy(dtype=float) for c in NUMBERS])  # (rows, 4)
        for j, c in enumerate(NUMBERS):
            numbers[np.isnan(numbers[:, j]), j] = means[c]
        hot = []
        for c, values in (("island", ISLANDS), ("sex", ["female", "male"])):
            text = frame[c].fillna(modes[c])
            hot.append(np.column_stack([(text == v).to_numpy(dtype=float) for v in values]))
        return np.column_stack([numbers, *hot])

    x_train = by_hand(train)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    info = json.loads((out / "run.json").read_text())
    assert info["feature_names"] == NUMBERS + [f"island={v}" for v in ISLANDS] + [
        "sex=female",
        "sex=male",
    ]
    np.testing.assert_allclose(info["preprocessing"]["mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(info["preprocessing"]["scale"], std, rtol=1e-12)
    assert info["table"]["fill"][:4] == pytest.approx([means[c] for c in NUMBERS], rel=1e-12)
    assert info["table"]["fill"][4:] == [modes["island"], modes["sex"]]

    assert main(["predict", str(out), str(root / "new.csv"), "--json"]) == 0
    answered = json.loads(capsys.readouterr().out)
    model = runs.load_run(out).model
    x_new = ((by_hand(new) - mean) / std).astype(np.float32)
    logits = model.predict(x_new, verbose=0).astype(np.float64)
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert len(answered) == 3
    for row, probs in zip(answered, expected, strict=True):
        assert row["class"] == species[int(probs.argmax())]
        assert row["probability"] == pytest.approx(float(probs.max()), abs=1e-5)


def test_an_unseen_category_at_predict_time_is_one_line_naming_it(trained, tmp_path, capsys):
    root, _, new = trained
    if not (root / "run").exists():
        _train(root, capsys, "--missing", "mean", "--out", str(root / "run"), "--quiet")
    rows = new.copy()
    rows.loc[1, "island"] = "Atlantis"
    rows.to_csv(tmp_path / "unseen.csv", index=False, na_rep="NA")
    capsys.readouterr()
    assert main(["predict", str(root / "run"), str(tmp_path / "unseen.csv")]) == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    assert "unseen.csv" in line and "'island'" in line and "'Atlantis'" in line
    assert "Biscoe, Dream, Torgersen" in line


def test_a_text_column_of_many_values_is_one_line_with_the_count(trained, tmp_path, capsys):
    _, table, _ = trained
    ids = table.dropna().copy()
    ids["tag"] = [f"p{i}" for i in range(len(ids))]
    ids.to_csv(tmp_path / "ids.csv", index=False)
    args = ["train", "--dataset", str(tmp_path / "ids.csv"), "--target", "species"]
    code = main([*args, "--epochs", "1", "--out", str(tmp_path / "run"), "--quiet"])
    line = capsys.readouterr().err.strip()
    assert code == 2 and len(line.splitlines()) == 1
    # 80 % of the rows are the training part, where the categories are counted
    (train_rows, _), _, _ = gn.datasets.train_val_test_split(
        np.arange(len(ids)),
        ids["species"].map({"Adelie": 0, "Chinstrap": 1, "Gentoo": 2}).to_numpy(),
        [0.8, 0.1, 0.1],
        seed=0,
    )
    assert f"text column 'tag' has {len(train_rows)} distinct values" in line
    assert "max_categories=50" in line and "remove the column" in line


def test_a_bare_model_file_says_it_divided_csv_rows_by_255(tmp_path, capsys):
    import json

    import numpy as np

    import glassnet as gn
    from glassnet.cli import main

    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(2, activation="softmax", input_shape=(3,))])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    path = tmp_path / "bare.glassnet"
    model.save(path)
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b,c\n255,0,51\n")
    assert main(["predict", str(path), str(rows), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["preprocessing"][0].startswith("divided every value by 255, as for images")
    by_hand = model.predict(np.array([[255.0, 0.0, 51.0]]) / 255.0, verbose=0)[0]
    np.testing.assert_allclose([p for _, p in result["top"]], sorted(by_hand, reverse=True), 1e-6)
