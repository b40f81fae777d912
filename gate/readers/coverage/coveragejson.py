"""A streaming reader for coverage.py's JSON report (`coverage json`, formats 1 to 3).

What counts, per file of the `files` object: `executed_lines` and `missing_lines`
are the measured lines (the first covered); `executed_branches` and
`missing_branches` are arcs `[from, to]`, and a line's branches are the arcs
leaving it (the same figures as coverage.py's XML condition-coverage). The
`summary`, `functions`, `classes`, `contexts` and `totals` the report also holds
are never used (they repeat what the lines say), and are skipped unread.

The json module would load the whole document: a 500 MB report would need
gigabytes. This reader walks the document in 1 MiB pieces with a small scanner
of its own: arrays of numbers are read in bulk, values the gate does not use are
skipped by matching brackets (their strings closed, their characters those JSON
allows), so memory follows one piece of the file, not the file.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import compress
from pathlib import Path
from typing import IO, Any, Callable

from gate import inputs, numeric
from gate.errors import InputError
from gate.readers.coverage.lines import (
    LINE_DIGITS, MAX_LINE, BadValue, Budget, FileLines)
from gate.readers.coverage.model import CoverageData, FileCoverage

HINT = "produce it with `coverage json`"
CHUNK = 1 << 20
#: A key, a file name or the `meta` object longer than this is refused.
MAX_STRING = 1 << 20

# No possessive quantifier (Python 3.10 has none): each repetition below stops at a
# character it cannot match, and a string is one unrolled loop, so a run cut by the window
# fails in linear time (tests/unit/test_python_versions.py).
_WS = re.compile(rb"[ \t\r\n]*")
_STRING = re.compile(rb'"((?:[^"\\\x00-\x1f]|\\.)*)"')
#: Elements of a number array, each followed by a comma, and one element alone.
_NUMS = re.compile(rb"(?:[ \t\r\n]*-?\d{1,%d}[ \t\r\n]*,)*" % LINE_DIGITS)
_NUM = re.compile(rb"[ \t\r\n]*(-?\d{1,%d})[ \t\r\n]*" % LINE_DIGITS)
_NUMBER = rb"[ \t\r\n]*-?\d{1,%d}[ \t\r\n]*" % LINE_DIGITS
_PAIR = rb"[ \t\r\n]*\[" + _NUMBER + rb"," + _NUMBER + rb"\][ \t\r\n]*"
_PAIRS = re.compile(rb"(?:" + _PAIR + rb",)*")
_ONE_PAIR = re.compile(_PAIR)
_INTEGER = re.compile(rb"-?\d+")
#: What a skipped value may hold between its brackets, in bulk: JSON's own
#: characters outside strings, whole strings, and flat arrays of numbers.
_SKIP = re.compile(
    rb'(?:[ \t\r\n,:0-9eE.+\-truefalsn]+|"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"'
    rb"|\[[ \t\r\n,0-9eE.+\-]*\])*")
_FLAT = re.compile(rb"\[[ \t\r\n,0-9eE.+\-]*\]")
_SCALAR = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][+\-]?\d+)?|true|false|null")


class _Scanner:
    """A window on the file: `buf[pos:]` is what is read and not yet consumed."""

    def __init__(self, handle: IO[bytes], budget: Budget) -> None:
        self.handle = handle
        self.budget = budget
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # line breaks in what was dropped from the window
        self.mark = -1  # where a value being kept whole starts (the `meta` object)

    def line(self) -> int:
        """The file's line number at the scanner's position."""
        return self.lines_before + self.buf.count(b"\n", 0, self.pos) + 1

    def fill(self) -> bool:
        """Read more into the window; False at the end of the file."""
        if self.eof:
            return False
        block = self.handle.read(CHUNK)
        if not block:
            self.eof = True
            return False
        self.budget.read += len(block)
        keep = self.pos if self.mark < 0 else min(self.mark, self.pos)
        if self.mark >= 0:
            if len(self.buf) - self.mark > MAX_STRING:
                raise BadValue(f"the \"meta\" object is longer than {MAX_STRING >> 20} MiB")
            self.mark -= keep
        self.lines_before += self.buf.count(b"\n", 0, keep)
        self.buf = self.buf[keep:] + block
        self.pos -= keep
        return True

    def peek(self) -> int:
        """The next byte that is not white space, not consumed; -1 at the end."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return -1

    def expect(self, char: bytes, what: str) -> None:
        """Consume `char` (after white space) or raise."""
        if self.peek() != char[0]:
            raise BadValue(f"expected {what}")
        self.pos += 1

    def string(self, what: str) -> str:
        """A JSON string, decoded."""
        if self.peek() != ord('"'):
            raise BadValue(f"expected {what}")
        while True:
            found = _STRING.match(self.buf, self.pos)
            if found is not None:
                self.pos = found.end()
                try:
                    text: str = json.loads(found[0])
                except (ValueError, UnicodeError):
                    raise BadValue(f"bad string for {what}") from None
                return text
            if len(self.buf) - self.pos > MAX_STRING:
                raise BadValue(f"{what} is longer than {MAX_STRING >> 20} MiB or not closed")
            if not self.fill():
                raise BadValue(f"{what} is not closed: the report is truncated")

    def numbers(self, what: str, sink: Callable[[list[int]], None]) -> None:
        """An array of line numbers (each of at most LINE_DIGITS digits), handed to `sink`
        a window at a time."""
        self._array(what, _NUMS, _NUM, sink, "an array of line numbers")

    def pairs(self, what: str, sink: Callable[[list[int]], None]) -> None:
        """An array of [from, to] arcs, handed to `sink` flattened, a window at a time."""
        self._array(what, _PAIRS, _ONE_PAIR, sink, "an array of [from, to] arcs")

    def _array(self, what: str, run: re.Pattern[bytes], last: re.Pattern[bytes],
               sink: Callable[[list[int]], None], shape: str) -> None:
        self.expect(b"[", f"an array for {what}")
        if self.peek() == ord("]"):
            self.pos += 1
            return
        while True:
            end = run.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if end > self.pos:
                sink(list(map(int, _INTEGER.findall(self.buf, self.pos, end))))
                self.pos = end
            final = last.match(self.buf, end)
            if final is not None and final.end() < len(self.buf):
                if self.buf[final.end()] == ord("]"):
                    sink(list(map(int, _INTEGER.findall(self.buf, end, final.end()))))
                    self.pos = final.end() + 1
                    return
            # Only an element that the window cuts short may wait for more.
            if len(self.buf) - self.pos > 4096 or not self.fill():
                raise BadValue(f"{what} is not {shape}")

    def skip(self) -> None:
        """Step over one value without keeping it."""
        char = self.peek()
        if char == ord('"'):
            self.string("a string")
            return
        if char not in b"[{":
            while True:  # a number, true, false or null, whole in the window
                found = _SCALAR.match(self.buf, self.pos)
                if found is not None and (found.end() < len(self.buf) or self.eof):
                    self.pos = found.end()
                    return
                if found is None or not self.fill():
                    raise BadValue("expected a value")
        flat = _FLAT.match(self.buf, self.pos)
        if flat is not None:
            self.pos = flat.end()
            return
        self.pos += 1
        depth = 1
        while True:
            self.pos = _SKIP.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos == len(self.buf):
                if not self.fill():
                    raise BadValue("the report ends inside a value: it is truncated")
                continue
            char = self.buf[self.pos]
            if char in b"[{":
                depth += 1
            elif char in b"]}":
                depth -= 1
            elif char == ord('"'):  # a string the window cuts short
                if len(self.buf) - self.pos > MAX_STRING:
                    raise BadValue(f"a string longer than {MAX_STRING >> 20} MiB")
                if not self.fill():
                    raise BadValue("a string is not closed: the report is truncated")
                continue
            else:
                raise BadValue(f"not JSON: unexpected byte {bytes([char])!r}")
            self.pos += 1
            if depth == 0:
                return

    def members(self, what: str, each: Callable[[str], None]) -> None:
        """Call `each(key)` for every member of an object, with the scanner at its value."""
        self.expect(b"{", f"an object for {what}")
        if self.peek() == ord("}"):
            self.pos += 1
            return
        while True:
            key = self.string(f"a key in {what}")
            self.expect(b":", f"':' after {key[:60]!r}")
            each(key)
            after = self.peek()
            self.pos += 1
            if after == ord("}"):
                return
            if after != ord(","):
                raise BadValue(f"expected ',' or '}}' in {what}")


