"""JSON for machines: a versioned schema (documented in docs/report-schema.md).

The JSON Schema of the report ships in the package, `gate/report/schema/report-v1.json`
(SCHEMA_FILE, within the `gate.report` package), and in docs/. The report names its
version in `schema_version`; it has no `$schema` URL, since no URL serves the schema.
"""

from __future__ import annotations

import json
from typing import Any

from gate import __version__
from gate.model import CheckResult, Report, Status, rows

SCHEMA_VERSION = 1
#: The report's JSON Schema, as a resource of the `gate.report` package.
SCHEMA_FILE = f"schema/report-v{SCHEMA_VERSION}.json"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (also the shape a `--baseline` reads back)."""
    return {
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
        out["data"] = rows(dict(check.data))
    return out


def render(report: Report) -> str:
    """The report as indented JSON text."""
    return json.dumps(to_dict(report), indent=2, sort_keys=False) + "\n"
