"""Each documented exit code is reachable through `main`, and documented in --help."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate import cli
from gate.checks import coverage
from gate.exitcodes import ExitCode, describe
from tests.cobertura_xml import ratio_report


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ratio_report(tmp_path / "coverage.xml", 3, 4)


def test_values_are_the_contract() -> None:
    assert [(c.name, int(c)) for c in ExitCode] == [("ALLOWED", 0), ("BLOCKED", 1), ("ERROR", 2)]
    text = describe()
    assert all(f"  {int(code)}  " in text for code in ExitCode)


def test_allowed_is_reachable() -> None:
    assert cli.main(["check", "--min-coverage", "0.75"]) == ExitCode.ALLOWED


def test_blocked_is_reachable() -> None:
    assert cli.main(["check", "--min-coverage", "0.76"]) == ExitCode.BLOCKED


@pytest.mark.parametrize("argv", [
    ["check", "--min-coverage", "75"],                    # usage
    ["check", "--min-coverage", "0.5", "--coverage-file", "nope.xml"],  # input
    ["check", "--min-branch-coverage", "0.5"],            # cannot evaluate: no branch data
    [],                                                    # no command
    ["--bogus"],                                           # an unknown option, no command
    ["bogus"],                                             # an unknown command
    ["check", "--format", "yaml"],                         # a bad choice
    ["init", "--only", "everything"],                      # a bad choice of a subcommand
])
def test_error_is_reachable_and_says_one_line_on_stderr(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """The contract of exit 2: one line on stderr, nothing on stdout, never a usage dump."""
    assert cli.main(argv) == ExitCode.ERROR
    out, err = capsys.readouterr()
    assert out == "", out
    assert err.count("\n") == 1 and err.startswith("gate: error: "), err


def test_an_internal_error_is_one_line_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(settings: object) -> list[object]:
        raise RuntimeError("disk on fire")

    family = coverage.FAMILY.__class__(**{**vars(coverage.FAMILY), "run": broken})
    monkeypatch.setattr(cli, "families", lambda: (family,))
    assert cli.main(["check", "--min-coverage", "0.5"]) == ExitCode.ERROR
    out, err = capsys.readouterr()
    assert out == "" and err == "gate: internal error: RuntimeError: disk on fire\n"


def test_interrupt_is_exit_2(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(settings: object) -> list[object]:
        raise KeyboardInterrupt

    family = coverage.FAMILY.__class__(**{**vars(coverage.FAMILY), "run": interrupted})
    monkeypatch.setattr(cli, "families", lambda: (family,))
    assert cli.main(["check", "--min-coverage", "0.5"]) == ExitCode.ERROR
    assert capsys.readouterr().err == "gate: interrupted\n"
