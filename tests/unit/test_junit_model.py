"""The JUnit model: attempts in a file, merging across files, flakiness, labels, matching."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.readers.junit.model import (
    Case,
    Outcome,
    Suite,
    combine,
    first_line,
    matches,
    merge,
    record,
    then,
)

P, F, E, S, X = (Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED,
                 Outcome.XFAILED)


def rec(outcome: Outcome, test_id: str = "m::t", time: str = "0", message: str = "",
        suite: str = "pytest", retried: int = 0, **kw: object) -> Case:
    return record(test_id, suite, outcome, Decimal(time), message, retried=retried, **kw)


def attempts(*records: Case) -> Case:
    """Records of one test in one file, in order."""
    result = records[0]
    for later in records[1:]:
        result = then(result, later)
    return result


def test_a_single_record_is_one_attempt() -> None:
    assert rec(P).attempts == 1 and not rec(P).flaky
    failed = rec(F, message="boom")
    assert (failed.outcome, failed.failed_attempts, failed.message) == (F, 1, "boom")


def test_rerunfailures_records_fail_then_pass_is_flaky() -> None:
    # pytest-rerunfailures writes each failed attempt as an empty record, then the final one.
    result = attempts(rec(P, time="0.2"), rec(P, time="0.5"), rec(P, time="0.1"))
    assert result.outcome is P and result.flaky
    assert (result.attempts, result.failed_attempts, result.time) == (3, 2, Decimal("0.5"))


def test_rerunfailures_records_ending_in_failure_fail() -> None:
    result = attempts(rec(P), rec(P), rec(F, message="still broken"))
    assert result.outcome is F and not result.flaky
    assert (result.attempts, result.failed_attempts, result.message) == (3, 3, "still broken")


def test_failure_then_teardown_error_in_one_file_is_an_error() -> None:
    # pytest writes a failing call and a failing teardown as two records.
    result = attempts(rec(F, message="call"), rec(E, message="teardown"))
    assert result.outcome is E and result.message == "teardown" and not result.flaky


def test_flaky_elements_inside_a_passing_record() -> None:
    result = rec(P, retried=2, message="first try failed")
    assert result.flaky and (result.attempts, result.failed_attempts) == (3, 2)
    assert result.message == "first try failed"


def test_rerun_elements_inside_a_failing_record_are_not_flaky() -> None:
    result = rec(F, retried=2, message="nope")
    assert not result.flaky and (result.attempts, result.failed_attempts) == (3, 3)


@pytest.mark.parametrize("first, second, outcome, flaky", [
    (F, P, P, True),     # failed, then passed in a rerun of the failed ids
    (P, F, P, True),     # order does not matter: it both failed and passed
    (F, F, F, False),
    (E, F, F, False),    # the later failure is the one shown
    (F, E, E, False),
    (P, P, P, False),
    (S, P, P, False),    # skipped in one shard, ran in another
    (P, S, P, False),
    (S, S, S, False),
    (S, X, X, False),
    (X, S, X, False),
    (F, S, F, False),    # a failure is never hidden by a skip elsewhere
    (S, F, F, False),
    (F, X, F, False),
])
def test_merge_across_files(first: Outcome, second: Outcome, outcome: Outcome,
                            flaky: bool) -> None:
    merged = merge(rec(first, message=first.value), rec(second, message=second.value))
    assert merged.outcome is outcome and merged.flaky is flaky
    assert merged.attempts == 2
    if outcome.failing or outcome is S:
        assert merged.message == outcome.value


def test_a_flaky_merge_keeps_the_failure_message() -> None:
    merged = merge(rec(F, message="flaked: timeout"), rec(P))
    assert merged.flaky and merged.message == "flaked: timeout"


def test_merge_keeps_the_longest_time_the_first_location_and_all_markers() -> None:
    a = rec(P, time="1.5", file="t.py", line=3, markers=frozenset({"slow"}))
    b = rec(P, time="2.5", file="u.py", line=9, markers=frozenset({"db"}))
    merged = merge(a, b)
    assert (merged.time, merged.file, merged.line) == (Decimal("2.5"), "t.py", 3)
    assert merged.markers == {"slow", "db"}
    assert merge(rec(P), b).file == "u.py"


def by_key(*cases: Case) -> dict[str, dict[str, Case]]:
    nested: dict[str, dict[str, Case]] = {}
    for item in cases:
        nested.setdefault(item.suite, {})[item.id] = item
    return nested


def test_combine_merges_files_and_keeps_first_seen_order() -> None:
    one = by_key(rec(F, "a::x"), rec(P, "a::y"))
    two = by_key(rec(P, "a::z"), rec(P, "a::x"))
    results = combine([("one.xml", (Suite("pytest", "one.xml", Decimal(1), 2),), one),
                       ("two.xml", (), two)])
    assert [c.id for c in results.cases] == ["a::x", "a::y", "a::z"]
    assert results.counts() == {"tests": 3, "passed": 3, "failed": 0, "error": 0,
                                "skipped": 0, "xfailed": 0, "flaky": 1}
    assert [c.id for c in results.flaky] == ["a::x"]
    assert results.files == ("one.xml", "two.xml") and len(results.suites) == 1


def test_combine_keeps_suites_apart_and_labels_ids_that_repeat() -> None:
    # A matrix whose jobs name their suites: a failure on one Python is not a flake.
    py310 = by_key(rec(F, "a::x", suite="py3.10"), rec(P, "a::y", suite="py3.10"))
    py311 = by_key(rec(P, "a::x", suite="py3.11"))
    results = combine([("310.xml", (), py310), ("311.xml", (), py311)])
    assert [c.outcome for c in results.cases] == [F, P, P]
    assert not results.flaky
    labels = [results.label(c) for c in results.cases]
    assert labels == ["a::x [py3.10]", "a::y", "a::x [py3.11]"]


def test_combine_of_nothing() -> None:
    empty = combine([])
    assert empty.cases == () and empty.ran == 0 and empty.slowest(3) == []


def test_slowest_orders_by_time_then_first_seen() -> None:
    cases = [rec(P, f"m::t{i}", time=t) for i, t in enumerate(["1", "3", "2", "3", "0"])]
    results = combine([("f", (), by_key(*cases))])
    assert [c.id for c in results.slowest(3)] == ["m::t1", "m::t3", "m::t2"]
    assert len(results.slowest(99)) == 5 and results.slowest(0) == []


def one(test_id: str, markers: frozenset[str] = frozenset()) -> Case:
    return rec(P, test_id, markers=markers)


@pytest.mark.parametrize("pattern, test_id, expected", [
    ("integration", "tests/integration/test_db.py::test_x", True),
    ("integration", "tests.integration.test_db::test_x", True),
    ("integration", "tests/unit/test_integration_off.py::test_x", False),
    ("integration", "tests/unit/test_x.py::test_integration", False),
    ("test_x", "tests/unit/test_x.py::test_x", True),
    ("integration", "tests.unit.test_m::test_p[tests/integration/a.py-True]", False),
    ("*integration*", "tests.unit.test_m::test_p[tests/integration/a.py-True]", True),
    ("*integration*", "tests/unit/test_x.py::test_integration", True),
    ("tests/unit/*", "tests/unit/test_x.py::test_a", True),
    ("tests/unit/*", "tests/integration/test_x.py::test_a", False),
    ("*test_p[[]1]", "m::test_p[1]", True),
    ("test_p[[]1]", "m::test_p[1]", False),  # a glob matches the whole id
    ("m::test_p[1]", "m::test_p[1]", True),
])
def test_matches_on_id(pattern: str, test_id: str, expected: bool) -> None:
    assert matches(one(test_id), pattern) is expected


def test_matches_on_marker() -> None:
    assert matches(one("m::t", frozenset({"integration"})), "integration")
    assert not matches(one("m::t", frozenset({"integration_like"})), "integration")


def test_first_line() -> None:
    assert first_line("\n\n  AssertionError: x  \nmore") == "AssertionError: x"
    assert first_line(None) == "" and first_line("   \n ") == ""
    long = first_line("y" * 500)
    assert len(long) == 200 and long.endswith("…")


outcomes = st.sampled_from(list(Outcome))


@given(st.lists(st.lists(outcomes, min_size=1, max_size=4), min_size=1, max_size=4))
def test_combined_outcome_laws(files: list[list[Outcome]]) -> None:
    """Whatever the attempts: passed anywhere wins; a failure is never lost to a skip."""
    per_file = [attempts(*(rec(o) for o in outs)) for outs in files]
    total = per_file[0]
    for more in per_file[1:]:
        total = merge(total, more)
    finals = [c.outcome for c in per_file]
    assert total.attempts == sum(len(f) for f in files)
    if P in finals:
        assert total.outcome is P
    elif any(o.failing for o in finals):
        assert total.outcome.failing
    assert total.flaky == (total.outcome is P and total.failed_attempts > 0)
    assert 0 <= total.failed_attempts <= total.attempts
