"""One coverage.py run written as Cobertura XML, LCOV and JSON gives the same figures to the
line, and the same verdicts; real reports of gcovr, c8, nyc (and JaCoCo's format) through
the real CLI.

The run is real: coverage.py measures a project with branches and partial coverage on a
feature branch (tests/integration/gitrepo.py), then writes its three reports from the
same data.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gate.readers.coverage import read
from tests.childenv import child_env
from tests.conftest import measure
from tests.integration.gitrepo import EXPECTED, build_project

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coverage"
REPORTS = ("coverage.xml", "coverage.info", "coverage.json")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feature branch, measured once by coverage.py and written in three formats."""
    root = build_project(tmp_path_factory.mktemp("formats") / "repo")
    measure(root)
    env = child_env(nested=True, COVERAGE_FILE=str(root / ".coverage"))
    for command in (["lcov", "-o", "coverage.info"], ["json", "-o", "coverage.json"]):
        subprocess.run([sys.executable, "-m", "coverage", *command, "-q"], cwd=root, env=env,
                       check=True, capture_output=True, timeout=60)
    return root


def test_every_format_reads_the_same_lines_and_branches(project: Path) -> None:
    data = {name: read(project / name) for name in REPORTS}
    xml, _ = data["coverage.xml"]
    assert xml.files and xml.has_branches
    for name, (other, warnings) in data.items():
        assert warnings == [], name
        assert other.has_branches, name
        assert set(other.files) == set(xml.files), name
        for file_name, file in xml.files.items():
            same = other.files[file_name]
            assert list(same.measured_lines()) == list(file.measured_lines()), (name, file_name)
            assert same.missing_lines() == file.missing_lines(), (name, file_name)
            assert dict(same.branches) == dict(file.branches), (name, file_name)
    # And they are coverage.py's own figures.
    totals = json.loads((project / "coverage.json").read_text())["totals"]
    assert (xml.lines.covered, xml.lines.total) == (totals["covered_lines"],
                                                    totals["num_statements"])
    assert (xml.branches.covered, xml.branches.total) == (totals["covered_branches"],
                                                          totals["num_branches"])
    assert xml.lines.covered < xml.lines.total and xml.branches.covered < xml.branches.total


def _verdict(run: Any) -> tuple[int, list[dict[str, Any]]]:
    document = json.loads(run.stdout)
    checks = []
    for check in document["checks"]:
        check = dict(check)
        check.pop("duration_seconds", None)
        checks.append(check)
    return run.returncode, checks


def test_every_format_gets_the_same_verdicts(project: Path, gate_cli) -> None:
    verdicts = {}
    for name in REPORTS:
        run = gate_cli("check", "--coverage-file", name, "--min-coverage", "80%",
                       "--min-branch-coverage", "50%", "--min-file-coverage", "60%",
                       "--diff-against", "main", "--min-diff-coverage", "75%",
                       "--format", "json", cwd=project)
        assert run.returncode in (0, 1), run
        verdicts[name] = _verdict(run)
    code, checks = verdicts["coverage.xml"]
    assert code == 1  # the diff check fails: 10 of 14 changed lines
    by_id = {check["id"]: check for check in checks}
    assert by_id["coverage.diff"]["status"] == "fail"
    rows = {row["path"]: {k: row[k] for k in ("changed", "measured", "covered", "missing")}
            for row in by_id["coverage.diff"]["data"]["files"]}
    assert rows == EXPECTED
    assert verdicts["coverage.info"] == verdicts["coverage.xml"]
    assert verdicts["coverage.json"] == verdicts["coverage.xml"]


def test_a_baseline_in_another_format(project: Path, gate_cli) -> None:
    for baseline in ("coverage.info", "coverage.json"):
        run = gate_cli("check", "--coverage-file", "coverage.xml", "--baseline", baseline,
                       "--format", "json", cwd=project)
        assert run.returncode == 0, run
        (check,) = json.loads(run.stdout)["checks"]
        assert check["id"] == "coverage.ratchet" and check["status"] == "pass"
        assert check["data"]["files_not_in_report"] == 0, baseline
        assert json.loads(run.stdout)["warnings"] == []


