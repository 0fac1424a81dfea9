"""The command line's contract: a user's mistake is one line on stderr and exit status 2;
anything else is glassnet's bug: one line pointing at a saved traceback, exit 70.

Every case runs `glassnet.cli.main` on a bad input (damaged model files, run folders,
CSV files, images, config files, flags) and checks the exit status, that stderr is one
line naming the file at fault, and that no traceback reaches the screen.
"""

from __future__ import annotations

import csv
import json
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from _craft import patch_central_directory, saved_file

from glassnet import cli
from glassnet.cli import main


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A trained CSV run folder and the files the cases damage."""
    root = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    table = root / "points.csv"
    with table.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        writer.writerows([[f"{a:.4f}", f"{b:.4f}", "in" if a * b > 0 else "out"] for a, b in x])
    run = root / "run"
    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "4"]
    code = main([*args, "--epochs", "2", "--seed", "1", "--out", str(run), "--quiet"])
    assert code == 0
    return {"root": root, "run": run, "table": table}


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _damaged_run(change):
    """A copy of the run folder with `change(folder)` applied; the argument is its path."""

    def make(base, tmp):
        folder = tmp / "broken-run"
        shutil.copytree(base["run"], folder)
        change(folder)
        return folder

    return make


def _run_json(update):
    def change(folder):
        info = json.loads((folder / "run.json").read_text())
        (folder / "run.json").write_text(json.dumps(update(info)))

    return change


def _file(name, content):
    def make(base, tmp):
        path = tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return make


def _model_file(change):
    def make(base, tmp):
        path = saved_file(tmp)
        change(path)
        return path

    return make


# Each case: (files to make: {placeholder: maker}, the command line, the file its message names)
RUN_CASES = {
    "run-json-not-json": _damaged_run(lambda f: (f / "run.json").write_text("{oops")),
    "run-json-a-list": _damaged_run(lambda f: (f / "run.json").write_text("[1, 2]")),
    "run-json-empty": _damaged_run(lambda f: (f / "run.json").write_text("")),
    "run-json-binary": _damaged_run(lambda f: (f / "run.json").write_bytes(b"\xff\xfe\x00")),
    "run-json-no-keys": _damaged_run(lambda f: (f / "run.json").write_text("{}")),
    "run-json-no-class-names": _damaged_run(
        _run_json(lambda i: {k: v for k, v in i.items() if k != "class_names"})
    ),
    "run-json-fewer-class-names": _damaged_run(_run_json(lambda i: {**i, "class_names": ["a"]})),
    "run-json-class-names-numbers": _damaged_run(_run_json(lambda i: {**i, "class_names": [1, 2]})),
    "run-json-model-file-escapes": _damaged_run(
        _run_json(lambda i: {**i, "model_file": "../../etc/passwd"})
    ),
    "run-json-model-file-missing": _damaged_run(
        _run_json(lambda i: {**i, "model_file": "x.glassnet"})
    ),
    "run-json-preprocessing-bad": _damaged_run(
        _run_json(
            lambda i: {**i, "preprocessing": {"kind": "standardize", "mean": [0], "scale": "x"}}
        )
    ),
    "run-json-preprocessing-zero-scale": _damaged_run(
        _run_json(
            lambda i: {
                **i,
                "preprocessing": {"kind": "standardize", "mean": [0, 0], "scale": [1, 0]},
            }
        )
    ),
    "run-json-max-value-huge-int": _damaged_run(
        _run_json(lambda i: {**i, "preprocessing": {"kind": "images", "max_value": 10**400}})
    ),
    "run-json-other-format": _damaged_run(_run_json(lambda i: {**i, "format": "keras-run"})),
    "run-config-json-broken": _damaged_run(lambda f: (f / "config.json").write_text("[")),
    "run-config-json-unknown-key": _damaged_run(
        lambda f: (f / "config.json").write_text('{"colour": 1}')
    ),
    "run-history-not-object": _damaged_run(
        lambda f: (f / "history.json").write_text('{"history": 3}')
    ),
    "run-model-truncated": _damaged_run(
        lambda f: (f / "model.glassnet").write_bytes((f / "model.glassnet").read_bytes()[:200])
    ),
    "run-model-zip-version": _damaged_run(
        lambda f: patch_central_directory(f / "model.glassnet", 6, 173)
    ),
}
RUN_FILE = {  # the file each run case's message must name
    "run-config-json-broken": "config.json",
    "run-config-json-unknown-key": "config.json",
    "run-history-not-object": "history.json",
    "run-model-truncated": "model.glassnet",
    "run-model-zip-version": "model.glassnet",
    "run-json-model-file-missing": "x.glassnet",
}


EXTRA = {"predict": ["TABLE"], "explain": ["--sample", "0"], "summary": [], "evaluate": []}


@pytest.mark.parametrize("case", list(RUN_CASES))
@pytest.mark.parametrize("command", list(EXTRA))
def test_a_damaged_run_folder_is_one_line_and_exit_2(base, tmp_path, capsys, case, command):
    folder = RUN_CASES[case](base, tmp_path)
    extra = [str(base["table"]) if a == "TABLE" else a for a in EXTRA[command]]
    _one_line(main([command, str(folder), *extra]), capsys, 2, RUN_FILE.get(case, "run.json"))


EVALUATE_CASES = {
    "images-for-a-csv-run": (None, ["--dataset", "fashion-mnist-sample"], "run"),
    "other-columns": ("a,b,kind\n1,2,in\n3,4,out\n", ["--target", "kind"], "other.csv"),
    "fewer-columns": ("x1,kind\n1,in\n3,out\n", ["--target", "kind"], "other.csv"),
    "unterminated-quote": ('x1,x2,kind\n1,2,"in\n3,4,out\n', ["--target", "kind"], "other.csv"),
}


@pytest.mark.parametrize("case", list(EVALUATE_CASES))
def test_evaluating_on_data_that_does_not_fit_is_one_line_and_exit_2(base, tmp_path, capsys, case):
    content, flags, names = EVALUATE_CASES[case]
    if content is not None:
        (tmp_path / "other.csv").write_text(content)
        flags = ["--dataset", str(tmp_path / "other.csv"), *flags]
    _one_line(main(["evaluate", str(base["run"]), *flags]), capsys, 2, names)


MODEL_CASES = {
    "model-text": _file("m.glassnet", "not a model"),
    "model-empty": _file("m.glassnet", b""),
    "model-zip-version": _model_file(lambda p: patch_central_directory(p, 6, 173)),
    "model-zip-method": _model_file(lambda p: patch_central_directory(p, 10, 99)),
    "model-zip-encrypted": _model_file(lambda p: patch_central_directory(p, 8, 1)),
    "model-truncated": _model_file(lambda p: p.write_bytes(p.read_bytes()[:-40])),
}


@pytest.mark.parametrize("case", list(MODEL_CASES))
@pytest.mark.parametrize("command", ["summary", "predict"])
def test_a_damaged_model_file_is_one_line_and_exit_2(base, tmp_path, capsys, case, command):
    path = MODEL_CASES[case](base, tmp_path)
    args = [command, str(path)] + ([str(base["table"])] if command == "predict" else [])
    _one_line(main(args), capsys, 2, path.name)


INPUT_CASES = {
    # predict's input: (name, content), the file the message names
    "image-folder": ("a-folder", None),
    "image-missing": ("missing.png", "absent"),
    "image-text": ("text.png", "hello"),
    "image-huge-declared": ("huge.png", _png(14000, 14000)),
    "image-just-too-large": ("large.png", _png(10000, 5001)),
    "image-empty": ("empty.jpg", b""),
    "rows-latin-1": ("rows.csv", "x1,x2\n1,caf\xe9\n".encode("latin-1")),
    "rows-utf-16": ("rows.csv", "x1,x2\n1,2\n".encode("utf-16")),
}


@pytest.mark.parametrize("case", list(INPUT_CASES))
def test_a_bad_image_for_predict_is_one_line_and_exit_2(base, tmp_path, capsys, case):
    name, content = INPUT_CASES[case]
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif content != "absent":
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    _one_line(main(["predict", str(base["run"]), str(path)]), capsys, 2, name)


TRAIN_CSV = {
    "csv-unterminated-quote": 'x1,x2,kind\n1,2,in\n3,4,"out\n5,6,in\n',
    "csv-text-after-quote": 'x1,x2,kind\n1,2,"in"x\n3,4,out\n',
    "csv-nul": "x1,x2,kind\n1,2\x00,in\n3,4,out\n",
    "csv-latin-1": "x1,x2,kind\n1,2,caf\xe9\n3,4,out\n".encode("latin-1"),
    "csv-utf-16": "x1,x2,kind\n1,2,in\n3,4,out\n".encode("utf-16"),
    "csv-png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    "csv-empty": "",
    "csv-ragged": "x1,x2,kind\n1,2,in\n3,out\n",
    "csv-text-feature": "x1,x2,kind\n1,two,in\n3,4,out\n",
    "csv-single-class": "x1,x2,kind\n1,2,in\n3,4,in\n",
    "csv-no-target": "x1,x2,label\n1,2,in\n3,4,out\n",
}


@pytest.mark.parametrize("case", list(TRAIN_CSV))
def test_a_bad_csv_is_one_line_and_exit_2(tmp_path, capsys, case):
    path = tmp_path / f"{case}.csv"
    content = TRAIN_CSV[case]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code = main(["train", "--dataset", str(path), "--target", "kind", "--out", str(tmp_path / "r")])
    _one_line(code, capsys, 2, path.name)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("case", list(TRAIN_CSV)[:6])
def test_data_describe_of_a_bad_csv_is_one_line_and_exit_2(tmp_path, capsys, case):
    path = tmp_path / f"{case}.csv"
    content = TRAIN_CSV[case]
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    _one_line(main(["data", "describe", str(path), "--target", "kind"]), capsys, 2, path.name)


CONFIG_CASES = {
    "config-csv": ("x.csv", "a,b\n1,2\n", "expects"),
    "config-no-suffix": ("settings", "epochs = 2\n", "expects"),
    "config-missing": ("missing.toml", None, "no such file"),
    "config-bad-toml": ("bad.toml", "epochs = = 2\n", "not valid"),
    "config-bad-json": ("bad.json", "{", "not valid"),
    "config-json-list": ("list.json", "[1]", "must hold keys"),
    "config-unknown-key": ("keys.toml", "colour = 'red'\n", "unknown config key"),
    "config-binary": ("bin.toml", b"\xff\xfe\x00\x01", "bin.toml"),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_a_bad_config_file_is_one_line_and_exit_2(tmp_path, capsys, case):
    name, content, words = CONFIG_CASES[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    line = _one_line(main(["train", "--config", str(path)]), capsys, 2, name)
    assert words.replace("expects", "expected") in line or words in line


FLAG_CASES = [
    ["no-such-command"],
    ["train", "--epochs", "zero"],
    ["train", "--epochs", "0"],
    ["train", "--lr", "-1"],
    ["train", "--dataset", "imagenet"],
    ["summary"],
    ["summary", "/no/such/run"],
    ["predict", "/no/such/run", "x.png"],
    ["evaluate", "/no/such/run"],
    ["explain", "/no/such/run", "--sample", "0"],
    ["data", "describe", "/no/such.csv", "--target", "k"],
    ["exercise", "forward", "--seed", "-1"],
]


@pytest.mark.parametrize("args", FLAG_CASES, ids=" ".join)
def test_a_bad_flag_or_path_is_one_line_and_exit_2(capsys, args):
    _one_line(main(args), capsys, 2, None)


def test_the_tables_cover_what_the_report_lists():
    count = (
        len(RUN_CASES) * len(EXTRA)
        + len(EVALUATE_CASES)
        + len(MODEL_CASES) * 2
        + len(INPUT_CASES)
        + len(TRAIN_CSV) * 1
        + 6
        + len(CONFIG_CASES)
        + len(FLAG_CASES)
    )
    assert count >= 95  # the report's CLI cases: 74 + 21 + 2 + 7


# -- a bug is not a user error ------------------------------------------------------------------
def _boom(args):
    raise RuntimeError("an invariant broke\nsecond line")


def test_an_internal_error_is_one_line_exit_70_and_a_saved_traceback(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    line = _one_line(main(["summary", "anything"]), capsys, cli.EX_SOFTWARE, None)
    assert line.startswith("glassnet: internal error (RuntimeError: an invariant broke)")
    saved = Path(line.rsplit(" ", 1)[-1])
    assert saved.parent == tmp_path / "cache" / "glassnet" / "crashes"
    text = saved.read_text()
    assert "Traceback (most recent call last)" in text and "an invariant broke" in text
    assert "command: glassnet summary anything" in text


@pytest.mark.parametrize(
    "error", [IndexError("list index out of range"), MemoryError(), KeyError("k")]
)
def test_every_undocumented_type_is_an_internal_error(monkeypatch, tmp_path, capsys, error):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)

    def fail(args):
        raise error

    monkeypatch.setattr(cli.commands.summary, "run", fail)
    line = _one_line(main(["summary", "x"]), capsys, 70, None)
    assert f"internal error ({type(error).__name__}" in line


def test_an_unwritable_cache_falls_back_to_the_temporary_folder(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    line = _one_line(main(["summary", "x"]), capsys, 70, None)
    assert Path(line.rsplit(" ", 1)[-1]).is_file()


def test_glassnet_debug_raises(monkeypatch):
    monkeypatch.setenv("GLASSNET_DEBUG", "1")
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    with pytest.raises(RuntimeError, match="invariant"):
        main(["summary", "x"])


def _one_line(code: int, capsys, expected: int, names: str | None) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == expected, captured.err
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    if names is not None:
        assert names in lines[0], lines[0]
    return lines[0]


def test_a_failed_write_of_the_run_names_the_run_folder_not_its_temporary_one(
    base, tmp_path, capsys, monkeypatch
):
    from glassnet import saving

    def read_only(handle, **arrays):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(saving.np, "savez", read_only)
    out = tmp_path / "run"
    args = ["train", "--dataset", str(base["table"]), "--target", "kind", "--epochs", "1"]
    line = _one_line(main([*args, "--out", str(out), "--quiet"]), capsys, 2, None)
    assert f"Read-only file system: '{out / 'model.glassnet'}'" in line
    assert ".part" not in line
    assert list(tmp_path.iterdir()) == []
