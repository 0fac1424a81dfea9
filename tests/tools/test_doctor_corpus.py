"""The doctor on its labelled corpus: real training runs whose right diagnosis is known.

tests/tools/doctor_corpus/*.json holds each run's History, the run summary the doctor reads and
what it must say (made by benchmarks/doctor_corpus.py, which trains every run again). The
doctor runs on the stored JSON alone. Scoring, per finding:

- a finding the run expects and the doctor reports is a hit; one it expects and the doctor
  misses is a miss;
- a finding the doctor reports that the run neither expects nor allows is a false alarm,
  unless it says it follows from a finding the run expects (its root cause was named).

Targets: recall >= 0.9 and precision >= 0.9 for every finding, the expected root cause
first in >= 90 % of runs, no "problem" on a healthy run, and each run's severity limits
and forbidden advice ("Add Dropout" when the model has Dropout) respected.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from glassnet.callbacks import History
from glassnet.doctor import diagnose

CORPUS = Path(__file__).resolve().parent / "doctor_corpus"
RUNS = sorted(CORPUS.glob("*.json"))
SEVERITY_RANK = {"ok": 0, "tip": 1, "warning": 2, "problem": 3}
TARGET = 0.9


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def diagnose_stored(run: dict):
    """The doctor's diagnosis of a stored run, from its JSON alone."""
    history = History()  # as fit left it: an epoch cut short by the NaN guard has no val_ entry
    history.history = {
        k: [float("nan") if v is None else v for v in values]
        for k, values in run["history"].items()
    }
    history.params = run["params"]
    history.stopped_on_nan = run.get("stopped_on_nan")
    return diagnose(history, summary=run["summary"])


def score(runs: list[dict]) -> dict:
    """Hits, misses and false alarms per finding, the first-finding rate and the failures."""
    hits, misses, alarms = Counter(), Counter(), Counter()
    first_right, failures = 0, []
    for run in runs:
        expect = run["expect"]
        d = diagnose_stored(run)
        wanted, allowed = set(expect["findings"]), set(expect["allow"])
        for f in d:
            if f.name in wanted:
                hits[f.name] += 1
            elif f.name not in allowed and f.cause not in wanted:
                alarms[f.name] += 1
                failures.append(f"{run['name']}: false alarm {f.name} ({f.severity})")
        for name in wanted - set(d.names):
            misses[name] += 1
            failures.append(f"{run['name']}: missed {name} (got {', '.join(d.names)})")
        if d.names[0] == expect["first"]:
            first_right += 1
        else:
            failures.append(f"{run['name']}: first {d.names[0]}, expected {expect['first']}")
        for name, worst in expect["severity"].items():
            if name in d and SEVERITY_RANK[d[name].severity] > SEVERITY_RANK[worst]:
                failures.append(f"{run['name']}: {name} is a {d[name].severity}, at most {worst}")
        if "no_problem_found" in wanted:
            for f in d:
                if f.severity == "problem":
                    failures.append(f"{run['name']}: healthy run with the problem {f.name}")
        text = d.text("python") + "\n" + d.text("cli")
        for phrase in expect["text_must_not"]:
            if phrase in text:
                failures.append(f"{run['name']}: the advice says {phrase!r}")
    names = sorted(set(hits) | set(misses) | set(alarms))
    table = {}
    for name in names:
        tp, fn, fp = hits[name], misses[name], alarms[name]
        table[name] = {
            "runs": tp + fn,
            "hits": tp,
            "missed": fn,
            "false_alarms": fp,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
        }
    return {"table": table, "first": first_right / len(runs), "failures": failures}


def format_table(result: dict, runs: int) -> str:
    """The per-finding table as markdown, as the doctor's docstring shows it."""
    lines = [
        "| finding | runs | found | missed | false alarms | recall | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["table"].items():
        lines.append(
            f"| {name} | {row['runs']} | {row['hits']} | {row['missed']} | "
            f"{row['false_alarms']} | {row['recall']:.2f} | {row['precision']:.2f} |"
        )
    lines.append(f"\nFirst finding right in {result['first'] * 100:.0f} % of {runs} runs.")
    return "\n".join(lines)


def test_the_corpus_is_large_and_labelled():
    runs = [load(p) for p in RUNS]
    assert len(runs) >= 40, (
        f"{len(runs)} runs in {CORPUS}: rebuild with benchmarks/doctor_corpus.py"
    )
    for run in runs:
        expect = run["expect"]
        assert expect["first"] in expect["findings"] or expect["first"] in expect["allow"]
        assert run["summary"]["format"] == "glassnet-run-summary"


def test_the_doctor_meets_its_targets_on_the_corpus():
    runs = [load(p) for p in RUNS]
    result = score(runs)
    report = format_table(result, len(runs)) + "\n\n" + "\n".join(result["failures"])
    for name, row in result["table"].items():
        assert row["recall"] >= TARGET, f"recall of {name}\n{report}"
        assert row["precision"] >= TARGET, f"precision of {name}\n{report}"
    assert result["first"] >= TARGET, f"first finding\n{report}"
    healthy = [f for f in result["failures"] if "healthy run" in f]
    assert not healthy, report
    limits = [f for f in result["failures"] if ", at most " in f or "the advice says" in f]
    assert not limits, report


def test_the_doctor_docs_show_the_measured_table():
    import glassnet.doctor

    runs = [load(p) for p in RUNS]
    table = format_table(score(runs), len(runs))
    assert table in glassnet.doctor.__doc__, (
        "the glassnet.doctor docstring should show the corpus table as measured now:\n" + table
    )


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_each_stored_run_is_diagnosed_from_its_json_alone(path):
    d = diagnose_stored(load(path))
    assert d.names and d.text("cli").startswith("Training diagnosis")
