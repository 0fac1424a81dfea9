"""What a notebook shows for every object a student leaves on a cell's last line.

Each `_repr_html_` is parsed with html.parser: the tags must nest and close, the numbers
must be the object's own (recomputed here by hand), text from the user (a class name
"<b>x</b>") must arrive as text, and every text block or table must be monospace.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

import glassnet as gn
from glassnet.testing import GradientReport

VOID = {"br", "hr", "img", "meta", "input", "col", "wbr"}
EVIL = "<b>x</b>"


class _Checker(HTMLParser):
    """Collects the text, the elements (tag, attrs) and fails on a tag closed out of order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.texts.append(data)


def parse(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], f"unclosed tags {checker.stack}"
    # Every text block and table is monospace; so are the charts' labels.
    for tag, attrs in checker.elements:
        if tag in ("pre", "table", "svg"):
            font = re.search(r"font-family:([^;]*)", attrs.get("style", ""))
            assert font and "monospace" in font.group(1), (tag, attrs)
        if tag == "pre":  # room for underscores: no line height below 1.4
            height = re.search(r"line-height:([0-9.]+)", attrs["style"])
            assert height and float(height.group(1)) >= 1.4
    return checker


def text_of(page: str) -> str:
    return " ".join(parse(page).texts)


# -- metrics, testing -------------------------------------------------------------------------


def test_accuracy_summary_shows_accuracy_beside_its_baseline():
    # 8 samples: 6 of class 0, 2 of class 1. Correct: 5 of the 6 zeros, 1 of the 2 ones.
    y_true = [0, 0, 0, 1, 1, 0, 0, 0]
    y_pred = [0, 0, 0, 0, 1, 0, 0, 1]
    s = gn.metrics.accuracy_summary(y_true, y_pred, class_names=[EVIL, "dog"])
    page = s._repr_html_()
    text = text_of(page)
    # accuracy 6/8, baseline 6/8 (always class 0), balanced (5/6 + 1/2) / 2 = 0.6667
    assert "0.750" in text and "0.667" in text
    assert f"{s.accuracy:.3f}" == "0.750" and f"{s.balanced_accuracy:.3f}" == "0.667"
    assert re.search(r"<b>x</b>\s+6", text) and re.search(r"dog\s+2", text)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and page.count("<b>") == 1  # the card's title only
    assert all(w in text for w in s.warnings) and s.warnings  # near the baseline
    first, *rest = repr(s).splitlines()
    assert first == f"AccuracySummary: {s.text}" and len(rest) == len(s.warnings)


def test_gradient_report_table_and_verdict():
    r = GradientReport(
        {"d/<k>": 1e-9, "d/bias": 2e-3}, {"d/<k>": 1e-12, "d/bias": 5e-4}, tolerance=1e-6
    )
    page = r._repr_html_()
    text = text_of(page)
    assert re.search(r"d/<k>\s+1\.000e-09\s+1\.000e-12\s+ok", text)
    assert re.search(r"d/bias\s+2\.000e-03\s+5\.000e-04\s+above tolerance", text)
    assert "worst 2.000e-03 (d/bias), tolerance 1e-06: FAILED" in text
    assert "&lt;k&gt;" in page and repr(r) == str(r)


def test_gradient_report_of_a_real_check():
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(3,))])
    model.compile(loss="mse")
    rng = np.random.default_rng(0)
    r = gn.testing.check_gradients(model, rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))
    text = text_of(r._repr_html_())
    for name, error in r.relative_errors.items():
        assert re.search(rf"{re.escape(name)}\s+{error:.3e}", text)
    assert "passed" in text


# -- History ----------------------------------------------------------------------------------

# line_chart's plot area for the default 320 x 170 chart: x 44..310, y 22 (top)..134 (bottom).
LEFT, RIGHT, TOP, BOTTOM = 44, 310, 22, 134


def polylines(page: str) -> dict[str, list[tuple[float, float]]]:
    """title -> [x1, y1, x2, y2, ...], for each curve of the page's charts."""
    found = re.findall(r'points="([^"]*)"><title>([^<]*)</title>', page)
    return {
        title: [float(v) for p in points.split() for v in p.split(",")] for points, title in found
    }


def test_history_table_and_curves():
    h = gn.callbacks.History.from_dict(
        {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, math.nan], "accuracy": [0.5, 0.75, 0.9]}
    )
    page = h._repr_html_()
    text = text_of(page)
    assert re.search(r"epoch\s+loss\s+val_loss\s+accuracy", text)
    assert re.search(r"3\s+0\.2500\s+nan\s+0\.9000", text)
    curves = polylines(page)
    # The loss chart spans the finite losses 0.25 .. 1.2; a value v sits at
    # y = 134 - 112 * (v - 0.25) / 0.95; epochs 1..3 at x = 44, 177, 310.
    y = [BOTTOM - (BOTTOM - TOP) * (v - 0.25) / 0.95 for v in (1.0, 0.5, 0.25, 1.2, 0.7)]
    assert curves["loss"] == pytest.approx([44, y[0], 177, y[1], 310, y[2]], abs=0.06)
    assert curves["val_loss"] == pytest.approx([44, y[3], 177, y[4]], abs=0.06)  # nan: a gap
    # Accuracy has its own chart: 0.5 at the bottom, 0.75 at 134 - 112 * 0.25 / 0.4 = 64.
    assert curves["accuracy"][1::2] == pytest.approx([BOTTOM, 64.0, TOP], abs=0.06)
    assert repr(h) == "History(epochs=3, last: loss=0.2500, val_loss=nan, accuracy=0.9000)"
    assert repr(gn.callbacks.History()) == "History(epochs=0)"
    assert "glassnet-history" in gn.callbacks.History()._repr_html_()


