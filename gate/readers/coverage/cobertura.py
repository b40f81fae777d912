"""A streaming, defused reader for Cobertura XML (coverage.py, pytest-cov, gcovr, istanbul, Java).

Why not ElementTree: a 500 MB report would need gigabytes as a tree, and even
defusedxml's iterparse runs its pure-Python tree builder on every element. This
reader drives expat directly, reads the runs of <line> elements that make up
most of a report in bulk (see _Reader), and keeps only per-file bitmaps, so
memory follows the number of measured lines (a quarter of a byte each), not the
size of the file.

Safety follows defusedxml: the same handlers refuse entity declarations and
external references, raising defusedxml's own exceptions. A DOCTYPE naming an
external DTD (gcovr, nyc, c8 and Java's Cobertura all write one) is accepted
and never fetched: expat reads no external entity unless asked to.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections import deque
from itertools import compress, repeat
from operator import gt, or_
from pathlib import Path
from typing import IO, Any, Callable, Iterable, NoReturn, cast

from gate.errors import InputError
from gate.numeric import TooLong, bounded, whole
from gate.readers import xmlsafe
from gate.readers.coverage.model import (
    NO_BRANCHES, BranchTable, CoverageData, FileCoverage, bitmap)

#: No source file has ten million lines; a larger number is a broken report.
MAX_LINE = 10_000_000
#: The line buffers may take this much memory, plus one byte per byte of report
#: read: a crafted report of huge line numbers cannot make memory or time explode.
SLACK = 64 << 20
#: Read runs of <line>s in bulk; False sends every line through expat's
#: events (the tests compare the two ways).
BULK = True
HINT_XML = "produce it with `coverage xml` (or pytest --cov-report=xml)"
#: The root's own counts, which the reader checks against its <line>s.
ROOT_COUNTS = ("lines-valid", "lines-covered", "branches-valid", "branches-covered")

# A line's state while its class is read: bit 0 measured, bit 1 covered.
_MEASURED = bytes.maketrans(b"\0\1\3", b"011")
_COVERED = bytes.maketrans(b"\0\1\3", b"001")
_U32 = 0xFFFFFFFF
#: condition-coverage as every producer writes it: "50% (1/2)", "66.66% (2/3)".
_CONDITION = re.compile(r"\d+(?:\.\d+)?% \((\d+)/(\d+)\)").fullmatch
#: One <line> as coverage.py, pytest-cov, istanbul, gcovr, Java's Cobertura and
#: JaCoCo converters write it, with the XML whitespace before it: coverage.py's
#: missing-branches (exit arcs as "exit", or as negative lines in older
#: versions), gcovr's and Java's <conditions> children (they count for nothing),
#: ElementTree's space before "/>". Its groups: number, hits when zero, hits when
#: not, and a branch line's covered and total conditions. ASCII only, no
#: references (no `&`), no other markup: a run of these is well-formed, and means
#: what expat's events say. A count has at most 40 digits (gate.numeric.MAX_LENGTH):
#: a longer one ends the run, and expat's events refuse it with its line. No
#: possessive quantifier: Python 3.10 has none, and every repetition here ends at a
#: character it cannot match, so none backtracks far.
_SIMPLE_LINE = re.compile(
    rb'[ \t\r\n]*<line number="(\d{1,40})" hits="(?:(0{1,40})|(\d{1,40}))"'
    rb'(?:/>| branch="false" ?/>'  # most lines end here: tried first, they cost least
    rb'|(?: branch="false"'
    rb'| branch="true"(?: condition-coverage="\d+(?:\.\d+)?% \((\d{1,40})/(\d{1,40})\)")?)?'
    rb'(?: missing-branches="(?:[0-9,-]|exit)*")?'
    rb' ?(?:/>|>[ \t\r\n]*<conditions>(?:[ \t\r\n]*<condition number="\d+" type="[a-z]+"'
    rb' coverage="\d+%" ?/>)*[ \t\r\n]*</conditions>[ \t\r\n]*</line>))')
_GROUPS = _SIMPLE_LINE.groups + 1  # what split() yields per line: the text before it, then groups
#: Where a run may start: a <lines> tag followed by a <line> (the feeder's marker).
_CLASS_LINES = re.compile(rb"<lines>(?=[ \t\r\n]{0,200}<line )")
#: Encodings in which the bytes of _SIMPLE_LINE mean the characters they spell.
_ASCII_COMPATIBLE = {"utf-8", "us-ascii", "iso-8859-1"}
_consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # run an iterator


def _size(number: int) -> int:
    """How long a line buffer holding `number` is: a function of the largest number alone.

    Both ways of reading grow a buffer to this size, so they count the same
    bytes against SLACK whatever order the lines come in.
    """
    return min(1 << number.bit_length(), MAX_LINE + 1)


class _Bad(Exception):
    """A malformed value inside the report; turned into an InputError with the line."""


#: What a file without branch lines holds instead of arrays of its own (never written to).
_NO_LINES: array[int] = array("I")
_NO_COUNTS: array[int] = array("B")


class _File:
    """One file's lines as two bitmaps (Python ints) and its branch lines as flat arrays.

    These cost a file several hundred bytes, twice or more what the finished file costs,
    so a file is finished as soon as a class of another file begins: the one kept open
    is the current one. A file whose classes come back after another's is opened again from its
    finished lines and then kept open to the end (`reopened`): each file is finished at
    most twice, however the classes alternate.
    """

    __slots__ = ("measured", "covered", "lines", "bcovered", "btotal", "limit", "reopened")

    def __init__(self) -> None:
        self.measured = self.covered = 0
        self.reopened = False
        # Shared empty arrays until the first branch line: three arrays of its own would
        # cost each file 200 bytes while the report is read, and many files have no branch.
        self.lines: array[int] = _NO_LINES
        # Branch counts are mostly 0, 1 and 2: a byte each, widened when one is larger.
        self.bcovered: array[int] | list[int] = _NO_COUNTS
        self.btotal: array[int] | list[int] = _NO_COUNTS
        self.limit: int | None = 0xFF

    @classmethod
    def reopen(cls, file: FileCoverage) -> _File:
        """A finished file's lines and branch lines, to add its next class's to."""
        new = cls()
        new.measured = int.from_bytes(file.measured, "little")
        new.covered = int.from_bytes(file.covered, "little")
        new.reopened = True
        branches = file.branches
        if branches:
            new.add_branches(branches, [r.covered for r in branches.values()],
                             [r.total for r in branches.values()])
        return new

    def _start(self) -> None:
        """The file's own arrays, at its first branch line (the shared ones stay empty)."""
        self.lines, self.bcovered, self.btotal = array("I"), array("B"), array("B")

    def add_branch(self, line: int, covered: int, total: int) -> None:
        """Record a branch line (duplicates are resolved when the file is built)."""
        if self.lines is _NO_LINES:
            self._start()
        if self.limit is not None and total > self.limit:
            self._widen(total)
        self.lines.append(line)
        self.bcovered.append(covered)
        self.btotal.append(total)

    def add_branches(self, lines: Iterable[int], covered: list[int], total: list[int]) -> None:
        """Record many branch lines at once (the counts already checked)."""
        if self.lines is _NO_LINES:
            self._start()
        if self.limit is not None and max(total) > self.limit:
            self._widen(max(total))
        self.lines.extend(lines)
        self.bcovered.extend(covered)
        self.btotal.extend(total)

    def _widen(self, total: int) -> None:
        if total <= _U32:
            self.bcovered, self.btotal, self.limit = (
                array("I", self.bcovered), array("I", self.btotal), _U32)
        else:  # counts beyond 32 bits stay exact in lists
            self.bcovered, self.btotal, self.limit = list(self.bcovered), list(self.btotal), None

    def add_lines(self, state: bytearray) -> None:
        """OR a class's line states (one byte per line number) into the bitmaps."""
        self.measured |= _pack(state, _MEASURED)
        self.covered |= _pack(state, _COVERED)

    def build(self, name: str) -> FileCoverage:
        """The finished, immutable file."""
        branches = BranchTable.build(self.lines, self.bcovered, self.btotal) if self.lines \
            else NO_BRANCHES
        return FileCoverage(name, bitmap(self.measured), bitmap(self.covered), branches)