class _Reader:
    def __init__(self) -> None:
        self.budget = Budget()
        self.scanner: _Scanner | None = None
        self.files: dict[str, FileCoverage] = {}
        self.meta: dict[str, Any] | None = None
        self.has_branches = False

    def line(self) -> int:
        return self.scanner.line() if self.scanner is not None else 0

    def parse(self, handle: IO[bytes]) -> None:
        scan = self.scanner = _Scanner(handle, self.budget)
        head = handle.read(3)
        scan.buf = head.removeprefix(b"\xef\xbb\xbf")
        self.budget.read += len(head)

        def top(key: str) -> None:
            if key == "meta":
                self._meta(scan)
            elif key == "files":
                scan.members("files", lambda name: self._file(scan, name))
            else:
                scan.skip()

        scan.members("the report", top)
        if scan.peek() != -1:
            raise BadValue("more after the end of the report")
        if self.meta is None:
            raise BadValue("no \"meta\" object: not a coverage.py JSON report")

    def _meta(self, scan: _Scanner) -> None:
        scan.peek()
        scan.mark = scan.pos
        try:
            scan.skip()
            text = scan.buf[scan.mark:scan.pos]
        finally:
            scan.mark = -1
        try:
            meta = json.loads(text, parse_int=numeric.json_int)
        except numeric.TooLong as exc:
            raise BadValue(f"in the \"meta\" object, {exc}") from None
        except (ValueError, UnicodeError, RecursionError):
            raise BadValue("the \"meta\" object is not valid JSON") from None
        if not isinstance(meta, dict):
            raise BadValue("\"meta\" is not an object")
        version = meta.get("format")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise BadValue("\"meta\" has no format number: not a coverage.py JSON report")
        self.meta = meta
        self.has_branches = meta.get("branch_coverage") is True

    def _file(self, scan: _Scanner, name: str) -> None:
        lines = FileLines(self.budget)
        arcs = _Arcs(self.budget, name)

        def measured(numbers: list[int]) -> None:
            lines.add_run(numbers, (), _top(numbers, name))

        def executed(numbers: list[int]) -> None:
            lines.add_run(numbers, numbers, _top(numbers, name))

        def member(key: str) -> None:
            where = f"{key} of {name!r}"
            if key == "executed_lines":
                scan.numbers(where, executed)
            elif key == "missing_lines":
                scan.numbers(where, measured)
            elif key == "executed_branches":
                scan.pairs(where, arcs.ran)
            elif key == "missing_branches":
                scan.pairs(where, arcs.missed)
            else:
                scan.skip()

        scan.members(f"the entry of {name!r}", member)
        arcs.into(lines)
        file = lines.build(name)
        seen = self.files.get(name)
        self.files[name] = file if seen is None else seen.merge(file)

    def result(self) -> CoverageData:
        return CoverageData(self.files, (), self.has_branches)


