"""A fake GitHub REST API on loopback: the endpoints the gate's comment uses, answering as
GitHub does, recording every request.

- `GET /repos/O/R/issues/N/comments?per_page=&page=`: the comments, oldest first, paginated
  with a `Link` header (`rel="next"`, `rel="last"`) as GitHub writes it;
- `POST /repos/O/R/issues/N/comments`: 201 and the new comment;
- `PATCH /repos/O/R/issues/comments/ID`: 200 and the edited comment (404 if none);
- `GET /repos/O/R/pulls/N`: the pull request with its head commit;
- anything else: 404 `{"message": "Not Found"}`; a missing or wrong token: 401.

`refuse` makes chosen requests fail (403, 404, 422, a rate limit, a 500, a stall past the
client's timeout); `page_size` caps a page whatever `per_page` asks, to force pagination.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COMMENTS = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
COMMENT = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")
PULL = re.compile(r"^/repos/([^/]+/[^/]+)/pulls/(\d+)$")


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Refusal:
    """Fail requests whose method and path match: `status`, or a stall of `stall` seconds."""

    method: str
    path: str  # a regular expression on the path
    status: int = 403
    message: str = "Resource not accessible by integration"
    rate_limited: bool = False
    stall: float = 0.0


@dataclass
class State:
    """What the fake GitHub knows."""

    token: str
    repository: str = "octo/shortlink"
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    heads: dict[int, str] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    page_size: int = 100
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_comment(self, number: int, body: str, login: str = "someone",
                    kind: str = "User") -> dict[str, Any]:
        """A comment on pull request `number`, as if posted earlier."""
        with self.lock:
            self.next_id += 1
            comment = {"id": self.next_id, "body": body,
                       "user": {"login": login, "type": kind},
                       "html_url": f"https://github.test/{self.repository}/pull/{number}"
                                   f"#issuecomment-{self.next_id}"}
            self.comments.setdefault(number, []).append(comment)
            return comment

    def writes(self) -> list[Recorded]:
        """The requests that would change something (POST, PATCH, DELETE)."""
        return [r for r in self.requests if r.method in ("POST", "PATCH", "DELETE")]


class FakeGitHub:
    """The server: `with FakeGitHub(token) as api:` serves on `api.url` until the block ends."""

    def __init__(self, token: str, repository: str = "octo/shortlink") -> None:
        self.state = State(token, repository)
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def _serve(self, method: str) -> None:
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = {"unparsed": raw.decode("utf-8", "replace")}
                with state.lock:
                    state.requests.append(Recorded(
                        method, parts.path, urllib.parse.parse_qs(parts.query),
                        {k.lower(): v for k, v in self.headers.items()}, body))
                if self.headers.get("Authorization") != f"Bearer {state.token}":
                    return self._answer(401, {"message": "Bad credentials"})
                for refusal in state.refusals:
                    if refusal.method == method and re.search(refusal.path, parts.path):
                        if refusal.stall:
                            time.sleep(refusal.stall)
                        headers = {}
                        if refusal.rate_limited:
                            headers = {"x-ratelimit-remaining": "0",
                                       "x-ratelimit-reset": str(int(time.time()) + 600)}
                        return self._answer(refusal.status, {"message": refusal.message},
                                            headers)
                self._route(method, parts, body)

            def _route(self, method: str, parts: urllib.parse.SplitResult, body: Any) -> None:
                if (m := COMMENTS.match(parts.path)) and m[1] == state.repository:
                    number = int(m[2])
                    if method == "GET":
                        return self._list(number, parts)
                    if method == "POST" and isinstance(body, dict) and "body" in body:
                        comment = state.add_comment(number, body["body"],
                                                    "github-actions[bot]", "Bot")
                        return self._answer(201, comment)
                    return self._answer(422, {"message": "Validation Failed"})
                if (m := COMMENT.match(parts.path)) and m[1] == state.repository \
                        and method == "PATCH":
                    for comments in state.comments.values():
                        for comment in comments:
                            if comment["id"] == int(m[2]):
                                comment["body"] = body["body"]
                                return self._answer(200, comment)
                    return self._answer(404, {"message": "Not Found"})
                if (m := PULL.match(parts.path)) and m[1] == state.repository \
                        and method == "GET" and int(m[2]) in state.heads:
                    return self._answer(200, {"number": int(m[2]),
                                              "head": {"sha": state.heads[int(m[2])]}})
                return self._answer(404, {"message": "Not Found"})

            def _list(self, number: int, parts: urllib.parse.SplitResult) -> None:
                query = urllib.parse.parse_qs(parts.query)
                per_page = min(int(query.get("per_page", ["30"])[0]), state.page_size)
                page = int(query.get("page", ["1"])[0])
                comments = state.comments.get(number, [])
                last = max(1, -(-len(comments) // per_page))
                chunk = comments[(page - 1) * per_page:page * per_page]
                links = []
                base = f"http://{self.headers['Host']}{parts.path}"
                if page < last:
                    links.append(f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"')
                    links.append(f'<{base}?per_page={per_page}&page={last}>; rel="last"')
                headers = {"Link": ", ".join(links)} if links else {}
                self._answer(200, chunk, headers)

            def _answer(self, status: int, data: Any,
                        headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
