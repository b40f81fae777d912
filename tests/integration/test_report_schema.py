"""Real JSON reports of every family validate against the JSON Schema the package ships.

Each run is the real CLI on real inputs (a git repository with a change for the
diff and ratchet checks, JUnit files, the deploy fixtures, a loopback listener
for connect), passing and failing, so every check the families have writes its
shape at least once. The schema is read from the installed package, as a user
would, and the copy in docs/ is the same file.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from tests.childenv import child_env
from tests.cobertura_xml import cobertura
from tests.conftest import ROOT, run_gate
from tests.integration.gitrepo import build_project

pytestmark = pytest.mark.integration

FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
JUNIT = """<testsuites name="pytest tests"><testsuite name="pytest" time="1.5">
<testcase classname="tests.test_a" name="test_ok" time="0.5" file="tests/test_a.py" line="3"/>
<testcase classname="tests.test_a" name="test_bad" time="0.9" file="tests/test_a.py" line="9">
<failure message="assert 1 == 2">trace</failure></testcase>
<testcase classname="tests.test_a" name="test_skip" time="0"><skipped message="no db"/></testcase>
</testsuite></testsuites>
"""


def _schema() -> dict[str, Any]:
    resource = importlib.resources.files("gate.report").joinpath("schema/report-v1.json")
    loaded: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def listener() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, listener: int) -> dict[str, Any]:
    """name -> the JSON report of one real run."""
    root = build_project(tmp_path_factory.mktemp("schema") / "repo")
    lines = [(n, 1 if n % 3 else 0) for n in range(1, 17)]
    (root / "coverage.xml").write_text(cobertura(
        {"pkg/calc.py": lines, "pkg/fmt.py": [(1, 1), (2, 1, "1/2"), (8, 0)],
         "pkg/shapes.py": [(1, 1), (6, 0), (7, 0)]}, sources=(str(root),)))
    (root / "junit.xml").write_text(JUNIT)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused = closed.getsockname()[1]
    closed.close()
    runs = {
        "coverage": ["--min-coverage", "0.9", "--min-branch-coverage", "0.5",
                     "--min-file-coverage", "0.5", "--diff-against", "main",
                     "--min-diff-coverage", "0.8", "--format", "json", "--output", "base.json"],
        "coverage ratchet": ["--baseline", "base.json", "--max-drop", "0", "--format", "json"],
        "tests": ["--junit-file", "junit.xml", "--max-skipped", "0", "--require-tests", "slow",
                  "--max-test-seconds", "0.8", "--format", "json"],
        "connect": ["--connect", f"tcp://127.0.0.1:{listener}",
                    "--connect", f"tcp://127.0.0.1:{refused}", "--connect-timeout", "2",
                    "--format", "json"],
    }
    found = {}
    for name, args in runs.items():
        run = run_gate(["check", *args], root)
        assert run.returncode in (0, 1), (name, run)
        path = root / "base.json"
        found[name] = json.loads(path.read_text() if "--output" in args else run.stdout)
    for deployment in ("ready", "broken"):
        folder = tmp_path_factory.mktemp(deployment)
        shutil.copytree(FIXTURES / deployment, folder, dirs_exist_ok=True)
        run = run_gate(["check", "--format", "json"], folder)
        assert run.returncode in (0, 1), (deployment, run)
        found[f"deploy {deployment}"] = json.loads(run.stdout)
    return found


def test_every_family_and_check_is_covered(reports: dict[str, Any]) -> None:
    """So that the validation below really sees every shape."""
    ids = {c["id"] for report in reports.values() for c in report["checks"]}
    assert {"coverage.line", "coverage.branch", "coverage.file", "coverage.diff",
            "coverage.ratchet"} <= ids
    assert {"tests.failures", "tests.count", "tests.skipped"} <= ids
    assert {"deploy.env", "deploy.files", "deploy.secrets", "deploy.insecure"} <= ids
    statuses = {c["status"] for report in reports.values() for c in report["checks"]}
    assert statuses >= {"pass", "fail"}
    families = {f for report in reports.values() for f in report["families"]}
    assert families == {"coverage", "tests", "deploy", "connect"}


def test_every_report_validates(reports: dict[str, Any]) -> None:
    validator = Draft202012Validator(_schema())
    for name, report in reports.items():
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator.iter_errors(report)]
        assert problems == [], name
        assert "$schema" not in report  # no URL that nobody serves


def test_the_schema_says_no_to_what_a_report_never_is(reports: dict[str, Any]) -> None:
    """A schema that accepts anything would prove nothing."""
    validator = Draft202012Validator(_schema())
    report = reports["coverage"]
    broken = [
        {**report, "schema_version": 2},
        {**report, "passed": not report["passed"]},
        {**report, "exit_code": 2},
        {**report, "checks": [{**report["checks"][0], "status": "maybe"}]},
        {**report, "checks": [{**report["checks"][0], "data": {"files": [{"name": "a"}]}}]},
        {k: v for k, v in report.items() if k != "summary"},
    ]
    for document in broken:
        assert list(validator.iter_errors(document)), document


def test_the_documented_command_validates_a_report(reports: dict[str, Any],
                                                   tmp_path: Path) -> None:
    """docs/report-schema.md: the schema from the package, check-jsonschema on the report."""
    schema = tmp_path / "report-v1.schema.json"
    schema.write_text(importlib.resources.files("gate.report").joinpath(
        "schema/report-v1.json").read_text(encoding="utf-8"))
    report = tmp_path / "gate.json"
    report.write_text(json.dumps(reports["tests"]))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                           str(report)], capture_output=True, text=True, timeout=120,
                          env=child_env(), check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    report.write_text(json.dumps({**reports["tests"], "verdict": "maybe"}))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                           str(report)], capture_output=True, text=True, timeout=120,
                          env=child_env(), check=False)
    assert done.returncode == 1, done.stdout + done.stderr


def test_docs_carry_the_same_schema() -> None:
    shipped = ROOT / "gate" / "report" / "schema" / "report-v1.json"
    assert (ROOT / "docs" / "report-v1.schema.json").read_bytes() == shipped.read_bytes()
