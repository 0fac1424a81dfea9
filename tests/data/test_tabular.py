"""load_csv: the user's own table, and a precise error for each way a CSV goes wrong."""

import numpy as np
import pytest

from glassnet.datasets import load_csv


def _csv(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_features_labels_and_class_names(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2.5,dog\n3,-4,cat\n5,6e1,dog\n")
    data = load_csv(path, target="label")
    x, y, names = data
    np.testing.assert_array_equal(x, [[1, 2.5], [3, -4], [5, 60]])
    assert x.dtype == np.float64
    assert names == ["cat", "dog"] and y.tolist() == [1, 0, 1]
    assert data.feature_names == ["a", "b"] and data.target == "label"


def test_target_may_be_any_column(tmp_path):
    path = _csv(tmp_path, "label,a\nx,1\ny,2\n")
    x, _y, names = load_csv(path, target="label")
    assert x.tolist() == [[1.0], [2.0]] and names == ["x", "y"]


def test_numeric_labels_sort_as_numbers(tmp_path):
    path = _csv(tmp_path, "f,c\n0,10\n1,9\n2,2\n3,9.0\n")
    _x, y, names = load_csv(path, target="c")
    assert names == ["2", "9", "10"]
    assert y.tolist() == [2, 1, 0, 1]  # "9" and "9.0" are the same class


def test_delimiters_bom_quotes_and_blank_lines(tmp_path):
    path = _csv(tmp_path, '\ufeff"x";"y";"kind"\n\n1;2;"a;b"\n3;4;c\n\n', encoding="utf-8")
    x, _y, names = load_csv(path, target="kind")
    assert x.tolist() == [[1, 2], [3, 4]] and names == ["a;b", "c"]
    tabbed = _csv(tmp_path, "x\ty\n1\tp\n2\tq\n", name="t.tsv")
    assert load_csv(tabbed, target="y").x.tolist() == [[1.0], [2.0]]


def test_missing_values_are_reported_per_column(tmp_path):
    path = _csv(tmp_path, "a,b,c,label\n1,,3,x\n4,NA,?,y\n7,8,9,\n1,2,3,x\n")
    with pytest.raises(ValueError) as caught:
        load_csv(path, target="label")
    message = str(caught.value)
    assert "4 missing value(s) in 3 column(s): b 2, c 1, label 1" in message
    assert "the first at line 2, column 'b'" in message


def test_non_numeric_feature_names_column_and_line(tmp_path):
    path = _csv(tmp_path, "size,colour,label\n1,2,a\n2,red,b\n3,blue,a\n")
    with pytest.raises(
        ValueError, match=r"feature column 'colour' must be numeric, but line 3 holds 'red'"
    ):
        load_csv(path, target="label")


def test_infinite_feature_is_rejected(tmp_path):
    path = _csv(tmp_path, "a,label\n1,x\ninf,y\n")
    with pytest.raises(ValueError, match="column 'a' must be numeric, but line 3 holds 'inf'"):
        load_csv(path, target="label")


def test_missing_target_lists_the_columns(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2,x\n")
    with pytest.raises(
        ValueError, match=r"target column 'class' is not in data\.csv; its columns are: a, b, label"
    ):
        load_csv(path, target="class")


def test_single_class(tmp_path):
    path = _csv(tmp_path, "a,label\n1,x\n2,x\n")
    with pytest.raises(ValueError, match=r"single class \('x' in all 2 rows\)"):
        load_csv(path, target="label")


def test_empty_and_header_only_files(tmp_path):
    with pytest.raises(ValueError, match=r"data\.csv is empty"):
        load_csv(_csv(tmp_path, "  \n\n"), target="label")
    with pytest.raises(ValueError, match="has a header but no data rows"):
        load_csv(_csv(tmp_path, "a,label\n", name="h.csv"), target="label")


def test_ragged_row(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2,x\n3,y\n")
    with pytest.raises(ValueError, match=r"line 3 has 2 cells, the header has 3 \(a, b, label\)"):
        load_csv(path, target="label")


def test_regression_target_is_refused(tmp_path):
    path = _csv(tmp_path, "a,price\n1,3.5\n2,4.25\n")
    with pytest.raises(ValueError, match=r"non-integer numbers \(e.g. '3.5'\)"):
        load_csv(path, target="price")


def test_header_problems(tmp_path):
    with pytest.raises(ValueError, match="column 'a' appears twice"):
        load_csv(_csv(tmp_path, "a,a,label\n1,2,x\n"), target="label")
    with pytest.raises(ValueError, match=r"header cell\(s\) \[2\] are empty"):
        load_csv(_csv(tmp_path, "a,,label\n1,2,x\n", name="e.csv"), target="label")
    with pytest.raises(ValueError, match="has only the target column 'label'; no features"):
        load_csv(_csv(tmp_path, "label\nx\ny\n", name="o.csv"), target="label")


def test_missing_file_and_bad_target_type(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_csv(tmp_path / "nope.csv", target="label")
    with pytest.raises(ValueError, match="is a folder"):
        load_csv(tmp_path, target="label")
    with pytest.raises(TypeError, match="target must be a column name"):
        load_csv(_csv(tmp_path, "a,b\n1,2\n"), target=1)


def test_label_column_by_position(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2,x\n3,4,y\n")
    by_name, by_position = load_csv(path, target="label"), load_csv(path, label_column=-1)
    assert by_position.target == "label" and by_position.y.tolist() == by_name.y.tolist()
    first = load_csv(_csv(tmp_path, "a,b,c\n0,2,5\n1,4,6\n", name="n.csv"), label_column=-3)
    assert first.target == "a" and first.feature_names == ["b", "c"]
    with pytest.raises(ValueError, match=r"label_column=3 is out of range for the 3 column"):
        load_csv(path, label_column=3)
    with pytest.raises(TypeError, match="needs the label column"):
        load_csv(path)
    with pytest.raises(TypeError, match="needs the label column"):
        load_csv(path, target="label", label_column=-1)


def test_a_file_without_header_is_a_table_of_numbers(tmp_path):
    path = _csv(tmp_path, "0,0,-1\n1,0,-1\n3,3,1\n")
    data = load_csv(path, label_column=-1, header=None)  # the first row is numbers: data
    assert data.x.tolist() == [[0, 0], [1, 0], [3, 3]]
    assert data.feature_names == ["column 1", "column 2"] and data.target == "column 3"
    assert data.labels.tolist() == [-1.0, -1.0, 1.0] and data.class_names == ["-1", "1"]
    assert load_csv(path, label_column=-1, header=False).x.shape == (3, 2)
    with pytest.raises(ValueError, match=r"names a column, but data\.csv has no header"):
        load_csv(path, target="column 3", header=False)
    with_header = _csv(tmp_path, "x1,x2,label\n0,0,a\n1,1,b\n", name="h.csv")
    assert load_csv(with_header, label_column=-1, header=None).labels.tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,0\n3,x,1\n", r"data\.csv line 2, column 2: 'x' is not a finite number"),
        ("1,2,0\n3,,1\n", r"line 2, column 2: '' is not a finite number"),
        ("1,2,0\n3,4\n", r"line 2 has 2 columns, expected 3 as in line 1"),
        ("1\n2\n", "needs input columns and a label column, got 1 column"),
        ("x1,x2,label\n", r"holds no data rows: its one row \(x1, x2, label\) is not all numbers"),
    ],
)
def test_errors_of_a_file_without_header(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_csv(_csv(tmp_path, text), label_column=-1, header=None)


def test_the_csv_standard_is_followed_exactly(tmp_path):
    # Quoted cells keep their newlines and delimiters; U+2028 and \x0b are no line breaks.
    path = _csv(tmp_path, 'a,label\n1,"x\ny"\n2,"a,b"\n3,c\u2028d\n4,e\x0bf\n')
    data = load_csv(path, target="label")
    assert [data.class_names[i] for i in data.y] == ["x\ny", "a,b", "c\u2028d", "e\x0bf"]
    assert data.x.ravel().tolist() == [1, 2, 3, 4]


def test_an_unclosed_quote_or_a_nul_byte_is_an_error_naming_the_line(tmp_path):
    path = _csv(tmp_path, 'a,b,label\n1,2,x\n3,4,"y\n5,6,z\n')
    with pytest.raises(ValueError, match=r"data\.csv line 3: a quoted cell .* never closed"):
        load_csv(path, target="label")
    path = _csv(tmp_path, "a,b,label\n1,2,x\n3,4,1\x00\n", name="nul.csv")
    with pytest.raises(ValueError, match=r"nul\.csv line 3, column 3: a NUL byte"):
        load_csv(path, target="label")


def test_encodings(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,label\n1,café\n2,thé\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.csv is not UTF-8 text: byte 0xe9 on line 2"):
        load_csv(path, target="label")
    assert load_csv(path, target="label", encoding="latin-1").class_names == ["café", "thé"]
    path.write_text("a,label\n1,x\n2,y\n", encoding="utf-16")
    assert load_csv(path, target="label", encoding="utf-16").class_names == ["x", "y"]
