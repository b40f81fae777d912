"""The packed line model: a FileCoverage reads back exactly the bitmaps and branch counts it
was given, compares, merges and totals as plain sets and dicts would, and costs one small
bytes object beside its name."""

from __future__ import annotations

import dataclasses
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.model import Ratio
from gate.readers.coverage.model import (NO_BRANCHES, BranchTable, CoverageData, FileCoverage,
                                         combine, rename)


def bitmap(lines: set[int]) -> bytes:
    value = sum(1 << n for n in lines)
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def bits(data: bytes) -> set[int]:
    value = int.from_bytes(data, "little")
    return {n for n in range(len(data) * 8) if value >> n & 1}


def check_reads_back(name: str, measured: bytes, covered: bytes,
                     branches: dict[int, Ratio]) -> FileCoverage:
    """A file built from these reads back each of them, and every query agrees with sets."""
    file = FileCoverage(name, measured, covered, branches)
    measured_set, covered_set = bits(measured), bits(covered)
    assert (file.name, file.measured, file.covered) == (name, measured, covered)
    assert dict(file.branches) == branches and list(file.branches) == sorted(branches)
    assert file.lines == Ratio(len(covered_set), len(measured_set))
    assert file.branch_ratio == Ratio(sum(r.covered for r in branches.values()),
                                      sum(r.total for r in branches.values()))
    assert file.branch_ratio == file.branches.ratio  # type: ignore[attr-defined]
    assert list(file.measured_lines()) == sorted(measured_set)
    assert file.missing_lines() == sorted(measured_set - covered_set)
    for line in range(-9, 8 * max(len(measured), len(covered)) + 9):
        assert file.is_measured(line) == (line in measured_set)
        assert file.is_covered(line) == (line in covered_set)
    for line, ratio in branches.items():
        assert file.branches[line] == ratio
    for line in (-1, 0, max(branches, default=0) + 1):
        assert (line in file.branches) == (line in branches)
    assert file == FileCoverage(name, measured, covered, BranchTable.build(
        list(branches), [r.covered for r in branches.values()],
        [r.total for r in branches.values()]))
    return file


line_sets = st.sets(st.integers(min_value=0, max_value=2100), max_size=40)
counts = st.one_of(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=2**16),
                   st.integers(min_value=0, max_value=2**80))
branch_maps = st.dictionaries(st.integers(min_value=0, max_value=2**33), st.tuples(counts, counts),
                              max_size=8)


@given(line_sets, line_sets, branch_maps, st.booleans())
def test_a_file_reads_back_what_it_was_given(measured: set[int], ran: set[int],
                                             branches: dict[int, tuple[int, int]],
                                             subset: bool) -> None:
    covered = measured & ran if subset else ran
    check_reads_back("a.py", bitmap(measured), bitmap(covered),
                     {line: Ratio(min(a, b), max(a, b)) for line, (a, b) in branches.items()})


@pytest.mark.parametrize(("measured", "covered"), [
    (b"", b""),                                # no lines
    (b"\x06", b"\x06"),                        # every measured line ran: kept once
    (b"\x06", b""),                            # none ran
    (b"\x06", b"\x02\x00"),                    # a covered bitmap longer than the measured one
    (b"", b"\x01"),                            # covered, not measured: kept as given
    (b"\xff" * 200, b"\x0f" * 150),            # lengths of two varint bytes
    (b"\x01" * 17_000, b"\x01" * 17_000),      # of three
])
@pytest.mark.parametrize("branches", [
    {},                                                  # no branches
    {3: Ratio(1, 2)},
    {1: Ratio(0, 2), 300: Ratio(2, 2), 70_000: Ratio(1, 4)},      # lines of 1, 2 and 4 bytes
    {5: Ratio(2**40, 2**63), 6: Ratio(0, 2**64 - 1)},             # counts of 8 bytes
    {5: Ratio(2**70, 2**71), 2**65: Ratio(1, 2)},                 # numbers no array holds
    {-3: Ratio(-1, 2), 4: Ratio(1, 2)},                           # negative: kept as given
])
def test_edge_cases_read_back(measured: bytes, covered: bytes, branches: dict[int, Ratio]) -> None:
    check_reads_back("src/a.py", measured, covered, branches)


def test_what_is_not_there_costs_nothing() -> None:
    empty = FileCoverage("a.py", b"", b"")
    assert empty._data == b"" and empty.branches is NO_BRANCHES
    assert empty.lines == Ratio(0, 0) and empty.branch_ratio == Ratio(0, 0)
    assert empty.missing_lines() == [] and list(empty.measured_lines()) == []
    assert FileCoverage("a.py", b"\x0e", b"\x0e").branches is NO_BRANCHES
    assert len(NO_BRANCHES) == 0 and NO_BRANCHES.ratio == Ratio(0, 0) and list(NO_BRANCHES) == []
    with pytest.raises(KeyError):
        NO_BRANCHES[1]
    measured = b"\xfe\xff\xff\x01"
    own = FileCoverage("a.py", measured, b"\xfe\xf7\xdf\x01")._data
    assert len(FileCoverage("a.py", measured, measured)._data) == len(own) - len(measured) - 1
    assert len(FileCoverage("a.py", measured, b"")._data) == len(own) - len(measured) - 1


