"""Connect checks: all at once under one deadline, against one after another.

50 loopback HTTP endpoints, half of which accept and never answer, timeout 1 s.
Measures, in the same run:
  gate      `python -m gate check --connect ...` as a subprocess (wall time,
            interpreter start-up and driver imports included)
  runner    the same checks through the concurrent runner, in process
  serial    the same checks one after another, in process
Targets: gate under 1.5 s, and at least 15x faster than serial.

Run: python benchmarks/connect.py [--endpoints 50] [--timeout 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gate.checks.connect import run as run_family  # noqa: E402
from gate.checks.connect.settings import Entry, build  # noqa: E402


REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


@contextlib.contextmanager
def endpoints(answering: int, silent: int) -> Iterator[list[str]]:
    """URLs of `answering` HTTP endpoints and `silent` ones that accept and never answer.

    One thread serves them all through a selector, so the servers take little
    of the CPU the gate is measured on.
    """
    listeners = []
    for index in range(answering + silent):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.setblocking(False)
        listeners.append((sock, index < answering))
    selector = selectors.DefaultSelector()
    for sock, answers in listeners:
        selector.register(sock, selectors.EVENT_READ, ("listen", answers))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            for key, _ in selector.select(0.05):
                kind, answers = key.data
                if kind == "listen":
                    with contextlib.suppress(OSError):
                        conn, _ = key.fileobj.accept()  # type: ignore[union-attr]
                        conn.setblocking(False)
                        held.append(conn)
                        if answers:
                            selector.register(conn, selectors.EVENT_READ, ("client", True))
                else:
                    conn = key.fileobj
                    with contextlib.suppress(OSError):
                        if b"\r\n\r\n" in conn.recv(65536):  # type: ignore[union-attr]
                            conn.sendall(REPLY)  # type: ignore[union-attr]
                            selector.unregister(conn)
                            conn.close()  # type: ignore[union-attr]

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield [f"http://127.0.0.1:{sock.getsockname()[1]}/" for sock, _ in listeners]
    finally:
        stop.set()
        thread.join(2)
        for sock in [s for s, _ in listeners] + held:
            sock.close()


def timed_subprocess(args: list[str]) -> tuple[float, float, int, str]:
    """Wall time, CPU time (user + system), exit code and last line of a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120,
                          check=False, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    return wall, cpu, done.returncode, lines[-1] if lines else ""


def gate_args(urls: list[str], timeout: float) -> list[str]:
    args = [sys.executable, "-m", "gate", "check", "--config", os.devnull,
            "--connect-timeout", str(timeout)]
    for url in urls:
        args += ["--connect", url]
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=1.0)
    opts = parser.parse_args()
    silent = opts.endpoints // 2
    with endpoints(opts.endpoints - silent, silent) as urls:
        settings = build([Entry("bench", u) for u in urls], opts.timeout, None, {})
        run_family(build([Entry("warm", urls[0])], opts.timeout, None, {}))  # imports

        python_wall, _, _, _ = timed_subprocess([sys.executable, "-c", "pass"])
        closed = [f"http://127.0.0.1:{free_port()}/" for _ in urls]
        fixed_wall, fixed_cpu, _, _ = timed_subprocess(gate_args(closed, opts.timeout))
        gate_wall, gate_cpu, code, verdict = timed_subprocess(gate_args(urls, opts.timeout))

        started = time.perf_counter()
        together = run_family(settings)
        runner_wall = time.perf_counter() - started

        started = time.perf_counter()
        serial = []
        for check in settings.checks:
            serial += run_family(build([Entry("one", check.url)], opts.timeout, None, {}))
        serial_wall = time.perf_counter() - started

    def count(results: list) -> str:
        passed = sum(r.status.value == "pass" for r in results)
        return f"{passed} passed, {len(results) - passed} failed"

    print(f"endpoints: {len(urls)} ({len(urls) - silent} answer, {silent} never answer), "
          f"timeout {opts.timeout:g} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    print(f"python -c pass:                     {python_wall:6.3f} s")
    print(f"gate, {len(urls)} refused checks (overhead):  {fixed_wall:6.3f} s   "
          f"cpu {fixed_cpu:.3f} s")
    print(f"gate (subprocess, all at once):     {gate_wall:6.3f} s   cpu {gate_cpu:.3f} s   "
          f"exit {code}: {verdict}")
    print(f"runner (in process, all at once):   {runner_wall:6.3f} s   {count(together)}")
    print(f"serial (in process, one by one):    {serial_wall:6.3f} s   {count(serial)}")
    print(f"speed-up, gate vs serial:   {serial_wall / gate_wall:5.1f}x (target >= 15x)")
    print(f"speed-up, runner vs serial: {serial_wall / runner_wall:5.1f}x")
    print(f"gate under 1.5 s: {'yes' if gate_wall < 1.5 else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
