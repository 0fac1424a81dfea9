"""The lecture's Fashion-MNIST workload, glassnet beside PyTorch, scikit-learn and Keras.

Fashion-MNIST, pixels scaled to [0, 1] float32, Flatten -> Dense(128, relu) -> Dense(10) logits,
Adam(1e-3), sparse categorical cross-entropy from logits, batch 32, shuffled every epoch, 10
epochs, with the training loss and accuracy of every epoch. Each framework runs in its own
process, one after the other, with the same thread count; each child prints one JSON line and
this script assembles a markdown table (stdout) from them. Progress goes to stderr.

    python benchmarks/lecture_workload.py                      # every runner, 10 epochs
    python benchmarks/lecture_workload.py --only torch-preloaded --epochs 2
    python benchmarks/lecture_workload.py --repeat 3 --json results.json
    python benchmarks/lecture_workload.py --scaling            # glassnet vs GEMM-only bound
    python benchmarks/lecture_workload.py --profile            # cProfile of one glassnet epoch

glassnet runs in this interpreter (`sys.executable`) with this checkout's src/ first on the
path; the peers run in `--peers-python` (default: $GLASSNET_PEERS_PYTHON, else
/work/peers-venv/bin/python if it exists, else this interpreter). A framework that is not
installed there is skipped with a note. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER_DIR = HERE / "peers"
REPO_SRC = HERE.parent / "src"
DEFAULT_PEERS_PYTHON = Path("/work/peers-venv/bin/python")

# name -> (which interpreter, runner script, extra arguments)
RUNNERS = {
    "glassnet": ("glassnet", "run_glassnet.py", ["--mode", "workload"]),
    "torch-dataloader": ("peers", "run_torch.py", ["--form", "dataloader"]),
    "torch-preloaded": ("peers", "run_torch.py", ["--form", "preloaded"]),
    "sklearn": ("peers", "run_sklearn.py", []),
    "keras": ("peers", "run_keras.py", []),
    # Not in the list: PyTorch's fastest form, Adam(fused=True), shown for context.
    "torch-preloaded-fused": ("peers", "run_torch.py", ["--form", "preloaded", "--adam", "fused"]),
}
# Environment variables that change which BLAS kernel runs or how fast: removed for every child.
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
GLASSNET_THREADS = "GLASSNET_NUM_THREADS"


def default_peers_python() -> str:
    if os.environ.get("GLASSNET_PEERS_PYTHON"):
        return os.environ["GLASSNET_PEERS_PYTHON"]
    if DEFAULT_PEERS_PYTHON.exists():
        return str(DEFAULT_PEERS_PYTHON)
    return sys.executable


def child_env(threads: int, glassnet: bool) -> dict[str, str]:
    """This process's environment, minus the BLAS overrides, with the thread count pinned.

    threads=0 is each framework's default, as on a user's machine: no thread variable at
    all (glassnet then chooses per workload, PyTorch and OpenBLAS take one per core).
    """
    drop = (*UNSET, *THREAD_VARS, GLASSNET_THREADS) if threads == 0 else UNSET
    env = {k: v for k, v in os.environ.items() if k not in drop}
    if threads:
        env.update({var: str(threads) for var in THREAD_VARS})
        if glassnet:  # a fixed count, not glassnet's own choice
            env[GLASSNET_THREADS] = str(threads)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONUNBUFFERED"] = "1"
    if glassnet:  # benchmark this checkout, not whatever glassnet is installed
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_SRC), env.get("PYTHONPATH")]))
    return env


def thread_label(threads: int) -> str:
    return "default threads" if threads == 0 else f"{threads} thread{'s' * (threads != 1)}"


def start_busy_core(seconds: float) -> subprocess.Popen:
    """A separate process that keeps one core busy (a pure-Python loop) for `seconds` at
    most, as a browser or a second notebook would; stop it with `stop_busy_core`."""
    spin = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\n"
    spin += "while time.monotonic() < end:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", spin, str(seconds)])


def stop_busy_core(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()


def _busy_cpu_seconds() -> float:
    """CPU-seconds the machine spent busy since boot, all cores (/proc/stat); -1 if unknown."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return -1.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # user..steal, no guest


