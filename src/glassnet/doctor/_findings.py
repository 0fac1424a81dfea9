"""The doctor's result types: `Finding` (one thing found) and `Diagnosis` (all of them)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import short_value

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
        name: a short identifier, e.g. "overfitting" or "no_problem_found".
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
