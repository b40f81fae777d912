"""Settings from the environment, checked before the service starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Where the links live and how short URLs are spelled."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    base_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Read REDIS_URL and BASE_URL, falling back to local defaults."""
        settings = cls(
            redis_url=env.get("REDIS_URL") or cls.redis_url,
            base_url=(env.get("BASE_URL") or cls.base_url).rstrip("/"),
        )
        if urlsplit(settings.redis_url).scheme not in ("redis", "rediss", "unix"):
            raise ConfigError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
        base = urlsplit(settings.base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ConfigError("BASE_URL must be an absolute http(s) URL")
        return settings
