"""Piped output (not a terminal): each line whole, never broken at 80 columns, and no
trailing spaces (as pip, pytest and Keras when piped). Before, rich broke the epoch line
as `... - val_accuracy:` / `0.7941 - val_loss: 0.9016` and padded table rows."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from glassnet._internal.console import make_console
from glassnet.cli import main

SOURCE = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def penguins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "example", "penguins"]) == 0
    return tmp_path / "penguins.csv"


def _no_trailing_spaces(text):
    return [line for line in text.splitlines() if line != line.rstrip()]


def test_train_piped_keeps_the_epoch_line_whole(penguins, capsys):
    capsys.readouterr()
    argv = ["train", "--dataset", str(penguins), "--target", "species", "--epochs", "1"]
    assert main([*argv, "--out", "runs/wrap"]) == 0
    out = capsys.readouterr().out
    epoch = [line for line in out.splitlines() if line.startswith("Epoch 1/1 ")]
    assert len(epoch) == 1 and len(epoch[0]) > 80  # one line, longer than 80 columns
    assert "val_accuracy: " in epoch[0] and "val_loss: " in epoch[0]
    assert _no_trailing_spaces(out) == []


def test_describe_piped_has_no_trailing_spaces(penguins, capsys):
    capsys.readouterr()
    assert main(["data", "describe", str(penguins), "--target", "species"]) == 0
    out = capsys.readouterr().out
    assert " samples            342" in out.splitlines()
    assert _no_trailing_spaces(out) == []


def test_a_real_pipe_with_narrow_columns(penguins):
    # A subprocess writing to a pipe, with COLUMNS=40: the line still is not broken.
    env = {**os.environ, "PYTHONPATH": str(SOURCE), "COLUMNS": "40"}
    argv = [sys.executable, "-m", "glassnet", "train", "--dataset", str(penguins)]
    argv += ["--target", "species", "--epochs", "1", "--out", "runs/pipe"]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("Training on 274 samples, validating on 34; accuracy is")
        and line.endswith("(argmax of the outputs == integer label).")
        for line in lines
    )
    assert _no_trailing_spaces(done.stdout) == []


def test_a_terminal_is_left_to_rich():
    out = io.StringIO()
    console = make_console(file=out, force_terminal=True)
    assert console.file is out and console.soft_wrap is False and console.is_terminal


def test_spaces_inside_a_line_split_across_writes_are_kept():
    out = io.StringIO()
    console = make_console(file=out)
    console.print("a  ", end="")
    console.print("b   ")
    console.print("c")
    assert out.getvalue() == "a  b\nc\n"
