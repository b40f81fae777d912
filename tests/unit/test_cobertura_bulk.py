"""The bulk path for runs of plain <line/>s reads exactly what expat's events read.

Every test compares a report read both ways (cobertura.BULK on and off): the
same data, or the same one-line error with the same line number.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.errors import InputError
from gate.readers import xmlsafe
from gate.readers.coverage import cobertura


def _outcome(path: Path, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    monkeypatch.setattr(cobertura, "BULK", bulk)
    try:
        data, warnings = cobertura.read(path)
    except InputError as exc:
        return ("error", str(exc))
    return ("read", data, warnings)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many lines each bulk run added (spying on the reader)."""
    runs: list[int] = []
    add_run = cobertura._Reader._add_run

    def spy(self: Any, parts: list[Any]) -> bool:
        added = add_run(self, parts)
        if added:
            runs.append(len(parts) // cobertura._GROUPS)
        return added

    monkeypatch.setattr(cobertura._Reader, "_add_run", spy)
    return runs


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    bulk = _outcome(path, True, monkeypatch)
    events = _outcome(path, False, monkeypatch)
    assert bulk == events
    return bulk


def _report(*classes: str, prolog: str = '<?xml version="1.0" ?>\n', newline: str = "\n",
            methods: str = "<methods/>") -> str:
    body = newline.join(f'<class filename="{name}">{methods}<lines>{lines}</lines></class>'
                        for name, lines in zip(("a.py", "b.py", "a.py", "c.py"), classes))
    return (f"{prolog}<coverage>{newline}<packages><package><classes>{newline}{body}{newline}"
            f"</classes></package></packages>{newline}</coverage>{newline}")


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "coverage.xml"
    path.write_bytes(text.encode(encoding))
    return path


PLAIN = "".join(f'\n\t<line number="{n}" hits="{n % 3}"/>' for n in range(1, 200))


def test_coverage_py_lines_are_taken_in_bulk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             taken: list[int]) -> None:
    branch = ('\n\t<line number="300" hits="1" branch="true" condition-coverage="50% (1/2)"'
              ' missing-branches="302"/>')
    kind, data, _ = _both(_write(tmp_path, _report(PLAIN + branch + "\n")), monkeypatch)
    assert kind == "read"
    assert sum(taken) == 200  # every line of the run, read once (the events read it again)
    assert (data.lines.covered, data.lines.total) == (133 + 1, 200)
    assert (data.branches.covered, data.branches.total) == (1, 2)


@pytest.mark.parametrize("odd", [
    "<!-- <line number=\"500\" hits=\"1\"/> -->",
    "<?pi <line number=\"500\" hits=\"1\"/>?>",
    "<![CDATA[<line number=\"500\" hits=\"1\"/>]]>",
    "text between lines",
    "<line hits=\"1\" number=\"500\"/>",
    "<line number='500' hits='1'/>",
    "<line number=\"&#53;00\" hits=\"1\"/>",
    "<line  number=\"500\" hits=\"1\"/>",
    "<line number=\"500\" hits=\"1\"  />",
    "<line number=\"500\" hits=\"1\" branch=\"true\" condition-coverage=\"50% (1/2)\">"
    "<conditions><condition number=\"0\" type=\"jump\"/></conditions></line>",
    "<method name=\"m\"><lines><line number=\"500\" hits=\"1\"/></lines></method>",
    "</lines><lines>",
])
def test_anything_else_in_a_run_hands_over_to_the_events(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int], odd: str) -> None:
    after = '<line number="600" hits="1"/><line number="601" hits="0"/>'
    outcome = _both(_write(tmp_path, _report(PLAIN + odd + after)), monkeypatch)
    assert outcome[0] == "read"
    assert taken and taken[0] == 199  # the plain lines before it went in bulk


BULK_SHAPE = ('<line number="{0}500" hits="{0}1" branch="true" condition-coverage="{0}50% '
              '({0}1/{0}2)" missing-branches="{0}501"><conditions><condition number="{0}0" '
              'type="{0}jump" coverage="{0}50%"/></conditions></line>')


