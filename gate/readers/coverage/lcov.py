"""A streaming reader for LCOV tracefiles (lcov.info): coverage.py, c8/nyc/istanbul,
cargo-llvm-cov, lcov/geninfo and gcovr write them.

What counts (lcov's geninfo(1) describes the records):

- `DA:<line>,<count>[,<checksum>]`: a measured line, covered when count > 0;
- `BRDA:<line>,[e]<block>,<branch>,<taken>`: one branch of that line, covered when
  taken is a number > 0 (`-` means its block never ran); a line's branches are
  its BRDA records;
- `SF:` opens a file's section and `end_of_record` closes it; a file in several
  sections (one per test name, say) is merged line by line;
- `LF`/`LH` and `BRF`/`BRH` are the producer's own totals: never used, only
  compared with the records, and a disagreement is a warning;
- `TN`, `VER`, `FN`, `FNDA`, `FNF`, `FNH`, `FNL`, `FNA` and other upper-case records
  are ignored (functions are not a metric the gate checks).

Reading is streaming, in 1 MiB blocks. The runs of `DA` records that make up most
of a report are converted in bulk (checked to hold only digits and commas, then
read by json's C scanner); anything else, or a run that is not that simple, goes
line by line, with the same meaning and exact errors naming the line.
"""

from __future__ import annotations

import json
import json.scanner
import operator
import re
from collections import Counter
from functools import reduce
from itertools import compress, repeat
from pathlib import Path
from typing import IO, Any, Callable, Sequence

from gate import inputs
from gate.errors import InputError
from gate.readers.coverage.lines import (
    COUNT_DIGITS, MAX_LINE, BadValue, Budget, FileLines, count, line_number, pack, summed)
from gate.readers.coverage.model import (
    NO_BRANCHES, BranchTable, CoverageData, FileCoverage, bitmap)

HINT = ("produce it with `coverage lcov`, c8/nyc `--reporter=lcov`, gcovr `--lcov` or"
        " `lcov --capture`")
CHUNK = 1 << 20
#: Read runs of DA and BRDA records in bulk; False reads every line alone (the tests
#: compare the two ways).
BULK = True
#: A record longer than this is refused (a file path is the longest thing in one).
MAX_RECORD = 1 << 20
_MAX_COUNT = 10**COUNT_DIGITS - 1
#: The end of a run of DA records: a line break not followed by another one.
_NOT_DA = re.compile(rb"\n(?!DA:)")
_NOT_BRDA = re.compile(rb"\n(?!BRDA:)")
_DIGITS_AND_COMMAS = b"0123456789,"
_NOT_SEPARATORS = bytes(sorted(set(range(256)) - set(b",\n")))
#: Up to this line, a file's bitmaps are made as integers (faster for the files most
#: reports are made of); beyond it, through byte buffers (faster, and never quadratic).
_SMALL = 128
#: BRDA fields read in bulk, in one pass: the line number, and what follows the last comma
#: (the block and the branch, which may hold commas, between them).
_BRDA = re.compile(rb"^BRDA:(\d{1,8}),[^,\n]+,[^\n]*,(-|\d{1,20})\n", re.M)
#: json's own C scanner, without the module's per-call wrappers (runs are short).
# typeshed has make_scanner take a make_scanner; it takes a decoder.
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder())  # type: ignore[arg-type]
#: What a section read whole may hold beside its DA and BRDA runs (in ASCII; each record
#: has one way to match, so a failed fullmatch backtracks linearly; Python 3.10 has no `*+`).
_OTHERS = re.compile(
    rb"(?:(?:(?:TN|VER|FN|FNDA|FNF|FNH|FNL|FNA):[^\r\n\x80-\xff]*"
    rb"|(?:LF|LH|BRF|BRH):\d{1,20})\n)*")
_TOTALS = re.compile(rb"^(LF|LH|BRF|BRH):(\d+)$", re.M)

_KEY = re.compile(r"[A-Z][A-Z0-9_]*")


