"""The tests family's checks on combined results, its options and its settings."""

from __future__ import annotations

import argparse
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from gate.checks import tests as family
from gate.checks.tests import settings as declared
from gate.checks.tests.check import (
    ceil_percent,
    check_count,
    check_duration,
    check_failures,
    check_flaky,
    check_required,
    check_skipped,
    expand,
    seconds,
)
from gate.checks.tests.settings import SkipLimit, TestsSettings
from gate.errors import InputError, UsageError
from gate.family import Origin
from gate.model import Status
from gate.readers.junit.model import Case, Outcome, Results, Suite, combine, record, then

P, F, E, S, X = (Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED,
                 Outcome.XFAILED)


def results(*records: Case, suites: tuple[Suite, ...] = ()) -> Results:
    """Records of one file: a repeated id is another attempt."""
    cases: dict[str, Case] = {}
    for item in records:
        cases[item.id] = then(cases[item.id], item) if item.id in cases else item
    return combine([("junit.xml", suites, {"pytest": cases})])


def r(test_id: str, outcome: Outcome = P, time: str = "0", message: str = "",
      **kw: object) -> Case:
    return record(test_id, "pytest", outcome, Decimal(time), message, **kw)


def test_failures_lists_each_failing_test_with_its_first_message_line() -> None:
    found = results(r("m::ok"), r("m::bad", F, message="AssertionError: 1 != 2", file="t.py",
                                  line=4),
                    r("m::err", E, message="failed on setup"), r("m::skip", S))
    result = check_failures(found)
    assert result.status is Status.FAIL and result.id == "tests.failures"
    assert result.summary == "2 of 4 tests failed: 1 failure, 1 error"
    assert [f.message for f in result.findings] == [
        "m::bad: failed: AssertionError: 1 != 2", "m::err: error: failed on setup"]
    assert (result.findings[0].file, result.findings[0].line) == ("t.py", 4)
    assert result.data["counts"]["failed"] == 1 and len(result.data["failing"]) == 2


def test_failures_pass_and_mention_flaky_tests() -> None:
    result = check_failures(results(r("m::a"), r("m::b"), r("m::b")))
    assert result.status is Status.PASS
    assert result.summary == "no failures or errors in 2 tests (1 flaky test passed on a rerun)"


@pytest.mark.parametrize("minimum, status", [(0, Status.PASS), (2, Status.PASS),
                                             (3, Status.FAIL)])
def test_count_counts_tests_that_ran(minimum: int, status: Status) -> None:
    result = check_count(results(r("m::a"), r("m::b", F), r("m::c", S)), minimum)
    assert result.status is status
    assert "2 tests ran (1 skipped)" in result.summary


def test_an_empty_run_fails_the_default_count() -> None:
    result = check_count(results(), 1)
    assert result.status is Status.FAIL
    assert result.summary.startswith("only 0 tests ran < 1 required")


def skips(n: int, total: int) -> Results:
    return results(*[r(f"m::s{i}", S, message="no db" if i % 2 else "") for i in range(n)],
                   *[r(f"m::p{i}") for i in range(total - n)])


@pytest.mark.parametrize("limit, status, text", [
    (None, Status.PASS, "3 of 40 tests skipped (7.50%), no limit set"),
    (SkipLimit(count=3), Status.PASS, "3 of 40 tests skipped (7.50%) <= 3 tests allowed"),
    (SkipLimit(count=2), Status.FAIL, "3 of 40 tests skipped (7.50%) > 2 tests allowed"),
    (SkipLimit(count=1), Status.FAIL, "> 1 test allowed"),
    (SkipLimit(fraction=Fraction(3, 40)), Status.PASS, "(7.50%) <= 7.50% allowed"),
    (SkipLimit(fraction=Fraction(7, 100)), Status.FAIL, "(7.50%) > 7.00% allowed"),
])
def test_skipped_against_a_count_or_a_fraction(limit: SkipLimit | None, status: Status,
                                               text: str) -> None:
    result = check_skipped(skips(3, 40), limit)
    assert result.status is status and text in result.summary


def test_a_share_over_the_limit_never_shows_as_within_it() -> None:
    # 1/7 = 14.2857...%: rounded down it would read "14.28% > 14.28%".
    result = check_skipped(skips(1, 7), SkipLimit(fraction=Fraction(1428, 10000)))
    assert result.status is Status.FAIL
    assert "(14.29%) > 14.28% allowed" in result.summary


def test_skip_reasons_are_grouped_commonest_first() -> None:
    result = check_skipped(skips(5, 5), None)
    assert [f.message for f in result.findings] == [
        "3 tests skipped: no reason given (first: m::s0)",
        "2 tests skipped: no db (first: m::s1)"]


