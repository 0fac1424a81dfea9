"""The doctor's result types: `Advice` (a suggestion, as Python code and as `glassnet train`
flags), `Finding` (one thing found) and `Diagnosis` (all of them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from glassnet._internal import html
from glassnet._internal.jsonable import jsonable
from glassnet._internal.numbers import short_value

_TITLES = {
    "output_loss_mismatch": "output layer unsuited to the loss",
    "unscaled_inputs": "unscaled inputs",
    "learning_rate_too_high": "learning rate too high",
    "learning_rate_too_low": "learning rate too low",
    "validation_mix": "validation set unlike the training set",
    "imbalanced_data": "imbalanced data",
    "overfitting": "overfitting",
    "underfitting": "underfitting",
    "not_converged": "still improving",
    "too_few_epochs": "too few epochs to judge",
    "no_problem_found": "no problem found",
}
# The order of the findings in a diagnosis: root causes before the curve shapes they cause.
ORDER = list(_TITLES)
SEVERITIES = ("problem", "warning", "tip", "ok")
_MARKS = {"problem": "✗", "warning": "⚠", "tip": "→", "ok": "✓"}
AUDIENCES = ("python", "cli")


def check_audience(audience: str) -> str:
    """`audience` if it is one of AUDIENCES, else a ValueError naming them."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be 'python' or 'cli', got {audience!r}.")
    return audience


class Advice(str):
    """A suggestion: its text is the Python form; `.cli` says it with `glassnet train` flags.

    >>> a = Advice("Train longer: epochs=20.", cli="Train longer: --epochs 20.")
    >>> a, a.cli, a.text("cli")
    ('Train longer: epochs=20.', 'Train longer: --epochs 20.', 'Train longer: --epochs 20.')
    """

    cli: str

    def __new__(cls, python: str, cli: str | None = None) -> Advice:
        advice = super().__new__(cls, python)
        advice.cli = python if cli is None else cli
        return advice

    def text(self, audience: str = "python") -> str:
        """The suggestion for `audience`: "python" (code) or "cli" (flags, else words)."""
        return self.cli if check_audience(audience) == "cli" else str(self)


def advice_text(suggestion: str, audience: str) -> str:
    """A suggestion (an `Advice` or a plain string, the same for everyone) for `audience`."""
    return suggestion.text(audience) if isinstance(suggestion, Advice) else str(suggestion)


# ----------------------------------------------------------------- result types


@dataclass
class Finding:
    """One thing the doctor found, with its evidence and what to try.

    Attributes:
        name: a short identifier, e.g. "overfitting" or "no_problem_found".
        summary: one plain sentence with the key numbers.
        evidence: the numbers behind it (epochs 1-based, losses, gaps, ratios).
        suggestions: what to try, most promising first (`Advice`, or plain strings).
        severity: "problem" (the run is clearly worse than it could be), "warning",
            "tip" (it could be better still) or "ok".
        cause: the name of the finding this one follows from, or None for a root cause.

    >>> f = Finding("overfitting", "Overfitting from epoch 7.", {"best_epoch": 6})
    >>> f.title, f.to_dict()["evidence"]
    ('overfitting', {'best_epoch': 6})
    """

    name: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    severity: str = "problem"
    cause: str | None = None

    @property
    def title(self) -> str:
        """The name in plain words."""
        return _TITLES.get(self.name, self.name.replace("_", " "))

    @property
    def heading(self) -> str:
        """The title, with what it follows from: "underfitting (follows from ...)"."""
        if self.cause is None:
            return self.title
        return f"{self.title} (follows from {_TITLES.get(self.cause, self.cause)})"

    def tries(self, audience: str = "python") -> list[str]:
        """The suggestions for `audience`: "python" (code) or "cli" (`glassnet train` flags)."""
        check_audience(audience)
        return [advice_text(s, audience) for s in self.suggestions]

    def to_dict(self, audience: str = "python") -> dict[str, Any]:
        """Plain Python values, ready for JSON; the suggestions for `audience`."""
        return {
            "name": self.name,
            "severity": self.severity,
            "cause": self.cause,
            "summary": self.summary,
            "evidence": {k: jsonable(v) for k, v in self.evidence.items()},
            "suggestions": self.tries(audience),
        }

    def text(self, audience: str = "python") -> str:
        """The finding as text, its advice as Python code or as `glassnet train` flags."""
        lines = [f"{_MARKS.get(self.severity, '•')} {self.heading}: {self.summary}"]
        if self.evidence:
            shown = ", ".join(f"{k}={short_value(v)}" for k, v in self.evidence.items())
            lines.append(f"    evidence: {shown}")
        tries = self.tries(audience)
        if tries:
            lines.append("    try:")
            lines += [f"      - {s}" for s in tries]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("python")

    def __repr__(self) -> str:
        return f"Finding({self.text('python')})"

    def html_parts(self, audience: str = "python") -> str:
        """The finding as HTML: its heading and summary, the evidence and what to try."""
        evidence = [[k, short_value(v)] for k, v in self.evidence.items()]
        tries = "".join(f"<li>{html.escape(s)}</li>" for s in self.tries(audience))
        colour = html.TONES.get(self.severity, "#374151")
        mark = _MARKS.get(self.severity, "•")
        return (
            f'<div style="border-left:4px solid {colour};padding-left:8px;margin:6px 0">'
            f'<b style="color:{colour}">{mark} {html.escape(self.heading)}</b>: '
            f"{html.escape(self.summary)}"
            + (html.table(None, evidence, right=[1]) if evidence else "")
            + (f"<div>What to try:</div><ul style='margin:2px 0'>{tries}</ul>" if tries else "")
            + "</div>"
        )

    def _repr_html_(self) -> str:
        return html.card("Finding", self.html_parts(), kind="finding")


