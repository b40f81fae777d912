"""Per-file line coverage, kept as bitmaps so that millions of lines stay small.

A report of tiny files holds a million of them, so each file's data is packed into
one immutable bytes object beside its name (`FileCoverage`), and read back through
light views (`BranchTable`) only when asked for.
"""

from __future__ import annotations

import fnmatch
import functools
import operator
from array import array
from bisect import bisect_left
from dataclasses import FrozenInstanceError, dataclass
from itertools import islice
from typing import Any, Iterable, Iterator, Literal, Mapping, NoReturn, Sequence

from gate.model import Ratio


def _bits(bitmap: bytes) -> Iterator[int]:
    """The numbers of the set bits of `bitmap`, in increasing order."""
    for index, byte in enumerate(bitmap):
        while byte:
            low = byte & -byte
            yield index * 8 + low.bit_length() - 1
            byte ^= low


def bitmap(bits: int) -> bytes:
    """The bitmap of `bits` (bit n of the number is bit n of the bytes), as short as it goes."""
    return bits.to_bytes((bits.bit_length() + 7) >> 3, "little")


def _varint(value: int) -> bytes:
    """`value` (>= 0) in seven bits a byte, low first; the high bit says more follow."""
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    """The number written by `_varint` at `at`, and where what follows it starts."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


#: Columns of numbers: unsigned, of native width 1, 2, 4 or 8 bytes (the array codes),
#: or _WIDE: signed little-endian, of a width written before the column.
_CODES: tuple[Literal["B", "H", "I", "Q"], ...] = ("B", "H", "I", "Q")
_LIMITS = (0xFF, 0xFFFF, 0xFFFFFFFF, 2**64 - 1)
_WIDE = len(_CODES)


def _column_code(values: Sequence[int]) -> int:
    """The code of the narrowest column that holds `values` (not empty)."""
    if min(values) >= 0:
        top = max(values)
        for code, limit in enumerate(_LIMITS):
            if top <= limit:
                return code
    return _WIDE


def _write_column(values: Sequence[int], code: int) -> bytes:
    if code < _WIDE:
        return array(_CODES[code], values).tobytes()
    width = max((value.bit_length() + 8) // 8 for value in values)  # room for the sign
    return _varint(width) + b"".join(value.to_bytes(width, "little", signed=True)
                                     for value in values)


def _read_column(data: bytes, at: int, code: int, size: int) -> tuple[Sequence[int], int]:
    """The column of `size` numbers at `at`, as a view (a list if wide), and its end."""
    if code < _WIDE:
        end = at + (size << code)
        return memoryview(data)[at:end].cast(_CODES[code]), end
    width, at = _read_varint(data, at)
    end = at + width * size
    return [int.from_bytes(data[n:n + width], "little", signed=True)
            for n in range(at, end, width)], end


def _pack_table(lines: Sequence[int], covered: Sequence[int], total: Sequence[int]) -> bytes:
    """A branch table as bytes: its size, the two columns' codes in one byte, then the
    counts (the covered ones, then the totals) and the lines, each column as narrow as
    its numbers allow. No branch lines is b"" (shared)."""
    if not lines:
        return b""
    counts = [*covered, *total]
    line_code, count_code = _column_code(lines), _column_code(counts)
    return b"".join((_varint(len(lines)), bytes((count_code << 4 | line_code,)),
                     _write_column(counts, count_code), _write_column(lines, line_code)))


def _table_ratio(packed: bytes, at: int) -> Ratio:
    """Covered over measured branches of the table packed at `at` (not empty)."""
    size, at = _read_varint(packed, at)
    counts, _ = _read_column(packed, at + 1, packed[at] >> 4, 2 * size)
    return Ratio(sum(counts[:size]), sum(counts[size:]))


class BranchTable(Mapping[int, Ratio]):
    """Branch counts by line, sorted by line, read from packed bytes, not a dict of objects.

    A 500 MB report holds over a million branch lines and hundreds of thousands of
    files: as `Ratio` objects in a dict they would take hundreds of megabytes. Here the
    table is one bytes object (`_pack_table`: the covered counts and the totals, then the
    lines, each column of the narrowest fitting width), which a `FileCoverage` keeps
    inside its own; the table read back from it views its columns in place. Counts that
    fit no column of 8 bytes are kept wider and read back as a list (they stay exact).
    """

    __slots__ = ("_packed", "_views")

    def __init__(self, lines: Sequence[int], covered: Sequence[int], total: Sequence[int]) -> None:
        self._packed = _pack_table(lines, covered, total)
        self._views: tuple[Sequence[int], Sequence[int]] | None = None

    @classmethod
    def _of(cls, packed: bytes) -> BranchTable:
        """The table `_pack_table` wrote as `packed`."""
        table = cls.__new__(cls)
        table._packed, table._views = packed, None
        return table

    def _columns(self) -> tuple[Sequence[int], Sequence[int]]:
        """The lines and the counts (covered, then totals), viewed when first asked for: a
        table built only to be packed into a file is never viewed."""
        if self._views is None:
            packed = self._packed
            if not packed:
                self._views = (), ()
            else:
                size, at = _read_varint(packed, 0)
                codes = packed[at]
                counts, at = _read_column(packed, at + 1, codes >> 4, 2 * size)
                self._views = _read_column(packed, at, codes & 0xF, size)[0], counts
        return self._views

    @classmethod
    def build(cls, lines: Sequence[int], covered: Sequence[int],
              total: Sequence[int]) -> BranchTable:
        """From parallel sequences in any order; a line given twice keeps the larger counts."""
        if all(map(operator.lt, lines, islice(lines, 1, None))):
            return cls(lines, covered, total)
        merged: dict[int, tuple[int, int]] = {}
        for line, cov, tot in zip(lines, covered, total):
            seen = merged.get(line)
            merged[line] = (cov, tot) if seen is None else (max(seen[0], cov), max(seen[1], tot))
        order = sorted(merged)
        return cls(order, [merged[n][0] for n in order], [merged[n][1] for n in order])

    @property
    def ratio(self) -> Ratio:
        """Covered over measured branches, summed over the lines."""
        return _table_ratio(self._packed, 0) if self._packed else Ratio(0, 0)

    def __getitem__(self, line: int) -> Ratio:
        lines, counts = self._columns()
        index = bisect_left(lines, line)
        if index == len(lines) or lines[index] != line:
            raise KeyError(line)
        return Ratio(counts[index], counts[index + len(lines)])

    def __iter__(self) -> Iterator[int]:
        return iter(self._columns()[0])

    def __len__(self) -> int:
        return len(self._columns()[0])

    def __repr__(self) -> str:
        return f"BranchTable({dict(self.items())!r})"


#: The table of every file without branch lines.
NO_BRANCHES = BranchTable((), (), ())


#: How a file's covered bitmap is kept (the low two bits of its flags): as the same bytes
#: as the measured one (every measured line ran), as none (no line ran), or its own.
_SAME, _NONE, _OWN = 0, 1, 2
#: The flag of a file with branch lines.
_BRANCHES = 4


class FileCoverage:
    """One source file's measured and covered lines, and its branch counts by line.

    Bit n of `measured` is set when line n is measured, of `covered` when it ran.

    Beside its name, a file is one bytes object (b"" for no lines and no branches): a
    flags byte, the measured bitmap's length and the bitmap, the covered bitmap's length
    and the bitmap, then the branch table as `_pack_table` writes it; the attributes are
    read back from it. The covered bitmap is not written when it is the measured one
    (every measured line ran) or empty (none ran). Two files are equal when their names
    and their bytes are, that is when their names, bitmaps and branch counts are.
    """

    __slots__ = ("name", "_data")
    name: str
    _data: bytes

    def __init__(self, name: str, measured: bytes, covered: bytes,
                 branches: Mapping[int, Ratio] = NO_BRANCHES) -> None:
        if not isinstance(branches, BranchTable):
            pairs = list(branches.items())
            branches = BranchTable.build([line for line, _ in pairs], [r.covered for _, r in pairs],
                                         [r.total for _, r in pairs])
        table = branches._packed
        flags = _BRANCHES if table else 0
        size = len(measured)
        head = bytes((flags, size)) if size < 0x80 else bytes((flags,)) + _varint(size)
        if covered == measured:
            data = b"".join((head, measured, table)) if measured or table else b""
        elif not covered:
            data = b"".join((bytes((flags | _NONE,)), head[1:], measured, table))
        else:
            data = b"".join((bytes((flags | _OWN,)), head[1:], measured, _varint(len(covered)),
                             covered, table))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_data", data)

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileCoverage):
            return NotImplemented
        return self.name == other.name and self._data == other._data

    def __repr__(self) -> str:
        return (f"FileCoverage(name={self.name!r}, measured={self.measured!r}, "
                f"covered={self.covered!r}, branches={self.branches!r})")

    def _layout(self) -> tuple[int, int, int, int, int]:
        """Where the measured and the covered bitmaps start and end in `_data`, and where
        the branch table starts (0 for none)."""
        data = self._data
        if not data:
            return 0, 0, 0, 0, 0
        flags, size = data[0], data[1]
        start = 2
        if size > 0x7F:
            size, start = _read_varint(data, 1)
        end = start + size
        mode = flags & 3
        if mode == _SAME:
            return start, end, start, end, end if flags & _BRANCHES else 0
        if mode == _NONE:
            return start, end, end, end, end if flags & _BRANCHES else 0
        own, at = _read_varint(data, end)
        return start, end, at, at + own, at + own if flags & _BRANCHES else 0

    @property
    def measured(self) -> bytes:
        """The measured lines' bitmap."""
        start, end, _, _, _ = self._layout()
        return self._data[start:end]

    @property
    def covered(self) -> bytes:
        """The covered lines' bitmap."""
        _, _, start, end, _ = self._layout()
        return self._data[start:end]

    @property
    def branches(self) -> Mapping[int, Ratio]:
        """Branch counts by line, in line order."""
        at = self._layout()[4]
        return BranchTable._of(self._data[at:]) if at else NO_BRANCHES

    @property
    def lines(self) -> Ratio:
        """Covered over measured lines."""
        data = self._data
        start, end, first, last, _ = self._layout()
        measured = int.from_bytes(data[start:end], "little").bit_count()
        if first == start:
            return Ratio(measured, measured)
        return Ratio(int.from_bytes(data[first:last], "little").bit_count(), measured)

    @property
    def branch_ratio(self) -> Ratio:
        """Covered over measured branches, summed over branch lines."""
        at = self._layout()[4]
        return _table_ratio(self._data, at) if at else Ratio(0, 0)

    def measured_lines(self) -> Iterator[int]:
        """Measured line numbers, in order."""
        return _bits(self.measured)

    def missing_lines(self) -> list[int]:
        """Measured lines that never ran, in order."""
        measured = self.measured
        value = int.from_bytes(measured, "little") & ~int.from_bytes(self.covered, "little")
        return list(_bits(value.to_bytes(len(measured), "little")))

    def _bit(self, start: int, end: int, line: int) -> bool:
        index = start + (line >> 3)
        return line >= 0 and index < end and bool(self._data[index] >> (line & 7) & 1)

    def is_measured(self, line: int) -> bool:
        """Whether `line` is measured."""
        start, end, _, _, _ = self._layout()
        return self._bit(start, end, line)

    def is_covered(self, line: int) -> bool:
        """Whether `line` ran."""
        _, _, start, end, _ = self._layout()
        return self._bit(start, end, line)

    def renamed(self, name: str) -> FileCoverage:
        """The same lines and branches under another name."""
        file = FileCoverage.__new__(FileCoverage)
        object.__setattr__(file, "name", name)
        object.__setattr__(file, "_data", self._data)
        return file

    def merge(self, other: FileCoverage) -> FileCoverage:
        """Both reports' lines: measured if either measures it, covered if either ran it.

        A branch line in both keeps the larger counts: Cobertura does not say
        which branches ran, so the union of two partial runs is not knowable.
        """
        pairs = [*self.branches.items(), *other.branches.items()]
        branches = BranchTable.build([line for line, _ in pairs], [r.covered for _, r in pairs],
                                     [r.total for _, r in pairs])
        return FileCoverage(self.name, _or(self.measured, other.measured),
                            _or(self.covered, other.covered), branches)