def _top(numbers: list[int], name: str) -> int:
    """The largest of some line numbers, all checked to be lines."""
    top = max(numbers)
    if top > MAX_LINE or min(numbers) < 0:
        raise BadValue(f"a line number of {name!r} is out of range")
    return top


class _Arcs:
    """A file's arcs counted by the line they leave: all of them, and those that ran."""

    def __init__(self, budget: Budget, name: str) -> None:
        self.budget = budget
        self.name = name
        self.total: array[int] = array("I")
        self.covered: array[int] = array("I")

    def _count(self, flat: list[int], ran: bool) -> None:
        sources = flat[0::2]
        top = _top(sources, self.name) if sources else 0
        if top >= len(self.total):
            extra = top + 1 - len(self.total)
            self.budget.take(8 * extra)
            self.total.extend(array("I", bytes(4 * extra)))
            self.covered.extend(array("I", bytes(4 * extra)))
        total, covered = self.total, self.covered
        for source in sources:
            total[source] += 1
            if ran:
                covered[source] += 1

    def ran(self, flat: list[int]) -> None:
        """Arcs that ran."""
        self._count(flat, True)

    def missed(self, flat: list[int]) -> None:
        """Arcs that never ran."""
        self._count(flat, False)

    def into(self, lines: FileLines) -> None:
        """Each branch line's covered and total arcs."""
        total, covered = self.total, self.covered
        for source in compress(range(len(total)), total):
            lines.add_branches(source, covered[source], total[source])


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one coverage.py JSON report; returns its data and any warnings about it.

    Raises InputError with one line naming the file and the line where it went wrong.
    """
    reader = _Reader()
    handle = inputs.open_input(path, "coverage report", HINT, "pass the coverage.json file")
    try:
        with handle:
            reader.parse(handle)
    except BadValue as exc:
        raise InputError(f"not a valid coverage.py JSON report: {path}: line {reader.line()}:"
                         f" {exc}", HINT) from None
    except RecursionError:
        raise InputError(f"not a valid coverage.py JSON report: {path}: nested too deeply",
                         HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read coverage report {path}: {exc.strerror or exc}") from None
    return reader.result(), []
