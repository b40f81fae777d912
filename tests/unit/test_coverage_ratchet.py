"""The ratchet's verdicts and the baseline reader, on counts built here."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.checks.coverage.baseline import FileCounts, Snapshot, file_rows, read_baseline
from gate.checks.coverage.ratchet import ratchet_result
from gate.errors import InputError
from gate.model import Ratio, Report, Status
from gate.report.json_report import render


def snap(files: dict[str, tuple[int, int, int, int]], branches: bool = True) -> Snapshot:
    return Snapshot({name: FileCounts(Ratio(a, b), Ratio(c, d))
                     for name, (a, b, c, d) in files.items()}, branches)


BEFORE = snap({"a.py": (80, 100, 8, 10), "b.py": (10, 10, 0, 0)})


def test_no_drop_passes_with_both_counts() -> None:
    after = snap({"a.py": (81, 101, 8, 10), "b.py": (10, 10, 0, 0)})
    result = ratchet_result(BEFORE, after, Fraction(0))
    assert result.status is Status.PASS
    assert result.summary == ("line 81.81% (90/110) -> 81.98% (91/111);"
                              " branch 80.00% (8/10) -> 80.00% (8/10) (max drop 0.00 points)")
    assert result.measured == Ratio(91, 111)


def test_a_line_drop_fails() -> None:
    after = snap({"a.py": (80, 101, 8, 10), "b.py": (10, 10, 0, 0)})
    result = ratchet_result(BEFORE, after, Fraction(0))
    assert result.status is Status.FAIL
    assert [f.message for f in result.findings] == [
        "line coverage fell 0.74 points: 81.81% (90/110) -> 81.08% (90/111)"
        " (max drop 0.00 points)"]


def test_a_tiny_drop_is_never_shown_as_zero() -> None:
    before = snap({"a.py": (99_999, 100_000, 0, 0)}, branches=False)
    after = snap({"a.py": (99_999, 100_001, 0, 0)}, branches=False)
    result = ratchet_result(before, after, Fraction(0))
    assert result.status is Status.FAIL
    assert "line coverage fell 0.01 points" in result.summary  # rounded up, never 0.00


def test_max_drop_is_inclusive() -> None:
    before = snap({"a.py": (50, 100, 0, 0)}, branches=False)
    after = snap({"a.py": (50, 100, 0, 0), "c.py": (0, 1, 0, 0)}, branches=False)
    drop = Fraction(50, 100) - Fraction(50, 101)
    assert ratchet_result(before, after, drop).status is Status.PASS
    assert ratchet_result(before, after, drop - Fraction(1, 10**12)).status is Status.FAIL


def test_branch_drop_and_file_losses() -> None:
    after = snap({"a.py": (79, 90, 7, 10), "b.py": (10, 12, 0, 0), "c.py": (1, 1, 0, 0)})
    # Lines rose (90/110 -> 90/103); branches fell exactly the 10 points allowed; a.py lost one.
    result = ratchet_result(BEFORE, after, Fraction(1, 10))
    assert result.status is Status.FAIL
    assert [f.message for f in result.findings] == [
        "a.py: lost 1 covered line(s): 80/100 -> 79/90"]
    assert result.findings[0].file == "a.py"
    assert result.summary.endswith(": 1 file(s) lost covered lines (max drop 10.00 points)")
    stricter = ratchet_result(BEFORE, after, Fraction(9, 100))
    assert stricter.findings[0].message == ("branch coverage fell 10.00 points: 80.00% (8/10)"
                                            " -> 70.00% (7/10) (max drop 9.00 points)")


def test_files_lost_worst_first_and_gone_files_ignored() -> None:
    before = snap({"a.py": (5, 5, 0, 0), "b.py": (9, 9, 0, 0), "gone.py": (3, 3, 0, 0)})
    after = snap({"a.py": (4, 5, 0, 0), "b.py": (6, 9, 0, 0), "new.py": (100, 100, 0, 0)})
    result = ratchet_result(before, after, Fraction(1))
    assert [f.file for f in result.findings] == ["b.py", "a.py"]
    assert result.data["files_not_in_report"] == 1


def test_branches_compared_only_when_both_have_them() -> None:
    result = ratchet_result(BEFORE, snap({"a.py": (80, 100, 0, 0), "b.py": (10, 10, 0, 0)},
                                         branches=False), Fraction(0))
    assert "branch" not in result.summary
    assert result.warnings == ("coverage.ratchet: branch coverage not compared: the report has"
                               " no branch data, the baseline has (run coverage with --branch)",)


def test_disjoint_names_warn() -> None:
    result = ratchet_result(BEFORE, snap({"src/a.py": (80, 100, 8, 10)}), Fraction(0), "b.json")
    assert any("share no file name" in w for w in result.warnings)


@given(st.dictionaries(st.sampled_from(["a.py", "b.py", "c.py"]),
                       st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1),
       st.dictionaries(st.sampled_from(["a.py", "b.py", "c.py"]),
                       st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1),
       st.fractions(0, 1))
def test_verdict_is_integer_arithmetic(old, new, max_drop) -> None:
    def build(rows):
        return Snapshot({n: FileCounts(Ratio(min(c, t), t), Ratio(0, 0))
                         for n, (c, t) in rows.items()}, False)

    before, after = build(old), build(new)
    result = ratchet_result(before, after, max_drop)
    b, a = before.lines, after.lines
    n, d = max_drop.numerator, max_drop.denominator
    if b.total == 0:
        fell = False
    elif a.total == 0:
        fell = b.covered * d > n * b.total
    else:
        fell = (b.covered * a.total - a.covered * b.total) * d > n * b.total * a.total
    lost = any(n in after.files and after.files[n].lines.covered < f.lines.covered
               for n, f in before.files.items())
    assert (result.status is Status.FAIL) == bool(fell or lost)


# The baseline reader ------------------------------------------------------------


def test_json_report_round_trip(tmp_path: Path) -> None:
    after = snap({"a.py": (81, 101, 8, 10), "b.py": (10, 10, 0, 0)})
    report = Report((ratchet_result(BEFORE, after, Fraction(0)),))
    path = tmp_path / "gate.json"
    path.write_text(render(report))
    again, warnings = read_baseline(path)
    assert again == after and warnings == []


def test_coverage_line_is_preferred(tmp_path: Path) -> None:
    line_rows = list(file_rows(snap({"x.py": (1, 2, 0, 0)}, branches=False)))
    ratchet_rows = list(file_rows(snap({"y.py": (1, 1, 0, 0)})))
    document = {"schema_version": 1, "checks": [
        {"id": "coverage.ratchet", "data": {"files": ratchet_rows}},
        {"id": "coverage.line", "data": {"files": line_rows}},
    ]}
    path = tmp_path / "gate.json"
    path.write_text(json.dumps(document))
    baseline, _ = read_baseline(path)
    assert set(baseline.files) == {"x.py"} and baseline.has_branches is False


def test_older_reports_without_the_branch_flag(tmp_path: Path) -> None:
    rows = [{"name": "x.py", "lines": {"covered": 1, "total": 2},
             "branches": {"covered": 1, "total": 2}}]
    path = tmp_path / "gate.json"
    path.write_text(json.dumps({"schema_version": 1,
                                "checks": [{"id": "coverage.line", "data": {"files": rows}}]}))
    baseline, _ = read_baseline(path)
    assert baseline.has_branches and baseline.branches == Ratio(1, 2)


def test_cobertura_baseline(tmp_path: Path) -> None:
    path = tmp_path / "base.xml"
    path.write_text('<?xml version="1.0" ?>\n<coverage version="7"><packages><package><classes>'
                    '<class filename="m.py"><lines><line number="1" hits="1"/>'
                    '<line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/>'
                    '</lines></class></classes></package></packages></coverage>')
    baseline, _ = read_baseline(path)
    assert baseline.files == {"m.py": FileCounts(Ratio(1, 2), Ratio(1, 2))}
    assert baseline.has_branches


@pytest.mark.parametrize(("content", "message"), [
    ("[]", "neither a coverage report"),
    ('{"checks": []}', "not a releasegate report"),
    ('{"schema_version": "1"}', "bad schema_version"),
    ('{"schema_version": 1}', "no list of checks"),
    ('{"schema_version": 1, "checks": [{"id": "coverage.line", "data": {"files": [{}]}}]}',
     "data.files[0] has no file name"),
    ('{"schema_version": 1, "checks": [{"id": "coverage.line", "data": {"files": '
     '[{"name": "a", "lines": {"covered": 3, "total": 2}}]}}]}', "covers 3 of 2"),
    ('{"schema_version": 1, "checks": [{"id": "coverage.line", "data": {"files": '
     '[{"name": "a", "lines": {"covered": 1.5, "total": 2}}]}}]}', "whole-number"),
    ('{"schema_version": 1, "checks": [{"id": "coverage.line", "data": {"files": '
     '[{"name": "a", "lines": {"covered": 1, "total": 2}}, '
     '{"name": "a", "lines": {"covered": 1, "total": 2}}]}}]}', "repeats 'a'"),
    ("\ufeff  \n", "baseline is empty"),
    ("\x00\x01", "neither a coverage report"),
])
def test_malformed_json_baselines(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "gate.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_baseline(path)


def test_a_directory_is_no_baseline(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="baseline is a directory"):
        read_baseline(tmp_path)
