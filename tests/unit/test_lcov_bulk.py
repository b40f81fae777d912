"""The LCOV reader's bulk paths read exactly what its record-by-record path reads.

Every test reads a report both ways (lcov.BULK on and off) and with a tiny read
window: the same files, lines, branches and warnings, or the same one-line error
with the same line number.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.errors import InputError
from gate.readers.coverage import lcov
from gate.readers.coverage.model import CoverageData


def _shape(data: CoverageData) -> dict[str, Any]:
    return {name: (list(f.measured_lines()), f.missing_lines(),
                   {n: (r.covered, r.total) for n, r in f.branches.items()})
            for name, f in data.files.items()}


def _outcome(path: Path) -> tuple[Any, ...]:
    try:
        data, warnings = lcov.read(path)
    except InputError as exc:
        return ("error", str(exc))
    return ("read", _shape(data), warnings, data.has_branches)


def _all_ways(text: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lcov.info"
        path.write_bytes(text)
        outcomes = []
        for bulk, chunk in ((True, 1 << 20), (False, 1 << 20), (True, 7)):
            monkeypatch.setattr(lcov, "BULK", bulk)
            monkeypatch.setattr(lcov, "CHUNK", chunk)
            outcomes.append(_outcome(path))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    return outcomes[0]


@pytest.fixture
def bulk_sections(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each section the reader tried whole was read in bulk (spying on it)."""
    tried: list[bool] = []
    whole = lcov._Reader._whole_section

    def spy(self: Any, block: bytes, start: int, end: int) -> bool:
        done = whole(self, block, start, end)
        tried.append(done)
        return done

    monkeypatch.setattr(lcov._Reader, "_whole_section", spy)
    return tried


def test_simple_sections_are_read_whole(bulk_sections: list[bool], monkeypatch) -> None:
    text = (b"SF:c8.js\nFN:1,f\nFNDA:1,f\nDA:1,2\nDA:2,0\nLF:2\nLH:1\nBRDA:1,0,0,1\n"
            b"BRDA:1,1,0,-\nBRDA:2,2,0,0\nBRF:3\nBRH:1\nend_of_record\n"
            b"SF:gcovr.c\nVER:52aa\nBRDA:4,0,0,1\nBRDA:4,0,1,-\nDA:3,2,c7654822e353e70c\n"
            b"DA:4,0,f213f37743abdc86\nLH:1\nLF:2\nend_of_record\n"
            b"SF:coverage.py\nDA:1,1\nDA:2,1\nBRDA:1,0,jump to line 2,1\n"
            b"BRDA:1,0,exit the module,0\nend_of_record\n"
            b"SF:unsorted.c\nDA:9,1\nBRDA:9,0,0,1\nBRDA:3,0,0,0\nBRDA:9,0,1,0\nend_of_record\n")
    outcome = _all_ways(text, monkeypatch)
    assert outcome == ("read", {
        "c8.js": ([1, 2], [2], {1: (1, 2), 2: (0, 1)}),
        "gcovr.c": ([3, 4], [4], {4: (1, 2)}),
        "coverage.py": ([1, 2], [], {1: (1, 2)}),
        "unsorted.c": ([9], [], {3: (0, 1), 9: (1, 2)}),
    }, [], True)
    assert bulk_sections[:4] == [True] * 4


@pytest.mark.parametrize(("records", "error"), [
    (b"DA:1\nDA:2,3,4\n", "line 2: DA needs a line and a count: 'DA:1'"),
    (b"DA:1,DA:2\n", "line 2: bad execution count 'DA:2'"),
    (b"DA:1,2,3,4\nDA:5,6\n", "line 2: DA needs a line and a count: 'DA:1,2,3,4'"),
    (b"DA:1,2,x\nDA:5,6\n", None),  # a checksum on one record only
    (b"DA:1,-1\n", "negative execution count -1"),
    (b"DA:1, 1\n", "bad execution count ' 1'"),
    (b"DA:1,\n", "bad execution count ''"),
    (b"DA:007,1\nDA:7,0\n", None),
    (b"DA:1,100000000000000000000\n", "bad execution count '100000000000000000000'"),
    (b"DA:10000001,1\n", "line number 10000001 is out of range"),
    (b"BRDA:1,0,0,-1\n", "bad branch count '-1'"),
    (b"BRDA:1,0,1\n", "BRDA needs a line, a block, a branch and a count"),
    (b"BRDA:1,0,0,1,1\n", None),  # a branch named "0,1": the count is the last field
    (b"BRDA:07,0,0,1\nBRDA:7,0,1,0\n", None),
    (b"BRDA:2,0,0,00\nBRDA:2,0,1,01\n", None),
    (b"BRDA:1,-,0,1\n", None),
    (b"BRDA:1,0,0,-\nBRDA:1,0,0,-\n", None),
])
def test_odd_records_read_alike_both_ways(records: bytes, error: str | None,
                                          monkeypatch) -> None:
    outcome = _all_ways(b"SF:a.c\n" + records + b"end_of_record\n", monkeypatch)
    if error is None:
        assert outcome[0] == "read"
    else:
        assert outcome[0] == "error" and error in outcome[1]


_NUMBER = st.one_of(st.integers(0, 3).map(str), st.integers(0, 10**6).map(str),
                    st.sampled_from(["0", "00", "07", "-1", "-", "", " 1", "1\r", "x",
                                     "10000001", "99999999999999999999",
                                     "100000000000000000000"]))
_RECORD = st.one_of(
    st.tuples(_NUMBER, _NUMBER).map(lambda f: f"DA:{f[0]},{f[1]}"),
    st.tuples(_NUMBER, _NUMBER, st.sampled_from(["c765", "00", "bm90IGE"])).map(
        lambda f: f"DA:{f[0]},{f[1]},{f[2]}"),
    st.tuples(_NUMBER, st.sampled_from(["0", "1", "e0", "-"]),
              st.sampled_from(["0", "1", "jump to line 3", "a,b"]), _NUMBER).map(
        lambda f: f"BRDA:{f[0]},{f[1]},{f[2]},{f[3]}"),
    st.sampled_from(["LF:2", "LH:1", "BRF:2", "BRH:0", "FN:1,f", "FNDA:1,f", "FNF:1",
                     "TN:", "VER:1", "", "DA:1", "XY:1"]),
)
_SECTION = st.tuples(st.sampled_from(["a.py", "b.js", "a.py"]),
                     st.lists(_RECORD, max_size=12)).map(
    lambda s: f"SF:{s[0]}\n" + "".join(f"{r}\n" for r in s[1]) + "end_of_record\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(_SECTION, min_size=1, max_size=4))
def test_generated_reports_read_alike_both_ways(sections: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _all_ways("".join(sections).encode(), monkeypatch)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 2)), min_size=1, max_size=300),
       st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 2)), max_size=60))
def test_long_sections_read_alike_both_ways(da: list[tuple[int, int]],
                                            brda: list[tuple[int, int]]) -> None:
    lines = "".join(f"DA:{n},{c}\n" for n, c in da)
    branches = "".join(f"BRDA:{n},0,{i},{c or '-'}\n" for i, (n, c) in enumerate(brda))
    with pytest.MonkeyPatch.context() as monkeypatch:
        outcome = _all_ways(f"SF:a.c\n{lines}{branches}end_of_record\n".encode(), monkeypatch)
    assert outcome[0] == "read"
    measured, missing, _ = outcome[1]["a.c"]
    assert measured == sorted({n for n, _ in da})
    assert missing == sorted({n for n, _ in da} - {n for n, c in da if c})
