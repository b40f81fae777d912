"""The coverage.ratchet check: coverage compared with a baseline's, and gated on the drop.

The baseline is a file (`--baseline`: a previous coverage.xml or JSON report) or the
stored report of the change's base commit (`--baseline-branch`: the data branch the
default branch's runs publish to). With a known change (`--diff-against`) the result
also carries a table of the files it touched: their coverage before and after, and
their uncovered changed lines.

The family's run (check.py) imports this only when the check
runs, so that `gate --help` stays quick.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.checks.coverage.baseline import (
    FileCounts, Snapshot, file_rows, parse_json_report, read_baseline, snapshot,
)
from gate.errors import InputError
from gate.gitdiff import format_ranges
from gate.model import CheckResult, Finding, Ratio, Status
from gate.readers.coverage.model import CoverageData
from gate.thresholds import percent_places, show

if TYPE_CHECKING:
    from gate.checks.coverage.diff import MappedChange
    from gate.checks.coverage.settings import CoverageSettings
    from gate.databranch.find import BaseReport


def run_ratchet(settings: CoverageSettings, data: CoverageData,
                mapped: MappedChange | None = None) -> CheckResult:
    """Compare the coverage with a baseline's: a file, or the base commit's stored report."""
    base: BaseReport | None = None
    if settings.baseline is not None:
        before, notes = read_baseline(settings.baseline)
        before = _same_names(before, data, settings, settings.baseline)
        label = str(settings.baseline)
    elif settings.baseline_branch is not None:
        from gate.databranch.find import NoBase, find

        start = mapped.change.base if mapped is not None else None
        found = find(settings.baseline_branch, Path.cwd(), start)
        if isinstance(found, NoBase):
            return CheckResult("coverage.ratchet", "coverage", Status.SKIP,
                               f"{found.reason}: nothing to compare with",
                               data={"baseline_branch": settings.baseline_branch,
                                     "start": start})
        base, label, notes = found, found.label, []
        before = parse_json_report(_text(found.text, label), label)
    else:
        return CheckResult("coverage.ratchet", "coverage", Status.SKIP,
                           "no --baseline PATH or --baseline-branch REF given: no comparison"
                           " with an earlier coverage")
    before = before.select(settings.include, settings.exclude)
    if before.lines.total == 0:
        raise InputError(f"baseline measures no lines: {label}",
                         "was it made with the same --include/--exclude?")
    gated = base is None or settings.max_drop is not None
    result = ratchet_result(before, snapshot(data), settings.max_drop or Fraction(0), label,
                            gated=gated, base=base, mapped=mapped)
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


def _text(content: bytes, label: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"baseline is not UTF-8 text: {label}") from None


def ratchet_result(before: Snapshot, after: Snapshot, max_drop: Fraction,
                   label: str = "baseline", gated: bool = True, base: BaseReport | None = None,
                   mapped: MappedChange | None = None) -> CheckResult:
    """Fail when total line or branch coverage fell more than `max_drop`, or a file lost
    covered lines; the summary shows both counts. Not `gated`: the same comparison,
    reported and never failed."""
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
            findings.append(Finding(f"{fell}: {counts}" + (f" ({allowed})" if gated else "")))
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
    if base is not None:
        summary += f" against {describe_base(base)}"
    if not gated:
        summary += " (not gated: no max-drop set)"
    elif problems:
        summary += f": {', '.join(problems)} ({allowed})"
    else:
        summary += f" ({allowed})"
    data: dict[str, Any] = {
        "baseline": {"path": label, "lines": _counts(before.lines),
                     "branches": _counts(before.branches), "has_branches": before.has_branches},
        "current": {"lines": _counts(after.lines), "branches": _counts(after.branches),
                    "has_branches": after.has_branches},
        "gated": gated, "max_drop": float(max_drop) if gated else None,
        "files_lost_coverage": len(lost), "files_not_in_report": len(gone),
        "files": file_rows(after), "has_branches": after.has_branches,
    }
    if base is not None:
        data["base"] = {"branch": base.branch, "commit": base.commit, "start": base.start,
                        "origin": base.origin, "distance": base.distance}
    if mapped is not None:
        data["changed_files"] = changed_files(mapped, before)
    failed = gated and bool(problems)
    return CheckResult("coverage.ratchet", "coverage", Status.FAIL if failed else Status.PASS,
                       summary, measured=after.lines, findings=tuple(findings), data=data,
                       warnings=tuple(warnings))


def describe_base(base: BaseReport) -> str:
    """`the report of 1a2b3c4d5e6f (the merge base)`, or how far before it."""
    if base.distance == 0:
        return f"the report of {base.commit[:12]} ({base.origin})"
    return (f"the report of {base.commit[:12]} ({base.distance} commit(s) before {base.origin}"
            f" {base.start[:12]}: the newest with a report)")


def changed_files(mapped: MappedChange, before: Snapshot) -> list[dict[str, Any]]:
    """Every file the change touched that the report measures: its line and branch counts
    before (None for a file the baseline lacks) and after, and its uncovered changed lines.
    Files whose coverage fell most come first, then the others by path."""
    rows = []
    for path in sorted(mapped.files):
        after = mapped.files[path]
        olds = [before.files[name] for name in mapped.names[path] if name in before.files]
        old = (FileCounts(sum((o.lines for o in olds), Ratio(0, 0)),
                          sum((o.branches for o in olds), Ratio(0, 0))) if olds else None)
        lines = mapped.change.files.get(path, ())
        missing = [n for n in lines if after.is_measured(n) and not after.is_covered(n)]
        drop = (old.lines.value - after.lines.value) if old is not None else Fraction(0)
        rows.append((-drop if drop > 0 else Fraction(0), path, {
            "path": path, "report_name": after.name,
            "before": None if old is None else {"lines": _counts(old.lines),
                                                "branches": _counts(old.branches)},
            "after": {"lines": _counts(after.lines), "branches": _counts(after.branch_ratio)},
            "uncovered": format_ranges(missing), "uncovered_count": len(missing),
        }))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [row for _, _, row in rows]


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
