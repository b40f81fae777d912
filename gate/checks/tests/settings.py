"""The tests family's settings: its options, how they convert, and what they build."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

from gate.errors import UsageError
from gate.family import Option, Origin, as_int, as_paths, as_seconds, as_str, as_strs
from gate.thresholds import parse_threshold, show_threshold

DEFAULT_SLOWEST = 5
DEFAULT_MIN_TESTS = 1


@dataclass(frozen=True)
class SkipLimit:
    """`max-skipped`: a number of tests, or a fraction of all tests."""

    count: int | None = None
    fraction: Fraction | None = None

    def allows(self, skipped: int, total: int) -> bool:
        """Whether `skipped` of `total` tests is within the limit."""
        if self.fraction is not None:
            return Fraction(skipped, total or 1) <= self.fraction
        return skipped <= (self.count or 0)

    def describe(self) -> str:
        """`2 tests` or `5.00%`."""
        if self.fraction is not None:
            return show_threshold(self.fraction)
        count = self.count or 0
        return f"{count} test{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class TestsSettings:
    """What the tests family checks, and on which JUnit files."""

    __test__ = False  # not a pytest test class

    files: tuple[Path, ...]
    max_skipped: SkipLimit | None = None
    require: tuple[str, ...] = ()
    min_tests: int = DEFAULT_MIN_TESTS
    max_test_seconds: Decimal | None = None
    max_suite_seconds: Decimal | None = None
    slowest: int = DEFAULT_SLOWEST
    flaky: str = "warn"


FLAKY_POLICIES = ("block", "warn", "allow")


def _skip_limit(raw: Any, origin: Origin) -> SkipLimit:
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
    optional = {"max-skipped": "max_skipped", "require-tests": "require",
                "min-tests": "min_tests", "max-test-seconds": "max_test_seconds",
                "max-suite-seconds": "max_suite_seconds", "slowest": "slowest",
                "flaky": "flaky"}
    return TestsSettings(files=values.get("files", ()),
                         **{field: values[key] for key, field in optional.items() if key in values})