def _tee(stream, tail: list[str], keep: int = 20) -> None:
    """Copy a child's stderr to ours as it comes (live progress), keeping the last lines."""
    for line in stream:
        sys.stderr.write(line)
        sys.stderr.flush()
        tail.append(line)
        del tail[:-keep]


def launch(name: str, python: str, script: str, extra: list[str], env: dict, timeout: float):
    """Run one child; return its JSON result with peak RSS (wait4) and wall time added."""
    if not (Path(python).exists() or shutil.which(python)):
        return {"framework": name, "status": "skipped", "reason": f"no interpreter at {python}"}
    cmd = [python, str(RUNNER_DIR / script), *extra]
    busy_before = _busy_cpu_seconds()
    with tempfile.TemporaryFile(mode="w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, text=True)
        tail: list[str] = []
        echo = threading.Thread(target=_tee, args=(proc.stderr, tail), daemon=True)
        echo.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        finally:
            killer.cancel()
        echo.join(timeout=5)
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        lines = out.read().splitlines()
    result = None
    for line in reversed(lines):
        try:
            candidate = json.loads(line)
        except ValueError:
            continue
        if isinstance(candidate, dict) and "framework" in candidate:
            result = candidate
            break
    if result is None:
        last = tail[-1].strip() if tail else ""
        if "ModuleNotFoundError" in last:  # e.g. no numpy in that interpreter
            return {"framework": name, "status": "skipped", "reason": f"{python}: {last}"}
        why = "timed out" if wall >= timeout else f"exit code {proc.returncode}"
        return {
            "framework": name,
            "status": "failed",
            "command": cmd,
            "reason": f"{why}, no JSON result; last stderr line: {last or '(none)'}",
        }
    result["framework"] = name
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    result["wall_seconds"] = wall
    # CPU time the whole machine spent outside this child while it ran: other processes
    # competing for the cores (the child's own time comes from wait4's rusage).
    busy = _busy_cpu_seconds() - busy_before
    if busy_before >= 0:
        result["other_cpu_seconds"] = max(0.0, busy - usage.ru_utime - usage.ru_stime)
    result["command"] = cmd
    return result


def machine() -> dict:
    model = platform.processor() or "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def summarise(runs: list[dict]) -> dict:
    """Median epoch time over epochs 2..N of every repeat, and the other columns."""
    ok = [r for r in runs if r.get("status") == "ok"]
    if not ok:
        return {}
    steady = [s for r in ok for s in (r["epoch_seconds"][1:] or r["epoch_seconds"])]
    return {
        "median_epoch_seconds": statistics.median(steady),
        "first_epoch_seconds": statistics.median(r["epoch_seconds"][0] for r in ok),
        "total_seconds": statistics.median(r["train_seconds"] for r in ok),
        "final_loss": statistics.median(r["loss"][-1] for r in ok),
        "final_accuracy": statistics.median(r["accuracy"][-1] for r in ok),
        "test_accuracy": statistics.median(r["test_accuracy"] for r in ok),
        "test_accuracy_range": [
            min(r["test_accuracy"] for r in ok),
            max(r["test_accuracy"] for r in ok),
        ],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in ok),
        "predict_ms": 1000 * statistics.median(s for r in ok for s in r["predict_seconds"]),
        "repeats": len(ok),
    }


def blas_line(result: dict) -> str:
    parts = []
    for lib in result.get("blas", []):
        if "note" in lib:
            parts.append(lib["note"])
        elif lib.get("user_api") == "blas":
            kernel = lib.get("architecture", "?")
            parts.append(
                f"{lib.get('internal_api')} {lib.get('version', '?')} "
                f"({kernel} kernel, {lib.get('num_threads')} threads)"
            )
        else:
            parts.append(f"{lib.get('internal_api')} ({lib.get('num_threads')} threads)")
    return "; ".join(parts) or "none found"


