"""The pipeline itself: xdist loses no coverage, and nox sees the sessions we document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import ROOT, write_package

pytestmark = pytest.mark.integration

# The project's own [tool.coverage.run] settings, so the test proves the config we ship.
COVERAGE_SETTINGS = (ROOT / "pyproject.toml").read_text().split("[tool.coverage.run]")[1]
COVERAGE_SETTINGS = "[tool.coverage.run]" + COVERAGE_SETTINGS.split("\n[", 1)[0]


def _suite(root: Path) -> None:
    settings = COVERAGE_SETTINGS.replace('"gate"', '"calc"')
    write_package(root, {
        "pyproject.toml": settings + "\n",
        "calc/__init__.py": """
            def add(a, b):
                return a + b

            def sign(x):
                if x > 0:
                    return 1
                if x < 0:
                    return -1
                return 0

            def never():
                return "not run"
        """,
        "calc/__main__.py": """
            import sys
            from calc import sign
            print(sign(int(sys.argv[1])))
        """,
        # Several files so that xdist really spreads them over both workers.
        **{f"tests/test_{n}.py": f"""
            from calc import add, sign
            def test_add_{n}():
                assert add({n}, 1) == {n + 1}
            def test_sign_{n}():
                assert sign({n}) == 1
        """ for n in range(1, 7)},
        "tests/test_subprocess.py": """
            import subprocess, sys
            def test_child_process_is_measured():
                out = subprocess.run([sys.executable, "-m", "calc", "-5"], capture_output=True,
                                     text=True, check=True)
                assert out.stdout.strip() == "-1"
        """,
    })


def _covered_lines(root: Path, workers: str) -> dict[str, list[int]]:
    data = root / f"data-{workers}"
    data.mkdir()
    env = child_env(nested=True, COVERAGE_FILE=str(data / ".coverage"))
    run = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-n", workers, "tests"],
        cwd=root, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for step in (["combine", "-q", str(data)], ["json", "-q", "-o", f"cov-{workers}.json"]):
        subprocess.run([sys.executable, "-m", "coverage", *step], cwd=root, env=env,
                       check=True, capture_output=True, timeout=60)
    report = json.loads((root / f"cov-{workers}.json").read_text())
    return {name: f["executed_lines"] for name, f in report["files"].items()}


def test_xdist_loses_no_coverage(tmp_path: Path) -> None:
    _suite(tmp_path)
    serial = _covered_lines(tmp_path, "0")
    parallel = _covered_lines(tmp_path, "2")
    assert parallel == serial
    # The child process's lines are there too (the negative branch runs only in it).
    main = serial["calc/__main__.py"]
    assert len(main) == 3
    lines = serial["calc/__init__.py"]
    assert 9 in lines  # `return -1`, reached only by the child
    assert 10 not in lines and 13 not in lines  # `return 0` and `never()` never run


def _nox(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nox", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=child_env(nested=True, **(env or {})),
                          check=False)


def test_nox_lists_the_documented_sessions_in_order() -> None:
    pytest.importorskip("nox", reason="nox is not installed in this environment")
    listed = _nox("--list", "--json", env={"CI": "true"})
    assert listed.returncode == 0, listed.stderr
    sessions = json.loads(listed.stdout)
    names = [s["session"] for s in sessions]
    bases = list(dict.fromkeys(name.split("-")[0] for name in names))
    assert bases == ["lint", "typecheck", "security", "unit", "integration", "coverage", "gate"]
    # Only interpreters that exist here: with CI=true a missing one would fail the run.
    for name in names:
        if "-" in name:
            version = name.split("-", 1)[1]
            found = subprocess.run([f"python{version}", "-c", ""], capture_output=True,
                                   env=child_env(), check=False)
            assert found.returncode == 0, f"{name} names an interpreter this machine lacks"
