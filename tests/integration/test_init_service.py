"""Proof outside the kit: `gate init` in a copy of examples/service, then its generated sessions.

One copy runs the whole pipeline (a bare `nox`) and is allowed; the gate reads its coverage
and the JUnit files of its test sessions. A second copy, a git repository whose feature
branch drops the web application's unit tests and adds untested code, is sharded, caught
missing a shard, then blocked by the gate, on the total and on the lines the branch changed.
Both copies share one folder of nox virtualenvs, so the second reuses the first's, and runs
offline from uv's cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree  # nosec B405  # our own test's JUnit output
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import ROOT, Run, require_service, run_gate
from tests.integration.gitrepo import commit_all, git
from tests.network import require_package_index

# The generated pipeline picks its own Pythons: one run of it, on the newest, proves it.
pytestmark = [pytest.mark.integration, pytest.mark.once]

EXAMPLE = ROOT / "examples" / "service"
GENERATED = shutil.ignore_patterns(".nox", "__pycache__", "*.egg-info", ".coverage*", "htmlcov",
                                   "coverage.xml", "reports", ".pytest_cache", "build", "dist")
#: Files no linter or scanner may open: they sit where real repositories keep virtualenvs,
#: build output and JavaScript packages.
JUNK = "import os, sys\nresult = eval('1+1')  \n"


def copy_example(dest: Path) -> Path:
    shutil.copytree(EXAMPLE, dest, ignore=GENERATED)
    return dest


def kit_source(dest: Path) -> Path:
    """The kit's sources, copied: the gate session builds them there, not in this checkout."""
    for name in ("gate", "pyproject.toml", "README.md"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / name)
    return dest


