"""`redis://` and `rediss://`: AUTH where the URL gives credentials, then PING (redis-py)."""

from __future__ import annotations

from typing import Any

from gate.checks.connect.outcome import (
    Attempt, Passed, ProbeFailure, Reason, classify_os_error, os_error_in, text_of)
from gate.checks.connect.settings import Check


def probe(check: Check, attempt: Attempt) -> Passed:
    """Connect, authenticate, PING, close; one try (the runner does the retrying)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    left = attempt.remaining()
    options: dict[str, Any] = {"socket_connect_timeout": left, "socket_timeout": left,
                               "retry": Retry(NoBackoff(), 0), "health_check_interval": 0}
    if check.scheme.tls and check.ca_file is not None:
        options["ssl_ca_certs"] = str(check.ca_file)
    attempt.begin("connecting, authenticating and sending PING")
    try:
        client = redis.Redis.from_url(check.url, **options)
    except ValueError as exc:
        raise ProbeFailure(Reason.PROTOCOL, f"redis-py cannot use this URL: {exc}") from None
    try:
        answer = client.ping()
    except redis.RedisError as exc:
        raise failure(exc, attempt) from None
    finally:
        client.close()
    if answer is not True:
        raise ProbeFailure(Reason.PROTOCOL, f"PING answered {answer!r}")
    return Passed("PING answered PONG")


def failure(exc: Any, attempt: Attempt) -> ProbeFailure:
    """A redis-py error as a classified failure."""
    import redis

    text = text_of(exc)
    if isinstance(exc, redis.AuthenticationError) or text.startswith(("NOAUTH", "WRONGPASS")):
        return ProbeFailure(Reason.AUTH, text)
    if isinstance(exc, redis.TimeoutError):
        return ProbeFailure(Reason.TIMEOUT, attempt.timeout_detail())
    inner = os_error_in(exc)
    if inner is not None:
        reason, _ = classify_os_error(inner, attempt.step)
        return ProbeFailure(reason, attempt.timeout_detail() if reason is Reason.TIMEOUT else text)
    if "Connection refused" in text:
        return ProbeFailure(Reason.REFUSED, text)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return ProbeFailure(Reason.DNS, text)
    return ProbeFailure(Reason.PROTOCOL, text)
