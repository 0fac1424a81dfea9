"""load_csv on tables as they come: missing values, text columns, a fitted preprocessing."""

import json

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.datasets import TablePreprocessor, load_csv

TABLE = (
    "mass,island,sex,species\n"
    "3.0,Dream,f,a\n"
    "NA,Biscoe,m,b\n"
    "5.0,Dream,,a\n"
    "9.0,Torgersen,m,b\n"
    "?,Dream,f,\n"
)


def _csv(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_result_indexes_and_unpacks_as_the_tuple(tmp_path):
    data = load_csv(_csv(tmp_path, "a,b\n1,x\n2,y\n"), target="b")
    x, y, names = data
    assert data[0] is x and data[1] is y and data[2] == names == ["x", "y"]
    assert len(data) == 3 and isinstance(data, tuple)


def test_missing_values_counted_per_column_and_mean_fitted_on_training_rows(tmp_path):
    data = load_csv(
        _csv(tmp_path, TABLE),
        target="species",
        missing="mean",
        fit_rows=[0, 1, 2],
        handle_unknown="ignore",
    )
    assert data.missing == {"mass": 2, "sex": 1, "species": 1}
    assert data.dropped == 1  # the row without a label
    # fitted on rows 0..2 only: mass mean (3 + 5) / 2 = 4, not (3 + 5 + 9) / 3
    assert data.x[:, 0].tolist() == [3.0, 4.0, 5.0, 9.0]
    # island categories from rows 0..2: Biscoe, Dream; Torgersen (row 3) is unseen
    assert data.feature_names == ["mass", "island=Biscoe", "island=Dream", "sex=f", "sex=m"]


def test_unseen_category_is_an_error_or_an_all_zero_row(tmp_path):
    path = _csv(tmp_path, TABLE)
    with pytest.raises(ValueError, match=r"column 'island' holds 'Torgersen' \(row 4\), a value "):
        load_csv(path, target="species", missing="mean", fit_rows=[0, 1, 2])
    data = load_csv(
        path, target="species", missing="mean", fit_rows=[0, 1, 2], handle_unknown="ignore"
    )
    assert data.x[3, 1:3].tolist() == [0.0, 0.0]
    # sex missing in row 2: most frequent of rows 0..2 (f once, m once: the first sorted, f)
    assert data.x[2, 3:].tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("missing", "mass"),
    [("median", [3.0, 5.0, 5.0, 9.0]), ("most-frequent", [3.0, 3.0, 5.0, 9.0])],
)
def test_median_and_most_frequent(tmp_path, missing, mass):
    data = load_csv(_csv(tmp_path, TABLE), target="species", missing=missing)
    # median of 3, 5, 9 is 5; most frequent: all once, the smallest (3) first
    assert data.x[:, 0].tolist() == mass


def test_drop_removes_rows_with_a_missing_value(tmp_path):
    data = load_csv(_csv(tmp_path, TABLE), target="species", missing="drop")
    assert data.dropped == 3 and data.x[:, 0].tolist() == [3.0, 9.0]
    with pytest.raises(ValueError, match="can't be dropped"):
        data.preprocessor.transform(
            pd.DataFrame({"mass": [np.nan], "island": ["Dream"], "sex": ["f"]})
        )


def test_missing_values_refused_by_default_with_the_options(tmp_path):
    with pytest.raises(ValueError, match=r"missing='drop', 'mean', 'median' or 'most-frequent'"):
        load_csv(_csv(tmp_path, TABLE), target="species")


def test_too_many_categories_is_an_error_with_the_count(tmp_path):
    rows = "".join(f"{i},name{i},{i % 2}\n" for i in range(120))
    path = _csv(tmp_path, "a,name,label\n" + rows)
    with pytest.raises(ValueError, match=r"text column 'name' has 120 distinct values.*ignore="):
        load_csv(path, target="label")
    assert load_csv(path, target="label", ignore=["name"]).feature_names == ["a"]


def test_a_dataframe_reads_as_the_file(tmp_path):
    path = _csv(tmp_path, TABLE)
    from_file = load_csv(path, target="species", missing="median")
    from_frame = load_csv(pd.read_csv(path), target="species", missing="median")
    np.testing.assert_array_equal(from_file.x, from_frame.x)
    assert from_file.y.tolist() == from_frame.y.tolist()


def test_the_preprocessor_round_trips_through_json(tmp_path):
    data = load_csv(_csv(tmp_path, TABLE), target="species", missing="mean")
    again = TablePreprocessor.from_dict(data.preprocessor.to_dict())
    new = pd.DataFrame({"mass": [np.nan, 7.0], "island": ["Biscoe", "Dream"], "sex": ["m", None]})
    np.testing.assert_array_equal(again.transform(new), data.preprocessor.transform(new))
    # mass filled with the mean of 3, 5, 9 = 17/3; sex with the most frequent (f and m twice: f)
    np.testing.assert_allclose(again.transform(new)[0], [17 / 3, 1, 0, 0, 0, 1])


def test_regression_task_keeps_the_numbers(tmp_path):
    data = load_csv(_csv(tmp_path, "a,b\n1,0.5\n2,1.5\n"), target="b", task="regression")
    assert data.y.tolist() == [0.5, 1.5] and data.class_names == []


