"""A number thousands of digits long, in any input of any family: one line naming file and line.

Python will not turn more than 4300 digits into an int, and a huge number that
converts can overflow a later step (a time of 1e30 seconds cannot be rounded to
milliseconds). Every reader bounds a number by its length before converting it
(gate.numeric), so each case here ends in the reader's usual error, with the
file and the line of the number, and never in "internal error: ValueError".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from gate import config, numeric
from gate.checks.coverage.baseline import read_baseline
from gate.checks.deploy.files import Document, load
from gate.checks.deploy.issue import Issue
from gate.errors import InputError, UsageError
from gate.checks.tests import settings as tests_settings
from gate.family import Origin, as_int, as_seconds
from gate.readers.coverage import cobertura
from gate.readers.junit import reader as junit
from gate.thresholds import parse_threshold

HUGE = "9" * 5000
LONG = "1" + "0" * numeric.MAX_LENGTH  # one digit more than any number may have


def _cobertura(line: str, root: str = "") -> str:
    return (f'<?xml version="1.0" ?>\n<coverage{root}>\n<packages><package><classes>\n'
            f'<class filename="a.py"><methods/><lines>\n<line number="1" hits="1"/>\n'
            f'{line}\n<line number="9" hits="0"/>\n</lines></class>\n'
            f'</classes></package></packages>\n</coverage>\n')


BULK_LINES = {  # each a <line> the bulk path would take, but for its number
    "line number": f'<line number="{HUGE}" hits="1"/>',
    "hits": f'<line number="2" hits="{HUGE}"/>',
    "covered conditions": f'<line number="2" hits="1" branch="true" '
                          f'condition-coverage="50% ({HUGE}/2)"/>',
    "total conditions": f'<line number="2" hits="1" branch="true" '
                        f'condition-coverage="50% (1/{HUGE})"/>',
    "a hit count one digit too long": f'<line number="2" hits="{LONG}"/>',
}
EVENT_LINES = {  # attribute orders only expat's events read
    "line number, hits first": f'<line hits="1" number="{HUGE}"/>',
    "hits, hits first": f'<line hits="{HUGE}" number="2"/>',
    "conditions, another order": f'<line branch="true" condition-coverage="50% (1/{HUGE})" '
                                 f'number="2" hits="1"/>',
    "conditions, no percent": f'<line number="2" hits="1" branch="true" '
                              f'condition-coverage="({HUGE}/2)"/>',
}


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "events"])
@pytest.mark.parametrize("line", [*BULK_LINES.values(), *EVENT_LINES.values()],
                         ids=[*BULK_LINES, *EVENT_LINES])
def test_cobertura_lines(tmp_path: Path, line: str, bulk: bool,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cobertura, "BULK", bulk)
    path = tmp_path / "coverage.xml"
    path.write_text(_cobertura(line))
    with pytest.raises(InputError) as caught:
        cobertura.read(path)
    message = str(caught.value)
    assert message.startswith(f"not a valid Cobertura report: {path}: line 6: "), message
    assert "characters long (numbers have at most 40)" in message, message


def test_cobertura_a_long_but_sane_hit_count_reads_the_same_both_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(_cobertura(f'<line number="2" hits="{"9" * 40}"/>'))
    for bulk in (True, False):
        monkeypatch.setattr(cobertura, "BULK", bulk)
        data, _ = cobertura.read(path)
        assert (data.lines.covered, data.lines.total) == (2, 3)


@pytest.mark.parametrize("attribute", ["lines-valid", "lines-covered", "branches-valid"])
def test_cobertura_root_counts(tmp_path: Path, attribute: str) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(_cobertura('<line number="2" hits="1"/>', f' {attribute}="{HUGE}"'))
    with pytest.raises(InputError) as caught:
        cobertura.read(path)
    assert str(caught.value).startswith(
        f"not a valid Cobertura report: {path}: line 2: {attribute} is 5,000 characters long")


@pytest.mark.parametrize(("case", "said"), [
    (f'<testcase classname="t" name="a" line="{HUGE}"/>', "line is 5,000 characters long"),
    (f'<testcase classname="t" name="a" time="{HUGE}"/>', "time is 5,000 characters long"),
    ('<testcase classname="t" name="a" time="1e30"/>', "bad time '1e30'"),
    ('<testcase classname="t" name="a" time="1E+28"/>', "bad time '1E+28'"),
], ids=["line", "long time", "huge time", "huge time, capital E"])
def test_junit_testcases(tmp_path: Path, case: str, said: str) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(f'<?xml version="1.0"?>\n<testsuite name="s">\n'
                    f'<testcase classname="t" name="ok"/>\n{case}\n</testsuite>\n')
    with pytest.raises(InputError) as caught:
        junit.read(path)
    assert str(caught.value).startswith(f"not a valid JUnit report: {path}: line 4: {said}")


def test_junit_suite_time(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(f'<?xml version="1.0"?>\n<testsuites>\n<testsuite name="s" time="{HUGE}">\n'
                    f'<testcase classname="t" name="ok"/>\n</testsuite>\n</testsuites>\n')
    with pytest.raises(InputError) as caught:
        junit.read(path)
    assert str(caught.value).startswith(f"not a valid JUnit report: {path}: line 3: time is 5,")


def test_baseline_json(tmp_path: Path) -> None:
    path = tmp_path / "gate.json"
    rows = [{"name": "a.py", "lines": {"covered": 1, "total": 2}}]
    text = json.dumps({"schema_version": 1, "checks": [
        {"id": "coverage.line", "data": {"files": rows}}]}, indent=1)
    path.write_text(text.replace('"total": 2', f'"total": {HUGE}'))
    with pytest.raises(InputError) as caught:
        read_baseline(path)
    assert str(caught.value) == (f"baseline JSON is malformed: {path}: line 12: an integer "
                                 "is 5,000 characters long (numbers have at most 40)")


@pytest.mark.parametrize(("name", "text", "line"), [
    ("app.json", f'{{\n  "name": "app",\n  "port": {HUGE}\n}}\n', 3),
    ("app.toml", f'name = "app"\nport = {HUGE}\n', 2),
    ("app.yaml", f'name: app\nport: {HUGE}\n', 2),
    ("app.json", f'{{"port": {LONG}}}\n', 1),
    ("app.yaml", f'port: {LONG}\n', 1),
], ids=["json", "toml", "yaml", "json one digit too long", "yaml one digit too long"])
def test_deploy_config_files(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text)
    found = load(path, name.rsplit(".", 1)[1], name)
    assert isinstance(found, Issue), found
    assert (found.rule, found.place.line) == ("file-invalid", line)
    assert "characters long" in found.problem or "digits long" in found.problem, found.problem


def test_deploy_numbers_within_the_bound_still_read(tmp_path: Path) -> None:
    for name, text in (("a.json", '{"id": 340282366920938463463374607431768211456}'),
                       ("a.toml", "id = 9223372036854775807\n"),
                       ("a.yaml", "id: 340282366920938463463374607431768211456\n")):
        (tmp_path / name).write_text(text)
        found = load(tmp_path / name, name[2:], name)
        assert isinstance(found, Document), found


def test_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "gate.toml"
    path.write_text(f'[tests]\nfiles = ["junit.xml"]\nmin-tests = {HUGE}\n')
    with pytest.raises(InputError) as caught:
        config.load(path)
    assert str(caught.value) == (f"settings file is not valid TOML: {path}: line 3: an integer "
                                 "5,000 digits long (Python converts at most 4300)")


@pytest.mark.parametrize("convert", [as_int, as_seconds, parse_threshold, tests_settings._seconds],
                         ids=["as_int", "as_seconds", "parse_threshold", "tests seconds"])
def test_settings_values(convert: Callable[[Any, Any], Any]) -> None:
    where: Any = "--min-tests" if convert is parse_threshold else Origin("--min-tests", Path("."))
    with pytest.raises(UsageError) as caught:
        convert(HUGE, where)
    assert str(caught.value).startswith("--min-tests: a number is 5,000 characters long "
                                        "(numbers have at most 40)")


@pytest.mark.parametrize("raw", ["1e300", 1e300, "1e30", "1000000001"])
@pytest.mark.parametrize("convert", [as_seconds, tests_settings._seconds],
                         ids=["as_seconds", "tests seconds"])
def test_seconds_are_bounded_in_value_too(convert: Callable[[Any, Any], Any], raw: Any) -> None:
    """A time the JUnit checks would round to milliseconds, or a socket would be given."""
    with pytest.raises(UsageError, match="must be at most 1,000,000,000 seconds"):
        convert(raw, Origin("--max-test-seconds", Path(".")))
    assert convert("999999999.5", Origin("--max-test-seconds", Path("."))) == 999999999.5


@pytest.mark.parametrize("raw", ["1e-99999999", "1e99999999%", "0.5e-41"])
def test_threshold_exponents_are_bounded(raw: str) -> None:
    """Short to write, but an exact Fraction of 1e-99999999 is a hundred-million-digit number."""
    with pytest.raises(UsageError, match="has an exponent out of range"):
        parse_threshold(raw, "--min-coverage")
    assert parse_threshold("5e-40", "--min-coverage") > 0  # exponent -40: within the bound
