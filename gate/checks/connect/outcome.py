"""What one connection attempt found: a classified reason, a detail, a latency.

Probes report failures by raising `ProbeFailure`; the runner turns every
exception into an `Outcome`, so nothing a driver raises escapes as a crash.
"""

from __future__ import annotations

import enum
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from gate.model import Status


class Reason(str, enum.Enum):
    """Why a check ended as it did; the value is what JSON reports show."""

    OK = "ok"
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    AUTH = "auth"
    STATUS = "status"
    BODY = "body"
    CERT_EXPIRING = "cert-expiring"
    UNREACHABLE = "unreachable"
    PROTOCOL = "protocol"
    UNRESOLVED = "unresolved-variable"
    MISSING_DRIVER = "missing-driver"

    @property
    def label(self) -> str:
        """How a summary line names this reason."""
        return _LABELS[self]

    @property
    def status(self) -> Status:
        """The check status this reason ends with."""
        if self is Reason.OK:
            return Status.PASS
        # A missing driver means the gate could not run the check at all.
        return Status.ERROR if self is Reason.MISSING_DRIVER else Status.FAIL

    @property
    def final(self) -> bool:
        """Whether retrying cannot change it (so `--wait` does not retry)."""
        return self in (Reason.OK, Reason.UNRESOLVED, Reason.MISSING_DRIVER)


_LABELS = {
    Reason.OK: "ok",
    Reason.DNS: "name does not resolve",
    Reason.REFUSED: "connection refused",
    Reason.TIMEOUT: "timed out",
    Reason.TLS: "TLS error",
    Reason.AUTH: "authentication failed",
    Reason.STATUS: "unexpected status",
    Reason.BODY: "unexpected body",
    Reason.CERT_EXPIRING: "certificate expiring",
    Reason.UNREACHABLE: "unreachable",
    Reason.PROTOCOL: "protocol error",
    Reason.UNRESOLVED: "unresolved variable",
    Reason.MISSING_DRIVER: "driver not installed",
}


@dataclass(frozen=True)
class Outcome:
    """One attempt's result. `detail` may hold driver text: redact before showing."""

    reason: Reason
    detail: str
    latency: float
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether the attempt succeeded."""
        return self.reason is Reason.OK


@dataclass(frozen=True)
class Passed:
    """What a probe returns on success: a short account and facts for the reports."""

    detail: str
    facts: Mapping[str, Any] = field(default_factory=dict)


class ProbeFailure(Exception):
    """Raised by a probe: the service answered wrongly, or not at all."""

    def __init__(self, reason: Reason, detail: str, facts: Mapping[str, Any] | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.facts = dict(facts or {})


class MissingDriver(Exception):
    """The driver a scheme needs is not installed."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(f"needs the {module} driver: pip install 'releasegate[{extra}]'")
        self.module = module
        self.extra = extra


Clock = Callable[[], float]


class Attempt:
    """One try at a check: its time budget and the step it is on.

    Every step takes `remaining()` as its own timeout, so no step outlives the
    check's timeout; the runner reads `step` to say where a timeout struck.
    """

    def __init__(self, timeout: float, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.timeout = timeout
        self.started = clock()
        self.deadline = self.started + timeout
        self.step = "starting"

    def begin(self, step: str) -> None:
        """Record the step now under way (shown if the timeout strikes during it)."""
        self.step = step

    def elapsed(self) -> float:
        """Seconds since the attempt started."""
        return self.clock() - self.started

    def remaining(self) -> float:
        """Seconds left for the current step; a `ProbeFailure` once none are."""
        left = self.deadline - self.clock()
        if left <= 0:
            raise ProbeFailure(Reason.TIMEOUT, self.timeout_detail())
        return left

    def timeout_detail(self) -> str:
        """`no answer within 1 s while waiting for the response`."""
        return f"no answer within {seconds(self.timeout)} while {self.step}"


def seconds(value: float) -> str:
    """A duration for people: `850 ms`, `1 s`, `2.5 s`."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:g} s" if value == round(value, 1) else f"{value:.2f} s"


# Classifying exceptions ---------------------------------------------------------


def classify_os_error(exc: OSError, step: str = "") -> tuple[Reason, str]:
    """The reason and detail for a socket-level error."""
    import socket

    ssl = sys.modules.get("ssl")  # only loaded when a TLS check ran
    if ssl is not None and isinstance(exc, ssl.SSLCertVerificationError):
        return Reason.TLS, f"certificate verify failed: {exc.verify_message}"
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return Reason.TLS, f"TLS handshake failed: {getattr(exc, 'reason', None) or exc}"
    if isinstance(exc, socket.gaierror):
        return Reason.DNS, exc.strerror or str(exc)
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError since 3.10
        return Reason.TIMEOUT, f"timed out while {step}" if step else "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return Reason.REFUSED, "the server refused the connection"
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        where = f" while {step}" if step else ""
        return Reason.PROTOCOL, f"the server closed the connection{where}"
    return Reason.UNREACHABLE, exc.strerror or str(exc) or type(exc).__name__


def wrapped(exc: BaseException) -> list[BaseException]:
    """The exceptions `exc` carries: in its args, or as drivers keep them (`.exception(s)`)."""
    inner = [a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)]
    one = getattr(exc, "exception", None)
    if isinstance(one, BaseException):
        inner.append(one)
    many = getattr(exc, "exceptions", ())
    if isinstance(many, (list, tuple)):
        inner.extend(e for e in many if isinstance(e, BaseException))
    return inner


def causes(exc: BaseException, limit: int = 24) -> list[BaseException]:
    """`exc` and what it wraps or was raised from, breadth first."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < limit:
        current = todo.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend(wrapped(current))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)
    return seen


def os_error_in(exc: BaseException) -> OSError | None:
    """The first socket-level error inside a driver's exception, if any."""
    for item in causes(exc):
        if isinstance(item, OSError):
            return item
    return None


def text_of(exc: BaseException) -> str:
    """A driver exception as one readable string (some drivers leave `str()` empty)."""
    text = str(exc).strip()
    if not text:
        inner = wrapped(exc)
        text = f"{type(exc).__name__}: {text_of(inner[0])}" if inner else repr(exc)
    return text or type(exc).__name__
