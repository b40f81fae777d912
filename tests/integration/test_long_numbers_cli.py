"""Numbers thousands of digits long, or with huge exponents, through the real CLI: one line.

Each case puts such a number in one input of one family (a report, a baseline, a
config file, a settings file, a flag) and runs `python -m gate`: exit 2 (or, for
a deploy config file, the check's own failure), one line naming the input and
the line, never "internal error", and never a hang (a timeout fails the test).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cobertura_xml import cobertura
from tests.conftest import run_gate

pytestmark = pytest.mark.integration

HUGE = "9" * 5000
REPORT = cobertura({"pkg/a.py": [(1, 1), (2, 0)]})
JUNIT = '<testsuite name="s">\n<testcase classname="t" name="a" time="{time}" line="{line}"/>\n' \
        '</testsuite>\n'
GOOD_JUNIT = JUNIT.format(time="1", line="1")
BASELINE = {"schema_version": 1, "checks": [{"id": "coverage.line", "data": {"files": [
    {"name": "pkg/a.py", "lines": {"covered": 1, "total": 2}}]}}]}

CASES = {
    "cobertura line number": ({"coverage.xml": REPORT.replace('number="2"', f'number="{HUGE}"')},
                              ["--min-coverage", "0.5"], "coverage.xml: line "),
    "cobertura hits": ({"coverage.xml": REPORT.replace('hits="0"', f'hits="{HUGE}"')},
                       ["--min-coverage", "0.5"], "coverage.xml: line "),
    "cobertura root count": ({"coverage.xml": REPORT.replace('lines-valid="2"',
                                                             f'lines-valid="{HUGE}"')},
                             ["--min-coverage", "0.5"], "coverage.xml: line 2: lines-valid"),
    "junit line": ({"junit.xml": JUNIT.format(time="1", line=HUGE)},
                   ["--junit-file", "junit.xml"], "junit.xml: line 2: line is 5,000"),
    "junit time": ({"junit.xml": JUNIT.format(time=HUGE, line="1")},
                   ["--junit-file", "junit.xml"], "junit.xml: line 2: time is 5,000"),
    "junit time 1e30": ({"junit.xml": JUNIT.format(time="1e30", line="1")},
                        ["--junit-file", "junit.xml"], "junit.xml: line 2: bad time '1e30'"),
    "baseline": ({"coverage.xml": REPORT,
                  "base.json": json.dumps(BASELINE).replace('"total": 2', f'"total": {HUGE}')},
                 ["--baseline", "base.json"], "base.json: line 1: an integer is 5,000"),
    "settings file": ({"gate.toml": f"[coverage]\nmin = 0.5\n\n[tests]\nmin-tests = {HUGE}\n"},
                      [], "gate.toml: line 5: an integer 5,000 digits long"),
    "flag": ({"junit.xml": GOOD_JUNIT}, ["--junit-file", "junit.xml", "--min-tests", HUGE],
             "--min-tests: a number is 5,000 characters long"),
    "threshold exponent": ({"coverage.xml": REPORT}, ["--min-coverage", "1e-999999999"],
                           "--min-coverage: '1e-999999999' has an exponent out of range"),
    "seconds": ({"junit.xml": GOOD_JUNIT}, ["--junit-file", "junit.xml", "--max-test-seconds", "1e300"],
                "--max-test-seconds: must be at most 1,000,000,000 seconds"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_one_line_naming_the_input(tmp_path: Path, case: str) -> None:
    files, args, said = CASES[case]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    run = run_gate(["check", *args], tmp_path, timeout=60)
    assert run.returncode == 2, run
    assert run.stdout == "" and run.stderr.count("\n") == 1, run
    assert run.stderr.startswith("gate: error: ") and said in run.stderr, run
    assert "internal error" not in run.stderr and "4300" not in run.stderr.split("(")[0], run


@pytest.mark.parametrize("name, text", [
    ("app.json", f'{{\n  "port": {HUGE}\n}}\n'),
    ("app.toml", f'name = "app"\nport = {HUGE}\n'),
    ("app.yaml", f'name: app\nport: {HUGE}\n'),
])
def test_a_deploy_config_file_fails_its_check_naming_the_line(tmp_path: Path, name: str,
                                                              text: str) -> None:
    (tmp_path / name).write_text(text)
    (tmp_path / "gate.toml").write_text(f'[[deploy.files]]\npath = "{name}"\n')
    run = run_gate(["check", "--only", "deploy"], tmp_path)
    assert run.returncode == 1, run
    assert f"- {name}:2: not valid" in run.stdout and "[file-invalid]" in run.stdout, run
    assert "internal error" not in run.stdout + run.stderr