def test_penguins_like_table_trains_and_predicts_new_rows(tmp_path):
    shipped = pd.read_csv(gn.datasets.example_csv("penguins"))
    rng = np.random.default_rng(0)
    table = shipped.copy()
    table["island"] = np.where(
        table["species"] == "Gentoo", "Biscoe", rng.choice(["Dream", "Torgersen"], len(table))
    )
    table["sex"] = rng.choice(["female", "male"], len(table))
    for column in ("bill_length_mm", "sex", "island"):
        table.loc[rng.random(len(table)) < 0.05, column] = None
    path = tmp_path / "penguins_raw.csv"
    table.to_csv(path, index=False, na_rep="NA")
    order = rng.permutation(len(table))
    train_rows = order[:250]
    data = load_csv(path, target="species", missing="median", fit_rows=train_rows)
    assert data.missing["bill_length_mm"] > 0 and data.missing["sex"] > 0
    assert data.x.shape[1] == 4 + 3 + 2
    scaler = gn.datasets.StandardScaler().fit(data.x[train_rows])
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.layers.Dense(16, activation="relu"), gn.layers.Dense(3)])
    model.compile(
        optimizer="adam",
        metrics=["accuracy"],
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(scaler.transform(data.x[train_rows]), data.y[train_rows], epochs=60, verbose=0)
    test_rows = order[250:]
    accuracy = (
        model.predict(scaler.transform(data.x[test_rows]), verbose=0).argmax(1) == data.y[test_rows]
    ).mean()
    assert accuracy > 0.9  # penguins' species are nearly separable from these measures
    new = pd.DataFrame(
        {
            "bill_length_mm": [None, 46.5],
            "bill_depth_mm": [18.5, 14.5],
            "flipper_length_mm": [190, 215],
            "body_mass_g": [3700, 5000],
            "island": ["Dream", "Biscoe"],
            "sex": ["male", None],
        }
    )
    x_new = data.preprocessor.transform(new)
    kept = table[table["species"].notna()].reset_index(drop=True)  # no label is missing here
    train = kept.iloc[train_rows]
    median = np.nanmedian(train["bill_length_mm"].to_numpy(dtype=float))
    assert x_new[0, 0] == median  # the median of the training rows only
    sexes = train["sex"].value_counts()
    mode = sorted(sexes.index[sexes == sexes.max()])[0]
    by_hand = np.array(
        [
            [median, 18.5, 190, 3700, 0, 1, 0, 0, 1],  # island Dream, sex male
            [46.5, 14.5, 215, 5000, 1, 0, 0, mode == "female", mode == "male"],
        ],
        dtype=float,
    )
    np.testing.assert_array_equal(x_new, by_hand)
    predicted = model.predict(scaler.transform(x_new), verbose=0).argmax(1)
    assert [data.class_names[i] for i in predicted] == ["Adelie", "Gentoo"]
    # The same from a CSV file of new rows, with the preprocessing stored as JSON and
    # rebuilt (as a run folder keeps it): the predictions on the hand-made rows.
    stored = TablePreprocessor.from_dict(json.loads(json.dumps(data.preprocessor.to_dict())))
    new.to_csv(tmp_path / "new.csv", index=False, na_rep="NA")
    x_file = gn.datasets.load_features(tmp_path / "new.csv", preprocessor=stored)
    np.testing.assert_array_equal(x_file, by_hand)
    np.testing.assert_array_equal(
        model.predict(scaler.transform(x_file), verbose=0),
        model.predict(scaler.transform(by_hand), verbose=0),
    )


def test_an_unseen_category_is_an_error_or_all_zeros_as_handle_unknown_says(tmp_path):
    path = _csv(tmp_path, "mass,island,kind\n3,Dream,a\n4,Biscoe,b\n")
    new = pd.DataFrame({"mass": [5.0], "island": ["Atlantis"]})
    strict = load_csv(path, target="kind").preprocessor
    with pytest.raises(ValueError, match=r"'island' holds 'Atlantis' \(row 1\), a value not seen"):
        strict.transform(new)
    lenient = load_csv(path, target="kind", handle_unknown="ignore").preprocessor
    assert lenient.transform(new).tolist() == [[5.0, 0.0, 0.0]]


def test_describe_reports_missing_values_instead_of_refusing(tmp_path, capsys):
    from glassnet.cli import main

    path = _csv(tmp_path, "mass,island,species\n3,Dream,a\nNA,Biscoe,b\n5,,a\n4,Dream,b\n")
    assert main(["data", "describe", str(path), "--target", "species", "--json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    text = json.dumps(report)
    assert "island=Dream" in text
    data = load_csv(path, target="species", missing="keep")
    # mass: NaN kept; island missing in row 2: NaN in both one-hot columns
    assert np.isnan(data.x[1, 0]) and np.isnan(data.x[2, 1:]).all()
    assert np.nanmean(data.x[:, 0]) == 4.0  # (3 + 5 + 4) / 3


@pytest.mark.parametrize("reader", ["load_csv", "load_features"])
def test_an_extra_cell_in_the_first_data_row_is_an_error_not_an_index(tmp_path, reader):
    # pandas would read the first column as the row index and shift the others silently.
    path = _csv(tmp_path, "a,b\n4,25,1\n5,26\n", name="extra.csv")
    with pytest.raises(ValueError, match=r"extra\.csv line 2 has 3 cells, the header has 2"):
        if reader == "load_csv":
            load_csv(path, target="b")
        else:
            gn.datasets.load_features(path, ["a", "b"])
