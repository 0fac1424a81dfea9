"""The tutorial conversions are scripts run statement by statement by
tests/lecture/test_tutorials.py: pytest must not import them (for doctests) on its own."""

collect_ignore_glob = ["[!c]*.py"]
