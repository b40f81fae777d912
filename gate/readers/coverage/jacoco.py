"""A streaming, defused reader for JaCoCo XML reports (jacoco:report, JaCoCo's Ant task and
CLI, and the tools that write its format).

What counts (JaCoCo's report.dtd and its XML writer): each `<sourcefile>` of a
`<package>` is a file named `<package name>/<sourcefile name>` (the package in VM
notation, `org/example`); each of its `<line nr mi ci mb cb>` has missed and
covered instructions (mi, ci) and branches (mb, cb). A line is measured when it
has instructions, covered when one of them ran (ci > 0), as JaCoCo's own LINE
counter counts it; its branches are mb + cb, cb of them covered. The `<counter>`
elements are never used, only compared with the lines (a disagreement is a
warning). `<class>` and `<method>` elements repeat what the lines say.

JaCoCo writes `<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN"
"report.dtd">`: accepted, never fetched; entity declarations are refused, as in
every report. Runs of `<line>`s are read in bulk, and the class summaries that
fill half a report are stepped over in bulk, past expat (see _Reader.take).
"""

from __future__ import annotations

import json
import json.scanner
import re
from itertools import compress
from operator import add
from pathlib import Path
from typing import IO, Any, Callable

from gate.errors import InputError
from gate.readers import xmlsafe
from gate.readers.coverage.lines import (
    MAX_LINE, BadValue, Budget, FileLines, count, line_number)
from gate.readers.coverage.model import CoverageData, FileCoverage

HINT = "produce it with JaCoCo's report goal (jacoco:report) or its CLI (`report --xml`)"
#: Read runs of <line>s and class summaries in bulk; False sends all through expat's events.
BULK = True

# No possessive quantifier (Python 3.10 has none): each repetition stops at a character it
# cannot match, and an attribute value is one unrolled loop.
_WS = rb"[ \t\r\n]*"
#: An attribute value as JaCoCo writes one: printable ASCII and its five escapes.
_PRINTABLE = rb"[ !#-%'-;=?-~]*"
_VALUE = rb'"' + _PRINTABLE + rb"(?:&(?:lt|gt|amp|quot|apos);" + _PRINTABLE + rb')*"'
_COUNTER = rb'<counter type="[A-Z]{1,20}" missed="\d{1,20}" covered="\d{1,20}"/>'
#: What a <class> holds: its methods and counters, stepped over in bulk.
_CLASS_BODY = re.compile(
    rb"(?:" + _WS + rb"(?:<method name=" + _VALUE + rb" desc=" + _VALUE
    + rb'(?: line="\d{1,8}")?>(?:' + _WS + _COUNTER + rb")*" + _WS + rb"</method>|"
    + _COUNTER + rb"))*")
#: A run of <line>s as JaCoCo writes them.
_LINES = re.compile(
    rb"(?:" + _WS + rb'<line nr="\d{1,8}" mi="\d{1,10}" ci="\d{1,10}" mb="\d{1,10}"'
    rb' cb="\d{1,10}"/>)*')
#: The counters that close a <sourcefile>, read in bulk too (for the comparison only).
_COUNTERS = re.compile(rb"(?:" + _WS + _COUNTER + rb")*")
_COUNTER_FIELDS = re.compile(rb'<counter type="([A-Z]+)" missed="(\d+)" covered="(\d+)"/>')
_KEEP_DIGITS = bytes(c for c in range(256) if c not in b'0123456789"')
#: Where a bulk read may start: a <class> start tag, or a <sourcefile> one before a <line>.
_MARKER = re.compile(
    rb"<class [^<>]{0,180}(?<!/)>|<sourcefile [^<>]{0,180}(?<!/)>(?=[ \t\r\n]{0,40}<line )")
_ASCII_COMPATIBLE = {"utf-8", "us-ascii", "iso-8859-1"}
# json's own C scanner, without the module's per-call wrappers (typeshed has
# make_scanner take a make_scanner; it takes a decoder).
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder())  # type: ignore[arg-type]
_REACH = 4096  # an element the window may cut short is shorter than this


