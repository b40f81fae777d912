"""The coverage.diff check: coverage of the lines a change added or changed.

The family's run (check.py) imports this only when the check
runs, so that `gate --help` stays quick.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from gate.checks.coverage.paths import PathMapper
from gate.errors import InputError
from gate.gitdiff import Change, changed_lines, format_ranges, line_ranges, tracked_files
from gate.model import CheckResult, Finding, Ratio, Status
from gate.readers.coverage.model import CoverageData, FileCoverage
from gate.thresholds import show, show_threshold

if TYPE_CHECKING:
    from gate.checks.coverage.settings import CoverageSettings

NOT_IN_REPORT_SHOWN = 200


@dataclass(frozen=True)
class MappedChange:
    """A change and the coverage of its files: report files by repository path, merged
    when several report names map to one path, and those names."""

    change: Change
    files: Mapping[str, FileCoverage]
    names: Mapping[str, tuple[str, ...]]
    elsewhere: tuple[str, ...] = ()  # report names that are no file of the repository


def map_change(settings: CoverageSettings, data: CoverageData) -> MappedChange:
    """The lines changed since the merge base of `--diff-against` REF, with their coverage."""
    if settings.diff_against is None:
        raise ValueError("map_change needs --diff-against")
    change = changed_lines(settings.diff_against, Path.cwd())
    known = tracked_files(change.root) | set(change.files)
    # Names relative to where coverage ran (relative_files = true) are usually relative to
    # the folder the report was written to: try those folders after the declared sources.
    folders = [str(path.resolve().parent) for path in settings.files]
    bases = list(dict.fromkeys([*data.sources, *folders]))
    mapper = PathMapper(str(change.root), os.getcwd(), bases, settings.path_maps, known)
    files: dict[str, FileCoverage] = {}
    names: dict[str, tuple[str, ...]] = {}
    elsewhere: list[str] = []  # report names that are no file of the repository
    for name, file in data.files.items():
        path = mapper.repo_path(name)
        if path is None:
            elsewhere.append(name)
        elif path in change.files:
            files[path] = files[path].merge(file) if path in files else file
            names[path] = (*names.get(path, ()), name)
    if data.files and len(elsewhere) == len(data.files):
        raise _nothing_here(elsewhere, settings.files)
    return MappedChange(change, files, names, tuple(elsewhere))


def _nothing_here(names: Sequence[str], reports: Sequence[Path]) -> InputError:
    """Not one report name is a repository file: every change would pass unmeasured."""
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    report = "the coverage report" if len(reports) < 2 else "the coverage reports"
    return InputError(
        f"diff coverage: no file {report} names is in this repository ({shown}: "
        f"{len(names)} files, none found here after path mapping)",
        "map the report's names to repository paths with --path-map FROM=TO "
        "(e.g. --path-map /app/= or --path-map lib/=src/pkg/), or run coverage with "
        "relative_files = true; see docs/diff-coverage.md")


def run_diff(settings: CoverageSettings, data: CoverageData,
             mapped: MappedChange | None) -> CheckResult:
    """Coverage of the lines changed since the merge base of `--diff-against` REF."""
    if mapped is None:
        return CheckResult("coverage.diff", "coverage", Status.SKIP,
                           "no --diff-against REF given: diff coverage not evaluated",
                           threshold=settings.min_diff)
    return diff_result(mapped.change, mapped.files, settings.min_diff, settings.diff_min_lines,
                       mapped.elsewhere)


def diff_result(change: Change, files: Mapping[str, FileCoverage], threshold: Fraction | None,
                min_lines: int, report_names: Sequence[str] = ()) -> CheckResult:
    """Judge the changed lines of `change` against the coverage of `files` (by repo path).

    `report_names` are the report's names that are no file of the repository:
    when no changed file is in the report, a warning shows them, in case they
    are the changed files under other names.
    """
    since = f"since {change.ref} (merge base {change.base[:12]})"
    rows, findings = [], []
    covered = measured = 0
    for path in sorted(change.files):
        lines, file = change.files[path], files.get(path)
        if file is None or not lines:
            continue
        hit = [n for n in lines if file.is_measured(n)]
        missing = [n for n in hit if not file.is_covered(n)]
        measured, covered = measured + len(hit), covered + len(hit) - len(missing)
        rows.append({"path": path, "report_name": file.name, "changed": len(lines),
                     "measured": len(hit), "covered": len(hit) - len(missing),
                     "missing": format_ranges(missing)})
        if missing:
            start, end = line_ranges(missing)[0]
            findings.append(Finding(f"{path}: {format_ranges(missing)}", file=path, line=start,
                                    end_line=end if end != start else None))
    absent = sorted(p for p, lines in change.files.items() if lines and p not in files)
    data: dict[str, Any] = {
        "against": change.ref, "merge_base": change.base, "changed_files": len(change.files),
        "changed_lines": change.line_count, "min_lines": min_lines, "files": rows,
        "not_in_report": absent[:NOT_IN_REPORT_SHOWN], "not_in_report_count": len(absent),
    }
    warnings = list(change.warnings)
    ratio = Ratio(covered, measured)

    def result(status: Status, summary: str) -> CheckResult:
        return CheckResult("coverage.diff", "coverage", status, summary,
                           measured=ratio if measured else None, threshold=threshold,
                           findings=tuple(findings), data=data, warnings=tuple(warnings))

    if not change.line_count:
        return result(Status.PASS, f"no line added or changed {since}")
    if not rows:
        if _looks_like_code(absent, report_names):
            warnings.append(_unmatched_warning(absent, report_names))
        return result(Status.PASS, f"no changed line is in the coverage report: none of the"
                                   f" {len(absent)} changed files {since} is a file it names")
    if not measured:
        return result(Status.PASS, f"no measured line changed {since}"
                                   f" ({change.line_count} changed lines, none measured)")
    value = f"diff coverage {show(ratio.value, threshold)} ({covered}/{measured})"
    if measured < min_lines:
        return result(Status.PASS, f"{value} {since}: {measured} measured changed line(s),"
                                   f" fewer than --diff-min-lines {min_lines}, so not gated")
    if threshold is None:
        return result(Status.PASS, f"{value} of the measured lines changed {since}")
    passed = ratio.value >= threshold
    sign = ">=" if passed else "<"
    return result(Status.PASS if passed else Status.FAIL,
                  f"{value} {sign} {show_threshold(threshold)} on lines changed {since}")


def _looks_like_code(paths: Sequence[str], report_names: Sequence[str]) -> bool:
    """Whether some changed file has a suffix (.py, .js) that report files have."""
    suffixes = {os.path.splitext(n)[1] for n in report_names} - {""}
    return any(os.path.splitext(p)[1] in suffixes for p in paths)


def _unmatched_warning(paths: Sequence[str], report_names: Sequence[str]) -> str:
    changed = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
    named = ", ".join(list(report_names)[:3])
    return (f"coverage.diff: no changed file was found in the coverage report (changed: {changed};"
            f" the report names: {named}). If these are the same files, the names differ: map"
            " them with --path-map FROM=TO, or run coverage with relative_files = true"
            " (see docs/diff-coverage.md)")
