"""Adopted by two real projects nobody here wrote, under the generated workflow run by act.

- a library: itsdangerous 2.2.0, from its sdist on PyPI (checksum pinned): explicit
  re-exports flake8 calls unused (17 x F401), `hashlib.sha1` as the HMAC digest (bandit B324),
  a try/except/pass (B110), test dependencies in requirements/tests.txt, no classifiers;
- a service whose Python project sits in `backend/` and whose tests need PostgreSQL:
  tiangolo's full-stack-fastapi-template at a pinned commit (FastAPI, SQLModel, alembic
  migrations, `dynamic_context = "test_function"` in its coverage settings), from the
  snapshot the `fetch` tool keeps (GATE_FULLSTACK_MIRROR names a bare git directory).

For each: `gate init` with only the settings it asks for (the Python to test; for the
service the serial sessions, the migrations and the database in the workflow's env), then
two runs of the generated ci.yml under ../shared/tools/act/run-workflow, each proving
several claims:

1. a push to main: every job green on day one (the findings recorded by init are accepted);
2. a pull request that moves accepted findings (lines inserted above them) and adds an
   untested function calling `subprocess.call(..., shell=True)`: the gate job fails naming
   B602 with its file and line and the uncovered lines, while the moved findings stay
   accepted (no other new finding, no stale entry).

They cost minutes each: they run only with GATE_ADOPTION_RUNS=1 (skipped with the reason
otherwise); GATE_REQUIRE_ADOPTION=1 turns a copy that cannot be had into a failure.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.actrun import run_workflow, runner
from tests.conftest import ROOT, run_gate
from tests.integration.gitrepo import commit_all, git
from tests.wheel import checkout_wheel

pytestmark = [pytest.mark.integration, pytest.mark.once]

RUN = os.environ.get("GATE_ADOPTION_RUNS", "") not in ("", "0", "false")
REQUIRE = os.environ.get("GATE_REQUIRE_ADOPTION", "") not in ("", "0", "false")
ITSDANGEROUS = ("itsdangerous", "2.2.0",
                "e0050c0b7da1eea53ffaf149c0cfbb5c6e2e2b69c4bef22c81fa6eb73e5f6173")
FULLSTACK_COMMIT = "a727535488542228dc19b13f217a104ad317c122"  # before Python 3.14 only
#: Where `fetch` leaves its snapshot: the .mirror folder beside the checkout, or beside the
#: folder of worktrees that holds it.
FULLSTACK_MIRROR = Path(os.environ.get("GATE_FULLSTACK_MIRROR") or next(
    (folder / ".mirror" / "fastapi+full-stack-fastapi-template" / "repo"
     for folder in ROOT.parents if (folder / ".mirror").is_dir()),
    ROOT.parent / ".mirror" / "fastapi+full-stack-fastapi-template" / "repo"))
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
#: Added by the pull request: a new function no test calls, and a shell.
UNTESTED = '''

def run_command(command: str) -> int:
    """Run a command line (added by the pull request, and tested by nobody)."""
    import subprocess

    return subprocess.call(command, shell=True)
'''
#: Inserted above accepted findings by the same pull request, moving them down.
MOVED = "# A comment block the pull request adds\n# above the code,\n# moving it down.\n\n"


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (GATE_REQUIRE_ADOPTION is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def wheel() -> Path:
    """A wheel of this checkout, which the generated gate job installs (GATE_REQUIREMENT)."""
    if not RUN:
        pytest.skip("costs minutes of act runs: set GATE_ADOPTION_RUNS=1 to run")
    runner()  # or the test skips (fails under GATE_REQUIRE_ACT), saying why
    return checkout_wheel()


def environment() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("GITHUB_", "COVERAGE_", "COV_CORE_", "PYTEST_", "NOX"))}
    clean["PATH"] = str(Path(sys.executable).parent) + os.pathsep + clean.get("PATH", "")
    return clean


def act(repo: Path, event: str, wheel: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    # act loads a .env file of the repository into every job's environment (over the
    # workflow's env), which GitHub never does: the service's .env would win over the
    # database settings its workflow gives. --env-file /dev/null is GitHub's behaviour.
    done = run_workflow(repo, ".github/workflows/ci.yml", event,
                        "--env", f"GATE_REQUIREMENT={wheel}", "--env-file", "/dev/null",
                        log=repo.parent / f"act-{repo.name}-{event}.log", timeout=1800)
    seconds = time.monotonic() - started
    print(f"act {event} on {repo.name}: exit {done.returncode} in {seconds:.0f}s")
    print(summary(done.output))
    return done.returncode, done.output, seconds


def summary(log: str) -> str:
    """run-workflow's per-job summary."""
    return log[log.rfind("Per-job summary"):] if "Per-job summary" in log else log[-3000:]


