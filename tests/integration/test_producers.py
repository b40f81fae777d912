"""Cobertura from every common producer, through the real CLI.

The samples in producers/ have the exact shapes gcovr, istanbul (nyc) and c8,
and Java's Cobertura write: their DOCTYPE line naming an external DTD (never
fetched), method-level <lines> (repeats, or istanbul's declaration lines that
its totals leave out), <conditions>, and root counts the gate must agree with.
The coverage.py and pytest-cov reports are made by really running them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import measure, write_package

pytestmark = pytest.mark.integration

PRODUCERS = Path(__file__).parent / "producers"

PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/calc.py": """
        def sign(x):
            if x > 0:
                return 1
            if x < 0:
                return -1
            return 0


        def unused(items):
            total = 0
            for item in items:
                total += item
            return total
    """,
    "test_calc.py": """
        from pkg.calc import sign


        def test_sign():
            assert sign(3) == 1
            assert sign(0) == 0
    """,
}


def _json_check(run_stdout: str, check_id: str) -> dict[str, int]:
    checks = {c["id"]: c for c in json.loads(run_stdout)["checks"]}
    measured: dict[str, int] = checks[check_id]["measured"]
    return measured


@pytest.mark.parametrize(("sample", "lines", "branches"), [
    ("gcovr.xml", (6, 8), (2, 4)),
    ("nyc.xml", (7, 9), (2, 4)),
    ("c8.xml", (10, 12), (4, 5)),
    ("java-cobertura.xml", (5, 7), (2, 4)),
])
def test_producer_samples(sample: str, lines: tuple[int, int], branches: tuple[int, int],
                          tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PRODUCERS / sample, tmp_path / "coverage.xml")
    run = gate_cli("check", "--min-coverage", "0", "--min-branch-coverage", "0",
                   "--format", "json")
    assert run.returncode == 0, run
    assert _json_check(run.stdout, "coverage.line") == {
        "covered": lines[0], "total": lines[1], "ratio": lines[0] / lines[1]}
    assert _json_check(run.stdout, "coverage.branch")["covered"] == branches[0]
    assert _json_check(run.stdout, "coverage.branch")["total"] == branches[1]
    # The root's own counts agree with the lines: no warning.
    assert json.loads(run.stdout)["warnings"] == []


@pytest.mark.parametrize("sample", ["gcovr.xml", "nyc.xml", "c8.xml", "java-cobertura.xml"])
def test_producer_samples_gate_at_the_exact_boundary(sample: str, tmp_path: Path,
                                                     gate_cli) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PRODUCERS / sample, tmp_path / "coverage.xml")
    text = (PRODUCERS / sample).read_text()
    covered = int(text.split('lines-covered="')[1].split('"')[0])
    valid = int(text.split('lines-valid="')[1].split('"')[0])
    # The largest 6-place threshold at or below covered/valid passes; the next one fails.
    below = (covered * 10**6) // valid
    above = below + 1
    ok = gate_cli("check", "--min-coverage", f"0.{below:06d}")
    blocked = gate_cli("check", "--min-coverage", f"0.{above:06d}")
    assert ok.returncode == 0, ok
    assert blocked.returncode == 1, blocked
    assert f"({covered}/{valid}) <" in blocked.stdout


def test_combined_python_and_javascript_reports(tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(PRODUCERS / "nyc.xml", tmp_path / "js.xml")
    shutil.copy(PRODUCERS / "gcovr.xml", tmp_path / "c.xml")
    run = gate_cli("check", "--coverage-file", "js.xml", "--coverage-file", "c.xml",
                   "--min-coverage", "0.8")
    assert run.returncode == 1, run
    assert "line coverage 76.47% (13/17) < 80.00%" in run.stdout


def _coverage_json(root: Path) -> dict[str, int]:
    env_file = root / ".coverage"
    subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "-o", "cov.json",
                    f"--data-file={env_file}"], cwd=root, env=child_env(nested=True),
                   check=True, capture_output=True, timeout=60)
    totals: dict[str, int] = json.loads((root / "cov.json").read_text())["totals"]
    return totals


@pytest.mark.parametrize("branch", [True, False])
@pytest.mark.parametrize("relative", [True, False])
def test_real_coverage_py(branch: bool, relative: bool, tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    write_package(tmp_path, PACKAGE)
    if relative:
        (tmp_path / ".coveragerc").write_text("[run]\nrelative_files = true\n")
    report = measure(tmp_path, test_args=("-q", "-p", "no:cacheprovider", "test_calc.py"),
                     branch=branch)
    text = report.read_text()
    source = text.split("<source>")[1].split("</source>")[0]
    assert Path(source).is_absolute() is not relative
    totals = _coverage_json(tmp_path)
    run = gate_cli("check", "--min-coverage", "0.5", "--format", "json",
                   *(("--min-branch-coverage", "0.1") if branch else ()))
    assert run.returncode in (0, 1), run
    lines = _json_check(run.stdout, "coverage.line")
    assert (lines["covered"], lines["total"]) == (totals["covered_lines"],
                                                  totals["num_statements"])
    if branch:
        branches = _json_check(run.stdout, "coverage.branch")
        assert (branches["covered"], branches["total"]) == (totals["covered_branches"],
                                                            totals["num_branches"])
    else:
        no_branch = gate_cli("check", "--min-branch-coverage", "0.1")
        assert no_branch.returncode == 2, no_branch
        assert "no branch data in coverage.xml: run coverage with --branch" in no_branch.stderr
    assert json.loads(run.stdout)["warnings"] == []


@pytest.mark.parametrize("branch", [True, False])
def test_real_pytest_cov(branch: bool, tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    write_package(tmp_path, PACKAGE)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--cov=pkg",
            "--cov-report=xml", "test_calc.py"]
    if branch:
        args.insert(-1, "--cov-branch")
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=child_env(nested=True))
    assert (tmp_path / "coverage.xml").is_file(), done.stdout + done.stderr
    # --cov=pkg is a directory: coverage.py names files relative to it, under an
    # absolute <source>.
    text = (tmp_path / "coverage.xml").read_text()
    assert f"<source>{tmp_path.resolve() / 'pkg'}</source>" in text
    assert 'filename="calc.py"' in text
    totals = _coverage_json(tmp_path)
    covered, total = totals["covered_lines"], totals["num_statements"]
    run = gate_cli("check", "--min-coverage", "0.5", "--format", "json")
    assert run.returncode == 0, run
    assert _json_check(run.stdout, "coverage.line")["covered"] == covered
    assert _json_check(run.stdout, "coverage.line")["total"] == total
    blocked = gate_cli("check", "--min-coverage", "0.99", "--min-file-coverage", "0.99")
    assert blocked.returncode == 1, blocked
    # pkg/__init__.py is empty: calc.py holds every statement, and is the file listed.
    assert f"- calc.py: {100 * covered // total}." in blocked.stdout
    assert f"({covered}/{total}) < 99.00%" in blocked.stdout
    if branch:
        ok = gate_cli("check", "--min-branch-coverage", "0.1", "--format", "json")
        assert ok.returncode == 0, ok
        branches = _json_check(ok.stdout, "coverage.branch")
        assert (branches["covered"], branches["total"]) == (totals["covered_branches"],
                                                            totals["num_branches"])
    else:
        assert gate_cli("check", "--min-branch-coverage", "0.1").returncode == 2
