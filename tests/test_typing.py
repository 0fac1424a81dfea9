"""glassnet's type hints hold: `mypy -p glassnet` with pyproject.toml's strict `[tool.mypy]`
finds nothing, and the engine's modules are checked for real (none of them may sit in an
`ignore_errors` override, so the list of exceptions can only shrink)."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "glassnet"

# Modules that must pass `mypy --strict` as they are (patterns as in [[tool.mypy.overrides]]).
STRICT = [
    "glassnet._internal.*",
    "glassnet.activations",
    "glassnet.initializers",
    "glassnet.layers",
    "glassnet.losses",
    "glassnet.optimizers",
    "glassnet.model",
    "glassnet.models",
    "glassnet.callbacks",
    "glassnet.saving",
    "glassnet.utils",
    "glassnet.regularizers",
    "glassnet.schedules",
    "glassnet.config",
    "glassnet._model_*",
    "glassnet._layer_api",
    "glassnet._callback_base",
    "glassnet._callbacks_training",
    "glassnet._fit_options",
    "glassnet._activation_base",
    "glassnet._activations_more",
    "glassnet._nan_guard",
    "glassnet._checkpoints",
    "glassnet._saved_*",
    "glassnet._keras_*",
    "glassnet._weights_file",
    "glassnet.metrics.*",
    "glassnet.perceptron",
    "glassnet.sklearn",
    "glassnet.testing",
    "glassnet.interactive",
    "glassnet.exercises.*",
]
# The only packages that may still be exempt (each with its reason in pyproject.toml);
# delete an entry here and its override there once the package is clean.
EXCEPTIONS = {
    "glassnet.cli.*",
    "glassnet.datasets.*",
    "glassnet.doctor.*",
    "glassnet.explain.*",
    "glassnet.plots.*",
    "glassnet.tuning.*",
}


def _module_names() -> list[str]:
    names = []
    for path in PACKAGE.rglob("*.py"):
        parts = ["glassnet", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return sorted(names)


def _matches(pattern: str, module: str) -> bool:
    # mypy's override patterns: "a.b" exactly, "a.b.*" for a.b and everything below it.
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return module == base or module.startswith(base + ".")
    return module == pattern


def _ignored_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = []
    for override in config["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            module = override["module"]
            patterns += [module] if isinstance(module, str) else module
    return patterns


def test_the_config_is_strict():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["python_version"] == "3.10"
    assert "ignore_missing_imports" not in mypy  # per module only, in an override


def test_no_strict_module_is_exempt():
    modules = _module_names()
    strict = [m for m in modules if any(fnmatch.fnmatchcase(m, p) for p in STRICT)]
    assert "glassnet.model" in strict and "glassnet._internal.checks" in strict
    assert len(strict) >= 50
    for pattern in _ignored_patterns():
        assert pattern in EXCEPTIONS, f"{pattern!r} is not among the allowed exceptions"
        exempt = [m for m in strict if _matches(pattern, m)]
        assert not exempt, f"{pattern!r} in an ignore_errors override covers {exempt}"
        assert any(_matches(pattern, m) for m in modules), f"{pattern!r} matches no module"


def _run_mypy(api, args):
    limit = sys.getrecursionlimit()  # mypy raises it for the whole process: put it back
    try:
        return api.run(args)
    finally:
        sys.setrecursionlimit(limit)


def test_mypy_finds_no_errors():
    api = pytest.importorskip("mypy.api")
    # The cache sits in the repository (.mypy_cache, gitignored): a second run takes seconds.
    stdout, stderr, status = _run_mypy(
        api,
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-pretty",
            "-p",
            "glassnet",
        ],
    )
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found"), stdout


USER_CODE = """
import numpy as np
import glassnet as gn

model = gn.Sequential(
    [gn.layers.Dense(128, activation="relu", input_shape=(784,)), gn.layers.Dense(10)]
)
model.compile(
    optimizer=gn.optimizers.Adam(learning_rate=1e-3),
    loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
x = np.zeros((8, 784), dtype=np.float32)
y = np.zeros(8, dtype=np.int64)
history = model.fit(x, y, epochs=1, verbose=0, callbacks=[gn.callbacks.EarlyStopping()])
reveal_type(history)
reveal_type(model.predict(x))
reveal_type(model(x))
reveal_type(gn.losses.MeanSquaredError()(y, x))
"""


def _check(tmp_path: Path, code: str) -> tuple[str, int]:
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "user_code.py"
    script.write_text(code, encoding="utf-8")
    stdout, stderr, status = _run_mypy(
        api,
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-pretty",
            str(script),
        ],
    )
    return stdout + stderr, status


def test_user_code_sees_the_types(tmp_path):
    # What py.typed promises: a user's strict mypy run knows what the lecture's calls return.
    output, status = _check(tmp_path, USER_CODE)
    assert status == 0, output
    revealed = [
        line.split("Revealed type is ")[1] for line in output.splitlines() if "Revealed" in line
    ]
    assert revealed[0] == '"glassnet.callbacks.History"'
    assert "numpy.ndarray[" in revealed[1] and "_32Bit" in revealed[1]  # float32
    assert revealed[2] == '"glassnet._internal.tensor.Tensor"'
    assert revealed[3] == '"glassnet._internal.tensor.Scalar"'


def test_user_code_type_errors_are_caught(tmp_path):
    # Not Any: a wrong argument type in user code is an error of mypy's.
    code = USER_CODE.replace("epochs=1,", 'epochs="1",').replace("reveal_type", "print")
    output, status = _check(tmp_path, code)
    assert status == 1, output
    assert '"fit" of "Trainer" has incompatible type "str"; expected "int"' in output, output
