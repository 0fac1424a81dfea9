"""load_csv on odd and broken CSV files: read exactly as the CSV standard says, or a
ValueError naming the file (and the line); never a cell dropped or changed silently."""

from __future__ import annotations

import pytest

from glassnet.datasets import load_csv

HEADER = "a,b,label\n"
BAD = {
    # quoting
    "unterminated-quote": HEADER + '1,2,x\n3,4,"y\n5,6,z\n7,8,w\n9,10,x\n',
    "unterminated-quote-last-line": HEADER + '1,2,x\n3,4,"y',
    "text-after-closing-quote": HEADER + '1,2,"x"y\n3,4,z\n',
    "quote-in-feature": HEADER + '1,"2"3,x\n3,4,z\n',
    # bytes that are not text
    "nul-in-feature": HEADER + "1,2\x00,x\n3,4,z\n",
    "nul-in-label": HEADER + "1,2,x\x00\n3,4,z\n",
    "nul-trailing": HEADER + "1,2,x\n3,4,z\x00",
    "nul-in-header": "a,b\x00,label\n1,2,x\n3,4,z\n",
    "latin-1-bytes": (HEADER + "1,2,café\n3,4,z\n").encode("latin-1"),
    "utf-16-with-bom": (HEADER + "1,2,x\n3,4,z\n").encode("utf-16"),
    "utf-16-le-without-bom": (HEADER + "1,2,x\n3,4,z\n").encode("utf-16-le"),
    "binary-png": b"\x89PNG\r\n\x1a\n" + bytes(100),
    "random-bytes": bytes(range(256)) * 4,
    # shape and content
    "empty": "",
    "only-blank-lines": "\n\n  \n\t\n",
    "header-only": HEADER,
    "ragged-short-row": HEADER + "1,2,x\n3,4\n",
    "ragged-long-row": HEADER + "1,2,x\n3,4,z,9\n",
    "vertical-tab-is-no-line-break": "a;b;label\x0b1;2;0\n3;4;1",
    "line-separator-is-no-line-break": "a,b,label\u20281,2,0\n3,4,1\n",
    "quoted-newline-in-feature": HEADER + '1,"2\n3",x\n3,4,z\n',
    "missing-value": HEADER + "1,,x\n3,4,z\n",
    "nan-feature": HEADER + "1,nan,x\n3,4,z\n",
    "inf-feature": HEADER + "1,inf,x\n3,4,z\n",
    "overflowing-feature": HEADER + "1,1e999,x\n3,4,z\n",
    "text-feature": HEADER + "1,two,x\n3,4,z\n",
    "single-class": HEADER + "1,2,x\n3,4,x\n",
    "regression-target": HEADER + "1,2,0.5\n3,4,1.5\n",
    "duplicate-header": "a,a,label\n1,2,x\n3,4,z\n",
    "empty-header-cell": "a,,label\n1,2,x\n3,4,z\n",
    "no-target-column": "a,b,kind\n1,2,x\n3,4,z\n",
    "cell-beyond-field-limit": HEADER + "1," + "9" * 200_000 + ",x\n3,4,z\n",
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_csv_file_is_a_value_error_naming_it(tmp_path, case):
    path = tmp_path / f"{case}.csv"
    content = BAD[case]
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(Exception) as caught:
        load_csv(path, target="label")
    assert type(caught.value) is ValueError, f"{case}: {type(caught.value).__name__}"
    assert path.name in str(caught.value), f"{case}: {caught.value}"


@pytest.mark.parametrize(
    ("case", "line"),
    [
        ("unterminated-quote", 3),
        ("text-after-closing-quote", 2),
        ("nul-in-feature", 2),
        ("nul-trailing", 3),
        ("latin-1-bytes", 2),
        ("ragged-short-row", 3),
    ],
)
def test_the_message_names_the_line(tmp_path, case, line):
    path = tmp_path / f"{case}.csv"
    content = BAD[case]
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ValueError, match=rf"\bline {line}\b"):
        load_csv(path, target="label")


