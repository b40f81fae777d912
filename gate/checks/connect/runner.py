"""Run every check at once under one deadline; under `--wait`, retry what fails.

Each attempt runs in a daemon thread with its own time budget; this scheduler
ends an attempt that outlives its budget (a hung DNS lookup, a driver that
rounds its timeout up) as a timeout, on time, and leaves the thread behind.
A retry starts only before the deadline, so the whole run ends within the
deadline plus one timeout.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from gate.checks.connect.outcome import (
    Attempt, Clock, MissingDriver, Outcome, Passed, ProbeFailure, Reason, classify_os_error,
    text_of)
from gate.checks.connect.settings import Check

Probe = Callable[[Check, Attempt], Passed]
ProbeFor = Callable[[Check], Probe]

#: The first pause between attempts, and the longest (seconds); each is jittered.
BASE_DELAY = 0.1
MAX_DELAY = 2.0


@dataclass(frozen=True)
class Ran:
    """A check's last outcome, how many attempts it took and how long in all."""

    check: Check
    outcome: Outcome
    attempts: int
    elapsed: float


def backoff(failures: int, rng: random.Random) -> float:
    """The pause after `failures` failed attempts: doubling up to MAX_DELAY, times 0.5-1."""
    ceiling = min(MAX_DELAY, BASE_DELAY * float(2 ** max(0, failures - 1)))
    return ceiling * (0.5 + rng.random() / 2)


def attempt_once(probe: Probe, check: Check, attempt: Attempt) -> Outcome:
    """One attempt; whatever the probe or its driver raises becomes an outcome."""
    try:
        passed = probe(check, attempt)
    except ProbeFailure as exc:
        return Outcome(exc.reason, exc.detail, attempt.elapsed(), exc.facts)
    except OSError as exc:
        reason, detail = classify_os_error(exc, attempt.step)
        if reason is Reason.TIMEOUT:
            detail = attempt.timeout_detail()
        return Outcome(reason, detail, attempt.elapsed())
    except Exception as exc:  # a driver's own error type: reported, never a crash
        return Outcome(Reason.PROTOCOL, f"{type(exc).__name__}: {text_of(exc)}",
                       attempt.elapsed())
    return Outcome(Reason.OK, passed.detail, attempt.elapsed(), passed.facts)


class _State:
    """The scheduler's view of one check."""

    def __init__(self, check: Check) -> None:
        self.check = check
        self.probe: Probe | None = None
        self.outcome: Outcome | None = None
        self.attempts = 0
        self.next_at = -1.0  # when to try next; negative once settled
        self.running: Attempt | None = None
        self.finished_at = 0.0


def run_checks(checks: Sequence[Check], probe_for: ProbeFor, wait: float | None = None,
               clock: Clock = time.monotonic, rng: random.Random | None = None) -> list[Ran]:
    """Run `checks` concurrently; with `wait`, retry failures until `wait` seconds pass."""
    # Jitter spreads retries out; it needs no cryptographic randomness.
    rng = rng or random.Random()  # nosec B311
    results: queue.Queue[tuple[int, int, Outcome]] = queue.Queue()
    states = [_State(check) for check in checks]
    for state in states:
        _prepare(state, probe_for)  # drivers load before the clock starts
    start = clock()
    deadline = start + (wait or 0.0)
    for state in states:
        state.finished_at = start
        if state.outcome is None:
            state.next_at = start

    def finish(index: int, outcome: Outcome) -> None:
        state = states[index]
        state.running = None
        state.outcome = outcome
        now = clock()
        state.finished_at = now
        if outcome.reason.final or wait is None or now >= deadline:
            state.next_at = -1.0
        else:
            state.next_at = min(now + backoff(state.attempts, rng), deadline)

    while True:
        now = clock()
        for index, state in enumerate(states):
            if state.running is None and state.probe and 0 <= state.next_at <= now:
                _launch(index, state, state.probe, results, clock)
            elif state.running is not None and now >= state.running.deadline:
                # The attempt outlived its budget: a timeout now, whatever it does later.
                attempt = state.running
                finish(index, Outcome(Reason.TIMEOUT, attempt.timeout_detail(),
                                      attempt.timeout))
        waiting = [s for s in states if s.running is not None or s.next_at >= 0]
        if not waiting:
            break
        wake = min(s.running.deadline if s.running is not None else s.next_at for s in waiting)
        try:
            index, token, outcome = results.get(timeout=max(0.0, wake - clock()))
        except queue.Empty:
            continue
        state = states[index]
        if state.running is not None and state.attempts == token:
            finish(index, outcome)
    return [Ran(s.check, s.outcome or Outcome(Reason.TIMEOUT, "never ran", 0.0), s.attempts,
                s.finished_at - start) for s in states]


def _prepare(state: _State, probe_for: ProbeFor) -> None:
    """Settle the checks that cannot run: unset variables, missing drivers."""
    check = state.check
    if check.unresolved:
        names = ", ".join(check.unresolved)
        verb = "is" if len(check.unresolved) == 1 else "are"
        state.outcome = Outcome(Reason.UNRESOLVED, f"{names} {verb} not set", 0.0)
        return
    try:
        state.probe = probe_for(check)
    except MissingDriver as exc:
        state.outcome = Outcome(Reason.MISSING_DRIVER, str(exc), 0.0,
                                {"extra": exc.extra, "driver": exc.module})


def _launch(index: int, state: _State, probe: Probe,
            results: queue.Queue[tuple[int, int, Outcome]], clock: Clock) -> None:
    state.attempts += 1
    attempt = Attempt(state.check.timeout, clock)
    state.running = attempt
    check, token = state.check, state.attempts

    def work() -> None:
        results.put((index, token, attempt_once(probe, check, attempt)))

    threading.Thread(target=work, name=f"connect-{check.name}-{token}", daemon=True).start()
