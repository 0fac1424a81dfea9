"""Settings of the whole library (as `keras.config`): the number of compute threads.

By default glassnet chooses how many BLAS threads its matrix products use, for the shapes
at hand: one for small products (the lecture's batch of 32), all cores for large ones; see
`set_num_threads`. The choice applies only inside fit, evaluate and predict.

>>> import glassnet as gn
>>> gn.config.get_num_threads() is None  # chosen per workload
True
"""

from __future__ import annotations

from glassnet._internal import threads
from glassnet._internal.checks import check_int

__all__ = ["get_num_threads", "set_num_threads"]


def set_num_threads(num_threads: int | None) -> None:
    """Fix the number of BLAS threads glassnet's fit, evaluate and predict use.

    Without it (or after `set_num_threads(None)`) glassnet uses one thread when the largest
    matrix product of a step is small, below 100 million multiply-adds (the lecture's model
    at batch 32: 3.2 million), where a second thread gains nothing or loses, and stalls
    whenever another program holds a core, and every core the BLAS has for larger products.
    The environment variable GLASSNET_NUM_THREADS=N sets the same from outside Python (a
    call here wins over it). Outside glassnet's own compute the BLAS keeps its setting.

    Args:
        num_threads: a whole number >= 1, or None to let glassnet choose.

    Raises:
        TypeError, ValueError: num_threads is not None nor a whole number >= 1.

    >>> import glassnet as gn
    >>> gn.config.set_num_threads(1)
    >>> gn.config.get_num_threads()
    1
    >>> gn.config.set_num_threads(None)
    """
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads, minimum=1)
    threads.set_requested(num_threads)


def get_num_threads() -> int | None:
    """The thread count fixed by `set_num_threads` or GLASSNET_NUM_THREADS, else None.

    >>> import glassnet as gn
    >>> gn.config.get_num_threads() is None
    True
    """
    return threads.requested_threads()


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
