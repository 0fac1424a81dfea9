"""The penguins-full example: the whole Palmer penguins table (text columns, missing values),
shipped as package data and copied by `glassnet data example penguins-full`.

The file is checked with the csv module and hashlib (not glassnet's reader) against the
data folder's README, and found through importlib.resources in an installed wheel.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from glassnet.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = importlib.resources.files("glassnet.datasets").joinpath("data")
HEADER = [
    "species",
    "island",
    "bill_length_mm",
    "bill_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
    "sex",
    "year",
]


def _rows(text: str) -> list[list[str]]:
    header, *rows = csv.reader(text.splitlines())
    assert header == HEADER
    return rows


def test_the_file_is_the_one_the_readme_describes():
    raw = DATA.joinpath("penguins-full.csv").read_bytes()
    readme = DATA.joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("## penguins-full.csv", 1)[1]
    (sha,) = re.findall(r"SHA-256: `([0-9a-f]{64})`", section)
    assert hashlib.sha256(raw).hexdigest() == sha
    assert f"{len(raw):,} bytes" in section
    rows = _rows(raw.decode("utf-8"))
    assert len(rows) == 344 and f"{len(rows)} data rows" in section
    species = [r[0] for r in rows]
    counts = {s: species.count(s) for s in ("Adelie", "Chinstrap", "Gentoo")}
    assert counts == {"Adelie": 152, "Chinstrap": 68, "Gentoo": 124}
    assert all(f"{s} {n}" in section for s, n in counts.items())
    missing = sum(cell == "NA" for r in rows for cell in r)
    incomplete = sum("NA" in r for r in rows)
    assert (missing, incomplete) == (19, 11)
    assert f"{missing} cells are missing" in section and f"{incomplete} rows" in section
    # the two penguins without measurements, at the lines the README gives
    lines = [i + 2 for i, r in enumerate(rows) if r[2] == "NA"]
    assert lines == [5, 273] and "lines 5 and 273" in section
    # penguins.csv is made from it: its rows are these rows' measurements and species
    small = list(csv.reader(DATA.joinpath("penguins.csv").read_text().splitlines()))[1:]
    made = [[*r[2:6], r[0]] for r in rows if "NA" not in r[2:6]]
    assert small == made


def test_data_example_copies_it_and_lists_both(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "example", "penguins-full"]) == 0
    written = (tmp_path / "penguins-full.csv").read_bytes()
    assert written == DATA.joinpath("penguins-full.csv").read_bytes()
    assert "Wrote penguins-full.csv: 344 Palmer penguins" in capsys.readouterr().out
    assert main(["data", "example"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed[1:]] == ["penguins", "penguins-full"]
    assert main(["data", "example", "penguin"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "Unknown example 'penguin'" in err and "Valid names: penguins, penguins-full" in err


def test_training_on_it_with_missing_drop(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "example", "penguins-full"]) == 0
    args = ["train", "--dataset", "penguins-full.csv", "--target", "species", "--missing"]
    assert main([*args, "drop", "--out", "run", "--quiet"]) == 0, capsys.readouterr().err
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    # 344 rows, 11 with a missing value (counted by the csv module above): 333 are used
    assert sum(info["samples"].values()) == 333
    # one-hot island (3) and sex (2), the four measurements and the year
    assert len(info["feature_names"]) == 3 + 2 + 4 + 1 == info["input_shape"][0]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.9
    matrix = metrics["confusion_matrix"]
    correct = sum(matrix[i][i] for i in range(3))
    assert correct / sum(map(sum, matrix)) == pytest.approx(metrics["test_accuracy"])


def test_an_installed_glassnet_ships_it(tmp_path):
    """Build the wheel, install it into a folder of its own, and read the file from there."""
    pytest.importorskip("setuptools")
    work = tmp_path / "project"
    work.mkdir()
    shutil.copy(ROOT / "pyproject.toml", work)
    shutil.copy(ROOT / "README.md", work)
    shutil.copytree(
        ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    build = [*pip, "wheel", str(work), "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run([*build, "-w", str(tmp_path / "dist")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("glassnet-*.whl")
    site = tmp_path / "site"
    install = [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)]
    result = subprocess.run(install, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = tmp_path / "elsewhere"
    where.mkdir()
    code = (
        "import importlib.resources, glassnet\n"
        "f = importlib.resources.files('glassnet.datasets').joinpath('data/penguins-full.csv')\n"
        "print(glassnet.__file__); print(f)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=where
    )
    assert result.returncode == 0, result.stderr
    module, found = result.stdout.splitlines()
    assert Path(module).is_relative_to(site) and Path(found).is_relative_to(site)
    expected = DATA.joinpath("penguins-full.csv").read_bytes()
    assert Path(found).read_bytes() == expected
    result = subprocess.run(
        [sys.executable, "-m", "glassnet", "data", "example", "penguins-full"],
        capture_output=True,
        text=True,
        env=env,
        cwd=where,
    )
    assert result.returncode == 0, result.stderr
    assert (where / "penguins-full.csv").read_bytes() == expected
