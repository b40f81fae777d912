"""Findings checks: what linters and security scanners report, against a baseline.

The family reads flake8's output, bandit's JSON and SARIF 2.1.0 from any tool,
and fails on findings that are new: not in the committed baseline of accepted
findings (matched by fingerprints that survive line moves), at or above the
tool's minimum severity and confidence, and with --diff-against on lines the
change added or modified. One family for lint and security alike: the reports
share one shape, one baseline and one set of thresholds, and each tool still
gets a check of its own (`findings.flake8`, `findings.bandit`, ...).
Reference: docs/findings.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.checks.findings.settings import OPTIONS, configure
from gate.family import Family

if TYPE_CHECKING:
    from gate.checks.findings.settings import FindingsSettings
    from gate.model import CheckResult


def run(settings: FindingsSettings) -> list[CheckResult]:
    """Read the reports and judge their findings (imported here: `gate --help` stays fast)."""
    from gate.checks.findings.check import evaluate

    return evaluate(settings)


FAMILY = Family("findings", "Lint and security findings", OPTIONS, configure, run)