def test_reports_of_two_formats_merge_line_by_line(project: Path, tmp_path: Path,
                                                   gate_cli) -> None:
    # LCOV as c8 or gcovr write it: absolute names, for the files coverage.xml names
    # relative to its <source>; the gate finds they are the same files.
    text = (project / "coverage.info").read_text()
    absolute = tmp_path / "absolute.info"
    absolute.write_text(text.replace("SF:pkg/", f"SF:{project}/pkg/"))
    alone = gate_cli("check", "--min-coverage", "0", "--format", "json", cwd=project)
    both = gate_cli("check", "--coverage-file", "coverage.xml", "--coverage-file",
                    str(absolute), "--coverage-file", "coverage.json", "--min-coverage", "0",
                    "--format", "json", cwd=project)
    assert alone.returncode == both.returncode == 0, both
    line = _verdict(both)[1][0]
    assert line == _verdict(alone)[1][0]
    assert sorted(row["name"] for row in line["data"]["files"]) == [
        "pkg/__init__.py", "pkg/calc.py", "pkg/fmt.py", "pkg/shapes.py"]


def test_a_python_and_a_javascript_report_add_up(project: Path, tmp_path: Path,
                                                 gate_cli) -> None:
    shutil.copy(FIXTURES / "c8.info", tmp_path / "lcov.info")
    python = read(project / "coverage.xml")[0]
    run = gate_cli("check", "--coverage-file", str(project / "coverage.xml"),
                   "--coverage-file", "lcov.info", "--min-coverage", "0", "--format", "json")
    assert run.returncode == 0, run
    measured = {c["id"]: c for c in json.loads(run.stdout)["checks"]}["coverage.line"]
    assert measured["measured"]["covered"] == python.lines.covered + 19
    assert measured["measured"]["total"] == python.lines.total + 24


@pytest.mark.parametrize(("sample", "lines", "branches"), [
    ("gcovr.info", (17, 21), (9, 14)),
    ("gcovr-clover.xml", (17, 21), None),  # gcovr's Clover has no branch data
    ("gcovr-cobertura.xml", (17, 21), (9, 14)),
    ("c8.info", (19, 24), (7, 8)),
    ("c8-clover.xml", (19, 24), (7, 8)),
    ("nyc.info", (10, 12), (7, 10)),
    ("nyc-clover.xml", (10, 12), (7, 10)),
    ("jacoco.xml", (9, 12), (8, 12)),
])
def test_real_producers(sample: str, lines: tuple[int, int],
                        branches: tuple[int, int] | None, tmp_path: Path, gate_cli) -> None:
    # Named as users name them, not as the format: the content decides.
    shutil.copy(FIXTURES / sample, tmp_path / "report.out")
    args = ["check", "--coverage-file", "report.out", "--min-coverage", "0", "--format", "json"]
    if branches is not None:
        args += ["--min-branch-coverage", "0"]
    run = gate_cli(*args)
    assert run.returncode == 0, run
    document = json.loads(run.stdout)
    checks = {c["id"]: c["measured"] for c in document["checks"]}
    assert (checks["coverage.line"]["covered"], checks["coverage.line"]["total"]) == lines
    if branches is not None:
        got = checks["coverage.branch"]
        assert (got["covered"], got["total"]) == branches
    assert document["warnings"] == []  # the producers' own totals agree with the lines


def test_gcovr_jacoco_is_refused_with_a_way_out(tmp_path: Path, gate_cli) -> None:
    shutil.copy(FIXTURES / "gcovr-jacoco.xml", tmp_path / "jacoco.xml")
    run = gate_cli("check", "--coverage-file", "jacoco.xml", "--min-coverage", "0")
    assert run.returncode == 2, run
    assert run.stderr.count("\n") == 1, run
    assert "jacoco.xml: line 3: <line> without instruction counts (mi, ci)" in run.stderr
    assert "--cobertura or --lcov" in run.stderr


def test_an_unknown_format_names_the_file_and_the_formats(tmp_path: Path, gate_cli) -> None:
    (tmp_path / "coverage.txt").write_text("Name    Stmts   Miss  Cover\n")
    run = gate_cli("check", "--coverage-file", "coverage.txt", "--min-coverage", "0")
    assert run.returncode == 2, run
    assert run.stderr.count("\n") == 1, run
    assert "coverage report is in no format the gate knows: " in run.stderr
    assert "coverage.txt: not a coverage format the gate reads" in run.stderr
    for name in ("Cobertura XML", "JaCoCo XML", "Clover XML", "LCOV", "coverage.py JSON"):
        assert name in run.stderr
