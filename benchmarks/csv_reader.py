"""CSV reading: `gn.datasets.load_csv` against `pandas.read_csv` (+ conversion to arrays).

Each measurement runs in a fresh child process (imports done first); time is wall-clock,
memory the peak traced by tracemalloc (numpy and pandas report their buffers to it). Tables: numeric
columns with 2 % missing cells, two text columns, a text label.

    python3 benchmarks/csv_reader.py            # 200k x 20 and 1M x 50
    python3 benchmarks/csv_reader.py --small    # 200k x 20 only
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
which, path = sys.argv[1], sys.argv[2]
pd.read_csv(path, nrows=5)  # imports done before measuring
gn.datasets.load_csv(pd.read_csv(path, nrows=50), target="label", missing="mean")
tracemalloc.start()
start = time.perf_counter()
if which == "pandas":
    frame = pd.read_csv(path)
    x = frame.drop(columns=["label"]).pipe(pd.get_dummies, dtype=float).to_numpy(np.float64)
    y = frame["label"].astype("category").cat.codes.to_numpy()
else:
    x, y, names = gn.datasets.load_csv(path, target="label", missing="mean")
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": elapsed, "mb": peak / 1e6, "shape": list(x.shape)}))
"""


def write_table(path: Path, rows: int, numeric: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    import pandas as pd

    data = rng.normal(size=(rows, numeric)).round(4)
    data[rng.random(data.shape) < 0.02] = np.nan
    frame = pd.DataFrame(data, columns=[f"f{j}" for j in range(numeric)])
    frame["island"] = rng.choice(["Biscoe", "Dream", "Torgersen"], rows)
    frame["sex"] = rng.choice(["female", "male"], rows)
    frame["label"] = rng.choice(["Adelie", "Chinstrap", "Gentoo"], rows)
    frame.to_csv(path, index=False, na_rep="NA")


def measure(which: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, which, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    sizes = [(200_000, 20)] if "--small" in sys.argv else [(200_000, 20), (1_000_000, 50)]
    print("| table | file | reader | time (s) | peak memory (MB) | vs pandas (time, memory) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for rows, numeric in sizes:
            path = Path(folder) / f"t{rows}.csv"
            write_table(path, rows, numeric - 2)
            size = path.stat().st_size / 1e6
            ref = measure("pandas", path)
            ours = measure("load_csv", path)
            label = f"{rows:,} x {numeric}"
            print(f"| {label} | {size:.0f} MB | pandas.read_csv + arrays | {ref['seconds']:.2f} | "
                  f"{ref['mb']:.0f} | 1.00, 1.00 |")
            print(f"| {label} | {size:.0f} MB | gn.datasets.load_csv | {ours['seconds']:.2f} | "
                  f"{ours['mb']:.0f} | {ours['seconds'] / ref['seconds']:.2f}, "
                  f"{ours['mb'] / ref['mb']:.2f} |")
            path.unlink()


if __name__ == "__main__":
    main()