def test_history_shows_the_last_five_epochs_and_why_it_stopped():
    h = gn.callbacks.History.from_dict({"loss": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]})
    h.stopped_on_nan = "loss became nan at epoch 7 <restored>"
    text = text_of(h._repr_html_())
    epochs = re.findall(r"(\d)\s+0\.\d{4}", text)
    assert epochs == ["3", "4", "5", "6", "7"] and "the last 5 of 7 epochs" in text
    assert "loss became nan at epoch 7 <restored>" in text


def test_history_of_a_real_fit():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 2))
    y = (x[:, 0] > 0).astype(int)
    model = gn.Sequential([gn.layers.Dense(2, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    h = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    text = text_of(h._repr_html_())
    assert re.search(rf"2\s+{h.history['loss'][-1]:.4f}", text)
    assert set(polylines(h._repr_html_())) == set(h.history)


# -- models -----------------------------------------------------------------------------------


def test_sequential_shows_its_summary_table():
    model = gn.Sequential([gn.layers.Dense(3, input_shape=(4,)), gn.layers.Dense(2)], name="net<1>")
    assert repr(model) == "<Sequential name=net<1>, built=False>"
    unbuilt = text_of(model._repr_html_())
    assert 'Model: "net<1>"' in unbuilt and "not built yet" in unbuilt
    model.build()
    text = text_of(model._repr_html_())
    # 4 x 3 + 3 = 15 and 3 x 2 + 2 = 8 weights, 23 in all (92 bytes as float32)
    assert re.search(r"\(None, 3\)\s+15\s+4 x 3 \+ 3", text)
    assert re.search(r"\(None, 2\)\s+8\s+3 x 2 \+ 2", text)
    assert "Total params: 23 (92.00 B)" in text and "net&lt;1&gt;" in model._repr_html_()
    assert repr(model) == "<Sequential name=net<1>, built=True>"


def test_perceptron_shows_its_equation_and_weights():
    p = gn.Perceptron(weights=[0.5, -0.2], bias_weight=0.3)
    text = text_of(p._repr_html_())
    equation = re.search(r"z = ([^\n]*)", text).group(1)
    assert equation == "x1*0.5 + x2*(-0.2) + 1.0*0.3"
    for x1, x2 in [(1.0, 2.0), (-3.0, 0.5)]:  # the equation computes the perceptron's z
        z = eval(equation, {"x1": x1, "x2": x2})  # our own text
        assert z == pytest.approx(p.net_input(np.array([[x1, x2]]))[0])
    assert re.search(r"w1\s+0\.5\s+w2\s+-0\.2\s+w_bias\s+0\.3", text)
    assert "y = sign(z)" in text
    assert "no weights yet" in text_of(gn.Perceptron()._repr_html_())


# -- doctor, explain, describe ----------------------------------------------------------------


def test_diagnosis_and_finding_cards():
    d = gn.diagnose({"loss": [1.0, 0.8, 0.9, 1.1, 1.3]})
    page = d._repr_html_()
    text = text_of(page)
    assert "Training diagnosis" in text and "(5 epochs)" in text
    for f in d:
        assert f.summary in text and all(s in text for s in f.tries())
        assert f.text() in repr(f) and f.summary in text_of(f._repr_html_())
    forged = gn.doctor.Finding(name="x", summary=EVIL, evidence={"gap<": 0.25})
    page = forged._repr_html_()
    assert EVIL in text_of(page) and "&lt;b&gt;x&lt;/b&gt;" in page
    assert re.search(r"gap<\s+0\.25", text_of(page))


def test_explanations_are_monospace_and_keep_their_columns():
    p = gn.Perceptron(weights=[0.5, -0.2], bias_weight=0.3)
    e = gn.explain.perceptron(p, [1.0, 2.0])
    page = e._repr_html_()
    checker = parse(page)
    blocks = [t for t in checker.texts if "\n" in t or t.strip()]
    for _heading, lines in e.sections():
        # each section's lines arrive as one block, spaces intact, so the columns align
        assert "\n".join(lines) in blocks
    assert e.title in text_of(page)


def test_data_report_escapes_class_names():
    rng = np.random.default_rng(2)
    report = gn.datasets.describe(
        rng.normal(size=(12, 2)), [0] * 9 + [1] * 3, class_names=[EVIL, "dog"]
    )
    page = report._repr_html_()
    text = text_of(page)
    assert EVIL in text and "&lt;b&gt;x&lt;/b&gt;" in page
    for title, rows in report._sections():
        assert title in text and all(value in text for _, value in rows)
    assert repr(report) == str(report) and "samples" in repr(report)  # not a dataclass dump


def test_classification_report_and_exercise():
    # class 0: predicted twice, both right (precision 1), 2 of its 3 found (recall 2/3),
    # f1 = 2 * 1 * 2/3 / (5/3) = 0.8; class 1: predicted twice, once right (0.5), recall 1,
    # f1 = 2 * 0.5 / 1.5 = 0.667.
    r = gn.metrics.classification_report([0, 0, 0, 1], [0, 0, 1, 1], class_names=[EVIL, "dog"])
    text = text_of(r._repr_html_())
    assert re.search(r"<b>x</b>\s+1\.000\s+0\.667\s+0\.800\s+3", text)
    assert re.search(r"dog\s+0\.500\s+1\.000\s+0\.667\s+1", text)
    sheet = gn.exercises.make("forward", seed=0)
    assert sheet.question in text_of(sheet._repr_html_())
