"""`postgresql://` and `postgres://`: log in with psycopg 3 and run `SELECT 1`."""

from __future__ import annotations

import math
from typing import Any

from gate.checks.connect.outcome import (
    Attempt, Passed, ProbeFailure, Reason, classify_os_error, os_error_in, text_of)
from gate.checks.connect.settings import Check

_AUTH_STATES = {"28000", "28P01"}  # invalid authorization / invalid password
_AUTH_WORDS = ("authentication failed", "no password supplied", "no pg_hba.conf entry",
               "password is required", "role \"")


def probe(check: Check, attempt: Attempt) -> Passed:
    """Connect (the URL's credentials), `SELECT 1`, close."""
    import psycopg

    attempt.begin("connecting and logging in")
    # libpq rounds connect_timeout up to whole seconds, at least 2: the runner
    # still ends the attempt on time, whatever libpq waits for.
    limit = max(2, math.ceil(attempt.remaining()))
    try:
        conn = psycopg.connect(check.url, connect_timeout=limit, autocommit=True)
    except psycopg.Error as exc:
        raise failure(exc, attempt) from None
    try:
        attempt.begin("running SELECT 1")
        row = conn.execute("SELECT 1").fetchone()
        version = conn.info.server_version
    except psycopg.Error as exc:
        raise failure(exc, attempt) from None
    finally:
        conn.close()
    if row != (1,):
        raise ProbeFailure(Reason.PROTOCOL, f"SELECT 1 returned {row!r}")
    return Passed("logged in, SELECT 1 returned 1", {"server_version": _version(version)})


def _version(number: int) -> str:
    major, minor = divmod(number, 10000)
    return f"{major}.{minor}" if major >= 10 else f"{number // 10000}.{number // 100 % 100}"


def failure(exc: Any, attempt: Attempt) -> ProbeFailure:
    """A psycopg error as a classified failure."""
    import psycopg

    text = text_of(exc)
    low = text.lower()
    if isinstance(exc, psycopg.errors.ConnectionTimeout) or "timeout expired" in low:
        return ProbeFailure(Reason.TIMEOUT, attempt.timeout_detail())
    if getattr(exc, "sqlstate", None) in _AUTH_STATES or any(w in low for w in _AUTH_WORDS):
        return ProbeFailure(Reason.AUTH, text)
    if "connection refused" in low:
        return ProbeFailure(Reason.REFUSED, text)
    if "resolve host" in low or "translate host name" in low:
        return ProbeFailure(Reason.DNS, text)
    if "ssl" in low or "certificate" in low:
        return ProbeFailure(Reason.TLS, text)
    inner = os_error_in(exc)
    if inner is not None:
        reason, _ = classify_os_error(inner, attempt.step)
        return ProbeFailure(reason, text)
    return ProbeFailure(Reason.PROTOCOL, text)
