"""Outcomes as check results: status, summary, latency, facts — secrets masked."""

from __future__ import annotations

from gate.checks.connect.outcome import Outcome, Reason
from gate.checks.connect.report import to_result
from gate.checks.connect.runner import Ran
from gate.checks.connect.settings import Entry, build
from gate.model import Status


def ran(url: str, outcome: Outcome, attempts: int = 1, elapsed: float = 0.01, name="db"):
    settings = build([Entry("t", url, name=name)], None, None, {})
    return to_result(Ran(settings.checks[0], outcome, attempts, elapsed), settings.redactor)


def test_a_pass_shows_what_was_done_and_how_fast() -> None:
    result = ran("postgresql://app:Hunter22@db/app",
                 Outcome(Reason.OK, "logged in, SELECT 1 returned 1", 0.012,
                         {"server_version": "15.19"}))
    assert (result.id, result.family, result.status) == ("connect.db", "connect", Status.PASS)
    assert result.summary == "postgresql://app:***@db/app: logged in, SELECT 1 returned 1 (12 ms)"
    assert result.findings == ()
    assert result.data["latency_ms"] == 12.0
    assert result.data["reason"] == "ok" and result.data["server_version"] == "15.19"
    assert result.duration == 0.01


def test_a_failure_names_its_reason_and_masks_driver_text() -> None:
    detail = ('connection failed: password authentication failed for user "app"\n'
              'DSN was host=db password=Hunter22')
    result = ran("postgresql://app:Hunter22@db/app", Outcome(Reason.AUTH, detail, 0.02),
                 attempts=3, elapsed=1.5)
    assert result.status is Status.FAIL
    assert result.summary == ("postgresql://app:***@db/app: authentication failed: connection "
                              'failed: password authentication failed for user "app" '
                              "(20 ms, 3 attempts in 1.5 s)")
    assert [f.message for f in result.findings] == ["DSN was host=db password=***"]
    assert "Hunter22" not in repr(result)


def test_a_missing_driver_is_an_error_naming_the_extra() -> None:
    result = ran("redis://h:1/0", Outcome(
        Reason.MISSING_DRIVER, "needs the redis driver: pip install 'releasegate[redis]'", 0.0),
        attempts=0)
    assert result.status is Status.ERROR
    assert result.summary == ("redis://h:1/0: driver not installed: needs the redis driver: "
                              "pip install 'releasegate[redis]'")
    assert "latency_ms" not in result.data


def test_an_unset_variable_fails_naming_it() -> None:
    result = ran("${DATABASE_URL}", Outcome(Reason.UNRESOLVED, "DATABASE_URL is not set", 0.0),
                 attempts=0)
    assert result.status is Status.FAIL
    assert result.summary == "${DATABASE_URL}: unresolved variable: DATABASE_URL is not set"


def test_reasons_map_to_statuses() -> None:
    assert {r: r.status for r in Reason} == {
        r: Status.PASS if r is Reason.OK else
        Status.ERROR if r is Reason.MISSING_DRIVER else Status.FAIL for r in Reason}


def test_a_long_detail_is_cut_in_the_summary_and_kept_in_full() -> None:
    result = ran("tcp://h:1", Outcome(Reason.PROTOCOL, "x" * 500, 0.001))
    assert len(result.summary) < 300 and result.summary.endswith("... (1 ms)")
    assert result.findings[0].message == "x" * 500