def header(meta: dict, runs: dict[str, list[dict]]) -> list[str]:
    m = meta["machine"]
    lines = [
        f"Date: {meta['date']}. Machine: {m['cpu']}, {m['cores']} cores "
        f"({m['usable_cores']} usable), {m['platform']}. Threads: "
        f"{', '.join(thread_label(t) for t in meta['threads'])} (a count pins "
        f"OMP/OPENBLAS/MKL/GLASSNET_NUM_THREADS, torch.set_num_threads, TF intra/inter-op; "
        f"default sets none of them); {' and '.join(UNSET)} unset. Repeats: {meta['repeat']}."
        + (" One core kept busy by a separate process." if meta.get("busy") else ""),
        "",
    ]
    seen_envs, versions = set(), {}
    for name, results in runs.items():
        for r in results:
            versions.update(r.get("versions", {}))
            key = r.get("executable")
            if key and key not in seen_envs and r.get("status") in ("ok", "skipped"):
                seen_envs.add(key)
                runner = RUNNERS.get(name.split(" (")[0], ("glassnet",))
                role = "glassnet" if runner[0] == "glassnet" else "peers"
                lines.append(
                    f"- {role} interpreter `{key}`: Python {r['python']}, "
                    f"numpy {r['numpy']}, {blas_line(r)}"
                )
    if versions:
        lines.append("- versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    others = [
        (name, _others_share(r) * r["wall_seconds"], r["wall_seconds"])
        for name, rs in runs.items()
        for r in rs
        if "other_cpu_seconds" in r
    ]
    if others:
        worst = max(others, key=lambda o: o[1] / o[2])
        lines.append(
            "- CPU used by other processes during the runs"
            + (" (besides the busy core)" if meta.get("busy") else "")
            + ": at most "
            f"{100 * worst[1] / worst[2]:.0f}% of one core ({worst[0]}); "
            + (
                "the machine was otherwise idle"
                if worst[1] / worst[2] < 0.05
                else "**the timings are disturbed: rerun on an idle machine**"
            )
        )
    lines.append("")
    return lines


def _others_share(result: dict) -> float:
    """Cores' worth of CPU other processes used during a run, less the busy-core process."""
    share = result.get("other_cpu_seconds", 0.0) / max(result.get("wall_seconds", 1.0), 1e-9)
    return max(0.0, share - (1.0 if result.get("busy_core") else 0.0))


def fmt(value, spec: str, missing: str = "n/a") -> str:
    return missing if value is None else format(value, spec)


def comparison_markdown(meta: dict, runs: dict[str, list[dict]], summary: dict, baseline: str):
    epochs = meta["epochs"]
    out = [f"### Lecture workload: {epochs} epoch{'s' * (epochs != 1)}, batch 32", ""]
    out += header(meta, runs)
    base = summary.get(baseline, {}).get("median_epoch_seconds")
    steady = f"2..{epochs}" if epochs > 1 else "1"
    if not any(summary.get(n) for n in runs):
        out.append("No framework ran.")
    else:
        out += _rows(runs, summary, base, baseline, steady)
    notes = [
        f"- {n}: {rs[-1].get('status', 'skipped')}: {rs[-1].get('reason', 'no result')}"
        for n, rs in runs.items()
        if not summary.get(n) and rs
    ]
    notes += [f"- {n}: {r['notes']}" for n, rs in runs.items() for r in rs[:1] if r.get("notes")]
    for n, rs in runs.items():
        for i, r in enumerate(rs):
            share = _others_share(r)
            if share >= 0.05:
                notes.append(
                    f"- {n} (repeat {i + 1}): other processes used {100 * share:.0f}% of a core "
                    "during this run; its times are disturbed"
                )
    out += ["", *notes] if notes else []
    shown = [n for n in runs if summary.get(n)]
    if shown:
        out += ["", *_per_epoch(runs, shown, epochs)]
    return "\n".join(out)


