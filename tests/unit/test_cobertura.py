"""The streaming Cobertura reader: exact counts from <line>s, one-line errors naming the file."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gate.errors import InputError, UnsafeInputError
from gate.model import Ratio
from gate.readers import xmlsafe
from gate.readers.coverage import cobertura
from gate.readers.coverage.cobertura import read
from gate.readers.coverage.model import BranchTable, CoverageData, FileCoverage, combine
from tests.cobertura_xml import cobertura as report_text
from tests.cobertura_xml import ratio_report


def _read(tmp_path: Path, text: str, name: str = "coverage.xml") -> tuple[CoverageData, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read(path)


def _error(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "coverage.xml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


def _lines(*lines: str, attrs: str = "") -> str:
    return (f"<coverage {attrs}><packages><package><classes><class filename=\"a.py\">"
            f"<lines>{''.join(lines)}</lines></class></classes></package></packages></coverage>")


def test_counts_come_from_lines_not_the_rounded_rate(tmp_path: Path) -> None:
    path = ratio_report(tmp_path / "coverage.xml", 7999, 10000,
                        root='line-rate="0.8" lines-valid="10000" lines-covered="7999"')
    data, warnings = read(path)
    assert data.lines == Ratio(7999, 10000)
    assert data.lines.value < Fraction(4, 5)
    assert warnings == []


def test_duplicate_line_counts_once_and_is_covered_if_any_listing_ran(tmp_path: Path) -> None:
    for order in (('<line number="3" hits="0"/>', '<line number="3" hits="4"/>'),
                  ('<line number="3" hits="4"/>', '<line number="3" hits="0"/>')):
        data, _ = _read(tmp_path, _lines(*order, '<line number="4" hits="0"/>'))
        assert data.lines == Ratio(1, 2)
        assert data.files["a.py"].missing_lines() == [4]


def test_a_file_in_several_classes_is_one_file(tmp_path: Path) -> None:
    text = ("<coverage><packages><package><classes>"
            '<class name="Outer" filename="Outer.java"><lines>'
            '<line number="1" hits="1"/><line number="2" hits="0"/></lines></class>'
            '<class name="Outer$Inner" filename="Outer.java"><lines>'
            '<line number="2" hits="3"/><line number="9" hits="0"/></lines></class>'
            "</classes></package></packages></coverage>")
    data, _ = _read(tmp_path, text)
    assert list(data.files) == ["Outer.java"]
    assert data.lines == Ratio(2, 3)


def test_a_file_whose_classes_come_back_after_another_files_is_one_file(tmp_path: Path) -> None:
    # A file is finished when another file's class begins, opened again when its own
    # comes back (then kept open): every order of the same classes reads the same.
    classes = {
        "a1": ("a.py", '<line number="1" hits="1"/>'
                       '<line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/>'),
        "b1": ("b.py", '<line number="4" hits="0" branch="true" condition-coverage="0% (0/2)"/>'),
        "a2": ("a.py", '<line number="2" hits="2" branch="true" condition-coverage="50% (2/4)"/>'
                       '<line number="3" hits="0"/>'),
        "b2": ("b.py", '<line number="4" hits="1"/><line number="5" hits="1"/>'),
        "a3": ("a.py", '<line number="300" hits="0" branch="true" '
                       'condition-coverage="0% (0/70000)"/>'),
    }
    expected = {
        "a.py": FileCoverage("a.py", bitmap_of({1, 2, 3, 300}), bitmap_of({1, 2}),
                             {2: Ratio(2, 4), 300: Ratio(0, 70000)}),
        "b.py": FileCoverage("b.py", bitmap_of({4, 5}), bitmap_of({4, 5}), {4: Ratio(0, 2)}),
    }
    for order in (["a1", "b1", "a2", "b2", "a3"], ["a1", "a2", "a3", "b1", "b2"],
                  ["b2", "a3", "a2", "b1", "a1"], ["a1", "b1", "a2", "a3", "b2"]):
        text = ("<coverage><packages><package><classes>"
                + "".join(f'<class name="{key}" filename="{classes[key][0]}"><lines>'
                          f"{classes[key][1]}</lines></class>" for key in order)
                + "</classes></package></packages></coverage>")
        data, _ = _read(tmp_path, text)
        assert data.files == {name: expected[name] for name in dict.fromkeys(
            classes[key][0] for key in order)}, order
        assert data.has_branches


def bitmap_of(lines: set[int]) -> bytes:
    value = sum(1 << n for n in lines)
    return value.to_bytes((value.bit_length() + 7) // 8, "little")


def test_method_lines_are_not_counted_again(tmp_path: Path) -> None:
    # Java and gcovr repeat a method's lines; istanbul adds the declaration line
    # that its own totals leave out. Only the class's <lines> count.
    text = ('<coverage lines-valid="2" lines-covered="1"><packages><package><classes>'
            '<class filename="a.js"><methods>'
            '<method name="f" hits="0" signature="()V"><lines><line number="1" hits="0"/></lines>'
            '</method><method name="g"><lines><line number="2" hits="5"/></lines></method>'
            '</methods><lines><line number="2" hits="5"/><line number="3" hits="0"/></lines>'
            "</class></classes></package></packages></coverage>")
    data, warnings = _read(tmp_path, text)
    assert data.lines == Ratio(1, 2)
    assert warnings == []


@pytest.mark.parametrize(("hits", "covered"), [
    ("0", False), ("1", True), ("7", True), ("00", False), ("007", True),
    ("123456789012345678901234567890", True), (" 3 ", True),
])
def test_hits(tmp_path: Path, hits: str, covered: bool) -> None:
    data, _ = _read(tmp_path, _lines(f'<line number="1" hits="{hits}"/>'))
    assert data.lines == Ratio(int(covered), 1)


@pytest.mark.parametrize(("line", "problem"), [
    ('<line number="1" hits="many"/>', "non-numeric count"),
    ('<line number="1" hits=""/>', "non-numeric count"),
    ('<line number="x" hits="1"/>', "non-numeric count"),
    ('<line number="1.5" hits="1"/>', "non-numeric count"),
    ('<line number="1" hits="-1"/>', "negative hit count '-1'"),
    ('<line number="-1" hits="1"/>', "negative line number -1"),
    ('<line number="1"/>', "<line> without a 'hits' attribute"),
    ('<line hits="1"/>', "<line> without a 'number' attribute"),
    ('<line number="99999999999" hits="1"/>', "line number 99999999999 is out of range"),
    ('<line number="1" hits="1" branch="true" condition-coverage="50%"/>',
     "bad condition-coverage"),
    ('<line number="1" hits="1" branch="true" condition-coverage="50% (3/2)"/>',
     "bad condition-coverage"),
    ('<line number="1" hits="1" branch="true" condition-coverage="50% (1)"/>',
     "bad condition-coverage"),
    ('<line number="1" hits="1" branch="true" condition-coverage="50% (a/2)"/>',
     "non-numeric count"),
])
def test_bad_line_values_name_the_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    message = _error(tmp_path, _lines('<line number="2" hits="1"/>', line))
    assert "not a valid Cobertura report" in message
    assert ": line 1: " in message
    assert problem in message


def test_negative_line_number_after_others_is_still_refused(tmp_path: Path) -> None:
    # It once wrapped around to the end of the bitmap and counted as line 7.
    message = _error(tmp_path, _lines(*(f'<line number="{n}" hits="1"/>' for n in range(1, 9)),
                                      '<line number="-1" hits="0"/>'))
    assert "negative line number -1" in message


def test_branches_come_from_condition_coverage(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text({"a.py": [(1, 1), (2, 1, "1/2"), (5, 0, "0/4")],
                                           "b.py": [(1, 1, "3/3")]}))
    assert data.has_branches
    assert data.branches == Ratio(4, 9)
    assert data.files["a.py"].branches == {2: Ratio(1, 2), 5: Ratio(0, 4)}
    assert data.files["a.py"].branch_ratio == Ratio(1, 6)


def test_branch_counts_may_be_arbitrarily_large(tmp_path: Path) -> None:
    big = 10**30
    data, _ = _read(tmp_path, report_text({"a.py": [(1, 1, f"{big - 1}/{big}"), (2, 1, "1/2")]}))
    assert data.branches == Ratio(big, big + 2)


def test_duplicate_branch_line_counts_once(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text({"a.py": [(4, 1, "1/2"), (4, 1, "1/2"), (6, 1, "2/2")]}))
    assert data.branches == Ratio(3, 4)


def test_no_branch_data_without_condition_coverage(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, _lines('<line number="1" hits="1" branch="false"/>',
                                     '<line number="2" hits="1" branch="true"/>',
                                     '<line number="3" hits="1" branch="true" '
                                     'condition-coverage=""/>'))
    assert not data.has_branches
    assert data.branches == Ratio(0, 0)
    assert data.lines == Ratio(3, 3)


def test_condition_coverage_counts_only_on_branch_lines(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, _lines('<line number="1" hits="1" branch="false" '
                                     'condition-coverage="50% (1/2)"/>'))
    assert not data.has_branches


def test_attribute_order_does_not_matter(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, _lines(
        '<line hits="0" number="1"/>',
        '<line branch="true" condition-coverage="50% (1/2)" hits="2" number="2"/>',
        '<line number="3" hits="1" branch="false"/>'))
    assert data.lines == Ratio(2, 3)
    assert data.branches == Ratio(1, 2)


def test_entity_and_character_references_in_values(tmp_path: Path) -> None:
    text = ('<coverage><packages><package><classes><class filename="a&amp;b.py"><lines>'
            '<line number="&#49;&#48;" hits="&#x31;"/></lines></class>'
            "</classes></package></packages></coverage>")
    data, _ = _read(tmp_path, text)
    assert list(data.files) == ["a&b.py"]
    assert data.files["a&b.py"].is_covered(10)


def test_root_without_attributes_is_a_root(tmp_path: Path) -> None:
    # An empty attribute dict once read as "no root element".
    data, warnings = _read(tmp_path, _lines('<line number="1" hits="1"/>'))
    assert data.lines == Ratio(1, 1)
    assert warnings == []


def test_class_named_without_filename_uses_its_name(tmp_path: Path) -> None:
    text = ('<coverage><packages><package><classes><class name="mod.py"><lines>'
            '<line number="1" hits="1"/></lines></class></classes></package></packages></coverage>')
    data, _ = _read(tmp_path, text)
    assert list(data.files) == ["mod.py"]


def test_class_without_a_name_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, "<coverage><packages><package><classes><class><lines/></class>"
                               "</classes></package></packages></coverage>")
    assert "<class> without a filename" in message


def test_lines_outside_a_class_do_not_count(tmp_path: Path) -> None:
    text = ('<coverage><packages><package><lines><line number="1" hits="0"/></lines><classes>'
            '<class filename="a.py"><lines><line number="1" hits="1"/></lines></class>'
            "</classes></package></packages></coverage>")
    data, _ = _read(tmp_path, text)
    assert data.lines == Ratio(1, 1)


def test_empty_class_is_a_file_with_nothing_measured(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text({"pkg/__init__.py": [], "pkg/a.py": [(1, 1)]}))
    assert data.files["pkg/__init__.py"].lines == Ratio(0, 0)
    assert data.lines == Ratio(1, 1)


def test_sources_relative_and_absolute(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text({"a.py": [(1, 1)]}, sources=(".", "/abs/src ")))
    assert data.sources == (".", "/abs/src")


@pytest.mark.parametrize("attrs", ['lines-valid="5"', 'lines-covered="9"'])
def test_root_counts_that_disagree_are_a_warning(tmp_path: Path, attrs: str) -> None:
    data, warnings = _read(tmp_path, _lines('<line number="1" hits="1"/>',
                                            '<line number="2" hits="0"/>', attrs=attrs))
    assert data.lines == Ratio(1, 2)
    assert len(warnings) == 1
    attr, _, declared = attrs.partition("=")
    assert f"root says {attr}={declared.strip(chr(34))}" in warnings[0]
    assert "(the gate uses the lines)" in warnings[0]
    assert str(tmp_path / "coverage.xml") in warnings[0]


def test_root_branch_counts_that_disagree_are_a_warning(tmp_path: Path) -> None:
    _, warnings = _read(tmp_path, _lines(
        '<line number="1" hits="1" branch="true" condition-coverage="50% (1/2)"/>',
        attrs='lines-valid="1" lines-covered="1" branches-valid="4" branches-covered="1"'))
    assert warnings == [f"{tmp_path / 'coverage.xml'}: root says branches-valid=4 but its"
                        " <line> elements count 2 (the gate uses the lines)"]


def test_non_numeric_root_counts_are_ignored(tmp_path: Path) -> None:
    _, warnings = _read(tmp_path, _lines('<line number="1" hits="1"/>',
                                         attrs='lines-valid="n/a" lines-covered=""'))
    assert warnings == []


def test_doctype_with_external_dtd_is_accepted(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text(
        {"a.py": [(1, 1)]},
        prolog='<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'))
    assert data.lines == Ratio(1, 1)


@pytest.mark.parametrize(("text", "reason"), [
    ('<!DOCTYPE c [<!ENTITY a "x">]><coverage>&a;</coverage>', "entity declaration 'a'"),
    ('<!DOCTYPE c [<!ENTITY % p "x">]><coverage/>', "entity declaration 'p'"),
    ('<!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]><coverage>&e;</coverage>',
     "entity declaration 'e'"),
    ('<!DOCTYPE c [<!ENTITY u SYSTEM "x.gif" NDATA gif>]><coverage/>', "entity declaration 'u'"),
])
def test_entity_declarations_are_unsafe(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(text)
    with pytest.raises(UnsafeInputError) as caught:
        read(path)
    assert str(caught.value) == f"unsafe XML rejected: {path}: {reason} is forbidden"


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "coverage report is empty"),
    (b"   \n", "not well-formed XML"),
    (b"<coverage><packages>", "not well-formed XML"),
    (b"\x00\xff\xfe\x01binary", "not well-formed XML"),
    (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "found <html>"),
    (b"<report/>", "expected a <coverage> root element, found <report>"),
    (b'<?xml version="1.0" encoding="bogus"?><coverage/>', "not well-formed XML"),
    (b"<coverage>&nbsp;</coverage>", "undefined entity"),
])
def test_bad_documents(tmp_path: Path, content: bytes, problem: str) -> None:
    assert problem in _error(tmp_path, content)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="coverage report not found: .*nope.xml"):
        read(tmp_path / "nope.xml")
    with pytest.raises(InputError, match="coverage report is a directory: "):
        read(tmp_path)


def test_huge_token_is_refused_not_rescanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlsafe, "MAX_TOKEN", 1 << 20)
    message = _error(tmp_path, '<coverage x="' + "a" * (3 << 20) + '"/>')
    assert "an XML token longer than 1 MiB" in message


def test_long_text_is_not_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Character data streams through expat in pieces: it must not trip the token limit.
    monkeypatch.setattr(xmlsafe, "MAX_TOKEN", 1 << 20)
    data, _ = _read(tmp_path, _lines('<line number="1" hits="1"/>').replace(
        "<packages>", "<packages>" + " " * (3 << 20)))
    assert data.lines == Ratio(1, 1)


def test_line_numbers_out_of_proportion_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cobertura, "SLACK", 1 << 20)
    classes = "".join(f'<class filename="f{i}.py"><lines><line number="900000" hits="1"/>'
                      "</lines></class>" for i in range(4))
    message = _error(tmp_path, f"<coverage><packages><package><classes>{classes}</classes>"
                               "</package></packages></coverage>")
    assert "line numbers out of all proportion" in message


def test_big_line_numbers_in_a_normal_report_are_fine(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, _lines('<line number="9999999" hits="1"/>'))
    assert data.files["a.py"].is_covered(9_999_999)
    assert len(data.files["a.py"].measured) == 1_250_000


# The model the reader builds ---------------------------------------------------


def test_file_coverage_bitmaps() -> None:
    file = FileCoverage("a.py", measured=bytes([0b10110]), covered=bytes([0b00100]))
    assert file.lines == Ratio(1, 3)
    assert list(file.measured_lines()) == [1, 2, 4]
    assert file.missing_lines() == [1, 4]
    assert file.is_measured(4) and not file.is_measured(3) and not file.is_measured(800)
    assert file.is_covered(2) and not file.is_covered(1) and not file.is_covered(-1)


def test_merge_is_a_union_and_keeps_larger_branch_counts() -> None:
    a = FileCoverage("a.py", bytes([0b0110]), bytes([0b0010]), {1: Ratio(1, 2), 2: Ratio(0, 2)})
    b = FileCoverage("a.py", bytes([0b1100, 0b1]), bytes([0b0100]), {2: Ratio(2, 2)})
    merged = a.merge(b)
    assert merged.lines == Ratio(2, 4)
    assert merged.branches == {1: Ratio(1, 2), 2: Ratio(2, 2)}
    assert merged.branch_ratio == Ratio(3, 4)


def test_combine_and_select() -> None:
    one = CoverageData({"a.py": FileCoverage("a.py", b"\x02", b"\x02")}, ("/x",))
    two = CoverageData({"a.py": FileCoverage("a.py", b"\x04", b""),
                        "tests/t.py": FileCoverage("tests/t.py", b"\x02", b"")}, ("/y",), True)
    both = combine([one, two])
    assert both.lines == Ratio(1, 3)
    assert both.sources == ("/x", "/y") and both.has_branches
    assert list(both.select(["*.py"], ["tests/*"]).files) == ["a.py"]
    assert list(both.select([], ["a.py"]).files) == ["tests/t.py"]
    assert combine([one]) is one


def test_files_without_branches_share_empty_arrays_that_stay_empty(tmp_path: Path) -> None:
    for bulk in (True, False):
        cobertura.BULK = bulk
        try:
            data, _ = _read(tmp_path, report_text({"a.py": [(1, 1, "1/2"), (2, 0, "0/2")],
                                                   "b.py": [(1, 1), (3, 0)]}))
        finally:
            cobertura.BULK = True
        assert data.files["a.py"].branches == {1: Ratio(1, 2), 2: Ratio(0, 2)}
        assert data.files["b.py"].branches == {} and data.files["b.py"].lines == Ratio(1, 2)
        assert len(cobertura._NO_LINES) == 0 and len(cobertura._NO_COUNTS) == 0


def test_branch_table_is_a_compact_mapping() -> None:
    table = BranchTable.build([9, 2, 9, 5], [1, 0, 2, 3], [2, 2, 2, 4])
    assert list(table) == [2, 5, 9]
    assert table == {2: Ratio(0, 2), 5: Ratio(3, 4), 9: Ratio(2, 2)}
    assert table[5] == Ratio(3, 4) and 4 not in table and len(table) == 3
    assert table.ratio == Ratio(5, 8)
    with pytest.raises(KeyError):
        table[100]
    huge = BranchTable.build([1, 2], [2**70, 1], [2**71, 2])
    assert huge.ratio == Ratio(2**70 + 1, 2**71 + 2)
    assert "BranchTable" in repr(table)


def test_branch_counts_widen_from_bytes_to_words(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, report_text({"a.py": [(1, 1, "1/2"), (2, 1, "300/70000"),
                                                    (3, 1, "2/2")]}))
    assert data.files["a.py"].branches == {1: Ratio(1, 2), 2: Ratio(300, 70000), 3: Ratio(2, 2)}


def test_condition_coverage_in_unusual_spellings(tmp_path: Path) -> None:
    data, _ = _read(tmp_path, _lines(
        '<line number="1" hits="1" branch="true" condition-coverage="50 % ( 1/2 )"/>',
        '<line number="2" hits="1" branch="true" condition-coverage="(2/4)"/>'))
    assert data.branches == Ratio(3, 6)
    message = _error(tmp_path, _lines(
        '<line number="1" hits="1" branch="true" condition-coverage="(3/2)"/>'))
    assert "bad condition-coverage '(3/2)'" in message