def _pack(state: bytearray, table: bytes) -> int:
    """Bit n set where byte n of `state` maps to "1" through `table` (all in C)."""
    digits = state.translate(table)
    digits.reverse()
    return int(digits, 2) if digits else 0


class _Reader:
    """Builds per-file bitmaps from expat events, and from runs of <line>s read in bulk.

    Expat reads the document's structure; a handler call per <line> would cost
    more than twice expat's own parse, so the runs of <line>s in each <lines>
    (a class's own, and the ones inside a <method>, which are read and then
    dropped) are read in bulk where they can be (`take`): a run of <line>
    elements that match _SIMPLE_LINE exactly is split by one regular expression
    and written into the same line buffer with C-level map() calls, and expat
    skips it. Anything else in a run (a comment, another attribute order, a
    reference, a child other than <conditions>) ends the bulk read there, and
    expat's events take over, so both ways read the same lines the same way.

    Lines go to a buffer of one byte per line number: the current class's
    (packed into its file's bitmaps, in C, when the class ends), or the one
    for lines that do not count. Both ways grow a buffer to `_size` of its
    largest line number, so they count the same memory against SLACK.
    """

    marker = _CLASS_LINES

    def __init__(self) -> None:
        self.files: dict[str, _File | FileCoverage] = {}  # finished, or still open
        self.sources: list[str] = []
        self.root: dict[str, str] | None = None
        self.allocated = 0
        self.feeder: xmlsafe.Feeder | None = None
        self.opened = -1  # where the <lines> being read starts, as expat counts
        self.buffer = bytearray()  # where its lines go (the class's, or the dropped ones)
        self.file: _File | None = None  # where its branch lines go (None: dropped)
        self.ascii = True  # the encoding spells ASCII as ASCII
        self.bulk_lines = 0  # how many <line>s were read in bulk (for the benchmark)

    def parse(self, handle: IO[bytes]) -> None:
        """Feed the whole of `handle` to expat, taking the runs of <line>s in bulk."""
        parser = xmlsafe.parser()
        parser.ordered_attributes = True
        parser.XmlDeclHandler = self._declared
        self.feeder = xmlsafe.Feeder(parser, self if BULK else None)
        finish = self._install(parser)
        self.feeder.run(handle)
        finish()

    def line(self) -> int:
        """The line of the file being read now."""
        return self.feeder.line() if self.feeder is not None else 0

    def _declared(self, version: str, encoding: str | None, standalone: int) -> None:
        self.ascii = encoding is None or encoding.lower() in _ASCII_COMPATIBLE

    def cue(self, offset: int) -> bool:
        """Whether the <lines> at expat's byte `offset` is the one expat has just opened."""
        return offset == self.opened and self.ascii

    def take(self, data: bytes, start: int, final: bool) -> tuple[int, bool]:
        """Read the <line>s at data[start:]; returns where they end and whether more may follow.

        The run ends at the next <lines> or </lines>, or, when neither has
        been read yet, before the last <line> begun in `data`.
        """
        edge = data.find(b"lines>", start)  # the next <lines> or </lines>: no <line> has it
        if edge >= 0:
            stop, more = edge, False
        else:
            stop, more = data.rfind(b"<line ", start + 1), not final
            if stop < 0:  # not two lines begun yet: wait for a little more
                return start, more and len(data) - start < xmlsafe.CHUNK
        parts = _SIMPLE_LINE.split(data[start:stop])
        rest = parts.pop()
        if any(parts[::_GROUPS]):  # something else between two lines: take those before it
            end = _simple_run().match(data, start, stop).end()  # type: ignore[union-attr]
            parts = _SIMPLE_LINE.split(data[start:end])
            parts.pop()
            more = False
        else:
            end = stop - len(rest)
            more = more and not rest.strip(b" \t\r\n")
        if parts and not self._add_run(parts):
            return start, False  # let the event path find and report what is wrong
        return end, more

    def _add_run(self, parts: list[Any]) -> bool:
        """Add the lines split from a run; False, adding nothing, if one is out of bounds."""
        numbers = list(map(int, parts[1::_GROUPS]))
        top = max(numbers)
        totals = parts[5::_GROUPS]
        branch_lines = any(totals)
        if branch_lines:
            covered = list(map(int, compress(parts[4::_GROUPS], totals)))
            total = list(map(int, compress(totals, totals)))
            if any(map(gt, covered, total)):
                return False
        buffer = self.buffer
        if top >= len(buffer):
            extra = _size(top) - len(buffer) if top <= MAX_LINE else 0
            if not extra or not self._afford(extra):
                return False
            buffer.extend(bytes(extra))
        self.bulk_lines += len(numbers)
        file = self.file
        if file is None:  # lines that do not count: checked, and dropped
            return True
        if branch_lines:
            file.add_branches(compress(numbers, totals), covered, total)
        # Each line's byte is ORed with 1 (measured) or set to 3 (covered): a line
        # listed twice is covered when any listing ran, as the events have it.
        unhit = list(compress(numbers, parts[2::_GROUPS]))
        ored = map(or_, map(buffer.__getitem__, unhit), repeat(1))
        _consume(map(buffer.__setitem__, unhit, ored))
        _consume(map(buffer.__setitem__, compress(numbers, parts[3::_GROUPS]), repeat(3)))
        return True

    def _afford(self, size: int) -> bool:
        """Count `size` more bytes of line buffers, unless out of proportion to the report."""
        read = self.feeder.offset() if self.feeder is not None else 0
        if self.allocated + size > SLACK + read:
            return False
        self.allocated += size
        return True

    def _grow(self, state: bytearray, number: int) -> None:
        if number > MAX_LINE:
            raise _Bad(f"line number {number} is out of range (more than {MAX_LINE:,})")
        extra = _size(number) - len(state)
        if not self._afford(extra):
            raise _Bad("line numbers out of all proportion to the size of the report")
        state.extend(bytes(extra))

    def _install(self, parser: Any) -> Any:
        """Set the handlers; returns the function that ends the last class."""
        files, grow = self.files, self._grow
        # A <line> counts when it is in a class's own <lines>. The <lines> of a
        # <method> repeat some of them (Java, gcovr) or add a declaration line
        # the producer itself does not count (istanbul): they go to `discard`.
        state = discard = bytearray()
        kept = bytearray()  # the current class's lines: one state byte per line number
        current: _File | None = None
        current_name = ""
        add_branch = _ignore
        in_method = False

        def close() -> None:
            if current is not None and kept:
                current.add_lines(kept)

        def on_root(tag: str, attrs: list[str]) -> None:
            if tag != "coverage":
                raise _Bad(f"expected a <coverage> root element, found <{tag}>")
            self.root = dict(zip(attrs[::2], attrs[1::2]))
            for attr in ROOT_COUNTS:  # compared with the lines' counts once all is read
                bounded(self.root.get(attr, ""), attr)
            parser.StartElementHandler = on_start

        def on_start(tag: str, attrs: list[str]) -> None:
            nonlocal state, kept, current, current_name, add_branch, in_method
            if tag == "line":
                # Every producer writes number and hits first; coverage.py's plain
                # lines have nothing else, and its branch lines go on with branch and
                # condition-coverage: read those by position, anything else by name.
                size = len(attrs)
                if size == 4 and attrs[0] == "number" and attrs[2] == "hits":
                    number, hits, condition = whole(attrs[1], "line number"), attrs[3], None
                elif size >= 8 and attrs[6] == "condition-coverage" and attrs[4] == "branch" \
                        and attrs[5] == "true" and attrs[0] == "number" and attrs[2] == "hits":
                    number, hits, condition = whole(attrs[1], "line number"), attrs[3], attrs[7]
                else:
                    number, hits, condition = _line(attrs)
                if number < 0:
                    raise _Bad(f"negative line number {number}")
                flag = 1 if hits == "0" else 3 if hits == "1" else _hits(hits)
                try:
                    state[number] |= flag
                except IndexError:
                    grow(state, number)
                    state[number] |= flag
                if condition is not None and condition.strip():
                    found = _CONDITION(condition)
                    if found is None:
                        add_branch(number, *_condition(condition))
                    else:
                        covered = whole(found[1], "condition-coverage")
                        total = whole(found[2], "condition-coverage")
                        if covered > total:
                            _bad(f"bad condition-coverage {condition[:40]!r}")
                        add_branch(number, covered, total)
            elif tag == "lines":
                if in_method or current is None:
                    state, add_branch, self.file = discard, _ignore, None
                else:
                    state, add_branch, self.file = kept, current.add_branch, current
                self.buffer, self.opened = state, parser.CurrentByteIndex
                in_method = False
            elif tag == "method":
                in_method = True
            elif tag == "class":
                named = dict(zip(attrs[::2], attrs[1::2]))
                name = named.get("filename") or named.get("name")
                if not name:
                    raise _Bad("<class> without a filename")
                close()
                if current is None or name != current_name:
                    if current is not None and not current.reopened:
                        files[current_name] = current.build(current_name)
                    seen = files.get(name)
                    if seen is None:
                        current = files[name] = _File()
                    elif isinstance(seen, _File):
                        current = seen
                    else:
                        current = files[name] = _File.reopen(seen)
                    current_name = name
                kept = bytearray()
                state, add_branch, in_method = discard, _ignore, False
                self.buffer, self.file, self.opened = discard, None, -1
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
        return close

    def result(self) -> CoverageData:
        """The data read, as immutable per-file coverage."""
        files = self.files
        for name, file in files.items():  # the files still open, finished in place
            if isinstance(file, _File):
                files[name] = file.build(name)
        finished = cast("dict[str, FileCoverage]", files)
        has_branches = any(file.branches for file in finished.values())
        return CoverageData(finished, tuple(self.sources), has_branches)


