"""Whether this machine can reach anything beyond loopback, asked of the kernel's routing
tables (no packet is sent): the tests that install from the package index (the generated
pipelines, the workflows run under act) skip where it cannot, as under `unshare -n`, where
`nox -R` must still pass. GATE_REQUIRE_SERVICES=1 (.ci/run) makes that a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def routes_beyond_loopback() -> bool:
    """A route through an interface other than `lo` (IPv4 or IPv6); True off Linux."""
    tables = [Path("/proc/net/route"), Path("/proc/net/ipv6_route")]
    if not any(table.exists() for table in tables):
        return True
    for table in tables:
        try:
            rows = [line.split() for line in table.read_text().splitlines()]
        except OSError:
            continue
        # /proc/net/route: a header, then the interface first; ipv6_route: the interface last.
        devices = [row[0] for row in rows[1:] if row] if table.name == "route" else \
            [row[-1] for row in rows if row]
        if any(device != "lo" for device in devices):
            return True
    return False


def require_package_index() -> None:
    """Skip (fail under GATE_REQUIRE_SERVICES=1) when no network is there for the index."""
    if routes_beyond_loopback():
        return
    message = "no route beyond loopback: the package index is out of reach"
    if os.environ.get("GATE_REQUIRE_SERVICES", "") not in ("", "0", "false"):
        pytest.fail(f"{message} (GATE_REQUIRE_SERVICES is set)")
    pytest.skip(message)
