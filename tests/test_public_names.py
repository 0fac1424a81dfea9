"""Tab completion shows the public API only: every public module defines `__all__` and a
module `__dir__` returning it, so `dir(gn.layers)` lists Dense, not `Any` or `check_int`."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import glassnet

# Names a module imports for its own use; none may show in dir().
HELPERS = {"Any", "annotations", "np", "check_int", "Callable", "Sequence", "dataclass", "html"}


def _public_modules() -> list[str]:
    names = ["glassnet"]
    for info in pkgutil.walk_packages(glassnet.__path__, "glassnet."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[1] in ("cli", "__main__"):
            continue
        names.append(info.name)
    return names


MODULES = _public_modules()


def test_the_modules_of_the_brief_are_covered():
    for name in ("layers", "metrics", "callbacks", "datasets", "plots", "explain", "doctor"):
        assert f"glassnet.{name}" in MODULES
    assert "glassnet.datasets.mnist" in MODULES and len(MODULES) >= 25


@pytest.mark.parametrize("name", MODULES)
def test_dir_lists_exactly_the_public_names(name):
    module = importlib.import_module(name)
    public = module.__all__
    assert dir(module) == sorted(public)
    missing = [n for n in public if not hasattr(module, n)]
    assert missing == [], f"{name}.__all__ names what it lacks: {missing}"
    private = [n for n in public if n.startswith("_") and not n.startswith("__")]
    assert private == [] and not HELPERS & set(dir(module)), name
    assert len(set(public)) == len(public), f"{name}.__all__ repeats a name"


def test_hidden_names_stay_importable():
    import glassnet.layers as layers

    assert "Any" not in dir(layers) and layers.Any is not None  # only hidden from dir()
    assert "Dense" in dir(glassnet.layers) and "saving" in dir(glassnet)