def test_a_lone_skip_names_its_test() -> None:
    result = check_skipped(results(r("m::s", S, message="no db", file="t.py", line=3)), None)
    assert [(f.message, f.file, f.line) for f in result.findings] == [
        ("m::s: skipped: no db", "t.py", 3)]


def test_many_skip_reasons_are_cut() -> None:
    found = results(*[r(f"m::s{i}", S, message=f"reason {i}") for i in range(25)])
    result = check_skipped(found, None)
    assert len(result.findings) == 21
    assert result.findings[-1].message == "... and 5 tests skipped for 5 other reasons"


def test_required_patterns_need_a_test_that_passed() -> None:
    found = results(
        r("tests/unit/test_a.py::test_a"),
        r("tests/integration/test_db.py::test_db", S, message="no database on 127.0.0.1:5432"),
        r("tests/integration/test_mq.py::test_mq", S),
        r("tests/e2e/test_x.py::test_x", markers=frozenset({"smoke"})),
    )
    result = check_required(found, ["unit", "integration", "smoke", "perf"])
    assert result.status is Status.FAIL
    assert result.summary == ("2 of 4 required patterns with no passing test: integration, perf")
    messages = [f.message for f in result.findings]
    assert messages[:2] == [
        "'integration': 2 tests matched but none passed (2 skipped); "
        "tests/integration/test_db.py::test_db: no database on 127.0.0.1:5432",
        "'perf': no test matches"]
    assert messages[2:] == ["'unit': 1 test passed", "'smoke': 1 test passed"]
    assert check_required(found, ["unit", "smoke"]).status is Status.PASS


def test_a_flaky_pass_satisfies_a_requirement_but_a_failure_does_not() -> None:
    found = results(r("it::a"), r("it::a"), r("it::b", F))
    assert check_required(found, ["it::a"]).status is Status.PASS
    assert check_required(found, ["it::b"]).status is Status.FAIL


@pytest.mark.parametrize("policy, status, warned", [
    ("block", Status.FAIL, False), ("warn", Status.PASS, True), ("allow", Status.PASS, False)])
def test_flaky_policy(policy: str, status: Status, warned: bool) -> None:
    found = results(r("m::f", time="1"), r("m::f", message="timeout"), r("m::ok"))
    result = check_flaky(found, policy)
    assert result.status is status
    assert [f.message for f in result.findings] == [
        "m::f: failed 1 of 2 attempts, then passed: timeout"]
    assert bool(result.warnings) is warned
    assert result.data["policy"] == policy


def test_no_flaky_tests() -> None:
    result = check_flaky(results(r("m::ok")), "block")
    assert (result.status, result.summary) == (Status.PASS, "no flaky tests")


def timed() -> Results:
    suite = Suite("pytest", "junit.xml", Decimal("12.5"), 4,
                  (("m::slow", Decimal("6")), ("m::mid", Decimal("2.0005"))))
    return results(r("m::fast", time="0.01"), r("m::slow", time="6"), r("m::mid", time="2.0005"),
                   r("m::skipped", S, time="9"), suites=(suite,))


def test_duration_shows_the_slowest_without_budgets() -> None:
    result = check_duration(timed(), 2, None, None)
    assert result.status is Status.PASS
    assert result.summary == "1 suite took 12.500s; slowest: m::skipped 9.000s"
    assert [f.message for f in result.findings] == [
        "m::skipped: 9.000s (slowest #1)", "m::slow: 6.000s (slowest #2)"]
    assert [row["id"] for row in result.data["slowest"]] == ["m::skipped", "m::slow"]


def test_duration_budgets_name_the_tests_and_suites_over_them() -> None:
    result = check_duration(timed(), 1, Decimal(2), Decimal(10))
    assert result.status is Status.FAIL
    assert result.summary.startswith("3 tests over 2.000s and 1 suite over 10.000s")
    assert [f.message for f in result.findings] == [
        "suite 'pytest' in junit.xml took 12.500s > 10.000s; its slowest: m::slow 6.000s, "
        "m::mid 2.0005s",
        "m::skipped: 9.000s > 2.000s",  # a test that waits 9s, then skips, costs 9s too
        "m::slow: 6.000s > 2.000s",
        "m::mid: 2.0005s > 2.000s",  # every decimal shown: never "2.001s > 2.000s" or "2.000s"
    ]
    assert check_duration(timed(), 2, Decimal(7), None).findings[1].message == (
        "m::slow: 6.000s (slowest #2)")
    within = check_duration(timed(), 0, Decimal(9), Decimal("12.5"))
    assert within.status is Status.PASS and within.findings == ()
    assert within.summary.endswith("; each test <= 9.000s and each suite <= 12.500s")


def test_seconds_and_ceil_percent() -> None:
    assert seconds(Decimal("1.5")) == "1.500s" and seconds(Decimal("0.0001")) == "0.0001s"
    assert seconds(Decimal(3)) == "3.000s"
    assert ceil_percent(Fraction(1, 3), 2) == "33.34%" and ceil_percent(Fraction(1, 4), 0) == "25%"


