"""What a config file must hold: resolved references, required keys and types, no forbidden
value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

from gate.checks.deploy import keypath
from gate.checks.deploy.files import Document
from gate.interpolate import resolve, sole_reference
from gate.checks.deploy.issue import Issue
from gate.checks.deploy.spec import FileSpec

TRUE = frozenset({"true", "yes", "on", "1"})
FALSE = frozenset({"false", "no", "off", "0"})
_INT = re.compile(r"[-+]?\d{1,18}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


@dataclass(frozen=True)
class Resolved:
    """A document with its references resolved.

    `flexible` holds the paths whose value came through a reference: a string
    there may stand for any type, as every value does in INI and dotenv files.
    `sources` maps a path whose whole value was one `${NAME}` to NAME.
    """

    document: Document
    root: Any
    flexible: frozenset[keypath.Path] = frozenset()
    sources: Mapping[keypath.Path, str] = field(default_factory=dict)
    unresolved: frozenset[keypath.Path] = frozenset()
    issues: tuple[Issue, ...] = ()

    def is_flexible(self, path: keypath.Path) -> bool:
        """Whether a string at `path` may spell another type."""
        return not self.document.typed or path in self.flexible


def resolve_document(document: Document, environ: Mapping[str, str]) -> Resolved:
    """Resolve `${VAR}`/`$VAR` in every string value; each missing name is an issue.

    A dotenv file keeps python-dotenv's reading, as env files do: `${VAR}` only.
    """
    bare = document.format != "dotenv"
    flexible: set[keypath.Path] = set()
    sources: dict[keypath.Path, str] = {}
    unresolved: set[keypath.Path] = set()
    issues: list[Issue] = []

    def rebuild(node: Any, path: keypath.Path) -> Any:
        if isinstance(node, dict):
            return {k: rebuild(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [rebuild(v, path + (str(i),)) for i, v in enumerate(node)]
        if not isinstance(node, str) or "$" not in node:
            return node
        value, missing = resolve(node, environ, bare=bare)
        if value != node or missing:
            flexible.add(path)
            name = sole_reference(node, bare=bare)
            if name is not None:
                sources[path] = name
        if missing:
            unresolved.add(path)
        issues.extend(Issue("ref-unresolved", keypath.show(path),
                            f"refers to {name}, which is not set", document.place(path))
                      for name in missing)
        return value

    root = rebuild(document.root, ())
    return Resolved(document, root, frozenset(flexible), sources, frozenset(unresolved),
                    tuple(issues))


def parse_bool(text: str) -> bool | None:
    """`true`/`yes`/`on`/`1` and their opposites, any case; None for anything else."""
    word = text.strip().lower()
    return True if word in TRUE else False if word in FALSE else None


def is_url(value: Any) -> bool:
    """`scheme://...` with a host or a path (`sqlite:///app.db` counts)."""
    if not isinstance(value, str) or "://" not in value:
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return bool(_SCHEME.fullmatch(parts.scheme)) and bool(parts.netloc or parts.path.strip("/"))


def has_type(value: Any, kind: str, flexible: bool) -> bool:
    """Whether `value` is a `kind`; a flexible string may spell an int, float, bool or port."""
    if kind == "str":
        return isinstance(value, str) and value.strip() != ""
    if kind == "url":
        return is_url(value)
    if isinstance(value, str) and flexible:
        text = value.strip()
        if kind in ("int", "port"):
            return bool(_INT.fullmatch(text)) and (kind == "int" or 1 <= int(text) <= 65535)
        if kind == "float":
            try:
                return math.isfinite(float(text))
            except ValueError:
                return False
        if kind == "bool":
            return parse_bool(text) is not None
        return False
    if isinstance(value, bool):
        return kind == "bool"
    if kind == "int":
        return isinstance(value, int)
    if kind == "port":
        return isinstance(value, int) and 1 <= value <= 65535
    if kind == "float":
        return isinstance(value, (int, float)) and math.isfinite(value)
    if kind == "list":
        return isinstance(value, list)
    return kind == "table" and isinstance(value, dict)


def describe(value: Any) -> str:
    """A value's kind, for messages: never the value itself."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    for kind, words in ((bool, "a boolean"), (int, "an integer"), (float, "a number"),
                        (list, "a list"), (dict, "a table")):
        if isinstance(value, kind):
            return words
    return f"a {type(value).__name__}"


def matches(value: Any, forbidden: Any, flexible: bool) -> bool:
    """Whether `value` is `forbidden`, or holds it as a list element.

    Where values are strings standing for anything (INI, dotenv, references), a
    string also matches a boolean or number it spells, and a forbidden string
    matches one comma-separated element (`ALLOWED_HOSTS = example.com,*`).
    """
    if isinstance(value, list):
        return any(matches(item, forbidden, flexible) for item in value
                   if not isinstance(item, (list, dict)))
    if isinstance(forbidden, bool):
        if isinstance(value, bool):
            return value is forbidden
        return flexible and isinstance(value, str) and parse_bool(value) is forbidden
    if isinstance(forbidden, (int, float)):
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return value == forbidden
        if flexible and isinstance(value, str):
            try:
                return float(value.strip()) == forbidden
            except ValueError:
                return False
        return False
    if not isinstance(value, str):
        return False
    if value == forbidden:
        return True
    return flexible and "," not in forbidden and forbidden in (
        part.strip() for part in value.split(","))


def check_spec(spec: FileSpec, resolved: Resolved, secret: Any) -> list[Issue]:
    """The `require` and `forbid` issues of one file.

    `secret(path)` tells whether a key holds a secret, whose forbidden value is
    then not repeated in the message.
    """
    document, issues = resolved.document, []
    for path, kind in spec.require:
        found, value = document.lookup(path, resolved.root)
        key, place = keypath.show(path), document.place(path)
        if not found:
            issues.append(Issue("key-missing", key, f"required key is missing (want {kind})",
                                place))
        elif not has_type(value, kind, resolved.is_flexible(path)):
            spelled = isinstance(value, str) and has_type(value, kind, True)
            hint = " that spells one (unquote it, or require str)" if spelled else ""
            issues.append(Issue("key-type", key,
                                f"expected {kind}, found {describe(value)}{hint}", place))
    for path, values in spec.forbid:
        found, value = document.lookup(path, resolved.root)
        if not found:
            continue
        for forbidden in values:
            if matches(value, forbidden, resolved.is_flexible(path)):
                shown = "a forbidden value" if secret(path) else (
                    f"the forbidden value {_show(forbidden)}")
                issues.append(Issue("value-forbidden", keypath.show(path), f"holds {shown}",
                                    document.place(path)))
    return issues


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)