@functools.cache
def _simple_run() -> re.Pattern[bytes]:
    """The longest run of _SIMPLE_LINEs from a position (for the rare run with something else)."""
    ungrouped = re.sub(rb"(?<!\\)\((?!\?)", b"(?:", _SIMPLE_LINE.pattern)
    return re.compile(b"(?:" + ungrouped + b")*")


def _ignore(line: int, covered: int, total: int) -> None:
    """Where the branches of lines that do not count go."""


def _line(attrs: list[str]) -> tuple[int, str, str | None]:
    """A <line>'s number, hits and condition-coverage, whatever the attribute order."""
    named = dict(zip(attrs[::2], attrs[1::2]))
    try:
        number, hits = named["number"], named["hits"]
    except KeyError as exc:
        raise _Bad(f"<line> without a {exc.args[0]!r} attribute") from None
    condition = named.get("condition-coverage") if named.get("branch") == "true" else None
    return whole(number, "line number"), hits, condition


def _hits(text: str) -> int:
    """The state flag for a hit count other than "0" and "1"."""
    hits = whole(text, "hits")
    if hits < 0:
        raise _Bad(f"negative hit count {text!r}")
    return 3 if hits else 1


def _condition(text: str) -> tuple[int, int]:
    """`50% (1/2)` -> (1, 2); istanbul, gcovr and Java's Cobertura write the same shape."""
    start, end = text.find("("), text.find(")")
    covered, slash, total = text[start + 1:end].partition("/")
    if start < 0 or end < start or not slash:
        _bad(f"bad condition-coverage {text[:40]!r}")
    counts = whole(covered, "condition-coverage"), whole(total, "condition-coverage")
    if not 0 <= counts[0] <= counts[1]:
        _bad(f"bad condition-coverage {text[:40]!r}")
    return counts


