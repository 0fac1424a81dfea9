"""One page's state: its data, its perceptron or network, and its training thread.

Each browser tab gets its own `Session`, so a second tab never disturbs the first's
run. Training runs one epoch per step in a background thread, which can be paused,
stepped, reset and always stopped; a shared `Trainings` counter caps how many run at
once across the server.

>>> s = Session("demo", Trainings(1))
>>> s.load({"preset": "lecture"})
>>> s.set_perceptron({"w1": 3, "w2": -2, "w_bias": -1})
>>> s.snapshot()["accuracy"]
1.0
"""

from __future__ import annotations

import threading
import time
import warnings

import numpy as np

from glassnet import diagnose, metrics
from glassnet.cli.playground import _network
from glassnet.cli.playground._data import Data, parse_csv, preset, split
from glassnet.cli.playground._limits import LIMITS, RequestError, choice, integer, number
from glassnet.perceptron import Perceptron

__all__ = ["Session", "Trainings"]

REGION_GRID = 40
UNIT_GRID = 20
# Fixed tables, where every point counts (the lecture scores its 12 points all together).
TABLES = ("lecture", "and", "or", "nand", "xor-gate")


class Trainings:
    """How many trainings run now, capped across the whole server."""

    def __init__(self, limit: int) -> None:
        self.limit, self.running, self._lock = limit, 0, threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            if self.running >= self.limit:
                raise RequestError(
                    f"at most {self.limit} trainings run at once; pause another tab's first",
                    status=429,
                )
            self.running += 1

    def release(self) -> None:
        with self._lock:
            self.running -= 1