class Diagnosis:
    """The findings of `diagnose`, printable, notebook-friendly and convertible to a dict.

    Behaves as a list of `Finding`: iterate it, index it by position or by name, test
    a name with `in`. `str(diagnosis)` gives the advice as Python code;
    `diagnosis.text(audience="cli")` as `glassnet train` flags.

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
        """True when nothing was found worse than a tip ("no_problem_found" comes first)."""
        return all(f.severity in ("ok", "tip") for f in self.findings)

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

    def to_dict(self, audience: str = "python") -> dict[str, Any]:
        """Plain Python values, ready for JSON; the suggestions for `audience`."""
        return {
            "ok": self.ok,
            "epochs": self.epochs,
            "findings": [f.to_dict(audience) for f in self.findings],
        }

    def _epochs_text(self) -> str:
        return f"{self.epochs} epoch{'' if self.epochs == 1 else 's'}"

    def text(self, audience: str = "python") -> str:
        """The diagnosis as text, the advice as Python code ("python", as `str()` gives it)
        or as flags of `glassnet train` ("cli"; in words where no flag exists)."""
        check_audience(audience)
        header = f"Training diagnosis ({self._epochs_text()})"
        return "\n".join([header, *(f.text(audience) for f in self.findings)])

    def __str__(self) -> str:
        return self.text("python")

    def __repr__(self) -> str:
        return f"Diagnosis({', '.join(self.names)})"

    def rich(self, audience: str = "python") -> Any:
        """Coloured text for `rich` (printed as-is: brackets in the advice are not markup)."""
        from rich.text import Text

        colours = {"problem": "bold red", "warning": "bold yellow", "tip": "bold cyan"}
        colours["ok"] = "bold green"
        text = Text(f"Training diagnosis ({self._epochs_text()})", style="bold")
        for f in self.findings:
            first, *rest = f.text(audience).split("\n")
            mark_and_title, _, summary = first.partition(": ")
            text.append("\n")
            text.append(mark_and_title, style=colours.get(f.severity, "bold"))
            text.append(": " + summary)
            for line in rest:
                text.append("\n" + line, style="dim" if "evidence:" in line else "")
        return text

    def __rich__(self) -> Any:
        return self.rich("python")

    def _repr_html_(self) -> str:
        parts = [f.html_parts("python") for f in self.findings]
        return html.card(
            "Training diagnosis", *parts, subtitle=f"({self._epochs_text()})", kind="diagnosis"
        )
