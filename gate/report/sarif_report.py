"""SARIF 2.1.0 (`--format sarif`): the gate's findings for GitHub code scanning and other viewers.

One run, tool `releasegate`. Every finding of a check becomes a result:

- its rule is the finding's own (`bandit/B602`, `flake8/F401`, `zizmor/artipacked`,
  `releasegate/debug-on`), else the check's id (`coverage.diff`, `tests.failures`);
- its level is `error` when it blocks the release (a finding of a failing check,
  unless marked as not blocking), `warning` when marked as not blocking (a new
  finding outside the change, a stale baseline entry), `note` for the facts a
  passing check lists;
- a failing check with no finding becomes one result of its own, with its summary;
- every check's id, status and summary are in the run's properties.

A location is given where the finding names a file (and a line): results without one
are valid SARIF, but code scanning shows only located results.
"""

from __future__ import annotations

import json
from typing import Any

from gate import __version__
from gate.model import CheckResult, Finding, Report

SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json")
SECURITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}


def rule_id(check: CheckResult, finding: Finding | None) -> str:
    """`tool/rule` for a finding with a rule (the tool's prefix once), else the check's id."""
    if finding is None or not finding.rule:
        return check.id
    tool = finding.tool or "releasegate"
    return finding.rule if finding.rule.startswith(tool + "/") else f"{tool}/{finding.rule}"


def _level(check: CheckResult, finding: Finding | None) -> str:
    if finding is not None and finding.blocks is False:
        return "warning"
    if check.status.blocks and (finding is None or finding.blocks is not False):
        return "error"
    return "note"


def _location(finding: Finding) -> list[dict[str, Any]]:
    if not finding.file:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": finding.file.replace("\\", "/")}}
    if finding.line:
        region: dict[str, Any] = {"startLine": finding.line}
        if finding.column:
            region["startColumn"] = finding.column
        if finding.end_line and finding.end_line >= finding.line:
            region["endLine"] = finding.end_line
        physical["region"] = region
    return [{"physicalLocation": physical}]


def _result(check: CheckResult, finding: Finding | None, index: dict[str, int]) -> dict[str, Any]:
    rule = rule_id(check, finding)
    result: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": _level(check, finding),
        "message": {"text": finding.message if finding else check.summary},
    }
    if finding is not None:
        located = _location(finding)
        if located:
            result["locations"] = located
    properties: dict[str, Any] = {"check": check.id, "status": check.status.value}
    if finding is not None and finding.tool:
        properties["tool"] = finding.tool
    if finding is not None and finding.severity:
        properties["severity"] = finding.severity
    result["properties"] = properties
    return result


def _pairs(report: Report) -> list[tuple[CheckResult, Finding | None]]:
    pairs: list[tuple[CheckResult, Finding | None]] = []
    for check in report.checks:
        pairs.extend((check, f) for f in check.findings)
        if check.status.blocks and not check.findings:
            pairs.append((check, None))
    return pairs


def to_dict(report: Report) -> dict[str, Any]:
    """The report as a SARIF log."""
    pairs = _pairs(report)
    rules: dict[str, dict[str, Any]] = {}
    for check, finding in pairs:
        rule = rule_id(check, finding)
        if rule not in rules:
            described: dict[str, Any] = {"id": rule,
                                         "shortDescription": {"text": f"releasegate {check.id}"},
                                         "properties": {"check": check.id}}
            if finding is not None and finding.severity in SECURITY and finding.tool not in (
                    None, "flake8"):
                described["properties"]["security-severity"] = SECURITY[finding.severity]
            rules[rule] = described
    index = {rule: n for n, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "releasegate", "version": __version__,
                            "semanticVersion": __version__,
                            "rules": list(rules.values())}},
        "automationDetails": {"id": "releasegate/"},
        "results": [_result(check, finding, index) for check, finding in pairs],
        "invocations": [{"executionSuccessful": True,
                         "exitCode": int(report.exit_code),
                         "properties": {"verdict": report.verdict()}}],
        "properties": {"passed": report.allowed,
                       "checks": [{"id": c.id, "status": c.status.value, "summary": c.summary}
                                  for c in report.checks]},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON text."""
    return json.dumps(to_dict(report), indent=2) + "\n"
