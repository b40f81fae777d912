"""The coverage comparison with a baseline, as the renderers show it: totals before and
after, the change in points, and the files a change touched.

Read from the `coverage.ratchet` result's data (pure: nothing is decided here).
Every percentage is rounded down like every other figure of the gate; a change in
points is computed from the exact values and rounded down too, so a drop is never
shown smaller than it is, nor a gain larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

from gate.model import Ratio, Report
from gate.thresholds import show


@dataclass(frozen=True)
class FileDelta:
    """One touched file: line coverage before (None: new to the report) and after."""

    path: str
    before: Ratio | None
    after: Ratio
    uncovered: str


@dataclass(frozen=True)
class Comparison:
    """Totals before and after (branches when both sides have them), against what."""

    against: str
    lines: tuple[Ratio, Ratio]
    branches: tuple[Ratio, Ratio] | None
    files: tuple[FileDelta, ...] | None


def comparison(report: Report) -> Comparison | None:
    """The comparison the report's ratchet made, or None when it made none."""
    check = next((c for c in report.checks if c.id == "coverage.ratchet"), None)
    if check is None or "baseline" not in check.data or "current" not in check.data:
        return None
    data = check.data
    old, new = data["baseline"], data["current"]
    lines = (_ratio(old["lines"]), _ratio(new["lines"]))
    branches = None
    if old.get("has_branches") and new.get("has_branches") and old["branches"]["total"]:
        branches = (_ratio(old["branches"]), _ratio(new["branches"]))
    files = None
    if "changed_files" in data:
        files = tuple(
            FileDelta(row["path"], _ratio(row["before"]["lines"]) if row["before"] else None,
                      _ratio(row["after"]["lines"]), row["uncovered"])
            for row in data["changed_files"])
    return Comparison(_against(data), lines, branches, files)


def _against(data: Mapping[str, Any]) -> str:
    base = data.get("base")
    if not base:
        return f"`{data['baseline']['path']}`"
    commit = f"`{base['commit'][:12]}`"
    if base["distance"] == 0:
        where = f"the report of {commit}, {base['origin']}"
    else:
        where = (f"the report of {commit}, {base['distance']} commit(s) before"
                 f" {base['origin']} `{base['start'][:12]}` (the newest with a report)")
    return f"{where}, on `{base['branch']}`"


def _ratio(counts: Mapping[str, int]) -> Ratio:
    return Ratio(counts["covered"], counts["total"])


def percent(ratio: Ratio) -> str:
    """`84.21% (320/380)`, rounded down."""
    return f"{show(ratio.value, None)} ({ratio.covered}/{ratio.total})"


def points(before: Ratio, after: Ratio) -> str:
    """The change in percentage points, signed, rounded down: `-0.80`, `+1.25`, `0.00`."""
    change: Fraction = (after.value - before.value) * 100
    units = math.floor(change * 100)
    if units == 0:
        return "0.00"
    sign = "+" if units > 0 else "-"
    whole, frac = divmod(abs(units), 100)
    return f"{sign}{whole}.{frac:02d}"
