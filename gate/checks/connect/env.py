"""`${VAR}` and `$VAR` in connect settings, resolved from the environment.

`$$` is a literal `$`; a `$` not followed by a name or `{name}` stays as it is.
An unset variable is not an error here: the caller turns the names it gets
back into a failing check that names them (never their values).
"""

from __future__ import annotations

from typing import Mapping

_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_REST = _FIRST + "0123456789"


def references(text: str) -> tuple[str, ...]:
    """The variable names `text` refers to, in order, each once."""
    names: dict[str, None] = {}
    for kind, value in _scan(text):
        if kind == "var":
            names[value] = None
    return tuple(names)


def resolve(text: str, environ: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """`text` with its variables replaced, and the names that are not set."""
    out: list[str] = []
    missing: dict[str, None] = {}
    for kind, value in _scan(text):
        if kind == "text":
            out.append(value)
        elif value in environ:
            out.append(environ[value])
        else:
            missing[value] = None
    return "".join(out), tuple(missing)


def _scan(text: str) -> list[tuple[str, str]]:
    """Split `text` into ("text", literal) and ("var", name) pieces."""
    pieces: list[tuple[str, str]] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if char != "$":
            literal.append(char)
            i += 1
            continue
        if nxt == "$":
            literal.append("$")
            i += 2
            continue
        name, end = _name_at(text, i + 1)
        if name is None:
            literal.append("$")
            i += 1
            continue
        if literal:
            pieces.append(("text", "".join(literal)))
            literal = []
        pieces.append(("var", name))
        i = end
    if literal:
        pieces.append(("text", "".join(literal)))
    return pieces


def _name_at(text: str, start: int) -> tuple[str | None, int]:
    """The variable name starting at `start` (`NAME` or `{NAME}`) and where it ends."""
    braced = text.startswith("{", start)
    i = start + 1 if braced else start
    if i >= len(text) or text[i] not in _FIRST:
        return None, start
    j = i + 1
    while j < len(text) and text[j] in _REST:
        j += 1
    if braced:
        if not text.startswith("}", j):
            return None, start
        return text[i:j], j + 1
    return text[i:j], j