def job_results(log: str) -> dict[str, str]:
    return {m.group(2): m.group(1) for m in
            re.finditer(r"^(SUCCESS\*?|FAILURE|SKIPPED)\s+(\S+)", summary(log), re.MULTILINE)}


def init(repo: Path, *args: str) -> str:
    done = run_gate(["init", *args], repo, env={"PATH": environment()["PATH"]}, timeout=1200)
    assert done.returncode == 0, done
    return done.stdout


def ignore_outputs(repo: Path, stdout: str) -> None:
    """The step init asks for: keep what the sessions write out of git."""
    match = re.search(r"keep what the sessions write out of git: add (.+?) to \.gitignore",
                      stdout)
    if match:
        with (repo / ".gitignore").open("a", encoding="utf-8") as handle:
            handle.write("\n" + "\n".join(match.group(1).split()) + "\n")


def publish(repo: Path) -> None:
    """An `origin` with main, as a pull request's base (run-workflow reads origin/main)."""
    origin = repo.parent / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(origin)], check=True)
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "fetch", "-q", "origin")


def line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def check_pull_request(log: str, module: str, moved_check: str) -> None:
    """The gate job fails naming B602 (rule, file, line) and the uncovered lines; nothing
    else is new, no entry stale: the moved findings are still accepted."""
    jobs = job_results(log)
    assert jobs.get("gate") == "FAILURE", summary(log)
    assert all(result.startswith("SUCCESS") for job, result in jobs.items()
               if job not in ("gate", "required")), summary(log)
    gate = "\n".join(line for line in log.splitlines() if line.startswith("[CI/gate]"))
    shell = re.search(rf"- {re.escape(module)}:(\d+): B602 subprocess call with shell=True "
                      r"identified, security issue\. \[high\]", gate)
    assert shell, gate[-6000:]
    assert re.search(r"FAIL\s+findings\.bandit\s+2 new findings on changed lines "
                     r"\((B404|B602), (B404|B602)\)", gate), gate[-6000:]
    assert re.search(r"(PASS|FAIL)\s+findings\.flake8\s+", gate), gate[-6000:]
    assert re.search(r"PASS\s+findings\.baseline\s+\d+ baseline entries, none stale",
                     gate), gate[-6000:]
    assert re.search(r"FAIL\s+coverage\.diff\s+diff coverage \d+\.\d+% \(\d+/\d+\) < 80\.00%",
                     gate), gate[-6000:]
    assert re.search(rf"- {re.escape(module)}: \d+(-\d+)?", gate), gate[-6000:]
    assert moved_check in gate, gate[-6000:]
    assert re.search(rf"::error file={re.escape(module)},line=\d+,title=releasegate "
                     r"findings\.bandit B602::", log), gate[-6000:]


def test_a_library_itsdangerous(tmp_path: Path, wheel: Path) -> None:
    name, version, sha256 = ITSDANGEROUS
    downloads = tmp_path / "sdist"
    # pip, through uv when this environment has none (uv-made virtualenvs do not).
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    pip = [sys.executable, "-m", "pip"] if importlib.util.find_spec("pip") else \
        [str(uv), "tool", "run", "--from", "pip", "pip"]
    got = subprocess.run([*pip, "download", "-q", "--no-deps", "--no-binary", ":all:",
                          f"{name}=={version}", "-d", str(downloads)],
                         capture_output=True, text=True, timeout=300, check=False)
    archives = list(downloads.glob(f"{name}-{version}.tar.gz"))
    if got.returncode != 0 or not archives:
        unavailable(f"cannot download the {name} {version} sdist: {got.stderr.strip()[-300:]}")
    assert hashlib.sha256(archives[0].read_bytes()).hexdigest() == sha256
    with tarfile.open(archives[0]) as archive:
        archive.extractall(tmp_path, filter="data")
    repo = tmp_path / "itsdangerous"
    (tmp_path / f"{name}-{version}").rename(repo)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, f"{name} {version}")

    stdout = init(repo, "--python", PYTHON)
    assert "Lint settings from [tool.ruff]: max-line-length 88" in stdout, stdout
    assert re.search(r"flake8\s+\d+\s+.*F401 x17", stdout), stdout
    assert re.search(r"bandit\s+2\s+B110, B324", stdout), stdout
    ignore_outputs(repo, stdout)
    commit_all(repo, "gate init")
    publish(repo)

    code, log, push_seconds = act(repo, "push", wheel)
    assert code == 0, summary(log)
    assert all(r.startswith("SUCCESS") for r in job_results(log).values()), summary(log)

    git(repo, "checkout", "-q", "-b", "run-commands")
    signer = repo / "src/itsdangerous/signer.py"
    signer.write_text(MOVED + signer.read_text() + UNTESTED)
    commit_all(repo, "run commands")
    code, log, pr_seconds = act(repo, "pull_request", wheel)
    assert code == 1, summary(log)
    check_pull_request(log, "src/itsdangerous/signer.py", "accepted in the baseline")
    print(f"itsdangerous: push {push_seconds:.0f}s, pull request {pr_seconds:.0f}s")


