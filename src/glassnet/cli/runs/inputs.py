"""New data for a loaded run: a CSV file's rows as its model inputs, and the file's label
column as its labels (what `runs.evaluation` scores a run on).

`glassnet predict RUN FILE.csv` and `glassnet evaluate RUN --dataset FILE.csv` (and
`explain`) read a new CSV file exactly as the run's training read its own: the run's
fitted `TablePreprocessor` (run.json's "table": missing values filled with the training
values, text columns one-hot with the training categories), then the run's feature
scaling (run.json's "preprocessing"). The labels are mapped to the run's class names (a
label the run never saw is an error), or read as numbers for a regression run.

>>> import glassnet as gn, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "t.csv").write_text("a,c,y\\n1,x,no\\n,z,yes\\n3,x,no\\n")
>>> table = gn.datasets.load_csv(folder / "t.csv", target="y", missing="mean")
>>> m = gn.models.Sequential([gn.layers.Input((3,)), gn.layers.Dense(2)])
>>> m.build()
>>> info = {"table": table.preprocessor.to_dict(), "class_names": ["no", "yes"],
...         "preprocessing": {"kind": "standardize", "mean": [2, 0, 0], "scale": [1, 1, 1]},
...         "task": "classification"}
>>> loaded = LoadedRun(model=m, path=folder / "run", info=info)
>>> _ = (folder / "new.csv").write_text("y,c,a\\nyes,z,\\nno,x,4\\n")
>>> x, y = csv_data(loaded, folder / "new.csv", "y")
>>> x.tolist(), y.tolist()  # a: the training mean 2, then centred on it
([[0.0, 0.0, 1.0], [2.0, 1.0, 0.0]], [1, 0])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from glassnet.cli.runs.data import preprocess
from glassnet.cli.runs.loaded import LoadedRun
from glassnet.datasets import TablePreprocessor, load_features

__all__ = [
    "csv_data",
    "csv_inputs",
    "csv_labels",
    "run_target",
    "table_preprocessor",
]


def table_preprocessor(loaded: LoadedRun) -> TablePreprocessor | None:
    """The run's fitted CSV preprocessing (run.json's "table"), or None (none recorded:
    images, a bare model file, or a run of a table of numbers from before it was kept).

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(2)])
    >>> print(table_preprocessor(LoadedRun(model=m, path=Path("m.glassnet"), info={})))
    None
    """
    spec = loaded.info.get("table")
    if spec is None:
        return None
    try:
        return TablePreprocessor.from_dict(spec)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(
            f"{loaded.path}: run.json's table preprocessing is damaged: {error}"
        ) from None


def csv_inputs(loaded: LoadedRun, path: str | Path, encoding: str | None = None) -> np.ndarray:
    """The rows of a CSV file as the run's model inputs, preprocessed as in its training
    (`encoding`: the file's text encoding, None for UTF-8).

    Columns are taken by name (any other column, such as the label, is ignored); a table
    of numbers only, without fill-in values, may also come without a header, its columns
    in the model's order. Errors name the file (and the column, line or value).

    >>> import glassnet as gn, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.csv"
    >>> _ = path.write_text("b,a\\n1,2\\n")
    >>> m = gn.models.Sequential([gn.layers.Input((2,)), gn.layers.Dense(1)])
    >>> m.build()
    >>> info = {"feature_names": ["a", "b"], "preprocessing": {"kind": "standardize",
    ...         "mean": [1.0, 1.0], "scale": [2.0, 1.0]}}
    >>> csv_inputs(LoadedRun(model=m, path=path.parent, info=info), path).tolist()
    [[0.5, 0.0]]
    """
    n_inputs = int(np.prod(loaded.model.input_sample_shape))
    table = table_preprocessor(loaded)
    if table is not None and ("text" in table.kinds or table.missing != "error"):
        # the training's fill-in values and one-hot categories (a header is needed)
        x = load_features(path, preprocessor=table, encoding=encoding)
        if x.shape[1] != n_inputs:
            raise ValueError(
                f"{loaded.path}: its table preprocessing gives {x.shape[1]} inputs, but the "
                f"model takes {n_inputs}: the run folder is damaged."
            )
    else:
        features = loaded.info.get("feature_names") or None
        x = load_features(path, features, n_features=n_inputs, encoding=encoding)
    return preprocess(x, loaded.preprocessing).reshape(-1, *loaded.model.input_sample_shape)


def run_target(loaded: LoadedRun) -> str | None:
    """The run's CSV target column (run.json's, else its config's), or None.

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    >>> run_target(LoadedRun(model=m, path=Path("run"), info={"target": "mass"}))
    'mass'
    """
    target = loaded.info.get("target")
    if target is None and loaded.config is not None:
        target = loaded.config.target
    return target if isinstance(target, str) else None


def csv_labels(
    loaded: LoadedRun, path: str | Path, target: str, encoding: str | None = None
) -> np.ndarray:
    """The label column `target` of a CSV file as the run's labels: indices into the run's
    class names (int64), or the target's numbers (float64) for a regression run.

    Raises:
        ValueError: the file has no header or no column `target`; a label is missing; a
            label is not one of the run's classes (or not a number, for a regression).
            The message names the file, the column and the first such label and line.
    """
    from glassnet.datasets import _csv_exact, _csv_fast
    from glassnet.datasets._csv_checks import labels

    file = Path(path)
    encoding = _csv_exact.encoding_of(encoding)
    frame, named = _csv_fast.read_frame(file, None, None, encoding)
    columns = [str(c) for c in frame.columns]
    if not named or target not in columns:
        header = f"its columns are: {', '.join(columns)}" if named else "it has no header"
        raise ValueError(
            f"{file.name} has no label column {target!r} ({header}); give --target COLUMN."
        )
    column = frame[target]

    def line(row: int) -> int:
        return _csv_fast.locate(file, None, encoding, row, named)[0]

    absent = np.flatnonzero(column.isna().to_numpy())
    if len(absent):
        raise ValueError(
            f"{file.name} has {len(absent):,} row(s) without a label in column {target!r} "
            f"(the first at line {line(int(absent[0]))}); evaluating needs every row's label."
        )
    if loaded.task == "regression":
        return labels(column, f"the target column {target!r} of {file.name}", "regression")[0]
    codes, names = labels(column, f"the label column {target!r} of {file.name}", "classification")
    known = loaded.class_names
    index = {name: k for k, name in enumerate(known)}
    unseen = [name for name in names if name not in index]
    if unseen:
        first = int(np.flatnonzero(np.isin(codes, [names.index(u) for u in unseen]))[0])
        raise ValueError(
            f"{file.name}: column {target!r} holds the label {unseen[0]!r} (line {line(first)}"
            f"), not one of the classes {loaded.path} was trained on ({', '.join(known)})."
        )
    return np.array([index[name] for name in names], dtype=np.int64)[codes]


def csv_data(
    loaded: LoadedRun, path: str | Path, target: str | None = None, encoding: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of every row of a CSV file, as the run's training saw its own rows: x its
    model inputs (`csv_inputs`), y its labels (`csv_labels`). `target` defaults to the
    run's target column; `encoding` is the file's (None: UTF-8)."""
    target = target or run_target(loaded)
    if target is None:
        raise ValueError(
            f"--target COLUMN is required with a CSV dataset ({Path(path).name}): "
            f"{loaded.path} does not record its target column."
        )
    y = csv_labels(loaded, path, target, encoding)
    x = csv_inputs(loaded, path, encoding)
    if len(x) != len(y):  # both read the file with the same reader: they agree
        raise AssertionError(f"{path}: {len(x)} rows of inputs but {len(y)} labels.")
    return x, y


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