def nox(cwd: Path, envdir: Path, kit: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """`python -m nox ARGS` in `cwd`, as a developer (or CI) would run it there."""
    clean = child_env(nested=True, **{
        # uv (for nox's uv backend) is installed beside this Python.
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "GATE_REQUIREMENT": str(kit),
        "REQUIRE_SERVICES": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **(env or {}),
    })
    done = subprocess.run([sys.executable, "-m", "nox", "--envdir", str(envdir), *args],
                          cwd=cwd, env=clean, capture_output=True, text=True, timeout=1200,
                          check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def junit_counts(path: Path) -> tuple[str, int, int, int]:
    """(suite name, tests, failures + errors, skipped) of a pytest JUnit XML file."""
    suite = ElementTree.parse(path).getroot().find("testsuite")
    assert suite is not None
    return (suite.get("name", ""), int(suite.get("tests", 0)),
            int(suite.get("failures", 0)) + int(suite.get("errors", 0)),
            int(suite.get("skipped", 0)))


def shows(output: str, status: str, check: str, text: str) -> bool:
    """Whether the gate's text report has a line `STATUS CHECK TEXT...` (columns padded)."""
    line = rf"^{status}\s+{re.escape(check)}\s+{re.escape(text)}"
    return re.search(line, output, re.MULTILINE) is not None


#: Code the feature branch adds to the web application, which no test runs.
UNTESTED = '''

def describe(code: str) -> str:
    """A line of text about a link code."""
    return f"link {code}"
'''


def test_the_generated_pipeline_allows_a_good_service_and_blocks_a_bad_one(tmp_path: Path) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    require_package_index()  # the generated sessions install from it
    kit = kit_source(tmp_path / "kit")
    envdir = tmp_path / "nox-envs"

    # 1. A good service: init, then a bare `nox`, the whole pipeline.
    good = copy_example(tmp_path / "good")
    for junk in (".venv/lib/python3/site-packages/junk.py", "node_modules/lib/junk.py",
                 "build/lib/shortlink/junk.py"):
        (good / junk).parent.mkdir(parents=True, exist_ok=True)
        (good / junk).write_text(JUNK)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "build"],
                            cwd=good, env=child_env(), capture_output=True, check=False)
    assert flake8.returncode == 1, "the junk must be what flake8 reports when it looks at it"

    # init runs the new lint and security sessions once and records what they find.
    path = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    init = run_gate(["init"], cwd=good, env={"PATH": path}, timeout=900)
    assert init.returncode == 0, init
    assert "Python project 'shortlink' (Python 3.10, 3.11, 3.12, 3.13)" in init.stdout
    assert (good / ".github/workflows/ci.yml").is_file()
    assert re.search(r"^recorded \d+ findings? in .*findings-baseline\.json", init.stdout,
                     re.MULTILINE), init
    assert "findings-baseline.json" in init.stdout.split("Next steps:")[1], init

    run = nox(good, envdir, kit)
    assert run.returncode == 0, run
    assert re.search(r"nox > coverage run --rcfile=\S+ -m pytest -n auto", run.stderr), run
    for session in ("lint", "security", "unit-", "integration", "coverage", "gate"):
        assert f"* {session}" in run.stderr and "failed" not in run.stderr, run
    assert shows(run.stdout, "PASS", "coverage.line", "line coverage"), run
    assert (good / "coverage.xml").is_file() and (good / "htmlcov/index.html").is_file()
    # The unit tests ran once per declared Python this machine has (one JUnit file each),
    # the integration tests on the newest of them.
    unit_xmls = sorted((good / "reports").glob("junit-unit-py*.xml"))
    [integration_xml] = (good / "reports").glob("junit-integration-py*.xml")
    pythons = [p.stem.removeprefix("junit-unit-py") for p in unit_xmls]
    assert pythons and set(pythons) <= {"3.10", "3.11", "3.12", "3.13"}, unit_xmls
    unit_tests = 0
    for unit_xml in unit_xmls:
        unit_suite, tests, unit_failed, _ = junit_counts(unit_xml)
        assert unit_suite == unit_xml.stem.removeprefix("junit-"), unit_suite
        assert tests > 20 and unit_failed == 0
        unit_tests += tests
    # The integration tests really ran against Redis: none skipped.
    newest = max(pythons, key=lambda v: int(v.split(".")[1]))
    assert junit_counts(integration_xml) == (f"integration-py{newest}", 3, 0, 0)
    # The gate read every JUnit file: every test of both sessions, one suite per file.
    total = unit_tests + 3
    assert shows(run.stdout, "PASS", "tests.failures",
                 f"no failures or errors in {total} tests"), run
    assert shows(run.stdout, "PASS", "tests.count", f"{total} tests ran >= 1 required"), run
    assert shows(run.stdout, "PASS", "tests.skipped", f"0 of {total} tests skipped (0.00%) <= "
                 "5.00% allowed"), run
    assert shows(run.stdout, "PASS", "tests.duration", f"{len(unit_xmls) + 1} suites took "), run
    assert shows(run.stdout, "PASS", "findings.baseline", ""), run
    assert "release allowed: 9 of 9 checks passed" in run.stdout, run

    # 2. A branch whose unit tests leave the web application untested, in two shards.
    bad = copy_example(tmp_path / "bad")
    assert run_gate(["init", "--only", "noxfile", "--only", "gate", "--no-baseline"],
                    cwd=bad).returncode == 0
    # Its findings: those of the good copy, already recorded (the code is the same).
    shutil.copytree(good / "reports", bad / "reports",
                    ignore=shutil.ignore_patterns("junit-*", "gate.sarif"))
    shutil.copy2(good / "findings-baseline.json", bad / "findings-baseline.json")
    # The one setting that runs a session's tests serially (here the unit tests').
    noxfile = (bad / "noxfile.py").read_text()
    serial = 'SERIAL_SESSIONS: frozenset[str] = frozenset({"unit"})'
    (bad / "noxfile.py").write_text(noxfile.replace(
        "SERIAL_SESSIONS: frozenset[str] = frozenset()", serial))
    git(bad, "init", "-q", "-b", "main")
    commit_all(bad, "the service, with the pipeline")
    git(bad, "checkout", "-q", "-b", "feature")
    (bad / "tests/unit/test_app.py").unlink()
    app = bad / "src/shortlink/app.py"
    first_new = len(app.read_text().splitlines()) + 3  # after the blank lines UNTESTED adds
    app.write_text(app.read_text() + UNTESTED)
    commit_all(bad, "describe links; no more tests of the application")

    # Everything it needs is in uv's cache now: the sessions run offline.
    offline = {"UV_OFFLINE": "1"}
    first = nox(bad, envdir, kit, "-s", "unit", "coverage", env={**offline, "UNIT_SHARD": "1/2"})
    assert first.returncode == 1, first
    assert "Reusing existing virtual environment" in first.stderr, first
    assert re.search(r"nox > coverage run --rcfile=\S+ -m pytest -n 0", first.stderr), first
    assert "coverage data missing for: unit tests on Python 3." in first.stderr, first
    assert ", shard 2 of 2" in first.stderr, first

    # MIN_DIFF_COVERAGE as CI's gate job sets it; outside a pull request (no
    # --diff-against) the diff check shows as skipped.
    second = nox(bad, envdir, kit, "-s", "unit", "coverage", "gate",
                 env={**offline, "UNIT_SHARD": "2/2", "MIN_DIFF_COVERAGE": "80%"})
    assert second.returncode == 1, second
    assert "Session coverage was successful" in second.stderr, second
    assert re.search(r"Command python -m gate check --min-diff-coverage 80% --junit-file "
                     r"'?reports/junit-\*\.xml'? --report=json=reports/gate\.json "
                     r"--report=markdown=reports/gate\.md --report=badge=reports/coverage\.svg "
                     r"--report=sarif=reports/gate\.sarif failed with exit code 1", second.stderr), second
    assert all((bad / "reports" / name).is_file()
               for name in ("gate.json", "gate.md", "coverage.svg", "gate.sarif"))
    assert shows(second.stdout, "FAIL", "coverage.line", "line coverage"), second
    assert "< 80.00%" in second.stdout, second
    assert "src/shortlink/app.py: 0.00%" in second.stdout, second
    assert shows(second.stdout, "SKIP", "coverage.diff", "no --diff-against REF given"), second
    # Two shards per Python.
    shards = sorted((bad / "reports").glob("junit-unit-*.xml"))
    assert [p.name for p in shards] == [f"junit-unit-py{python}-{n}of2.xml"
                                        for python in pythons for n in (1, 2)], shards
    # Every shard's results, each its own suite: the tests pass, the coverage does not.
    counts = [junit_counts(p) for p in shards]
    assert [c[0] for c in counts] == [p.stem.removeprefix("junit-") for p in shards], counts
    ran = sum(c[1] for c in counts)
    assert all(c[1] > 0 for c in counts), counts
    assert shows(second.stdout, "PASS", "tests.failures",
                 f"no failures or errors in {ran} tests"), second
    assert "release blocked: 1 of 10 checks failed" in second.stdout, second

    # 3. The pull-request run: the lines the branch changed, against main. The template's
    # gate.toml alone tells the gate where the JUnit files are.
    diff = run_gate(["check", "--diff-against", "main", "--min-diff-coverage", "80%"], cwd=bad)
    assert diff.returncode == 1, diff
    assert shows(diff.stdout, "FAIL", "coverage.diff", "diff coverage 0.00% (0/2) < 80.00% on "
                 "lines changed since main"), diff
    assert f"src/shortlink/app.py: {first_new}, {first_new + 2}" in diff.stdout, diff
    assert shows(diff.stdout, "PASS", "tests.count", f"{ran} tests ran >= 1 required"), diff
    assert "release blocked: 2 of 10 checks failed" in diff.stdout, diff
