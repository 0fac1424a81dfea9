"""Shared fixtures. NumPy floating-point errors raise in tests instead of warning."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _strict_numpy():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


@pytest.fixture
def rng():
    """A fixed-seed generator: tests are repeatable."""
    return np.random.default_rng(0)
