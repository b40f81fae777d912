"""What `gate publish` accepts: a branch name git takes as it is, a JSON report of the gate
with per-file coverage counts, an SVG badge. Anything else is refused before a push."""

from __future__ import annotations

import re
from pathlib import Path

from gate.errors import InputError, UsageError

#: Reports are a few hundred kilobytes; anything far bigger is not one.
MAX_BYTES = 64 * 1024 * 1024
BRANCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
SVG = "{http://www.w3.org/2000/svg}svg"


def check_branch(name: str) -> str:
    """A plain branch name (letters, digits, `._-/`), refused when git would not take it."""
    if not BRANCH.match(name) or ".." in name or name.endswith((".", ".lock")):
        raise UsageError(f"--branch {name!r}: not a plain branch name",
                         "letters, digits, '.', '_', '-' and '/' between parts, e.g."
                         " releasegate-data")
    return name


def _read(path: Path, what: str, hint: str) -> bytes:
    """The bytes of a regular, non-empty file of at most MAX_BYTES (gate.inputs opens it)."""
    from gate.inputs import open_input

    handle = open_input(path, what, hint)
    try:
        with handle:
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}", hint) from None
    if len(content) > MAX_BYTES:
        raise InputError(f"{what} is larger than {MAX_BYTES // 2**20} MiB: {path}", hint)
    return content


def check_report(path: Path) -> bytes:
    """The bytes of a JSON report of the gate that a pull request can compare with."""
    from gate.checks.coverage.baseline import parse_json_report

    hint = "write it with `gate check --report json=PATH` and a coverage threshold"
    content = _read(path, "report", hint)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"report is not UTF-8 text: {path}", hint) from None
    parse_json_report(text, str(path))  # raises when it is not one
    return content


def check_badge(path: Path) -> bytes:
    """The bytes of an SVG file (its root element is <svg>)."""
    import defusedxml.ElementTree as SafeTree
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError  # nosec B405  # the type only; defusedxml parses

    hint = "write it with `gate check --report badge=PATH`"
    content = _read(path, "badge", hint)
    try:
        root = SafeTree.fromstring(content)
    except (ParseError, DefusedXmlException) as exc:
        raise InputError(f"badge is not well-formed SVG: {path}: {exc}", hint) from None
    if root.tag != SVG:
        raise InputError(f"badge is not an SVG image: {path}: its root is <{root.tag}>", hint)
    return content
