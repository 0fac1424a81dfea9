"""Training, validation and test parts, as the lecture splits data: 80/10/10 or 60/20/20.

`train_val_test_split` is stratified by default: each class is divided in the given ratios,
so every part has (almost exactly) the class proportions of the whole.

Guarantees, with ratios r_k and n_c samples of class c (n samples in all):

* each class contributes `floor(n_c r_k)` or `ceil(n_c r_k)` samples to part k, so its
  count is within one sample of the ideal;
* every class is in every part where that rounding allows it: always when n_c r_k >= 1;
  for rarer classes, the samples rounded up go first to the parts still lacking them
  (a class of 8 splits 6/1/1 at 80/10/10, one of 5 only 4/1/0 or 4/0/1);
* each part holds `floor(n r_k)` or `ceil(n r_k)` samples, unless making rare classes
  present needs a few more;
* the same seed gives the same split.

The counts come from a small integer flow problem (controlled rounding), not from
independent rounding per class, which could leave a part several samples short.

>>> import numpy as np
>>> x, y = np.arange(20).reshape(10, 2), np.array([0] * 5 + [1] * 5)
>>> (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=0)
>>> len(y_tr), len(y_va), len(y_te), np.bincount(y_va).tolist()
(6, 2, 2, [1, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from glassnet._internal.checks import check_one_of, check_same_length, check_seed, describe

__all__ = ["PRESETS", "split_counts", "train_val_test_split"]

# The lecture's two splits (train, validation, test).
PRESETS = {"small": (0.8, 0.1, 0.1), "large": (0.6, 0.2, 0.2)}
_PART_NAMES = ("training", "validation", "test")


def train_val_test_split(
    x: Any,
    y: Any,
    ratios: Sequence[float] | str = (0.8, 0.1, 0.1),
    *,
    stratify: bool = True,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Split samples into training, validation and test parts.

    Args:
        x: samples, any array whose first axis indexes them (e.g. (n, 28, 28) images);
            its dtype is kept.
        y: labels, shape (n,). With `stratify=True` they are class labels (integers or
            text); otherwise anything, e.g. regression targets.
        ratios: three fractions (train, validation, test), each > 0, summing to 1 (within
            1e-6); or "small" = (0.8, 0.1, 0.1) and "large" = (0.6, 0.2, 0.2), the lecture's
            splits for small and larger data sets.
        stratify: keep each class's proportion the same in every part (default True).
        shuffle: shuffle before splitting (default True); without it each part keeps the
            original order, and stratified parts take each class's first samples.
        seed: seed or NumPy Generator for the shuffle; the same seed gives the same split.

    Returns:
        `(x_train, y_train), (x_val, y_val), (x_test, y_test)`.

    Raises:
        ValueError: ratios of the wrong count, negative or zero, not summing to 1, or a part
            that would hold less than one sample; x and y of different lengths; empty data;
            non-integer labels with `stratify=True`.
        TypeError: ratios of the wrong kind.

    >>> y = np.array([0] * 90 + [1] * 10)
    >>> parts = train_val_test_split(np.zeros((100, 3)), y, "small", seed=1)
    >>> [np.bincount(part_y).tolist() for _, part_y in parts]
    [[72, 8], [9, 1], [9, 1]]
    """
    fractions = _parse_ratios(ratios)
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim == 0 or y.ndim != 1:
        raise ValueError(
            f"x must have a first axis of samples and y shape (samples,), got shapes "
            f"{x.shape} and {y.shape}."
        )
    check_same_length("x", x, "y", y)
    n = len(y)
    if n == 0:
        raise ValueError("x and y are empty; there is nothing to split.")
    for k, r in enumerate(fractions):
        if n * r < 1:
            raise ValueError(
                f"the {_PART_NAMES[k]} part (ratio {float(r):g}) of {n} samples would hold "
                f"{float(n * r):.2g} samples; each part needs at least 1. Use more data or a "
                "larger ratio."
            )
    if not isinstance(seed, np.random.Generator) and seed is not None:
        seed = check_seed("seed", seed)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if stratify:
        part = _stratified_parts(y, fractions, shuffle, rng)
    else:
        sizes = split_counts(np.array([n]), fractions)[0]  # (3,)
        part = np.repeat(np.arange(3), sizes)
        if shuffle:
            part = rng.permutation(part)
    out = []
    for k in range(3):
        index = np.flatnonzero(part == k)
        if shuffle:
            index = rng.permutation(index)
        out.append((x[index], y[index]))
    return tuple(out)


