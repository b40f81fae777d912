"""The thin CLI, called as `main([...])`: exit codes, one-line errors, outputs, GitHub mode."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from gate import cli
from gate.cli import main
from gate.model import Report
from gate.report.text_report import render as render_text
from tests.cobertura_xml import ratio_report, write_report


@pytest.fixture(autouse=True)
def _plain_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tmp_path, outside GitHub Actions, with no colour switches."""
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "NO_COLOR",
                 "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 8, 10)
    assert main(["check", "--min-coverage", "0.8"]) == 0
    assert capsys.readouterr().out == (
        "PASS   coverage.line  line coverage 80.00% (8/10) >= 80.00%\n"
        "release allowed: 1 of 1 checks passed\n")


def test_fail_shows_the_floor_and_exact_counts(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 7999, 10000, root='line-rate="0.8"')
    assert main(["check", "--min-coverage", "80%"]) == 1
    out = capsys.readouterr().out
    assert "FAIL   coverage.line  line coverage 79.99% (7999/10000) < 80.00%" in out
    assert "- pkg/mod.py: 79.99% (7999/10000), 2001 lines missed" in out
    assert out.endswith("release blocked: 1 of 1 checks failed\n")


def test_bare_eighty_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--min-coverage", "80"]) == 2
    assert _error_line(capsys) == (
        "gate: error: --min-coverage: 80 is above 1 "
        "(hint: write 80% for a percentage, or 0.8 for a fraction)\n")


def test_unknown_flag_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--min-coverag", "0.8"]) == 2
    assert "unrecognized arguments: --min-coverag" in _error_line(capsys)


def test_no_branch_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 1)
    assert main(["check", "--min-branch-coverage", "0.5"]) == 2
    assert "no branch data in coverage.xml: run coverage with --branch" in _error_line(capsys)


def test_zero_lines_hints_at_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(tmp_path / "coverage.xml", {"pkg/__init__.py": []})
    assert main(["check", "--min-coverage", "0.5"]) == 2
    err = _error_line(capsys)
    assert "coverage report measures no lines: coverage.xml" in err and "--source" in err


def test_missing_default_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--min-coverage", "0.5"]) == 2
    assert _error_line(capsys).startswith("gate: error: coverage report not found: coverage.xml")


def test_root_mismatch_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 2, root='lines-valid="3" lines-covered="1"')
    assert main(["check", "--min-coverage", "0.5"]) == 0
    assert ("warning: coverage.xml: root says lines-valid=3 but its <line> elements count 2"
            in capsys.readouterr().out)


def test_include_exclude_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(tmp_path / "coverage.xml", {"src/a.py": [(1, 1)], "tests/t.py": [(1, 0)]})
    assert main(["check", "--min-coverage", "1", "--exclude", "tests/*"]) == 0
    assert main(["check", "--min-coverage", "1", "--include", "src/*",
                 "--include", "tests/*"]) == 1
    assert "(1/2)" in capsys.readouterr().out


def test_settings_from_pyproject_and_flags_win(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "reports").mkdir()
    ratio_report(tmp_path / "reports" / "c.xml", 9, 10)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.gate.coverage]\nfiles = ["reports/c.xml"]\nmin = 0.95\n')
    assert main(["check"]) == 1
    assert "90.00% (9/10) < 95.00%" in capsys.readouterr().out
    assert main(["check", "--min-coverage", "0.9"]) == 0
    assert "90.00% (9/10) >= 90.00%" in capsys.readouterr().out


def test_unknown_settings_key_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 1)
    (tmp_path / "pyproject.toml").write_text("[tool.gate.coverage]\nmin = 0.5\nmin-brnch = 0.5\n")
    assert main(["check"]) == 2
    assert _error_line(capsys).startswith(
        "gate: error: pyproject.toml: tool.gate.coverage: unknown key 'min-brnch'")
    (tmp_path / "pyproject.toml").write_text("[tool.gate.covrage]\nmin = 0.5\n")
    assert main(["check", "--min-coverage", "0.5"]) == 2
    assert "pyproject.toml: tool.gate.covrage: unknown key" in _error_line(capsys)


def test_config_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 2)
    (tmp_path / "ci.toml").write_text("[coverage]\nmin = '50%'\n")
    assert main(["check", "--config", "ci.toml"]) == 0
    capsys.readouterr()
    assert main(["check", "--config", "missing.toml"]) == 2
    assert "settings file not found: missing.toml" in _error_line(capsys)


