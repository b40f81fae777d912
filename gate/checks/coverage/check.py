"""The coverage family's run: read the reports, then check totals, every file, the change
and the ratchet (the last two imported only when asked for)."""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction
from typing import Any, Sequence

from gate.checks.coverage.settings import CoverageSettings
from gate.errors import InputError
from gate.model import CheckResult, Finding, LazyRows, Ratio, Status
from gate.readers.coverage import read
from gate.readers.coverage.model import CoverageData, FileCoverage, combine, rename
from gate.thresholds import show, show_threshold

WORST_SHOWN = 10


def evaluate(settings: CoverageSettings) -> list[CheckResult]:
    """Read the reports and check each threshold that is set."""
    reports, warnings = [], []
    for path in settings.files:
        data, notes = read(path)
        reports.append(data)
        warnings.extend(notes)
    names = ", ".join(str(p) for p in settings.files)
    everything = combine(_same_names(reports, settings))
    if everything.lines.total == 0:
        raise InputError(
            f"coverage report measures no lines: {names}",
            "check coverage's --source / [tool.coverage.run] source so it measures your package",
        )
    data = everything.select(settings.include, settings.exclude)
    if not data.files:
        raise InputError(
            f"no file in {names} matches --include/--exclude",
            f"the report names files like {next(iter(everything.files))!r}",
        )
    if data.lines.total == 0:
        raise InputError(f"the files of {names} that --include/--exclude keep measure no lines",
                         "widen --include or narrow --exclude")
    # Made when the JSON report is written, not held beside the line model meanwhile.
    files_data = LazyRows(data.files.values(), _file_row)
    results = []
    if settings.min_lines is not None:
        results.append(_total("coverage.line", "line coverage", data.lines, settings.min_lines,
                              data, {"files": files_data, "has_branches": data.has_branches}))
    if settings.min_branches is not None:
        if not data.has_branches:
            raise InputError(
                f"no branch data in {names}: run coverage with --branch",
                "or set branch = true under [tool.coverage.run]",
            )
        if data.branches.total == 0:
            raise InputError(f"no branch data in the files of {names} that --include/--exclude"
                             " keep", "widen --include or narrow --exclude")
        results.append(_total("coverage.branch", "branch coverage", data.branches,
                              settings.min_branches, data, {}))
    if settings.min_file is not None:
        results.append(_per_file(data, settings.min_file))
    mapped = None
    if settings.diff_against is not None:  # the change, read once for both checks below
        from gate.checks.coverage.diff import map_change

        mapped = map_change(settings, data)
    if settings.wants_diff:
        from gate.checks.coverage.diff import run_diff

        results.append(run_diff(settings, data, mapped))
    if settings.wants_ratchet:
        from gate.checks.coverage.ratchet import run_ratchet

        results.append(run_ratchet(settings, data, mapped))
    if warnings:  # they concern the reports, so they travel with the first check
        results[0] = replace(results[0], warnings=tuple(warnings) + results[0].warnings)
    return results


def _same_names(reports: list[CoverageData], settings: CoverageSettings) -> list[CoverageData]:
    """The reports, a file that two of them name differently given one name (the first)."""
    if len(reports) < 2:
        return reports
    from gate.checks.coverage.paths import aliases

    groups = [(data.files, [*data.sources, str(path.resolve().parent)])
              for data, path in zip(reports, settings.files)]
    renames = aliases(groups, settings.path_maps, os.getcwd())
    return [rename(data, names) for data, names in zip(reports, renames)]


def _file_row(file: FileCoverage) -> dict[str, Any]:
    lines, branches = file.lines, file.branch_ratio
    return {
        "name": file.name,
        "lines": {"covered": lines.covered, "total": lines.total},
        "branches": {"covered": branches.covered, "total": branches.total},
    }


def _total(check_id: str, what: str, ratio: Ratio, threshold: Fraction, data: Any,
           extra: dict[str, Any]) -> CheckResult:
    passed = ratio.value >= threshold
    sign = ">=" if passed else "<"
    summary = (f"{what} {show(ratio.value, threshold)} ({ratio.covered}/{ratio.total})"
               f" {sign} {show_threshold(threshold)}")
    findings: tuple[Finding, ...] = ()
    if not passed:
        findings = tuple(_worst(data, branch=check_id == "coverage.branch"))
    return CheckResult(check_id, "coverage", Status.PASS if passed else Status.FAIL, summary,
                       measured=ratio, threshold=threshold, findings=findings, data=extra)


def _worst(data: Any, branch: bool) -> list[Finding]:
    """The files that lose the most covered lines (or branches), worst first."""
    rows = []
    for file in data.files.values():
        ratio = file.branch_ratio if branch else file.lines
        if ratio.covered < ratio.total:
            rows.append((ratio.total - ratio.covered, file.name, ratio))
    rows.sort(key=lambda row: (-row[0], row[1]))
    unit = "branches" if branch else "lines"
    return [
        Finding(f"{name}: {show(r.value, None)} ({r.covered}/{r.total}), {missed} {unit} missed",
                file=name)
        for missed, name, r in rows[:WORST_SHOWN]
    ]


def _per_file(data: Any, threshold: Fraction) -> CheckResult:
    measured = [f for f in data.files.values() if f.lines.total]
    below = sorted((f for f in measured if f.lines.value < threshold),
                   key=lambda f: (f.lines.value, f.name))
    limit = show_threshold(threshold)
    findings = tuple(
        Finding(f"{f.name}: {show(f.lines.value, threshold)} ({f.lines.covered}/{f.lines.total})"
                f" < {limit}", file=f.name, line=_first_missing(f))
        for f in below
    )
    if below:
        summary = f"{len(below)} of {len(measured)} files below {limit} line coverage"
    else:
        summary = f"all {len(measured)} files reach {limit} line coverage"
    return CheckResult("coverage.file", "coverage", Status.FAIL if below else Status.PASS,
                       summary, measured=Ratio(len(measured) - len(below), len(measured)),
                       threshold=threshold, findings=findings)


def _first_missing(file: Any) -> int | None:
    missing: Sequence[int] = file.missing_lines()
    return missing[0] if missing else None
