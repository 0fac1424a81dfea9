"""glassnet runner: the lecture's workload, the scaling grid and a profile of one epoch.

Run by benchmarks/lecture_workload.py in its own process (the interpreter that has glassnet,
with the checkout's src/ first on PYTHONPATH); prints one JSON line. The code is the lecture's
Keras code with `tf.keras` replaced by `gn`; per-epoch times come from a callback, as for Keras.

Modes:
    workload  10 epochs (--epochs) of the lecture's model, test accuracy, inference time.
    scaling   batch 32/128/512 x hidden 128/512/2048: glassnet's epoch time beside the time of
              the same epoch's matrix multiplications alone (see _common.gemm_epoch_seconds).
    profile   cProfile of one steady-state epoch: three `fit(epochs=1)` calls, a warm-up,
              one timed without the profiler and one under it.
    threads   batch 32/128/512/4096 x hidden 128/512/2048: seconds per training step at 1
              BLAS thread and at every thread, and the count glassnet's policy picks (the
              thread cross-over, see glassnet._internal.threads).
"""

from __future__ import annotations

import cProfile
import pstats
import time

import _common


def _import_glassnet():
    try:
        import glassnet as gn

        gn.Sequential  # noqa: B018  (the engine may not exist yet)
    except (ImportError, AttributeError) as exc:
        raise _common.Skip(f"glassnet with Sequential is not importable ({exc})") from exc
    return gn


def _model(gn, hidden: int = 128):
    model = gn.Sequential(
        [
            gn.layers.Flatten(input_shape=(28, 28)),
            gn.layers.Dense(hidden, activation="relu"),
            gn.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=gn.optimizers.Adam(learning_rate=1e-3),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _epoch_timer(gn, name: str):
    class EpochTimer(gn.callbacks.Callback):
        """Seconds, loss and accuracy of each epoch."""

        def __init__(self):
            super().__init__()
            self.seconds, self.loss, self.accuracy = [], [], []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)
            logs = logs or {}
            self.loss.append(float(logs.get("loss", float("nan"))))
            self.accuracy.append(float(logs.get("accuracy", float("nan"))))
            _common.log_epoch(name, epoch, self.seconds[-1], self.loss[-1], self.accuracy[-1])

    return EpochTimer()


def workload(args):
    gn = _import_glassnet()
    gn.utils.set_random_seed(args.seed)
    (x, y), (x_test, y_test) = _common.load_fashion_mnist(args.data_dir)
    model = _model(gn)
    timer = _epoch_timer(gn, "glassnet")
    start = time.perf_counter()
    model.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=0,
        shuffle=True,
        callbacks=[timer],
    )
    train_seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)

    def predict():
        return model.predict(x_test, batch_size=args.predict_batch, verbose=0)

    return {
        "epoch_seconds": timer.seconds,
        "loss": timer.loss,
        "accuracy": timer.accuracy,
        "train_seconds": train_seconds,
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "predict_seconds": _common.time_repeated(predict, args.predict_runs),
        "versions": {"glassnet": getattr(gn, "__version__", "?")},
        "glassnet_file": gn.__file__,  # which checkout was measured
    }


def scaling(args):
    """Each cell: glassnet's epoch time, then the same epoch's GEMMs alone, in this process.

    Without glassnet the GEMM-only bound is still measured, so the grid shows what the
    machine allows before the engine exists.
    """
    try:
        gn = _import_glassnet()
        missing = None
    except _common.Skip as reason:
        gn, missing = None, str(reason)
    (x, y), _ = _common.load_fashion_mnist(args.data_dir)
    x_flat = x.reshape(len(x), -1)  # (60000, 784) view
    rows = []
    for batch_size in args.batch_sizes:
        for hidden in args.hiddens:
            epochs, seconds = [], None
            if gn is not None:
                gn.utils.set_random_seed(args.seed)
                model = _model(gn, hidden)
                timer = _epoch_timer(gn, f"glassnet b={batch_size} h={hidden}")
                model.fit(
                    x,
                    y,
                    batch_size=batch_size,
                    epochs=args.epochs,
                    verbose=0,
                    shuffle=True,
                    callbacks=[timer],
                )
                epochs = timer.seconds
                seconds = _common.median(epochs[1:] or epochs)
            bound = _common.gemm_epoch_seconds(x_flat, batch_size, hidden, runs=args.gemm_runs)
            shown = "not run" if seconds is None else f"{seconds:.3f} s"
            _common.log(
                f"  b={batch_size} h={hidden}: glassnet {shown}, GEMM only {bound['seconds']:.3f} s"
            )
            rows.append(
                {
                    "batch_size": batch_size,
                    "hidden": hidden,
                    "epoch_seconds": epochs,
                    "glassnet_seconds": seconds,
                    "gemm": bound,
                }
            )
    result = {"scaling": rows, "glassnet_missing": missing}
    if gn is not None:
        result["versions"] = {"glassnet": getattr(gn, "__version__", "?")}
    return result