class _Reader:
    """Per-file line buffers from expat's events and from runs read in bulk."""

    marker = _MARKER

    def __init__(self, path: Path) -> None:
        self.path = path
        self.budget = Budget(self._offset)
        self.files: dict[str, FileCoverage] = {}
        self.feeder: xmlsafe.Feeder | None = None
        self.root = False
        self.package: str | None = None
        self.source: tuple[str, FileLines] | None = None  # the <sourcefile> being read
        self.counters: dict[str, tuple[int, int]] = {}
        self.opened = -1  # where the last <class> or <sourcefile> tag starts
        self.kind = ""  # which of the two
        self.ascii = True
        self.bulk_lines = 0
        self.disagreeing: list[str] = []

    def line(self) -> int:
        return self.feeder.line() if self.feeder is not None else 0

    def _offset(self) -> int:
        return self.feeder.offset() if self.feeder is not None else 0

    def parse(self, handle: IO[bytes]) -> None:
        parser = xmlsafe.parser()
        parser.ordered_attributes = True
        parser.XmlDeclHandler = self._declared
        parser.SkippedEntityHandler = _undefined_entity
        parser.StartElementHandler = self._root
        parser.EndElementHandler = self._end
        self.parser = parser
        self.feeder = xmlsafe.Feeder(parser, self if BULK else None)
        self.feeder.run(handle)

    def _declared(self, version: str, encoding: str | None, standalone: int) -> None:
        self.ascii = encoding is None or encoding.lower() in _ASCII_COMPATIBLE

    def _root(self, tag: str, attrs: list[str]) -> None:
        if tag != "report":
            raise BadValue(f"expected a JaCoCo <report> root element, found <{tag}>")
        self.root = True
        self.parser.StartElementHandler = self._start

    def _start(self, tag: str, attrs: list[str]) -> None:
        if tag == "line":
            if self.source is not None:
                self._line(self.source[1], attrs)
        elif tag == "counter":
            if self.source is not None:
                named = _named(attrs)
                kind = named.get("type", "")
                self.counters[kind] = (count(named.get("missed", ""), "counter"),
                                       count(named.get("covered", ""), "counter"))
        elif tag == "class":
            self.opened, self.kind = self.parser.CurrentByteIndex, "class"
        elif tag == "sourcefile":
            if self.package is None:
                raise BadValue("<sourcefile> outside a <package>")
            name = _named(attrs).get("name")
            if not name:
                raise BadValue("<sourcefile> without a name")
            full = f"{self.package}/{name}" if self.package else name
            self.source = (full, FileLines(self.budget))
            self.counters = {}
            self.opened, self.kind = self.parser.CurrentByteIndex, "sourcefile"
        elif tag == "package":
            name = _named(attrs).get("name")
            if name is None:
                raise BadValue("<package> without a name")
            self.package = name.strip("/")

    def _end(self, tag: str) -> None:
        if tag == "sourcefile" and self.source is not None:
            name, lines = self.source
            file = lines.build(name)
            self._compare(name, file)
            seen = self.files.get(name)
            self.files[name] = file if seen is None else seen.merge(file)
            self.source = None
        elif tag == "package":
            self.package = None

    def _line(self, lines: FileLines, attrs: list[str]) -> None:
        named = _named(attrs)
        if "nr" not in named:
            raise BadValue("<line> without an nr attribute")
        if "mi" not in named and "ci" not in named:
            raise BadValue(
                "<line> without instruction counts (mi, ci): which lines ran is unknown"
                " (gcovr's --jacoco writes such reports: use its --cobertura or --lcov)")
        number = line_number(named["nr"])
        missed, covered = (count(named.get(k, "0"), k) for k in ("mi", "ci"))
        bmissed, bcovered = (count(named.get(k, "0"), k) for k in ("mb", "cb"))
        if missed or covered:
            lines.add(number, covered > 0)
        if bmissed or bcovered:
            lines.add_branches(number, bcovered, bmissed + bcovered)

    def _compare(self, name: str, file: FileCoverage) -> None:
        lines, branches = file.lines, file.branch_ratio  # each read back from the packed file
        got = {"LINE": (lines.total - lines.covered, lines.covered),
               "BRANCH": (branches.total - branches.covered, branches.covered)}
        for kind, counted in got.items():
            declared = self.counters.get(kind)
            if declared is not None and declared != counted:
                self.disagreeing.append(
                    f"{name}: its {kind} counter says missed={declared[0]}"
                    f" covered={declared[1]} but its <line>s count {counted[0]} and {counted[1]}")
                return

    # The bulk reader (xmlsafe.Shortcut).

    def cue(self, offset: int) -> bool:
        """Whether the tag at expat's `offset` is the <class> or <sourcefile> just opened."""
        return offset == self.opened and self.ascii

    def take(self, data: bytes, start: int, final: bool) -> tuple[int, bool]:
        """Step over a class's methods and counters, or read a run of <line>s."""
        if self.kind == "class":
            end = _CLASS_BODY.match(data, start).end()  # type: ignore[union-attr]
        else:
            end = _LINES.match(data, start).end()  # type: ignore[union-attr]
            if end > start and not self._add_lines(data, start, end):
                return start, False  # let expat's events find and report what is wrong
            closing = _COUNTERS.match(data, end).end()  # type: ignore[union-attr]
            if closing > end and data.startswith(b"</sourcefile>", closing):
                for kind, missed, covered in _COUNTER_FIELDS.findall(data, end, closing):
                    self.counters[kind.decode()] = (int(missed), int(covered))
                end = closing
        more = not final and len(data) - end < _REACH
        return end, more

    def _add_lines(self, data: bytes, start: int, end: int) -> bool:
        if self.source is None:
            return False
        quoted = data[start:end].translate(None, _KEEP_DIGITS)  # "3""0""3""0""0""4"...
        text = quoted[1:-1].replace(b'""', b",")
        try:
            values, _ = _scan("[" + text.decode("ascii") + "]", 0)
        except ValueError:  # leading zeros
            values = list(map(int, text.split(b",")))
        numbers = values[0::5]
        top = max(numbers)
        if top > MAX_LINE:
            return False
        instructions = list(map(add, values[1::5], values[2::5]))
        measured = numbers if all(instructions) else list(compress(numbers, instructions))
        lines = self.source[1]
        lines.add_run(measured, compress(numbers, values[2::5]), top)
        covered = values[4::5]
        branches = list(map(add, values[3::5], covered))
        if any(branches):
            lines.lines.extend(compress(numbers, branches))
            lines.bcovered.extend(compress(covered, branches))
            lines.btotal.extend(compress(branches, branches))
        self.bulk_lines += len(numbers)
        return True

    def result(self) -> tuple[CoverageData, list[str]]:
        has_branches = any(f.branches for f in self.files.values())
        warnings = []
        if self.disagreeing:
            more = len(self.disagreeing) - 1
            also = f" (and {more} more file(s))" if more else ""
            warnings.append(f"{self.path}: {self.disagreeing[0]}{also}; the gate uses the lines")
        return CoverageData(self.files, (), has_branches), warnings


def _named(attrs: list[str]) -> dict[str, str]:
    return dict(zip(attrs[::2], attrs[1::2]))


def _undefined_entity(name: str, is_parameter: bool) -> Any:
    raise BadValue(f"undefined entity &{name}; (its text is unknown)")


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one JaCoCo XML report; returns its data and any warnings about it.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming the file.
    """
    reader = _Reader(path)
    try:
        xmlsafe.read(path, "coverage report", HINT, "pass the jacoco.xml file", reader.parse)
    except BadValue as exc:
        raise InputError(f"not a valid JaCoCo report: {path}: line {reader.line()}: {exc}",
                         HINT) from None
    if not reader.root:
        raise InputError(f"coverage report has no root element: {path}", HINT)
    return reader.result()
