"""Hostile and malformed LCOV, coverage.py JSON, JaCoCo and Clover reports through the real
CLI: each is exit 2 with one line on stderr naming the file (and the line where known),
in bounded time, never a traceback and never a pass.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coverage"
HUGE = "9" * 5000
LAUGHS = ('<!DOCTYPE {root} [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
EXTERNAL = '<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
JACOCO_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE report PUBLIC'
               ' "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="r">'
               '<package name="org/x"><sourcefile name="A.java">')
JACOCO_LINE = '<line nr="{nr}" mi="0" ci="{ci}" mb="0" cb="0"/>'
JACOCO_TAIL = "</sourcefile></package></report>"
CLOVER_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><coverage clover="4.5.2">'
               '<project name="p"><file name="A.java" path="/src/A.java">')
CLOVER_TAIL = "</file></project></coverage>"
JSON_HEAD = '{"meta": {"format": 3, "branch_coverage": true}, "files": {"a.py": '


def _junk() -> bytes:
    return bytes(random.Random(15).randrange(256) for _ in range(4096))


CASES = {
    # LCOV
    "lcov-huge-count": (f"SF:a.py\nDA:1,{HUGE}\nend_of_record\n", "line 2: an execution count is 5,000 characters long"),
    "lcov-huge-line": ("SF:a.py\nDA:123456789,1\nend_of_record\n", "line 2: bad line number"),
    "lcov-line-out-of-range": ("SF:a.py\nDA:99999999,1\nend_of_record\n",
                               "line 2: line number 99999999 is out of range"),
    "lcov-negative": ("SF:a.py\nDA:1,-3\nend_of_record\n", "negative execution count -3"),
    "lcov-truncated": ("TN:\nSF:a.py\nDA:1,1\nDA:2,1\n", "the section of 'a.py' (line 2) has"
                       " no end_of_record: the report is truncated"),
    "lcov-cut-in-a-line": ("TN:\nSF:a.py\nDA:1,1\nDA:2,", "line 4: bad execution count ''"),
    "lcov-outside": ("TN:\nDA:1,1\n", "line 2: DA outside a file's section"),
    "lcov-junk-line": ("SF:a.py\nDA:1,1\n<html>\nend_of_record\n", "line 3: not an LCOV record"),
    "lcov-not-utf8": (b"SF:a.py\nDA:1,1\n\xff\xfe\nend_of_record\n",
                      "line 3: a line that is not UTF-8"),
    "lcov-brda": ("SF:a.py\nBRDA:1,0\nend_of_record\n", "line 2: BRDA needs"),
    # coverage.py JSON
    "json-huge-line": (JSON_HEAD + f'{{"executed_lines": [1, {HUGE}]}}}}}}',
                       "executed_lines of 'a.py' is not an array of line numbers"),
    "json-truncated": (JSON_HEAD + '{"executed_lines": [1, 2, 3', "not an array of line"),
    "json-wrong-type": (JSON_HEAD + '{"executed_lines": "all"}}}', "expected an array for"),
    "json-no-meta": ('{"files": {}}', "no \"meta\" object"),
    "json-trailing": (JSON_HEAD + "{}}} {}", "more after the end of the report"),
    "json-unclosed-string": (JSON_HEAD + '{"summary": "' + "x" * 3_000_000,
                             "longer than 1 MiB or not closed"),
    "json-deep": (JSON_HEAD + '{"contexts": ' + "[" * 1_000_000, "ends inside a value"),
    "json-junk-in-skipped": (JSON_HEAD + '{"summary": {"a": @}}}}', "unexpected byte b'@'"),
    # JaCoCo
    "jacoco-laughs": (LAUGHS.format(root="report") + '<report name="&c;"/>',
                      "unsafe XML rejected"),
    "jacoco-external": (EXTERNAL.format(root="report") + '<report name="&x;"/>',
                        "unsafe XML rejected"),
    "jacoco-undefined-entity": (JACOCO_HEAD + "&secret;" + JACOCO_TAIL,
                                "line 1: undefined entity &secret;"),
    "jacoco-huge": (JACOCO_HEAD + JACOCO_LINE.format(nr=1, ci=HUGE) + JACOCO_TAIL,
                    "line 1: a ci is 5,000 characters long"),
    "jacoco-truncated": (JACOCO_HEAD + JACOCO_LINE.format(nr=1, ci=1)[:20],
                         "not well-formed XML"),
    "jacoco-line-out-of-range": (JACOCO_HEAD + JACOCO_LINE.format(nr=99999999, ci=1)
                                 + JACOCO_TAIL, "line number 99999999 is out of range"),
    # Clover
    "clover-laughs": (LAUGHS.format(root="coverage") + '<coverage clover="&c;"/>',
                      "unsafe XML rejected"),
    "clover-external": (EXTERNAL.format(root="coverage") + '<coverage clover="&x;"/>',
                        "unsafe XML rejected"),
    "clover-undefined-entity": ('<?xml version="1.0"?><!DOCTYPE coverage SYSTEM "clover.dtd">'
                                + CLOVER_HEAD.split("?>", 1)[1] + "&x;" + CLOVER_TAIL,
                                "undefined entity &x;"),
    "clover-huge": (CLOVER_HEAD + f'<line num="1" count="{HUGE}" type="stmt"/>' + CLOVER_TAIL,
                    "line 1: a count is 5,000 characters long"),
    "clover-truncated": (CLOVER_HEAD + '<line num="1" cou', "not well-formed XML"),
    "clover-unknown-type": (CLOVER_HEAD + '<line num="1" count="1" type="expr"/>' + CLOVER_TAIL,
                            "<line> of unknown type 'expr'"),
    # Any format
    "wrong-root": ("<html><body/></html>", "XML whose root element is <html>"),
    "binary-junk": (_junk(), "not a coverage format the gate reads"),
    "json-array": ("[1, 2]", "not a coverage format the gate reads"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_one_line(case: str, tmp_path: Path, gate_cli) -> None:
    content, message = CASES[case]
    path = tmp_path / "report"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    run = gate_cli("check", "--coverage-file", "report", "--min-coverage", "0", timeout=60)
    assert run.returncode == 2, run
    assert run.stderr.startswith("gate: error: ") and run.stderr.count("\n") == 1, run
    assert str(path) in run.stderr or "report:" in run.stderr, run
    assert message in run.stderr, run
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(("head", "message"), [
    ("TN:\nSF:a.py\n", "a record longer than 1 MiB"),
    (JSON_HEAD, "expected an object for the entry of 'a.py'"),
    (JACOCO_HEAD, "not well-formed XML"),
    (CLOVER_HEAD, "not well-formed XML"),
])
def test_a_2gb_sparse_file_is_refused_quickly(head: str, message: str, tmp_path: Path,
                                              gate_cli) -> None:
    path = tmp_path / "report"
    path.write_text(head)
    os.truncate(path, 2 << 30)  # a valid start, then 2 GB of zero bytes, on no disk
    run = gate_cli("check", "--coverage-file", "report", "--min-coverage", "0", timeout=30)
    assert run.returncode == 2, run
    assert message in run.stderr and run.stderr.count("\n") == 1, run


def test_a_fifo_is_refused_without_blocking(tmp_path: Path, gate_cli) -> None:
    # Refused before its format is looked at: the same for every format.
    os.mkfifo(tmp_path / "lcov.info")
    run = gate_cli("check", "--coverage-file", "lcov.info", "--min-coverage", "0", timeout=30)
    assert run.returncode == 2, run
    assert "coverage report is not a regular file" in run.stderr, run


def test_a_directory_is_refused(tmp_path: Path, gate_cli) -> None:
    (tmp_path / "coverage.json").mkdir()
    run = gate_cli("check", "--coverage-file", "coverage.json", "--min-coverage", "0")
    assert run.returncode == 2, run
    assert "coverage report is a directory" in run.stderr, run
