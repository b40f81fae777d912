"""A JSON Schema's $ref never makes the gate fetch anything: proved with a real HTTP server.

The server listens on loopback and serves a valid schema at every path, so a
gate that fetched would get a usable answer (and, before refs were confined,
did: jsonschema's deprecated resolver fetched it). The gate must refuse the
reference with one line naming it, and the server must see no request.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import run_gate

pytestmark = pytest.mark.integration

SERVED = {"$defs": {"port": {"type": "integer", "maximum": 65535}}}


class Server:
    """A loopback HTTP server that answers every GET with SERVED and records the paths."""

    def __init__(self) -> None:
        requests = self.requests = []  # type: list[str]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                requests.append(self.path)
                body = json.dumps(SERVED).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/schema+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.close()


def _project(tmp_path: Path, schema: dict[str, object]) -> None:
    (tmp_path / "app.json").write_text('{"port": 8080}\n')
    (tmp_path / "app.schema.json").write_text(json.dumps(schema))
    (tmp_path / "defs.json").write_text(json.dumps(SERVED))
    (tmp_path / "gate.toml").write_text(
        '[[deploy.files]]\npath = "app.json"\nschema = "app.schema.json"\n')


@pytest.mark.parametrize("ref", ["{url}/defs.json#/$defs/port", "{url}/defs.json"])
@pytest.mark.parametrize("place", ["properties/port", "properties/absent"])
def test_a_remote_ref_is_refused_and_never_requested(tmp_path: Path, server: Server, ref: str,
                                                     place: str) -> None:
    target = ref.format(url=server.url)
    key = place.split("/")[1]
    _project(tmp_path, {"type": "object", "properties": {key: {"$ref": target}}})
    run = run_gate(["check", "--only", "deploy"], tmp_path)
    assert run.returncode == 2, run
    assert run.stdout == "" and run.stderr.count("\n") == 1, run
    assert run.stderr.startswith(f"gate: error: app.schema.json: $ref {target!r} at {place} "
                                 "is not followed: the gate never fetches"), run
    assert server.requests == []


def test_a_relative_ref_under_an_http_id_reads_the_file_beside_the_schema(
        tmp_path: Path, server: Server) -> None:
    """`$id: http://host/schemas/app.json` + `$ref: defs.json`: the URL names the file beside."""
    _project(tmp_path, {"$id": f"{server.url}/schemas/app.schema.json", "type": "object",
                        "properties": {"port": {"$ref": "defs.json#/$defs/port"}}})
    (tmp_path / "app.json").write_text('{"port": 70000}\n')
    run = run_gate(["check", "--only", "deploy"], tmp_path)
    assert run.returncode == 1, run
    assert "- app.json:1: port: greater than 65535 [schema-violation]" in run.stdout, run
    assert server.requests == []


def test_the_server_does_see_a_request(server: Server) -> None:
    # Without this, "no request seen" could pass with a server that hears nothing.
    with urllib.request.urlopen(f"{server.url}/defs.json", timeout=10) as answer:  # nosec B310
        assert json.load(answer) == SERVED
    assert server.requests == ["/defs.json"]
