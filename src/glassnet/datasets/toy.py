"""Small data sets for teaching: the lecture's points, logic gates and 2-D problems.

The lecture's two groups of points and the logic gates are fixed tables. The generators
`blobs`, `moons`, `circles`, `xor` and `spiral` draw 2-D classification problems, from
linearly separable (blobs) to ones no single perceptron can solve (xor, circles, spiral),
each with `n_samples`, `noise` (standard deviation of Gaussian noise added to the
coordinates) and `seed`. Classes get equal shares of `n_samples` (the first classes one
more when it does not divide), and the rows are shuffled.

>>> x, y = lecture_groups()
>>> x[0].tolist(), int(y[0])
([2.0, 1.0], 1)
"""

from __future__ import annotations

import numpy as np

from glassnet._internal.checks import (
    as_float_array,
    check_int,
    check_number,
    check_one_of,
    check_seed,
)

__all__ = ["blobs", "circles", "lecture_groups", "logic_gate", "moons", "spiral", "xor"]

# The lecture's points, exactly as on its slides: (x1, x2) per point.
_GROUP1_X1 = [2, 5, 4, 2.5, 3.5, 4.5]
_GROUP1_X2 = [1, 2, 3, 2, 1, 4]
_GROUP0_X1 = [0.5, 2.5, 3, 1.5, 1, 2]
_GROUP0_X2 = [3, 5.5, 4.5, 3.5, 4, 5]

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


def lecture_groups() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's 12 points: group 1 (rows 0-5) then group 0 (rows 6-11).

    Returns:
        `(x, y)`: `x` of shape (12, 2) holding (x1, x2), `y` of shape (12,) holding 1 or 0.

    >>> x, y = lecture_groups()
    >>> y.tolist()
    [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    """
    x1 = np.array(_GROUP1_X1 + _GROUP0_X1, dtype=np.float64)
    x2 = np.array(_GROUP1_X2 + _GROUP0_X2, dtype=np.float64)
    y = np.array([1] * len(_GROUP1_X1) + [0] * len(_GROUP0_X1))
    return np.column_stack([x1, x2]), y


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate.

    Args:
        name: "and", "or", "nand", "nor" or "xor" (case-insensitive).

    Returns:
        `(x, y)`: the four input pairs (0, 0), (0, 1), (1, 0), (1, 1) and their outputs.

    >>> x, y = logic_gate("xor")
    >>> y.tolist()
    [0, 1, 1, 0]
    """
    key = check_one_of("name", name.lower() if isinstance(name, str) else name, _GATES, "gate")
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return x, np.array(_GATES[key])


def _class_sizes(n_samples: int, n_classes: int) -> np.ndarray:
    """Split `n_samples` into `n_classes` near-equal counts, the first ones larger."""
    n_samples = check_int("n_samples", n_samples, minimum=n_classes)
    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    return sizes


def _finish(
    x: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Add Gaussian noise of std `noise` to `x`, then shuffle the rows."""
    if noise > 0:
        x = x + rng.normal(0.0, noise, size=x.shape)
    order = rng.permutation(len(x))
    return x[order], y[order]


def blobs(
    n_samples: int = 300,
    centers: int | np.ndarray = 3,
    noise: float = 1.0,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class: the linearly separable case.

    Args:
        n_samples: total number of points, >= the number of clusters.
        centers: the number of clusters, placed evenly on a circle of radius 5 around the
            origin, or an array of shape (n_classes, 2) giving the centres.
        noise: standard deviation of each cluster, >= 0 (default 1.0).
        seed: seed of the random generator; the same seed gives the same points.

    Returns:
        `(x, y)`: `x` of shape (n_samples, 2), float64; `y` of shape (n_samples,), int64
        class indices (0 for the first centre, ...).

    >>> x, y = blobs(6, centers=2, noise=0.0, seed=0)
    >>> sorted(map(tuple, x.round(6).tolist()))
    [(-5.0, 0.0), (-5.0, 0.0), (-5.0, 0.0), (5.0, 0.0), (5.0, 0.0), (5.0, 0.0)]
    """
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_int("centers", centers, minimum=1)
        angle = 2 * np.pi * np.arange(k) / k
        points = 5.0 * np.column_stack([np.cos(angle), np.sin(angle)])  # (k, 2)
        points[np.abs(points) < 1e-12] = 0.0
    else:
        points = as_float_array("centers", centers, ndim=2)
        if points.shape[1] != 2:
            raise ValueError(f"centers must have shape (n_classes, 2), got {points.shape}.")
    noise = check_number("noise", noise, 0)
    rng = np.random.default_rng(None if seed is None else check_seed("seed", seed))
    y = np.repeat(np.arange(len(points)), _class_sizes(n_samples, len(points)))
    return _finish(points[y], y, noise, rng)


def moons(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's `make_moons`).

    Class 0 is the upper moon `(cos t, sin t)`, class 1 the lower one
    `(1 - cos t, 0.5 - sin t)`, with t evenly spaced in [0, pi].

    Args:
        n_samples: total number of points, >= 2.
        noise: standard deviation of the Gaussian noise added to each coordinate, >= 0.
        seed: seed of the random generator.

    Returns:
        `(x, y)`: `x` of shape (n_samples, 2), `y` of shape (n_samples,) with 0 or 1.

    >>> x, y = moons(4, noise=0.0, seed=1)
    >>> sorted(zip(y.tolist(), x.round(6).tolist()))
    [(0, [-1.0, 0.0]), (0, [1.0, 0.0]), (1, [0.0, 0.5]), (1, [2.0, 0.5])]
    """
    n_upper, n_lower = _class_sizes(n_samples, 2)
    noise = check_number("noise", noise, 0)
    rng = np.random.default_rng(None if seed is None else check_seed("seed", seed))
    t_upper = np.linspace(0, np.pi, n_upper)
    t_lower = np.linspace(0, np.pi, n_lower)
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
            np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
        ]
    )
    x[np.abs(x) < 1e-12] = 0.0
    y = np.repeat([0, 1], [n_upper, n_lower])
    return _finish(x, y, noise, rng)


def circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A circle inside a circle (as scikit-learn's `make_circles`): class 0 outside.

    Args:
        n_samples: total number of points, >= 2.
        noise: standard deviation of the Gaussian noise added to each coordinate, >= 0.
        factor: radius of the inner circle relative to the outer one (radius 1), in (0, 1).
        seed: seed of the random generator.

    Returns:
        `(x, y)`: `x` of shape (n_samples, 2), `y` of shape (n_samples,): 0 on the outer
        circle, 1 on the inner one.

    >>> x, y = circles(100, noise=0.0, factor=0.5, seed=0)
    >>> np.hypot(x[y == 0, 0], x[y == 0, 1]).round(6).tolist()[:2]
    [1.0, 1.0]
    >>> float(np.hypot(x[y == 1, 0], x[y == 1, 1]).max().round(6))
    0.5
    """
    n_outer, n_inner = _class_sizes(n_samples, 2)
    noise = check_number("noise", noise, 0)
    factor = check_number("factor", factor, 0, 1, low_inclusive=False, high_inclusive=False)
    rng = np.random.default_rng(None if seed is None else check_seed("seed", seed))
    t_outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0, 2 * np.pi, n_inner, endpoint=False)
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_outer), np.sin(t_outer)]),
            factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)]),
        ]
    )
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(x, y, noise, rng)


