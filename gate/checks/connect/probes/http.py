"""`http://` and `https://`: a request whose status (and body) must match.

Redirects are followed up to `max-redirects`, unless the redirect status is
itself expected. TLS is always verified; an `https` certificate must also stay
valid for `min-days-valid` days.
"""

from __future__ import annotations

import base64
import http.client
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from gate.checks.connect.outcome import Attempt, Passed, ProbeFailure, Reason
from gate.checks.connect.probes import net
from gate.checks.connect.redact import redact_url
from gate.checks.connect.settings import Check

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_BODY = 1024 * 1024  # expect-body reads at most this much
CHUNK = 64 * 1024
SENSITIVE = frozenset({"authorization", "cookie", "proxy-authorization"})


def probe(check: Check, attempt: Attempt) -> Passed:
    """Request the URL, follow redirects, match status and body."""
    url, method = check.url, check.method
    facts: dict[str, Any] = {}
    for hop in range(check.max_redirects + 1):
        response, conn = _request(check, url, method, attempt, facts)
        try:
            status = response.status
            location = response.getheader("Location")
            if status in REDIRECTS and status not in check.expect_status and location:
                if hop == check.max_redirects:
                    raise ProbeFailure(Reason.STATUS, f"more than {check.max_redirects} "
                                       f"redirects (last: {status} to {redact_url(location)})",
                                       facts)
                url = urljoin(url, location)
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method = "GET"
                continue
            facts["status"] = status
            if hop:
                facts["redirects"] = hop
                facts["final_url"] = redact_url(url)
            if status not in check.expect_status:
                raise ProbeFailure(Reason.STATUS, f"{method} returned {status} "
                                   f"{response.reason}, expected {check.expect_status.text}",
                                   facts)
            if check.expect_body is not None:
                body = _read_body(response, attempt)
                if not check.expect_body.search(body):
                    raise ProbeFailure(Reason.BODY, f"the body ({len(body)} characters) does "
                                       f"not match /{check.expect_body.pattern}/", facts)
            via = f" after {hop} redirect{'s' if hop > 1 else ''}" if hop else ""
            return Passed(f"{method} returned {status} {response.reason}{via}", facts)
        finally:
            conn.close()
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _request(check: Check, url: str, method: str, attempt: Attempt,
             facts: dict[str, Any]) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ProbeFailure(Reason.STATUS, f"redirected to a {scheme or 'relative'}:// URL, "
                           "which this check does not follow", facts)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise ProbeFailure(Reason.PROTOCOL, f"redirected to an invalid URL: "
                           f"{redact_url(url)}", facts) from None
    sock = net.connect(host, port, attempt)
    if scheme == "https":
        tls = net.handshake(sock, host, check.ca_file, attempt)
        sock = tls
        try:
            facts.update(net.certificate(tls, host, check.min_days_valid))
        except BaseException:
            tls.close()
            raise
    conn = http.client.HTTPConnection(host, port, timeout=attempt.remaining())
    conn.sock = sock
    try:
        attempt.begin(f"sending the {method} request")
        sock.settimeout(attempt.remaining())
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in _headers(check, parts):
            conn.putheader(name, value)
        conn.endheaders()
        attempt.begin("waiting for the response")
        sock.settimeout(attempt.remaining())
        return conn.getresponse(), conn
    except OSError as exc:
        conn.close()
        raise net.failure(exc, attempt) from None
    except http.client.HTTPException as exc:
        conn.close()
        raise ProbeFailure(Reason.PROTOCOL, f"not an HTTP answer: {type(exc).__name__}",
                           facts) from None
    except BaseException:
        conn.close()
        raise


def _headers(check: Check, parts: Any) -> list[tuple[str, str]]:
    """Defaults, then Basic auth from the URL, then the check's headers (which win)."""
    headers = {"user-agent": ("User-Agent", "releasegate"), "accept": ("Accept", "*/*")}
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["authorization"] = ("Authorization",
                                    "Basic " + base64.b64encode(pair.encode()).decode())
    original = urlsplit(check.url)
    same_origin = (parts.scheme, parts.hostname, parts.port) == (
        original.scheme, original.hostname, original.port)
    for name, value in check.headers:
        # Credentials go only where they were meant to: never to another origin.
        if name.lower() in SENSITIVE and not same_origin:
            continue
        headers[name.lower()] = (name, value)
    return list(headers.values())


def _read_body(response: http.client.HTTPResponse, attempt: Attempt) -> str:
    # The socket keeps the timeout set before the response; http.client may
    # already have let go of it, so the budget is checked between reads.
    attempt.begin("reading the body")
    chunks: list[bytes] = []
    size = 0
    try:
        while size < MAX_BODY:
            attempt.remaining()
            chunk = response.read(min(CHUNK, MAX_BODY - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise net.failure(exc, attempt) from None
    except http.client.HTTPException as exc:
        raise ProbeFailure(Reason.PROTOCOL, f"the body ended early: {type(exc).__name__}"
                           ) from None
    charset = response.headers.get_content_charset() or "utf-8"
    try:
        return b"".join(chunks).decode(charset, errors="replace")
    except LookupError:
        return b"".join(chunks).decode("utf-8", errors="replace")
