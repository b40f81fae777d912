"""Test results as the gate sees them: one record per <testcase>, one case per test.

A test may appear more than once. Within one file, repeated records of the same
test are attempts (pytest-rerunfailures writes one record per attempt, and the
records before the last are the failed ones); across files, the same test in
several files is a rerun or a shard overlap. A test that failed at least once
and passed at least once is flaky.

Identity is the test id *within its suite name*: give each job of a matrix its
own suite name (`pytest -o junit_suite_name=py3.12`) and the same test on two
Pythons stays two tests, so a failure on one is never excused as flakiness by
a pass on the other.
"""

from __future__ import annotations

import enum
import fnmatch
import heapq
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

ZERO = Decimal(0)
EMPTY: frozenset[str] = frozenset()
GLOB = re.compile(r"[*?\[]")
PARTS = re.compile(r"::|[/.\\]")


class Outcome(str, enum.Enum):
    """How one attempt (or, combined, one test) ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    XFAILED = "xfailed"

    @property
    def failing(self) -> bool:
        """Whether this outcome is a failure or an error."""
        return self is Outcome.FAILED or self is Outcome.ERROR


class Case(NamedTuple):
    """One test: a single <testcase> record of it, or all its attempts combined.

    `outcome` is the final one (PASSED for a test that failed, then passed);
    `time` is its longest attempt; `failed_attempts` counts every attempt that
    failed, the last one included; `message` is the first line of the
    failure, error or skip message (for a flaky test, of a failed attempt).
    Immutable like the rest of the model, but a NamedTuple: a large run builds
    one per testcase element, and a frozen dataclass costs five times as much.
    """

    id: str
    suite: str
    outcome: Outcome
    time: Decimal = ZERO
    message: str = ""
    file: str | None = None
    line: int | None = None
    markers: frozenset[str] = EMPTY
    attempts: int = 1
    failed_attempts: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """What makes two records the same test: suite name and test id."""
        return self.suite, self.id

    @property
    def flaky(self) -> bool:
        """Failed at least once, then passed."""
        return self.outcome is Outcome.PASSED and self.failed_attempts > 0

    @property
    def ran(self) -> bool:
        """Whether the test ran at all (was not skipped)."""
        return self.outcome is not Outcome.SKIPPED


def record(test_id: str, suite: str, outcome: Outcome, time: Decimal = ZERO, message: str = "",
           file: str | None = None, line: int | None = None, markers: frozenset[str] = EMPTY,
           retried: int = 0) -> Case:
    """One <testcase> element as a case.

    `retried` counts the failed earlier attempts the element itself reports
    (Surefire's and pytest-rerunfailures' flakyFailure/rerunFailure children).
    """
    failed = retried + (outcome is Outcome.FAILED or outcome is Outcome.ERROR)
    return Case(test_id, suite, outcome, time, message, file, line, markers, 1 + retried, failed)


def then(earlier: Case, later: Case) -> Case:
    """`earlier`, attempted again in the same file: the later record is the final result.

    Rerun plugins only rerun what failed, so an earlier record that reads as
    passed (pytest-rerunfailures writes failed attempts as empty records) was
    a failed attempt too.
    """
    failed = earlier.failed_attempts + (1 if earlier.outcome is Outcome.PASSED else 0)
    message = later.message or (earlier.message if later.outcome is Outcome.PASSED else "")
    return _joined(earlier, later, later.outcome, message, failed + later.failed_attempts)


def merge(first: Case, second: Case) -> Case:
    """The same test from two files: passed in either wins, a failure in either is kept."""
    outcomes = (first.outcome, second.outcome)
    if Outcome.PASSED in outcomes:
        outcome = Outcome.PASSED
    elif second.outcome.failing or not first.outcome.failing and second.ran:
        outcome = second.outcome
    else:
        outcome = first.outcome
    deciding, other = (second, first) if second.outcome is outcome else (first, second)
    failing = [c.message for c in (second, first) if c.outcome.failing and c.message]
    if outcome is Outcome.PASSED and failing:
        message = failing[0]
    else:
        message = deciding.message or (other.message if other.outcome is outcome else "")
    return _joined(first, second, outcome, message,
                   first.failed_attempts + second.failed_attempts)


def _joined(a: Case, b: Case, outcome: Outcome, message: str, failed: int) -> Case:
    return Case(
        a.id, a.suite, outcome, max(a.time, b.time), message,
        a.file if a.file is not None else b.file,
        a.line if a.file is not None else b.line,
        a.markers | b.markers if b.markers and a.markers else a.markers or b.markers,
        a.attempts + b.attempts, failed,
    )


@dataclass(frozen=True, slots=True)
class Suite:
    """An outermost <testsuite>: its name, file, time, records and slowest records."""

    name: str
    file: str
    time: Decimal
    records: int
    slowest: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Results:
    """Every test of one or more JUnit files, combined, in the order first seen."""

    cases: tuple[Case, ...]
    suites: tuple[Suite, ...] = ()
    files: tuple[str, ...] = ()
    labels: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def label(self, item: Case) -> str:
        """How reports name a test: its id, with its suite when the id repeats across suites."""
        return self.labels.get(item.key, item.id)

    def with_outcome(self, *outcomes: Outcome) -> list[Case]:
        """The tests whose final outcome is one of `outcomes`, in order."""
        return [c for c in self.cases if c.outcome in outcomes]

    @property
    def failing(self) -> list[Case]:
        """Tests that failed or errored in the end."""
        return [c for c in self.cases if c.outcome.failing]

    @property
    def flaky(self) -> list[Case]:
        """Tests that failed, then passed."""
        return [c for c in self.cases if c.flaky]

    @property
    def ran(self) -> int:
        """How many tests ran (were not skipped)."""
        return sum(1 for c in self.cases if c.ran)

    def counts(self) -> dict[str, int]:
        """Tests by final outcome, and how many were flaky."""
        counts = {"tests": len(self.cases), **{o.value: 0 for o in Outcome}, "flaky": 0}
        for item in self.cases:
            counts[item.outcome.value] += 1
            counts["flaky"] += item.flaky
        return counts

    def slowest(self, n: int) -> list[Case]:
        """The `n` slowest tests, slowest first (ties in the order first seen)."""
        ranked = heapq.nsmallest(n, enumerate(self.cases), key=lambda p: (-p[1].time, p[0]))
        return [c for _, c in ranked]


#: One file's name, outermost suites, and cases by suite name, then by test id.
FileCases = tuple[str, Sequence[Suite], Mapping[str, Mapping[str, Case]]]


def combine(files: Sequence[FileCases]) -> Results:
    """Several files' tests as one run, grouped by suite, each in the order first seen."""
    cases: dict[str, dict[str, Case]] = {}
    for _, _, suites in files:
        for suite, found in suites.items():
            known = cases.get(suite)
            if known is None:
                cases[suite] = dict(found)
                continue
            for test_id, item in found.items():
                seen = known.get(test_id)
                known[test_id] = item if seen is None else merge(seen, item)
    flat = tuple(item for found in cases.values() for item in found.values())
    return Results(flat, tuple(s for _, suites, _ in files for s in suites),
                   tuple(name for name, _, _ in files), _labels(cases))