@pytest.mark.parametrize("ref", ["&#48;", "&#x30;", "&amp;", "&undefined;"])
@pytest.mark.parametrize("slot", range(BULK_SHAPE.count("{0}")))
def test_a_reference_anywhere_in_a_line_is_never_read_in_bulk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int], ref: str,
        slot: int) -> None:
    """The bulk grammar has no `&`: a line holding a reference ends the run before it, and
    expat's events read it (or refuse it) exactly as without the bulk path."""
    marks = [""] * BULK_SHAPE.count("{0}")
    marks[slot] = ref
    odd = BULK_SHAPE.replace("{0}", "\0").split("\0")
    line = "".join(part + mark for part, mark in zip(odd, [*marks, ""]))
    outcome = _both(_write(tmp_path, _report(PLAIN + "\n" + line + "\n")), monkeypatch)
    assert taken and taken[0] == 199  # the plain lines before it, and nothing after
    if ref == "&undefined;":
        assert outcome[0] == "error" and "undefined entity &undefined;" in outcome[1], outcome


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bad, problem", [
    ('<line number="-1" hits="1"/>', "negative line number -1"),
    ('<line number="1" hits="x"/>', "non-numeric count"),
    ('<line number="99999999999" hits="1"/>', "is out of range"),
    ('<line number="1" hits="1" branch="true" condition-coverage="150% (3/2)"/>',
     "bad condition-coverage"),
    ("<line number=\"1\" hits=\"1\"/><oops", "not well-formed"),
])
def test_errors_after_a_bulk_run_name_the_files_own_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str, bad: str,
        problem: str) -> None:
    lines = newline.join(f'<line number="{n}" hits="1"/>' for n in range(1, 50))
    text = _report(lines + newline + bad, newline=newline)
    kind, message = _both(_write(tmp_path, text), monkeypatch)
    assert kind == "error" and problem in message
    assert "line 53:" in message or "line 53," in message, message


@pytest.mark.parametrize("encoding", ["windows-1252", "UTF-16"])
def test_other_encodings_are_read_by_the_events(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int], encoding: str) -> None:
    text = _report(PLAIN, prolog=f'<?xml version="1.0" encoding="{encoding}"?>\n')
    kind, data, _ = _both(_write(tmp_path, text, encoding.lower()), monkeypatch)
    assert kind == "read" and data.lines.total == 199
    assert taken == []


def test_a_lines_tag_inside_a_comment_or_an_attribute_is_not_a_cue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int]) -> None:
    text = _report('<!-- <lines> <line number="7" hits="1"/> -->'
                   '<line number="8" hits="1" note="&lt;lines>"/>')
    kind, data, _ = _both(_write(tmp_path, text), monkeypatch)
    assert (kind, data.lines.total) == ("read", 1)
    assert taken == []


def test_runs_across_chunk_edges_read_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int]) -> None:
    monkeypatch.setattr(xmlsafe, "CHUNK", 100)
    held: list[int] = []
    take = cobertura._Reader.take

    def spy(self: Any, data: bytes, start: int, final: bool) -> tuple[int, bool]:
        held.append(len(data))
        return take(self, data, start, final)

    monkeypatch.setattr(cobertura._Reader, "take", spy)
    kind, data, _ = _both(_write(tmp_path, _report(PLAIN, PLAIN, PLAIN)), monkeypatch)
    assert (kind, data.lines.total) == ("read", 2 * 199)
    assert len(taken) > 10 and sum(taken) == 3 * 199
    assert max(held) <= 2 * 100 + xmlsafe.MARKER_REACH  # memory follows the chunk, not the file


