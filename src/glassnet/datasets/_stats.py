"""The numbers behind `describe`: per-feature statistics in row blocks, and duplicate rows."""

from __future__ import annotations

import numpy as np

__all__ = ["count_duplicates", "feature_stats"]

_CHUNK = 4096  # rows per block when computing statistics (bounds the float64 copies)


def feature_stats(flat: np.ndarray) -> dict[str, np.ndarray]:
    """Per-feature count, sum, min, max, mean, std and missing counts, in row blocks.

    Two passes (mean first, then squared deviations) keep the std accurate; blocks keep
    memory bounded for large image sets.
    """
    n, f = flat.shape
    count = np.zeros(f, dtype=np.int64)
    total = np.zeros(f)
    low = np.full(f, np.inf)
    high = np.full(f, -np.inf)
    missing = np.zeros(f, dtype=np.int64)
    infinite = np.zeros(f, dtype=np.int64)
    is_float = flat.dtype.kind == "f"
    for start in range(0, n, _CHUNK):
        block = flat[start : start + _CHUNK].astype(np.float64)  # (chunk, features)
        if is_float:
            nan = np.isnan(block)
            inf = np.isinf(block)
            missing += nan.sum(axis=0)
            infinite += inf.sum(axis=0)
            ok = ~(nan | inf)
            count += ok.sum(axis=0)
            total += np.where(ok, block, 0.0).sum(axis=0)
            low = np.minimum(low, np.where(ok, block, np.inf).min(axis=0))
            high = np.maximum(high, np.where(ok, block, -np.inf).max(axis=0))
        else:
            count += len(block)
            total += block.sum(axis=0)
            low = np.minimum(low, block.min(axis=0))
            high = np.maximum(high, block.max(axis=0))
    has = count > 0
    mean = np.full(f, np.nan)
    np.divide(total, count, out=mean, where=has)
    centre = np.where(has, mean, 0.0)
    sq = np.zeros(f)
    for start in range(0, n, _CHUNK):
        deviation = flat[start : start + _CHUNK].astype(np.float64) - centre
        if is_float:
            deviation[~np.isfinite(deviation)] = 0.0
        sq += np.einsum("ij,ij->j", deviation, deviation)
    std = np.full(f, np.nan)
    np.sqrt(sq / np.maximum(count, 1), out=std, where=has)
    low[~has] = np.nan
    high[~has] = np.nan
    return {
        "count": count,
        "sum": total,
        "min": low,
        "max": high,
        "mean": mean,
        "std": std,
        "sq": sq,
        "missing": missing,
        "infinite": infinite,
    }


def count_duplicates(flat: np.ndarray) -> int:
    """Rows equal to an earlier row (byte-wise, with -0.0 == 0.0)."""
    rows = np.ascontiguousarray(flat + 0 if flat.dtype.kind == "f" else flat)
    if rows.shape[1] == 0:
        return len(rows) - 1
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    return int(len(keys) - len(np.unique(keys)))
