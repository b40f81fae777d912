"""The CLI as a real process: colour on a real terminal only, GitHub Actions files, --output."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.cobertura_xml import write_report

pytestmark = pytest.mark.integration


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run `python -m gate ARGS` with stdout on a pseudo-terminal; returns (exit, output)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "gate", *args], cwd=cwd,
                            env=child_env(**{"TERM": "xterm", **env}),
                            stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return proc.wait(timeout=60), output


def test_colour_on_a_terminal_and_no_color(tmp_path: Path) -> None:
    write_report(tmp_path / "coverage.xml", {"a.py": [(1, 1), (2, 0)]})
    code, output = _on_a_terminal(["check", "--min-coverage", "0.6"], tmp_path, {})
    assert code == 1
    assert b"\x1b[31mFAIL \x1b[0m" in output
    code, output = _on_a_terminal(["check", "--min-coverage", "0.6"], tmp_path, {"NO_COLOR": "1"})
    assert code == 1 and b"\x1b[" not in output and b"FAIL   coverage.line" in output


def test_no_colour_into_a_pipe(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    write_report(tmp_path / "coverage.xml", {"a.py": [(1, 1), (2, 0)]})
    run = gate_cli("check", "--min-coverage", "0.6", env={"TERM": "xterm"})
    assert run.returncode == 1 and "\x1b[" not in run.stdout


def test_github_actions(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    write_report(tmp_path / "coverage.xml", {"src/a.py": [(1, 1), (2, 0), (3, 0), (4, 0)],
                                             "src/b.py": [(1, 1, "2/2"), (2, 1)]})
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output")}
    run = gate_cli("check", "--min-coverage", "0.8", "--min-branch-coverage", "1", env=env)
    assert run.returncode == 1, run
    assert ("::error file=src/a.py,title=releasegate coverage.line::src/a.py: 25.00%25 (1/4),"
            " 3 lines missed") in run.stdout
    assert "### Releasegate: ❌ Release blocked" in (tmp_path / "summary.md").read_text()
    assert (tmp_path / "output").read_text().splitlines() == [
        "passed=false", "verdict=blocked", "line-coverage=50.00", "branch-coverage=100.00",
        "failed-checks=coverage.line"]


def test_output_file_and_verdict_line(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    write_report(tmp_path / "coverage.xml", {"a.py": [(1, 1), (2, 1)]})
    run = gate_cli("check", "--min-coverage", "1", "--format", "junit", "--output", "gate.xml")
    assert run.returncode == 0, run
    assert run.stdout == "release allowed: 1 of 1 checks passed\n"
    assert '<testcase classname="releasegate.coverage" name="coverage.line"' in (
        tmp_path / "gate.xml").read_text()


def test_help_and_version_exit_0(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    run = gate_cli("check", "--help")
    assert run.returncode == 0 and "--min-coverage X" in run.stdout and "exit codes:" in run.stdout
    run = gate_cli("--version")
    assert run.returncode == 0 and run.stdout.startswith("releasegate ")


def test_console_script_is_the_same_command(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("releasegate")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (package not installed)")
    write_report(tmp_path / "coverage.xml", {"a.py": [(1, 1), (2, 0)]})
    done = subprocess.run([str(script), "check", "--min-coverage", "0.5"], cwd=tmp_path,
                          env=child_env(), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "line coverage 50.00% (1/2) >= 50.00%" in done.stdout
