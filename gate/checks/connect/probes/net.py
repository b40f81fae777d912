"""Sockets within a budget: resolve, connect, TLS handshake, certificate expiry."""

from __future__ import annotations

import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.checks.connect.outcome import Attempt, ProbeFailure, Reason, classify_os_error
from gate.checks.connect.settings import Check

if TYPE_CHECKING:
    import ssl


def failure(exc: OSError, attempt: Attempt) -> ProbeFailure:
    """A socket error as a classified failure (a timeout names the step it struck)."""
    reason, detail = classify_os_error(exc, attempt.step)
    if reason is Reason.TIMEOUT:
        detail = attempt.timeout_detail()
    return ProbeFailure(reason, detail)


def resolve(host: str, port: int | None, attempt: Attempt) -> list[Any]:
    """The addresses of `host`; a DNS failure names the host."""
    attempt.begin(f"resolving {host}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ProbeFailure(Reason.DNS, f"{host}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise failure(exc, attempt) from None
    attempt.remaining()  # a slow answer still counts against the timeout
    if not infos:
        raise ProbeFailure(Reason.DNS, f"{host}: no address")
    return infos


def connect(host: str, port: int, attempt: Attempt) -> socket.socket:
    """A connected TCP socket to `host:port`, trying each address in turn."""
    infos = resolve(host, port, attempt)
    attempt.begin(f"connecting to {_hostport(host, port)}")
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(attempt.remaining())
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
            if isinstance(exc, TimeoutError):
                break
        except BaseException:
            sock.close()
            raise
    if last is None or isinstance(last, ConnectionRefusedError):
        raise ProbeFailure(Reason.REFUSED, f"nothing accepts connections on "
                           f"{_hostport(host, port)}")
    raise failure(last, attempt)


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def endpoint(check: Check) -> tuple[str, int]:
    """The host and port a check connects to (settings make sure both are there)."""
    if not check.host or check.port is None:
        raise ProbeFailure(Reason.PROTOCOL, "the URL names no host and port")
    return check.host, check.port


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying client context: the system's CAs, or only those in `ca_file`."""
    import ssl

    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def handshake(sock: socket.socket, host: str, ca_file: Path | None,
              attempt: Attempt) -> ssl.SSLSocket:
    """`sock` after a verified TLS handshake for `host`; closes it on failure."""
    attempt.begin(f"doing the TLS handshake with {host}")
    try:
        context = tls_context(ca_file)
        sock.settimeout(attempt.remaining())
        return context.wrap_socket(sock, server_hostname=host)
    except OSError as exc:
        sock.close()
        raise failure(exc, attempt) from None
    except BaseException:
        sock.close()
        raise


def certificate(tls: ssl.SSLSocket, host: str, min_days: int,
                now: datetime | None = None) -> dict[str, Any]:
    """Facts about the peer's certificate; `CERT_EXPIRING` when it expires too soon."""
    import ssl

    cert = tls.getpeercert() or {}
    not_after = cert.get("notAfter")
    if not isinstance(not_after, str):
        raise ProbeFailure(Reason.TLS, f"{host} sent no certificate expiry date")
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), timezone.utc)
    days = ((expires - (now or datetime.now(timezone.utc))).total_seconds()) / 86400
    facts = {"tls_version": tls.version(), "expires": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "days_left": round(days, 1)}
    if days < min_days:
        when = "expired" if days < 0 else f"expires in {days:.1f} days"
        raise ProbeFailure(
            Reason.CERT_EXPIRING,
            f"the certificate of {host} {when}, on {expires:%Y-%m-%d %H:%M} UTC "
            f"(min-days-valid is {min_days})",
            facts,
        )
    return facts
