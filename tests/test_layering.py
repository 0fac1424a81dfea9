"""The architecture as a rule: glassnet's imports point down through five levels, in no cycle.

    5  the application     cli, commands/, runs, report, __main__ (later glassnet.cli.*)
    4  tools on the engine perceptron, testing, exercises, explain/, plots/
    3  the engine          activations, initializers, layers, losses, optimizers, model,
                           callbacks, saving, utils
    2  tools on numbers    metrics/, doctor/, datasets/
    1  helpers             _internal/

A module may import its own level and the levels below it, never one above, so the
engine never imports a tool or the CLI, and the doctor, metrics and datasets never
import the engine. `_internal/` imports nothing else of glassnet. glassnet/__init__.py,
the public face, imports everything and is exempt; importing it counts as level 5.

Every import counts, those inside functions too (they are how cycles hide), read with
`ast` from the source, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "glassnet"

ENGINE = (
    "activations",
    "initializers",
    "layers",
    "losses",
    "optimizers",
    "model",
    "models",
    "callbacks",
    "saving",
    "utils",
    "_model_inputs",
    "_model_summary",
    "_model_state",
    "_nan_guard",
    "_model_training",
    "_callback_base",
    "_callbacks_training",
    "_fit_options",
    "_saved_checks",
    "_saved_folder",
    "_layer_api",
    "_model_layers",
    "_keras_h5",
    "_keras_file",
    "_keras_legacy",
    "_weights_file",
    "_checkpoints",
    "_activation_base",
    "_activations_more",
    "_export_onnx",
    "regularizers",
    "schedules",
    "_live_plot",
    "config",
)
# Level -> the modules and packages on it (a package stands for everything inside it).
LEVELS: dict[int, tuple[str, ...]] = {
    1: ("_internal",),
    2: ("metrics", "doctor", "datasets"),
    3: ENGINE,
    4: (
        "perceptron",
        "_perceptron_trace",
        "sklearn",
        "_sklearn_base",
        "testing",
        "exercises",
        "explain",
        "plots",
        "tuning",
        "interactive",
    ),
    5: ("cli", "commands", "runs", "report", "__main__"),
}
NAMES = {
    1: "helpers",
    2: "tools on numbers",
    3: "the engine",
    4: "tools on the engine",
    5: "the application",
}

# Imports that break the rule today and are being removed in work under way elsewhere.
# Each names its edge (importer, imported) and why it is still here; delete the entry
# when its edge goes, and never add one without a plan to remove it.
ALLOWED_FOR_NOW: dict[tuple[str, str], str] = {}


def module_names(root: Path = SOURCE) -> dict[str, Path]:
    """Dotted name -> file of every module of the package under `root`."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        modules[name] = path
    return modules


def level_of(module: str) -> int | None:
    """The level of a glassnet module, or None for one that no level names."""
    if module == "glassnet":
        return 5  # the public face imports everything
    inner = module.removeprefix("glassnet.")
    for level, prefixes in LEVELS.items():
        if any(inner == p or inner.startswith(p + ".") for p in prefixes):
            return level
    return None


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The glassnet modules that `module` imports -> the line of the first such import."""

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y
                package = _package_of(module, path).split(".")
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            # `from glassnet import layers` imports the module glassnet.layers
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
        for name in names:
            target = resolve(name)
            if target is not None and target != module:
                found.setdefault(target, node.lineno)
    return found


def import_graph(root: Path = SOURCE) -> dict[str, dict[str, int]]:
    """Module -> {imported glassnet module: line}; the public face's own imports are left out."""
    modules = module_names(root)
    return {module: imports_of(module, path, modules) for module, path in modules.items()} | {
        "glassnet": {}
    }


def upward_imports(graph: dict[str, dict[str, int]], allowed=ALLOWED_FOR_NOW) -> list[str]:
    """Each import of a higher level than the importer's, as a sentence."""
    problems = []
    for module, targets in sorted(graph.items()):
        for target, line in sorted(targets.items()):
            low, high = level_of(module), level_of(target)
            if (module, target) in allowed or low is None or high is None or high <= low:
                continue
            problems.append(
                f"{module} (level {low}, {NAMES[low]}) imports {target} (level {high}, "
                f"{NAMES[high]}) at line {line}"
            )
    return problems


def cycles(graph: dict[str, dict[str, int]], allowed=ALLOWED_FOR_NOW) -> list[list[str]]:
    """The groups of modules that import each other in a loop (Tarjan's algorithm)."""
    edges = {m: [t for t in ts if (m, t) not in allowed and t in graph] for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph()


def test_every_module_stands_on_a_level(graph):
    unplaced = [m for m in graph if level_of(m) is None]
    assert not unplaced, f"give these modules a level in LEVELS: {unplaced}"


def test_no_import_points_up(graph):
    problems = upward_imports(graph)
    assert not problems, "imports that point up:\n" + "\n".join(problems)


def test_no_import_cycle(graph):
    found = cycles(graph)
    assert not found, "modules that import each other in a loop:\n" + "\n".join(
        " <-> ".join(group) for group in found
    )


def test_the_allowed_edges_still_exist(graph):
    # An entry whose import has gone is stale: delete it, so the rule is whole again.
    stale = [edge for edge in ALLOWED_FOR_NOW if edge[1] not in graph.get(edge[0], {})]
    assert not stale, f"remove these from ALLOWED_FOR_NOW, their imports are gone: {stale}"


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path):
    package = tmp_path / "glassnet"
    (package / "_internal").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_internal" / "__init__.py").write_text("")
    (package / "_internal" / "numbers.py").write_text(
        "def short(v):\n    from glassnet import layers  # hidden in a function\n"
    )
    (package / "layers.py").write_text("from glassnet.model import Sequential\n")
    (package / "model.py").write_text("from glassnet import layers\nimport glassnet._internal\n")
    fake = import_graph(package)
    assert upward_imports(fake, allowed={}) == [
        "glassnet._internal.numbers (level 1, helpers) imports glassnet.layers "
        "(level 3, the engine) at line 2"
    ]
    assert cycles(fake, allowed={}) == [["glassnet.layers", "glassnet.model"]]


def test_the_concept_table_points_at_code_that_exists():
    # glassnet/__init__.py's table: lecture concept | file(s) | where to start reading.
    doc = ast.get_docstring(ast.parse((SOURCE / "__init__.py").read_text(encoding="utf-8")))
    rows = [line.split("|")[1:4] for line in doc.splitlines() if line.startswith("| ")][1:]
    assert len(rows) >= 15
    for concept, files, start in rows:
        paths = [SOURCE / name.strip() for name in files.split(",")]
        missing = [str(p.relative_to(SOURCE)) for p in paths if not p.is_file()]
        assert not missing, f"{concept.strip()!r}: no such file {missing}"
        text = "".join(p.read_text(encoding="utf-8") for p in paths)
        for name in start.split(","):
            last = name.strip().rpartition(".")[2]
            if last.isidentifier():
                assert f"def {last}(" in text or f"class {last}(" in text, (concept, name)