def split_counts(class_counts: Any, ratios: Sequence[float] | str) -> np.ndarray:
    """How many samples of each class go to each part.

    Args:
        class_counts: samples per class, shape (n_classes,).
        ratios: as in `train_val_test_split`.

    Returns:
        An int64 array of shape (n_classes, 3); row c sums to `class_counts[c]`, each entry
        is `floor` or `ceil` of `class_counts[c] * ratio`, and each column sums to `floor`
        or `ceil` of `n * ratio` unless rare classes need more to be present in every part.

    >>> split_counts([5, 5, 5, 5], "small").tolist()
    [[4, 1, 0], [4, 1, 0], [4, 0, 1], [4, 0, 1]]
    """
    fractions = _parse_ratios(ratios)
    counts = np.asarray(class_counts, dtype=np.int64).reshape(-1)
    n = int(counts.sum())
    ideal = [[Fraction(int(c)) * r for r in fractions] for c in counts]
    low = np.array([[int(v) for v in row] for row in ideal], dtype=np.int64)  # floor
    high = np.array([[-int(-v // 1) for v in row] for row in ideal], dtype=np.int64)  # ceil
    col_floor = np.array([int(n * r) for r in fractions])
    col_ceil = np.array([-int(-(n * r) // 1) for r in fractions])
    flow = low.copy()  # (C, 3)
    row_left = counts - flow.sum(axis=1)  # samples of each class still to place
    unlimited = np.full(len(fractions), np.iinfo(np.int64).max // 2)
    # 1. Rounding up where a class is missing from a part (n_c r_k < 1) makes it present;
    #    do that first, keeping part sizes to their rounding as long as possible.
    gaps = np.where(low == 0, high, low)
    for target in (col_floor, col_ceil, unlimited):
        _fill(flow, low, gaps, row_left, target)
    # 2. The other samples rounded up; presence gained in step 1 is kept.
    low = np.maximum(low, np.minimum(flow, 1))
    for target in (col_floor, col_ceil, unlimited):
        _fill(flow, low, high, row_left, target)
    if row_left.any():  # impossible by the controlled-rounding theorem (Bacharach, 1966)
        raise RuntimeError(f"glassnet bug: split_counts({counts.tolist()}, {ratios}) failed.")
    return flow


def _fill(
    flow: np.ndarray,
    low: np.ndarray,
    upper: np.ndarray,
    row_left: np.ndarray,
    target: np.ndarray,
) -> None:
    """Place remaining samples while cells stay in [low, upper] and parts within `target`."""
    col_left = np.maximum(target - flow.sum(axis=0), 0)
    while row_left.any() and _augment(flow, low, upper, row_left, col_left):
        pass


def _augment(
    flow: np.ndarray,
    low: np.ndarray,
    upper: np.ndarray,
    row_left: np.ndarray,
    col_left: np.ndarray,
) -> bool:
    """Move one sample along a shortest augmenting path of the class -> part network.

    Nodes: source -> class c (capacity row_left[c]) -> part k (while flow[c, k] < upper[c, k])
    -> sink (col_left[k]). A path may step back from part k to a class that sends it more
    than low[c, k] samples (taking one back) and on to another part. Updates in place.
    """
    n_classes, n_parts = flow.shape
    class_from = np.full(n_classes, -2)  # part that reached the class; -1 = the source
    part_from = np.full(n_parts, -1)  # class that reached the part
    frontier = np.flatnonzero(row_left > 0)
    class_from[frontier] = -1
    while frontier.size:
        reached = []
        open_cells = flow[frontier] < upper[frontier]  # (len(frontier), n_parts)
        for k in range(n_parts):
            if part_from[k] == -1 and open_cells[:, k].any():
                part_from[k] = frontier[np.argmax(open_cells[:, k])]
                if col_left[k] > 0:
                    _apply(flow, row_left, col_left, class_from, part_from, k)
                    return True
                reached.append(k)
        step = []
        for k in reached:  # back along samples already sent to part k
            classes = np.flatnonzero((flow[:, k] > low[:, k]) & (class_from == -2))
            class_from[classes] = k
            step.append(classes)
        frontier = np.concatenate(step) if step else np.array([], dtype=np.int64)
    return False


def _apply(
    flow: np.ndarray,
    row_left: np.ndarray,
    col_left: np.ndarray,
    class_from: np.ndarray,
    part_from: np.ndarray,
    k: int,
) -> None:
    """Push one unit along the path that ends at part `k`."""
    col_left[k] -= 1
    while True:
        c = part_from[k]
        flow[c, k] += 1
        previous = class_from[c]
        if previous == -1:
            row_left[c] -= 1
            return
        flow[c, previous] -= 1
        k = previous


def _stratified_parts(
    y: np.ndarray, fractions: list[Fraction], shuffle: bool, rng: np.random.Generator
) -> np.ndarray:
    """The part (0, 1, 2) of each sample, stratified by class."""
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            raise ValueError(
                "y must hold class labels to stratify, but it has non-integer values; pass "
                "stratify=False for a regression target."
            )
    elif y.dtype.kind not in "biuUSO":
        raise TypeError(f"y must hold class labels (integers or text), got {describe(y)}.")
    _, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    codes = codes.reshape(-1)
    table = split_counts(counts, fractions)  # (C, 3)
    order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    order = order[np.argsort(codes[order], kind="stable")]  # grouped by class
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])  # (C,)
    sorted_codes = codes[order]
    rank = np.arange(len(y)) - start[sorted_codes]  # position within its class
    bounds = np.cumsum(table, axis=1)  # (C, 3)
    part_sorted = (rank >= bounds[sorted_codes, 0]).astype(np.int64) + (
        rank >= bounds[sorted_codes, 1]
    )
    part = np.empty(len(y), dtype=np.int64)
    part[order] = part_sorted
    return part


def _parse_ratios(ratios: Sequence[float] | str) -> list[Fraction]:
    """Exact fractions from the ratios or a preset; 0.8 becomes 4/5."""
    if isinstance(ratios, str):
        ratios = PRESETS[check_one_of("ratios", ratios, PRESETS, "split preset")]
    try:
        values = [float(r) for r in ratios]
    except (TypeError, ValueError):
        raise TypeError(
            f"ratios must be three numbers (train, validation, test) or 'small'/'large', "
            f"got {describe(ratios)}."
        ) from None
    if len(values) != 3:
        raise ValueError(
            f"ratios must have 3 values (train, validation, test), got {len(values)}: {values}."
        )
    if any(not np.isfinite(v) or v <= 0 for v in values):
        raise ValueError(f"ratios must all be > 0, got {values}; every part needs some data.")
    total = sum(values)
    if abs(total - 1) > 1e-6:
        raise ValueError(
            f"ratios must sum to 1, got {values} summing to {total:g}. For example "
            "(0.8, 0.1, 0.1) or (0.6, 0.2, 0.2)."
        )
    exact = [Fraction(v).limit_denominator(10**9) for v in values]
    return [r / sum(exact) for r in exact]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
