"""Per-file line coverage, kept as bitmaps so that millions of lines stay small."""

from __future__ import annotations

import fnmatch
import functools
import operator
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Iterable, Iterator, Mapping, Sequence

from gate.model import Ratio


def _bits(bitmap: bytes) -> Iterator[int]:
    """The numbers of the set bits of `bitmap`, in increasing order."""
    for index, byte in enumerate(bitmap):
        while byte:
            low = byte & -byte
            yield index * 8 + low.bit_length() - 1
            byte ^= low


def _popcount(bitmap: bytes) -> int:
    return int.from_bytes(bitmap, "little").bit_count()


class BranchTable(Mapping[int, Ratio]):
    """Branch counts by line in flat arrays sorted by line, not a dict of objects.

    A 500 MB report holds over a million branch lines and hundreds of thousands of
    files: as `Ratio` objects in a dict they would take hundreds of megabytes, and three
    arrays a file cost 200 bytes of headers. Here the lines are one array and the counts
    (the covered ones, then the totals) another, each of the narrowest fitting width; when
    one array of the lines and counts together is no larger (a short table, or lines
    that fit the counts' width), it is that one array, `_lines` and `_counts` both.
    Counts that fit no array are kept in a list (they stay exact).
    """

    __slots__ = ("_lines", "_counts", "_size")

    def __init__(self, lines: Sequence[int], covered: Sequence[int], total: Sequence[int]) -> None:
        self._size = size = len(lines)
        self._lines: Sequence[int] = ()
        self._counts: Sequence[int] = ()
        if not size:
            return
        apart_lines = _compact(lines)
        apart_counts = _compact([*covered, *total])
        together = _compact([*lines, *covered, *total])
        if _bytes(together) <= _bytes(apart_lines) + _bytes(apart_counts):
            self._lines = self._counts = together
        else:
            self._lines, self._counts = apart_lines, apart_counts

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

    def _start(self) -> int:
        """Where the covered counts start in `_counts`."""
        return self._size if self._counts is self._lines else 0

    @property
    def ratio(self) -> Ratio:
        """Covered over measured branches, summed over the lines."""
        start, size = self._start(), self._size
        counts = self._counts
        return Ratio(sum(counts[start:start + size]), sum(counts[start + size:start + 2 * size]))

    def __getitem__(self, line: int) -> Ratio:
        size = self._size
        index = bisect_left(self._lines, line, 0, size)
        if index == size or self._lines[index] != line:
            raise KeyError(line)
        at = self._start() + index
        return Ratio(self._counts[at], self._counts[at + size])

    def __iter__(self) -> Iterator[int]:
        return islice(self._lines, self._size)

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        return f"BranchTable({dict(self.items())!r})"


#: The bytes of an array's header (a list of huge counts is counted as larger than any).
_ARRAY_HEADER = 64


def _bytes(values: Sequence[int]) -> int:
    """About what `values` costs in memory, to choose between one array and two."""
    if isinstance(values, array):
        return _ARRAY_HEADER + values.itemsize * len(values)
    return 1 << 62


def _compact(values: Sequence[int]) -> Sequence[int]:
    """`values` as an unsigned array of the smallest fitting width, else as a list.

    Line numbers and branch counts mostly fit two bytes.
    """
    if not values:
        return ()
    top = max(values)
    if min(values) >= 0:
        for code, limit in (("B", 0xFF), ("H", 0xFFFF), ("I", 0xFFFFFFFF), ("Q", 2**64 - 1)):
            if top <= limit:
                return array(code, values)
    return list(values)


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """One source file's measured and covered lines, and its branch counts by line.

    Bit n of `measured` is set when line n is measured, of `covered` when it ran.
    """

    name: str
    measured: bytes
    covered: bytes
    branches: Mapping[int, Ratio] = field(default_factory=dict)

    @property
    def lines(self) -> Ratio:
        """Covered over measured lines."""
        return Ratio(_popcount(self.covered), _popcount(self.measured))

    @property
    def branch_ratio(self) -> Ratio:
        """Covered over measured branches, summed over branch lines."""
        if isinstance(self.branches, BranchTable):
            return self.branches.ratio
        total = Ratio(0, 0)
        for ratio in self.branches.values():
            total = total + ratio
        return total

    def measured_lines(self) -> Iterator[int]:
        """Measured line numbers, in order."""
        return _bits(self.measured)

    def missing_lines(self) -> list[int]:
        """Measured lines that never ran, in order."""
        covered = int.from_bytes(self.covered, "little")
        measured = int.from_bytes(self.measured, "little")
        return list(_bits((measured & ~covered).to_bytes(len(self.measured), "little")))

    def is_measured(self, line: int) -> bool:
        """Whether `line` is measured."""
        index = line >> 3
        return 0 <= index < len(self.measured) and bool(self.measured[index] >> (line & 7) & 1)

    def is_covered(self, line: int) -> bool:
        """Whether `line` ran."""
        index = line >> 3
        return 0 <= index < len(self.covered) and bool(self.covered[index] >> (line & 7) & 1)

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
        files = self.files.values()
        return Ratio(sum(_popcount(f.covered) for f in files),
                     sum(_popcount(f.measured) for f in files))

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
            file = replace(file, name=new)
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