class Session:
    """The state behind one tab (see the module docstring)."""

    def __init__(self, name: str, trainings: Trainings) -> None:
        self.name, self.trainings = name, trainings
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0
        self.last_used = time.monotonic()
        self.mode = "perceptron"
        self.fractions = (0.8, 0.1, 0.1)
        self.split_seed = 0
        self.perceptron = Perceptron(weights=[0.75, -0.5], bias_weight=1.0)
        self.perceptron_rate = 0.1
        self.spec = None
        self.model = None
        self.history: dict[str, list[float]] = {}
        self.epoch = 0
        self.updates: list[str] = []
        self.findings: list[dict] = []
        self.thread: threading.Thread | None = None
        self.running = False
        self.stop_event = threading.Event()
        self.delay = 0.02
        self.data = preset({"preset": "lecture"})
        self._resplit()

    # -- data ------------------------------------------------------------------

    def load(self, body: dict) -> None:
        """A preset (`preset`, ...) or CSV text (`csv`, optional `columns`)."""
        data = parse_csv(body["csv"], body.get("columns")) if "csv" in body else preset(body)
        self.stop()
        with self.lock:
            self.data = data
            self._resplit()
            self._reset_models()

    def set_split(self, body: dict) -> None:
        train = number(body, "train", 0.8, 0.1, 1.0)
        validation = number(body, "validation", 0.1, 0.0, 0.8)
        test = number(body, "test", 0.1, 0.0, 0.8)
        if abs(train + validation + test - 1) > 1e-6:
            raise RequestError(
                f"split: train + validation + test must be 1, got {train + validation + test:.3g}"
            )
        self.stop()
        with self.lock:
            self.fractions = (train, validation, test)
            self.split_seed = integer(body, "seed", 0, 0, 2**31 - 1)
            self._resplit()
            self._reset_models()

    def add_point(self, body: dict) -> None:
        x1 = number(body, "x1", 0.0, -1e6, 1e6)
        x2 = number(body, "x2", 0.0, -1e6, 1e6)
        label = integer(body, "label", 0, 0, LIMITS["max_classes"] - 1)
        self.stop()
        with self.lock:
            if len(self.data.y) >= LIMITS["max_rows"]:
                raise RequestError(f"points: at most {LIMITS['max_rows']} points")
            names = list(self.data.names)
            while len(names) <= label:
                names.append(str(len(names)))
            x = np.vstack([self.data.x, [[x1, x2]]])
            y = np.append(self.data.y, label)
            self.data = Data(
                x, y, names, self.data.source if self.data.source != "lecture" else "lecture-edited"
            )
            self._resplit()
            self._reset_models(keep_weights=True)

    def remove_point(self, body: dict) -> None:
        self.stop()
        with self.lock:
            index = integer(body, "index", 0, 0, max(len(self.data.y) - 1, 0))
            if len(self.data.y) <= 2:
                raise RequestError("points: at least 2 points must stay")
            keep = np.arange(len(self.data.y)) != index
            self.data = Data(
                self.data.x[keep], self.data.y[keep], self.data.names, self.data.source
            )
            self._resplit()
            self._reset_models(keep_weights=True)

    def _resplit(self) -> None:
        if self.data.source in TABLES or self.data.source == "lecture-edited":
            every = np.arange(len(self.data.y))
            self.parts = (every, every[:0], every)
            self.scope = "all points"
        else:
            self.parts = split(len(self.data.y), self.fractions, self.split_seed)
            self.scope = "test part" if len(self.parts[2]) else "all points"
            if not len(self.parts[2]):
                self.parts = (self.parts[0], self.parts[1], np.arange(len(self.data.y)))

    # -- models ----------------------------------------------------------------

    def set_mode(self, body: dict) -> None:
        mode = choice(body, "mode", "perceptron", ("perceptron", "network"))
        self.stop()
        with self.lock:
            self.mode = mode
            self._reset_models()

    def set_perceptron(self, body: dict) -> None:
        w1 = number(body, "w1", 0.75, -1e6, 1e6)
        w2 = number(body, "w2", -0.5, -1e6, 1e6)
        wb = number(body, "w_bias", 1.0, -1e6, 1e6)
        rate = number(body, "learning_rate", self.perceptron_rate, 0.0, 10.0, open_low=True)
        self.stop()
        with self.lock:
            self.perceptron = Perceptron(weights=[w1, w2], bias_weight=wb)
            self.perceptron_rate = rate
            self._touch()

    def set_network(self, body: dict) -> None:
        spec = _network.network_spec(body, n_classes=len(self.data.names))
        self.stop()
        with self.lock:
            self.spec = spec
            self.model = _network.build(spec)
            self.history, self.epoch, self.findings = {}, 0, []
            self._touch()

    def _reset_models(self, keep_weights: bool = False) -> None:
        self.history, self.epoch, self.updates, self.findings = {}, 0, [], []
        if self.mode == "network":
            if self.spec is None or self.spec.n_classes != len(self.data.names):
                self.spec = _network.network_spec({}, n_classes=len(self.data.names))
            self.model = _network.build(self.spec)
        elif not keep_weights:
            self.perceptron = Perceptron(
                weights=self.perceptron.weights, bias_weight=self.perceptron.bias_weight
            )
        self._touch()

    def reset(self) -> None:
        """Back to epoch 0 with the same initial weights (the seed's)."""
        self.stop()
        with self.lock:
            self._reset_models()

    # -- training --------------------------------------------------------------

    def _check_trainable(self) -> None:
        if self.mode == "perceptron" and len(self.data.names) != 2:
            raise RequestError(
                f"perceptron mode needs two classes, the data has {len(self.data.names)}"
            )

    def start(self) -> None:
        with self.lock:
            if self.running:
                return
            self._check_trainable()
            self.trainings.acquire()
            self.running = True
            self.stop_event.clear()
            self.thread = threading.Thread(target=self._run, daemon=True, name=f"train-{self.name}")
            self.thread.start()
            self._touch()

    def stop(self) -> None:
        """Pause (stop) the run: the thread ends after its current epoch. Call it without
        holding the lock (the epoch needs it to finish)."""
        thread = self.thread
        self.stop_event.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self.thread = None

    def step(self) -> None:
        self.stop()
        with self.lock:
            self._check_trainable()
            self._epoch()
            self._finish()

    def _run(self) -> None:
        try:
            while not self.stop_event.is_set():
                with self.lock:
                    if self.stop_event.is_set() or self._done():
                        break
                    self._epoch()
                time.sleep(self.delay)
        finally:
            with self.lock:
                self.running = False
                self.trainings.release()
                self._finish()

    def _done(self) -> bool:
        if self.mode == "perceptron":
            return self.epoch >= LIMITS["max_epochs"] or bool(self.perceptron.converged_)
        return self.epoch >= self.spec.epochs

    def _epoch(self) -> None:
        train = self.parts[0]
        x, y = self.data.x[train], self.data.y[train]
        if self.mode == "perceptron":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.perceptron.fit(x, y, epochs=1, learning_rate=self.perceptron_rate)
            record = self.perceptron.history_[-1] if self.perceptron.history_ else None
            self.updates = [_update_text(u) for u in getattr(record, "updates", [])][:20]
            errors = self.perceptron.errors_[-1] if self.perceptron.errors_ else 0
            self.history.setdefault("errors", []).append(int(errors))
        else:
            with np.errstate(under="ignore"):
                fit = self.model.fit(
                    x,
                    _network.targets(self.spec, y),
                    epochs=1,
                    batch_size=self.spec.batch_size,
                    verbose=0,
                )
            self.history.setdefault("loss", []).append(float(fit.history["loss"][-1]))
            for part, key in ((self.parts[1], "val"), (self.parts[2], "test")):
                if len(part):
                    scores = self._network_scores(part)
                    self.history.setdefault(f"{key}_loss", []).append(scores[0])
                    self.history.setdefault(f"{key}_accuracy", []).append(scores[1])
            self.history.setdefault("accuracy", []).append(self._network_scores(train)[1])
        self.epoch += 1
        self._touch()

    def _network_scores(self, rows: np.ndarray) -> tuple[float, float]:
        x, y = self.data.x[rows], self.data.y[rows]
        with np.errstate(under="ignore"):
            loss = self.model.evaluate(x, _network.targets(self.spec, y), verbose=0)
            p = _network.probabilities(self.model, x)
        loss = float(loss[0] if isinstance(loss, (list, tuple)) else loss)
        return loss, float(np.mean(p.argmax(1) == y))

    def _finish(self) -> None:
        if self.mode == "network" and self.history.get("loss"):
            history = {"loss": self.history["loss"]}
            if "val_loss" in self.history:
                history["val_loss"] = self.history["val_loss"]
            try:
                self.findings = [
                    {"name": f.name, "summary": f.summary, "severity": f.severity}
                    for f in diagnose(history)
                ]
            except ValueError as error:
                self.findings = [{"name": "error", "summary": str(error), "severity": "warning"}]
        self._touch()

    def _touch(self) -> None:
        self.version += 1
        self.last_used = time.monotonic()
        self.changed.notify_all()

    # -- what the page sees ----------------------------------------------------

    def accuracy(self) -> tuple[float, int, int]:
        rows = self.parts[2]
        x, y = self.data.x[rows], self.data.y[rows]
        if self.mode == "perceptron":
            if len(self.data.names) != 2:
                return float("nan"), 0, len(rows)
            correct = round(self.perceptron.score(x, y) * len(rows))
        else:
            correct = int(np.sum(_network.probabilities(self.model, x).argmax(1) == y))
        return correct / len(rows), correct, len(rows)

    def bounds(self) -> list[float]:
        low, high = self.data.x.min(0), self.data.x.max(0)
        pad = np.maximum((high - low) * 0.15, 0.5)
        return [
            float(low[0] - pad[0]),
            float(high[0] + pad[0]),
            float(low[1] - pad[1]),
            float(high[1] + pad[1]),
        ]

    def _grid(self, size: int) -> np.ndarray:
        x0, x1, y0, y1 = self.bounds()
        gx, gy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y1, y0, size))
        return np.column_stack([gx.ravel(), gy.ravel()])

    def snapshot(self) -> dict:
        """Everything the page draws, as JSON-ready values."""
        with self.lock:
            accuracy, correct, total = self.accuracy()
            state = {
                "version": self.version,
                "mode": self.mode,
                "data": self.data.to_dict(),
                "parts": [p.tolist() for p in self.parts],
                "split": list(self.fractions),
                "scope": self.scope,
                "bounds": self.bounds(),
                "epoch": self.epoch,
                "running": self.running,
                "accuracy": None if accuracy != accuracy else round(accuracy, 6),
                "correct": correct,
                "total": total,
                "baseline": round(metrics.baseline_accuracy(self.data.y[self.parts[2]]), 6),
                "history": self.history,
                "findings": self.findings,
                "grid_size": REGION_GRID,
                "unit_grid_size": UNIT_GRID,
            }
            if self.mode == "perceptron":
                p = self.perceptron
                state["perceptron"] = {
                    "w1": float(p.weights[0]),
                    "w2": float(p.weights[1]),
                    "w_bias": float(p.bias_weight),
                    "learning_rate": self.perceptron_rate,
                    "equation": p.equation(),
                    "updates": self.updates,
                }
                if len(self.data.names) == 2:
                    positive = p.classes_[1]
                    state["regions"] = (
                        (p.predict(self._grid(REGION_GRID)) == positive).astype(int).tolist()
                    )
                    state["predicted"] = (p.predict(self.data.x) == positive).astype(int).tolist()
            else:
                with np.errstate(under="ignore"):
                    probs = _network.probabilities(self.model, self._grid(REGION_GRID))
                    state["regions"] = probs.argmax(1).tolist()
                    state["confidence"] = probs.max(1).round(3).tolist()
                    state["units"] = _network.unit_maps(self.model, self._grid(UNIT_GRID))
                    predicted = _network.probabilities(self.model, self.data.x).argmax(1)
                    state["predicted"] = predicted.tolist()
                state["network"] = self.spec.to_dict()
                state["weights"] = [w.round(4).tolist() for w in self.model.get_weights()[::2]]
            return state

    def explain(self, body: dict) -> dict:
        with self.lock:
            index = integer(body, "point", 0, 0, len(self.data.y) - 1)
            x, label = self.data.x[index], int(self.data.y[index])
            name = self.data.names[label]
            if self.mode == "perceptron":
                returned = float(self.perceptron.forward([x])[0])
                lines = [f"Point {index} in group {name} returned {returned:g}"]
                lines += self.perceptron.explain(x).splitlines()
                return {"lines": lines, "class_name": name}
            kind = choice(body, "kind", "unit", ("unit", "weight", "step"))
            layer = integer(body, "layer", 1, 1, LIMITS["max_layers"] + 1)
            unit = integer(body, "unit", 1, 1, max(LIMITS["max_units"], 10))
            with np.errstate(under="ignore"):
                target = _network.targets(self.spec, np.array([label]))[0]
                if kind == "unit":
                    out = _network.explain_unit(self.model, x, layer, unit)
                elif kind == "step":
                    out = _network.explain_step(self.model, x, target, self.spec.learning_rate)
                else:
                    source = integer(body, "source", 1, 1, LIMITS["max_units"])
                    out = _network.explain_weight(self.model, x, target, layer, source, unit)
            out["lines"].insert(0, f"point {index} (class {name}): x = ({x[0]:.4g}, {x[1]:.4g})")
            out["class_name"] = name
            return out


def _update_text(u) -> str:
    dw = ", ".join(f"{v:+.4g}" for v in u.delta_weights)
    return (
        f"point {u.index} ({', '.join(f'{v:g}' for v in u.x)}): target {u.target}, "
        f"predicted {u.predicted}, z = {u.z:.4g} -> Δw = ({dw}), "
        f"Δw_bias = {u.delta_bias_weight:+.4g}"
    )
