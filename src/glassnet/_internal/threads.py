"""How many BLAS threads glassnet's own matrix products use: chosen for the shapes at hand.

NumPy's BLAS (OpenBLAS) starts one thread per core and splits every product over all of
them. At the lecture's batch of 32 the products are small (32 x 784 times 784 x 128): handing
half of one to a second thread costs more than it saves, and the product waits for that
thread whenever another program holds the second core. Large products (batch 512, 2048 hidden
units) do gain from every core. So `compute_threads` picks the count from the size of the
largest product in one step, and applies it only while glassnet computes (fit, evaluate,
predict), through threadpoolctl; the user's own setting is restored on the way out.

The cross-over is in benchmarks/README.md ("Threads"). On the Intel Xeon it was measured on,
at batch 32 one thread is as fast as two on an idle machine and several times faster when
another process holds the second core; on an AMD EPYC (issue 17) one thread is faster even
idle (0.41 s against 0.56 s an epoch). `GLASSNET_NUM_THREADS=N` in the environment, or
`gn.config.set_num_threads(N)`, sets the count instead. The automatic count never exceeds
what the BLAS has (OPENBLAS_NUM_THREADS, else one per core).

>>> threads_for(32 * 784 * 128, available=2)  # the lecture's step: one thread
1
>>> threads_for(512 * 784 * 2048, available=2)
2
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

__all__ = ["ENV_VAR", "compute_threads", "requested_threads", "set_requested", "threads_for"]

ENV_VAR = "GLASSNET_NUM_THREADS"
# Multiply-adds in the largest product of one step from which a second thread pays. Measured
# on the Intel Xeon (benchmarks/README.md, "Threads"): 1 thread wins at batch 128 x 784 x 512
# (51 M), 2 threads win from 128 x 784 x 2048 (206 M); at batch 512 x 784 x 128 (also 51 M)
# 2 threads gain 17 % on an idle machine, a case this rule leaves at one thread.
CROSSOVER_MACS = 100_000_000

_requested: int | None = None  # set_num_threads's value; None: GLASSNET_NUM_THREADS or auto
_controller: Any = None  # threadpoolctl.ThreadpoolController, made once (it scans the libraries)


def set_requested(threads: int | None) -> None:
    """Fix the thread count (an int >= 1), or go back to choosing it (None)."""
    global _requested
    _requested = threads


def requested_threads() -> int | None:
    """The count the user asked for (set_requested, else GLASSNET_NUM_THREADS), or None.

    Raises:
        ValueError: GLASSNET_NUM_THREADS is set to something other than a whole number >= 1
            or "auto".
    """
    if _requested is not None:
        return _requested
    text = os.environ.get(ENV_VAR, "").strip()
    if text in ("", "auto"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{ENV_VAR} must be a whole number of threads >= 1 or 'auto', got {text!r}."
        )
    return int(text)


def threads_for(macs: int, available: int) -> int:
    """The thread count for a step whose largest product has `macs` multiply-adds."""
    requested = requested_threads()
    if requested is not None:
        return requested
    return 1 if macs < CROSSOVER_MACS else available


def _blas() -> Any:
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


@contextlib.contextmanager
def compute_threads(macs: int) -> Iterator[int]:
    """Run the block with the BLAS thread count `threads_for(macs, ...)`; yield that count.

    Outside the block the BLAS has its former count again, even after an exception.
    """
    blas = _blas()
    available = max((lib.num_threads for lib in blas.lib_controllers), default=1)
    threads = threads_for(macs, available)
    if not blas.lib_controllers or threads == available:
        yield threads
        return
    with blas.limit(limits=threads):
        yield threads
