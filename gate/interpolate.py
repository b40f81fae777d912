"""`${VAR}` and `$VAR` references, resolved from an environment.

Shared by the deploy checks (config values, env files) and the connect checks
(URLs, headers): `resolve(text, environ) -> (value, missing_names)` and
`references(text) -> names`. The syntax is the one shells, Docker
Compose and python-dotenv share:

- `${NAME}` and `$NAME`: the variable's value;
- `${NAME:-default}`: `default` when NAME is unset or empty; `${NAME-default}`:
  only when unset (the default may itself hold references);
- `${NAME:?message}` / `${NAME?message}`: NAME is required (missing when unset,
  or also when empty for `:?`);
- `$$`: a literal `$`.

Anything else (`$5`, `${not a name}`, an unclosed `${`) stays as written. A
missing variable becomes the empty string and its name is reported, once, in
the order it appears. `bare=False` keeps `$NAME` and `$$` literal, as
python-dotenv does in .env files.
"""

from __future__ import annotations

import re
from typing import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPEN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(\}|:-|-|:\?|\?)")
MAX_NESTING = 16


def resolve(text: str, environ: Mapping[str, str], *,
            bare: bool = True) -> tuple[str, tuple[str, ...]]:
    """Substitute every reference in `text`; returns the value and the missing names."""
    missing: list[str] = []
    value = _resolve(text, environ, bare, missing, 0)
    return value, tuple(dict.fromkeys(missing))


_ANY = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)")


def references(text: str, *, bare: bool = True) -> tuple[str, ...]:
    """Every variable name `text` refers to (defaults included), in order, each once."""
    names = (m.group(1) or (m.group(2) if bare else None) for m in _ANY.finditer(text))
    return tuple(dict.fromkeys(name for name in names if name))


def sole_reference(text: str, *, bare: bool = True) -> str | None:
    """The NAME when `text` is exactly `${NAME}` (or `$NAME`), else None."""
    stripped = text.strip()
    if stripped.startswith("${") and stripped.endswith("}") and _NAME.fullmatch(stripped[2:-1]):
        return stripped[2:-1]
    if bare and stripped.startswith("$") and _NAME.fullmatch(stripped[1:]):
        return stripped[1:]
    return None


def _resolve(text: str, environ: Mapping[str, str], bare: bool, missing: list[str],
             depth: int) -> str:
    out: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        dollar = text.find("$", pos)
        if dollar < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:dollar])
        after = text[dollar + 1:dollar + 2]
        if after == "{":
            pos = _braced(text, dollar, environ, bare, missing, depth, out)
        elif bare and after == "$":
            out.append("$")
            pos = dollar + 2
        elif bare and (match := _NAME.match(text, dollar + 1)):
            out.append(_lookup(match.group(), environ, missing))
            pos = match.end()
        else:
            out.append("$")
            pos = dollar + 1
    return "".join(out)


def _braced(text: str, dollar: int, environ: Mapping[str, str], bare: bool,
            missing: list[str], depth: int, out: list[str]) -> int:
    """Resolve the `${...}` at `dollar` into `out`; returns where to go on."""
    match = _OPEN.match(text, dollar)
    if match is None:
        out.append("$")
        return dollar + 1
    name, op = match.groups()
    if op == "}":
        out.append(_lookup(name, environ, missing))
        return match.end()
    close = _closing(text, match.end())
    if close is None or depth >= MAX_NESTING:
        out.append("$")
        return dollar + 1
    argument = text[match.end():close]
    present = name in environ
    value = environ[name] if present else ""
    usable = present and (value != "" or not op.startswith(":"))
    if op.endswith("-"):
        out.append(value if usable else _resolve(argument, environ, bare, missing, depth + 1))
    else:  # `?` and `:?`: required
        if not usable:
            missing.append(name)
        out.append(value)
    return close + 1


def _closing(text: str, pos: int) -> int | None:
    """The index of the `}` that closes a `${` whose body starts at `pos`."""
    depth = 1
    while pos < len(text):
        if text.startswith("${", pos):
            depth += 1
            pos += 2
            continue
        if text[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return None


def _lookup(name: str, environ: Mapping[str, str], missing: list[str]) -> str:
    if name in environ:
        return environ[name]
    missing.append(name)
    return ""
