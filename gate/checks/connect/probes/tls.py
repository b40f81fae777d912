"""`tls://host:port`: a verified handshake, and a certificate not about to expire."""

from __future__ import annotations

from gate.checks.connect.outcome import Attempt, Passed
from gate.checks.connect.probes import net
from gate.checks.connect.settings import Check


def probe(check: Check, attempt: Attempt) -> Passed:
    """Handshake with verification against the host name; check `min-days-valid`."""
    host, port = net.endpoint(check)
    sock = net.connect(host, port, attempt)
    with net.handshake(sock, host, check.ca_file, attempt) as tls:
        facts = net.certificate(tls, host, check.min_days_valid)
    return Passed(f"{facts['tls_version']}, certificate valid until {facts['expires'][:10]} "
                  f"({facts['days_left']:.0f} days)", facts)
