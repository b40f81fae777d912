"""Judging changed lines against coverage: the pure part of the coverage.diff check."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from gate.checks.coverage.diff import diff_result
from gate.checks.coverage.settings import OPTIONS, configure
from gate.gitdiff import Change
from gate.model import Ratio, Report, Status
from gate.readers.coverage.model import FileCoverage
from gate.report.github import annotations, outputs


def bitmap(lines: set[int]) -> bytes:
    value = sum(1 << n for n in lines)
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def cov(name: str, measured: set[int], covered: set[int]) -> FileCoverage:
    return FileCoverage(name, bitmap(measured), bitmap(covered & measured))


def change(files: dict[str, tuple[int, ...]] | None = None) -> Change:
    return Change("origin/main", "a" * 40, Path("/repo"), files or {})


CHANGE = change({"gate/cli.py": tuple(range(38, 60)), "gate/new.py": (1, 2, 3),
                 "docs/x.md": (1, 2)})
FILES = {
    # 38-59 changed; measured 40-45, 50, 57; covered 43-45, 50
    "gate/cli.py": cov("gate/cli.py", {40, 41, 42, 43, 44, 45, 50, 57, 70}, {43, 44, 45, 50, 70}),
    "gate/new.py": cov("new.py", {1, 2, 3}, {1, 2, 3}),
}


def test_counts_and_ranges() -> None:
    result = diff_result(CHANGE, FILES, Fraction(4, 5), 0)
    assert result.status is Status.FAIL
    assert result.measured == Ratio(7, 11)
    assert result.summary == ("diff coverage 63.63% (7/11) < 80.00% on lines changed"
                              " since origin/main (merge base aaaaaaaaaaaa)")
    (finding,) = result.findings
    assert finding.message == "gate/cli.py: 40-42, 57"
    assert (finding.file, finding.line, finding.end_line) == ("gate/cli.py", 40, 42)
    rows = {r["path"]: r for r in result.data["files"]}
    assert rows["gate/cli.py"] == {"path": "gate/cli.py", "report_name": "gate/cli.py",
                                   "changed": 22, "measured": 8, "covered": 4,
                                   "missing": "40-42, 57"}
    assert rows["gate/new.py"]["report_name"] == "new.py"
    assert result.data["not_in_report"] == ["docs/x.md"]


def test_exact_threshold() -> None:
    assert diff_result(CHANGE, FILES, Fraction(7, 11), 0).status is Status.PASS
    assert diff_result(CHANGE, FILES, Fraction(7, 11) + Fraction(1, 10**9), 0).status \
        is Status.FAIL


def test_without_threshold_it_reports() -> None:
    result = diff_result(CHANGE, FILES, None, 0)
    assert result.status is Status.PASS
    assert result.summary.startswith("diff coverage 63.63% (7/11) of the measured lines changed")


def test_min_lines_note() -> None:
    small = diff_result(CHANGE, FILES, Fraction(1), 12)
    assert small.status is Status.PASS
    assert "11 measured changed line(s), fewer than --diff-min-lines 12, so not gated" \
        in small.summary
    assert diff_result(CHANGE, FILES, Fraction(1), 11).status is Status.FAIL


def test_no_change() -> None:
    result = diff_result(change(), FILES, Fraction(1), 0)
    assert result.status is Status.PASS and result.measured is None
    assert result.summary.startswith("no line added or changed since origin/main")


def test_no_measured_line_changed() -> None:
    result = diff_result(change({"gate/cli.py": (1, 2, 60)}), FILES, Fraction(1), 0)
    assert result.status is Status.PASS and result.measured is None
    assert "no measured line changed" in result.summary and not result.warnings


def test_nothing_in_the_report_is_said_plainly() -> None:
    result = diff_result(change({"src/gate/cli.py": (40, 41)}), FILES, Fraction(1), 0,
                         ["gate/cli.py", "gate/new.py"])
    assert result.status is Status.PASS and result.measured is None
    assert result.summary == ("no changed line is in the coverage report: none of the 1 changed"
                              " files since origin/main (merge base aaaaaaaaaaaa) is a file"
                              " it names")
    (warning,) = result.warnings
    assert "changed: src/gate/cli.py" in warning and "the report names: gate/cli.py" in warning
    assert "--path-map FROM=TO" in warning


def test_a_docs_only_change_is_no_warning() -> None:
    result = diff_result(change({"README.md": (1,)}), FILES, Fraction(1), 0, ["gate/cli.py"])
    assert result.status is Status.PASS and not result.warnings


def test_annotations_and_outputs_point_at_the_lines() -> None:
    report = Report((diff_result(CHANGE, FILES, Fraction(4, 5), 0),))
    assert annotations(report) == ("::error file=gate/cli.py,line=40,endLine=42,"
                                   "title=releasegate coverage.diff::gate/cli.py: 40-42, 57\n")
    assert "diff-coverage=63.63\n" in outputs(report)


def test_configure_activates_on_any_threshold_or_baseline() -> None:
    assert configure({}) is None
    assert configure({"diff-min-lines": 3, "path-map": ()}) is None
    for key, value in (("diff-against", "main"), ("min-diff", Fraction(1)),
                       ("baseline", Path("b.json")), ("max-drop", Fraction(0))):
        settings = configure({key: value})
        assert settings is not None, key
    assert {o.key for o in OPTIONS} >= {"diff-against", "min-diff", "diff-min-lines", "path-map",
                                        "baseline", "max-drop"}
