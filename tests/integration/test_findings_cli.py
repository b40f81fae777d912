"""The findings family end to end: real flake8, bandit and zizmor reports, `gate baseline`,
`gate check` (text, JSON, SARIF) through moves, new findings and a branch's changed lines; and
every broken or hostile input refused in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.childenv import child_env
from tests.conftest import Run, run_gate, write_package
from tests.integration.gitrepo import commit_all, git

pytestmark = pytest.mark.integration

CODE = {
    "pkg/__init__.py": """\
        from .encoding import base64_decode as base64_decode
        """,
    "pkg/encoding.py": """\
        import hashlib


        def base64_decode(data):
            return data


        def sign(key, data):
            return hashlib.sha1(key + data).hexdigest()


        def quiet(action):
            try:
                action()
            except Exception:
                pass
        """,
}
SETTINGS = """\
[findings]
flake8 = ["reports/flake8.txt"]
bandit = ["reports/bandit.json"]
sarif = ["reports/bandit.sarif"]
baseline = "findings-baseline.json"
"""
UNTESTED = """

def run(command):
    import subprocess

    return subprocess.call(command, shell=True)
"""


def tool(*args: str, cwd: Path) -> None:
    """Run a scanner from this environment (its exit status says whether it found something)."""
    subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=child_env(nested=True),
                   capture_output=True,
                   check=False, timeout=120)


def scan(root: Path) -> None:
    """What the lint and security sessions write: flake8's default format, bandit JSON and SARIF."""
    reports = root / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir()
    tool("flake8", "--output-file", "reports/flake8.txt", "pkg", cwd=root)
    tool("bandit", "-q", "-r", "pkg", "-f", "json", "-o", "reports/bandit.json", cwd=root)
    tool("bandit", "-q", "-r", "pkg", "-f", "sarif", "-o", "reports/bandit.sarif", cwd=root)
    for name in ("flake8.txt", "bandit.json", "bandit.sarif"):
        assert (reports / name).exists(), name


def check(root: Path, *args: str) -> Run:
    return run_gate(["check", "--config", "gate.toml", *args], root)


def test_baseline_then_moves_then_a_new_finding(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    write_package(root, CODE)
    (root / "gate.toml").write_text(SETTINGS)
    scan(root)

    recorded = run_gate(["baseline", "--config", "gate.toml"], root)
    assert recorded.returncode == 0, recorded
    # bandit's findings twice, through its JSON and through its SARIF.
    assert "recorded 5 findings in" in recorded.stdout, recorded
    assert "flake8      1  F401" in recorded.stdout, recorded
    assert "bandit      4  B110 x2, B324 x2" in recorded.stdout, recorded
    baseline = json.loads((root / "findings-baseline.json").read_text())
    assert baseline["releasegate"] == "findings-baseline" and baseline["version"] == 1

    day_one = check(root)
    assert day_one.returncode == 0, day_one
    assert "PASS   findings.flake8    1 finding, all accepted in the baseline" in day_one.stdout
    assert "PASS   findings.bandit    4 findings, all accepted in the baseline" in day_one.stdout

    # Lines inserted above every accepted finding, and the file re-indented: still accepted.
    encoding = root / "pkg/encoding.py"
    encoding.write_text('"""Encodings."""\n\n# One more comment.\n' + encoding.read_text())
    scan(root)
    moved = check(root)
    assert moved.returncode == 0, moved
    assert "none stale" in moved.stdout, moved

    # A new shell=True call: blocked, named by rule, file and line, in every format.
    encoding.write_text(encoding.read_text() + UNTESTED)
    line = encoding.read_text().splitlines().index("    return subprocess.call(command, "
                                                   "shell=True)") + 1
    scan(root)
    new = check(root)
    assert new.returncode == 1, new
    assert f"- pkg/encoding.py:{line}: B602 subprocess call with shell=True identified, " \
           "security issue. [high]" in new.stdout, new
    as_json = check(root, "--format", "json")
    checks = {c["id"]: c for c in json.loads(as_json.stdout)["checks"]}
    shell = next(f for f in checks["findings.bandit"]["findings"] if f["rule"] == "B602")
    assert {k: shell[k] for k in ("rule", "tool", "severity", "file", "line", "blocks")} == {
        "rule": "B602", "tool": "bandit", "severity": "high", "file": "pkg/encoding.py",
        "line": line, "blocks": True}
    as_sarif = json.loads(check(root, "--format", "sarif").stdout)
    located = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]
                ["startLine"]) for r in as_sarif["runs"][0]["results"] if "locations" in r]
    assert ("bandit/B602", "error", line) in located

    # `gate baseline` again accepts it, and says what changed.
    again = run_gate(["baseline", "--config", "gate.toml"], root)
    assert "recorded 9 findings" in again.stdout and "(was 5: 5 kept, 4 added, 0 dropped" \
        in again.stdout, again
    assert check(root).returncode == 0