def profile(args):
    gn = _import_glassnet()
    gn.utils.set_random_seed(args.seed)
    (x, y), _ = _common.load_fashion_mnist(args.data_dir)
    model = _model(gn)

    def fit_one_epoch(name):
        timer = _epoch_timer(gn, name)
        model.fit(
            x, y, batch_size=args.batch_size, epochs=1, verbose=0, shuffle=True, callbacks=[timer]
        )
        return timer.seconds[0]

    fit_one_epoch("glassnet (warm-up)")
    unprofiled = fit_one_epoch("glassnet (unprofiled)")
    # The whole third `fit` call runs under the profiler, so the training loop's own frame
    # (entered inside `fit`) is attributed too.
    profiler = cProfile.Profile()
    profiled = profiler.runcall(fit_one_epoch, "glassnet (profiled)")
    stats = pstats.Stats(profiler)
    functions = []
    by_file: dict[str, float] = {}
    for (file, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        where = file if file != "~" else "C builtins"
        short = where.split("site-packages/")[-1].split("src/")[-1]
        functions.append(
            {
                "function": f"{short}:{line}({name})",
                "ncalls": ncalls,
                "tottime": tottime,
                "cumtime": cumtime,
            }
        )
        by_file[short] = by_file.get(short, 0.0) + tottime
    functions.sort(key=lambda f: f["tottime"], reverse=True)
    bound = _common.gemm_epoch_seconds(x.reshape(len(x), -1), args.batch_size, 128, runs=3)
    return {
        "unprofiled_epoch_seconds": unprofiled,
        "profiled_epoch_seconds": profiled,
        "profile_total_tottime": sum(f["tottime"] for f in functions),
        "top_functions": functions[: args.top],
        "by_file": sorted(by_file.items(), key=lambda kv: kv[1], reverse=True),
        "gemm": bound,
        "versions": {"glassnet": getattr(gn, "__version__", "?")},
    }


def threads(args):
    """Each cell: the median step at 1 thread and at all of them, fitting `--rows` images."""
    gn = _import_glassnet()
    from threadpoolctl import threadpool_info

    from glassnet._internal.threads import threads_for

    cores = max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")
    (x, y), _ = _common.load_fashion_mnist(args.data_dir)
    rows = []
    for batch_size in args.batch_sizes:
        n = max(args.rows, 8 * batch_size)
        for hidden in args.hiddens:
            step = {}
            for count in sorted({1, cores}):
                gn.config.set_num_threads(count)
                gn.utils.set_random_seed(args.seed)
                timer = _epoch_timer(gn, f"glassnet b={batch_size} h={hidden} threads={count}")
                _model(gn, hidden).fit(
                    x[:n], y[:n], batch_size=batch_size, epochs=2, verbose=0, callbacks=[timer]
                )
                step[count] = timer.seconds[1] / -(-n // batch_size)
            gn.config.set_num_threads(None)
            macs = batch_size * 784 * hidden
            rows.append(
                {
                    "batch_size": batch_size,
                    "hidden": hidden,
                    "macs": macs,
                    "step_seconds": {str(k): v for k, v in step.items()},
                    "faster": min(step, key=step.get),
                    "glassnet_picks": threads_for(macs, cores),
                }
            )
    return {"threads": rows, "cores": cores, "versions": {"glassnet": gn.__version__}}


if __name__ == "__main__":
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument(
        "--mode", choices=["workload", "scaling", "profile", "threads"], default="workload"
    )
    p.add_argument("--rows", type=int, default=10_000, help="images per epoch in threads mode")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128, 512])
    p.add_argument("--hiddens", type=int, nargs="+", default=[128, 512, 2048])
    p.add_argument("--gemm-runs", type=int, default=3)
    p.add_argument("--top", type=int, default=15)
    a = p.parse_args()
    mode = {"workload": workload, "scaling": scaling, "profile": profile, "threads": threads}
    mode = mode[a.mode]
    name = "glassnet" if a.mode == "workload" else f"glassnet-{a.mode}"
    _common.run_child(name, mode, a)
