"""The coverage.ratchet check: coverage must not fall below a baseline's.

The family's run (check.py) imports this only when the check
runs, so that `gate --help` stays quick.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from gate.checks.coverage.baseline import FileCounts, Snapshot, file_rows, read_baseline, snapshot
from gate.errors import InputError
from gate.model import CheckResult, Finding, Ratio, Status
from gate.readers.coverage.model import CoverageData
from gate.thresholds import percent_places, show

if TYPE_CHECKING:
    from gate.checks.coverage.settings import CoverageSettings


def run_ratchet(settings: CoverageSettings, data: CoverageData) -> CheckResult:
    """Compare the coverage with a baseline's."""
    if settings.baseline is None:
        return CheckResult("coverage.ratchet", "coverage", Status.SKIP,
                           "no --baseline PATH given: no comparison with an earlier coverage")
    before, notes = read_baseline(settings.baseline)
    before = _same_names(before, data, settings, settings.baseline)
    before = before.select(settings.include, settings.exclude)
    if before.lines.total == 0:
        raise InputError(f"baseline measures no lines: {settings.baseline}",
                         "was it made with the same --include/--exclude?")
    result = ratchet_result(before, snapshot(data), settings.max_drop or Fraction(0),
                            str(settings.baseline))
    return replace(result, warnings=tuple(notes) + result.warnings)


def _same_names(before: Snapshot, data: CoverageData, settings: CoverageSettings,
                baseline: Path) -> Snapshot:
    """The baseline with each file the report names differently (a baseline in another
    format, say) given the report's name for it."""
    from gate.checks.coverage.paths import aliases

    folders = [str(path.resolve().parent) for path in settings.files]
    groups = [(data.files, [*data.sources, *folders]),
              (before.files, [str(baseline.resolve().parent)])]
    names = aliases(groups, settings.path_maps, os.getcwd())[1]
    if not names:
        return before
    files: dict[str, FileCounts] = {}
    for name, counts in before.files.items():
        files.setdefault(names.get(name, name), counts)
    return Snapshot(files, before.has_branches)


def ratchet_result(before: Snapshot, after: Snapshot, max_drop: Fraction,
                   label: str = "baseline") -> CheckResult:
    """Fail when total line or branch coverage fell more than `max_drop`, or a file lost
    covered lines; the summary shows both counts."""
    places = percent_places(max_drop)
    allowed = f"max drop {_points(max_drop, places, up=False)} points"
    parts, problems, findings, warnings = [], [], [], []
    compared = [("line", before.lines, after.lines)]
    if before.has_branches and after.has_branches:
        compared.append(("branch", before.branches, after.branches))
    elif before.has_branches:
        warnings.append("coverage.ratchet: branch coverage not compared: the report has no"
                        " branch data, the baseline has (run coverage with --branch)")
    for what, old, new in compared:
        if not old.total:
            continue
        drop = old.value - new.value
        counts = f"{_pct(old)} -> {_pct(new)}"
        parts.append(f"{what} {counts}")
        if drop > max_drop:
            fell = f"{what} coverage fell {_points(drop, places, up=True)} points"
            problems.append(fell)
            findings.append(Finding(f"{fell}: {counts} ({allowed})"))
    lost = []
    for name, old_file in before.files.items():
        new_file = after.files.get(name)
        if new_file is not None and new_file.lines.covered < old_file.lines.covered:
            lost.append((old_file.lines.covered - new_file.lines.covered, name,
                         old_file.lines, new_file.lines))
    lost.sort(key=lambda row: (-row[0], row[1]))
    for count, name, old, new in lost:
        findings.append(Finding(f"{name}: lost {count} covered line(s):"
                                f" {old.covered}/{old.total} -> {new.covered}/{new.total}",
                                file=name))
    if lost:
        problems.append(f"{len(lost)} file(s) lost covered lines")
    gone = sorted(set(before.files) - set(after.files))
    if before.files and after.files and len(gone) == len(before.files):
        warnings.append(f"coverage.ratchet: the baseline ({label}) and the report share no file"
                        " name; were they made with the same coverage settings?")
    summary = "; ".join(parts)
    summary += f": {', '.join(problems)} ({allowed})" if problems else f" ({allowed})"
    data = {
        "baseline": {"path": label, "lines": _counts(before.lines),
                     "branches": _counts(before.branches), "has_branches": before.has_branches},
        "max_drop": float(max_drop), "files_lost_coverage": len(lost),
        "files_not_in_report": len(gone),
        "files": file_rows(after), "has_branches": after.has_branches,
    }
    return CheckResult("coverage.ratchet", "coverage", Status.FAIL if problems else Status.PASS,
                       summary, measured=after.lines, findings=tuple(findings), data=data,
                       warnings=tuple(warnings))


def _pct(ratio: Ratio) -> str:
    return f"{show(ratio.value, None)} ({ratio.covered}/{ratio.total})"


def _counts(ratio: Ratio) -> dict[str, int]:
    return {"covered": ratio.covered, "total": ratio.total}


def _points(drop: Fraction, places: int, up: bool) -> str:
    """A drop in percentage points, rounded up (a failing drop) or down (an allowed one), so
    the figure shown never contradicts the verdict."""
    scaled = drop * 100 * 10**places
    units = math.ceil(scaled) if up else math.floor(scaled)
    whole, frac = divmod(units, 10**places)
    return f"{whole}.{frac:0{places}d}"
