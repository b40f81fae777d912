"""JSON for machines: a versioned schema (documented in docs/report-schema.md)."""

from __future__ import annotations

import json
from typing import Any

from gate import __version__
from gate.model import CheckResult, Report, Status

SCHEMA = "https://releasegate.dev/schemas/report-v1.json"
SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (also the shape a `--baseline` reads back)."""
    return {
        "$schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "releasegate", "version": __version__},
        "verdict": "allowed" if report.allowed else "blocked",
        "passed": report.allowed,
        "exit_code": int(report.exit_code),
        "summary": {
            "checks": len(report.checks),
            **{status.value: report.count(status) for status in Status},
            "text": report.verdict(),
        },
        "families": list(report.families),
        "warnings": list(report.warnings),
        "checks": [_check(c) for c in report.checks],
    }


def _check(check: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": check.id,
        "family": check.family,
        "status": check.status.value,
        "summary": check.summary,
    }
    if check.measured is not None:
        out["measured"] = {
            "covered": check.measured.covered,
            "total": check.measured.total,
            "ratio": float(check.measured.value),
        }
    if check.threshold is not None:
        out["threshold"] = float(check.threshold)
    if check.duration is not None:
        out["duration_seconds"] = round(check.duration, 6)
    out["findings"] = [
        {k: v for k, v in vars(f).items() if v is not None} for f in check.findings
    ]
    if check.data:
        out["data"] = dict(check.data)
    return out


def render(report: Report) -> str:
    """The report as indented JSON text."""
    return json.dumps(to_dict(report), indent=2, sort_keys=False) + "\n"
