"""Coverage checks: total line and branch coverage, a floor for every file, the
coverage of the lines a change touched, and a ratchet against a baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.checks.coverage.settings import OPTIONS, configure
from gate.family import Family

if TYPE_CHECKING:
    from gate.checks.coverage.settings import CoverageSettings
    from gate.model import CheckResult


def run(settings: CoverageSettings) -> list[CheckResult]:
    """Read the reports and run the checks asked for (imported here: `gate --help` stays fast)."""
    from gate.checks.coverage.check import evaluate

    return evaluate(settings)


FAMILY = Family("coverage", "Coverage", OPTIONS, configure, run)
