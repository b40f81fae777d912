"""How a family of checks plugs into the gate: its options, its settings, its run.

A family declares its options once; the same declaration adds the command-line
flags, validates the settings file's keys (a typo is an error, never a silently
disabled check) and merges both, flags winning.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from gate import numeric
from gate.errors import UsageError
from gate.model import CheckResult


@dataclass(frozen=True)
class Origin:
    """Where a value came from: its name for messages, its base for relative paths."""

    label: str
    base: Path


Convert = Callable[[Any, Origin], Any]


@dataclass(frozen=True)
class Option:
    """One setting: a key in the family's settings table and, optionally, flags."""

    key: str
    help: str
    convert: Convert
    flags: tuple[str, ...] = ()
    multiple: bool = False
    metavar: str | None = None
    # A flag several families read (`--diff-against`): added once, read by each family that
    # declares it. Given alone it runs only the families nothing else asks for (see runner).
    shared: bool = False


@dataclass(frozen=True)
class Family:
    """A named group of checks with its options, a settings builder and a runner.

    `configure(values)` receives the converted values by key (flags over the
    settings file) and returns the family's settings, or None when nothing asks
    for this family to run. `run(settings)` returns results and never prints.
    """

    name: str
    title: str
    options: tuple[Option, ...]
    configure: Callable[[Mapping[str, Any]], Any]
    run: Callable[[Any], Sequence[CheckResult]]
    # For families whose settings table is not a plain table of options
    # (`[[tool.gate.connect]]` is a list): turns the raw settings value into a table.
    normalize: Callable[[Any, str], Mapping[str, Any]] | None = None

    def dest(self, option: Option) -> str:
        """Where argparse keeps an option's raw flag values (families may share keys)."""
        owner = "shared" if option.shared else self.name
        return f"{owner}__{option.key}".replace("-", "_").replace(".", "_")

    def add_arguments(self, parser: argparse.ArgumentParser,
                      added: set[str] | None = None) -> None:
        """Add this family's flags to `parser`, in a group of their own.

        `added` collects the shared flags already added by another family: those are
        added once.
        """
        group = parser.add_argument_group(f"{self.title} checks")
        for option in self.options:
            if option.flags and option.shared and added is not None:
                if option.flags[0] in added:
                    continue
                added.add(option.flags[0])
            if option.flags:
                group.add_argument(
                    *option.flags,
                    dest=self.dest(option),
                    action="append" if option.multiple else "store",
                    metavar=option.metavar,
                    help=option.help.replace("%", "%%"),  # argparse %-formats help text
                )

    def values(
        self, args: argparse.Namespace, table: Any, where: str, base: Path,
        shared: bool = True,
    ) -> dict[str, Any]:
        """Converted values by key: the settings table's, overridden by flags.

        With `shared` False, the flags several families read are left out.
        """
        if table is None:
            table = {}
        elif self.normalize is not None:
            table = self.normalize(table, where)
        if not isinstance(table, Mapping):
            raise UsageError(f"{where}: expected a table, got {type(table).__name__}")
        known = {option.key: option for option in self.options}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise UsageError(
                f"{where}: unknown key {unknown[0]!r}",
                "known keys: " + ", ".join(sorted(known)),
            )
        values: dict[str, Any] = {}
        for key, raw in table.items():
            option = known[key]
            if option.multiple and not isinstance(raw, list):
                raise UsageError(f"{where}.{key}: expected a list")
            values[key] = option.convert(raw, Origin(f"{where}.{key}", base))
        cwd = Path.cwd()
        for option in self.options:
            wanted = option.flags and (shared or not option.shared)
            raw = getattr(args, self.dest(option), None) if wanted else None
            if raw is not None:
                values[option.key] = option.convert(raw, Origin(option.flags[0], cwd))
        return values


# Converters shared by families -------------------------------------------------


def given_shared(family: Family, args: argparse.Namespace) -> bool:
    """Whether a flag several families read was given for `family` on the command line."""
    return any(option.shared and option.flags and getattr(args, family.dest(option), None)
               is not None for option in family.options)


def as_str(raw: Any, origin: Origin) -> str:
    """A string setting."""
    if not isinstance(raw, str):
        raise UsageError(f"{origin.label}: expected a string, got {type(raw).__name__}")
    return raw


def as_strs(raw: Any, origin: Origin) -> tuple[str, ...]:
    """A list of strings."""
    return tuple(as_str(item, origin) for item in raw)


def as_paths(raw: Any, origin: Origin) -> tuple[Path, ...]:
    """A list of paths, relative ones resolved against where they were given."""
    return tuple(origin.base / as_str(item, origin) for item in raw)


def as_path(raw: Any, origin: Origin) -> Path:
    """One path, resolved against where it was given."""
    return origin.base / as_str(raw, origin)


def as_bool(raw: Any, origin: Origin) -> bool:
    """A boolean setting (flags spell it true/false, yes/no, 1/0)."""
    if isinstance(raw, bool):
        return raw
    words = {"true": True, "yes": True, "1": True, "on": True,
             "false": False, "no": False, "0": False, "off": False}
    if isinstance(raw, str) and raw.lower() in words:
        return words[raw.lower()]
    raise UsageError(f"{origin.label}: expected true or false, got {raw!r}")


def as_int(raw: Any, origin: Origin, minimum: int = 0) -> int:
    """A whole number no smaller than `minimum`."""
    if isinstance(raw, bool):
        raise UsageError(f"{origin.label}: expected a whole number, got {raw!r}")
    try:
        value = int(numeric.bounded(raw) if isinstance(raw, str) else raw)
    except numeric.TooLong as exc:
        raise UsageError(f"{origin.label}: {exc}") from None
    except (TypeError, ValueError):
        raise UsageError(f"{origin.label}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise UsageError(f"{origin.label}: must be at least {minimum}, got {value}")
    return value


def as_seconds(raw: Any, origin: Origin) -> float:
    """A positive duration in seconds."""
    if isinstance(raw, bool):
        raise UsageError(f"{origin.label}: expected a number of seconds, got {raw!r}")
    try:
        value = float(numeric.bounded(raw) if isinstance(raw, str) else raw)
    except numeric.TooLong as exc:
        raise UsageError(f"{origin.label}: {exc}") from None
    except (TypeError, ValueError):
        raise UsageError(f"{origin.label}: expected a number of seconds, got {raw!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise UsageError(f"{origin.label}: must be a positive number of seconds, got {raw!r}")
    if value > numeric.MAX_SECONDS:  # a timeout that no clock or socket call can hold
        raise UsageError(f"{origin.label}: must be at most {numeric.MAX_SECONDS:,} seconds, "
                         f"got {raw!r}")
    return value
