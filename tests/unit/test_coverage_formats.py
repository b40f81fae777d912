"""The LCOV, coverage.py JSON, JaCoCo and Clover readers, and how a format is found.

Each reader is read twice where it has two ways (in bulk and record by record)
and with tiny read windows, so that the streaming never changes a figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.errors import InputError
from gate.readers import xmlsafe
from gate.readers.coverage import clover, coveragejson, formats, jacoco, lcov, read
from gate.readers.coverage.model import CoverageData

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coverage"


Shape = dict[str, tuple[list[int], list[int], dict[int, tuple[int, int]]]]


def _shape(data: CoverageData) -> Shape:
    return {name: (list(f.measured_lines()), f.missing_lines(),
                   {n: (r.covered, r.total) for n, r in f.branches.items()})
            for name, f in data.files.items()}


@pytest.mark.parametrize(("content", "kind"), [
    ('<?xml version="1.0" ?>\n<coverage version="7.4" line-rate="1"><sources/></coverage>',
     "cobertura"),
    ("<coverage><packages/></coverage>", "cobertura"),
    ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC'
     ' "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="x"/>', "jacoco"),
    ('<coverage generated="1" clover="3.2.0"><project/></coverage>', "clover"),
    ('<coverage generated="1">\n  <project timestamp="1"/></coverage>', "clover"),  # PHPUnit
    ("\ufeffTN:\nSF:a.py\nend_of_record\n", "lcov"),
    ("SF:a.py\nDA:1,1\nend_of_record\n", "lcov"),
    ('{"meta": {"format": 3}, "files": {}}', "coverage-json"),
    ('{\n  "files": {},\n  "meta": {"format": 3}}', "coverage-json"),  # sorted keys
    ('{"$schema": "x", "schema_version": 1, "checks": []}', formats.GATE_JSON),
    ('{"schema_version": 1, "checks": []}', formats.GATE_JSON),
])
def test_the_content_decides(content: str, kind: str, tmp_path: Path) -> None:
    for name in ("coverage.xml", "lcov.info", "report.json"):  # the name never does
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert formats.detect(path) == kind


@pytest.mark.parametrize("content", ["hello", "[]", '{"a": 1}', "<html/>", "\x00\x01\x02"])
def test_an_unknown_format_lists_the_known_ones(content: str, tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(content)
    with pytest.raises(formats.UnknownFormat, match="in no format the gate knows") as caught:
        formats.detect(path)
    assert "Cobertura XML, JaCoCo XML, Clover XML, LCOV, coverage.py JSON" in str(caught.value)


def test_the_gate_json_report_is_no_coverage_report(tmp_path: Path) -> None:
    path = tmp_path / "gate.json"
    path.write_text('{"schema_version": 1, "checks": []}')
    with pytest.raises(InputError, match="the gate's own JSON report.*--baseline"):
        read(path)


# LCOV


@pytest.mark.parametrize("sample", ["c8.info", "nyc.info", "gcovr.info"])
def test_lcov_bulk_and_record_by_record_agree(sample: str, monkeypatch) -> None:
    fast, _ = lcov.read(FIXTURES / sample)
    monkeypatch.setattr(lcov, "BULK", False)
    slow, _ = lcov.read(FIXTURES / sample)
    monkeypatch.setattr(lcov, "CHUNK", 7)
    tiny, _ = lcov.read(FIXTURES / sample)
    assert _shape(fast) == _shape(slow) == _shape(tiny)
    assert fast.has_branches


SECTIONS = (
    "SF:utf8.js\nFN:1,gr\u00f6\u00dfe\nFNDA:1,gr\u00f6\u00dfe\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n"
    "SF:brda-first.c\nBRDA:3,0,0,1\nBRDA:3,0,1,0\nFNF:0\nDA:3,4\nDA:4,0\nBRF:2\nBRH:1\n"
    "end_of_record\n"
    "SF:interleaved.c\nDA:1,1\nBRDA:1,0,0,1\nDA:2,0\nBRDA:2,0,0,0\nLF:2\nLH:9\n"
    "end_of_record\n"
    "SF:empty.py\nend_of_record\n")


def test_lcov_sections_of_every_layout_read_alike_both_ways(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lcov.info"
    path.write_text(SECTIONS, encoding="utf-8")
    results = []
    for bulk, chunk in ((True, lcov.CHUNK), (False, lcov.CHUNK), (True, 5)):
        monkeypatch.setattr(lcov, "BULK", bulk)
        monkeypatch.setattr(lcov, "CHUNK", chunk)
        data, warnings = lcov.read(path)
        results.append((_shape(data), warnings))
    assert results[0] == results[1] == results[2]
    shape, warnings = results[0]
    assert shape["brda-first.c"] == ([3, 4], [4], {3: (1, 2)})
    assert shape["interleaved.c"] == ([1, 2], [2], {1: (1, 1), 2: (0, 1)})
    assert len(warnings) == 1 and "LH:9 for 'interleaved.c'" in warnings[0]


def test_lcov_a_function_name_that_is_not_utf8_is_refused_both_ways(
        tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lcov.info"
    path.write_bytes(b"SF:a.c\nFN:1,f\xff\nDA:1,1\nend_of_record\n")
    for bulk in (True, False):
        monkeypatch.setattr(lcov, "BULK", bulk)
        with pytest.raises(InputError, match="line 2: a line that is not UTF-8"):
            lcov.read(path)


def test_lcov_records_mean_what_geninfo_says(tmp_path: Path) -> None:
    path = tmp_path / "lcov.info"
    path.write_bytes(
        b"TN:unit\r\nSF:src/a.js\r\nFN:1,f\r\nFNDA:0,f\r\nDA:1,3\r\nDA:2,0,bm90IGEgaGFzaA\r\n"
        b"DA:4,0\r\nBRDA:2,0,jump to line 3, or 4,1\r\nBRDA:2,0,1,-\r\nBRDA:2,e1,2,0\r\n"
        b"LF:3\r\nLH:1\r\nBRF:3\r\nBRH:1\r\nend_of_record\r\n"
        b"TN:other\nSF:src/a.js\nDA:4,2\nDA:5,0\nend_of_record\n")
    data, warnings = lcov.read(path)
    assert warnings == []
    assert _shape(data) == {"src/a.js": ([1, 2, 4, 5], [2, 5], {2: (1, 3)})}


def test_lcov_totals_that_disagree_are_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "lcov.info"
    path.write_text("SF:a.py\nDA:1,1\nDA:2,0\nLF:2\nLH:2\nend_of_record\n"
                    "SF:b.py\nDA:1,1\nBRDA:1,0,0,1\nBRF:4\nend_of_record\n")
    data, warnings = lcov.read(path)
    assert data.lines.covered == 2 and data.lines.total == 3
    assert warnings == [f"{path}: LH:2 for 'a.py' (line 1) but its records count 1"
                        " (and 1 more file(s)); the gate uses the DA and BRDA records"]


def test_lcov_bulk_runs_fall_back_to_exact_errors(tmp_path: Path) -> None:
    path = tmp_path / "lcov.info"
    path.write_text("SF:a.py\n" + "".join(f"DA:{n},1\n" for n in range(1, 50))
                    + "DA:050,x\nend_of_record\n")
    with pytest.raises(InputError, match="line 51: bad execution count 'x'"):
        lcov.read(path)


# coverage.py JSON


def _coverage_json(indent: int | None, sort_keys: bool) -> str:
    entry = {
        "executed_lines": [1, 2, 4, 6], "missing_lines": [5, 9],
        "excluded_lines": [7], "contexts": {"1": ["test_a|run"], "2": [""]},
        "summary": {"covered_lines": 4, "percent_covered": 70.0, "note": "a \"quoted\" [x]"},
        "executed_branches": [[2, 4], [4, 6], [6, -1]], "missing_branches": [[2, 9], [4, 5]],
        "functions": {"f": {"executed_lines": [1], "missing_branches": [[2, 9]],
                            "summary": {}, "start_line": 1}},
        "classes": {"": {"executed_lines": [1, 2], "summary": {"x": None, "y": True}}},
    }
    document = {"meta": {"format": 3, "version": "7.6.1", "branch_coverage": True,
                         "show_contexts": True},
                "files": {"pkg/a.py": entry, "pkg/b.py": {"executed_lines": [],
                                                          "missing_lines": [3]}},
                "totals": {"covered_lines": 4, "num_statements": 7}}
    return json.dumps(document, indent=indent, sort_keys=sort_keys)


@pytest.mark.parametrize(("indent", "sort_keys"), [(None, False), (4, False), (2, True)])
@pytest.mark.parametrize("chunk", [1 << 20, 5])
def test_coverage_json_in_any_layout_and_window(indent: int | None, sort_keys: bool,
                                                chunk: int, tmp_path: Path,
                                                monkeypatch) -> None:
    monkeypatch.setattr(coveragejson, "CHUNK", chunk)
    path = tmp_path / "coverage.json"
    path.write_text(_coverage_json(indent, sort_keys))
    data, warnings = coveragejson.read(path)
    assert warnings == [] and data.has_branches
    assert _shape(data) == {"pkg/a.py": ([1, 2, 4, 5, 6, 9], [5, 9], {2: (1, 2), 4: (1, 2),
                                                                      6: (1, 1)}),
                            "pkg/b.py": ([3], [3], {})}


def test_coverage_json_without_branches(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    path.write_text('{"meta": {"format": 1}, "files": {"a.py": {"executed_lines": [1],'
                    ' "missing_lines": []}}}')
    data, _ = coveragejson.read(path)
    assert not data.has_branches and data.lines.covered == data.lines.total == 1


# JaCoCo


def test_jacoco_bulk_and_events_agree(monkeypatch) -> None:
    fast, warnings = jacoco.read(FIXTURES / "jacoco.xml")
    assert warnings == []
    monkeypatch.setattr(jacoco, "BULK", False)
    slow, _ = jacoco.read(FIXTURES / "jacoco.xml")
    monkeypatch.setattr(jacoco, "BULK", True)
    monkeypatch.setattr(xmlsafe, "CHUNK", 64)
    tiny, _ = jacoco.read(FIXTURES / "jacoco.xml")
    assert _shape(fast) == _shape(slow) == _shape(tiny) == {
        "org/example/Shapes.java": ([3, 5, 6, 7, 8, 10, 14, 15, 16, 17, 20, 24], [3, 8, 24],
                                    {5: (2, 2), 7: (1, 2), 15: (2, 2), 16: (3, 4), 24: (0, 2)})}


def test_jacoco_pretty_printed_groups_and_counters(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<report name="all">\n'
        ' <group name="module-a">\n  <package name="org/a">\n'
        '   <class name="org/a/A" sourcefilename="A.kt">\n'
        '    <method name="&lt;init&gt;" desc="()V" line="1">\n'
        '     <counter type="INSTRUCTION" missed="0" covered="3"/>\n    </method>\n'
        '   </class>\n   <sourcefile name="A.kt">\n'
        '    <line nr="1" mi="0" ci="3" mb="0" cb="0"/>\n'
        '    <line nr="2" mi="4" ci="0" mb="2" cb="0"/>\n'
        '    <line nr="3" mi="1" ci="2" mb="1" cb="1"/>\n'
        '    <counter type="LINE" missed="1" covered="1"/>\n'
        '   </sourcefile>\n  </package>\n </group>\n</report>\n')
    data, warnings = jacoco.read(path)
    assert _shape(data) == {"org/a/A.kt": ([1, 2, 3], [2], {2: (0, 2), 3: (1, 2)})}
    assert warnings == [f"{path}: org/a/A.kt: its LINE counter says missed=1 covered=1 but its"
                        " <line>s count 1 and 2; the gate uses the lines"]


# Clover


def test_clover_as_openclover_and_phpunit_write_it(tmp_path: Path) -> None:
    path = tmp_path / "clover.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1" clover="4.5.2">\n'
        '<project name="p" timestamp="1"><metrics statements="9"/>\n'
        '<package name="org.x"><file name="A.java" path="/src/org/x/A.java">'
        '<class name="A"><metrics statements="5"/></class>'
        '<line num="3" count="2" type="method" signature="f() : void" visibility="public"/>'
        '<line num="4" type="stmt" count="2"/><line num="4" type="cond" truecount="2"'
        ' falsecount="0"/><line num="5" count="0" type="stmt"/>'
        '<line falsecount="0" num="6" truecount="0" type="cond"/></file></package>\n'
        '<file name="B.php" path="/src/B.php"><line num="1" type="method" count="0"/></file>'
        '</project>\n<testproject><package name="t"><file name="T.java" path="/t/T.java">'
        '<line num="1" type="stmt" count="1"/></file></package></testproject></coverage>\n')
    data, _ = clover.read(path)
    assert _shape(data) == {"/src/org/x/A.java": ([3, 4, 5, 6], [5, 6], {4: (1, 2), 6: (0, 2)}),
                            "/src/B.php": ([1], [1], {})}


@pytest.mark.parametrize(("sample", "lines", "branches"), [
    ("c8-clover.xml", (19, 24), (7, 8)),  # istanbul: truecount covered, falsecount missed
    ("nyc-clover.xml", (10, 12), (7, 10)),
    ("gcovr-clover.xml", (17, 21), (0, 0)),
])
def test_clover_of_real_producers(sample: str, lines: tuple[int, int],
                                  branches: tuple[int, int]) -> None:
    data, _ = read(FIXTURES / sample)
    assert (data.lines.covered, data.lines.total) == lines
    assert (data.branches.covered, data.branches.total) == branches
    # the same figures as the same producer's LCOV
    twin = {"c8-clover.xml": "c8.info", "nyc-clover.xml": "nyc.info",
            "gcovr-clover.xml": "gcovr.info"}[sample]
    other, _ = read(FIXTURES / twin)
    assert [list(f.measured_lines()) for f in data.files.values()] == [
        list(f.measured_lines()) for f in other.files.values()]


@pytest.mark.parametrize("bulk", [True, False])
def test_jacoco_counters_are_compared_either_way(bulk: bool, tmp_path: Path,
                                                 monkeypatch) -> None:
    monkeypatch.setattr(jacoco, "BULK", bulk)
    text = (FIXTURES / "jacoco.xml").read_text()
    path = tmp_path / "jacoco.xml"
    # The sourcefile's own BRANCH counter (the one after its lines) says one more is covered.
    head, sourcefile = text.split("<sourcefile", 1)
    sourcefile = sourcefile.replace('<counter type="BRANCH" missed="4" covered="8"/>',
                                    '<counter type="BRANCH" missed="3" covered="9"/>', 1)
    path.write_text(head + "<sourcefile" + sourcefile)
    data, warnings = jacoco.read(path)
    assert (data.branches.covered, data.branches.total) == (8, 12)
    assert warnings == [f"{path}: org/example/Shapes.java: its BRANCH counter says missed=3"
                        " covered=9 but its <line>s count 4 and 8; the gate uses the lines"]
