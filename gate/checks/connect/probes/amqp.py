"""`amqp://` and `amqps://`: open a connection and a channel (pika)."""

from __future__ import annotations

import logging
from gate.checks.connect.outcome import (
    Attempt, Passed, ProbeFailure, Reason, classify_os_error, os_error_in, text_of)
from gate.checks.connect.probes import net
from gate.checks.connect.settings import Check

# pika logs every failed attempt; the gate reports them itself.
_LOG = logging.getLogger("pika")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False


def probe(check: Check, attempt: Attempt) -> Passed:
    """Log in to the URL's virtual host, open a channel, close."""
    import pika  # type: ignore[import-untyped]

    try:
        params = pika.URLParameters(check.url)
    except ValueError as exc:
        raise ProbeFailure(Reason.PROTOCOL, f"pika cannot use this URL: {exc}") from None
    left = attempt.remaining()
    params.socket_timeout = left
    params.stack_timeout = left
    params.blocked_connection_timeout = left
    params.connection_attempts = 1
    params.retry_delay = 0
    if check.scheme.tls:
        params.ssl_options = pika.SSLOptions(net.tls_context(check.ca_file),
                                             server_hostname=check.host)
    attempt.begin("connecting and logging in")
    try:
        conn = pika.BlockingConnection(params)
    except Exception as exc:  # pika raises its own errors and bare socket errors alike
        raise failure(exc, attempt) from None
    try:
        attempt.begin("opening a channel")
        channel = conn.channel()
        channel.close()
    except Exception as exc:
        raise failure(exc, attempt) from None
    finally:
        if conn.is_open:
            conn.close()
    return Passed("logged in, opened a channel")


def failure(exc: BaseException, attempt: Attempt) -> ProbeFailure:
    """A pika error as a classified failure."""
    from pika import exceptions

    text = text_of(exc)
    if isinstance(exc, (exceptions.ProbableAuthenticationError,
                        exceptions.AuthenticationError)):
        return ProbeFailure(Reason.AUTH, text)
    if isinstance(exc, exceptions.ProbableAccessDeniedError):
        return ProbeFailure(Reason.AUTH, f"access to the virtual host denied: {text}")
    if "Timeout" in type(exc).__name__:  # AMQPConnectorStackTimeout and kin
        return ProbeFailure(Reason.TIMEOUT, attempt.timeout_detail())
    inner = os_error_in(exc)
    if inner is not None:
        reason, detail = classify_os_error(inner, attempt.step)
        return ProbeFailure(reason, attempt.timeout_detail() if reason is Reason.TIMEOUT
                            else detail)
    return ProbeFailure(Reason.PROTOCOL, text)