def _rows(runs, summary, base, baseline, steady) -> list[str]:
    out = []
    out.append(
        f"| framework | median s/epoch ({steady}) | epoch 1 s | total s | "
        f"final train loss / acc | test acc | peak RSS MB | predict 10k ms | "
        f"epoch time / {baseline}'s |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in runs:
        s = summary.get(name)
        if not s:
            continue
        ratio = s["median_epoch_seconds"] / base if base else None
        out.append(
            f"| {name} | {s['median_epoch_seconds']:.3f} | {s['first_epoch_seconds']:.3f} | "
            f"{s['total_seconds']:.2f} | {s['final_loss']:.4f} / {s['final_accuracy']:.4f} | "
            f"{s['test_accuracy']:.4f} | {s['peak_rss_mb']:.0f} | {s['predict_ms']:.1f} | "
            f"{fmt(ratio, '.2f')} |"
        )
    return out


def _per_epoch(runs, shown, epochs) -> list[str]:
    """Training loss / accuracy / seconds of every epoch (first repeat)."""
    out = ["Per epoch (first repeat): training loss / accuracy, seconds", ""]
    out.append("| epoch | " + " | ".join(shown) + " |")
    out.append("|---:|" + "---|" * len(shown))
    first = {n: next(r for r in runs[n] if r.get("status") == "ok") for n in shown}
    for e in range(epochs):
        cells = []
        for n in shown:
            r = first[n]
            if e < len(r["epoch_seconds"]):
                cells.append(
                    f"{r['loss'][e]:.4f} / {r['accuracy'][e]:.4f}, {r['epoch_seconds'][e]:.2f} s"
                )
            else:
                cells.append("")
        out.append(f"| {e + 1} | " + " | ".join(cells) + " |")
    return out


def scaling_markdown(meta: dict, result: dict) -> str:
    n = meta["scaling_epochs"]
    timed = {1: "one epoch", 2: "the second timed"}.get(n, f"median of epochs 2..{n}")
    out = [
        f"### Scaling: glassnet vs the matrix multiplications alone ({n} epoch"
        f"{'s' * (n != 1)} per cell, {timed}; GEMM-only: median of 3 epochs)",
        "",
    ]
    out += header(meta, {"glassnet": [result]})
    if result.get("status") != "ok":
        return "\n".join([*out, f"glassnet {result.get('status')}: {result.get('reason')}"])
    out.append(
        "| batch | hidden | glassnet s/epoch | GEMM-only s/epoch | glassnet as % of GEMM "
        "| GEMM GFLOP/s |"
    )
    out.append("|---:|---:|---:|---:|---:|---:|")
    for row in result["scaling"]:
        g, mine = row["gemm"], row["glassnet_seconds"]
        share = "n/a" if mine is None else f"{100 * mine / g['seconds']:.0f}%"
        out.append(
            f"| {row['batch_size']} | {row['hidden']} | {fmt(mine, '.3f', 'not run')} | "
            f"{g['seconds']:.3f} | {share} | {g['gflops_per_second']:.1f} |"
        )
    if result.get("glassnet_missing"):
        out += ["", f"glassnet not run: {result['glassnet_missing']}"]
    return "\n".join(out)


def profile_markdown(meta: dict, result: dict) -> str:
    out = ["### Profile of one glassnet epoch (cProfile, one steady-state epoch)", ""]
    out += header(meta, {"glassnet": [result]})
    if result.get("status") != "ok":
        return "\n".join([*out, f"glassnet {result.get('status')}: {result.get('reason')}"])
    epoch, gemm = result["unprofiled_epoch_seconds"], result["gemm"]["seconds"]
    out.append(
        f"Unprofiled epoch: {epoch:.3f} s. The same epoch's GEMMs alone: {gemm:.3f} s "
        f"({100 * gemm / epoch:.0f}% of the epoch); everything else: {epoch - gemm:.3f} s. "
        f"Under cProfile the epoch took {result['profiled_epoch_seconds']:.3f} s "
        "(the profiler's per-call overhead inflates Python-heavy code). `@` and ufunc "
        "operators are not calls, so their time is in the calling function's own time."
    )
    total = result["profile_total_tottime"]
    out += ["", "| own time s | share | calls | function |", "|---:|---:|---:|---|"]
    for f in result["top_functions"]:
        out.append(
            f"| {f['tottime']:.3f} | {100 * f['tottime'] / total:.0f}% | {f['ncalls']} | "
            f"`{f['function']}` |"
        )
    out += ["", "| own time s | share | file |", "|---:|---:|---|"]
    for file, seconds in result["by_file"][:15]:
        out.append(f"| {seconds:.3f} | {100 * seconds / total:.0f}% | `{file}` |")
    return "\n".join([*out, "", *_profile_split(result)])


# Where each source file's own time goes in the split of one epoch; anything else (layers,
# activations, losses, NumPy's Python wrappers, C builtins) is forward/backward work.
_OPTIMIZER = ("glassnet/optimizers.py",)
_LOOP = (
    "glassnet/model.py",
    "glassnet/callbacks.py",
    "glassnet/_internal/checks.py",
    "glassnet/utils.py",
)


def _profile_split(result: dict) -> list[str]:
    """Matmul / element-wise / optimizer / loop split of the unprofiled epoch (approximate).

    cProfile's own times are scaled by unprofiled / profiled epoch time; the GEMM time is the
    one measured alone and is taken out of the forward/backward share.
    """
    epoch, gemm = result["unprofiled_epoch_seconds"], result["gemm"]["seconds"]
    scale = epoch / result["profile_total_tottime"]
    optimizer = loop = 0.0
    for file, seconds in result["by_file"]:
        if file.endswith(_OPTIMIZER):
            optimizer += seconds * scale
        elif file.endswith(_LOOP) or "benchmarks/peers" in file:
            loop += seconds * scale
    rest = epoch - optimizer - loop - gemm
    rows = [
        ("matrix multiplications (the five GEMMs, timed alone)", gemm),
        ("element-wise work and NumPy calls in layers, activations and loss", rest),
        ("optimizer update (optimizers.py)", optimizer),
        ("training loop, batching, checks, callbacks (model.py, ...)", loop),
    ]
    out = [
        "Split of the unprofiled epoch (approximate: cProfile's own times scaled to the "
        "unprofiled epoch, the GEMM time taken from the forward/backward share):",
        "",
        "| part | seconds | share |",
        "|---|---:|---:|",
    ]
    out += [f"| {name} | {sec:.3f} | {100 * sec / epoch:.0f}% |" for name, sec in rows]
    return out


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Runners: " + ", ".join(RUNNERS),
    )
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every framework this many times (interleaved); medians over them",
    )
    p.add_argument(
        "--only", default=",".join(RUNNERS), help="comma-separated runners (default: all)"
    )
    p.add_argument(
        "--threads",
        default=None,
        help="comma-separated thread settings, each run by every framework: 'default' (no "
        "thread variable, each framework's own choice) or a count (default: default,1,N "
        "with N the usable cores)",
    )
    p.add_argument(
        "--busy-core",
        action="store_true",
        help="run everything again with one core kept busy by a separate process "
        "(the same as --load idle,busy)",
    )
    p.add_argument(
        "--load",
        default=None,
        help="comma-separated machine loads, each run by every framework: 'idle', 'busy' "
        "(one core kept busy by a separate process); default idle",
    )
    p.add_argument(
        "--peers-python",
        default=default_peers_python(),
        help="interpreter with torch / scikit-learn / tensorflow installed",
    )
    p.add_argument("--glassnet-python", default=sys.executable)
    p.add_argument(
        "--baseline",
        default="glassnet",
        help="runner whose median epoch time the ratio column divides by",
    )
    p.add_argument("--json", type=Path, help="also write every result to this file")
    p.add_argument("--predict-runs", type=int, default=7)
    p.add_argument("--predict-batch", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder with the four Fashion-MNIST .gz IDX files "
        "(default /usr/share/datasets/fashion-mnist)",
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds per child")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--scaling",
        action="store_true",
        help="only the glassnet scaling grid beside the GEMM-only bound",
    )
    mode.add_argument("--profile", action="store_true", help="only a cProfile of one epoch")
    mode.add_argument(
        "--thread-crossover",
        action="store_true",
        help="only glassnet's step at 1 thread and at all, batch 32..4096 x hidden 128..2048",
    )
    p.add_argument(
        "--scaling-epochs",
        type=int,
        default=2,
        help="epochs per scaling cell; the first is dropped when there are several",
    )
    p.add_argument("--scaling-batches", default="32,128,512")
    p.add_argument("--scaling-hidden", default="128,512,2048")
    args = p.parse_args(argv)
    args.only = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in args.only if n not in RUNNERS]
    if unknown or not args.only:
        p.error(f"--only expects names from {', '.join(RUNNERS)}; got {unknown or 'nothing'}")
    cores = len(os.sched_getaffinity(0))
    try:
        text = args.threads or f"default,1,{cores}"
        settings = [0 if t.strip() == "default" else int(t) for t in text.split(",")]
    except ValueError:
        p.error(f"--threads expects 'default' or counts, comma-separated; got {args.threads!r}")
    if any(t < 0 for t in settings):
        p.error(f"--threads counts must be at least 1, got {args.threads!r}")
    args.threads = list(dict.fromkeys(settings))
    for flag in ("epochs", "repeat", "predict_runs", "predict_batch", "scaling_epochs"):
        if getattr(args, flag) < 1:
            p.error(f"--{flag.replace('_', '-')} must be at least 1, got {getattr(args, flag)}")
    try:
        args.scaling_batches = [int(v) for v in args.scaling_batches.split(",")]
        args.scaling_hidden = [int(v) for v in args.scaling_hidden.split(",")]
    except ValueError:
        p.error("--scaling-batches and --scaling-hidden expect comma-separated integers")
    return args


