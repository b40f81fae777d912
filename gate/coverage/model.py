"""Per-file line coverage, kept as bitmaps so that millions of lines stay small."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
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
        """Both reports' lines: measured if either measures it, covered if either ran it."""
        branches = dict(self.branches)
        for line, ratio in other.branches.items():
            mine = branches.get(line)
            branches[line] = ratio if mine is None else Ratio(
                max(mine.covered, ratio.covered), max(mine.total, ratio.total)
            )
        return FileCoverage(
            self.name,
            _or(self.measured, other.measured),
            _or(self.covered, other.covered),
            branches,
        )


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

    @property
    def lines(self) -> Ratio:
        """Total covered over measured lines."""
        total = Ratio(0, 0)
        for file in self.files.values():
            total = total + file.lines
        return total

    @property
    def branches(self) -> Ratio:
        """Total covered over measured branches."""
        total = Ratio(0, 0)
        for file in self.files.values():
            total = total + file.branch_ratio
        return total

    def select(self, include: Sequence[str], exclude: Sequence[str]) -> CoverageData:
        """Only the files matching an include glob (if any) and no exclude glob."""
        kept = {
            name: file
            for name, file in self.files.items()
            if (not include or _matches(name, include)) and not _matches(name, exclude)
        }
        return CoverageData(kept, self.sources, self.has_branches)


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


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
