"""Where links live: Redis in production, memory in tests and single-process runs."""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from shortlink.codes import encode


class Store(Protocol):
    """What the application needs from storage."""

    def add(self, url: str) -> str:
        """Store `url` (once) and return its short code."""

    def get(self, code: str) -> str | None:
        """The URL behind `code`, or None."""

    def hit(self, code: str) -> int:
        """Count one visit of `code`; returns the visits so far."""

    def hits(self, code: str) -> int:
        """How often `code` was visited."""

    def ping(self) -> bool:
        """Whether the storage answers."""


class MemoryStore:
    """Links in a dict: one process only."""

    def __init__(self) -> None:
        self._urls: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self._hits: dict[str, int] = {}

    def add(self, url: str) -> str:
        if url in self._codes:
            return self._codes[url]
        code = encode(len(self._urls) + 1)
        self._urls[code] = url
        self._codes[url] = code
        return code

    def get(self, code: str) -> str | None:
        return self._urls.get(code)

    def hit(self, code: str) -> int:
        self._hits[code] = self._hits.get(code, 0) + 1
        return self._hits[code]

    def hits(self, code: str) -> int:
        return self._hits.get(code, 0)

    def ping(self) -> bool:
        return True


class RedisStore:
    """Links in Redis, under one key prefix: a counter, the URLs, an index and the hits."""

    def __init__(self, client: Any, prefix: str = "shortlink:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "shortlink:") -> RedisStore:
        """A store on the Redis server at `url` (redis://host:port/db)."""
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=5, decode_responses=True), prefix)

    def add(self, url: str) -> str:
        index = self.prefix + "index:" + hashlib.sha256(url.encode()).hexdigest()
        known = self.client.get(index)
        if known is not None:
            return str(known)
        code = encode(int(self.client.incr(self.prefix + "next")))
        self.client.set(self.prefix + "url:" + code, url)
        # Two writers may race for the same URL: the first index entry wins, and both
        # codes keep working.
        if not self.client.set(index, code, nx=True):
            return str(self.client.get(index))
        return code

    def get(self, code: str) -> str | None:
        url = self.client.get(self.prefix + "url:" + code)
        return None if url is None else str(url)

    def hit(self, code: str) -> int:
        return int(self.client.incr(self.prefix + "hits:" + code))

    def hits(self, code: str) -> int:
        return int(self.client.get(self.prefix + "hits:" + code) or 0)

    def ping(self) -> bool:
        import redis

        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False
