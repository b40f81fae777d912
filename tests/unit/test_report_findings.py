"""Every format shows a check's findings, a passing check's too (the slowest tests, say)."""

from __future__ import annotations

import json
from xml.etree import ElementTree  # nosec B405 - parses our own renderer's output

from gate.model import CheckResult, Finding, Report, Status
from gate.report import Format, renderer
from gate.report.text_report import render as text

REPORT = Report((
    CheckResult("tests.duration", "tests", Status.PASS, "1 suite took 3.000s",
                findings=(Finding("m::slow: 2.500s (slowest #1)"),), duration=0.01),
    CheckResult("tests.flaky", "tests", Status.PASS, "no flaky tests"),
    CheckResult("tests.failures", "tests", Status.FAIL, "1 of 2 tests failed",
                findings=(Finding("m::bad: failed: <boom> & more"),)),
))


def test_markdown_shows_passing_findings_collapsed() -> None:
    out = renderer(Format.MARKDOWN)(REPORT)
    assert "<code>tests.duration</code>: 1 finding(s)" in out
    assert "- m::slow: 2.500s (slowest #1)" in out
    assert "<code>tests.flaky</code>" not in out  # no findings, no details block


def test_junit_puts_passing_findings_in_system_out() -> None:
    root = ElementTree.fromstring(renderer(Format.JUNIT)(REPORT))  # nosec B314 - our own output
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["tests.duration"].findtext("system-out") == "m::slow: 2.500s (slowest #1)"
    assert len(cases["tests.flaky"]) == 0
    assert cases["tests.failures"].find("failure").text == "m::bad: failed: <boom> & more"


def test_text_and_json_show_them_as_before() -> None:
    assert "- m::slow: 2.500s (slowest #1)" in text(REPORT)
    checks = json.loads(renderer(Format.JSON)(REPORT))["checks"]
    assert checks[0]["findings"] == [{"message": "m::slow: 2.500s (slowest #1)"}]
