"""`dns://name`: the name resolves."""

from __future__ import annotations

from gate.checks.connect.outcome import Attempt, Passed, ProbeFailure, Reason
from gate.checks.connect.probes import net
from gate.checks.connect.settings import Check


def probe(check: Check, attempt: Attempt) -> Passed:
    """Resolve the name; list its addresses."""
    if not check.host:
        raise ProbeFailure(Reason.PROTOCOL, "the URL names no host")
    infos = net.resolve(check.host, None, attempt)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return Passed(f"resolves to {', '.join(addresses)}", {"addresses": addresses})
