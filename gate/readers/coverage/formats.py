"""Which coverage format a file is in, from its first bytes: never from its name.

- XML: the root element, read by the same defused expat as the readers:
  `<report>` is JaCoCo; `<coverage>` is Clover when it has a `clover` attribute
  or its first child is `<project>` (PHPUnit writes no attribute), else Cobertura.
- JSON: an object whose first key is `meta`, `files` or `totals` is coverage.py's
  report; one whose first key is `$schema` or `schema_version` is the gate's own
  JSON report (a baseline, not a coverage report).
- LCOV: the first line is an LCOV record (`TN:`, `SF:`, ...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from defusedxml import DefusedXmlException

from gate import inputs
from gate.errors import InputError, UnsafeInputError
from gate.readers import xmlsafe

#: Each format the gate reads, by the name the readers and messages use.
NAMES = {
    "cobertura": "Cobertura XML",
    "jacoco": "JaCoCo XML",
    "clover": "Clover XML",
    "lcov": "LCOV",
    "coverage-json": "coverage.py JSON",
}
#: Not a coverage report, but a baseline the ratchet reads.
GATE_JSON = "gate-json"
HEAD = 64 << 10
HINT = ("the gate reads " + ", ".join(NAMES.values())
        + "; produce one with `coverage xml`, `coverage lcov` or `coverage json`")

_BOM = b"\xef\xbb\xbf"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_JSON_KEY = re.compile(rb'\{[ \t\r\n]*"([^"\\]{1,64})"')
_LCOV_RECORD = re.compile(
    rb"(?:TN|SF|VER|FN|FNDA|FNF|FNH|FNL|FNA|DA|LF|LH|BRDA|BRF|BRH):|end_of_record[\r\n]")
_COVERAGE_JSON_KEYS = {b"meta", b"files", b"totals"}
_GATE_JSON_KEYS = {b"$schema", b"schema_version"}


def detect(path: Path, what: str = "coverage report") -> str:
    """The format of the report at `path`: a key of NAMES, or GATE_JSON.

    Raises InputError naming the file (and the formats known) when it is none of them.
    """
    head = _head(path, what)
    text = head.removeprefix(_BOM).lstrip(b" \t\r\n")
    if text.startswith(b"<") or head.startswith(_UTF16):
        return _xml_kind(path, head, what)
    if text.startswith(b"{"):
        key = _JSON_KEY.match(text)
        if key is not None and key[1] in _COVERAGE_JSON_KEYS:
            return "coverage-json"
        if key is not None and key[1] in _GATE_JSON_KEYS:
            return GATE_JSON
        _unknown(path, what, "a JSON document that is not coverage.py's JSON report")
    if _LCOV_RECORD.match(text):
        return "lcov"
    _unknown(path, what, "not a coverage format the gate reads")


def _head(path: Path, what: str) -> bytes:
    handle = inputs.open_input(path, what, HINT, "pass the report file, not its folder")
    try:
        with handle:
            return handle.read(HEAD)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


class UnknownFormat(InputError):
    """The file is in none of the formats the gate reads; `problem` says what it looks like."""

    problem = ""


def _unknown(path: Path, what: str, problem: str) -> NoReturn:
    error = UnknownFormat(f"{what} is in no format the gate knows: {path}: {problem}", HINT)
    error.problem = problem
    raise error


class _Found(Exception):
    """The root and its first child are known: stop reading."""


def _xml_kind(path: Path, head: bytes, what: str) -> str:
    parser = xmlsafe.parser()
    parser.ordered_attributes = True
    seen: list[tuple[str, list[str]]] = []

    def start(tag: str, attrs: list[str]) -> None:
        seen.append((tag, attrs))
        if len(seen) == 2 or (tag == "coverage" and "clover" in attrs[::2]) or tag != "coverage":
            raise _Found

    parser.StartElementHandler = start
    try:
        parser.Parse(head, len(head) < HEAD)
    except _Found:
        pass
    except DefusedXmlException as exc:
        raise UnsafeInputError(
            f"unsafe XML rejected: {path}: {xmlsafe.unsafe_reason(exc)}") from None
    except expat.ExpatError as exc:
        if not seen:
            raise InputError(f"{what} is not well-formed XML: {path}: line {exc.lineno}:"
                             f" {xmlsafe.problem(exc)}", HINT) from None
    except (LookupError, UnicodeError) as exc:
        raise InputError(f"{what} is not well-formed XML: {path}: {exc}", HINT) from None
    return _kind_of(path, what, seen)


def _kind_of(path: Path, what: str, seen: list[tuple[str, Any]]) -> str:
    if not seen:
        # The head ends before the root element (a long comment, say): the
        # Cobertura reader, the most common format, reads on and says what is wrong.
        return "cobertura"
    root, attrs = seen[0]
    if root == "report":
        return "jacoco"
    if root == "coverage":
        if "clover" in attrs[::2] or (len(seen) > 1 and seen[1][0] == "project"):
            return "clover"
        return "cobertura"
    _unknown(path, what, f"XML whose root element is <{root}>")
