"""The CLI's advice names what a shell user can type: flags and commands, never Python.

The library's messages keep their Python hints (`pass encoding='utf-16'`); the CLI rewrites
them (`cli_advice`), so each test here checks both sides. `--encoding` is read by every
command that reads a CSV file, and kept in a run's config.toml; a file that is not text at
all (an image, a PDF, a workbook) is named for what it is.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main

ROWS = [(i % 4 + 0.5 * (i % 3), (i * 7) % 5, i % 2) for i in range(40)]
TEXT = "a,b,y\n" + "".join(f"{a},{b},{y}\n" for a, b, y in ROWS)
PYTHON_HINT = re.compile(r"\b[a-z_]+='|gn\.|path=")


def _error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("glassnet: error: ") and "\n" not in err, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def utf16(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(TEXT.encode("utf-16"))
    return path


def test_library_keeps_python_hint_for_utf16(utf16):
    with pytest.raises(ValueError, match="pass encoding='utf-16'"):
        gn.datasets.load_csv(utf16, target="y")


@pytest.mark.parametrize(
    "argv",
    [
        ["data", "describe", "{f}", "--target", "y"],
        ["data", "split", "{f}", "--target", "y", "--out", "{d}/parts"],
        ["train", "--dataset", "{f}", "--target", "y", "--out", "{d}/run"],
    ],
)
def test_cli_utf16_hint_names_the_flag(utf16, tmp_path, capsys, argv):
    argv = [a.format(f=utf16, d=tmp_path) for a in argv]
    assert main(argv) == 2
    err = _error(capsys)
    assert err.endswith("pass --encoding utf-16.") and "encoding='" not in err, err
    assert not (tmp_path / "run").exists() and not (tmp_path / "parts").exists()


def test_other_encodings_hint_names_the_flag(tmp_path, capsys):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,y\ncaf\xe9,0\nth\xe9,1\n".encode("latin-1"))
    with pytest.raises(ValueError, match="encoding='latin-1'"):
        gn.datasets.load_csv(path, target="y")
    assert main(["data", "describe", str(path), "--target", "y"]) == 2
    assert _error(capsys).endswith("e.g. --encoding latin-1 or utf-16.")
    # with the flag, the file reads: its text column is one-hot encoded by its two values
    assert main(["data", "describe", str(path), "--target", "y", "--encoding", "latin-1"]) == 0
    assert "one-hot: name -> 2 input(s) (café, thé)" in capsys.readouterr().out


def test_encoding_flag_trains_is_kept_and_predicts(utf16, tmp_path, capsys):
    run = tmp_path / "run"
    argv = ["train", "--dataset", str(utf16), "--target", "y", "--layers", "4"]
    assert main([*argv, "--epochs", "1", "--out", str(run), "--quiet", "--encoding", "utf-16"]) == 0
    assert 'encoding = "utf-16"' in (run / "config.toml").read_text().splitlines()
    # --config repeats the run: the same split and weights, so the same test metrics
    again = tmp_path / "again"
    assert (
        main(["train", "--config", str(run / "config.toml"), "--out", str(again), "--quiet"]) == 0
    )
    first, second = (json.loads((r / "metrics.json").read_text()) for r in (run, again))
    assert second["test_loss"] == first["test_loss"]
    assert second["confusion_matrix"] == first["confusion_matrix"]
    # predict reads the UTF-16 file as the UTF-8 one: the same answers for all 40 rows
    utf8 = tmp_path / "u8.csv"
    utf8.write_text(TEXT, encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(run), str(utf8), "--json"]) == 0
    expected = capsys.readouterr().out
    assert main(["predict", str(run), str(utf16), "--json", "--encoding", "utf-16"]) == 0
    assert capsys.readouterr().out == expected and expected.count('"class"') == 40
    # evaluate --dataset reads it too: every row counted (support 20 + 20)
    assert main(["evaluate", str(run), "--dataset", str(utf16), "--encoding", "utf-16"]) == 0
    assert re.search(r"^0 .* 20$", capsys.readouterr().out, re.M)
    assert main(["predict", str(run), str(utf16)]) == 2
    assert _error(capsys).endswith("pass --encoding utf-16.")


def test_encoding_flag_is_checked(utf16, tmp_path, capsys):
    argv = ["train", "--dataset", str(utf16), "--target", "y", "--out", str(tmp_path / "r")]
    assert main([*argv, "--encoding", "klingon"]) == 2
    assert "'klingon' is not a text encoding" in _error(capsys)
    assert main(["train", "--dataset", "fashion-mnist-sample", "--encoding", "latin-1"]) == 2
    assert "--encoding is for CSV files" in _error(capsys)


def _png() -> bytes:
    from matplotlib import image

    buffer = io.BytesIO()
    image.imsave(buffer, np.zeros((4, 4)), format="png")
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (_png, "a PNG image"),
        (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        (lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a GIF image"),
        (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        (lambda: b"\x1f\x8b\x08\x00" + bytes(20), "a gzip-compressed file"),
        (_xlsx, "an Excel workbook (.xlsx"),
    ],
)
def test_binary_file_given_as_csv_is_named(tmp_path, capsys, content, what):
    path = tmp_path / "pic.csv"
    path.write_bytes(content())
    with pytest.raises(ValueError, match=re.escape(f"pic.csv is {what}")):
        gn.datasets.load_csv(path, target="y")
    assert (
        main(["train", "--dataset", str(path), "--target", "y", "--out", str(tmp_path / "r")]) == 2
    )
    err = _error(capsys)
    assert f"pic.csv is {what}" in err and "not a CSV table" in err and "encoding" not in err
    assert main(["data", "describe", str(path), "--target", "y"]) == 2
    assert f"pic.csv is {what}" in _error(capsys)
    assert not (tmp_path / "r").exists()


def test_a_csv_starting_like_a_magic_number_still_reads(tmp_path):
    # "PK" or "GIF" as the start of a header is text, not a file signature
    path = tmp_path / "t.csv"
    path.write_text("PKey,GIF,y\n1,2,0\n3,4,1\n")
    assert gn.datasets.load_csv(path, target="y").feature_names == ["PKey", "GIF"]


def test_describe_suggestions_name_commands(monkeypatch, capsys):
    images = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (20, 1)).reshape(20, 4, 4)
    labels = np.arange(20) % 2
    monkeypatch.setattr(
        gn.datasets.fashion_mnist, "load_data", lambda: ((images, labels), (images, labels))
    )
    report = gn.datasets.describe(images, labels)
    assert any("gn.datasets.scale_images(x)" in s for s in report.suggestions)
    assert any("gn.datasets.train_val_test_split" in s for s in report.suggestions)
    assert main(["data", "describe", "fashion-mnist"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "glassnet train scales them to [0, 1] itself (x / 255.0)" in out
    assert "glassnet train splits before it scales" in out
    assert not PYTHON_HINT.search(out), out


def test_describe_suggestions_of_a_table_name_commands(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{1000 * i},{i % 2}\n" for i in range(20)))
    assert main(["data", "describe", str(path), "--target", "y", "--json"]) == 0
    out = capsys.readouterr().out
    assert "glassnet train standardises them itself" in out
    assert "StandardScaler" not in out and "gn." not in out


def test_mnist_offline_names_a_folder_not_path_argument(monkeypatch, tmp_path, capsys):
    from glassnet.datasets import _fetch

    def offline(*args, **kwargs):
        raise OSError("downloading train-images-idx3-ubyte.gz failed: no network")

    monkeypatch.setattr(_fetch, "download", offline)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GLASSNET_DATA_DIR", raising=False)
    monkeypatch.setattr(gn.datasets.mnist.DATASET, "system_dirs", (), raising=False)
    with pytest.raises(OSError, match="or pass path=FOLDER"):
        gn.datasets.mnist.load_data()
    assert main(["data", "describe", "mnist"]) == 2
    err = _error(capsys)
    assert err.endswith("or into $GLASSNET_DATA_DIR/mnist/.") and "path=" not in err, err


def test_missing_values_hint_names_the_train_flag(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,y\n1,,0\n2,3,1\n3,4,0\n4,5,1\n")
    assert (
        main(["train", "--dataset", str(path), "--target", "y", "--out", str(tmp_path / "r")]) == 2
    )
    err = _error(capsys)
    assert err.endswith("Fill them in, or pass --missing drop, mean, median or most-frequent.")


def test_cli_advice_leaves_other_text_alone():
    from glassnet.cli import cli_advice

    text = "x.csv line 3 has 2 cells, the header has 3 (a, b, y)."
    assert cli_advice(text, "train") == text
    # a hint for a flag that only train has is not rewritten for another command
    unknown = "a value unseen in training; pass handle_unknown='ignore'"
    assert cli_advice(unknown, "predict") == unknown


def test_more_library_hints_name_flags(tmp_path, capsys):
    numbers = tmp_path / "reg.csv"
    numbers.write_text("a,y\n" + "".join(f"{i},{i / 3:.3f}\n" for i in range(12)))
    assert main(["data", "split", str(numbers), "--target", "y", "--out", str(tmp_path / "p")]) == 2
    err = _error(capsys)
    assert "this command needs class labels" in err and "load_csv" not in err
    text = tmp_path / "txt.csv"
    text.write_text("a,y\n" + "".join(f"{i},{'xy'[i % 2]}\n" for i in range(12)))
    argv = ["train", "--dataset", str(text), "--target", "y", "--task", "regression"]
    assert main([*argv, "--out", str(tmp_path / "r")]) == 2
    assert _error(capsys).endswith("must hold numbers for --task regression.")


def test_predict_a_gap_names_the_training_flag(tmp_path, capsys):
    table = tmp_path / "cat.csv"
    table.write_text("a,b,y\n" + "".join(f"{i},{'pq'[i % 2]},{i % 2}\n" for i in range(20)))
    run = tmp_path / "run"
    argv = ["train", "--dataset", str(table), "--target", "y", "--layers", "2", "--epochs", "1"]
    assert main([*argv, "--out", str(run), "--quiet"]) == 0
    new = tmp_path / "new.csv"
    new.write_text("a,b\n1,\n")
    assert main(["predict", str(run), str(new)]) == 2
    err = _error(capsys)
    assert err.endswith("none is filled in: it trained without --missing.") and "='" not in err


def test_every_rewritten_hint_is_still_in_the_library():
    """A library message reworded would silently escape the CLI's rewrite: each hint the
    table rewrites must still be a string (or a literal part of an f-string) of glassnet."""
    import ast
    from pathlib import Path

    from glassnet import cli

    root = Path(gn.__file__).parent
    texts = []
    for path in root.rglob("*.py"):
        if path == Path(cli.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = (v.value if isinstance(v, ast.Constant) else "\0" for v in node.values)
                texts.append("".join(parts))
    # a hint made of an f-string and the value put into it: each part must be there
    composed = {"none is filled in: missing='error'": ["none is filled in: \0", "missing='error'"]}

    def found(api: str) -> bool:
        return all(any(part in t for t in texts) for part in composed.get(api, [api]))

    assert [api for _, api, _ in cli._CLI_HINTS if not found(api)] == []
