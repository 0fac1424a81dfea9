"""The built wheel carries what an installed glassnet needs beside its modules: py.typed
(PEP 561, so type checkers read glassnet's hints) and the data files."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_py_typed_is_in_the_source_package():
    marker = ROOT / "src" / "glassnet" / "py.typed"
    assert marker.is_file() and marker.read_bytes() == b""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from a copy of the project (so no build/ lands in the work tree);
    without build isolation, so nothing is downloaded: setuptools must be installed."""
    pytest.importorskip("setuptools")
    work = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", work)
    shutil.copy(ROOT / "README.md", work)
    shutil.copytree(
        ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    out = work / "dist"
    command = [sys.executable, "-m", "pip", "wheel", str(work), "--no-deps"]
    command += ["--no-build-isolation", "--no-index", "-q", "-w", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("glassnet-*.whl")
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_wheel_contains_py_typed_and_the_data(wheel):
    assert "glassnet/py.typed" in wheel
    assert "glassnet/datasets/data/penguins.csv" in wheel
    assert "glassnet/_export_onnx.py" in wheel
    assert "glassnet/cli/runs/_torch_script.py" in wheel