def _labels(cases: Mapping[str, Mapping[str, Case]]) -> dict[tuple[str, str], str]:
    """Name the suite only for ids that appear in more than one suite."""
    if len(cases) < 2:
        return {}
    suites: dict[str, list[str]] = {}
    for suite, found in cases.items():
        for test_id in found:
            suites.setdefault(test_id, []).append(suite)
    return {(suite, test_id): f"{test_id} [{suite or 'unnamed suite'}]"
            for test_id, names in suites.items() if len(names) > 1 for suite in names}


def matches(item: Case, pattern: str) -> bool:
    """Whether `pattern` names this test.

    The exact id or a marker always matches. A glob (`*`, `?`, `[`) matches
    the whole id; a plain word matches a whole part of the id before its
    parameters (parts split at `::`, `/`, `.`): `integration` matches
    `tests/integration/test_db.py::test_x` and a test marked `integration`, but
    not `test_integration_off` nor `test_parse[tests/integration/x.py]`.
    """
    if pattern == item.id or pattern in item.markers:
        return True
    if GLOB.search(pattern):
        return fnmatch.fnmatchcase(item.id, pattern)
    # Parameters (`test_x[tests/integration/a.py]`) are data, not where the test lives.
    return pattern in PARTS.split(item.id.partition("[")[0])


def first_line(text: str | None, limit: int = 200) -> str:
    """The first non-blank line of `text`, stripped and cut to `limit` characters."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""


def select(cases: Iterable[Case], pattern: str) -> list[Case]:
    """The tests `pattern` names, in order."""
    return [c for c in cases if matches(c, pattern)]