class _Section:
    """The file whose records are being read, with its producer's own totals."""

    def __init__(self, name: str, budget: Budget, line: int) -> None:
        self.name = name
        self.lines = FileLines(budget)
        self.start = line
        self.declared: dict[str, int] = {}
        self.branches = 0  # BRDA records
        self.taken = 0  # of those, taken


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.budget = Budget()
        self.files: dict[str, FileCoverage] = {}
        self.section: _Section | None = None
        self.line = 0  # lines of the file read so far
        self.bulk_lines = 0  # DA and BRDA lines read in bulk (the benchmark prints it)
        self.disagreements: list[str] = []
        self.disagreeing = 0

    def parse(self, handle: IO[bytes]) -> None:
        carry = b""
        while True:
            block = handle.read(CHUNK)
            self.budget.read += len(block)
            data = carry + block if carry else block
            if not block:
                if data:
                    self._block(data + b"\n")
                break
            cut = data.rfind(b"\n") + 1
            if not cut:
                if len(data) > MAX_RECORD:
                    raise BadValue(f"a record longer than {MAX_RECORD >> 20} MiB")
                carry = data
                continue
            carry = data[cut:]
            self._block(data[:cut] if carry else data)
        if self.section is not None:
            raise BadValue(f"the section of {self.section.name!r} (line {self.section.start})"
                           " has no end_of_record: the report is truncated")

    def _block(self, block: bytes) -> None:
        """Read complete lines (`block` ends with a line break)."""
        pos, size = 0, len(block)
        while pos < size:
            if self.section is None and BULK and block.startswith(b"SF:", pos):
                last = block.find(b"\nend_of_record\n", pos)
                if last >= 0 and self._whole_section(block, pos, last + 1):
                    pos = last + len(b"\nend_of_record\n")
                    continue
            if self.section is not None and BULK:
                if block.startswith(b"DA:", pos):
                    end = _NOT_DA.search(block, pos).end()  # type: ignore[union-attr]
                    if not self._da_run(block, pos, end):
                        self._lines(block, pos, end)
                    pos = end
                    continue
                if block.startswith(b"BRDA:", pos):
                    end = _NOT_BRDA.search(block, pos).end()  # type: ignore[union-attr]
                    if not self._brda_run(block, pos, end):
                        self._lines(block, pos, end)
                    pos = end
                    continue
            end = block.index(b"\n", pos) + 1
            self.line += 1
            self._record(block[pos:end - 1])
            pos = end

    def _whole_section(self, block: bytes, start: int, end: int) -> bool:
        """Read a whole section (SF at `start`, end_of_record at `end`) in bulk: its DA and
        BRDA runs converted at once, the records around them checked in place by one
        expression. False, having read nothing, when it is not that simple (the caller
        goes record by record)."""
        eol = block.find(b"\n", start, end)
        name = block[start + 3:eol]
        if not name or not name.isascii() or b"\r" in name:
            return False
        # Each run starts at a line start after the SF line (eol is its line break).
        da = block.find(b"\nDA:", eol, end) + 1
        brda = block.find(b"\nBRDA:", eol, end) + 1
        da_end = _NOT_DA.search(block, da).end() if da else 0  # type: ignore[union-attr]
        brda_end = _NOT_BRDA.search(block, brda).end() if brda else 0  # type: ignore[union-attr]
        runs = [(da, da_end)] if da else []
        if brda:
            runs.insert(0 if brda < da else len(runs), (brda, brda_end))
        totals: list[tuple[bytes, bytes]] = []
        at = eol + 1
        for run_start, run_end in (*runs, (end, end)):
            if run_start < at or _OTHERS.fullmatch(block, at, run_start) is None:
                return False
            if at < run_start:
                totals += _TOTALS.findall(block, at, run_start)
            at = run_end
        converted = _da_numbers(block, da, da_end) if da else ([], [], 0)
        branches = _brda_numbers(block, brda, brda_end) if brda else None
        if converted is None or (brda and branches is None):
            return False
        lines, counts, top = converted
        measured, covered = _bitmaps(lines, counts, top, self.budget)
        table = BranchTable.build(*branches[:3]) if branches else NO_BRANCHES
        file = FileCoverage(name.decode("ascii"), measured, covered, table)
        records = block.count(b"\n", start, end) + 1
        if totals:
            self._check_totals(file, {key.decode(): int(value) for key, value in totals},
                               branches[3:] if branches else (0, 0), self.line + 1)
        self._add(file)
        self.line += records
        self.bulk_lines += records
        return True

    def _lines(self, block: bytes, pos: int, end: int) -> None:
        for raw in block[pos:end - 1].split(b"\n"):
            self.line += 1
            self._record(raw)

    def _da_run(self, block: bytes, pos: int, end: int) -> bool:
        """Read DA records in bulk; False when the run is not simple (the caller goes slowly)."""
        converted = _da_numbers(block, pos, end)
        if converted is None or self.section is None:
            return False
        lines, counts, top = converted
        self.section.lines.add_run(lines, compress(lines, counts), top)
        records = len(lines)
        self.line += records
        self.bulk_lines += records
        return True

    def _brda_run(self, block: bytes, pos: int, end: int) -> bool:
        """Read BRDA records in bulk; False when the run is not simple."""
        branches = _brda_numbers(block, pos, end)
        if self.section is None or branches is None:
            return False
        _add_brda(self.section, branches)
        records = block.count(b"\n", pos, end)
        self.line += records
        self.bulk_lines += records
        return True

    def _record(self, raw: bytes) -> None:
        """One line of the report."""
        text = _decode(raw).rstrip("\r")
        if not text.strip():
            return
        key, colon, value = text.partition(":")
        section = self.section
        if key == "end_of_record" and not value:
            if section is None:
                raise BadValue("end_of_record outside a file's section")
            self._close(section)
            return
        if not colon or not _KEY.fullmatch(key):
            raise BadValue(f"not an LCOV record: {text[:60]!r}")
        if key == "SF":
            if section is not None:
                raise BadValue(f"SF before the end_of_record of {section.name!r}")
            if not value:
                raise BadValue("SF without a file name")
            self.section = _Section(value, self.budget, self.line)
            return
        if key in ("DA", "BRDA", "LF", "LH", "BRF", "BRH") and section is None:
            raise BadValue(f"{key} outside a file's section (no SF before it)")
        if key == "DA" and section is not None:
            fields = value.split(",")
            if len(fields) not in (2, 3):
                raise BadValue(f"DA needs a line and a count: {text[:60]!r}")
            hits = fields[1]
            if hits.startswith("-") and hits[1:].isdigit():
                raise BadValue(f"negative execution count {hits} in {text[:60]!r}")
            section.lines.add(line_number(fields[0]), count(hits, "execution count") > 0)
        elif key == "BRDA" and section is not None:
            fields = value.split(",")  # a branch's name may hold commas: the count is last
            if len(fields) < 4:
                raise BadValue(f"BRDA needs a line, a block, a branch and a count: {text[:60]!r}")
            taken = fields[-1]
            hit = taken != "-" and count(taken, "branch count") > 0
            section.lines.add_branches(line_number(fields[0]), int(hit), 1)
            section.branches += 1
            section.taken += hit
        elif key in ("LF", "LH", "BRF", "BRH") and section is not None:
            section.declared[key] = count(value, key)

    def _close(self, section: _Section) -> None:
        file = section.lines.build(section.name, sum_branches=True)
        if section.declared:
            self._check_totals(file, section.declared, (section.branches, section.taken),
                               section.start)
        self._add(file)
        self.section = None

    def _add(self, file: FileCoverage) -> None:
        seen = self.files.get(file.name)
        self.files[file.name] = file if seen is None else seen.merge(file)

    def _check_totals(self, file: FileCoverage, declared: dict[str, int],
                      branches: tuple[int, int], start: int) -> None:
        """Compare the producer's LF/LH/BRF/BRH with the records of the section at `start`
        (`branches`: its BRDA records, and those taken)."""
        lines = file.lines
        counted = {"LF": lines.total, "LH": lines.covered,
                   "BRF": branches[0], "BRH": branches[1]}
        for key, value in declared.items():
            if counted[key] != value:
                self.disagreeing += 1
                if not self.disagreements:
                    self.disagreements.append(
                        f"{key}:{value} for {file.name!r} (line {start}) but its"
                        f" records count {counted[key]}")
                break

    def result(self) -> tuple[CoverageData, list[str]]:
        has_branches = any(f.branches for f in self.files.values())
        warnings = []
        if self.disagreeing:
            more = self.disagreeing - 1
            also = f" (and {more} more file(s))" if more else ""
            warnings.append(f"{self.path}: {self.disagreements[0]}{also}; the gate uses the"
                            " DA and BRDA records")
        return CoverageData(self.files, (), has_branches), warnings


