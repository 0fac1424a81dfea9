"""Shared by every runner child: data, threads, timing, versions and the one JSON result line.

This module imports only the standard library and NumPy, so it runs in glassnet's own
environment and in the separate peers environment alike.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

DATA_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


class Skip(Exception):
    """Raised by a runner whose framework is not installed in this interpreter."""


def read_idx(path: Path) -> np.ndarray:
    """Read one gzip-compressed IDX file of unsigned bytes (magic 0x00 0x00 0x08 ndim).

    >>> import tempfile, struct
    >>> p = Path(tempfile.mkdtemp()) / "t.gz"
    >>> header = b"\\x00\\x00\\x08\\x02" + struct.pack(">2i", 2, 3)
    >>> _ = p.write_bytes(gzip.compress(header + bytes(6)))
    >>> read_idx(p).shape
    (2, 3)
    """
    raw = gzip.decompress(Path(path).read_bytes())
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (magic {raw[:4]!r}).")
    ndim = raw[3]
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says shape {shape}, found {data.size} bytes of data.")
    return data.reshape(shape)


def load_fashion_mnist(data_dir: Path = DATA_DIR):
    """Fashion-MNIST as float32 pixels in [0, 1] (N, 28, 28) and int64 labels (N,)."""
    arrays = {}
    for key, name in FILES.items():
        path = Path(data_dir) / name
        if not path.exists():
            raise FileNotFoundError(
                f"{path} not found: install Debian's dataset-fashion-mnist or pass --data-dir."
            )
        arrays[key] = read_idx(path)
    scale = np.float32(1.0 / 255.0)
    x_train = np.multiply(arrays["x_train"], scale, dtype=np.float32)  # (60000, 28, 28)
    x_test = np.multiply(arrays["x_test"], scale, dtype=np.float32)  # (10000, 28, 28)
    y_train = arrays["y_train"].astype(np.int64)
    y_test = arrays["y_test"].astype(np.int64)
    return (x_train, y_train), (x_test, y_test)


def blas_info() -> list[dict]:
    """What threadpoolctl sees in this process (BLAS / OpenMP libraries, kernels, threads)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed in this interpreter"}]
    keep = ("user_api", "internal_api", "version", "architecture", "num_threads", "prefix")
    return [{k: lib.get(k) for k in keep if lib.get(k) is not None} for lib in threadpool_info()]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def time_repeated(fn: Callable[[], object], runs: int) -> list[float]:
    """Seconds taken by `fn()` in each of `runs` runs, after one untimed warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def log(message: str) -> None:
    """Progress for the person watching: stderr, so stdout holds only the JSON line."""
    print(message, file=sys.stderr, flush=True)


def log_epoch(name: str, epoch: int, seconds: float, loss: float, accuracy: float) -> None:
    log(f"  {name}: epoch {epoch + 1}: {seconds:.3f} s  loss {loss:.4f}  accuracy {accuracy:.4f}")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=10)
    # 0: the framework's own default; the parent also pins or unsets the thread variables.
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--predict-runs", type=int, default=7)
    p.add_argument("--predict-batch", type=int, default=10_000)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)
    return p


def run_child(name: str, body: Callable[[argparse.Namespace], dict], args: argparse.Namespace):
    """Run one framework's `body(args)` and print its result as one JSON line on stdout.

    `body` returns a dict with at least epoch_seconds, loss, accuracy, train_seconds,
    test_accuracy and predict_seconds; this adds the interpreter, NumPy, BLAS and the peak
    resident memory of this process. A `Skip` becomes a "skipped" result, not a failure.
    """
    result: dict = {"framework": name, "python": platform.python_version()}
    result["numpy"] = np.__version__
    result["executable"] = sys.executable
    try:
        result.update(body(args))
        result["status"] = "ok"
    except Skip as reason:
        result.update(status="skipped", reason=str(reason))
    result["blas"] = blas_info()
    # ru_maxrss is in KiB on Linux; the parent also reads it from wait4 as a cross-check.
    result["peak_rss_mb_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)


def gemm_epoch_seconds(x_flat: np.ndarray, batch_size: int, hidden: int, runs: int = 3) -> dict:
    """Time the matrix multiplications of one epoch of the lecture's MLP, and nothing else.

    For every batch of `batch_size` rows of `x_flat` (N, 784), the five float32 GEMMs that
    training needs: forward h = x @ W1 (B, H) and z = h @ W2 (B, 10); backward dW2 = h.T @ g
    (H, 10), dh = g @ W2.T (B, H) and dW1 = x.T @ dh (784, H). No input gradient (the first
    layer needs none), no bias, activation, loss or optimizer. All outputs go to preallocated
    buffers (`out=`) and batches are contiguous row slices, so this is a lower bound for an
    epoch on this machine's BLAS. Returns the median seconds of `runs` epochs and the GFLOP.

    >>> r = gemm_epoch_seconds(np.ones((64, 784), np.float32), 32, 8, runs=1)
    >>> r["gflop"] == 2 * 64 * 8 * (2 * 784 + 3 * 10) / 1e9
    True
    """
    rng = np.random.default_rng(0)
    n, d = x_flat.shape
    k = 10
    w1 = rng.standard_normal((d, hidden), dtype=np.float32)
    w2 = rng.standard_normal((hidden, k), dtype=np.float32)
    g_full = rng.standard_normal((batch_size, k), dtype=np.float32)
    h_full = np.empty((batch_size, hidden), np.float32)
    z_full = np.empty((batch_size, k), np.float32)
    dh_full = np.empty((batch_size, hidden), np.float32)
    dw1 = np.empty((d, hidden), np.float32)
    dw2 = np.empty((hidden, k), np.float32)
    w2_t = w2.T

    def epoch() -> None:
        for i in range(0, n, batch_size):
            x = x_flat[i : i + batch_size]  # (B, 784)
            b = x.shape[0]
            h, z, g, dh = h_full[:b], z_full[:b], g_full[:b], dh_full[:b]
            np.matmul(x, w1, out=h)  # (B, H)
            np.matmul(h, w2, out=z)  # (B, 10)
            np.matmul(h.T, g, out=dw2)  # (H, 10)
            np.matmul(g, w2_t, out=dh)  # (B, H)
            np.matmul(x.T, dh, out=dw1)  # (784, H)

    seconds = median(time_repeated(epoch, runs))
    gflop = 2 * n * hidden * (2 * d + 3 * k) / 1e9
    return {"seconds": seconds, "gflop": gflop, "gflops_per_second": gflop / seconds}