def test_markers_inside_a_long_comment_do_not_make_parsing_quadratic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Expat 2.5 rescans an unfinished token on every call: the feeder calls it twice a chunk."""
    calls = 0
    parse = xmlsafe.Feeder._parse

    def count(self: xmlsafe.Feeder, data: bytes) -> None:
        nonlocal calls
        calls += 1
        parse(self, data)

    monkeypatch.setattr(xmlsafe.Feeder, "_parse", count)
    comment = "<!--" + "<lines>" * 300_000 + "-->"
    path = _write(tmp_path, _report(comment + PLAIN))
    data, _ = cobertura.read(path)
    assert data.lines.total == 199
    assert calls <= 2 * (path.stat().st_size // xmlsafe.CHUNK + 2) + 4


# Pieces of a class's <lines>: plain lines the bulk path takes, and everything that stops it.
_NUMBER = st.integers(min_value=0, max_value=400).map(str) | st.sampled_from(["007", "0"])
_HITS = st.sampled_from(["0", "00", "1", "3", "0012", "123456789012345678901234567890"])
_CONDITION = st.sampled_from(["50% (1/2)", "66.67% (2/3)", "0% (0/4)", "100% (2/2)",
                              "150% (3/2)", "50%(1/2)", ""])
_CHILDREN = st.sampled_from([
    "/>", " />", "><conditions/></line>", "><conditions></conditions></line>",
    '>\n  <conditions>\n    <condition number="0" type="jump" coverage="50%"/>\n'
    '  </conditions>\n</line>',
    '><conditions><condition number="0" type="jump" coverage="50%" /></conditions></line>',
    '><conditions><condition number="0" type="switch" coverage="25%"/>'
    '<condition number="1" type="jump" coverage="100%"/></conditions></line>'])
# missing-branches as coverage.py writes it: line numbers, "exit" (7.x), negative exit arcs (older).
_MISSING = st.sampled_from(["3,-1", "exit", "12,exit", "-1", "", "4,5,exit,-2"])
_PLAIN_LINE = st.builds(
    lambda number, hits, branch, condition, missing, children: (
        f'<line number="{number}" hits="{hits}"'
        + {"none": "", "false": ' branch="false"', "true": ' branch="true"',
           "cond": f' branch="true" condition-coverage="{condition}"'}[branch]
        + (f' missing-branches="{missing}"' if missing is not None and branch == "cond" else "")
        + (children if branch == "cond" else "/>")),
    _NUMBER, _HITS, st.sampled_from(["none", "false", "true", "cond"]), _CONDITION,
    st.none() | _MISSING, _CHILDREN)
_ODD = st.sampled_from([
    '<!-- <line number="9" hits="1"/> -->', '<?pi x?>', "<![CDATA[ <lines> ]]>", "text",
    '<line hits="1" number="11"/>', "<line number='12' hits='1'/>",
    '<line number="&#49;3" hits="1"/>', '<line number="14" hits="1"  />',
    '<line number="15" hits="0" branch="true" condition-coverage="50% (1/2)"><conditions>'
    '<condition number="0" type="jump" coverage="50%" extra="1"/></conditions></line>',
    '<line number="15" hits="0" branch="true" condition-coverage="50% (1/2)"><conditions>'
    '<condition number="0" type="jump" coverage="50%"><x/></condition></conditions></line>',
    '<line number="15" hits="0" branch="true" condition-coverage="50% (1/2)"><conditions>'
    '<condition number="0" type="<" coverage="50%"/></conditions></line>',
    '<method name="m"><lines><line number="16" hits="1"/></lines></method>',
    "</lines><lines>", '<line number="17"/>', '<line number="99999999999" hits="1"/>',
    '<line number="18" hits="-1"/>', "<line number=\"19\" hits=\"1\"/><unclosed>",
    '<line number="20" hits="1" branch="true" condition-coverage="50% (1/2)"'
    ' missing-branches="&#50;"/>',
    '<line number="21" hits="1" branch="true" condition-coverage="50% (1/2)"'
    ' missing-branches="<"/>',
    '<line number="22" hits="1" branch="true" condition-coverage="50% (1/2)"'
    ' missing-branches="&undefined;"/>',
    '<line number="23" hits="1" branch="true" condition-coverage="50% (1/2)"'
    ' missing-branches="EXIT"/>',
    '<line number="24" hits="1" branch="true" condition-coverage="50% (1/2)"'
    ' missing-branches="exit"\t/>',
    '<line number="25" hits="1"/ >',
    "\x0c", "\xa0",  # not XML whitespace: a form feed is not even a character XML allows
])
_SPACE = st.sampled_from(["", "", "\n", "\t\t", "\r\n", "\r", " \n "])
_PLAIN_RUN = st.lists(st.tuples(_SPACE, _PLAIN_LINE), max_size=12).map(
    lambda pieces: "".join(a + b for a, b in pieces))
_MIXED_RUN = st.lists(st.tuples(_SPACE, st.one_of(_PLAIN_LINE, _PLAIN_LINE, _ODD)),
                      max_size=12).map(lambda pieces: "".join(a + b for a, b in pieces))
# A class's <lines>: a run the bulk path takes, then whatever ends it, then anything.
_LINES = st.tuples(_PLAIN_RUN, _SPACE, _ODD, _MIXED_RUN).map("".join)


# A class's <methods>: none (coverage.py), or methods whose <lines> repeat the class's
# (gcovr, Java, JaCoCo converters): read, checked, and dropped.
_METHODS = st.one_of(
    st.just("<methods/>"),
    st.lists(_LINES, max_size=3).map(
        lambda runs: "<methods>" + "".join(f'<method name="m{i}" signature="()V"><lines>{run}'
                                           "</lines></method>" for i, run in enumerate(runs))
        + "</methods>"))


@settings(max_examples=150, deadline=None)
@given(classes=st.lists(_LINES, min_size=1, max_size=4),
       methods=_METHODS,
       chunk=st.sampled_from([64, 200, 4096, xmlsafe.CHUNK]),
       prolog=st.sampled_from(['<?xml version="1.0" ?>\n',
                               '<?xml version="1.0" encoding="ISO-8859-1"?>',
                               '<?xml version="1.0" encoding="windows-1252"?>', ""]),
       slack=st.sampled_from([cobertura.SLACK, 0, 200, 1000]))
def test_bulk_and_events_agree_on_any_report(classes: list[str], methods: str, chunk: int,
                                             prolog: str, slack: int) -> None:
    # A small SLACK makes the line buffers' memory limit bite: both ways must count
    # the same bytes and refuse at the same line.
    with pytest.MonkeyPatch.context() as monkeypatch, tempfile.TemporaryDirectory() as tmp:
        monkeypatch.setattr(xmlsafe, "CHUNK", chunk)
        monkeypatch.setattr(cobertura, "SLACK", slack)
        _both(_write(Path(tmp), _report(*classes, prolog=prolog, methods=methods)), monkeypatch)


PRODUCERS = Path(__file__).parent.parent / "integration" / "producers"


@pytest.mark.parametrize("name", ["gcovr.xml", "java-cobertura.xml", "nyc.xml", "c8.xml"])
def test_other_producers_reports_are_taken_in_bulk_too(
        monkeypatch: pytest.MonkeyPatch, taken: list[int], name: str) -> None:
    kind, data, _ = _both(PRODUCERS / name, monkeypatch)
    assert kind == "read" and data.lines.total > 0
    # <conditions> under a branch line, branch="false", the <lines> of each <method>:
    # every line is in the grammar, so none goes through the events.
    assert sum(taken) == (PRODUCERS / name).read_text().count("<line ")


# <line>s as real producers write them, each of which once sent its run to the events.
REAL_SHAPES = {
    # coverage.py 7: exit arcs named "exit" in missing-branches.
    "coverage.py 7": '<line number="7" hits="1" branch="true" condition-coverage="50% (1/2)"'
                     ' missing-branches="exit"/><line number="9" hits="1" branch="true"'
                     ' condition-coverage="0% (0/2)" missing-branches="12,exit"/>',
    # coverage.py before 7: exit arcs as negative line numbers.
    "coverage.py 5": '<line number="7" hits="1" branch="true" condition-coverage="50% (1/2)"'
                     ' missing-branches="-6"/>',
    # cover2cover (JaCoCo to Cobertura) writes with ElementTree: a space before "/>".
    "cover2cover": '<line number="7" hits="1" branch="false" /><line number="8" hits="0"'
                   ' branch="true" condition-coverage="0% (0/2)"><conditions><condition'
                   ' number="0" type="jump" coverage="0%" /></conditions></line>',
}


@pytest.mark.parametrize("shape", sorted(REAL_SHAPES))
def test_real_producers_lines_are_all_taken_in_bulk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int], shape: str) -> None:
    lines = PLAIN + REAL_SHAPES[shape] + '<line number="300" hits="1"/>'
    kind, data, _ = _both(_write(tmp_path, _report(lines)), monkeypatch)
    assert kind == "read"
    assert data.lines.total == len(set(re.findall(r'<line number="(\d+)"', lines)))
    assert sum(taken) == lines.count("<line ")


def test_method_lines_are_taken_in_bulk_and_dropped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int]) -> None:
    methods = ('<methods><method name="&lt;init&gt;" signature="()V"><lines>'
               '<line number="900" hits="1"/><line number="901" hits="0"/></lines></method>'
               "</methods>")
    kind, data, _ = _both(_write(tmp_path, _report(PLAIN, methods=methods)), monkeypatch)
    assert kind == "read" and data.lines.total == 199  # the method's lines count for nothing
    assert sorted(taken) == [2, 199]


@pytest.mark.parametrize("bad, problem", [
    ('<line number="99999999999" hits="1"/>', "is out of range"),
    ('<line number="1" hits="1" branch="true" condition-coverage="150% (3/2)"/>',
     "bad condition-coverage"),
])
def test_method_lines_are_checked_like_any_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str, problem: str) -> None:
    methods = f'<methods><method name="m"><lines>{PLAIN}{bad}</lines></method></methods>'
    kind, message = _both(_write(tmp_path, _report(PLAIN, methods=methods)), monkeypatch)
    assert kind == "error" and problem in message


def test_a_line_listed_twice_in_a_class_is_covered_if_either_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int]) -> None:
    # Two <lines> in one class: the second run must not undo what the first one read.
    lines = '<line number="5" hits="1"/><line number="6" hits="0"/></lines><lines>' \
            '<line number="5" hits="0"/><line number="6" hits="0"/>'
    kind, data, _ = _both(_write(tmp_path, _report(lines)), monkeypatch)
    assert kind == "read" and (data.lines.covered, data.lines.total) == (1, 2)
    assert sorted(taken) == [2, 2]


def test_a_line_number_above_the_limit_is_refused_whatever_came_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first line grows the buffer to its largest size: the second must still be refused.
    lines = '<line number="9000000" hits="1"/><line number="10000001" hits="1"/>'
    kind, message = _both(_write(tmp_path, _report(lines)), monkeypatch)
    assert kind == "error" and "line number 10000001 is out of range" in message


def test_buffers_count_the_same_bytes_both_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[int]) -> None:
    # Lines in rising order grow the buffer many times through the events and once in
    # bulk: the memory limit must see the same size either way, and stop at the same line.
    monkeypatch.setattr(cobertura, "SLACK", 0)
    rising = "\n".join(f'<line number="{n * 200}" hits="1"/>' for n in range(1, 60))
    kind, message = _both(_write(tmp_path, _report(PLAIN, rising, rising)), monkeypatch)
    assert kind == "error" and "out of all proportion" in message


def test_a_huge_attribute_inside_a_run_is_still_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlsafe, "MAX_TOKEN", 1 << 20)
    huge = '<line number="500" hits="1" note="' + "x" * (3 << 20) + '"/>'
    kind, message = _both(_write(tmp_path, _report(PLAIN + huge)), monkeypatch)
    assert kind == "error" and "an XML token longer than 1 MiB" in message


@pytest.mark.parametrize("total", [300, 1 << 40])
def test_branch_counts_widen_either_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, total: int) -> None:
    big = (f'<line number="500" hits="1" branch="true" '
           f'condition-coverage="50% ({total // 2}/{total})"/>')
    kind, data, _ = _both(_write(tmp_path, _report(PLAIN + big)), monkeypatch)
    assert kind == "read" and (data.branches.covered, data.branches.total) == (total // 2, total)


@pytest.mark.parametrize("lines, refused", [
    # Line 5000 needs a buffer of 8192 bytes: more than the 6 kB read so far.
    ('<line number="5000" hits="1"/>', True),
    # Lines 4000 then 4095 need 4096 bytes, however the buffer grew on the way.
    ('<line number="4000" hits="1"/><line number="4095" hits="1"/>', False),
])
def test_the_limit_counts_the_buffer_the_largest_line_needs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: str, refused: bool) -> None:
    monkeypatch.setattr(cobertura, "SLACK", 0)
    outcome = _both(_write(tmp_path, _report(PLAIN, lines)), monkeypatch)
    assert (outcome[0] == "error") == refused, outcome
