"""Hostile XML through the real CLI: refused with one line, nothing read or fetched.

Every attack exits 2 with "unsafe XML rejected: <path>: <reason>". A loopback
listener started by the test proves that no external DTD or entity is ever
requested, including for the plain DOCTYPE line that gcovr, nyc, c8 and Java
write (which is accepted).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Iterator

import pytest

from tests.cobertura_xml import cobertura

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-token-that-must-not-leak"
REPORT_BODY = cobertura({"pkg/a.py": [(1, 1), (2, 0)]}).split("\n", 1)[1]


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096) or b"<connected>")
                    conn.sendall(b'HTTP/1.0 200 OK\r\n\r\n<!ENTITY leak "fetched">')
                except OSError:
                    self.requests.append(b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _check(tmp_path: Path, gate_cli, text: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    (tmp_path / "coverage.xml").write_text(text, encoding="utf-8")
    return gate_cli("check", "--min-coverage", "0.5", timeout=timeout)


def _assert_unsafe(run, tmp_path: Path, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert run.returncode == 2, run
    assert run.stdout == ""
    # The default report, named as the gate was given it.
    assert run.stderr == f"gate: error: unsafe XML rejected: coverage.xml: {reason}\n"
    assert SECRET not in run.stdout + run.stderr


def test_billion_laughs(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage [{"".join(entities)}]>\n'
            '<coverage version="&lol9;"><packages/></coverage>')
    _assert_unsafe(_check(tmp_path, gate_cli, text, timeout=30), tmp_path,
                   "entity declaration 'lol0' is forbidden")


def test_quadratic_blowup(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    text = ('<?xml version="1.0"?>\n<!DOCTYPE coverage [<!ENTITY a "' + "x" * 50_000 + '">]>\n'
            "<coverage><sources><source>" + "&a;" * 50_000 + "</source></sources></coverage>")
    _assert_unsafe(_check(tmp_path, gate_cli, text, timeout=30), tmp_path,
                   "entity declaration 'a' is forbidden")


def test_external_entity_to_a_local_file(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            "\n<coverage><sources><source>&xxe;</source></sources></coverage>")
    _assert_unsafe(_check(tmp_path, gate_cli, text), tmp_path,
                   "entity declaration 'xxe' is forbidden")


def test_external_entity_over_http_is_never_fetched(tmp_path: Path, gate_cli,  # type: ignore[no-untyped-def]
                                                    listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/leak.xml"
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage [<!ENTITY ext SYSTEM "{url}">]>\n'
            "<coverage><sources><source>&ext;</source></sources></coverage>")
    _assert_unsafe(_check(tmp_path, gate_cli, text), tmp_path,
                   "entity declaration 'ext' is forbidden")
    assert listener.requests == []


def test_external_parameter_entity_dtd_is_never_fetched(tmp_path: Path, gate_cli,  # type: ignore[no-untyped-def]
                                                        listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/evil.dtd"
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage [<!ENTITY % remote SYSTEM "{url}"> '
            "%remote;]>\n" + REPORT_BODY)
    _assert_unsafe(_check(tmp_path, gate_cli, text), tmp_path,
                   "entity declaration 'remote' is forbidden")
    assert listener.requests == []


def test_doctype_naming_an_external_dtd_is_accepted_and_never_fetched(
        tmp_path: Path, gate_cli, listener: Listener) -> None:  # type: ignore[no-untyped-def]
    for quote in ('"', "'"):
        url = f"http://127.0.0.1:{listener.port}/coverage-04.dtd"
        text = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM {quote}{url}{quote}>\n'
                + REPORT_BODY)
        run = _check(tmp_path, gate_cli, text)
        assert run.returncode == 0, run
        assert "line coverage 50.00% (1/2) >= 50.00%" in run.stdout
    public = (f'<!DOCTYPE coverage PUBLIC "-//Cobertura//DTD Coverage 04//EN" '
              f'"http://127.0.0.1:{listener.port}/coverage-04.dtd">\n')
    run = _check(tmp_path, gate_cli, '<?xml version="1.0"?>\n' + public + REPORT_BODY)
    assert run.returncode == 0, run
    assert listener.requests == []


def test_external_dtd_with_an_undeclared_entity_reference(tmp_path: Path, gate_cli,  # type: ignore[no-untyped-def]
                                                          listener: Listener) -> None:
    # With an external DTD not read, &leak; stands for text nobody knows: the report is
    # refused as unusable, naming it, and the DTD is never fetched.
    url = f"http://127.0.0.1:{listener.port}/evil.dtd"
    for where, body in (("content", REPORT_BODY.replace("<packages>", "<packages>&leak;", 1)),
                        ("attribute", REPORT_BODY.replace('filename="', 'filename="&leak;', 1))):
        text = (f'<?xml version="1.0" standalone="no"?>\n<!DOCTYPE coverage SYSTEM "{url}">\n'
                + body)
        run = _check(tmp_path, gate_cli, text)
        assert run.returncode == 2, (where, run)
        assert run.stdout == ""
        assert run.stderr.startswith("gate: error: coverage report is not usable: coverage.xml: "
                                     "line "), (where, run)
        assert "undefined entity &leak;" in run.stderr and run.stderr.count("\n") == 1, run
    assert listener.requests == []


def test_the_listener_would_see_a_fetch(listener: Listener) -> None:
    # Without this, "no request seen" could pass with a listener that hears nothing.
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as conn:
        conn.sendall(b"GET /coverage-04.dtd HTTP/1.0\r\n\r\n")
        conn.recv(100)
    listener.close()
    assert listener.requests == [b"GET /coverage-04.dtd HTTP/1.0\r\n\r\n"]
