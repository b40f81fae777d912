"""The coverage family: settings, exact verdicts, worst files, and what cannot be evaluated."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gate.checks.coverage import run
from gate.checks.coverage.check import WORST_SHOWN
from gate.checks.coverage.settings import CoverageSettings, configure
from gate.errors import InputError
from gate.model import Ratio, Status
from gate.thresholds import parse_threshold
from tests.cobertura_xml import ratio_report, write_report


def _settings(*files: Path, **kwargs: object) -> CoverageSettings:
    values = {k: parse_threshold(v, k) if k.startswith("min") else v for k, v in kwargs.items()}
    return CoverageSettings(files=files, **values)  # type: ignore[arg-type]


def test_configure_is_none_without_a_threshold() -> None:
    assert configure({}) is None
    assert configure({"files": (Path("x.xml"),), "include": ("a",)}) is None


def test_configure_defaults_to_coverage_xml() -> None:
    settings = configure({"min": Fraction(1, 2)})
    assert settings == CoverageSettings(files=(Path("coverage.xml"),), min_lines=Fraction(1, 2))


def test_7999_of_10000_is_below_80_percent(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "c.xml", 7999, 10000, root='line-rate="0.8"')
    [result] = run(_settings(path, min_lines="0.8"))
    assert result.status is Status.FAIL
    assert result.id == "coverage.line" and result.family == "coverage"
    assert result.summary == "line coverage 79.99% (7999/10000) < 80.00%"
    assert result.measured == Ratio(7999, 10000) and result.threshold == Fraction(4, 5)
    assert result.findings[0].file == "pkg/mod.py"
    assert result.findings[0].message == "pkg/mod.py: 79.99% (7999/10000), 2001 lines missed"


def test_exactly_at_the_threshold_passes(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "c.xml", 8000, 10000)
    [result] = run(_settings(path, min_lines="80%"))
    assert result.status is Status.PASS
    assert result.summary == "line coverage 80.00% (8000/10000) >= 80.00%"
    assert result.findings == ()
    assert result.data["files"] == [{"name": "pkg/mod.py",
                                     "lines": {"covered": 8000, "total": 10000},
                                     "branches": {"covered": 0, "total": 0}}]


def test_display_precision_follows_the_threshold(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "c.xml", 9249, 10000)
    [result] = run(_settings(path, min_lines="92.5%"))
    assert result.summary == "line coverage 92.49% (9249/10000) < 92.50%"
    path = ratio_report(tmp_path / "c.xml", 80124, 100000)
    [result] = run(_settings(path, min_lines="80.125%"))
    assert result.summary == "line coverage 80.124% (80124/100000) < 80.125%"


def test_branch_coverage(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"a.py": [(1, 1, "1/2"), (2, 1)],
                                             "b.py": [(1, 1, "4/4")]})
    line, branch = run(_settings(path, min_lines="1", min_branches="0.9"))
    assert line.status is Status.PASS
    assert branch.status is Status.FAIL and branch.id == "coverage.branch"
    assert branch.summary == "branch coverage 83.33% (5/6) < 90.00%"
    assert [f.message for f in branch.findings] == ["a.py: 50.00% (1/2), 1 branches missed"]


def test_no_branch_data_cannot_be_evaluated(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "coverage.xml", 1, 1)
    with pytest.raises(InputError) as caught:
        run(_settings(path, min_branches="0.5"))
    assert f"no branch data in {path}: run coverage with --branch" in str(caught.value)


def test_zero_measured_lines_cannot_be_evaluated(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"pkg/__init__.py": []})
    with pytest.raises(InputError) as caught:
        run(_settings(path, min_lines="0.5"))
    assert str(caught.value).startswith(f"coverage report measures no lines: {path}")
    assert "--source" in str(caught.value)


def test_per_file_floor_lists_the_worst_first(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {
        "good.py": [(1, 1), (2, 1)],
        "half.py": [(1, 1), (2, 0)],
        "bad.py": [(1, 0), (2, 0), (3, 1), (7, 0)],
        "empty.py": [],
    })
    [result] = run(_settings(path, min_file="0.6"))
    assert result.id == "coverage.file" and result.status is Status.FAIL
    assert result.summary == "2 of 3 files below 60.00% line coverage"
    assert result.measured == Ratio(1, 3)
    assert [(f.file, f.line, f.message) for f in result.findings] == [
        ("bad.py", 1, "bad.py: 25.00% (1/4) < 60.00%"),
        ("half.py", 2, "half.py: 50.00% (1/2) < 60.00%"),
    ]


def test_per_file_floor_passes(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"a.py": [(1, 1)], "b.py": [(1, 1), (2, 0)]})
    [result] = run(_settings(path, min_file="50%"))
    assert result.status is Status.PASS
    assert result.summary == "all 2 files reach 50.00% line coverage"


def test_worst_files_are_capped_and_ordered_by_lines_missed(tmp_path: Path) -> None:
    files = {f"m{i:02d}.py": [(n, 1 if n > i else 0) for n in range(1, 30)] for i in range(15)}
    path = write_report(tmp_path / "c.xml", files)
    [result] = run(_settings(path, min_lines="1"))
    assert len(result.findings) == WORST_SHOWN
    assert [f.file for f in result.findings][:3] == ["m14.py", "m13.py", "m12.py"]


def test_include_and_exclude(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"src/a.py": [(1, 1), (2, 1)],
                                             "src/gen/b.py": [(1, 0)],
                                             "tests/t.py": [(1, 0), (2, 0)]})
    [result] = run(_settings(path, min_lines="1", include=("src/*",), exclude=("src/gen/*",)))
    assert result.measured == Ratio(2, 2)
    [result] = run(_settings(path, min_lines="1", exclude=("tests/*",)))
    assert result.measured == Ratio(2, 3)


def test_include_matching_nothing_names_an_example(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"src/a.py": [(1, 1)]})
    with pytest.raises(InputError) as caught:
        run(_settings(path, min_lines="1", include=("lib/*",)))
    assert "matches --include/--exclude" in str(caught.value)
    assert "'src/a.py'" in str(caught.value)


def test_selection_measuring_no_lines_cannot_be_evaluated(tmp_path: Path) -> None:
    # It once failed as "0.00% (0/0)" instead.
    path = write_report(tmp_path / "c.xml", {"src/a.py": [(1, 1)], "src/__init__.py": []})
    with pytest.raises(InputError, match="measure no lines"):
        run(_settings(path, min_lines="0.5", include=("*/__init__.py",)))


def test_selection_without_branches_cannot_be_evaluated(tmp_path: Path) -> None:
    path = write_report(tmp_path / "c.xml", {"a.py": [(1, 1, "1/2")], "b.py": [(1, 1)]})
    with pytest.raises(InputError, match="no branch data"):
        run(_settings(path, min_branches="0.5", include=("b.py",)))


def test_several_reports_combine(tmp_path: Path) -> None:
    shard1 = write_report(tmp_path / "1.xml", {"a.py": [(1, 1), (2, 0)], "b.py": [(1, 0)]})
    shard2 = write_report(tmp_path / "2.xml", {"a.py": [(1, 0), (2, 1)], "c.js": [(5, 1)]})
    [result] = run(_settings(shard1, shard2, min_lines="0.8"))
    assert result.measured == Ratio(3, 4)
    assert result.status is Status.FAIL


def test_report_warnings_travel_with_the_first_check(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "c.xml", 1, 2, root='lines-valid="3" lines-covered="1"')
    first, second = run(_settings(path, min_lines="0.1", min_file="0.1"))
    assert len(first.warnings) == 1 and "lines-valid=3" in first.warnings[0]
    assert second.warnings == ()
