"""The deploy family's settings as frozen values (built by settings.configure)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.checks.deploy import keypath

DEFAULT_MIN_SECRET_LENGTH = 32  # the same as settings.DEFAULT_MIN_SECRET_LENGTH


@dataclass(frozen=True)
class FileSpec:
    """One config file to check, from a `[[tool.gate.deploy.files]]` entry."""

    path: Path
    format: str
    require: tuple[tuple[keypath.Path, str], ...] = ()
    forbid: tuple[tuple[keypath.Path, tuple[Any, ...]], ...] = ()
    schema: Path | None = None


@dataclass(frozen=True)
class Ignore:
    """An ignored rule, everywhere (`key` None) or for one env name or key path."""

    rule: str
    key: str | None = None

    def covers(self, rule: str, key: str) -> bool:
        """Whether this entry turns off `rule` for `key`."""
        return self.rule == rule and (self.key is None or self.key == key)


@dataclass(frozen=True)
class DeploySettings:
    """What the deploy family checks."""

    require_env: tuple[str, ...] = ()
    env_files: tuple[Path, ...] = ()
    files: tuple[FileSpec, ...] = ()
    secrets: tuple[str, ...] = ()
    min_secret_length: int = DEFAULT_MIN_SECRET_LENGTH
    require_tls: bool = False
    ignore: tuple[Ignore, ...] = ()

    def ignored(self, rule: str, key: str) -> bool:
        """Whether an `ignore` entry turns off `rule` for `key`."""
        return any(entry.covers(rule, key) for entry in self.ignore)
