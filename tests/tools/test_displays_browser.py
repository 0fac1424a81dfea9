"""The displays as Chromium renders them: monospace, and nothing clipped or running off.

Needs the `playwright` package and Debian's chromium (as tests/cli/test_browser_report.py);
skipped when either is missing. wt-notebooks' notebook test covers the notebooks themselves.
"""

import os

import numpy as np
import pytest

import glassnet as gn

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

# For each text block and table cell: its font, its line height over its font size (below
# about 1.3 the underscore of `val_loss` is cut off), and whether its content is taller or
# wider than its box (a sentence running out of the card).
MEASURE = """
() => Array.from(document.querySelectorAll('pre, td, th')).map(e => {
  const style = getComputedStyle(e);
  return {tag: e.tagName, text: e.textContent.slice(0, 40), font: style.fontFamily,
    lines: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
    clipped: e.scrollHeight > e.clientHeight + 1 ||
      (e.tagName !== 'PRE' && e.scrollWidth > e.clientWidth + 1)};
})
"""


def _objects():
    history = gn.callbacks.History.from_dict(
        {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.9], "val_accuracy": [0.5, 0.6, 0.6]}
    )
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(4,))])
    model.build()
    p = gn.Perceptron(weights=[0.5, -0.2], bias_weight=0.3)
    rng = np.random.default_rng(0)
    return [
        history,
        model,
        p,
        gn.metrics.accuracy_summary([0, 0, 0, 1], [0, 0, 0, 0]),
        gn.diagnose(history),
        gn.explain.perceptron(p, [1.0, 2.0]),
        gn.datasets.describe(rng.normal(size=(20, 2)), [0] * 15 + [1] * 5),
    ]


def test_displays_render_monospace_and_unclipped(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    page_file = tmp_path / "displays.html"
    body = "".join(f"<div>{o._repr_html_()}</div>" for o in _objects())
    page_file.write_text(f"<html><body style='width:700px'>{body}</body></html>", "utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 760, "height": 600})
            page.goto(page_file.as_uri())
            measured = page.evaluate(MEASURE)
            width = page.evaluate("() => document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert len(measured) > 40
    assert [m for m in measured if "monospace" not in m["font"]] == []
    assert [m for m in measured if m["lines"] < 1.4 or m["clipped"]] == []
    assert width <= 760  # nothing runs off the page: long sentences wrap
    assert any("val_loss" in m["text"] for m in measured)
