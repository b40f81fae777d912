"""Test-result checks from JUnit XML: failures, skips, required tests, count, time, flakiness.

The family runs when a JUnit file (or any `[tool.gate.tests]` setting) is
given. Its checks, in order:

- tests.failures  no test failed or errored (each listed with its first message line);
- tests.count     at least `min-tests` tests ran (default 1: an empty run never passes);
- tests.skipped   at most `max-skipped` tests skipped (a count, or a fraction of all tests);
- tests.required  each `require-tests` pattern names a test that ran and passed;
- tests.flaky     tests that failed, then passed: block, warn (default) or allow;
- tests.duration  the slowest tests, and the `max-test-seconds` / `max-suite-seconds` budgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gate.checks.tests.settings import OPTIONS, configure
from gate.family import Family

if TYPE_CHECKING:
    from gate.checks.tests.settings import TestsSettings
    from gate.model import CheckResult


def run(settings: TestsSettings) -> list[CheckResult]:
    """Read the JUnit files and run every check (imported here: `gate --help` stays fast)."""
    from gate.checks.tests.check import evaluate

    return evaluate(settings)


FAMILY = Family("tests", "Test results", OPTIONS, configure, run)
