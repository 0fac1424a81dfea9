"""The lecture's notebooks (examples/notebooks/) run top to bottom in a real kernel.

Each is executed with nbclient in a python3 kernel: no error and no warning output
(a stderr stream saying "Warning"). The executed notebooks are then converted to HTML
and opened in headless Chromium: every figure appears once per cell that draws one,
and the monospace blocks use a monospace font. Needs jupyter's nbclient, nbconvert
and ipykernel (skipped without them); the browser test also Playwright and
/usr/bin/chromium, as tests/cli/test_browser_report.py.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
TIMEOUT = 600  # seconds per cell; a notebook is meant to take under two minutes in all
PLOT_CALL = re.compile(r"\bgn\.plots\.plot_\w+\(")
SOURCE_ROOT = Path(__file__).resolve().parents[2] / "src"


def _execute(path: Path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    # The kernel imports this checkout's glassnet, not whichever one is installed.
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(SOURCE_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    client = nbclient.NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    return nb, time.perf_counter() - start


@pytest.fixture(scope="module")
def executed():
    """Each notebook, executed once for the whole module: name -> (notebook, seconds)."""
    return {}


def _get(executed, name):
    if name not in executed:
        executed[name] = _execute(NOTEBOOKS / name)
    return executed[name]


def test_the_five_notebooks_exist_with_outputs_stripped():
    nbformat = pytest.importorskip("nbformat")
    assert len(NAMES) == 5, NAMES
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        first = nb.cells[0]
        assert first.cell_type == "markdown" and "You will learn" in first.source, name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (name, cell.source)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_without_error_or_warning(executed, name):
    nb, seconds = _get(executed, name)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (name, cell.source, output.get("evalue"))
            if output.output_type == "stream" and output.name == "stderr":
                assert "Warning" not in output.text, (name, cell.source, output.text)
    assert seconds < 240, f"{name} took {seconds:.0f}s; it should run in under two minutes"


@pytest.mark.slow
def test_fit_in_the_notebook_ends_as_one_clean_line_per_epoch(executed):
    nb, _ = _get(executed, "5_fashion_mnist.ipynb")
    fit_cell = next(c for c in nb.cells if "callbacks=[gn.callbacks.LivePlot()]" in c.source)
    texts = [o["data"].get("text/plain", "") for o in fit_cell.outputs if "data" in o]
    epochs = [t for t in texts if t.startswith("Epoch ")]
    assert [t.split()[1] for t in epochs] == [f"{k}/6" for k in range(1, 7)], texts
    for line in epochs:
        assert "\n" not in line and "━" not in line, line  # the bar became its line
        assert re.search(r"loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$", line)
    streams = [o for o in fit_cell.outputs if o.output_type == "stream"]
    assert streams == [], streams  # nothing printed beside the displays
    # The live plot is one figure, redrawn in place: one PNG for the whole run.
    assert sum("image/png" in o.get("data", {}) for o in fit_cell.outputs) == 1


def _plots_stay_in_pyplot() -> bool:
    """Whether a gn.plots function leaves its figure open in pyplot.

    Such a figure is shown twice in a notebook when the call is a cell's last line: once
    as the returned value, once more by the inline backend at the end of the cell.
    """
    import matplotlib.pyplot as plt

    import glassnet as gn

    before = set(plt.get_fignums())
    gn.plots.plot_activations()
    leaked = set(plt.get_fignums()) - before
    for number in leaked:
        plt.close(number)
    return bool(leaked)


# For each output area of a code cell: how many images it shows, and the font of each <pre>.
CELL_STATS = """
() => Array.from(document.querySelectorAll('.jp-CodeCell')).map(cell => ({
  images: cell.querySelectorAll('.jp-OutputArea img').length,
  fonts: Array.from(cell.querySelectorAll('.jp-OutputArea pre')).map(
    pre => getComputedStyle(pre).fontFamily),
  source: (cell.querySelector('.jp-InputArea') || cell).innerText.slice(0, 200),
}))
"""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", NAMES)
def test_executed_notebook_shows_each_figure_once_in_a_browser(executed, name, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    nbconvert = pytest.importorskip("nbconvert")
    from tests.cli.test_browser_report import CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    nb, _ = _get(executed, name)
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    page_path = tmp_path / (name + ".html")
    page_path.write_text(body, encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            cells = page.evaluate(CELL_STATS)
        finally:
            browser.close()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert len(cells) == len(code_cells)
    for cell, stats in zip(code_cells, cells, strict=True):
        for font in stats["fonts"]:
            assert "mono" in font.lower() or "courier" in font.lower(), (name, cell.source, font)
    counts = [stats["images"] for stats in cells]
    # One figure per plot call; LivePlot's one redrawn figure counts as one.
    expected = [
        len(PLOT_CALL.findall(cell.source)) + ("LivePlot()" in cell.source) for cell in code_cells
    ]
    if counts != expected and _plots_stay_in_pyplot():
        pytest.xfail(
            f"figures per cell {counts}, expected {expected}: gn.plots still leaves its "
            "figures in pyplot, so a plot call on a cell's last line shows twice "
            "(issue 18's plots-once fix, in another branch)"
        )
    assert counts == expected, [c.source for c in code_cells]


def test_the_stored_notebooks_are_what_tools_make_notebooks_writes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    import runpy
    import subprocess
    import sys

    tool = runpy.run_path(str(NOTEBOOKS.parents[1] / "tools" / "make_notebooks.py"))
    for name, cells in tool["NOTEBOOKS"].items():
        nbformat.write(tool["build"](cells), tmp_path / name)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(tmp_path)], check=True)
    assert sorted(tool["NOTEBOOKS"]) == NAMES
    for name in NAMES:
        built = nbformat.read(tmp_path / name, as_version=4)
        stored = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in built.cells] == [c.source for c in stored.cells], (
            f"{name} differs from tools/make_notebooks.py: run python tools/make_notebooks.py"
        )
