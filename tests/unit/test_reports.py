"""Every renderer reads the same model; each format is complete and says the same verdict."""

from __future__ import annotations

import importlib
import json
from fractions import Fraction
from pathlib import Path

import pytest
from defusedxml import ElementTree

from gate import cli
from gate.model import CheckResult, Finding, Ratio, Report, Status
from gate.report import Format, github, renderer
from gate.report import json_report, junit_report, markdown_report, text_report

PASSING = CheckResult("coverage.line", "coverage", Status.PASS,
                      "line coverage 85.00% (85/100) >= 80.00%", measured=Ratio(85, 100),
                      threshold=Fraction(4, 5), duration=0.25,
                      data={"files": [{"name": "a.py", "lines": {"covered": 85, "total": 100}}]})
FAILING = CheckResult("coverage.file", "coverage", Status.FAIL,
                      "1 of 2 files below 92.50% line coverage", measured=Ratio(1, 2),
                      threshold=Fraction(37, 40),
                      findings=(Finding("src/a|b.py: 50.00% (1/2) < 92.50%", file="src/a|b.py",
                                        line=7),),
                      warnings=("c.xml: root says lines-valid=3 but its <line> elements count 2",))
ERRORED = CheckResult("connect.db", "connect", Status.ERROR, "cannot reach 127.0.0.1:5432",
                      findings=(Finding("connection refused\nsecond line"),))
SKIPPED = CheckResult("deploy.env", "deploy", Status.SKIP, "nothing to check")


def test_every_format_has_a_renderer_module() -> None:
    for fmt in Format:
        module = importlib.import_module(f"gate.report.{fmt.value}_report")
        assert callable(module.render)
        assert renderer(fmt) is module.render
        assert renderer(fmt)(Report((PASSING,))).strip()
    assert tuple(f.value for f in Format) == cli.FORMATS
    modules = {p.stem for p in Path(text_report.__file__).parent.glob("*_report.py")}
    assert modules == {f"{f.value}_report" for f in Format}


def test_verdicts() -> None:
    assert Report((PASSING,)).verdict() == "release allowed: 1 of 1 checks passed"
    assert Report((PASSING, SKIPPED)).verdict() == (
        "release allowed: 1 of 2 checks passed, 1 skipped")
    report = Report((PASSING, FAILING, ERRORED, SKIPPED))
    assert report.verdict() == "release blocked: 2 of 4 checks failed"
    assert int(report.exit_code) == 1 and int(Report((PASSING,)).exit_code) == 0
    assert report.families == ("coverage", "connect", "deploy")


def test_text() -> None:
    text = text_report.render(Report((PASSING, FAILING)))
    assert text.splitlines() == [
        "PASS   coverage.line  line coverage 85.00% (85/100) >= 80.00%",
        "FAIL   coverage.file  1 of 2 files below 92.50% line coverage",
        "                      - src/a|b.py: 50.00% (1/2) < 92.50%",
        "warning: c.xml: root says lines-valid=3 but its <line> elements count 2",
        "release blocked: 1 of 2 checks failed",
    ]
    assert "\x1b[" not in text


def test_text_colour_only_when_asked() -> None:
    coloured = text_report.render(Report((PASSING, FAILING)), colour=True)
    assert "\x1b[32mPASS \x1b[0m" in coloured
    assert "\x1b[31mFAIL \x1b[0m" in coloured
    assert coloured.splitlines()[-1] == "\x1b[31mrelease blocked: 1 of 2 checks failed\x1b[0m"


def test_text_caps_findings() -> None:
    many = CheckResult("x.y", "x", Status.FAIL, "bad",
                       findings=tuple(Finding(f"f{i}") for i in range(25)))
    lines = text_report.render(Report((many,))).splitlines()
    assert lines[-2].strip() == "... and 5 more"
    assert sum(1 for line in lines if line.strip().startswith("- f")) == 20


def test_json() -> None:
    data = json.loads(json_report.render(Report((PASSING, FAILING, ERRORED, SKIPPED))))
    assert data["schema_version"] == 1 and "$schema" not in data  # no URL nobody serves
    assert data["verdict"] == "blocked" and data["passed"] is False and data["exit_code"] == 1
    assert data["summary"] == {"checks": 4, "pass": 1, "fail": 1, "error": 1, "skip": 1,
                               "text": "release blocked: 2 of 4 checks failed"}
    assert data["families"] == ["coverage", "connect", "deploy"]
    assert data["warnings"] == list(FAILING.warnings)
    line = data["checks"][0]
    assert line["measured"] == {"covered": 85, "total": 100, "ratio": 0.85}
    assert line["threshold"] == 0.8 and line["duration_seconds"] == 0.25
    assert line["data"]["files"][0]["name"] == "a.py"
    assert data["checks"][1]["findings"] == [
        {"message": "src/a|b.py: 50.00% (1/2) < 92.50%", "file": "src/a|b.py", "line": 7}]
    assert "measured" not in data["checks"][2] and "threshold" not in data["checks"][3]


