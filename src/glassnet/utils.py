"""Seeding: one seed makes everything that follows repeatable, as `keras.utils.set_random_seed`.

glassnet never uses NumPy's global random state. Whatever is random (weight
initialisation, shuffling, dropout) draws from a Generator spawned from one
root `SeedSequence`, which `set_random_seed` resets.

>>> set_random_seed(42)
>>> a = new_rng().random()
>>> set_random_seed(42)
>>> a == float(new_rng().random())
True
"""

from __future__ import annotations

import numpy as np

from glassnet._internal.checks import check_seed

__all__ = ["new_rng", "set_random_seed"]

_root = np.random.SeedSequence()


def set_random_seed(seed: int) -> None:
    """Make every random draw that follows repeatable.

    Args:
        seed: an integer from 0 to 2**32 - 1 (as `keras.utils.set_random_seed`).

    Raises:
        TypeError: `seed` is not an integer.
        ValueError: `seed` is outside that range.

    >>> set_random_seed(0)
    """
    global _root
    _root = np.random.SeedSequence(check_seed("seed", seed))


def new_rng(seed: int | np.random.Generator | None = None) -> np.random.Generator:
    """A Generator: from `seed` if one is given, else the next child of the root sequence.

    Args:
        seed: an int, a Generator (returned as it is) or None.

    >>> bool(new_rng(3).integers(10) == new_rng(3).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None:
        return np.random.default_rng(check_seed("seed", seed))
    return np.random.default_rng(_root.spawn(1)[0])