@pytest.mark.parametrize(("argv", "message"), [
    (["check"], "nothing to check"),
    (["check", "--min-coverage", "0.5", "--skip", "coverage"], "nothing to check"),
    (["check", "--only", "coverage"], "--only coverage: no coverage checks are configured"),
    (["check", "--min-coverage", "0.5", "--only", "speed"], "--only speed: no such family"),
])
def test_planning_errors(argv: list[str], message: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in _error_line(capsys)


def test_output_writes_the_report_and_prints_the_verdict(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 3, 4)
    assert main(["check", "--min-coverage", "0.8", "--format", "json", "--output",
                 "gate.json"]) == 1
    assert capsys.readouterr().out == "release blocked: 1 of 1 checks failed\n"
    data = json.loads((tmp_path / "gate.json").read_text())
    assert data["exit_code"] == 1 and data["checks"][0]["measured"]["covered"] == 3
    assert main(["check", "--min-coverage", "0.7", "--output", "gate.txt"]) == 0
    assert capsys.readouterr().out == "release allowed: 1 of 1 checks passed\n"
    assert "PASS   coverage.line" in (tmp_path / "gate.txt").read_text()


def test_output_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 3, 4)
    assert main(["check", "--min-coverage", "0.7", "--output", "no/such/dir/r.txt"]) == 2
    assert "cannot write --output no/such/dir/r.txt" in _error_line(capsys)


@pytest.mark.parametrize("fmt", ["json", "markdown", "junit"])
def test_formats_on_stdout(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 3, 4)
    assert main(["check", "--min-coverage", "0.7", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "coverage.line" in out
    if fmt == "json":
        assert json.loads(out)["verdict"] == "allowed"


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "  2  the gate could not evaluate" in out
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--min-coverage X" in out and "  1  release blocked" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert _error_line(capsys) == (
        "gate: error: a command is needed: check, init, baseline, publish or comment (hint: "
        "`gate check` runs the checks; see `gate --help`)\n")


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert cli._colour(Terminal(), {}) is True
    assert cli._colour(Terminal(), {"NO_COLOR": "1"}) is False
    assert cli._colour(Terminal(), {"NO_COLOR": ""}) is True  # an empty NO_COLOR does not count
    assert cli._colour(Terminal(), {"TERM": "dumb"}) is False
    assert cli._colour(io.StringIO(), {}) is False
    assert cli._colour(io.StringIO(), {"FORCE_COLOR": "1"}) is True
    assert cli._colour(io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": "1"}) is False


def test_emit_paints_only_a_terminal(tmp_path: Path) -> None:
    from gate.model import CheckResult, Status

    report = Report((CheckResult("a.b", "a", Status.PASS, "fine"),))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = argparse.Namespace(format="text", output=None)
    for stream, env, painted in ((Terminal(), {}, True), (Terminal(), {"NO_COLOR": "x"}, False),
                                 (io.StringIO(), {}, False)):
        cli.emit(report, args, stream, env)
        assert stream.getvalue() == render_text(report, colour=painted)
    terminal = Terminal()
    cli.emit(report, argparse.Namespace(format="text", output=tmp_path / "r.txt"), terminal, {})
    assert "\x1b[" not in (tmp_path / "r.txt").read_text()
    assert terminal.getvalue() == "release allowed: 1 of 1 checks passed\n"


def test_github_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    write_report(tmp_path / "coverage.xml", {"src/a.py": [(1, 1), (2, 0), (3, 0)],
                                             "src/b.py": [(1, 1, "1/2"), (2, 1)]})
    summary, outputs = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    assert main(["check", "--min-coverage", "0.5", "--min-branch-coverage", "0.4",
                 "--min-file-coverage", "0.5"]) == 1
    out = capsys.readouterr().out
    assert ("::error file=src/a.py,line=2,title=releasegate coverage.file::"
            "src/a.py: 33.33%25 (1/3) < 50.00%25") in out
    assert out.endswith("release blocked: 1 of 3 checks failed\n")
    text = summary.read_text()
    assert text.startswith("earlier step\n### Releasegate: ❌ Release blocked")
    assert "| `coverage.file` |" in text
    assert outputs.read_text().splitlines() == [
        "passed=false", "verdict=blocked", "line-coverage=60.00", "branch-coverage=50.00",
        "failed-checks=coverage.file"]


def test_github_annotations_go_to_stderr_beside_a_json_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 4)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--min-coverage", "0.5", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["verdict"] == "blocked"
    assert err.startswith("::error file=pkg/mod.py,title=releasegate coverage.line::")


def test_github_files_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    ratio_report(tmp_path / "coverage.xml", 1, 1)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "missing" / "out"))
    assert main(["check", "--min-coverage", "0.5"]) == 2
    assert "cannot append to $GITHUB_OUTPUT" in capsys.readouterr().err