def _or(a: bytes, b: bytes) -> bytes:
    width = max(len(a), len(b))
    value = int.from_bytes(a, "little") | int.from_bytes(b, "little")
    return value.to_bytes(width, "little")


@dataclass(frozen=True)
class CoverageData:
    """Files by name, from one or more reports combined."""

    files: Mapping[str, FileCoverage]
    sources: tuple[str, ...] = ()
    has_branches: bool = False

    # The totals are asked for several times (the check, its report, the root's
    # counts): over tens of thousands of files, each pass costs, so each is summed once.
    @functools.cached_property
    def lines(self) -> Ratio:
        """Total covered over measured lines."""
        covered = measured = 0
        for file in self.files.values():
            ratio = file.lines
            covered += ratio.covered
            measured += ratio.total
        return Ratio(covered, measured)

    @functools.cached_property
    def branches(self) -> Ratio:
        """Total covered over measured branches."""
        total = Ratio(0, 0)
        for file in self.files.values():
            total = total + file.branch_ratio
        return total

    def select(self, include: Sequence[str], exclude: Sequence[str]) -> CoverageData:
        """Only the files matching an include glob (if any) and no exclude glob."""
        if not include and not exclude:
            return self
        kept = {
            name: file
            for name, file in self.files.items()
            if (not include or _matches(name, include)) and not _matches(name, exclude)
        }
        return CoverageData(kept, self.sources, self.has_branches)


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def rename(data: CoverageData, names: Mapping[str, str]) -> CoverageData:
    """`data` with the files in `names` renamed (two renamed alike are merged)."""
    if not names:
        return data
    files: dict[str, FileCoverage] = {}
    for name, file in data.files.items():
        new = names.get(name, name)
        if new != name:
            file = file.renamed(new)
        files[new] = files[new].merge(file) if new in files else file
    return CoverageData(files, data.sources, data.has_branches)


def combine(reports: Sequence[CoverageData]) -> CoverageData:
    """Several reports as one: a file in several is merged line by line."""
    if len(reports) == 1:
        return reports[0]
    files: dict[str, FileCoverage] = {}
    for report in reports:
        for name, file in report.files.items():
            files[name] = files[name].merge(file) if name in files else file
    sources = tuple(dict.fromkeys(s for r in reports for s in r.sources))
    return CoverageData(files, sources, any(r.has_branches for r in reports))
