"""Every CLI input the reliability report names, run through `glassnet`: none prints a
traceback or exits 70 (glassnet's bug); each mistake is one line on stderr and exit 2, and
the inputs that are not mistakes (a huge --batch-size, --lr 1e6) run, exit 0. A warning
is one line, `glassnet: warning: ...`, not Python's display of a glassnet source line.

The fast test calls `glassnet.cli.main` in this process; the slow one runs each command
as the user does, `python -m glassnet ...` in a subprocess, and reads its real stderr.
"""

from __future__ import annotations

import csv
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from _craft import patch_central_directory

import glassnet as gn
from glassnet.cli import main


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _run_json(run: Path, folder: Path, change) -> Path:
    import shutil

    shutil.copytree(run, folder)
    info = json.loads((folder / "run.json").read_text())
    (folder / "run.json").write_text(json.dumps(change(info)))
    return folder


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A CSV run, an image model file, and every file the report's CLI cases use."""
    root = tmp_path_factory.mktemp("report-cli")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2)) * [10, 30] + [20, 40]
    with (root / "pets.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["weight", "height", "animal"])
        writer.writerows([[f"{a:.2f}", f"{b:.2f}", "cat" if a < 20 else "dog"] for a, b in x])
    run = root / "run"
    args = ["train", "--dataset", str(root / "pets.csv"), "--target", "animal", "--layers", "4"]
    assert main([*args, "--epochs", "1", "--seed", "1", "--out", str(run), "--quiet"]) == 0
    gn.utils.set_random_seed(0)
    images = gn.Sequential([gn.layers.Flatten(input_shape=(28, 28)), gn.layers.Dense(10)])
    images.compile("adam", gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    images.save(root / "images.glassnet")
    (root / "bad.glassnet").write_bytes((root / "images.glassnet").read_bytes())
    patch_central_directory(root / "bad.glassnet", 6, 173)  # "zip version 17.3"
    texts = {
        "short.csv": "weight,height\n4,25\n30\n",
        "extra.csv": "weight,height\n4,25,1\n",
        "semicolon.csv": "weight;height\n4;25\n30;60\n",
        "huge-value.csv": "weight,height\n1e39,25\n",
        "config.csv": "a,b\n1,2\n",
        "broken.json": "{'epochs': 2}",
    }
    for name, text in texts.items():
        (root / name).write_text(text)
    (root / "latin-1.csv").write_bytes(
        "weight,height,animal\n4,25,ch\xe2t\n5,20,dog\n".encode("latin-1")
    )
    (root / "utf-16.csv").write_bytes((root / "pets.csv").read_text().encode("utf-16"))
    (root / "image.png").write_bytes(_png(14000, 14000))
    (root / "a-folder").mkdir()
    _run_json(run, root / "run-list", lambda info: [1, 2])
    _run_json(run, root / "run-fewer-names", lambda info: {**info, "class_names": ["cat"]})
    (root / "run-not-json").mkdir()
    for name in ("model.glassnet", "config.json", "history.json"):
        (root / "run-not-json" / name).write_bytes((run / name).read_bytes())
    (root / "run-not-json" / "run.json").write_text("{oops")
    return root


TRAIN = ["train", "--dataset", "{root}/pets.csv", "--target", "animal", "--epochs", "1"]
# (the command, the exit status due, a word of the one error line; None for status 0)
CASES = {
    "summary-zip-version": (["summary", "{root}/bad.glassnet"], 2, "bad.glassnet"),
    "predict-zip-version": (
        ["predict", "{root}/bad.glassnet", "{root}/image.png"],
        2,
        "bad.glassnet",
    ),
    "predict-short-row": (["predict", "{root}/run", "{root}/short.csv"], 2, "short.csv line 3"),
    "predict-extra-cell": (["predict", "{root}/run", "{root}/extra.csv"], 2, "extra.csv line 2"),
    "predict-semicolons": (["predict", "{root}/run", "{root}/semicolon.csv"], 0, None),
    "predict-1e39": (["predict", "{root}/run", "{root}/huge-value.csv"], 2, "float32"),
    "predict-latin-1": (["predict", "{root}/run", "{root}/latin-1.csv"], 2, "latin-1.csv"),
    "predict-utf-16": (["predict", "{root}/run", "{root}/utf-16.csv"], 2, "utf-16.csv"),
    "predict-a-folder": (["predict", "{root}/run", "{root}/a-folder"], 2, "is a folder"),
    "predict-huge-png": (
        ["predict", "{root}/images.glassnet", "{root}/image.png"],
        2,
        "50,000,000 pixels",
    ),
    "predict-fewer-class-names": (
        ["predict", "{root}/run-fewer-names", "{root}/short.csv"],
        2,
        "run.json",
    ),
    "evaluate-run-json-a-list": (["evaluate", "{root}/run-list"], 2, "run.json"),
    "summary-run-json-a-list": (["summary", "{root}/run-list"], 2, "run.json"),
    "evaluate-run-json-broken": (["evaluate", "{root}/run-not-json"], 2, "run.json"),
    "evaluate-csv-run-on-images": (
        ["evaluate", "{root}/run", "--dataset", "fashion-mnist-sample"],
        2,
        "run",
    ),
    "train-batch-size-10-11": ([*TRAIN, "--batch-size", "100000000000", "--out", "{out}"], 0, None),
    "train-lr-1e6": ([*TRAIN, "--lr", "1e6", "--out", "{out}"], 0, None),
    "train-layers-empty": ([*TRAIN, "--layers", "", "--out", "{out}"], 2, "layers"),
    "train-seed-minus-1": ([*TRAIN, "--seed", "-1", "--out", "{out}"], 2, "seed"),
    "train-latin-1": (
        ["train", "--dataset", "{root}/latin-1.csv", "--target", "animal", "--out", "{out}"],
        2,
        "latin-1.csv",
    ),
    "train-utf-16": (
        ["train", "--dataset", "{root}/utf-16.csv", "--target", "animal", "--out", "{out}"],
        2,
        "utf-16.csv",
    ),
    "train-config-csv": (["train", "--config", "{root}/config.csv"], 2, "config.csv"),
    "train-config-broken-json": (["train", "--config", "{root}/broken.json"], 2, "broken.json"),
    "train-out-under-a-file": ([*TRAIN, "--out", "{root}/pets.csv/run"], 2, "pets.csv"),
    "data-describe-png": (["data", "describe", "{root}/image.png"], 2, "image.png"),
    "data-describe-utf-16": (["data", "describe", "{root}/utf-16.csv"], 2, "utf-16.csv"),
}


def _args(case, root, out):
    return [a.format(root=root, out=out) for a in CASES[case][0]]


def _check(case, code, out, err):
    _, expected, word = CASES[case]
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert not re.search(r"\.py:\d+: \w*Warning", err), err  # Python's display of a warning
    if case == "train-lr-1e6":  # a warning is one line of its own
        assert "\nglassnet: warning: Training stopped: the loss became" in "\n" + err, err
    assert code == expected, err
    if expected == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("glassnet: error: "), err
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_no_input_of_the_report_makes_a_traceback(files, tmp_path, capsys, case):
    code = main(
        _args(case, files, tmp_path / "out") + (["--quiet"] if case.startswith("train-") else [])
    )
    captured = capsys.readouterr()
    _check(case, code, captured.out, captured.err)


@pytest.mark.slow
def test_no_input_of_the_report_makes_a_traceback_as_a_command(files, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GLASSNET_DEBUG": ""}
    for i, case in enumerate(CASES):
        args = _args(case, files, tmp_path / f"out{i}")
        done = subprocess.run(
            [sys.executable, "-m", "glassnet", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        _check(case, done.returncode, done.stdout, done.stderr)
