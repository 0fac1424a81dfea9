"""The doctor's thresholds and its result types, `Finding` and `Diagnosis`."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import short_value

# ----------------------------------------------------------------- thresholds
# Each number below decides when a curve "shows" something. They are chosen so that
# the noise of a healthy mini-batch run (an epoch's mean loss moves by a few percent)
# never triggers a finding, while the lecture's failure modes always do.

# With fewer epochs a curve has no shape: one step can't tell a trend from noise.
MIN_EPOCHS_FOR_TRENDS = 3

# Learning rate too high.
# A training loss ending 20 % above its best epoch is no noise: with a sane learning
# rate the training loss of a fixed data set only goes down, give or take a few %.
LOSS_RISE_RATIO = 1.2
# A loss that moves by more than 5 % in one epoch makes a "big step" ...
OSCILLATION_STEP = 0.05
# ... and when the big steps change direction (down, up, down, ...) in at least 30 % of
# the epochs, the training loss is bouncing, not descending. A healthy run has an
# occasional small rise; an overfitting validation curve turns once (down, then up).
OSCILLATION_FRACTION = 0.3
# The validation loss, computed on a smaller set, is noisier: half of the epochs.
VAL_OSCILLATION_FRACTION = 0.5
# Training accuracy 10 points below its best epoch: with a sane learning rate the
# accuracy on the training set creeps up (dropout noise moves it by a point or two);
# losing 10 points means the steps destroy what was learned.
ACCURACY_DROP = 0.10

# Overfitting.
# Validation loss at the end at least 5 % above its minimum: beyond epoch-to-epoch noise.
OVERFIT_VAL_RISE = 0.05
# ... for at least 2 epochs after the best (a single bad epoch is noise) ...
OVERFIT_MIN_EPOCHS_AFTER_BEST = 2
# ... while the training loss kept falling, by at least 2 % after the best epoch:
# the network keeps fitting the training set and loses the validation set.
OVERFIT_TRAIN_FALL = 0.02

# Not converged. Trends are read over the last TREND_WINDOW epochs (fewer on num runs).
TREND_WINDOW = 5
# The loss fell in every one of those epochs, by 1 % of its value per epoch or more ...
STILL_FALLING = 0.01
# ... or by at least 30 % of the pace of the first epochs: a converging curve flattens
# (its late steps are a small fraction of its early ones), a slow one does not.
STEADY_FALL_RATIO = 0.3
# "Very slow": a learning rate at or below 1e-4 (Adam's default is 1e-3; the lecture's
# 1e-5 run barely moves in 10 epochs) ...
SLOW_LEARNING_RATE = 1e-4
# ... or a curve that falls without flattening but lost less than 25 % of its first
# epoch's loss over the whole run: the optimizer takes uniformly tiny steps.
SLOW_TOTAL_FALL = 0.25

# Underfitting: the final training accuracy covered less than a quarter of the way from
# the majority-class baseline to 100 % (0.625 on a balanced binary task, 0.325 on ten
# balanced classes): the network is doing little better than guessing the common class.
UNDERFIT_PROGRESS = 0.25

# Unscaled inputs. With Glorot weights a unit's pre-activation has about the scale of its
# inputs: features whose typical magnitude (root mean square) is above 10 saturate
# sigmoid / tanh and give the first layer large gradients (0-255 pixels: about 70-100).
UNSCALED_MAGNITUDE = 10.0
# Features whose magnitudes differ more than 100x (age in years beside income in
# euros) share one learning rate that can't suit both; checked when some feature is > 1.
FEATURE_SCALE_RATIO = 100.0

# Validation class mix: the total variation distance between the training and the
# validation class proportions (the fraction of samples that would have to change class
# to make them equal). A shuffled split of a few hundred samples moves it by a few
# points; 0.3 happens with an unshuffled split of sorted data (Keras's validation_split
# takes the LAST rows) or a filtered one.
VALIDATION_MIX_DISTANCE = 0.3

# Labels with more distinct values than this are taken as regression targets.
MAX_CLASSES = 100
# Unscaled-input statistics are computed on at most this many rows (evenly spaced).
SAMPLE_ROWS = 5_000

_TITLES = {
    "learning_rate_too_high": "learning rate too high",
    "overfitting": "overfitting",
    "not_converged": "not converged",
    "underfitting": "underfitting",
    "imbalanced_data": "imbalanced data",
    "unscaled_inputs": "unscaled inputs",
    "validation_mix": "validation set unlike the training set",
    "too_few_epochs": "too few epochs to judge",
    "no_problem_found": "no problem found",
}


# ----------------------------------------------------------------- result types


@dataclass
class Finding:
    """One thing the doctor found, with its evidence and what to try.

    Attributes:
        name: a num identifier, e.g. "overfitting" or "no_problem_found".
        summary: one plain sentence with the key numbers.
        evidence: the numbers behind it (epochs 1-based, losses, gaps, ratios).
        suggestions: what to try, most promising first.
        severity: "problem", "warning" or "ok".

    >>> f = Finding("overfitting", "Overfitting from epoch 7.", {"best_epoch": 6})
    >>> f.title, f.to_dict()["evidence"]
    ('overfitting', {'best_epoch': 6})
    """

    name: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    severity: str = "problem"

    @property
    def title(self) -> str:
        """The name in plain words."""
        return _TITLES.get(self.name, self.name.replace("_", " "))

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "name": self.name,
            "severity": self.severity,
            "summary": self.summary,
            "evidence": {k: jsonable(v) for k, v in self.evidence.items()},
            "suggestions": list(self.suggestions),
        }

    def __str__(self) -> str:
        mark = {"problem": "✗", "warning": "⚠", "ok": "✓"}.get(self.severity, "•")
        lines = [f"{mark} {self.title}: {self.summary}"]
        if self.evidence:
            shown = ", ".join(f"{k}={short_value(v)}" for k, v in self.evidence.items())
            lines.append(f"    evidence: {shown}")
        if self.suggestions:
            lines.append("    try:")
            lines += [f"      - {s}" for s in self.suggestions]
        return "\n".join(lines)


class Diagnosis:
    """The findings of `diagnose`, printable, notebook-friendly and convertible to a dict.

    Behaves as a list of `Finding`: iterate it, index it by position or by name, test
    a name with `in`.

    >>> import glassnet as gn
    >>> d = gn.diagnose({"loss": [1.0, 0.5, 0.3, 0.25, 0.24, 0.24]})
    >>> d.ok, "no_problem_found" in d
    (True, True)
    """

    def __init__(self, findings: Sequence[Finding], epochs: int) -> None:
        self.findings = list(findings)
        self.epochs = epochs

    @property
    def names(self) -> list[str]:
        """The finding names, in order."""
        return [f.name for f in self.findings]

    @property
    def ok(self) -> bool:
        """True when the only finding is "no_problem_found"."""
        return self.names == ["no_problem_found"]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __getitem__(self, key: int | str) -> Finding:
        if isinstance(key, str):
            for finding in self.findings:
                if finding.name == key:
                    return finding
            raise KeyError(f"No finding named {key!r}; found: {', '.join(self.names)}.")
        return self.findings[key]

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values, ready for JSON."""
        return {
            "ok": self.ok,
            "epochs": self.epochs,
            "findings": [f.to_dict() for f in self.findings],
        }

    def _epochs_text(self) -> str:
        return f"{self.epochs} epoch{'' if self.epochs == 1 else 's'}"

    def __str__(self) -> str:
        header = f"Training diagnosis ({self._epochs_text()})"
        return "\n".join([header, *(str(f) for f in self.findings)])

    def __repr__(self) -> str:
        return f"Diagnosis({', '.join(self.names)})"

    def __rich__(self) -> Any:
        """Coloured text for `rich` (printed as-is: brackets in the advice are not markup)."""
        from rich.text import Text

        colours = {"problem": "bold red", "warning": "bold yellow", "ok": "bold green"}
        text = Text(f"Training diagnosis ({self._epochs_text()})", style="bold")
        for f in self.findings:
            first, *rest = str(f).split("\n")
            mark_and_title, _, summary = first.partition(": ")
            text.append("\n")
            text.append(mark_and_title, style=colours.get(f.severity, "bold"))
            text.append(": " + summary)
            for line in rest:
                text.append("\n" + line, style="dim" if "evidence:" in line else "")
        return text

    def _repr_html_(self) -> str:
        esc = html.escape
        colours = {"problem": "#b91c1c", "warning": "#b45309", "ok": "#15803d"}
        parts = [
            f"<div class='glassnet-diagnosis'><b>Training diagnosis</b> ({self._epochs_text()})"
        ]
        for f in self.findings:
            colour = colours.get(f.severity, "#374151")
            evidence = "".join(
                f"<tr><td>{esc(k)}</td><td style='text-align:right'>{esc(short_value(v))}</td></tr>"
                for k, v in f.evidence.items()
            )
            tries = "".join(f"<li>{esc(s)}</li>" for s in f.suggestions)
            parts.append(
                f"<div style='border-left:4px solid {colour};padding-left:8px;margin:8px 0'>"
                f"<b style='color:{colour}'>{esc(f.title)}</b>: {esc(f.summary)}"
                + (f"<table>{evidence}</table>" if evidence else "")
                + (f"<div>What to try:</div><ul>{tries}</ul>" if tries else "")
                + "</div>"
            )
        return "".join(parts) + "</div>"
