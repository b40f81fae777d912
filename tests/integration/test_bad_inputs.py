"""Every bad input: one line naming the file and the problem, exit 2, no traceback, bounded time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.cobertura_xml import cobertura

pytestmark = pytest.mark.integration

GOOD = cobertura({"pkg/a.py": [(1, 1), (2, 0)]})


def _one_line(run, path: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    assert run.returncode == 2, run
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("gate: error: "), run
    assert "Traceback" not in run.stderr
    assert path in run.stderr and problem in run.stderr, run


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "coverage report is empty"),
    (GOOD.encode()[:len(GOOD) // 2], "not well-formed XML"),
    # The format is found from the content: what is none of them says so.
    (os.urandom(4096).replace(b"<", b"."), "coverage report is in no format the gate knows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a coverage format the gate reads"),
    (b"<!DOCTYPE html>\n<html><head><title>502</title></head><body>Bad Gateway</body></html>",
     "XML whose root element is <html>"),
    (b'<?xml version="1.0"?><testsuites><testsuite/></testsuites>',
     "XML whose root element is <testsuites>"),
    (GOOD.replace('hits="1"', 'hits="one"').encode(), "non-numeric count"),
    (GOOD.replace('number="2"', 'number="2.0"').encode(), "non-numeric count"),
    (b'{"coverage": 0.8}', "a JSON document that is not coverage.py's JSON report"),
])
def test_bad_reports(content: bytes, problem: str, tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cov.xml").write_bytes(content)
    run = gate_cli("check", "--min-coverage", "0.5", "--coverage-file", "cov.xml")
    _one_line(run, "cov.xml", problem)


def test_directory(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "coverage.xml").mkdir()
    _one_line(gate_cli("check", "--min-coverage", "0.5"), "coverage.xml",
              "coverage report is a directory")


def test_missing_path(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    _one_line(gate_cli("check", "--min-coverage", "0.5", "--coverage-file", "out/none.xml"),
              "out/none.xml", "coverage report not found")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "coverage.xml"
    path.write_text(GOOD)
    path.chmod(0)
    _one_line(gate_cli("check", "--min-coverage", "0.5"), "coverage.xml",
              "cannot read coverage report coverage.xml: Permission denied")


def test_fifo_does_not_hang(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(tmp_path / "coverage.xml")  # nobody ever writes to it
    started = time.monotonic()
    run = gate_cli("check", "--min-coverage", "0.5", timeout=60)
    assert time.monotonic() - started < 60
    _one_line(run, "coverage.xml", "coverage report is not a regular file")


def test_bad_settings_file(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("[tool.gate.coverage\nmin = 0.5\n")
    _one_line(gate_cli("check"), "pyproject.toml", "settings file is not valid TOML")


def test_a_50_mb_attribute_is_refused_in_bounded_time(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "coverage.xml"
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0"?>\n<coverage version="')
        block = b"a" * (1 << 20)
        for _ in range(50):
            out.write(block)
        out.write(b'"><packages/></coverage>\n')
    started = time.monotonic()
    # Quadratic rescanning took about 6 s here (and 4x more per doubling); the gate stops
    # after MAX_TOKEN. The generous limit only catches a hang.
    run = gate_cli("check", "--min-coverage", "0.5", timeout=120)
    elapsed = time.monotonic() - started
    _one_line(run, "coverage.xml", "line 2: an XML token longer than 8 MiB")
    assert elapsed < 120


def test_50_mb_of_text_streams_through(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    # Character data is not one token: a long text (or run of whitespace) parses linearly.
    head, tail = GOOD.split("<packages>", 1)
    path = tmp_path / "coverage.xml"
    with path.open("w") as out:
        out.write(head + "<packages>")
        block = "\t \n" * (1 << 18)
        for _ in range(64):
            out.write(block)
        out.write(tail)
    run = gate_cli("check", "--min-coverage", "0.5", timeout=120)
    assert run.returncode == 0, run
