"""The suite never writes into the CI job that runs it, nor reads its colours.

`tests.childenv.child_env` is the one place a test builds a subprocess's environment;
these tests prove what it removes, and that every test starting a process goes through it.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.childenv import child_env, from_the_job

TESTS = Path(__file__).resolve().parent.parent

#: A GitHub Actions job's environment, as the runner sets it, with the workflow's colours.
JOB = {
    "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": "/job/out", "GITHUB_STEP_SUMMARY": "/job/sum",
    "GITHUB_ENV": "/job/env", "GITHUB_PATH": "/job/path", "GITHUB_TOKEN": "ghs_x",
    "GITHUB_EVENT_NAME": "pull_request", "RUNNER_TEMP": "/job/tmp", "RUNNER_OS": "Linux",
    "ACTIONS_RUNTIME_TOKEN": "t", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x", "CI": "true",
    "GH_TOKEN": "t", "FORCE_COLOR": "1", "NO_COLOR": "1", "CLICOLOR_FORCE": "1",
    "PY_COLORS": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor", "COLUMNS": "40",
}
#: What the tests' own run hands its children: kept unless the child runs a project itself.
NESTED = {"COVERAGE_PROCESS_START": "/r/pyproject.toml", "COV_CORE_SOURCE": "gate",
          "PYTEST_XDIST_WORKER": "gw0", "PYTEST_ADDOPTS": "--color=yes", "NOXSESSION": "unit"}
PLAIN = {"PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8", "PYTHONPATH": "/src",
         "DATABASE_URL": "postgresql://127.0.0.1/test", "GATE_REQUIRE_SERVICES": "1",
         # Near misses: not the job's, so kept.
         "MY_GITHUB_OUTPUT": "x", "TERMINFO": "/usr/share/terminfo", "CIRCLE": "1"}
ALL = {**JOB, **NESTED, **PLAIN}


def test_the_job_and_its_colours_are_removed() -> None:
    assert child_env(base=ALL) == {**NESTED, **PLAIN}


def test_a_nested_run_loses_this_runs_coverage_pytest_and_nox_settings() -> None:
    assert child_env(nested=True, base=ALL) == PLAIN


def test_what_a_test_asks_for_wins() -> None:
    env = child_env(base=ALL, GITHUB_ACTIONS="true", GITHUB_OUTPUT="/tmp/t/out", TERM="dumb",
                    PATH="/bin")
    assert env["GITHUB_ACTIONS"] == "true" and env["GITHUB_OUTPUT"] == "/tmp/t/out"
    assert env["TERM"] == "dumb" and env["PATH"] == "/bin"
    assert "GITHUB_STEP_SUMMARY" not in env and "FORCE_COLOR" not in env


def test_it_reads_this_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", "/job/out")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("GATE_PROBE", "kept")
    env = child_env()
    assert env["GATE_PROBE"] == "kept" and env["PATH"] == os.environ["PATH"]
    assert "GITHUB_OUTPUT" not in env and "FORCE_COLOR" not in env


def test_each_job_variable_is_recognised() -> None:
    assert [k for k in JOB if not from_the_job(k)] == []
    assert [k for k in {**NESTED, **PLAIN} if from_the_job(k)] == []


def test_in_process_tests_see_no_job() -> None:
    """conftest's autouse fixture: a job's variables are gone while a test runs in-process."""
    leaked = [k for k in os.environ if from_the_job(k)]
    assert leaked == []


def test_a_child_of_a_job_writes_nothing_into_it(tmp_path: Path) -> None:
    """The CLI, started as the tests start it inside a job, leaves the job's files alone."""
    out, summary = tmp_path / "job-out", tmp_path / "job-summary"
    out.touch()
    summary.touch()
    (tmp_path / "coverage.xml").write_text(
        '<?xml version="1.0" ?><coverage version="7" line-rate="1" branch-rate="0" '
        'lines-covered="1" lines-valid="1" branches-covered="0" branches-valid="0" '
        'complexity="0" timestamp="1"><packages><package name="p" line-rate="1" '
        'branch-rate="0" complexity="0"><classes><class name="a.py" filename="a.py" '
        'line-rate="1" branch-rate="0" complexity="0"><methods/><lines>'
        '<line number="1" hits="1"/></lines></class></classes></package></packages>'
        '</coverage>\n')
    job = {**child_env(), "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(out),
           "GITHUB_STEP_SUMMARY": str(summary), "FORCE_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "gate", "check", "--min-coverage", "0.5"],
                          cwd=tmp_path, env=child_env(base=job), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "line coverage 100.00% (1/1) >= 50.00%" in done.stdout
    assert "\x1b[" not in done.stdout
    assert out.read_text() == "" and summary.read_text() == ""
    # The same child given the job's environment as it is writes into it: the test can fail.
    subprocess.run([sys.executable, "-m", "gate", "check", "--min-coverage", "0.5"],
                   cwd=tmp_path, env=job, capture_output=True, timeout=60, check=False)
    assert "passed=true" in out.read_text()


# Every test that starts a process goes through child_env ---------------------------------

#: Owned by the act-run work (they pass act an environment of their own): left as they are.
EXEMPT = {"integration/test_example_workflows.py", "integration/test_adopt_real_projects.py",
          "childenv.py"}
STARTERS = {"run", "Popen", "call", "check_call", "check_output"}


def _test_sources() -> dict[str, ast.Module]:
    return {str(p.relative_to(TESTS)): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(TESTS.rglob("*.py"))
            if str(p.relative_to(TESTS)) not in EXEMPT and "fixtures" not in p.parts}


def _environ_copies(tree: ast.AST) -> list[int]:
    """Lines building an environment from os.environ whole: `{**os.environ}`, `.items()`,
    `.copy()`, `dict(os.environ)` (reading one variable is fine)."""
    def is_environ(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ"
                and isinstance(node.value, ast.Name) and node.value.id == "os")

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(
                k is None and is_environ(v) for k, v in zip(node.keys, node.values)):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("items", "copy") and is_environ(node.func.value)):
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "dict" and node.args and is_environ(node.args[0])):
            lines.append(node.lineno)
    return sorted(lines)


def _starts_without_env(tree: ast.AST) -> list[int]:
    """Lines calling subprocess.run/Popen/... with no env= (the child inherits the job)."""
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in STARTERS and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "subprocess"
                and not any(k.arg == "env" for k in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_no_test_starts_a_process_with_the_jobs_environment() -> None:
    sources = _test_sources()
    assert {"conftest.py", "integration/gitrepo.py", "unit/test_childenv.py"} <= set(sources)
    found = {name: (_environ_copies(tree), _starts_without_env(tree))
             for name, tree in sources.items()}
    assert {name: lines for name, lines in found.items() if lines != ([], [])} == {}


def test_the_checks_find_what_they_look_for() -> None:
    tree = ast.parse("import os, subprocess\n"
                     "env = {**os.environ, 'A': '1'}\n"
                     "clean = {k: v for k, v in os.environ.items()}\n"
                     "copied = dict(os.environ)\n"
                     "subprocess.run(['x'], env=env)\n"
                     "subprocess.run(['x'], capture_output=True)\n"
                     "subprocess.Popen(['x'])\n"
                     "one = os.environ.get('PATH', '')\n"
                     "subprocess.run(['x'], env={'PATH': os.environ['PATH']})\n")
    assert _environ_copies(tree) == [2, 3, 4]
    assert _starts_without_env(tree) == [6, 7]
