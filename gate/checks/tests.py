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

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from gate.errors import InputError, UsageError
from gate.family import Family, Option, Origin, as_int, as_paths, as_seconds, as_str, as_strs
from gate.model import CheckResult

if TYPE_CHECKING:  # imported when the checks run, not at start-up (`gate --help` stays fast)
    from gate.junit.checks import SkipLimit, TestsSettings

FLAKY_POLICIES = ("block", "warn", "allow")


def _skip_limit(raw: Any, origin: Origin) -> SkipLimit:
    from gate.junit.checks import SkipLimit
    from gate.thresholds import parse_threshold

    if isinstance(raw, bool):
        raise UsageError(f"{origin.label}: expected a count or a fraction, got {raw!r}")
    if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()):
        return SkipLimit(count=as_int(raw, origin))
    return SkipLimit(fraction=parse_threshold(raw, origin.label))


def _count(raw: Any, origin: Origin) -> int:
    return as_int(raw, origin)


def _seconds(raw: Any, origin: Origin) -> Decimal:
    as_seconds(raw, origin)  # validates: a positive, finite number
    return Decimal(str(raw).strip())


def _policy(raw: Any, origin: Origin) -> str:
    value = as_str(raw, origin).strip().lower()
    if value not in FLAKY_POLICIES:
        raise UsageError(f"{origin.label}: expected one of {', '.join(FLAKY_POLICIES)}, "
                         f"got {raw!r}")
    return value


OPTIONS = (
    Option("files", "JUnit XML file (pytest --junitxml) to read; repeat to combine shards and "
           "reruns; a glob is expanded", as_paths, ("--junit-file",), multiple=True,
           metavar="PATH"),
    Option("max-skipped", "most tests that may be skipped: a count (3) or a fraction of all "
           "tests (0.05 or 5%)", _skip_limit, ("--max-skipped",), metavar="N|X"),
    Option("require-tests", "a test whose id or marker matches PATTERN must run and pass "
           "(repeatable; e.g. integration)", as_strs, ("--require-tests",), multiple=True,
           metavar="PATTERN"),
    Option("min-tests", "at least N tests must run (default 1)", _count,
           ("--min-tests",), metavar="N"),
    Option("max-test-seconds", "fail when a test takes longer than S seconds", _seconds,
           ("--max-test-seconds",), metavar="S"),
    Option("max-suite-seconds", "fail when a test suite takes longer than S seconds", _seconds,
           ("--max-suite-seconds",), metavar="S"),
    Option("slowest", "show the N slowest tests (default 5)", _count,
           ("--slowest",), metavar="N"),
    Option("flaky", "a test that failed, then passed: block, warn (default) or allow", _policy,
           ("--flaky",), metavar="POLICY"),
)


def configure(values: Mapping[str, Any]) -> TestsSettings | None:
    """Settings from option values; None when neither a JUnit file nor a tests setting is given."""
    if not values:
        return None
    from gate.junit.checks import TestsSettings

    optional = {"max-skipped": "max_skipped", "require-tests": "require",
                "min-tests": "min_tests", "max-test-seconds": "max_test_seconds",
                "max-suite-seconds": "max_suite_seconds", "slowest": "slowest",
                "flaky": "flaky"}
    return TestsSettings(files=values.get("files", ()),
                         **{field: values[key] for key, field in optional.items() if key in values})


def expand(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each path as given, or a glob's matches in sorted order."""
    import glob

    files: list[Path] = []
    for path in paths:
        text = str(path)
        if not path.exists() and any(c in text for c in "*?["):
            found = sorted(glob.glob(text, recursive=True))
            if not found:
                raise InputError(f"no JUnit report matches {text}",
                                 "produce them with pytest --junitxml=PATH")
            files.extend(Path(f) for f in found)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def run(settings: TestsSettings) -> list[CheckResult]:
    """Read the JUnit files and run every check."""
    from gate.junit.checks import (check_count, check_duration, check_failures, check_flaky,
                                   check_required, check_skipped)
    from gate.junit.model import combine
    from gate.junit.reader import read

    if not settings.files:
        raise InputError("tests checks are configured but no JUnit report is given",
                         "pass --junit-file PATH (pytest --junitxml=PATH writes one), set "
                         "files under [tool.gate.tests], or --skip tests")
    warnings = []
    read_files = []
    for path in expand(settings.files):
        found = read(path)
        if not found.records:
            warnings.append(f"{path}: contains no test cases")
        read_files.append((found.path, found.suites, found.cases))
    results = combine(read_files)
    checks = [
        check_failures(results),
        check_count(results, settings.min_tests),
        check_skipped(results, settings.max_skipped),
    ]
    if settings.require:
        checks.append(check_required(results, settings.require))
    checks.append(check_flaky(results, settings.flaky))
    checks.append(check_duration(results, settings.slowest, settings.max_test_seconds,
                                 settings.max_suite_seconds))
    if warnings:  # they concern the files, so they travel with the first check
        checks[0] = replace(checks[0], warnings=tuple(warnings) + checks[0].warnings)
    return checks


FAMILY = Family("tests", "Test results", OPTIONS, configure, run)
