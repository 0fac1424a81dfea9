"""report.html of `glassnet demo --quick` renders in headless Chromium with its figures.

Needs the `playwright` package (a test extra; its own browser download is never used)
and Debian's chromium at /usr/bin/chromium; skipped when either is missing.
"""

import json
import os

import numpy as np
import pytest

from glassnet.cli import main

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# For every <img>: whether it loaded, its natural size, and the variance of its pixels
# (drawn on a canvas), so a blank or broken image is caught.
IMAGE_STATS = """
() => Array.from(document.images).map(img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0, sumSq = 0, n = 0;
  for (let i = 0; i < data.length; i += 4 * 7) {
    const grey = (data[i] + data[i + 1] + data[i + 2]) / 3;
    sum += grey; sumSq += grey * grey; n += 1;
  }
  const mean = sum / n;
  return {alt: img.alt, complete: img.complete, width: img.naturalWidth,
          height: img.naturalHeight, variance: sumSq / n - mean * mean};
})
"""


def test_demo_report_renders_with_every_figure(tmp_path, capsys):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    pytest.importorskip("glassnet.saving")
    assert main(["demo", "--only", "fashion", "--quick", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    report = tmp_path / "fashion-mnist-run" / "report.html"

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            stats = page.evaluate(IMAGE_STATS)
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            headings = page.locator("h2").all_inner_texts()
        finally:
            browser.close()

    assert [s["alt"] for s in stats] == [
        "Learning curves",
        "Confusion matrix",
        "Sample predictions (blue: right, red: wrong)",
    ]
    for s in stats:
        assert s["complete"] and s["width"] > 300 and s["height"] > 200, s
        assert s["variance"] > 100, s  # not a blank image
    assert {"Model", "Test metrics", "Diagnosis"} <= set(headings)

    import matplotlib.image

    screenshot = matplotlib.image.imread(shot)  # (height, width, 4) floats in [0, 1]
    assert screenshot.shape[0] > 2000  # the whole page, figures included
    assert np.var(screenshot[..., :3]) > 0.01
    accuracy = json.loads((report.parent / "metrics.json").read_text())["test_accuracy"]
    assert f"{accuracy:.4f}" in report.read_text()
