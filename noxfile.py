"""Releasegate's own pipeline, and the kit's reference noxfile.

A bare `nox` runs every session in order: lint, typecheck, security, unit,
integration, coverage, gate. Each session does one job; pass arguments through after `--`
(`nox -s unit -- -k thresholds`).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "typecheck", "security", "unit", "integration", "coverage",
                        "gate"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
DATA = ROOT / ".coverage-data"  # one parallel data file per process, named by session
REPORTS = ROOT / "reports"  # JUnit, bandit and gate reports: CI uploads this folder
WORKFLOWS = sorted(
    str(p.relative_to(ROOT))
    for pattern in (".github/workflows/*.yml", "templates/github/workflows/*.yml")
    for p in ROOT.glob(pattern)
)


def _runs(python: str) -> bool:
    """Whether `pythonX.Y` exists here and starts (a pyenv shim may exist and fail)."""
    exe = shutil.which(f"python{python}")
    if exe is None:
        return False
    try:
        done = subprocess.run([exe, "-c", ""], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def pythons() -> list[str]:
    """The versions pyproject's classifiers list, narrowed to the ones installed here.

    With CI=true nox fails a session whose interpreter is missing instead of
    skipping it; narrowing keeps a bare `nox` green on a machine with one
    Python, while a CI matrix that installs a version selects it by name
    (`nox -s unit-3.12`). NOX_ALL_PYTHONS=1 keeps every listed version.
    """
    listed = nox.project.python_versions(PYPROJECT)
    if os.environ.get("NOX_ALL_PYTHONS") == "1":
        return listed
    present = [v for v in listed if _runs(v)]
    return present or listed


def install_project(session: nox.Session, *groups: str) -> None:
    """Install the package editable (code changes show up in a reused venv) and groups.

    A non-editable install into a reused venv is the known stale-install trap:
    uv sees the same version number and keeps the old build.
    """
    args = ["-e", ".[all]"] if {"test", "typecheck"} & set(groups) else ["-e", "."]
    for group in groups:
        args += nox.project.dependency_groups(PYPROJECT, group)
    session.install(*args)


def pytest_with_coverage(session: nox.Session, suite: str, marker: str,
                         reruns: tuple[str, ...] = ()) -> None:
    """Run one suite under coverage.py with xdist; workers and CLI subprocesses are measured.

    `patch = ["subprocess"]` in [tool.coverage.run] makes every Python child
    (xdist workers, `python -m gate` in integration tests) write its own data
    file; `coverage combine` in the coverage session joins them. The JUnit
    file, named by session, is what the gate's tests family reads.
    """
    install_project(session, "test")
    DATA.mkdir(exist_ok=True)
    REPORTS.mkdir(exist_ok=True)
    tag = f"{suite}-{session.python}"
    junit = REPORTS / f"junit-{tag}.xml"
    for stale in [*DATA.glob(f".coverage.{tag}.*"), junit]:
        stale.unlink(missing_ok=True)
    session.run(
        "coverage", "run", "-m", "pytest", "-n", "auto", "-m", marker,
        f"--junitxml={junit}", "-o", f"junit_suite_name={tag}", *reruns,
        *session.posargs,
        env={"COVERAGE_FILE": str(DATA / f".coverage.{tag}")},
    )


def installing_only(session: nox.Session) -> bool:
    """Whether nox runs with --install-only: then `session.run` runs nothing, returns None."""
    return session.run("python", "-c", "", silent=True) is None


@nox.session
def lint(session: nox.Session) -> None:
    """flake8 on the code (also into reports/flake8.txt); zizmor, the GitHub schemas and
    actionlint on every workflow."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    REPORTS.mkdir(exist_ok=True)
    report = REPORTS / "flake8.txt"  # the gate's findings checks read it ([tool.gate.findings])
    report.unlink(missing_ok=True)  # flake8 appends to an --output-file that exists
    session.run("flake8", "--output-file", str(report), "--tee", "gate", "tests", "benchmarks",
                "docs/tools", "noxfile.py", *session.posargs)
    if WORKFLOWS:
        session.run("zizmor", "--offline", "--no-progress", *WORKFLOWS, "action.yml")
        session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
        session.run("check-jsonschema", "--builtin-schema", "vendor.github-actions", "action.yml")
        actionlint = os.environ.get("ACTIONLINT") or shutil.which("actionlint")
        if actionlint is None:
            session.warn("actionlint not found: put it on PATH (or its path in ACTIONLINT) to"
                         " lint workflows with it too")
        for workflow in WORKFLOWS if actionlint else ():
            # One file a run: the WebAssembly build of actionlint crashes on about five at once.
            session.run(actionlint, workflow, external=True, silent=True)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over gate/ ([tool.mypy]), with the drivers installed for their types."""
    install_project(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session
def security(session: nox.Session) -> None:
    """bandit over gate/: any finding fails; reports/bandit.json for the gate and CI artifacts."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "security"))
    REPORTS.mkdir(exist_ok=True)
    args = ["bandit", "-c", "pyproject.toml", "-r", "gate"]
    session.run(*args, "-q", "-f", "json", "-o", str(REPORTS / "bandit.json"), "--exit-zero")
    session.run(*args, *session.posargs)


@nox.session(python=pythons())
def unit(session: nox.Session) -> None:
    """Unit tests in parallel (pytest-xdist), under coverage."""
    pytest_with_coverage(session, "unit", "not integration")


@nox.session(python=pythons())
def integration(session: nox.Session) -> None:
    """Integration tests in parallel: the real CLI, real coverage.py, real services.

    Tests marked `once` (GitHub workflows run under act: minutes each, and the same on any
    Python) run in the newest Python's session only, and never inside a workflow that act
    runs (ACT=true): the run outside it is the one that runs them.
    """
    once = session.python == pythons()[-1] and os.environ.get("ACT") != "true"
    marker = "integration" if once else "integration and not once"
    # One rerun: a test that fails and then passes is reported as flaky by the gate.
    pytest_with_coverage(session, "integration", marker, reruns=("--reruns", "1"))


@nox.session
def coverage(session: nox.Session) -> None:
    """Combine every session's data; print the report, write coverage.xml and HTML."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "coverage"))
    if installing_only(session):
        return
    if not any(DATA.glob(".coverage.*")):
        session.error("no coverage data in .coverage-data/: run the unit and integration sessions")
    combined = str(DATA / ".coverage")
    env = {"COVERAGE_FILE": combined}
    session.run("coverage", "combine", "--keep", "--quiet", str(DATA), env=env)
    session.run("coverage", "report", *session.posargs, env=env)
    session.run("coverage", "xml", "-q", "-o", "coverage.xml", env=env)
    session.run("coverage", "html", "-q", "-d", "htmlcov", env=env)


@nox.session
def gate(session: nox.Session) -> None:
    """The release gate on this project's own reports ([tool.gate] in pyproject.toml)."""
    session.install("-e", ".")
    REPORTS.mkdir(exist_ok=True)
    session.run("python", "-m", "gate", "check", "--format", "json",
                "--output", str(REPORTS / "gate.json"), *session.posargs, success_codes=[0, 1])
    session.run("python", "-m", "gate", "check", *session.posargs)
