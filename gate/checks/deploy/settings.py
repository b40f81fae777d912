"""The deploy family's options, and the converters that build its settings.

Every problem here is in the gate's own settings, so it is a UsageError (exit
2): an unknown key in a `files` entry, an unknown type or format name, a rule
id that does not exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from gate.errors import UsageError
from gate.family import Option, Origin, as_bool, as_int, as_path, as_paths, as_strs

if TYPE_CHECKING:
    from gate.checks.deploy.keypath import Path as KeyPath
    from gate.checks.deploy.spec import DeploySettings, FileSpec, Ignore

# Kept here too (not imported from spec): this module loads when the CLI starts, and the
# settings classes and key-path parser load only when the deploy family is configured.
DEFAULT_MIN_SECRET_LENGTH = 32
TYPES = ("str", "int", "float", "bool", "list", "table", "url", "port")
FORMATS = ("toml", "yaml", "json", "ini", "dotenv")
_SUFFIXES = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json",
             ".ini": "ini", ".cfg": "ini", ".env": "dotenv"}
_FILE_KEYS = ("path", "format", "require", "forbid", "schema")


def guess_format(path: Path) -> str | None:
    """The format a file name implies: by suffix, or dotenv for `.env` and `.env.*`."""
    name = path.name.lower()
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "dotenv"
    return _SUFFIXES.get(path.suffix.lower())


def as_files(raw: Any, origin: Origin) -> tuple[FileSpec, ...]:
    """The `files` array of tables."""
    return tuple(_file(entry, Origin(f"{origin.label}[{i}]", origin.base))
                 for i, entry in enumerate(raw))


def _file(entry: Any, origin: Origin) -> FileSpec:
    from gate.checks.deploy.spec import FileSpec

    where = origin.label
    if not isinstance(entry, dict):
        raise UsageError(f"{where}: expected a table with a `path`, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(_FILE_KEYS))
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r}",
                         "known keys: " + ", ".join(_FILE_KEYS))
    if "path" not in entry:
        raise UsageError(f"{where}: missing `path`")
    path = as_path(entry["path"], Origin(f"{where}.path", origin.base))
    fmt = entry.get("format")
    if fmt is None:
        fmt = guess_format(path)
        if fmt is None:
            raise UsageError(f"{where}: cannot tell the format of {entry['path']!r} from its name",
                             "add format = " + " | ".join(f'"{f}"' for f in FORMATS))
    elif fmt not in FORMATS:
        raise UsageError(f"{where}.format: unknown format {fmt!r}",
                         "choose from " + ", ".join(FORMATS))
    schema = entry.get("schema")
    return FileSpec(
        path=path,
        format=fmt,
        require=tuple(_require(entry.get("require", {}), f"{where}.require")),
        forbid=tuple(_forbid(entry.get("forbid", {}), f"{where}.forbid")),
        schema=None if schema is None else as_path(schema, Origin(f"{where}.schema",
                                                                  origin.base)),
    )


def _flatten(table: Any, where: str, prefix: KeyPath = ()) -> list[tuple[KeyPath, Any]]:
    """`{ "a.b" = x }` and `{ a = { b = x } }` (TOML's unquoted dotted keys) alike."""
    from gate.checks.deploy import keypath

    if not isinstance(table, dict):
        raise UsageError(f"{where}: expected a table of key paths")
    pairs: list[tuple[KeyPath, Any]] = []
    for key, value in table.items():
        try:
            path = prefix + keypath.parse(key)
        except keypath.PathError as exc:
            raise UsageError(f"{where}: {exc}") from None
        if isinstance(value, dict):
            pairs.extend(_flatten(value, where, path))
        else:
            pairs.append((path, value))
    return pairs


def _require(table: Any, where: str) -> list[tuple[KeyPath, str]]:
    from gate.checks.deploy import keypath

    pairs = []
    for path, kind in _flatten(table, where):
        if kind not in TYPES:
            raise UsageError(f"{where}: unknown type {kind!r} for {keypath.show(path)!r}",
                             "choose from " + ", ".join(TYPES))
        pairs.append((path, kind))
    return pairs


def _forbid(table: Any, where: str) -> list[tuple[KeyPath, tuple[Any, ...]]]:
    from gate.checks.deploy import keypath

    pairs = []
    for path, value in _flatten(table, where):
        values = tuple(value) if isinstance(value, list) else (value,)
        for item in values:
            if not isinstance(item, (str, int, float, bool)):
                raise UsageError(f"{where}: {keypath.show(path)!r} must be a string, number or "
                                 f"boolean (or a list of them), got {type(item).__name__}")
        pairs.append((path, values))
    return pairs


def as_ignore(raw: Any, origin: Origin) -> tuple[Ignore, ...]:
    """`RULE` or `RULE:KEY` entries, each naming an ignorable rule."""
    from gate.checks.deploy.catalog import BY_ID, IGNORABLE
    from gate.checks.deploy.spec import Ignore

    entries = []
    for text in as_strs(raw, origin):
        rule, _, key = text.partition(":")
        if rule not in BY_ID:
            raise UsageError(f"{origin.label}: unknown rule {rule!r}",
                             "rules that can be ignored: " + ", ".join(IGNORABLE))
        if not BY_ID[rule].ignorable:
            raise UsageError(f"{origin.label}: rule {rule!r} cannot be ignored",
                             "it checks what you asked for: change the requirement instead")
        entries.append(Ignore(rule, key or None))
    return tuple(entries)


def as_env_names(raw: Any, origin: Origin) -> tuple[str, ...]:
    """Environment variable names (no `=`, no spaces)."""
    names = as_strs(raw, origin)
    for name in names:
        if not name or "=" in name or any(c.isspace() for c in name):
            raise UsageError(f"{origin.label}: {name!r} is not an environment variable name")
    return names


def as_secret_names(raw: Any, origin: Origin) -> tuple[str, ...]:
    """Env names or dotted key paths."""
    from gate.checks.deploy import keypath

    names = as_strs(raw, origin)
    for name in names:
        try:
            keypath.parse(name)
        except keypath.PathError as exc:
            raise UsageError(f"{origin.label}: {exc}") from None
    return names


def _min_length(raw: Any, origin: Origin) -> int:
    return as_int(raw, origin, minimum=1)


OPTIONS = (
    Option("require-env", "environment variable that must be set and non-empty (repeatable)",
           as_env_names, ("--require-env",), multiple=True, metavar="NAME"),
    Option("env-files", "dotenv file loaded beneath the real environment; later files win, the "
           "real environment wins over all (repeatable)",
           as_paths, ("--env-file",), multiple=True, metavar="PATH"),
    Option("files", "config files to check (settings file only: [[tool.gate.deploy.files]])",
           as_files, multiple=True),
    Option("secrets", "env name or dotted key path that holds a secret (repeatable)",
           as_secret_names, ("--secret",), multiple=True, metavar="NAME"),
    Option("min-secret-length", f"shortest acceptable secret (default: "
           f"{DEFAULT_MIN_SECRET_LENGTH})", _min_length, ("--min-secret-length",), metavar="N"),
    Option("require-tls", "fail on http:// URLs to non-loopback hosts and on database URLs "
           "with TLS off (default: false)", as_bool, ("--require-tls",), metavar="BOOL"),
    Option("ignore", "turn a rule off: RULE, or RULE:KEY for one key (repeatable)",
           as_ignore, ("--deploy-ignore",), multiple=True, metavar="RULE[:KEY]"),
)


def configure(values: Mapping[str, Any]) -> DeploySettings | None:
    """Settings from option values; None when nothing under [tool.gate.deploy] is set."""
    from gate.checks.deploy.spec import DeploySettings

    if not values:
        return None
    return DeploySettings(
        require_env=values.get("require-env", ()),
        env_files=values.get("env-files", ()),
        files=values.get("files", ()),
        secrets=values.get("secrets", ()),
        min_secret_length=values.get("min-secret-length", DEFAULT_MIN_SECRET_LENGTH),
        require_tls=values.get("require-tls", False),
        ignore=values.get("ignore", ()),
    )
