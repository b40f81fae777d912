"""A small GitHub REST client on the standard library: JSON in and out, pagination by
Link headers, every failure one `ApiError` sentence that never holds the token.

The token goes in an Authorization header that is never forwarded on a redirect,
and only to the API's own scheme and host: a next-page link elsewhere is refused.
Plain http is accepted for loopback addresses only (a test server, a local proxy).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any, Iterator, Mapping

from gate import __version__

DEFAULT_URL = "https://api.github.com"
TIMEOUT = 15.0
MAX_PAGES = 100
LOOPBACK = ("127.0.0.1", "::1", "localhost")
API_VERSION = "2022-11-28"


class ApiError(Exception):
    """The API refused or could not be reached; `str()` is one sentence, token-free."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    """A parsed JSON answer and the headers that matter (lower-cased names)."""

    status: int
    data: Any
    headers: Mapping[str, str]


def check_url(url: str) -> str:
    """The API base URL without a trailing slash; https, or http on a loopback host."""
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # a bad port raises here, not later
    except ValueError:
        raise ApiError(f"GITHUB_API_URL {url!r} is not a URL") from None
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url.rstrip("/")
    raise ApiError(f"GITHUB_API_URL {url!r} is neither https nor a loopback http address:"
                   " the token is not sent there")


class Api:
    """Requests against one GitHub API base URL with one token."""

    def __init__(self, base_url: str, token: str, timeout: float = TIMEOUT) -> None:
        self.base = check_url(base_url)
        self.origin = urllib.parse.urlsplit(self.base)[:2]
        self.token = token
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        if urllib.parse.urlsplit(self.base).hostname in LOOPBACK:
            handlers.append(urllib.request.ProxyHandler({}))  # never through a proxy
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, method: str, path: str, body: Any = None) -> Response:
        """`method` on `path` (below the base URL, or a full URL on the same host)."""
        url = path if "://" in path else self.base + path
        if urllib.parse.urlsplit(url)[:2] != self.origin:
            raise ApiError(f"the API pointed to another host ({_host(url)}): not followed")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", f"releasegate/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        # Unredirected: a redirect never carries the token anywhere.
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        try:
            # The scheme is https, or http on loopback (check_url): no file:// or other.
            with self.opener.open(request, timeout=self.timeout) as answer:  # nosec B310
                raw = answer.read()
                status, headers = answer.status, _headers(answer.headers)
        except urllib.error.HTTPError as exc:
            raise ApiError(self._refusal(exc), exc.code) from None
        except (TimeoutError, socket.timeout):
            raise ApiError(f"{_host(url)} did not answer within {self.timeout:g}s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason if isinstance(exc.reason, str) else (
                getattr(exc.reason, "strerror", None) or str(exc.reason))
            raise ApiError(f"cannot reach {_host(url)}: {self.clean(str(reason))}") from None
        except OSError as exc:
            raise ApiError(f"cannot reach {_host(url)}: {self.clean(str(exc))}") from None
        try:
            parsed = json.loads(raw) if raw.strip() else None
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            raise ApiError(f"{_host(url)} answered {method} with something that is not JSON",
                           status) from None
        return Response(status, parsed, headers)

    def paginate(self, path: str) -> Iterator[Any]:
        """Every item of a listed resource, page after page (`Link: <...>; rel="next"`)."""
        url: str | None = path
        for _ in range(MAX_PAGES):
            if url is None:
                return
            answer = self.request("GET", url)
            if not isinstance(answer.data, list):
                raise ApiError(f"{_host(self.base)} answered a listing with no list")
            yield from answer.data
            url = next_link(answer.headers.get("link", ""))
        raise ApiError(f"more than {MAX_PAGES} pages of results: stopped reading")

    def _refusal(self, exc: urllib.error.HTTPError) -> str:
        try:
            detail = json.loads(exc.read() or b"{}").get("message", "")
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, OSError):
            detail = ""
        headers = _headers(exc.headers) if exc.headers is not None else {}
        limited = headers.get("x-ratelimit-remaining") == "0" or "rate limit" in str(
            detail).lower()
        if exc.code in (403, 429) and limited:
            reset = headers.get("x-ratelimit-reset", "")
            when = f" (it resets at epoch second {reset})" if reset.isdigit() else ""
            return f"rate limited by the GitHub API (HTTP {exc.code}){when}"
        text = self.clean(str(detail))[:200]
        return f"HTTP {exc.code} {exc.reason}" + (f": {text}" if text else "")

    def clean(self, text: str) -> str:
        """`text` with the token blanked out, should anything ever echo it."""
        return text.replace(self.token, "***") if self.token else text


def next_link(header: str) -> str | None:
    """The rel="next" URL of a Link header, or None."""
    for part in header.split(","):
        target, _, params = part.partition(";")
        target = target.strip()
        if target.startswith("<") and target.endswith(">") and any(
                p.strip().replace(" ", "") in ('rel="next"', "rel=next")
                for p in params.split(";")):
            return target[1:-1]
    return None


def _headers(message: Message | Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in message.items()}


def _host(url: str) -> str:
    """Host and port of `url`, never a user or password in it."""
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname or "the API", parts.port
    except ValueError:
        return "the API"
    return f"{host}:{port}" if port else host
