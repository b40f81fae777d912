"""The WSGI application: create links, follow them, read their visit counts."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from shortlink.codes import InvalidURL, is_code, validate_url
from shortlink.store import Store

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 8192

STATUS = {200: "200 OK", 201: "201 Created", 302: "302 Found", 400: "400 Bad Request",
          404: "404 Not Found", 405: "405 Method Not Allowed", 413: "413 Content Too Large",
          503: "503 Service Unavailable"}


class App:
    """`POST /links`, `GET /<code>`, `GET /<code>/stats` and `GET /healthz`."""

    def __init__(self, store: Store, base_url: str) -> None:
        self.store = store
        self.base_url = base_url.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.handle(environ)
        start_response(STATUS[status], headers)
        return [body]

    def handle(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Route one request; returns the status, the headers and the body."""
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        parts = [p for p in path.split("/") if p]
        if parts == ["healthz"]:
            if self.store.ping():
                return _json(200, {"status": "ok"})
            return _json(503, {"status": "storage unreachable"})
        if parts == ["links"]:
            if method != "POST":
                return _json(405, {"error": "use POST"})
            return self.create(environ)
        if len(parts) in (1, 2) and is_code(parts[0]) and parts[1:] in ([], ["stats"]):
            if method != "GET":
                return _json(405, {"error": "use GET"})
            url = self.store.get(parts[0])
            if url is None:
                return _json(404, {"error": "no such link"})
            if parts[1:] == ["stats"]:
                return _json(200, {"url": url, "hits": self.store.hits(parts[0])})
            self.store.hit(parts[0])
            return 302, [("Location", url), ("Content-Length", "0")], b""
        return _json(404, {"error": "not found"})

    def create(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Shorten the URL in a form or JSON body."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json(400, {"error": "bad Content-Length"})
        if length > MAX_BODY:
            return _json(413, {"error": f"body larger than {MAX_BODY} bytes"})
        raw = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        if environ.get("CONTENT_TYPE", "").startswith("application/json"):
            try:
                data = json.loads(raw)
            except ValueError:
                return _json(400, {"error": "body is not JSON"})
            url = data.get("url") if isinstance(data, dict) else None
        else:
            url = (parse_qs(raw).get("url") or [None])[0]
        if not isinstance(url, str):
            return _json(400, {"error": "missing url"})
        try:
            url = validate_url(url)
        except InvalidURL as exc:
            return _json(400, {"error": str(exc)})
        code = self.store.add(url)
        return _json(201, {"code": code, "short_url": f"{self.base_url}/{code}"})


def _json(status: int, payload: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    body = json.dumps(payload).encode()
    return status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body