def test_a_small_file_costs_two_small_objects_beside_its_name() -> None:
    # A c8 file of 24 lines and 6 branch lines: the FileCoverage (48 bytes) and one
    # bytes object (33 + 31, 64 bytes), where the unpacked model took about 300.
    names = [f"copy{n}/shapes.js" for n in range(2000)]
    measured, covered = b"\xfe\xff\xff\x01", b"\xfe\xf7\xdf\x01"
    lines, hits, total = [3, 5, 9, 12, 15, 20], [1, 2, 0, 1, 1, 2], [2] * 6
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        files = [FileCoverage(name, measured, covered, BranchTable.build(lines, hits, total))
                 for name in names]
        cost = (tracemalloc.get_traced_memory()[0] - before) / len(files)
    finally:
        tracemalloc.stop()
    assert cost <= 48 + 64 + 16  # the list's pointer and the allocator's rounding
    assert files[0].branches == dict(zip(lines, map(Ratio, hits, total)))


def test_equality_is_of_name_lines_and_branch_counts() -> None:
    base = FileCoverage("a.py", b"\x06", b"\x02", {9: Ratio(1, 2), 4: Ratio(0, 2)})
    assert base == FileCoverage("a.py", b"\x06", b"\x02", BranchTable.build([4, 9], [0, 1], [2, 2]))
    assert base == FileCoverage("a.py", b"\x06", b"\x02", {4: Ratio(0, 2), 9: Ratio(1, 2)})
    for other in (FileCoverage("b.py", b"\x06", b"\x02", base.branches),
                  FileCoverage("a.py", b"\x07", b"\x02", base.branches),
                  FileCoverage("a.py", b"\x06", b"\x06", base.branches),
                  FileCoverage("a.py", b"\x06", b"\x02", {4: Ratio(0, 2)}),
                  FileCoverage("a.py", b"\x06", b"\x02", {4: Ratio(0, 2), 9: Ratio(2, 2)})):
        assert base != other
    assert base != ("a.py", b"\x06", b"\x02") and base.__eq__(object()) is NotImplemented
    with pytest.raises(TypeError):
        hash(base)
    assert repr(base) == ("FileCoverage(name='a.py', measured=b'\\x06', covered=b'\\x02', "
                          "branches=BranchTable({4: Ratio(covered=0, total=2), "
                          "9: Ratio(covered=1, total=2)}))")


def test_a_file_is_frozen_and_renamed_without_a_copy() -> None:
    file = FileCoverage("a.py", b"\x06", b"\x02", {1: Ratio(1, 2)})
    with pytest.raises(dataclasses.FrozenInstanceError):
        file.name = "b.py"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del file.name
    moved = file.renamed("b.py")
    assert moved.name == "b.py" and moved._data is file._data and file.name == "a.py"
    assert moved == FileCoverage("b.py", b"\x06", b"\x02", {1: Ratio(1, 2)})


@pytest.mark.parametrize(("one", "two", "measured", "covered", "branches"), [
    # all ran + none ran: the covered bitmap kept once, then its own
    ((b"\x06", b"\x06", {}), (b"\x18", b"", {}), b"\x1e", b"\x06", {}),
    ((b"\x06", b"\x06", {}), (b"\x06", b"\x06", {}), b"\x06", b"\x06", {}),
    # branch lines in one, both or neither; the larger counts kept; huge ones exact
    ((b"\x02", b"", {1: Ratio(0, 2)}), (b"", b"", {}), b"\x02", b"", {1: Ratio(0, 2)}),
    ((b"\x02", b"", {1: Ratio(0, 2), 7: Ratio(2**70, 2**71)}),
     (b"\x01\x01", b"\x01", {1: Ratio(1, 2), 300: Ratio(1, 1)}),
     b"\x03\x01", b"\x01", {1: Ratio(1, 2), 7: Ratio(2**70, 2**71), 300: Ratio(1, 1)}),
])
def test_merge_is_the_union_of_lines_and_the_larger_counts(
        one: tuple[bytes, bytes, dict[int, Ratio]], two: tuple[bytes, bytes, dict[int, Ratio]],
        measured: bytes, covered: bytes, branches: dict[int, Ratio]) -> None:
    a, b = FileCoverage("a.py", *one), FileCoverage("a.py", *two)
    for merged in (a.merge(b), b.merge(a)):
        assert merged == FileCoverage("a.py", measured, covered, branches)
        assert dict(merged.branches) == branches and merged.covered == covered


def test_totals_rename_and_combine_over_packed_files() -> None:
    files = {"a.py": FileCoverage("a.py", b"\x0e", b"\x0e", {1: Ratio(1, 2)}),
             "b.py": FileCoverage("b.py", b"\x06", b""),
             "c.py": FileCoverage("c.py", b"\x06", b"\x04", {2: Ratio(2**70, 2**70)})}
    data = CoverageData(files, has_branches=True)
    assert data.lines == Ratio(4, 7) and data.branches == Ratio(2**70 + 1, 2**70 + 2)
    renamed = rename(data, {"b.py": "a.py"})
    assert renamed.files["a.py"] == FileCoverage("a.py", b"\x0e", b"\x0e", {1: Ratio(1, 2)})
    assert renamed.lines == Ratio(4, 5)
    both = combine([data, CoverageData({"b.py": FileCoverage("b.py", b"\x02", b"\x02")})])
    assert both.files["b.py"].lines == Ratio(1, 2) and both.lines == Ratio(5, 7)


def test_a_branch_table_views_its_packed_columns() -> None:
    table = BranchTable.build([70_000, 3, 300], [1, 0, 2**70], [2, 2, 2**71])
    assert list(table) == [3, 300, 70_000] and len(table) == 3
    assert table == {3: Ratio(0, 2), 300: Ratio(2**70, 2**71), 70_000: Ratio(1, 2)}
    assert table.ratio == Ratio(2**70 + 1, 2**71 + 4)
    assert 4 not in table and 70_001 not in table and 2 not in table
    small = BranchTable([1, 2], [0, 1], [2, 2])
    assert len(small._packed) == 1 + 1 + 4 + 2  # size, codes, counts, lines: a byte each
