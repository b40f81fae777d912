"""Coverage checks: total line and branch coverage, a floor for every file, the
coverage of the lines a change touched, and a ratchet against a baseline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from gate.errors import InputError
from gate.family import Family, Option, Origin, as_int, as_path, as_paths, as_str, as_strs
from gate.model import CheckResult, Finding, Ratio, Status
from gate.thresholds import parse_threshold, show, show_threshold

if TYPE_CHECKING:
    from gate.coverage.paths import PathMap

DEFAULT_REPORT = "coverage.xml"
WORST_SHOWN = 10


def _threshold(raw: Any, origin: Origin) -> Fraction:
    return parse_threshold(raw, origin.label)


def _ref(raw: Any, origin: Origin) -> str:
    from gate.coverage.diff import check_ref

    return check_ref(as_str(raw, origin), origin.label)


def _path_maps(raw: Any, origin: Origin) -> tuple[PathMap, ...]:
    from gate.coverage.paths import parse_path_map

    return tuple(parse_path_map(text, origin.label) for text in as_strs(raw, origin))


OPTIONS = (
    Option("files", "Cobertura XML report; repeat to combine shards (default: coverage.xml)",
           as_paths, ("--coverage-file",), multiple=True, metavar="PATH"),
    Option("min", "minimum total line coverage: 0.8 or 80%", _threshold,
           ("--min-coverage",), metavar="X"),
    Option("min-branch", "minimum total branch coverage (needs a report made with --branch)",
           _threshold, ("--min-branch-coverage",), metavar="X"),
    Option("min-file", "minimum line coverage of every file", _threshold,
           ("--min-file-coverage",), metavar="X"),
    Option("include", "only files whose report name matches GLOB (repeatable)", as_strs,
           ("--include",), multiple=True, metavar="GLOB"),
    Option("exclude", "leave out files whose report name matches GLOB (repeatable)", as_strs,
           ("--exclude",), multiple=True, metavar="GLOB"),
    Option("diff-against", "check the lines changed since the merge base of REF and HEAD"
           " (e.g. origin/main; needs git)", _ref, ("--diff-against",), metavar="REF"),
    Option("min-diff", "minimum coverage of the changed lines the report measures",
           _threshold, ("--min-diff-coverage",), metavar="X"),
    Option("diff-min-lines", "a change touching fewer measured lines than N passes the diff"
           " check with a note (default 0)", as_int, ("--diff-min-lines",), metavar="N"),
    Option("path-map", "read report file names starting with FROM as starting with TO, a path"
           " in the repository (repeatable)", _path_maps, ("--path-map",), multiple=True,
           metavar="FROM=TO"),
    Option("baseline", "a previous coverage.xml or gate JSON report: fail when coverage fell",
           as_path, ("--baseline",), metavar="PATH"),
    Option("max-drop", "how far total line or branch coverage may fall below the baseline,"
           " in points: 0.005 or 0.5% (default 0)", _threshold, ("--max-drop",), metavar="X"),
)
#: Settings that ask for the coverage family to run.
ACTIVATING = ("min", "min-branch", "min-file", "diff-against", "min-diff", "baseline", "max-drop")


@dataclass(frozen=True)
class CoverageSettings:
    """What the coverage family checks, and on which reports."""

    files: tuple[Path, ...]
    min_lines: Fraction | None = None
    min_branches: Fraction | None = None
    min_file: Fraction | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    diff_against: str | None = None
    min_diff: Fraction | None = None
    diff_min_lines: int = 0
    path_maps: tuple[PathMap, ...] = ()
    baseline: Path | None = None
    max_drop: Fraction | None = None

    @property
    def wants_diff(self) -> bool:
        """Whether the diff check runs (it may still skip for want of a REF)."""
        return self.diff_against is not None or self.min_diff is not None

    @property
    def wants_ratchet(self) -> bool:
        """Whether the ratchet runs (it may still skip for want of a baseline)."""
        return self.baseline is not None or self.max_drop is not None


def configure(values: Mapping[str, Any]) -> CoverageSettings | None:
    """Settings from option values; None when no coverage threshold or baseline is set."""
    if all(values.get(key) is None for key in ACTIVATING):
        return None
    return CoverageSettings(
        files=values.get("files") or (Path(DEFAULT_REPORT),),
        min_lines=values.get("min"),
        min_branches=values.get("min-branch"),
        min_file=values.get("min-file"),
        include=values.get("include", ()),
        exclude=values.get("exclude", ()),
        diff_against=values.get("diff-against"),
        min_diff=values.get("min-diff"),
        diff_min_lines=values.get("diff-min-lines", 0),
        path_maps=values.get("path-map", ()),
        baseline=values.get("baseline"),
        max_drop=values.get("max-drop"),
    )


def run(settings: CoverageSettings) -> list[CheckResult]:
    """Read the reports and check each threshold that is set."""
    from gate.coverage.cobertura import read
    from gate.coverage.model import combine

    reports, warnings = [], []
    for path in settings.files:
        data, notes = read(path)
        reports.append(data)
        warnings.extend(notes)
    names = ", ".join(str(p) for p in settings.files)
    everything = combine(reports)
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
    files_data = [_file_row(f.name, f.lines, f.branch_ratio) for f in data.files.values()]
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
    if settings.wants_diff:
        from gate.checks.coverage_diff import run_diff

        results.append(run_diff(settings, data))
    if settings.wants_ratchet:
        from gate.checks.coverage_ratchet import run_ratchet

        results.append(run_ratchet(settings, data))
    if warnings:  # they concern the reports, so they travel with the first check
        results[0] = replace(results[0], warnings=tuple(warnings) + results[0].warnings)
    return results


def _file_row(name: str, lines: Ratio, branches: Ratio) -> dict[str, Any]:
    return {
        "name": name,
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


FAMILY = Family("coverage", "Coverage", OPTIONS, configure, run)
