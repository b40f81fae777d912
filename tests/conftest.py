"""Shared fixtures: run the real CLI, build real coverage reports, find real services."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pytest

from tests.childenv import child_env, from_the_job

ROOT = Path(__file__).resolve().parent.parent

#: Set by .ci/run: a test that needs a service fails instead of skipping when it is absent.
REQUIRE_SERVICES = os.environ.get("GATE_REQUIRE_SERVICES", "") not in ("", "0", "false")
#: Behave as on a machine without the services (to measure what a fresh machine sees).
SKIP_SERVICES = os.environ.get("GATE_SKIP_SERVICES", "") not in ("", "0", "false")


@dataclass(frozen=True)
class Run:
    """A finished `python -m gate` subprocess."""

    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # shown by pytest when an assertion on a Run fails
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_gate(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
             timeout: float = 60) -> Run:
    """Run `python -m gate ARGS` in `cwd` as a real subprocess (coverage follows it)."""
    done = subprocess.run(
        [sys.executable, "-m", "gate", *args], cwd=cwd, env=child_env(**(env or {})),
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(autouse=True)
def _outside_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process code sees no CI job either: `main()` would write to its $GITHUB_OUTPUT."""
    for name in [k for k in os.environ if from_the_job(k)]:
        monkeypatch.delenv(name)


@pytest.fixture
def gate_cli(tmp_path: Path) -> Callable[..., Run]:
    """`gate_cli("check", "--min-coverage", "0.8")` runs the CLI in tmp_path."""

    def call(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             timeout: float = 60) -> Run:
        return run_gate(args, cwd or tmp_path, env, timeout)

    return call


def write_package(root: Path, files: dict[str, str]) -> None:
    """Write dedented source files below `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def measure(root: Path, test_args: Sequence[str] = ("-q", "-p", "no:cacheprovider"),
            source: str = "pkg", branch: bool = True) -> Path:
    """Really run coverage.py over pytest in `root`; returns the coverage.xml it writes."""
    env = child_env(nested=True, COVERAGE_FILE=str(root / ".coverage"))
    cmd = [sys.executable, "-m", "coverage", "run", f"--source={source}"]
    if branch:
        cmd.append("--branch")
    subprocess.run([*cmd, "-m", "pytest", *test_args], cwd=root, env=env, check=False,
                   capture_output=True, timeout=120)
    subprocess.run([sys.executable, "-m", "coverage", "xml", "-q", "-o", "coverage.xml"],
                   cwd=root, env=env, check=True, capture_output=True, timeout=60)
    return root / "coverage.xml"


def service_available(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (or, under GATE_REQUIRE_SERVICES, fail) when `name` is not listening."""
    if SKIP_SERVICES and not REQUIRE_SERVICES:
        pytest.skip(f"{name}: GATE_SKIP_SERVICES is set")
    if service_available(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (GATE_REQUIRE_SERVICES is set: CI must not pass by skipping)")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
