"""`--wait`: retry until services come up, and never run past the deadline plus one timeout."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Callable, ContextManager, Iterator

import pytest

from tests.conftest import free_port
from tests.integration.connect_servers import http_server, redis_with_password, silent_listener
from tests.integration.test_connect_services import checks_of

pytestmark = pytest.mark.integration


@contextlib.contextmanager
def later(start: threading.Event, delay: float,
          server: Callable[[], ContextManager[int]]) -> Iterator[None]:
    """Start `server` `delay` seconds after `start` is set, in the background; stop it on exit."""
    stop = threading.Event()

    def serve() -> None:
        while not start.wait(0.05):
            if stop.is_set():
                return
        if stop.wait(delay):
            return
        with server():
            stop.wait(60)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(30)


def test_wait_passes_once_servers_start_two_seconds_after_the_gate(gate_cli) -> None:
    web, cache = free_port(), free_port()
    # The servers start 2 s after the gate's checks do (a sentinel sees the first request),
    # however long the gate itself takes to start on a busy machine.
    checking = threading.Event()
    with http_server(seen=checking) as sentinel, \
            later(checking, 2.0, lambda: http_server(port=web)), \
            later(checking, 2.0, lambda: redis_with_password("Wait-Redis-Pw", port=cache)):
        started = time.monotonic()
        run = gate_cli("check", "--format", "json", "--wait", "20", "--connect-timeout", "1",
                       "--connect", f"http://127.0.0.1:{sentinel}/",
                       "--connect", f"http://127.0.0.1:{web}/",
                       "--connect", f"redis://:Wait-Redis-Pw@127.0.0.1:{cache}/0")
        wall = time.monotonic() - started
    assert run.returncode == 0, run
    first, *late = checks_of(run).values()
    assert first["data"]["attempts"] == 1
    for check in late:
        assert check["status"] == "pass", check
        assert check["data"]["attempts"] > 1
        assert check["duration_seconds"] >= 1.5  # it really waited for the start
    assert wall < 20, wall  # done when the servers were, not at the deadline


def test_wait_gives_up_at_the_deadline_plus_one_timeout(gate_cli) -> None:
    wait, timeout = 2.0, 1.0
    with silent_listener() as silent:
        started = time.monotonic()
        run = gate_cli("check", "--format", "json", "--wait", str(wait),
                       "--connect-timeout", str(timeout),
                       "--connect", f"http://127.0.0.1:{silent}/",
                       "--connect", f"tcp://127.0.0.1:{free_port()}")
        wall = time.monotonic() - started
    assert run.returncode == 1, run
    hung, refused = checks_of(run).values()
    assert (hung["data"]["reason"], refused["data"]["reason"]) == ("timeout", "refused")
    assert hung["data"]["attempts"] >= 2 and refused["data"]["attempts"] >= 4
    for check in (hung, refused):
        assert wait <= check["duration_seconds"] <= wait + timeout + 0.3, check
        assert f"{check['data']['attempts']} attempts in" in check["summary"]
    assert wall < wait + timeout + 10, wall  # a hang guard: start-up is not in the durations
