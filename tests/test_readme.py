"""Every example in README.md runs as written: the Python blocks, and every shell line."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README_TEXT = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README_TEXT, flags=re.S)
# The quick start's two commands install glassnet and run this suite: .ci/run runs both on a
# fresh clone (the first in a new virtual environment), so they are not run from here.
QUICK_START = {"pip install . && glassnet demo", "bash .ci/run"}
# Inline commands with a placeholder in capitals (RUN, N, LAYER:I,J) are templates, not examples.
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_:,.]*\b")


def shell_lines(text: str) -> list[str]:
    """Every shell command of README in order: lines of bash blocks, inline `glassnet ...`."""
    lines = []
    for block, inline in re.findall(r"```bash\n(.*?)```|`(glassnet [^`]+)`", text, flags=re.S):
        candidates = block.splitlines() if block else [inline]
        for line in map(str.strip, candidates):
            template = inline and PLACEHOLDER.search(line.split(" ", 1)[1])
            if line and not line.startswith("#") and line not in QUICK_START and not template:
                lines.append(line)
    return lines


SHELL_LINES = shell_lines(README_TEXT)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), {"__name__": "__readme__"})


def test_readme_quick_start_is_two_commands():
    quick_start = README_TEXT.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick_start, flags=re.S)
    assert [c.strip() for c in commands] == ["pip install . && glassnet demo", "bash .ci/run"]


@pytest.mark.slow
def test_readme_shell_lines_run_in_order(tmp_path):
    """Each line in one fresh folder, in README order, as a user pastes them: all exit 0.

    This is also the lecture's 10-epoch Fashion-MNIST run from the command line, checked
    for its accuracy and for predicting a PNG of a test image.
    """
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    printed = {}
    for line in SHELL_LINES:
        assert shlex.split(line, comments=True)[0] == "glassnet", line
        done = subprocess.run(
            line, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        printed[line.split("#")[0].strip()] = done.stdout
    metrics = json.loads((tmp_path / "runs" / "fashion" / "metrics.json").read_text())
    assert metrics["test_accuracy"] >= 0.87  # the lecture's model, 10 epochs, the full set
    train_output = printed[
        "glassnet train --dataset fashion-mnist --layers 128 --epochs 10 --out runs/fashion"
    ]
    assert "precision" in train_output and "diagnosis" in train_output.lower()
    # Test image 0 is an ankle boot, the class this model gets right 95+ % of the time.
    assert printed["glassnet predict runs/fashion boot.png"].startswith("Ankle boot")
    assert (tmp_path / "runs" / "penguins-again" / "report.html").is_file()
    assert (tmp_path / "parts" / "test.csv").is_file()