def _da_numbers(block: bytes, pos: int, end: int) -> tuple[list[int], list[int], int] | None:
    """The line numbers and counts of the DA records in block[pos:end] (a run of whole
    lines, each starting `DA:`), converted in bulk (checksums dropped), and the largest
    line; None when the run is not that simple (signs, spaces, CRs, leading zeros,
    numbers out of range: the caller goes line by line, which says what is wrong)."""
    body = block[pos + 3:end].replace(b"\nDA:", b"\n")
    records = block.count(b"\n", pos, end)
    shape = body.translate(None, _NOT_SEPARATORS)  # each record "<line>,<count>[,<checksum>]"
    text = body.replace(b"\n", b",")
    if shape != b",\n" * records:
        if shape != b",,\n" * records:
            return None
        fields = text.split(b",")
        del fields[2::3]  # the checksums
        text = b",".join(fields)
    numbers = _numbers(text)
    if numbers is None or len(numbers) != 2 * records:
        return None
    lines, counts = numbers[0::2], numbers[1::2]
    top = max(lines)
    if top > MAX_LINE or max(counts) > _MAX_COUNT:
        return None
    return lines, counts, top


def _numbers(text: bytes) -> list[int] | None:
    """The numbers of `text`, each followed by a comma, by json's C scanner; None when
    something else is there, a field is empty or a number has a leading zero."""
    if text.translate(None, _DIGITS_AND_COMMAS):
        return None
    try:
        numbers, _ = _scan("[" + text[:-1].decode("ascii") + "]", 0)
    except (ValueError, StopIteration):
        return None
    return numbers  # type: ignore[no-any-return]