# Options and settings ------------------------------------------------------------------

ORIGIN = Origin("--x", Path("/base"))


@pytest.mark.parametrize("raw, expected", [
    (3, SkipLimit(count=3)), ("0", SkipLimit(count=0)), (" 12 ", SkipLimit(count=12)),
    ("5%", SkipLimit(fraction=Fraction(1, 20))), (0.05, SkipLimit(fraction=Fraction(1, 20))),
    ("1.0", SkipLimit(fraction=Fraction(1))),
])
def test_max_skipped_is_a_count_or_a_fraction(raw: object, expected: SkipLimit) -> None:
    assert declared._skip_limit(raw, ORIGIN) == expected


@pytest.mark.parametrize("raw", [True, "-1", "lots", "150%", 1.5, [1]])
def test_bad_max_skipped(raw: object) -> None:
    with pytest.raises(UsageError, match=r"^--x: "):
        declared._skip_limit(raw, ORIGIN)


def test_seconds_and_policy_options() -> None:
    assert declared._seconds("1.25", ORIGIN) == Decimal("1.25")
    assert declared._seconds(0.1, ORIGIN) == Decimal("0.1")  # a TOML float keeps its digits
    for bad in ("0", "-2", "nan", "inf", "soon", True):
        with pytest.raises(UsageError):
            declared._seconds(bad, ORIGIN)
    assert declared._policy(" Block ", ORIGIN) == "block"
    with pytest.raises(UsageError, match="expected one of block, warn, allow, got 'fail'"):
        declared._policy("fail", ORIGIN)


def test_configure() -> None:
    assert declared.configure({}) is None
    only_files = declared.configure({"files": (Path("a.xml"),)})
    assert only_files == TestsSettings(files=(Path("a.xml"),))
    assert (only_files.min_tests, only_files.slowest, only_files.flaky) == (1, 5, "warn")
    # A tests setting without a file still asks for the family: the run then says what is missing.
    no_files = declared.configure({"min-tests": 10})
    assert no_files is not None and no_files.files == () and no_files.min_tests == 10
    with pytest.raises(InputError, match="no JUnit report is given"):
        family.run(no_files)


def test_settings_table_and_flags(tmp_path: Path) -> None:
    table = {"files": ["reports/junit-*.xml"], "max-skipped": "10%", "require-tests": ["it"],
             "flaky": "block", "slowest": 3}
    options = {o.key: o for o in declared.OPTIONS}
    args = argparse.Namespace(**{family.FAMILY.dest(options["min-tests"]): "7",
                                 family.FAMILY.dest(options["flaky"]): "allow"})
    values = family.FAMILY.values(args, table, "pyproject.toml: tool.gate.tests", tmp_path)
    settings = declared.configure(values)
    assert settings == TestsSettings(files=(tmp_path / "reports/junit-*.xml",),
                                     max_skipped=SkipLimit(fraction=Fraction(1, 10)),
                                     require=("it",), min_tests=7, slowest=3, flaky="allow")
    with pytest.raises(UsageError, match="unknown key 'max-skips'"):
        family.FAMILY.values(argparse.Namespace(), {"max-skips": 1}, "where", tmp_path)


def test_families_with_the_same_key_keep_their_flags_apart(tmp_path: Path) -> None:
    """--junit-file and --coverage-file both set a `files` option, each its own family's."""
    from gate.cli import build_parser, families

    args = build_parser().parse_args(["check", "--junit-file", "j.xml", "--coverage-file",
                                      "c.xml"])
    values = {f.name: f.values(args, None, f.name, tmp_path) for f in families()}
    assert values["tests"]["files"] == (Path.cwd() / "j.xml",)
    assert values["coverage"]["files"] == (Path.cwd() / "c.xml",)
    only_junit = build_parser().parse_args(["check", "--junit-file", "j.xml"])
    coverage = next(f for f in families() if f.name == "coverage")
    assert "files" not in coverage.values(only_junit, None, "coverage", tmp_path)


def test_expand_globs_in_order_and_literal_paths(tmp_path: Path) -> None:
    for name in ("junit-b.xml", "junit-a.xml", "other.xml", "x[1].xml"):
        (tmp_path / name).write_text("<testsuite/>")
    assert expand([tmp_path / "junit-*.xml", tmp_path / "junit-a.xml"]) == [
        tmp_path / "junit-a.xml", tmp_path / "junit-b.xml"]
    assert expand([tmp_path / "x[1].xml"]) == [tmp_path / "x[1].xml"]
    assert expand([tmp_path / "missing.xml"]) == [tmp_path / "missing.xml"]
    with pytest.raises(InputError, match=r"no JUnit report matches .*/nothing-\*\.xml"):
        expand([tmp_path / "nothing-*.xml"])