def common_child_args(args) -> list[str]:
    extra = [
        "--seed",
        str(args.seed),
        "--predict-runs",
        str(args.predict_runs),
        "--predict-batch",
        str(args.predict_batch),
    ]
    if args.data_dir:
        extra += ["--data-dir", str(args.data_dir)]
    return extra


def main(argv=None) -> int:
    args = parse_args(argv)
    # A SIGTERM becomes SystemExit, so `launch` kills the running child on its way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "threads": args.threads,
        "epochs": args.epochs,
        "repeat": args.repeat,
        "scaling_epochs": args.scaling_epochs,
        "peers_python": args.peers_python,
        "glassnet_python": args.glassnet_python,
        "argv": sys.argv[1:] if argv is None else list(argv),
    }
    if args.scaling or args.profile or args.thread_crossover:
        return single_mode(args, meta)
    loads = machine_loads(args)
    tables, everything, failed = [], {}, []
    for load in loads:
        meta_load = {**meta, "busy": load == "busy"}
        runs = run_all(args, busy=load == "busy")
        summary = {label: summarise(results) for label, results in runs.items()}
        ours = [lb for lb in runs if lb.startswith(f"{args.baseline} (") and summary[lb]]
        base = ours[0] if ours else None
        tables.append(comparison_markdown(meta_load, runs, summary, base or args.baseline))
        tables.append(best_markdown(runs, summary, load))
        everything[load] = {"summary": summary, "runs": runs}
        failed += [lb for lb, rs in runs.items() if any(r.get("status") == "failed" for r in rs)]
    print("\n\n".join(tables))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, **everything}, indent=2) + "\n")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def machine_loads(args) -> list[str]:
    """The loads to run under, from --load (or --busy-core); exits 2 on an unknown one."""
    if args.load is None:
        return ["idle", "busy"] if args.busy_core else ["idle"]
    loads = [load.strip() for load in args.load.split(",") if load.strip()]
    unknown = sorted(set(loads) - {"idle", "busy"})
    if unknown or not loads:
        sys.exit(f"lecture_workload.py: error: --load {args.load!r}: expected idle, busy or both")
    return loads


