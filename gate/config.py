"""Find and read the gate's settings file.

Without `--config`, the settings are `[tool.gate]` in ./pyproject.toml, else
./gate.toml, else none. A pyproject.toml passed to `--config` is read the same
way; any other file holds the tables at its top level.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import InputError, UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Settings:
    """The settings tables by family name, and where they came from."""

    tables: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    prefix: str = ""

    @property
    def base(self) -> Path:
        """The folder relative paths in the settings are resolved against."""
        return self.source.parent if self.source else Path.cwd()

    def where(self, key: str) -> str:
        """How messages name a key: `pyproject.toml: tool.gate.coverage`."""
        name = self.source.name if self.source else "settings"
        return f"{name}: {self.prefix}{key}"


def read_toml(path: Path, what: str = "settings file") -> dict[str, Any]:
    """Parse a TOML file, turning every failure into one line naming `what` and the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{what} is not valid TOML: {path}: {exc}") from None


def load(explicit: Path | None, cwd: Path | None = None) -> Settings:
    """Load the settings from `explicit`, or discover them in `cwd`."""
    cwd = cwd or Path.cwd()
    if explicit is not None:
        if explicit.name == "pyproject.toml":
            return _from_pyproject(explicit, required=True)
        return _tables(read_toml(explicit), explicit, "")
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        settings = _from_pyproject(pyproject, required=False)
        if settings.source is not None:
            return settings
    gate_toml = cwd / "gate.toml"
    if gate_toml.is_file():
        return _tables(read_toml(gate_toml), gate_toml, "")
    return Settings()


def _from_pyproject(path: Path, required: bool) -> Settings:
    tool = read_toml(path).get("tool", {})
    table = tool.get("gate") if isinstance(tool, dict) else None
    if table is None:
        if required:
            raise UsageError(f"{path}: no [tool.gate] table", "add one, or pass a gate.toml")
        return Settings()
    return _tables(table, path, "tool.gate.")


def _tables(table: Any, path: Path, prefix: str) -> Settings:
    if not isinstance(table, dict):
        raise UsageError(f"{path}: {prefix.rstrip('.') or 'settings'} must be a table")
    return Settings(tables=dict(table), source=path.resolve(), prefix=prefix)
