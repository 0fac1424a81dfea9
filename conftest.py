"""Doctest setup: figures are drawn off-screen."""

import matplotlib

matplotlib.use("Agg")
