"""kill -9 during model.save, at random instants: the model always loads, old or new, and
the next save leaves no leftover file.

A child process saves a model over and over (each version marks its last bias with the
version number) and is killed with SIGKILL at a random instant, chosen by a fixed seed.
After each kill the target must load, hold one whole version (the last one completed or
the one being written), and the next save to the same place must leave exactly the
model's own files. `GLASSNET_KILL_TRIALS` sets the trials per form (8 by default; 30 for
the manual campaign).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

TRIALS = int(os.environ.get("GLASSNET_KILL_TRIALS", "8"))
SEED = 15

CHILD = """
import sys
import numpy as np
import glassnet as gn

target, version = sys.argv[1], int(sys.argv[2])
model = gn.load_model(target.rstrip("/"))
print("ready", flush=True)
while True:
    version += 1
    weights = model.get_weights()
    weights[-1][:] = version
    model.set_weights(weights)
    print(f"start {version}", flush=True)
    model.save(target)
    print(f"done {version}", flush=True)
"""


def _model() -> gn.Sequential:
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [
            gn.layers.Dense(384, activation="relu", input_shape=(384,)),
            gn.layers.Dropout(0.1),
            gn.layers.Dense(384),
            gn.layers.Dense(10),
        ]
    )
    model.compile("adam", "mse")
    x = np.zeros((4, 384), np.float32)
    model.fit(x, np.zeros((4, 10), np.float32), epochs=1, verbose=0)  # Adam's state
    return model


def _version(model: gn.Sequential) -> int:
    bias = model.get_weights()[-1]
    assert (bias == bias[0]).all(), f"a mixed model: {bias}"
    return int(bias[0])


def _listing(target: Path, as_folder: bool) -> list[str]:
    return sorted(os.listdir(target if as_folder else target.parent))


@pytest.mark.slow
@pytest.mark.parametrize("as_folder", [False, True], ids=["file", "folder"])
def test_kill_9_during_save_never_loses_the_model(tmp_path, as_folder):
    rng = random.Random(SEED + as_folder)
    target = tmp_path / "store" / ("model" if as_folder else "model.glassnet")
    target.parent.mkdir()
    shown = str(target) + ("/" if as_folder else "")
    expected_files = ["config.json", "weights.npz"] if as_folder else ["model.glassnet"]
    model = _model()
    model.save(shown)
    version = _version(gn.load_model(target))
    source = str(Path(gn.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": source + os.pathsep + os.environ.get("PYTHONPATH", "")}
    stats = {"mid-save": 0, "leftovers": 0, "new": 0, "old": 0}
    for trial in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, shown, str(version)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            child.send_signal(signal.SIGKILL)
            # Read the rest through the reader `readline` used: it may already hold later
            # lines ("start", "done"), which `communicate` (reading the pipe) would miss.
            out, err = child.stdout.read(), child.stderr.read()
            child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL, err
        started = [int(line.split()[1]) for line in out.splitlines() if line.startswith("start")]
        done = [int(line.split()[1]) for line in out.splitlines() if line.startswith("done")]
        last_done = done[-1] if done else version
        last_started = started[-1] if started else version
        stats["mid-save"] += last_started != last_done

        loaded = gn.load_model(target)  # never "neither"
        got = _version(loaded)
        assert got in (last_done, last_started), (
            f"trial {trial}: {got}, {done[-3:]}, {started[-3:]}"
        )
        stats["new" if got == last_started != last_done else "old"] += 1
        stats["leftovers"] += _listing(target, as_folder) != expected_files

        version = got + 1
        weights = loaded.get_weights()
        weights[-1][:] = version
        loaded.set_weights(weights)
        loaded.save(shown)  # the next save to the same place
        assert _listing(target, as_folder) == expected_files, f"trial {trial}: leftovers"
        if not as_folder:
            assert os.listdir(target.parent) == ["model.glassnet"]
        assert _version(gn.load_model(target)) == version
    print(
        f"\nkill -9 during save, {'folder' if as_folder else 'file'} form: {TRIALS} trials, {stats}"
    )
