"""`mysql://` and `mariadb://`: log in with PyMySQL and run `SELECT 1`."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from gate.checks.connect.outcome import (
    Attempt, Passed, ProbeFailure, Reason, classify_os_error, os_error_in, text_of)
from gate.checks.connect.redact import split_userinfo
from gate.checks.connect.settings import Check

# ER_DBACCESS_DENIED, ER_ACCESS_DENIED, ER_NOT_SUPPORTED_AUTH_MODE, ER_ACCESS_DENIED_NO_PASSWORD
_AUTH_CODES = {1044, 1045, 1251, 1698}
_LOST = {2006, 2013}  # server gone away, lost connection


def probe(check: Check, attempt: Attempt) -> Passed:
    """Connect (the URL's credentials and database), `SELECT 1`, close."""
    import pymysql  # type: ignore[import-untyped]

    prefix, userinfo, rest = split_userinfo(check.url)  # as settings and redaction read it
    name, _, secret = (userinfo or "").partition(":")
    user = unquote(name) or None
    password = unquote(secret)
    database = unquote(urlsplit(prefix + rest).path.lstrip("/")) or None
    attempt.begin("connecting and logging in")
    left = attempt.remaining()
    try:
        conn = pymysql.connect(host=check.host, port=check.port or 3306, user=user,
                               password=password, database=database, connect_timeout=left,
                               read_timeout=left, write_timeout=left)
    except pymysql.err.MySQLError as exc:
        raise failure(exc, attempt) from None
    try:
        attempt.begin("running SELECT 1")
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        version = conn.get_server_info()
    except pymysql.err.MySQLError as exc:
        raise failure(exc, attempt) from None
    finally:
        conn.close()
    if row != (1,):
        raise ProbeFailure(Reason.PROTOCOL, f"SELECT 1 returned {row!r}")
    return Passed("logged in, SELECT 1 returned 1", {"server_version": str(version)})


def failure(exc: Any, attempt: Attempt) -> ProbeFailure:
    """A PyMySQL error as a classified failure."""
    args: Any = getattr(exc, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    text = str(args[1]) if len(args) > 1 else text_of(exc)
    if code in _AUTH_CODES:
        return ProbeFailure(Reason.AUTH, text)
    if "timed out" in text:
        return ProbeFailure(Reason.TIMEOUT, attempt.timeout_detail())
    inner = os_error_in(exc)
    if inner is not None:
        reason, _ = classify_os_error(inner, attempt.step)
        if reason is Reason.TIMEOUT:
            return ProbeFailure(reason, attempt.timeout_detail())
        return ProbeFailure(reason, text)
    if code in _LOST:
        return ProbeFailure(Reason.PROTOCOL, f"the server closed the connection: {text}")
    return ProbeFailure(Reason.PROTOCOL, text)
