"""The ratchet: real coverage.py reports, a baseline from an earlier run, the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import measure, write_package

pytestmark = pytest.mark.integration

PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/m.py": """\
        def f(x):
            if x > 0:
                return "pos"
            return "neg"


        def g():
            return 1
        """,
    "pkg/n.py": """\
        def h():
            return 2
        """,
}
#: Every line and branch runs: 8/8 lines, 2/2 branches.
FULL = """\
    from pkg.m import f, g
    from pkg.n import h


    def test_all():
        assert f(1) == "pos" and f(-1) == "neg" and g() == 1 and h() == 2
    """
#: pkg/m.py loses lines 4 and 8: 6/8 lines, 1/2 branches.
LESS = """\
    from pkg.m import f
    from pkg.n import h


    def test_some():
        assert f(1) == "pos" and h() == 2
    """


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The package's coverage.xml measured with each test file (once per module)."""
    made = {}
    for name, tests in (("FULL", FULL), ("LESS", LESS)):
        root = tmp_path_factory.mktemp(name.lower())
        write_package(root, {**PACKAGE, "test_pkg.py": tests})
        made[name] = measure(root, test_args=("-q", "-p", "no:cacheprovider", "test_pkg.py"))
    return made


@pytest.fixture
def measured(tmp_path: Path, reports: dict[str, Path]):
    """measured(FULL|LESS): the coverage.xml of those tests, as tmp_path/coverage.xml."""

    def use(tests: str) -> Path:
        name = "FULL" if tests == FULL else "LESS"
        return Path(shutil.copy(reports[name], tmp_path / "coverage.xml"))

    return use


def checks(path: Path) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads(path.read_text())["checks"]}


def test_a_drop_fails_with_before_and_after_counts(tmp_path: Path, measured, gate_cli) -> None:
    measured(FULL)
    first = gate_cli("check", "--min-coverage", "0", "--format", "json", "--output", "base.json")
    assert first.returncode == 0, first
    shutil.copy(tmp_path / "coverage.xml", tmp_path / "base.xml")
    measured(LESS)
    for baseline in ("base.json", "base.xml"):
        run = gate_cli("check", "--baseline", baseline)
        assert run.returncode == 1, run
        assert ("FAIL   coverage.ratchet  line 100.00% (8/8) -> 75.00% (6/8);"
                " branch 100.00% (2/2) -> 50.00% (1/2): line coverage fell 25.00 points,"
                " branch coverage fell 50.00 points, 1 file(s) lost covered lines"
                " (max drop 0.00 points)") in run.stdout, run
        assert "- pkg/m.py: lost 2 covered line(s): 6/6 -> 4/6" in run.stdout


def test_max_drop_is_inclusive_and_files_still_count(tmp_path: Path, measured,
                                                     gate_cli) -> None:
    measured(FULL)
    gate_cli("check", "--min-coverage", "0", "--format", "json", "--output", "base.json")
    measured(LESS)
    run = gate_cli("check", "--baseline", "base.json", "--max-drop", "50%", "--format", "json",
                   "--output", "after.json")
    assert run.returncode == 1, run
    ratchet = checks(tmp_path / "after.json")["coverage.ratchet"]
    assert [f["message"] for f in ratchet["findings"]] == [
        "pkg/m.py: lost 2 covered line(s): 6/6 -> 4/6"]
    assert ratchet["data"]["baseline"]["lines"] == {"covered": 8, "total": 8}
    assert ratchet["measured"] == {"covered": 6, "total": 8, "ratio": 0.75}
    only_totals = gate_cli("check", "--baseline", "base.json", "--max-drop", "50%",
                           "--exclude", "pkg/m.py")
    assert only_totals.returncode == 0, only_totals


def test_the_json_report_is_the_next_baseline(tmp_path: Path, measured, gate_cli) -> None:
    """A run's `--format json --output` feeds the next run, whichever checks it had."""
    measured(LESS)
    first = gate_cli("check", "--min-coverage", "0", "--min-branch-coverage", "0",
                     "--format", "json", "--output", "one.json")
    assert first.returncode == 0, first
    second = gate_cli("check", "--baseline", "one.json", "--format", "json",
                      "--output", "two.json")
    assert second.returncode == 0, second
    assert "coverage.line" not in checks(tmp_path / "two.json")  # only the ratchet ran
    third = gate_cli("check", "--baseline", "two.json", "--format", "json",
                     "--output", "three.json")
    assert third.returncode == 0, third
    for name in ("two.json", "three.json"):
        ratchet = checks(tmp_path / name)["coverage.ratchet"]
        assert ratchet["summary"] == ("line 75.00% (6/8) -> 75.00% (6/8);"
                                      " branch 50.00% (1/2) -> 50.00% (1/2) (max drop 0.00 points)")
        assert ratchet["data"]["has_branches"] is True
    measured(FULL)
    better = gate_cli("check", "--baseline", "three.json")
    assert better.returncode == 0, better
    assert "line 75.00% (6/8) -> 100.00% (8/8)" in better.stdout


def test_settings_keys_and_skip_without_baseline(tmp_path: Path, measured, gate_cli) -> None:
    measured(FULL)
    gate_cli("check", "--min-coverage", "0", "--format", "json", "--output", "base.json")
    measured(LESS)
    (tmp_path / "gate.toml").write_text('[coverage]\nbaseline = "base.json"\nmax-drop = 0.3\n')
    run = gate_cli("check")
    assert run.returncode == 1, run
    assert "(max drop 30.00 points)" in run.stdout
    (tmp_path / "gate.toml").write_text('[coverage]\nmax-drop = "1%"\n')
    skipped = gate_cli("check")
    assert skipped.returncode == 0, skipped
    assert ("SKIP   coverage.ratchet  no --baseline PATH or --baseline-branch REF given"
            in skipped.stdout)


@pytest.mark.parametrize(("content", "message"), [
    (None, "baseline not found"),
    ("", "baseline is empty"),
    ("hello", "neither a coverage report (Cobertura, JaCoCo, Clover, LCOV, coverage.py JSON)"
              " nor a releasegate JSON report"),
    ("{", "baseline is not valid JSON"),
    ('{"schema_version": 1, "checks": []}', "baseline JSON has no per-file coverage counts"),
    ('{"schema_version": 99, "checks": []}', "newer than this releasegate reads"),
    ("<html></html>", "XML whose root element is <html>"),
])
def test_bad_baselines_cannot_be_evaluated(tmp_path: Path, measured, gate_cli, content,
                                           message) -> None:
    measured(FULL)
    if content is not None:
        (tmp_path / "base").write_text(content)
    run = gate_cli("check", "--baseline", "base")
    assert run.returncode == 2, run
    assert message in run.stderr and run.stderr.startswith("gate: error: "), run
    assert run.stderr.count("\n") == 1, run