def xor(
    n_samples: int = 200, noise: float = 0.15, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem as clouds: points around the logic gate's four inputs.

    Points are drawn around (0, 0), (0, 1), (1, 0) and (1, 1) in equal numbers and labelled
    with XOR of the corner they belong to, so no straight line separates the classes, as
    with `logic_gate("xor")`, of which this is the noisy, many-sample version.

    Args:
        n_samples: total number of points, >= 4.
        noise: standard deviation of the Gaussian noise around each corner, >= 0.
        seed: seed of the random generator.

    Returns:
        `(x, y)`: `x` of shape (n_samples, 2), `y` of shape (n_samples,): 1 around (0, 1)
        and (1, 0), 0 around (0, 0) and (1, 1).

    >>> x, y = xor(4, noise=0.0, seed=0)
    >>> sorted(zip(x.tolist(), y.tolist()))
    [([0.0, 0.0], 0), ([0.0, 1.0], 1), ([1.0, 0.0], 1), ([1.0, 1.0], 0)]
    """
    corners, gate = logic_gate("xor")
    noise = check_number("noise", noise, 0)
    rng = np.random.default_rng(None if seed is None else check_seed("seed", seed))
    corner = np.repeat(np.arange(4), _class_sizes(n_samples, 4))
    return _finish(corners[corner], gate[corner], noise, rng)


def spiral(
    n_samples: int = 300, n_classes: int = 2, noise: float = 0.02, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: hard for a shallow network.

    Arm k starts at the origin and turns 1.5 times while its radius grows to 1: the point
    at fraction r in [0, 1] of the arm is `r * (cos a, sin a)` with
    `a = 2 pi k / n_classes + 3 pi r`.

    Args:
        n_samples: total number of points, >= n_classes.
        n_classes: number of arms, >= 2.
        noise: standard deviation of the Gaussian noise added to each coordinate, >= 0.
        seed: seed of the random generator.

    Returns:
        `(x, y)`: `x` of shape (n_samples, 2) inside the unit disc (before noise), `y` of
        shape (n_samples,) with the arm index.

    >>> x, y = spiral(6, n_classes=2, noise=0.0, seed=0)
    >>> float(np.hypot(x[:, 0], x[:, 1]).max())
    1.0
    """
    n_classes = check_int("n_classes", n_classes, minimum=2)
    sizes = _class_sizes(n_samples, n_classes)
    noise = check_number("noise", noise, 0)
    rng = np.random.default_rng(None if seed is None else check_seed("seed", seed))
    y = np.repeat(np.arange(n_classes), sizes)
    # position along the arm, 0 at the centre to 1 at the tip, evenly spaced per arm
    start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    r = (np.arange(len(y)) - start) / np.maximum(np.repeat(sizes, sizes) - 1, 1)
    angle = 2 * np.pi * y / n_classes + 3 * np.pi * r
    x = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _finish(x, y, noise, rng)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
