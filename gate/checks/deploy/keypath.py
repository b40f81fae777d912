"""Dotted key paths: `database.host`, `servers.0.url`, `labels."app.kubernetes.io/name"`.

A path is a tuple of segments. A segment of digits indexes a list. A segment
holding anything but letters, digits, `_` and `-` is written in double quotes,
with `\"` and `\\` for a quote and a backslash inside.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

Path = tuple[str, ...]

_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


class PathError(ValueError):
    """A key path that cannot be parsed."""


def parse(text: str) -> Path:
    """Split a dotted key path into segments (quoted segments may hold dots)."""
    segments: list[str] = []
    pos = 0
    while True:
        if text.startswith('"', pos):
            match = _QUOTED.match(text, pos)
            if match is None:
                raise PathError(f"unclosed quote in key path {text!r}")
            segments.append(_ESCAPE.sub(r"\1", match.group()[1:-1]))
        else:
            match = _BARE.match(text, pos)
            if match is None:
                raise PathError(f"empty or invalid segment in key path {text!r}")
            segments.append(match.group())
        pos = match.end()
        if pos == len(text):
            return tuple(segments)
        if text[pos] != ".":
            raise PathError(f"unexpected {text[pos]!r} in key path {text!r}")
        pos += 1


def show(path: Path) -> str:
    """A path as users write it; `parse(show(p)) == p` for every non-empty path."""
    return ".".join(s if _BARE.fullmatch(s) else _quote(s) for s in path) or "(top level)"


def _quote(segment: str) -> str:
    return '"' + segment.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lookup(root: Any, path: Path) -> tuple[bool, Any]:
    """`(True, value)` when `path` exists below `root`, else `(False, None)`."""
    node = root
    for segment in path:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            return False, None
    return True, node


def walk(root: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) below `root`, containers before their contents."""
    stack = [(prefix, root)]
    while stack:
        path, node = stack.pop()
        if path:
            yield path, node
        if isinstance(node, dict):
            stack.extend((path + (str(k),), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((path + (str(i),), v) for i, v in reversed(list(enumerate(node))))


def name_of(path: Path) -> str:
    """The key a value sits under: the last segment that is not a list index."""
    for segment in reversed(path):
        if not segment.isdigit():
            return segment
    return ""