def _bad(message: str) -> NoReturn:
    raise _Bad(message)


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one Cobertura report; returns its data and any warnings about it.

    Raises InputError (UnsafeInputError for hostile XML) with one line naming
    the file and the problem.
    """
    reader = _Reader()
    try:
        xmlsafe.read(path, "coverage report", HINT_XML, "pass the coverage.xml file", reader.parse)
    except (_Bad, ValueError) as exc:
        line = reader.line()
        what = str(exc) if isinstance(exc, (_Bad, TooLong)) else f"non-numeric count ({exc})"
        raise InputError(f"not a valid Cobertura report: {path}: line {line}: {what}") from None
    if reader.root is None:
        raise InputError(f"coverage report has no root element: {path}", HINT_XML)
    data = reader.result()
    return data, _root_warnings(path, reader.root, data)


def _root_warnings(path: Path, root: dict[str, str], data: CoverageData) -> list[str]:
    """Say so when the root's own counts disagree with the lines it lists."""
    warnings = []
    lines = data.lines
    counts = [(ROOT_COUNTS[0], lines.total), (ROOT_COUNTS[1], lines.covered)]
    if data.has_branches:
        branches = data.branches
        counts += [(ROOT_COUNTS[2], branches.total), (ROOT_COUNTS[3], branches.covered)]
    for attr, counted in counts:
        declared = root.get(attr)
        if declared is not None and declared.isdigit() and int(declared) != counted:
            warnings.append(
                f"{path}: root says {attr}={declared} but its <line> elements count {counted}"
                " (the gate uses the lines)"
            )
    return warnings
