"""The coverage family's settings: its options, how they convert, and what they build."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from gate.errors import UsageError
from gate.family import Option, Origin, as_int, as_path, as_paths, as_str, as_strs
from gate.thresholds import parse_threshold

if TYPE_CHECKING:
    from gate.checks.coverage.paths import PathMap

DEFAULT_REPORT = "coverage.xml"


def _threshold(raw: Any, origin: Origin) -> Fraction:
    return parse_threshold(raw, origin.label)


def _ref(raw: Any, origin: Origin) -> str:
    from gate.gitdiff import check_ref

    return check_ref(as_str(raw, origin), origin.label)


def _path_maps(raw: Any, origin: Origin) -> tuple[PathMap, ...]:
    from gate.checks.coverage.paths import parse_path_map

    return tuple(parse_path_map(text, origin.label) for text in as_strs(raw, origin))


OPTIONS = (
    Option("files", "coverage report: Cobertura, JaCoCo or Clover XML, LCOV or coverage.py JSON"
           " (the format is read from the content); repeat to combine shards or languages"
           " (default: coverage.xml)",
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
           " (e.g. origin/main; needs git): their coverage, and only the findings on them"
           " block", _ref, ("--diff-against",), metavar="REF", shared=True),
    Option("min-diff", "minimum coverage of the changed lines the report measures",
           _threshold, ("--min-diff-coverage",), metavar="X"),
    Option("diff-min-lines", "a change touching fewer measured lines than N passes the diff"
           " check with a note (default 0)", as_int, ("--diff-min-lines",), metavar="N"),
    Option("path-map", "read report file names starting with FROM as starting with TO, a path"
           " in the repository (repeatable)", _path_maps, ("--path-map",), multiple=True,
           metavar="FROM=TO"),
    Option("baseline", "a previous coverage report (any format --coverage-file reads) or gate"
           " JSON report: fail when coverage fell",
           as_path, ("--baseline",), metavar="PATH"),
    Option("baseline-branch", "a git branch holding the default branch's reports"
           " (origin/releasegate-data): compare with the report of the merge base with"
           " --diff-against, or of its newest ancestor that has one", _ref,
           ("--baseline-branch",), metavar="REF"),
    Option("max-drop", "how far total line or branch coverage may fall below the baseline,"
           " in points: 0.005 or 0.5% (default 0 with --baseline; with --baseline-branch,"
           " unset: compare without gating)", _threshold, ("--max-drop",), metavar="X"),
)
#: Settings that ask for the coverage family to run.
ACTIVATING = ("min", "min-branch", "min-file", "diff-against", "min-diff", "baseline",
              "baseline-branch", "max-drop")


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
    baseline_branch: str | None = None
    max_drop: Fraction | None = None

    @property
    def wants_diff(self) -> bool:
        """Whether the diff check runs (it may still skip for want of a REF)."""
        return self.diff_against is not None or self.min_diff is not None

    @property
    def wants_ratchet(self) -> bool:
        """Whether the ratchet runs (it may still skip for want of a baseline)."""
        return (self.baseline is not None or self.baseline_branch is not None
                or self.max_drop is not None)


def configure(values: Mapping[str, Any]) -> CoverageSettings | None:
    """Settings from option values; None when no coverage threshold or baseline is set."""
    if all(values.get(key) is None for key in ACTIVATING):
        return None
    if values.get("baseline") is not None and values.get("baseline-branch") is not None:
        raise UsageError("--baseline and --baseline-branch both name a baseline",
                         "keep one: a file, or the branch the default branch's runs store"
                         " their reports on")
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
        baseline_branch=values.get("baseline-branch"),
        max_drop=values.get("max-drop"),
    )
