"""fit's notebook display (the live bar) and LivePlot, headless: IPython's display mocked.

A fake shell whose class is named ZMQInteractiveShell makes glassnet believe it runs in
a Jupyter kernel; `IPython.display.display` is replaced by a recorder whose handles log
each update, so the test sees exactly what a notebook would keep.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

import glassnet as gn


class ZMQInteractiveShell:  # the name ipykernel's shell has
    pass


class Handle:
    def __init__(self, log, obj):
        self.log, self.shown = log, [obj]

    def update(self, obj):
        self.shown.append(obj)


@pytest.fixture
def notebook(monkeypatch):
    """Pretend to be a notebook kernel; return the list of display handles made."""
    ipython = pytest.importorskip("IPython")
    import IPython.display

    handles = []

    def display(obj, display_id=None):
        handle = Handle(handles, obj)
        handles.append((display_id, handle))
        return handle if display_id else None

    monkeypatch.setattr(ipython, "get_ipython", lambda: ZMQInteractiveShell())
    monkeypatch.setattr(IPython.display, "display", display)
    return handles


def _model():
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [gn.layers.Dense(2, activation="relu", input_shape=(3,)), gn.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def test_in_notebook_reads_the_shell_class(notebook, monkeypatch):
    from glassnet._internal.notebook import in_notebook

    assert in_notebook()
    import IPython

    class TerminalInteractiveShell:
        pass

    monkeypatch.setattr(IPython, "get_ipython", lambda: TerminalInteractiveShell())
    assert not in_notebook()
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert not in_notebook()


def test_fit_in_a_notebook_shows_one_bar_per_epoch_that_ends_as_its_line(notebook, capsys):
    x, y = np.ones((40, 3)), np.ones(40)
    _model().fit(x, y, epochs=3, batch_size=8, verbose=1)
    printed = capsys.readouterr().out
    assert "Epoch" not in printed  # the lines are displays, not prints
    bars = [h for display_id, h in notebook if display_id]
    assert len(bars) == 3
    for k, bar in enumerate(bars, start=1):
        first, last = repr(bar.shown[0]), repr(bar.shown[-1])
        assert first == f"Epoch {k}/3 " + "━" * 20 + " 0/5"
        assert last.startswith(f"Epoch {k}/3 5/5 ") and "━" not in last, last
        assert " - loss: " in last and " - mae: " in last
        html = bar.shown[-1]._repr_html_()
        assert html.startswith('<pre style="font-family: monospace; line-height: 1.5')


def test_the_diagnosis_shows_as_its_own_html_in_a_notebook(notebook, monkeypatch):
    monkeypatch.setattr(
        gn.doctor.Diagnosis, "_repr_html_", lambda self: "<div>card</div>", raising=False
    )
    _model().fit(np.ones((16, 3)), np.ones(16), epochs=2, batch_size=8, verbose=2)
    shown = [h.shown[-1] for _, h in notebook]
    assert len(shown) == 3 and isinstance(shown[-1], gn.doctor.Diagnosis)


def test_fit_verbose_2_in_a_notebook_shows_only_the_lines(notebook):
    _model().fit(np.ones((16, 3)), np.ones(16), epochs=2, batch_size=8, verbose=2)
    notebook[:] = [(i, h) for i, h in notebook if not isinstance(h.shown[0], gn.doctor.Diagnosis)]
    assert [display_id for display_id, _ in notebook] == [None, None]
    for k, (_, handle) in enumerate(notebook, start=1):
        assert repr(handle.shown[0]).startswith(f"Epoch {k}/2 2/2 "), handle.shown


def test_evaluate_in_a_notebook_ends_with_keras_line_in_place_of_its_bar(notebook):
    model = _model()
    model.evaluate(np.ones((16, 3)), np.ones(16), batch_size=8, verbose=1)
    ((display_id, handle),) = notebook
    assert display_id is True
    assert repr(handle.shown[-1]).startswith("2/2 " + "━" * 20 + " 0s ")
    assert " - loss: " in repr(handle.shown[-1])


def test_the_terminal_display_is_unchanged_outside_a_notebook(capsys):
    _model().fit(np.ones((16, 3)), np.ones(16), epochs=2, batch_size=8, verbose=2)
    out = capsys.readouterr().out
    assert out.count("Epoch 1/2 2/2 ") == 1 and out.count("Epoch 2/2 2/2 ") == 1


def test_liveplot_redraws_one_display_once_per_epoch(notebook):
    from PIL import Image

    live = gn.callbacks.LivePlot()
    x = np.random.default_rng(0).normal(size=(32, 3))
    history = _model().fit(
        x, x.sum(axis=1), epochs=4, batch_size=8, verbose=0, validation_split=0.25, callbacks=[live]
    )
    plots = [h for display_id, h in notebook if display_id]
    # one display, made before the first epoch's bar, then redrawn after each of the 4
    assert notebook[0][1] is plots[0] and len(plots[0].shown) == 5
    assert repr(plots[0].shown[0]) == "Learning curves: drawn after each epoch."
    assert live.draws == 4
    assert live.history["val_loss"] == pytest.approx(history.history["val_loss"])
    image = Image.open(io.BytesIO(plots[0].shown[-1].data))
    assert image.format == "PNG" and image.size[0] > 300
    pixels = np.asarray(image.convert("L"), dtype=np.float64)
    assert pixels.std() > 10  # curves drawn, not a blank image


def test_liveplot_every_and_path_outside_a_notebook(tmp_path):
    path = tmp_path / "curves.png"
    live = gn.callbacks.LivePlot(path=path, every=2)
    _model().fit(np.ones((16, 3)), np.ones(16), epochs=3, verbose=0, callbacks=[live])
    assert live.draws == 2  # after epoch 2, and after the last
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_liveplot_rejects_bad_arguments():
    with pytest.raises(ValueError, match="every"):
        gn.callbacks.LivePlot(every=0)
    with pytest.raises(TypeError, match="path"):
        gn.callbacks.LivePlot(path=3)