def test_json_keeps_huge_counts_exact() -> None:
    big = CheckResult("coverage.line", "coverage", Status.FAIL, "s",
                      measured=Ratio(8 * 10**30 - 1, 10**31), threshold=Fraction(4, 5))
    data = json.loads(json_report.render(Report((big,))))
    assert data["checks"][0]["measured"]["covered"] == 8 * 10**30 - 1


def test_markdown() -> None:
    text = markdown_report.render(Report((PASSING, FAILING)))
    assert text.startswith("### Releasegate: ❌ Release blocked\n")
    assert "_release blocked: 1 of 2 checks failed_" in text
    assert ("| ✅&nbsp;PASS | `coverage.line` | line coverage 85.00% (85/100) >= 80.00% "
            "| 85.00% (85/100) | 80.00% |") in text
    assert "| ❌&nbsp;FAIL | `coverage.file` |" in text
    assert "<details><summary><code>coverage.file</code>: 1 finding(s)</summary>" in text
    assert "- src/a\\|b.py: 50.00% (1/2) < 92.50%" in text
    assert "**Warnings**" in text
    assert markdown_report.render(Report((PASSING,))).startswith(
        "### Releasegate: ✅ Release allowed\n")


def test_junit() -> None:
    root = ElementTree.fromstring(junit_report.render(Report((PASSING, FAILING, ERRORED,
                                                              SKIPPED))))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"),
            root.get("skipped")) == ("4", "1", "1", "1")
    suites = {s.get("name"): s for s in root}
    assert list(suites) == ["releasegate.coverage", "releasegate.connect", "releasegate.deploy"]
    cases = {c.get("name"): c for s in root for c in s}
    assert len(cases["coverage.line"]) == 0
    assert cases["coverage.line"].get("time") == "0.250"
    failure = cases["coverage.file"].find("failure")
    assert failure is not None and failure.get("message") == FAILING.summary
    assert failure.text == "src/a|b.py: 50.00% (1/2) < 92.50%"
    error = cases["connect.db"].find("error")
    assert error is not None and error.text == "connection refused\nsecond line"
    assert cases["deploy.env"].find("skipped") is not None


def test_github_annotations() -> None:
    text = github.annotations(Report((PASSING, FAILING, ERRORED)))
    assert text.splitlines() == [
        "::error file=src/a|b.py,line=7,title=releasegate coverage.file::"
        "src/a|b.py: 50.00%25 (1/2) < 92.50%25",
        "::error title=releasegate connect.db::cannot reach 127.0.0.1:5432",
        "::warning title=releasegate::c.xml: root says lines-valid=3 but its <line> "
        "elements count 2",
    ]


def test_github_annotation_properties_are_escaped() -> None:
    check = CheckResult("a.b", "a", Status.FAIL, "s",
                        findings=(Finding("x\ny", file="dir,1/a:b.py", line=3, end_line=5),))
    assert github.annotations(Report((check,))) == (
        "::error file=dir%2C1/a%3Ab.py,line=3,endLine=5,title=releasegate a.b::x%0Ay\n")


def test_github_annotations_are_capped() -> None:
    check = CheckResult("a.b", "a", Status.FAIL, "s",
                        findings=tuple(Finding(str(i), file=f"f{i}.py") for i in range(80)))
    assert len(github.annotations(Report((check,))).splitlines()) == github.MAX_ANNOTATIONS


def test_github_outputs() -> None:
    branch = CheckResult("coverage.branch", "coverage", Status.FAIL, "s",
                         measured=Ratio(80124, 100000), threshold=Fraction(80125, 100000))
    assert github.outputs(Report((PASSING, branch))).splitlines() == [
        "passed=false", "verdict=blocked", "line-coverage=85.00",
        "branch-coverage=80.124", "failed-checks=coverage.branch"]
    allowed = github.outputs(Report((PASSING,))).splitlines()
    assert allowed[:2] == ["passed=true", "verdict=allowed"]


@pytest.mark.parametrize("fmt", [f for f in Format if f is not Format.BADGE])  # a figure only
def test_every_format_carries_the_failing_check(fmt: Format) -> None:
    text = renderer(fmt)(Report((PASSING, FAILING)))
    assert "coverage.file" in text and "1 of 2 files below 92.50% line coverage" in text
    if fmt is not Format.JUNIT:  # JUnit has no verdict: CI systems count the failures
        assert "release blocked: 1 of 2 checks failed" in text