def test_only_findings_on_changed_lines_block_a_branch(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    project = root / "service"  # the Python project in a subfolder of the repository
    write_package(project, CODE)
    (project / "gate.toml").write_text(SETTINGS.replace('baseline = "findings-baseline.json"\n',
                                                        ""))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "the library, no baseline")
    git(root, "checkout", "-q", "-b", "feature")
    encoding = project / "pkg/encoding.py"
    encoding.write_text(encoding.read_text() + UNTESTED)
    commit_all(root, "run commands")
    scan(project)
    run = check(project, "--diff-against", "main", "--only", "findings")
    assert run.returncode == 1, run
    # bandit's findings twice (JSON and SARIF): the added function's import and call block.
    assert "FAIL   findings.bandit  4 new findings on changed lines (B404 x2, B602 x2) of 8; 4 " \
           "new outside the change (B324 x2, B110 x2), not blocking" in run.stdout, run
    assert "PASS   findings.flake8  no new finding blocks: 1 finding, 1 new outside the " \
           "change (F401), not blocking" in run.stdout, run
    assert "(outside the change: not blocking)" in run.stdout
    # Shown by repository path, as GitHub places annotations and as the diff check names them.
    assert "- service/pkg/encoding.py:" in run.stdout, run
    # --diff-against reaches the findings alone: no coverage check starts for want of a report.
    plain = check(project, "--diff-against", "main")
    assert plain.returncode == 1 and "coverage" not in plain.stdout, plain


def test_zizmor_sarif_is_read(tmp_path: Path) -> None:
    zizmor = shutil.which("zizmor", path=os.path.dirname(sys.executable))
    if zizmor is None:
        pytest.skip("zizmor is not installed beside this Python")
    workflow = tmp_path / ".github/workflows/ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                        "      - uses: actions/checkout@v4\n")
    done = subprocess.run([zizmor, "--offline", "--format", "sarif", str(workflow)],
                          cwd=tmp_path, env=child_env(), capture_output=True, check=False,
                          timeout=120)
    (tmp_path / "zizmor.sarif").write_bytes(done.stdout)
    run = run_gate(["check", "--sarif-report", "zizmor.sarif", "--min-severity", "high",
                    "--format", "json"], tmp_path)
    checks = {c["id"]: c for c in json.loads(run.stdout)["checks"]}
    assert "findings.zizmor" in checks, run
    rules = {f["rule"] for f in checks["findings.zizmor"]["findings"]}
    assert "zizmor/unpinned-uses" in rules, run
    assert all(f["severity"] == "high" for f in checks["findings.zizmor"]["findings"])


# Broken and hostile inputs ---------------------------------------------------------------


def one_line(run: Run, path: str, problem: str) -> None:
    assert run.returncode == 2, run
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("gate: error: "), run
    assert "Traceback" not in run.stderr
    assert path in run.stderr and problem in run.stderr, run


def sarif_text(results: str) -> str:
    return ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": '
            + results + "}]}")


@pytest.mark.parametrize("flag, content, problem", [
    ("--sarif-report", sarif_text('[{"ruleId": "r", "message": {"text": "x"}'),
     "SARIF report is not valid JSON"),
    ("--sarif-report", sarif_text("[" * 200_000), "containers nested too deeply"),
    ("--sarif-report", sarif_text('[{"ruleId": "' + "x" * (17 << 20) + '"}]'),
     "a single value longer than 16 MiB"),
    ("--sarif-report", b'{"version": "2.1.0", "runs": [\xff]}', "not UTF-8 text"),
    ("--sarif-report", '{"version": "2.1.0", "runs": [], "x": NaN}', "NaN is not JSON"),
    ("--sarif-report", "<html>502 Bad Gateway</html>", "expected a JSON value at character 1"),
    ("--sarif-report", '{"results": [], "metrics": {}}', "not a SARIF log"),
    ("--bandit-report", sarif_text("[]"), "this is a SARIF log, not bandit's JSON"),
    ("--bandit-report", "", "bandit report is empty"),
    ("--flake8-report", "x.py: something else\n", "flake8 report is not flake8's default"),
])
def test_broken_reports_are_refused_in_one_line(tmp_path: Path, flag: str, content: Any,
                                                problem: str) -> None:
    path = tmp_path / "report.out"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    one_line(run_gate(["check", flag, "report.out"], tmp_path), "report.out", problem)


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "report.sarif")
    one_line(run_gate(["check", "--sarif-report", "report.sarif"], tmp_path, timeout=30),
             "report.sarif", "SARIF report is not a regular file")


def test_a_baseline_that_is_not_the_gates_is_refused_and_never_overwritten(
        tmp_path: Path) -> None:
    (tmp_path / "flake8.txt").write_text("a.py:1:1: F401 'x' imported but unused\n")
    foreign = '{"results": [], "metrics": {}, "generated_at": "2026-01-01"}'
    (tmp_path / "bandit-baseline.json").write_text(foreign)
    args = ["--flake8-report", "flake8.txt", "--findings-baseline", "bandit-baseline.json"]
    one_line(run_gate(["check", *args], tmp_path), "bandit-baseline.json",
             "not a releasegate findings baseline")
    one_line(run_gate(["baseline", *args], tmp_path), "bandit-baseline.json",
             "this is a bandit report")
    assert (tmp_path / "bandit-baseline.json").read_text() == foreign


def test_a_threshold_for_an_unknown_tool_is_refused(tmp_path: Path) -> None:
    (tmp_path / "flake8.txt").write_text("")
    one_line(run_gate(["check", "--flake8-report", "flake8.txt", "--min-severity",
                       "medium,bnadit=high"], tmp_path),
             "bnadit", "min-severity names the tool 'bnadit'")