def run_all(args, busy: bool) -> dict[str, list[dict]]:
    """Every runner at every thread setting, `--repeat` times interleaved; one core kept
    busy by a separate process throughout when `busy` (bounded by the whole run's timeout)."""
    labels = [(name, t) for t in args.threads for name in args.only]
    runs: dict[str, list[dict]] = {f"{n} ({thread_label(t)})": [] for n, t in labels}
    common = common_child_args(args)
    spinner = start_busy_core(args.timeout * len(labels) * args.repeat) if busy else None
    try:
        for repeat in range(args.repeat):
            for name, threads in labels:
                label = f"{name} ({thread_label(threads)})"
                if runs[label] and runs[label][-1].get("status") != "ok":
                    continue  # skipped or failed once: don't try again
                kind, script, extra = RUNNERS[name]
                python = args.glassnet_python if kind == "glassnet" else args.peers_python
                env = child_env(threads, glassnet=kind == "glassnet")
                print(
                    f"running {label}{' with a busy core' * busy} (repeat {repeat + 1}/"
                    f"{args.repeat}) with {python} ...",
                    file=sys.stderr,
                    flush=True,
                )
                child_args = [*extra, *common, "--threads", str(threads)]
                result = launch(
                    name,
                    python,
                    script,
                    [*child_args, "--epochs", str(args.epochs)],
                    env,
                    args.timeout,
                )
                result["threads"], result["busy_core"] = threads, busy
                status = result.get("status")
                detail = (
                    f"{result['wall_seconds']:.1f} s" if status == "ok" else result.get("reason")
                )
                print(f"  {label}: {status} {detail}", file=sys.stderr, flush=True)
                runs[label].append(result)
    finally:
        stop_busy_core(spinner)
    return runs


