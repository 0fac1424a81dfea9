"""A layer larger than `layers.MAX_LAYER_WEIGHTS` is refused before anything is allocated.

A saved model that is not built (no input shape) declaring Dense(10**12) loaded fine and
then raised NumPy's MemoryError ("Unable to allocate 21.8 TiB") at its first predict; a
built one did so at loading (the report's defect 4, `model-json-units-huge`).
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture(autouse=True)
def capped_memory():
    """An address-space cap 2 GB above what the process maps now, so that a regression
    is a quick MemoryError here, not a 12 GB allocation on a shared machine."""
    try:
        import resource

        pages = int(open("/proc/self/statm").read().split()[0])
    except (ImportError, OSError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = pages * os.sysconf("SC_PAGE_SIZE") + (2 << 30)
    resource.setrlimit(
        resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
    )
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.mark.parametrize("form", ["m.glassnet", "m_folder/"])
def test_an_unbuilt_model_declaring_a_huge_layer_is_refused_at_loading(tmp_path, form):
    path = str(tmp_path / form)
    gn.Sequential([gn.layers.Dense(4), gn.layers.Dense(10**12, name="huge")]).save(path)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as caught:
            gn.load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert repr(path.rstrip("/")) in message or path.rstrip("/") in message
    # units 10**12 with one input and biases: 2 * 10**12 values, 8 * 10**12 bytes
    assert "layer 'huge' would hold 2,000,000,000,000 weights" in message
    assert "8,000.0 GB as float32" in message and "1,000,000,000 (4.0 GB)" in message
    assert peak < 10 * 2**20


def test_building_a_layer_beyond_the_limit_is_a_value_error_before_allocating():
    model = gn.Sequential([gn.layers.Dense(10**8, name="wide")])
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as caught:
            model.predict(np.zeros((1, 30), np.float32))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # (30 inputs + 1 bias) x 10**8 units = 3.1e9 weights, x 4 bytes = 12.4 GB
    assert str(caught.value).startswith(
        "layer 'wide' would hold 3,100,000,000 weights (30 inputs x 100,000,000 units), "
        "12.4 GB as float32"
    )
    assert peak < 10 * 2**20
    assert not model.built


def test_the_limit_itself_is_allowed(monkeypatch):
    monkeypatch.setattr(gn.layers, "MAX_LAYER_WEIGHTS", 12)
    layer = gn.layers.Dense(3)
    layer.build((3,))  # 3 x 3 kernel + 3 biases = 12
    assert layer.count_params() == 12
    with pytest.raises(ValueError, match=r"would hold 16 weights \(3 inputs x 4 units\)"):
        gn.layers.Dense(4).build((3,))  # 3 x 4 kernel + 4 biases


def test_the_limit_counts_the_biases_only_when_there_are_some(monkeypatch):
    monkeypatch.setattr(gn.layers, "MAX_LAYER_WEIGHTS", 12)
    gn.layers.Dense(3, use_bias=False).build((4,))  # 4 x 3 = 12
    with pytest.raises(ValueError, match=r"would hold 15 weights \(4 inputs x 3 units\)"):
        gn.layers.Dense(3).build((4,))  # 12 + 3 biases


def test_a_large_layer_below_the_limit_still_builds():
    layer = gn.layers.Dense(1000)
    layer.build((1000,))
    assert layer.count_params() == 1_001_000
    assert gn.layers.MAX_LAYER_WEIGHTS == 10**9
