"""The JUnit reader on files of every shape: pytest's, Surefire's, nested, hostile, broken."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.errors import InputError, UnsafeInputError
from gate.readers import xmlsafe
from gate.readers.junit.model import Outcome
from gate.readers.junit.reader import read

PYTEST = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="2"
 tests="6" time="1.250" timestamp="2026-01-01T00:00:00" hostname="ci">
<testcase classname="tests.test_a" name="test_pass" time="0.010"/>
<testcase classname="tests.test_a" name="test_fail" time="0.020"><failure
 message="AssertionError: one is not two&#10;  second line">def test_fail(): ...</failure></testcase>
<testcase classname="tests.test_a" name="test_error" time="0.001"><error
 message="failed on setup with &quot;RuntimeError: broke&quot;">trace</error></testcase>
<testcase classname="tests.test_a" name="test_skip" time="0.000"><skipped type="pytest.skip"
 message="no database">tests/test_a.py:9: no database</skipped></testcase>
<testcase classname="tests.test_a" name="test_xfail" time="0.003"><skipped type="pytest.xfail"
 message="known bug"/></testcase>
<testcase classname="tests.test_a.TestK" name="test_p[a b]" time="0.400">
 <properties><property name="marker" value="slow"/><property name="markers" value="db, net"/>
 <property name="other" value="ignored"/></properties>
 <system-out>lots of output</system-out></testcase>
</testsuite></testsuites>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "junit.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def outcomes(found) -> dict[str, Outcome]:  # type: ignore[no-untyped-def]
    return {c.id: c.outcome for c in found.each()}


def test_reads_what_pytest_writes(tmp_path: Path) -> None:
    found = read(write(tmp_path, PYTEST))
    assert outcomes(found) == {
        "tests.test_a::test_pass": Outcome.PASSED,
        "tests.test_a::test_fail": Outcome.FAILED,
        "tests.test_a::test_error": Outcome.ERROR,
        "tests.test_a::test_skip": Outcome.SKIPPED,
        "tests.test_a::test_xfail": Outcome.XFAILED,
        "tests.test_a.TestK::test_p[a b]": Outcome.PASSED,
    }
    cases = {c.id: c for c in found.each()}
    assert cases["tests.test_a::test_fail"].message == "AssertionError: one is not two"
    assert cases["tests.test_a::test_error"].message == 'failed on setup with "RuntimeError: broke"'
    assert cases["tests.test_a::test_skip"].message == "no database"
    assert cases["tests.test_a.TestK::test_p[a b]"].markers == {"slow", "db", "net"}
    assert cases["tests.test_a.TestK::test_p[a b]"].time == Decimal("0.400")
    assert found.records == 6
    (suite,) = found.suites
    assert (suite.name, suite.time, suite.records) == ("pytest", Decimal("1.250"), 6)
    assert [test_id for test_id, _ in suite.slowest] == [
        "tests.test_a.TestK::test_p[a b]", "tests.test_a::test_fail", "tests.test_a::test_pass"]


def test_pytest_lines_are_zero_based_others_are_not(tmp_path: Path) -> None:
    case = '<testsuite><testcase classname="m" name="t" file="m.py" line="6"/></testsuite>'
    pytest_made = read(write(tmp_path, f'<testsuites name="pytest tests">{case}</testsuites>'))
    other = read(write(tmp_path, f"<testsuites>{case}</testsuites>", "other.xml"))
    assert [c.line for c in pytest_made.each()] == [7]
    assert [c.line for c in other.each()] == [6]


def test_ids_fall_back_to_file_then_name(tmp_path: Path) -> None:
    found = read(write(tmp_path, """<testsuite name="s">
        <testcase name="t1" file="tests/test_x.py" line="7"/>
        <testcase classname="" name="tests.test_broken"><error message="collection failure"/>
        </testcase></testsuite>"""))
    cases = {c.id: c for c in found.each()}
    assert set(cases) == {"tests/test_x.py::t1", "tests.test_broken"}
    assert (cases["tests/test_x.py::t1"].file, cases["tests/test_x.py::t1"].line) == (
        "tests/test_x.py", 7)
    assert cases["tests.test_broken"].outcome is Outcome.ERROR


def test_message_from_text_when_the_attribute_is_missing(tmp_path: Path) -> None:
    trace = "\n\n   java.lang.AssertionError: expected 1\n" + "\tat Foo.bar(Foo.java:1)\n" * 50_000
    found = read(write(tmp_path, f"""<testsuite><testcase classname="Foo" name="bar">
        <failure type="java.lang.AssertionError">{trace}</failure></testcase></testsuite>"""))
    (only,) = found.each()
    assert only.outcome is Outcome.FAILED and only.message == "java.lang.AssertionError: expected 1"


def test_the_worst_result_child_wins(tmp_path: Path) -> None:
    found = read(write(tmp_path, """<testsuite><testcase classname="c" name="t">
        <skipped message="later"/><error message="it broke"/><failure message="f"/>
        </testcase></testsuite>"""))
    (only,) = found.each()
    assert (only.outcome, only.message) == (Outcome.ERROR, "it broke")


def test_rerunfailures_attempts_in_one_file(tmp_path: Path) -> None:
    found = read(write(tmp_path, """<testsuites><testsuite name="pytest" time="3">
        <testcase classname="m" name="flaky" time="0.5"/>
        <testcase classname="m" name="flaky" time="0.7"/>
        <testcase classname="m" name="broken" time="0.1"/>
        <testcase classname="m" name="broken" time="0.1"><failure message="nope"/></testcase>
        </testsuite></testsuites>"""))
    cases = {c.id: c for c in found.each()}
    assert cases["m::flaky"].flaky and cases["m::flaky"].time == Decimal("0.7")
    assert cases["m::broken"].outcome is Outcome.FAILED and not cases["m::broken"].flaky
    # A suite names each test once among its slowest, at its slowest attempt.
    assert found.suites[0].slowest == (("m::flaky", Decimal("0.7")),
                                       ("m::broken", Decimal("0.1")))


def test_surefire_flaky_and_rerun_elements(tmp_path: Path) -> None:
    found = read(write(tmp_path, """<testsuite name="com.example.AppTest" time="2.5">
        <testcase name="passesOnRetry" classname="com.example.AppTest" time="0.2">
          <flakyFailure message="timed out" type="java.lang.AssertionError">
            <stackTrace>at ...</stackTrace><system-out>x</system-out></flakyFailure>
        </testcase>
        <testcase name="alwaysFails" classname="com.example.AppTest" time="0.3">
          <failure message="expected true" type="java.lang.AssertionError">at ...</failure>
          <rerunFailure message="expected true"/><rerunFailure message="expected true"/>
        </testcase></testsuite>"""))
    cases = {c.id.split("::")[1]: c for c in found.each()}
    retry = cases["passesOnRetry"]
    assert retry.flaky and retry.message == "timed out" and retry.attempts == 2
    fails = cases["alwaysFails"]
    assert fails.outcome is Outcome.FAILED and (fails.attempts, fails.failed_attempts) == (3, 3)


def test_nested_suites_report_the_outermost(tmp_path: Path) -> None:
    found = read(write(tmp_path, """<testsuites>
        <testsuite name="outer"><testsuite name="inner" time="9">
          <testcase classname="a" name="x" time="1.5"/></testsuite>
          <testcase classname="a" name="y" time="2"/></testsuite>
        <testsuite name="timed" time="4.25"><testcase classname="b" name="z" time="1"/></testsuite>
        <testcase classname="loose" name="w"/>
        </testsuites>"""))
    assert [(s.name, s.time, s.records) for s in found.suites] == [
        ("outer", Decimal("3.5"), 2), ("timed", Decimal("4.25"), 1)]
    assert found.suites[0].slowest == (("a::y", Decimal(2)), ("a::x", Decimal("1.5")))
    # Identity is the innermost suite's name.
    assert {c.key for c in found.each()} == {
        ("inner", "a::x"), ("outer", "a::y"), ("timed", "b::z"), ("", "loose::w")}


@pytest.mark.parametrize("written, seconds", [
    ("", "0"), ("12", "12"), ("0.001", "0.001"), ("1,234.5", "1234.5"), (" 2.5 ", "2.5"),
    ("1e2", "100"),
])
def test_time_attributes(tmp_path: Path, written: str, seconds: str) -> None:
    found = read(write(tmp_path, f'<testsuite><testcase name="t" time="{written}"/></testsuite>'))
    (only,) = found.each()
    assert only.time == Decimal(seconds)


@pytest.mark.parametrize("written", ["abc", "-1", "NaN", "Infinity", "1,5"])
def test_bad_times_are_one_line_errors(tmp_path: Path, written: str) -> None:
    path = write(tmp_path, f'<testsuite>\n<testcase name="t" time="{written}"/></testsuite>')
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == (
        f"not a valid JUnit report: {path}: line 2: bad time {written!r}")


def test_a_bad_suite_time_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, '<testsuite time="soon"><testcase name="t"/></testsuite>')
    with pytest.raises(InputError, match="bad time 'soon'"):
        read(path)


def test_a_testcase_without_a_name(tmp_path: Path) -> None:
    path = write(tmp_path, '<testsuite><testcase time="1"/></testsuite>')
    with pytest.raises(InputError, match=r"line 1: <testcase> without a name"):
        read(path)


def test_an_empty_suite_reads_as_no_tests(tmp_path: Path) -> None:
    found = read(write(tmp_path, '<testsuite name="pytest" tests="0" time="0.01"/>'))
    assert found.records == 0 and found.cases == {} and found.suites[0].records == 0


def test_an_external_dtd_is_accepted_and_never_fetched(tmp_path: Path) -> None:
    found = read(write(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE testsuite SYSTEM '
                                 '"http://127.0.0.1:9/junit.dtd"><testsuite><testcase name="t"/>'
                                 '</testsuite>'))
    assert len(found.cases) == 1


HOSTILE = {
    "billion laughs": ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                       '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                       ']><testsuites>&lol2;</testsuites>', "entity declaration 'lol'"),
    "external entity": ('<!DOCTYPE testsuites [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        '<testsuites><testsuite name="&x;"/></testsuites>',
                        "entity declaration 'x'"),
    "parameter entity": ('<!DOCTYPE testsuites [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">'
                         '%p;]><testsuites/>', "entity declaration 'p'"),
    "unparsed entity": ('<!DOCTYPE testsuites [<!NOTATION n SYSTEM "x">'
                        '<!ENTITY u SYSTEM "y" NDATA n>]><testsuites/>', "entity declaration 'u'"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_rejected(tmp_path: Path, name: str) -> None:
    text, reason = HOSTILE[name]
    path = write(tmp_path, text)
    with pytest.raises(UnsafeInputError) as caught:
        read(path)
    assert str(caught.value) == f"unsafe XML rejected: {path}: {reason} is forbidden"


MALFORMED = {
    "truncated": (PYTEST[:300], "is not well-formed XML: {path}: line 5: "),
    "binary": (bytes(range(256)) * 4, "is not well-formed XML: {path}: line 1: "),
    "whitespace": ("  \n\n", "is not well-formed XML: {path}: line 3: no element found"),
    "html": ("<!DOCTYPE html><html><body><p>Error<br></body></html>", "found <html>"),
    "html body": ("<!DOCTYPE testsuite><testsuite><p>Error<br></testsuite>",
                  "is not well-formed XML: {path}: line 1: mismatched tag"),
    "xhtml": ("<html><body/></html>", "not a valid JUnit report: {path}: line 1: expected a "
              "<testsuites> or <testsuite> root element, found <html>"),
    "cobertura": ('<coverage line-rate="1"/>', "found <coverage>"),
    "undefined entity": ("<testsuite>&nbsp;</testsuite>", "undefined entity"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_one_line_errors(tmp_path: Path, name: str) -> None:
    text, expected = MALFORMED[name]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert not isinstance(caught.value, UnsafeInputError)
    assert expected.format(path=path) in message and "\n" not in message


def test_missing_empty_directory_and_fifo(tmp_path: Path) -> None:
    cases = {
        tmp_path / "missing.xml": "JUnit report not found: {path} (hint: produce it with pytest",
        write(tmp_path, b"", "empty.xml"): "JUnit report is empty: {path} (hint:",
        tmp_path: "JUnit report is a directory: {path} (hint: pass the XML file",
    }
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    cases[fifo] = "JUnit report is not a regular file (a FIFO): {path}"
    for path, expected in cases.items():
        with pytest.raises(InputError) as caught:
            read(path)
        assert str(caught.value).startswith(expected.format(path=path)), caught.value


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, PYTEST)
    path.chmod(0)
    with pytest.raises(InputError, match=r"cannot read JUnit report .*: Permission denied"):
        read(path)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=12)
testcases = st.lists(st.tuples(names, names, st.sampled_from(["", "failure", "error", "skipped"]),
                               st.integers(0, 10_000), names), max_size=25)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(testcases, st.sampled_from([1, 7, 64]))
def test_any_document_reads_the_same_in_any_chunk_size(tmp_path: Path, monkeypatch, cases,
                                                       chunk: int) -> None:
    """Attribute values with any characters, results of every kind, split anywhere."""
    body = []
    for classname, name, child, millis, message in cases:
        inner = f"<{child} message={quoteattr(message)}>t</{child}>" if child else ""
        body.append(f"<testcase classname={quoteattr(classname)} name={quoteattr(name)} "
                    f'time="{millis / 1000}">{inner}</testcase>')
    path = write(tmp_path, '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite '
                           f'name="s">{"".join(body)}</testsuite></testsuites>')
    whole = read(path)
    monkeypatch.setattr(xmlsafe, "CHUNK", chunk)
    split = read(path)
    assert split == whole
    assert whole.records == len(cases)
    kinds = {"": Outcome.PASSED, "failure": Outcome.FAILED, "error": Outcome.ERROR,
             "skipped": Outcome.SKIPPED}
    last = {}
    for classname, name, child, _, _ in cases:
        last[f"{classname}::{name}"] = kinds[child]
    assert outcomes(whole) == last
