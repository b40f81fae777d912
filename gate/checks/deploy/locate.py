"""Lines of key paths, for formats whose parsers do not report them (TOML, JSON, INI).

Each locator runs only on text its format's real parser has accepted, and only
supplies hints: a path it cannot place has no line, which costs an annotation's
precision, never a verdict.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import re
from typing import Callable

from gate.checks.deploy.keypath import Path

# The JSON module's own string scanner (C or Python), which typeshed leaves out.
scanstring: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")

# TOML ----------------------------------------------------------------------------

_TOML_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_TOML_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_TOML_LITERAL = re.compile(r"'[^'\n]*'")


def toml_lines(text: str) -> dict[Path, int]:
    """The line of each table header and key in a TOML document."""
    lines: dict[Path, int] = {}
    table: Path = ()
    arrays: dict[Path, int] = {}  # array-of-tables path -> entries seen
    skip_until: str | None = None  # a multi-line string's closing quotes
    depth = 0  # open brackets of a value that spans lines
    for number, raw in enumerate(text.splitlines(), 1):
        if skip_until is not None:
            if skip_until in raw:
                skip_until = None
            continue
        if depth > 0:
            depth, skip_until = _value_state(raw, depth)
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            keys = _toml_keys(line[2:])
            if keys is None:
                continue
            table = _array_path(keys[0], arrays)
            lines.setdefault(table, number)
        elif line.startswith("["):
            keys = _toml_keys(line[1:])
            if keys is None:
                continue
            table = _table_path(keys[0], arrays)
            _record(lines, table, number)
        else:
            keys = _toml_keys(line)
            if keys is None or not keys[1].startswith("="):
                continue
            _record(lines, table + keys[0], number)
            depth, skip_until = _value_state(keys[1][1:], 0)
    return lines


def _record(lines: dict[Path, int], path: Path, number: int) -> None:
    for end in range(1, len(path) + 1):
        lines.setdefault(path[:end], number)


def _toml_keys(text: str) -> tuple[Path, str] | None:
    """A dotted key at the start of `text`, and what follows it."""
    keys: list[str] = []
    pos = 0
    while True:
        pos = len(text) - len(text[pos:].lstrip(" \t"))
        for pattern in (_TOML_BARE, _TOML_BASIC, _TOML_LITERAL):
            match = pattern.match(text, pos)
            if match:
                break
        else:
            return None
        token = match.group()
        if token.startswith('"'):
            try:
                token = json.loads(token)
            except ValueError:
                token = token[1:-1]
        elif token.startswith("'"):
            token = token[1:-1]
        keys.append(token)
        pos = len(text) - len(text[match.end():].lstrip(" \t"))
        if not text.startswith(".", pos):
            return tuple(keys), text[pos:]
        pos += 1


def _table_path(keys: Path, arrays: dict[Path, int]) -> Path:
    """A `[table]` header's path, through the latest entry of any array of tables."""
    path: Path = ()
    for key in keys:
        path += (key,)
        if path in arrays:
            path += (str(arrays[path] - 1),)
    return path


def _array_path(keys: Path, arrays: dict[Path, int]) -> Path:
    """A `[[array]]` header's path: a new entry at the next index."""
    parent = _table_path(keys[:-1], arrays)
    path = parent + keys[-1:]
    index = arrays.get(path, 0)
    arrays[path] = index + 1
    return path + (str(index),)


def _value_state(text: str, depth: int) -> tuple[int, str | None]:
    """Bracket depth after `text`, and the quotes of a multi-line string it opens."""
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "#":
            break
        if text.startswith('"""', pos) or text.startswith("'''", pos):
            quote = text[pos:pos + 3]
            close = text.find(quote, pos + 3)
            if close < 0:
                return depth, quote
            pos = close + 3
            continue
        if char in "\"'":
            pattern = _TOML_BASIC if char == '"' else _TOML_LITERAL
            match = pattern.match(text, pos)
            pos = match.end() if match else len(text)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        pos += 1
    return depth, None


# JSON ----------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def json_lines(text: str) -> dict[Path, int]:
    """The line of each key and list item in a valid JSON document."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines: dict[Path, int] = {}

    def line_at(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    def space(pos: int) -> int:
        match = _JSON_SPACE.match(text, pos)
        return match.end() if match else pos

    def value(pos: int, path: Path) -> int:
        pos = space(pos)
        if path:
            lines.setdefault(path, line_at(pos))
        char = text[pos]
        if char == '"':
            return scanstring(text, pos + 1)[1]
        if char in "{[":
            closing = "}" if char == "{" else "]"
            pos, index = space(pos + 1), 0
            while text[pos] != closing:
                if char == "{":
                    key, pos = scanstring(text, pos + 1)
                    lines.setdefault(path + (key,), line_at(pos))
                    pos = value(space(pos) + 1, path + (key,))  # past the colon
                else:
                    pos = value(pos, path + (str(index),))
                    index += 1
                pos = space(pos)
                if text[pos] == ",":
                    pos = space(pos + 1)
            return pos + 1
        match = _JSON_ATOM.match(text, pos)
        return match.end() if match else pos + 1

    try:
        value(0, ())
    except (IndexError, ValueError, RecursionError):  # a hint only: keep what we found
        pass
    return lines


# INI -----------------------------------------------------------------------------

_INI_SECTION = re.compile(r"\[(?P<name>.+)\]")
_INI_OPTION = re.compile(r"(?P<key>.*?)\s*[=:]")


def ini_lines(text: str) -> dict[Path, int]:
    """The line of each section and option, keys lower-cased as configparser does."""
    lines: dict[Path, int] = {}
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(("#", ";")) or raw[:1].isspace():
            continue
        header = _INI_SECTION.match(raw.strip())
        if header:
            section = header.group("name")
            lines.setdefault((section,), number)
            continue
        option = _INI_OPTION.match(raw)
        if option and section is not None:
            lines.setdefault((section, option.group("key").strip().lower()), number)
    return lines
