"""Small facts every renderer shows the same way."""

from __future__ import annotations

from gate.model import CheckResult, Status
from gate.thresholds import show, show_threshold

LABEL = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.ERROR: "ERROR", Status.SKIP: "SKIP"}
ICON = {Status.PASS: "✅", Status.FAIL: "❌", Status.ERROR: "⛔", Status.SKIP: "⏭️"}


def value_text(check: CheckResult) -> str:
    """`79.99% (7999/10000)`, or an empty string for a check with no number."""
    if check.measured is None:
        return ""
    ratio = check.measured
    return f"{show(ratio.value, check.threshold)} ({ratio.covered}/{ratio.total})"


def threshold_text(check: CheckResult) -> str:
    """`80.00%`, or an empty string for a check with no threshold."""
    return show_threshold(check.threshold) if check.threshold is not None else ""
