"""CSV reading: `gn.datasets.load_csv` against `pandas.read_csv` (+ conversion to arrays).

Each measurement runs in a fresh child process (imports done first); time is wall-clock
(the best of 3 untraced runs), memory the peak traced by tracemalloc (numpy and pandas
report their buffers to it; one more run). Tables:
200k x 20 of numbers and a text label; 200k x 20 and 1M x 50 with 2 % missing cells, two
text columns and a text label. The files are written to a temporary folder and removed.

    python3 benchmarks/csv_reader.py            # all three tables
    python3 benchmarks/csv_reader.py --small    # the 200k x 20 ones only
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = r"""
import json, sys, time, tracemalloc
import numpy as np
import pandas as pd
import glassnet as gn
which, path, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
pd.read_csv(path, nrows=5)  # imports done before measuring
gn.datasets.load_csv(pd.read_csv(path, nrows=50), target="label", missing="mean")
if traced:
    tracemalloc.start()
start = time.perf_counter()
if which == "pandas":
    frame = pd.read_csv(path)
    x = frame.drop(columns=["label"]).pipe(pd.get_dummies, dtype=float).to_numpy(np.float64)
    y = frame["label"].astype("category").cat.codes.to_numpy()
else:
    x, y, names = gn.datasets.load_csv(path, target="label", missing="mean")
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if traced else 0
print(json.dumps({"seconds": elapsed, "mb": peak / 1e6, "shape": list(x.shape)}))
"""
REPEATS = 3  # time: the best of 3 runs without tracing (the machine is shared); memory: 1 traced


def write_table(path: Path, rows: int, numeric: int, messy: bool = True, seed: int = 0) -> None:
    """`numeric` number columns (2 % of their cells "NA" when `messy`), two text columns
    (3 and 2 values) when `messy`, and a text label of 3 classes."""
    rng = np.random.default_rng(seed)
    import pandas as pd

    data = rng.normal(size=(rows, numeric)).round(4)
    if messy:
        data[rng.random(data.shape) < 0.02] = np.nan
    frame = pd.DataFrame(data, columns=[f"f{j}" for j in range(numeric)])
    if messy:
        frame["island"] = rng.choice(["Biscoe", "Dream", "Torgersen"], rows)
        frame["sex"] = rng.choice(["female", "male"], rows)
    frame["label"] = rng.choice(["Adelie", "Chinstrap", "Gentoo"], rows)
    frame.to_csv(path, index=False, na_rep="NA")


def measure(which: str, path: Path) -> dict:
    def child(traced: bool) -> dict:
        args = [sys.executable, "-c", CHILD, which, str(path), "1" if traced else "0"]
        out = subprocess.run(args, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    runs = [child(False) for _ in range(REPEATS)]
    result = min(runs, key=lambda r: r["seconds"])
    result["mb"] = child(True)["mb"]
    return result


TABLES = [  # (rows, columns, messy): the columns count the label (and the text columns)
    (200_000, 20, False),
    (200_000, 20, True),
    (1_000_000, 50, True),
]


def main() -> None:
    tables = TABLES[:2] if "--small" in sys.argv else TABLES
    print("| table | file | reader | time (s) | peak memory (MB) | vs pandas (time, memory) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for rows, columns, messy in tables:
            path = Path(folder) / f"t{rows}-{columns}.csv"
            write_table(path, rows, columns - (3 if messy else 1), messy)
            size = path.stat().st_size / 1e6
            ref = measure("pandas", path)
            ours = measure("load_csv", path)
            label = f"{rows:,} x {columns}" + (", NA + text" if messy else ", numbers")
            for name, r in (("pandas.read_csv + arrays", ref), ("gn.datasets.load_csv", ours)):
                ratios = ", ".join(f"{r[k] / ref[k]:.2f}" for k in ("seconds", "mb"))
                print(
                    f"| {label} | {size:.0f} MB | {name} | {r['seconds']:.2f} | {r['mb']:.0f} "
                    f"| {ratios} |",
                    flush=True,
                )
            path.unlink()


if __name__ == "__main__":
    main()
