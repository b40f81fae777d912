"""What the LCOV, coverage.py JSON, JaCoCo and Clover readers share: bounded numbers, and
one file's lines gathered into the line model's bitmaps.

Every number a report gives is bounded by its length before it is converted (first
by the bound every reader shares, gate.numeric, then by what a line number or a
count can need), so a count thousands of digits long is one error line, not a
slow conversion or Python's own digit-limit error. Line numbers are bounded by MAX_LINE, and the
line buffers of a whole report by SLACK plus one byte per byte read: a crafted
report of huge line numbers cannot make memory explode.
"""

from __future__ import annotations

from array import array
from collections import deque
import operator
from itertools import islice, repeat
from typing import Any, Callable, Iterable, Sequence

from gate import numeric
from gate.readers.coverage.model import BranchTable, FileCoverage, bitmap

#: No source file has ten million lines; a larger number is a broken report.
MAX_LINE = 10_000_000
#: Digits of a line number, and of a count (2**64 has 20 digits).
LINE_DIGITS = 8
COUNT_DIGITS = 20
#: The line buffers of one report may take this much, plus one byte per byte read.
SLACK = 64 << 20

_ONES = bytes.maketrans(b"\0\1", b"01")
_consume: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator, in C


class BadValue(Exception):
    """A value in a report that the gate cannot use; the reader adds the file and the line."""


def _bounded(text: str | bytes, what: str) -> None:
    """The shared bound on a number's length (gate.numeric), before any other check."""
    try:
        numeric.bounded(text if isinstance(text, str) else text.decode("latin-1"), what)
    except numeric.TooLong as exc:
        raise BadValue(str(exc)) from None


def line_number(text: str | bytes) -> int:
    """A line number: digits only, 0 to MAX_LINE (0 is accepted and means no line)."""
    _bounded(text, "a line number")
    if not 0 < len(text) <= LINE_DIGITS or not text.isdigit():
        raise BadValue(f"bad line number {_show(text)}")
    number = int(text)
    if number > MAX_LINE:
        raise BadValue(f"line number {number} is out of range (more than {MAX_LINE:,})")
    return number


def count(text: str | bytes, what: str = "count") -> int:
    """A non-negative count of at most COUNT_DIGITS digits."""
    _bounded(text, f"{'an' if what[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {what}")
    if not 0 < len(text) <= COUNT_DIGITS or not text.isdigit():
        raise BadValue(f"bad {what} {_show(text)}")
    return int(text)


def _show(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


class Budget:
    """The line buffers of one report: SLACK bytes plus what has been read, which the
    reader counts in `read` or tells through `progress`.

    What is counted is all ever allocated, not what is held at once: a report of many
    files that each claim a huge line number cannot make the work explode either.
    """

    def __init__(self, progress: Callable[[], int] | None = None) -> None:
        self.allocated = 0
        self.read = 0
        self.progress = progress

    def take(self, size: int) -> None:
        """Count `size` more bytes of buffers, or raise BadValue."""
        read = self.read if self.progress is None else self.progress()
        if self.allocated + size > SLACK + read:
            raise BadValue("line numbers out of all proportion to the size of the report")
        self.allocated += size


class FileLines:
    """One file's lines as two buffers of a byte per line number (measured, covered), only
    ever set to 1, so a line given twice is measured, and covered if either time ran;
    and its branch lines as flat arrays."""

    __slots__ = ("measured", "covered", "lines", "bcovered", "btotal", "budget")

    def __init__(self, budget: Budget) -> None:
        self.measured = bytearray()
        self.covered = bytearray()
        self.lines: array[int] = array("I")
        self.bcovered: list[int] = []
        self.btotal: list[int] = []
        self.budget = budget

    def _room(self, top: int) -> None:
        size = len(self.measured)
        if top >= size:
            extra = top + 1 - size + (size >> 1)
            self.budget.take(2 * extra)
            self.measured.extend(bytes(extra))
            self.covered.extend(bytes(extra))

    def add(self, line: int, covered: bool) -> None:
        """A measured line, covered if it ran."""
        if line >= len(self.measured):
            self._room(line)
        self.measured[line] = 1
        if covered:
            self.covered[line] = 1

    def add_run(self, lines: Sequence[int], ran: Iterable[int], top: int) -> None:
        """Measured `lines`, of which `ran` ran; `top` is the largest (all checked in range)."""
        if top >= len(self.measured):
            self._room(top)
        _consume(map(self.measured.__setitem__, lines, repeat(1)))
        _consume(map(self.covered.__setitem__, ran, repeat(1)))

    def add_branches(self, line: int, covered: int, total: int) -> None:
        """A branch line's covered and total branches."""
        self.lines.append(line)
        self.bcovered.append(covered)
        self.btotal.append(total)

    def build(self, name: str, sum_branches: bool = False) -> FileCoverage:
        """The finished file. Branch counts given twice for a line are summed when
        `sum_branches` (the records are different branches), else the larger is kept."""
        lines: Sequence[int] = self.lines
        bcovered: Sequence[int] = self.bcovered
        btotal: Sequence[int] = self.btotal
        if sum_branches:
            lines, bcovered, btotal = summed(lines, bcovered, btotal)
        return FileCoverage(name, pack(self.measured), pack(self.covered),
                            BranchTable.build(lines, bcovered, btotal))


def summed(lines: Sequence[int], covered: Sequence[int],
           total: Sequence[int]) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
    """Branch counts by line, in line order, those of a line given twice summed (LCOV's
    and Clover's records are each other branches of the line); as they are when the lines
    already come in order, each once."""
    if all(map(operator.lt, lines, islice(lines, 1, None))):
        return lines, covered, total
    sums: dict[int, list[int]] = {}
    for line, cov, tot in zip(lines, covered, total):
        pair = sums.setdefault(line, [0, 0])
        pair[0] += cov
        pair[1] += tot
    order = sorted(sums)
    return order, [sums[n][0] for n in order], [sums[n][1] for n in order]


def pack(state: bytearray) -> bytes:
    """Bit n set where byte n of `state` is 1 (all in C)."""
    digits = state.translate(_ONES).rstrip(b"0")
    if not digits:
        return b""
    return bitmap(int(digits[::-1], 2))
