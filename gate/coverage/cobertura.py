"""A streaming, defused reader for Cobertura XML (coverage.py, pytest-cov, gcovr, istanbul, Java).

Why not ElementTree: a 500 MB report would need gigabytes as a tree, and even
defusedxml's iterparse runs its pure-Python tree builder on every element. This
reader drives expat directly with one start-element handler and keeps only
per-file bitmaps, so memory follows the number of measured lines (a quarter of
a byte each), not the size of the file.

Safety is gate.xmlsafe's (defusedxml's handlers and exceptions): a DOCTYPE
naming an external DTD (gcovr, nyc, c8 and Java's Cobertura all write one) is
accepted and never fetched; entity declarations and external references are
refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, NoReturn

from gate import xmlsafe
from gate.coverage.model import CoverageData, FileCoverage
from gate.errors import InputError
from gate.model import Ratio

BIT = tuple(1 << i for i in range(8))
HINT_XML = "produce it with `coverage xml` (or pytest --cov-report=xml)"


class _Bad(Exception):
    """A malformed value inside the report; turned into an InputError with the line."""


class _Reader:
    """Builds per-file bitmaps from expat events."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytearray, bytearray, dict[int, Ratio]]] = {}
        self.sources: list[str] = []
        self.root: dict[str, str] | None = None
        self.has_branches = False

    def parse(self, handle: IO[bytes]) -> None:
        parser = xmlsafe.parser()
        self._install(parser)
        self.parser = parser
        xmlsafe.feed(parser, handle)

    def _install(self, parser: Any) -> None:
        files = self.files
        measured = covered = bytearray()
        branches: dict[int, Ratio] = {}

        def on_root(tag: str, attrs: dict[str, str]) -> None:
            if tag != "coverage":
                raise _Bad(f"expected a <coverage> root element, found <{tag}>")
            self.root = attrs
            parser.StartElementHandler = on_start

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal measured, covered, branches
            if tag == "line":
                number = int(attrs["number"])
                index = number >> 3
                if index >= len(measured) or index < 0:  # negative: would index from the end
                    if number < 0:
                        raise _Bad(f"negative line number {number}")
                    grow = index + 1 - len(measured) + (len(measured) >> 1)
                    measured.extend(bytes(grow))
                    covered.extend(bytes(grow))
                bit = BIT[number & 7]
                measured[index] |= bit
                hits = attrs["hits"]
                if hits != "0" and (hits.isdigit() or int(hits) > 0):
                    covered[index] |= bit
                if attrs.get("branch") == "true":
                    ratio = _condition(attrs.get("condition-coverage", ""))
                    if ratio is not None:
                        self.has_branches = True
                        seen = branches.get(number)
                        branches[number] = ratio if seen is None else Ratio(
                            max(seen.covered, ratio.covered), max(seen.total, ratio.total)
                        )
            elif tag == "class":
                name = attrs.get("filename") or attrs.get("name")
                if not name:
                    raise _Bad("<class> without a filename")
                if name not in files:
                    files[name] = (bytearray(), bytearray(), {})
                measured, covered, branches = files[name]
            elif tag == "source":
                text: list[str] = []
                parser.CharacterDataHandler = text.append

                def on_end(tag: str) -> None:
                    if tag == "source":
                        self.sources.append("".join(text).strip())
                        parser.CharacterDataHandler = None
                        parser.EndElementHandler = None

                parser.EndElementHandler = on_end

        parser.StartElementHandler = on_root

    def result(self) -> CoverageData:
        files = {
            name: FileCoverage(name, bytes(m).rstrip(b"\0"), bytes(c).rstrip(b"\0"), dict(b))
            for name, (m, c, b) in self.files.items()
        }
        return CoverageData(files, tuple(self.sources), self.has_branches)


def _condition(text: str) -> Ratio | None:
    """`50% (1/2)` -> Ratio(1, 2); istanbul and gcovr write the same shape."""
    start, end = text.find("("), text.find(")")
    if start < 0 or end < start:
        return None if not text.strip() else _raise(f"bad condition-coverage {text[:40]!r}")
    covered, _, total = text[start + 1:end].partition("/")
    ratio = Ratio(int(covered), int(total))
    if not 0 <= ratio.covered <= ratio.total:
        raise _Bad(f"bad condition-coverage {text[:40]!r}")
    return ratio


def _raise(message: str) -> NoReturn:
    raise _Bad(message)


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one Cobertura report; returns its data and any warnings about it.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming
    the file and the problem.
    """
    reader = _Reader()
    try:
        xmlsafe.read(path, "coverage report", HINT_XML, "pass the coverage.xml file", reader.parse)
    except (_Bad, KeyError, ValueError) as exc:
        line = reader.parser.CurrentLineNumber if hasattr(reader, "parser") else 0
        what = f"missing attribute {exc}" if isinstance(exc, KeyError) else str(exc)
        if isinstance(exc, ValueError) and not isinstance(exc, _Bad):
            what = f"non-numeric count ({exc})"
        raise InputError(f"not a valid Cobertura report: {path}: line {line}: {what}") from None
    if reader.root is None:
        raise InputError(f"coverage report has no root element: {path}", HINT_XML)
    data = reader.result()
    return data, _root_warnings(path, reader.root, data)


def _root_warnings(path: Path, root: dict[str, str], data: CoverageData) -> list[str]:
    """Say so when the root's own counts disagree with the lines it lists."""
    warnings = []
    lines = data.lines
    for attr, counted in (("lines-valid", lines.total), ("lines-covered", lines.covered)):
        declared = root.get(attr)
        if declared is not None and declared.isdigit() and int(declared) != counted:
            warnings.append(
                f"{path}: root says {attr}={declared} but its <line> elements count {counted}"
                " (the gate uses the lines)"
            )
    return warnings
