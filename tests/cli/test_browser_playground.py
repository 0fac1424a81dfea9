"""The playground page in headless Chromium (issues 21 and 22): the lecture's numbers,
training a network on circles, clicking points in, a unit's formula, and a class name
that is HTML shown as text.

Needs the `playwright` package (a test extra; its own browser download is never used)
and Debian's chromium at /usr/bin/chromium; skipped when either is missing. Screenshots
of each state go to the test's tmp folder and are checked not blank.
"""

import os
import threading

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli.playground import PlaygroundServer

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


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    server = PlaygroundServer(port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.url)
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    page.server = server
    yield page
    context.close()
    server.shutdown()
    server.server_close()


def by(page, testid):
    return page.get_by_test_id(testid)


def not_blank(page, path):
    """Save a screenshot and check its pixels vary (a blank page would not)."""
    page.screenshot(path=str(path), full_page=True)
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("L"), dtype=float)
    assert pixels.shape[0] > 500 and pixels.std() > 20, (path, pixels.std())
    plot = by(page, "canvas").screenshot()
    return plot


def wait_text(page, testid, text):
    page.wait_for_function(
        "([id, text]) => document.querySelector(`[data-testid=${id}]`).textContent === text",
        arg=[testid, text],
        timeout=10000,
    )


def test_lecture_perceptron_weights_give_the_lectures_accuracies(page, tmp_path):
    # The lecture's numbers, recomputed here: class 1 where x1*w1 + x2*w2 + w_bias > 0.
    x, y = gn.datasets.lecture_groups()
    expected = [np.mean(((x @ w[:2] + w[2]) > 0) == y) for w in ([3, -2, -1], [0.75, -0.5, 1])]
    assert expected == [1.0, 0.75]
    assert "lecture" in by(page, "dataset").locator("option:checked").inner_text().lower()
    assert by(page, "mode").input_value() == "perceptron"
    by(page, "w1").fill("3")
    by(page, "w2").fill("-2")
    by(page, "w-bias").fill("-1")
    wait_text(page, "accuracy", "1.000")
    assert by(page, "accuracy-count").inner_text() == "(12/12)"
    assert by(page, "baseline").inner_text() == "0.500"
    assert by(page, "equation").inner_text().startswith("z = x1*3 + x2*-2 + 1*-1")
    not_blank(page, tmp_path / "perceptron-3-2-1.png")
    by(page, "w1").fill("0.75")
    by(page, "w2").fill("-0.5")
    by(page, "w-bias").fill("1")
    wait_text(page, "accuracy", "0.750")
    assert by(page, "accuracy-count").inner_text() == "(9/12)"
    not_blank(page, tmp_path / "perceptron-lecture.png")
    # Shift-click the first point (2, 1): the lecture's "Point 0 in group 1 returned 1".
    box = by(page, "canvas").bounding_box()
    page.keyboard.down("Shift")
    bounds = page.evaluate("() => state.bounds")
    px = box["x"] + (2 - bounds[0]) / (bounds[1] - bounds[0]) * box["width"]
    py = box["y"] + (bounds[3] - 1) / (bounds[3] - bounds[2]) * box["height"]
    page.mouse.click(px, py)
    page.keyboard.up("Shift")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=formula]')"
        ".textContent.startsWith('Point 0 in group group 1 returned 1')"
    )
    assert page.errors == [] and page.dialogs == []


def test_network_on_circles_trains_past_0_9_and_explains_a_unit(page, tmp_path):
    by(page, "dataset").select_option("circles")
    by(page, "mode").select_option("network")
    page.wait_for_selector("[data-testid=unit-1-1]")
    by(page, "train").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=accuracy]').textContent) > 0.9",
        timeout=30000,
    )
    by(page, "train").click()  # pause
    page.wait_for_function("() => !state.running", timeout=10000)
    assert int(by(page, "epoch").inner_text()) >= 1
    assert by(page, "scope").inner_text() == "test part"
    not_blank(page, tmp_path / "network-circles.png")
    by(page, "unit-1-1").hover()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=formula]').textContent.includes('z1_1 =')"
    )
    formula = by(page, "formula").inner_text()
    assert "a1_1 = tanh(" in formula and any(ch.isdigit() for ch in formula)
    assert page.errors == []


def test_clicks_add_points(page, tmp_path):
    by(page, "dataset").select_option("blobs")
    wait_text(page, "point-count", "200")
    by(page, "class-picker").select_option("1")
    box = by(page, "canvas").bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 30)
    wait_text(page, "point-count", "201")
    page.mouse.click(box["x"] + 60, box["y"] + 40)
    wait_text(page, "point-count", "202")
    assert page.evaluate("() => state.data.y.slice(-2)") == [1, 1]
    by(page, "canvas").focus()  # the keyboard: arrows move a cursor, Enter adds, Delete removes
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    wait_text(page, "point-count", "203")
    page.keyboard.press("Delete")
    wait_text(page, "point-count", "202")
    not_blank(page, tmp_path / "points-added.png")


def test_a_class_named_as_html_is_shown_as_text_and_runs_nothing(page, tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    csv = f"x1,x2,label\n0,0,{evil}\n0,1,{evil}\n3,3,fine\n3,4,fine\n".encode()
    by(page, "csv-file").set_input_files(
        files=[{"name": "../../etc/passwd<b>.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.wait_for_function("() => state.data.names.length === 2 && state.data.source === 'csv'")
    names = by(page, "class-names").locator("li").all_inner_texts()
    assert sorted(names) == sorted([evil, "fine"])
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.images.length") == 0
    assert page.dialogs == [] and page.errors == []
    not_blank(page, tmp_path / "html-class-name.png")


def test_the_address_holds_the_setup(page):
    by(page, "dataset").select_option("moons")
    by(page, "mode").select_option("network")
    by(page, "layers").fill("3,2")
    by(page, "layers").dispatch_event("change")
    page.wait_for_function("() => state.network && state.network.layers.length === 2")
    shared = page.url
    assert "dataset=moons" in shared and "layers=3%2C2" in shared
    other = page.context.new_page()  # a second tab opens the link: its own session
    other.goto(shared)
    other.wait_for_selector("body[data-ready=true]", timeout=15000)
    other.wait_for_function(
        "() => state.data.source === 'moons' && state.mode === 'network'"
        " && state.network.layers.map(l => l.units).join() === '3,2'"
    )
    assert other.evaluate("() => session") != page.evaluate("() => session")
    assert by(other, "unit-2-2").count() == 1 and by(other, "unit-1-3").count() == 1
    other.close()


def test_a_csv_with_more_columns_lets_the_student_pick_two(page):
    csv = (
        b"id,height,weight,age,kind\n"
        b"1,1.0,2.0,30,a\n2,1.5,2.5,31,a\n3,5.0,6.0,32,b\n4,5.5,6.5,33,b\n"
    )
    by(page, "csv-file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    by(page, "csv-columns").wait_for()
    assert (
        by(page, "csv-x1").input_value() == "id" and by(page, "csv-label").input_value() == "kind"
    )
    by(page, "csv-x1").select_option("height")
    by(page, "csv-x2").select_option("age")
    by(page, "csv-load").click()
    page.wait_for_function("() => state.data.source === 'csv'")
    assert page.evaluate("() => state.data.x") == [
        [1.0, 30.0],
        [1.5, 31.0],
        [5.0, 32.0],
        [5.5, 33.0],
    ]
    assert by(page, "class-names").locator("li").all_inner_texts() == ["a", "b"]
    assert by(page, "csv-columns").is_hidden()
