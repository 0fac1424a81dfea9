"""report.html: one self-contained page with every figure embedded and the run's numbers."""

import base64
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from glassnet import plots
from glassnet.cli import html_report as report


@pytest.fixture()
def figures(tmp_path):
    paths = {
        "confusion_matrix.png": tmp_path / "cm.png",
        "learning_curves.png": tmp_path / "lc.png",
    }
    plots.plot_confusion_matrix(
        np.array([[3, 1], [0, 4]]), ["a", "b"], path=paths["confusion_matrix.png"]
    )
    plots.plot_learning_curves(
        {"loss": [0.9, 0.5], "val_loss": [1.0, 0.6]}, path=paths["learning_curves.png"]
    )
    plt.close("all")
    return paths


def test_report_embeds_every_figure_byte_for_byte(figures):
    page = report.build_report("run <1>", figures=figures)
    sources = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)">', page)
    # in the page's order: learning curves first, then the confusion matrix
    assert [alt for alt, _ in sources] == ["Learning curves", "Confusion matrix"]
    decoded = [base64.b64decode(data) for _, data in sources]
    assert decoded == [
        figures["learning_curves.png"].read_bytes(),
        figures["confusion_matrix.png"].read_bytes(),
    ]
    assert "<title>run &lt;1&gt;</title>" in page  # the title is escaped
    assert "http" not in page  # nothing fetched from elsewhere


def test_report_shows_summary_settings_metrics_and_diagnosis():
    metrics = {
        "test_accuracy": 0.875,
        "test_loss": 0.3125,
        "summary": {"baseline": 0.5, "balanced_accuracy": 0.8, "warnings": ["close to <baseline>"]},
        "report_text": "cat  0.900",
        "interrupted": True,
    }
    page = report.build_report(
        "r",
        summary='Model: "m"',
        config={"epochs": 3, "layers": [8]},
        metrics=metrics,
        diagnosis="overfitting: val_loss rose",
    )
    for expected in (
        "<tr><th>test accuracy</th><td>0.8750</td></tr>",
        "<tr><th>majority-class baseline</th><td>0.5000</td></tr>",
        "<tr><th>balanced accuracy</th><td>0.8000</td></tr>",
        "<tr><th>test loss</th><td>0.3125</td></tr>",
        "<tr><th>epochs</th><td>3</td></tr>",
        "<tr><th>layers</th><td>[8]</td></tr>",
        "<pre>Model: &quot;m&quot;</pre>",
        "<pre>overfitting: val_loss rose</pre>",
        "close to &lt;baseline&gt;",
        "Training was interrupted",
    ):
        assert expected in page
    assert "<img" not in page


def test_embed_png_rejects_other_files(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="expected a PNG file"):
        report.embed_png(path)