def test_a_service_in_a_subfolder_with_a_database(tmp_path: Path, wheel: Path) -> None:
    if not (FULLSTACK_MIRROR / "HEAD").is_file():
        unavailable(f"no snapshot of full-stack-fastapi-template at {FULLSTACK_MIRROR}")
    repo = tmp_path / "fullstack"
    repo.mkdir()
    archive = subprocess.run(["git", "--git-dir", str(FULLSTACK_MIRROR), "archive",
                              FULLSTACK_COMMIT], capture_output=True, check=False, timeout=300)
    if archive.returncode != 0:
        unavailable(f"commit {FULLSTACK_COMMIT} is not in {FULLSTACK_MIRROR}")
    subprocess.run(["tar", "x"], input=archive.stdout, cwd=repo, check=True)
    backend = repo / "backend"
    coverage_run = backend.joinpath("pyproject.toml").read_text()
    assert 'dynamic_context = "test_function"' in coverage_run
    database = f"gate_adopt_{os.getpid()}_{int(time.time())}"
    created = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                              "-c", f"CREATE DATABASE {database}"], capture_output=True,
                             text=True, check=False, timeout=60)
    if created.returncode != 0:
        unavailable(f"PostgreSQL on 127.0.0.1:5432: {created.stderr.strip()}")
    try:
        git(repo, "init", "-q", "-b", "main")
        commit_all(repo, f"full-stack-fastapi-template {FULLSTACK_COMMIT[:12]}")

        stdout = init(repo, "--project-dir", "backend", "--python", PYTHON)
        assert "The tests use a database (.env: POSTGRES_SERVER)" in stdout, stdout
        assert "alembic.ini: the database needs its migrations" in stdout, stdout
        assert "Lint settings from [tool.ruff]" in stdout and "excludes alembic" in stdout
        assert re.search(r"^recorded \d+ findings", stdout, re.MULTILINE), stdout
        # The settings init asked for, and nothing else.
        noxfile = backend / "noxfile.py"
        text = noxfile.read_text()
        text = text.replace("SERIAL_SESSIONS: frozenset[str] = frozenset()",
                            'SERIAL_SESSIONS: frozenset[str] = frozenset({"unit", "integration"})')
        text = text.replace("BEFORE_TESTS: tuple[tuple[str, ...], ...] = ()",
                            'BEFORE_TESTS: tuple[tuple[str, ...], ...] = (("alembic", "upgrade",'
                            ' "head"),)')
        noxfile.write_text(text)
        workflow = repo / ".github/workflows/ci.yml"
        workflow.write_text(workflow.read_text().replace(
            '  FORCE_COLOR: "1"\n',
            f'  FORCE_COLOR: "1"\n  # The tests\' database (the variables app/core/config.py '
            f'reads).\n  POSTGRES_SERVER: "127.0.0.1"\n  POSTGRES_DB: "{database}"\n', 1))
        ignore_outputs(repo, stdout)
        commit_all(repo, "gate init, with the database settings it asked for")
        publish(repo)

        code, log, push_seconds = act(repo, "push", wheel)
        assert code == 0, summary(log)
        assert all(r.startswith("SUCCESS") for r in job_results(log).values()), summary(log)
        assert "alembic upgrade head" in log and "-n 0" in log

        git(repo, "checkout", "-q", "-b", "run-commands")
        crud = backend / "app/crud.py"
        crud.write_text(MOVED + crud.read_text() + UNTESTED)
        utils = backend / "app/utils.py"  # accepted flake8 findings move down too
        utils.write_text(MOVED + utils.read_text())
        commit_all(repo, "run commands")
        code, log, pr_seconds = act(repo, "pull_request", wheel)
        assert code == 1, summary(log)
        check_pull_request(log, "backend/app/crud.py", "accepted in the baseline")
        print(f"full-stack-fastapi-template: push {push_seconds:.0f}s, pull request "
              f"{pr_seconds:.0f}s")
    finally:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
                       capture_output=True, check=False, timeout=60)