def test_a_decode_error_names_the_encoding_tried(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(BAD["latin-1-bytes"])
    with pytest.raises(ValueError, match=r"latin\.csv is not UTF-8 text: byte 0xe9 on line 2"):
        load_csv(path, target="label")
    with pytest.raises(ValueError, match=r"is not ascii text: byte 0xe9 .* as ascii"):
        load_csv(path, target="label", encoding="ascii")
    path.write_bytes(BAD["utf-16-with-bom"])
    with pytest.raises(ValueError, match="UTF-16 byte-order mark: pass encoding='utf-16'"):
        load_csv(path, target="label")
    with pytest.raises(ValueError, match="not a known text encoding"):
        load_csv(path, target="label", encoding="klingon")
    with pytest.raises(TypeError, match="encoding must be a codec name"):
        load_csv(path, target="label", encoding=16)


AWKWARD = {
    # content, what it must read as: (feature rows, label of each row)
    "quoted-newline-in-label": (HEADER + '1,2,"x\ny"\n3,4,z\n', ([[1, 2], [3, 4]], ["x\ny", "z"])),
    "quoted-crlf-in-label": (
        HEADER + '1,2,"x\r\ny"\r\n3,4,z\r\n',
        ([[1, 2], [3, 4]], ["x\r\ny", "z"]),
    ),
    "line-separator-in-label": (
        HEADER + "1,2,x\u2028y\n3,4,z\n",
        ([[1, 2], [3, 4]], ["x\u2028y", "z"]),
    ),
    "vertical-tab-in-label": (HEADER + "1,2,x\x0by\n3,4,z\n", ([[1, 2], [3, 4]], ["x\x0by", "z"])),
    "doubled-quotes": (HEADER + '1,2,"say ""hi"""\n3,4,z\n', ([[1, 2], [3, 4]], ['say "hi"', "z"])),
    "quoted-delimiter": (HEADER + '1,2,"a,b"\n3,4,z\n', ([[1, 2], [3, 4]], ["a,b", "z"])),
    "bom": ("\ufeff" + HEADER + "1,2,x\n3,4,z\n", ([[1, 2], [3, 4]], ["x", "z"])),
    "crlf": (HEADER.replace("\n", "\r\n") + "1,2,x\r\n3,4,z\r\n", ([[1, 2], [3, 4]], ["x", "z"])),
    "old-mac-cr": (HEADER.replace("\n", "\r") + "1,2,x\r3,4,z\r", ([[1, 2], [3, 4]], ["x", "z"])),
    "no-final-newline": (HEADER + "1,2,x\n3,4,z", ([[1, 2], [3, 4]], ["x", "z"])),
    "spaces-around-cells": (HEADER + " 1 ,\t2, x \n3,4,z\n", ([[1, 2], [3, 4]], ["x", "z"])),
    "blank-lines": ("\n" + HEADER + "\n1,2,x\n\n3,4,z\n\n", ([[1, 2], [3, 4]], ["x", "z"])),
    "semicolons": ("a;b;label\n1;2,5;x\n3;4;z\n", None),  # "2,5" is no number: an error
    "unicode-labels": (HEADER + "1,2,ねこ\n3,4,🐕\n", ([[1, 2], [3, 4]], ["ねこ", "🐕"])),
}


@pytest.mark.parametrize("case", list(AWKWARD))
def test_valid_but_awkward_csv_reads_exactly(tmp_path, case):
    content, expected = AWKWARD[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(content.encode("utf-8"))
    if expected is None:
        with pytest.raises(ValueError, match=path.name):
            load_csv(path, target="label")
        return
    data = load_csv(path, target="label")
    rows, labels = expected
    assert data.x.tolist() == rows
    assert [data.class_names[i] for i in data.y] == labels


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8"])
def test_other_encodings_when_asked(tmp_path, encoding):
    path = tmp_path / "enc.csv"
    path.write_bytes((HEADER + "1,2,café\n3,4,naïve\n").encode(encoding))
    data = load_csv(path, target="label", encoding=encoding)
    assert data.class_names == ["café", "naïve"]


def test_a_wide_file_reads(tmp_path):
    columns = 100_000
    path = tmp_path / "wide.csv"
    header = ",".join(f"f{j}" for j in range(columns)) + ",label\n"
    path.write_text(
        header + ",".join(["1"] * columns) + ",x\n" + ",".join(["2"] * columns) + ",y\n"
    )
    assert load_csv(path, target="label").x.shape == (2, columns)


def test_the_tables_cover_what_the_report_lists():
    assert len(BAD) + len(AWKWARD) >= 32  # the report's CSV cases: 20 + 3 + 4 + 5