#: A run of BRDA records, grouped by line: the lines (in order, each once), their branches
#: and how many of them were taken, and the records and records taken in all.
_Branches = tuple[Sequence[int], Sequence[int], Sequence[int], int, int]


def _brda_numbers(block: bytes, pos: int, end: int) -> _Branches | None:
    """The BRDA records in block[pos:end] grouped by line, converted in bulk; None when
    the run is not that simple."""
    fields = _BRDA.findall(block, pos, end)
    records = block.count(b"\n", pos, end)
    if len(fields) != records:
        return None
    digits, taken = zip(*fields)
    hit = list(map(bool, map(bytes.strip, taken, repeat(b"-0"))))  # "-", "0", "00": not taken
    # Grouped by the line's digits, converted once a line, then summed by number ("7"
    # and "07" are one line).
    totals = Counter(digits)
    covered = Counter(compress(digits, hit))
    lines = list(map(int, totals))
    if max(lines) > MAX_LINE:
        return None
    return (*summed(lines, list(map(covered.__getitem__, totals)), list(totals.values())),
            records, sum(hit))


def _bitmaps(lines: list[int], counts: list[int], top: int,
             budget: Budget) -> tuple[bytes, bytes]:
    """The measured and covered bitmaps of DA records (lines in range, `top` the largest)."""
    if top > _SMALL:
        file = FileLines(budget)
        file.add_run(lines, compress(lines, counts), top)
        return pack(file.measured), pack(file.covered)
    budget.take(2 * (top + 1))  # as the buffers would
    measured = reduce(operator.or_, map(operator.lshift, repeat(1), lines), 0)
    covered = reduce(operator.or_, map(operator.lshift, repeat(1), compress(lines, counts)), 0)
    return bitmap(measured), bitmap(covered)


def _add_brda(section: _Section, branches: _Branches) -> None:
    """Add a run of BRDA records to `section`."""
    lines, covered, totals, records, taken = branches
    file = section.lines
    file.lines.extend(lines)
    file.bcovered.extend(covered)
    file.btotal.extend(totals)
    section.branches += records
    section.taken += taken


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadValue("a line that is not UTF-8 text") from None


def read(path: Path) -> tuple[CoverageData, list[str]]:
    """Read one LCOV tracefile; returns its data and any warnings about it.

    Raises InputError with one line naming the file, and the line where known.
    """
    reader = _Reader(path)
    handle = inputs.open_input(path, "coverage report", HINT, "pass the lcov.info file")
    try:
        with handle:
            reader.parse(handle)
    except BadValue as exc:
        raise InputError(f"not a valid LCOV report: {path}: line {reader.line}: {exc}",
                         HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read coverage report {path}: {exc.strerror or exc}") from None
    return reader.result()