def best_markdown(runs: dict[str, list[dict]], summary: dict, load: str) -> str:
    """Each framework at its fastest thread setting, and glassnet's defaults against each."""
    best: dict[str, tuple[float, str]] = {}
    for label, s in summary.items():
        if s:
            name, setting = label.split(" (", 1)
            seconds = s["median_epoch_seconds"]
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, setting.rstrip(")"))
    mine = summary.get("glassnet (default threads)") or {}
    out = [
        f"#### Best thread setting per framework ({'one core busy' if load == 'busy' else 'idle'})",
        "",
        "| framework | best median s/epoch | at | glassnet at its defaults / this |",
        "|---|---:|---|---:|",
    ]
    for name, (seconds, setting) in best.items():
        ratio = mine.get("median_epoch_seconds")
        out.append(
            f"| {name} | {seconds:.3f} | {setting} | {fmt(ratio and ratio / seconds, '.2f')} |"
        )
    return "\n".join(out)


def single_mode(args, meta: dict) -> int:
    """--scaling, --profile or --thread-crossover: one glassnet child, one table."""
    mode = "scaling" if args.scaling else "profile" if args.profile else "threads"
    cores = len(os.sched_getaffinity(0))
    extra = ["--mode", mode, *common_child_args(args), "--epochs", str(args.scaling_epochs)]
    batches, hidden = args.scaling_batches, args.scaling_hidden
    if mode == "threads" and args.scaling_batches == [32, 128, 512]:
        batches = [32, 128, 512, 4096]  # the grid
    extra += ["--batch-sizes", *map(str, batches), "--hiddens", *map(str, hidden)]
    # Profile and scaling at glassnet's defaults; the cross-over sets its own counts.
    threads = 0 if mode == "profile" else cores
    extra += ["--threads", str(threads)]
    print(f"running glassnet {mode} ...", file=sys.stderr, flush=True)
    env = child_env(threads, glassnet=True)
    if mode == "threads":
        env.pop(GLASSNET_THREADS, None)
    result = launch(
        f"glassnet-{mode}", args.glassnet_python, "run_glassnet.py", extra, env, args.timeout
    )
    markdown = {"scaling": scaling_markdown, "profile": profile_markdown}
    print(markdown.get(mode, crossover_markdown)(meta, result))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, mode: result}, indent=2) + "\n")
    return 0 if result.get("status") in ("ok", "skipped") else 1


def crossover_markdown(meta: dict, result: dict) -> str:
    out = ["### Threads: one BLAS thread against all, per training step", ""]
    out += header({**meta, "threads": [result.get("cores", 0)]}, {"glassnet": [result]})
    if result.get("status") != "ok":
        return "\n".join([*out, f"glassnet {result.get('status')}: {result.get('reason')}"])
    cores = result["cores"]
    out.append(
        f"| batch | hidden | largest product (M multiply-adds) | ms/step, 1 thread | "
        f"ms/step, {cores} threads | {cores} threads / 1 | faster | glassnet picks |"
    )
    out.append("|---:|---:|---:|---:|---:|---:|---|---|")
    for row in result["threads"]:
        one, every = row["step_seconds"]["1"], row["step_seconds"][str(cores)]
        right = "" if row["glassnet_picks"] == row["faster"] else " (not the faster)"
        out.append(
            f"| {row['batch_size']} | {row['hidden']} | {row['macs'] / 1e6:.0f} | "
            f"{1000 * one:.2f} | {1000 * every:.2f} | {every / one:.2f} | {row['faster']} | "
            f"{row['glassnet_picks']}{right} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
