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

from gate import inputs, numeric
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
    """Parse a TOML file, turning every failure into one line naming `what` and the file.

    The file is opened through gate.inputs: a FIFO, a device or a directory is
    refused before it is opened.
    """
    data = inputs.read_bytes(path, what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text: {path}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{what} is not valid TOML: {path}: {exc}") from None
    except ValueError:  # tomllib's int() on a number of more digits than Python converts
        raise InputError(f"{what} is not valid TOML: {path}: "
                         f"{numeric.huge_number_message(text)}") from None


def load(explicit: Path | None, cwd: Path | None = None) -> Settings:
    """Load the settings from `explicit`, or discover them in `cwd`."""
    cwd = cwd or Path.cwd()
    if explicit is not None:
        if explicit.name == "pyproject.toml":
            return _from_pyproject(explicit, required=True)
        return _tables(read_toml(explicit), explicit, "")
    # A settings file that is there but not a regular file (a FIFO, a directory) is
    # refused, not passed over: the gate would otherwise run without the settings.
    pyproject = cwd / "pyproject.toml"
    if pyproject.exists():
        settings = _from_pyproject(pyproject, required=False)
        if settings.source is not None:
            return settings
    gate_toml = cwd / "gate.toml"
    if gate_toml.exists():
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
