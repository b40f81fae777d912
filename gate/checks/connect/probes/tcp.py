"""`tcp://host:port`: the port accepts a connection."""

from __future__ import annotations

from gate.checks.connect.outcome import Attempt, Passed
from gate.checks.connect.probes import net
from gate.checks.connect.settings import Check


def probe(check: Check, attempt: Attempt) -> Passed:
    """Connect, then close."""
    sock = net.connect(*net.endpoint(check), attempt)
    with sock:
        peer = sock.getpeername()[0]
    return Passed(f"connected to {peer}", {"address": peer})
