"""The scheduler: concurrency, one deadline, timeouts on time, backoff under --wait.

The probes here are small functions: what is under test is the scheduling.
The probes themselves meet real servers in tests/integration.
"""

from __future__ import annotations

import random
import threading
import time

from gate.checks.connect.outcome import Attempt, MissingDriver, Passed, ProbeFailure, Reason
from gate.checks.connect.runner import attempt_once, backoff, run_checks
from gate.checks.connect.settings import Entry, build

MARGIN = 0.5  # generous: the machine is shared


def checks(count: int, timeout: float = 1.0, url: str = "tcp://127.0.0.1:1"):
    entries = [Entry("test", url, name=f"c{i}", timeout=timeout) for i in range(count)]
    return build(entries, None, None, {}).checks


def sleeper(seconds: float):
    def probe(check, attempt: Attempt) -> Passed:
        time.sleep(seconds)
        return Passed("slept")
    return probe


def test_checks_run_at_once() -> None:
    started = time.monotonic()
    ran = run_checks(checks(20), lambda c: sleeper(0.3))
    elapsed = time.monotonic() - started
    assert [r.outcome.reason for r in ran] == [Reason.OK] * 20
    assert elapsed < 0.3 * 20 / 2  # serially it would take 6 s
    assert all(r.attempts == 1 for r in ran)


def test_a_hung_probe_times_out_on_time_and_names_its_step() -> None:
    release = threading.Event()

    def hangs(check, attempt: Attempt) -> Passed:
        attempt.begin("resolving db.internal")
        release.wait(10)  # like getaddrinfo, which takes no timeout
        return Passed("too late")

    started = time.monotonic()
    (ran,) = run_checks(checks(1, timeout=0.5), lambda c: hangs)
    elapsed = time.monotonic() - started
    release.set()
    assert ran.outcome.reason is Reason.TIMEOUT
    assert ran.outcome.detail == "no answer within 500 ms while resolving db.internal"
    assert 0.5 <= elapsed < 0.5 + MARGIN


def test_without_wait_a_failure_is_not_retried() -> None:
    calls = []

    def refuses(check, attempt):
        calls.append(1)
        raise ProbeFailure(Reason.REFUSED, "no")

    (ran,) = run_checks(checks(1), lambda c: refuses)
    assert (ran.outcome.reason, ran.attempts, len(calls)) == (Reason.REFUSED, 1, 1)


def test_wait_retries_until_the_service_answers() -> None:
    ready_at = time.monotonic() + 0.8

    def starting(check, attempt):
        if time.monotonic() < ready_at:
            raise ProbeFailure(Reason.REFUSED, "not yet")
        return Passed("up")

    (ran,) = run_checks(checks(1), lambda c: starting, wait=5)
    assert ran.outcome.reason is Reason.OK
    assert ran.attempts > 2
    assert 0.8 <= ran.elapsed < 0.8 + 2.0 + MARGIN  # at most one backoff cap late


def test_wait_stops_at_the_deadline_plus_one_timeout() -> None:
    def hangs(check, attempt):
        time.sleep(2)
        return Passed("too late")

    started = time.monotonic()
    (ran,) = run_checks(checks(1, timeout=0.4), lambda c: hangs, wait=1.0)
    elapsed = time.monotonic() - started
    assert ran.outcome.reason is Reason.TIMEOUT
    assert ran.attempts >= 2
    assert 1.0 <= elapsed < 1.0 + 0.4 + MARGIN


def test_final_reasons_are_not_retried() -> None:
    def missing(check):
        raise MissingDriver("psycopg", "postgres")

    (ran,) = run_checks(checks(1), missing, wait=2)
    assert (ran.outcome.reason, ran.attempts) == (Reason.MISSING_DRIVER, 0)
    assert ran.outcome.detail == "needs the psycopg driver: pip install 'releasegate[postgres]'"
    unresolved = build([Entry("test", "${NOPE}")], None, None, {}).checks
    (ran,) = run_checks(unresolved, lambda c: sleeper(0), wait=2)
    assert (ran.outcome.reason, ran.outcome.detail) == (Reason.UNRESOLVED, "NOPE is not set")


def test_whatever_a_probe_raises_becomes_an_outcome() -> None:
    attempt = Attempt(1.0)
    (check,) = checks(1)

    def boom(check, attempt):
        raise KeyError("driver bug")

    def refused(check, attempt):
        raise ConnectionRefusedError(111, "Connection refused")

    assert attempt_once(boom, check, attempt).reason is Reason.PROTOCOL
    assert "KeyError" in attempt_once(boom, check, attempt).detail
    assert attempt_once(refused, check, attempt).reason is Reason.REFUSED


def test_attempt_budget_runs_out() -> None:
    now = [0.0]
    attempt = Attempt(2.0, clock=lambda: now[0])
    attempt.begin("reading")
    assert attempt.remaining() == 2.0
    now[0] = 2.5
    try:
        attempt.remaining()
    except ProbeFailure as exc:
        assert (exc.reason, exc.detail) == (Reason.TIMEOUT, "no answer within 2 s while reading")
    else:
        raise AssertionError("no timeout")


def test_backoff_doubles_with_jitter_up_to_a_cap() -> None:
    rng = random.Random(7)
    for failures, ceiling in ((1, 0.1), (2, 0.2), (3, 0.4), (6, 2.0), (30, 2.0)):
        for _ in range(50):
            assert ceiling / 2 <= backoff(failures, rng) <= ceiling
    delays = {round(backoff(3, rng), 6) for _ in range(20)}
    assert len(delays) > 10  # jittered, not fixed
