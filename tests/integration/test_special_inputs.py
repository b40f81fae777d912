"""Every input of every family that is not a regular file is refused before it is opened.

A FIFO that nobody writes to blocks a plain open() for ever; a device such as
/dev/zero never ends (the null device alone is let through: it reads as empty). Each case puts one at the place of one input the gate
reads, and runs the real CLI with a timeout, so a regression fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.childenv import child_env
from tests.cobertura_xml import cobertura

pytestmark = pytest.mark.integration

REPORT = cobertura({"pkg/a.py": [(1, 1), (2, 0)]})
JUNIT = '<testsuite name="s"><testcase classname="t" name="ok" time="0.1"/></testsuite>\n'
#: Long enough for a hang to be unmistakable, short enough to keep the suite quick.
TIMEOUT = 30


@dataclass(frozen=True)
class Case:
    """One input: the files around it, where it goes, the CLI arguments, what must be said."""

    name: str
    target: str
    args: tuple[str, ...]
    said: str
    code: int = 2
    files: tuple[tuple[str, str], ...] = ()


def _settings(text: str) -> tuple[str, str]:
    return ("gate.toml", textwrap.dedent(text))


CASES = [
    Case("coverage report", "cov.xml", ("check", "--coverage-file", "cov.xml",
                                        "--min-coverage", "0.1"),
         "coverage report is not a regular file"),
    Case("baseline", "base.json", ("check", "--coverage-file", "cov.xml", "--baseline",
                                   "base.json"),
         "baseline is not a regular file", files=(("cov.xml", REPORT),)),
    Case("junit report", "junit.xml", ("check", "--junit-file", "junit.xml"),
         "JUnit report is not a regular file"),
    Case("junit glob match", "reports/junit-b.xml",
         ("check", "--junit-file", "reports/junit-*.xml"),
         "JUnit report is not a regular file", files=(("reports/junit-a.xml", JUNIT),)),
    Case("env file", ".env", ("check", "--only", "deploy", "--env-file", ".env"),
         ".env: is not a regular file", code=1),
    Case("config file", "app.toml", ("check", "--only", "deploy"),
         "app.toml: is not a regular file", code=1,
         files=(_settings('[[deploy.files]]\npath = "app.toml"\n'),)),
    Case("schema", "app.schema.json", ("check", "--only", "deploy"),
         "schema file is not a regular file",
         files=(("app.json", '{"port": 8000}\n'),
                _settings('[[deploy.files]]\npath = "app.json"\nschema = "app.schema.json"\n'))),
    Case("--config", "settings.toml", ("check", "--config", "settings.toml"),
         "settings file is not a regular file"),
    Case("pyproject.toml", "pyproject.toml", ("check", "--min-coverage", "0.1"),
         "settings file is not a regular file", files=(("coverage.xml", REPORT),)),
    Case("gate.toml", "gate.toml", ("check", "--min-coverage", "0.1"),
         "settings file is not a regular file", files=(("coverage.xml", REPORT),)),
    Case("connect ca-file", "ca.pem", ("check", "--only", "connect"),
         "ca-file is not a regular file",
         files=(_settings('[[connect]]\nurl = "tls://127.0.0.1:9"\nca-file = "ca.pem"\n'),)),
    Case("flake8 report", "flake8.txt", ("check", "--flake8-report", "flake8.txt"),
         "flake8 report is not a regular file"),
    Case("bandit report", "bandit.json", ("check", "--bandit-report", "bandit.json"),
         "bandit report is not a regular file"),
    Case("SARIF report", "zizmor.sarif", ("check", "--sarif-report", "zizmor.sarif"),
         "SARIF report is not a regular file"),
    Case("findings baseline", "findings.baseline", ("check", "--flake8-report", "flake8.txt",
                                                    "--findings-baseline", "findings.baseline"),
         "findings baseline is not a regular file", files=(("flake8.txt", ""),)),
    Case("init: .gitignore", ".gitignore", ("init",),
         ".gitignore is not a regular file",
         files=(("pyproject.toml", '[project]\nname = "app"\nrequires-python = ">=3.11"\n'),)),
    Case("init: a file it would write", "noxfile.py", ("init", "--only", "noxfile", "--force"),
         "noxfile.py is not a regular file",
         files=(("pyproject.toml", '[project]\nname = "app"\nrequires-python = ">=3.11"\n'),)),
]


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return "a FIFO"


def _device(path: Path) -> str:
    path.symlink_to("/dev/zero")  # a device that never ends, through a link anyone may make
    return "a device"


KINDS: dict[str, Callable[[Path], str]] = {"fifo": _fifo, "device": _device}


def _run(args: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gate", *args], cwd=cwd, env=child_env(),
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_before_opening(case: Case, kind: str, tmp_path: Path) -> None:
    for name, text in case.files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    target = tmp_path / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    what = KINDS[kind](target)
    try:
        run = _run(case.args, tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gate {' '.join(case.args)} hung on {case.target} ({what})")
    out = run.stdout + run.stderr
    assert run.returncode == case.code, out
    assert f"{case.said} ({what})" in out, out
    assert "Traceback" not in out and "internal error" not in out, out
    if case.code == 2:
        assert run.stderr.count("\n") == 1, out
