"""Diff coverage on real git repositories with reports coverage.py really wrote."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import measure, write_package
from tests.integration.gitrepo import EXPECTED, build_project, commit_all, git

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The feature branch checked out, measured by coverage.py: tests only read it."""
    root = build_project(tmp_path_factory.mktemp("diff") / "repo")
    measure(root)
    return root


def diff_data(run) -> dict:
    """The coverage.diff check of a `--format json` run."""
    assert run.stdout.startswith("{"), run
    document = json.loads(run.stdout)
    (check,) = [c for c in document["checks"] if c["id"] == "coverage.diff"]
    return check


def test_diff_figures_are_exact(project: Path, gate_cli) -> None:
    run = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "80%",
                   "--format", "json", cwd=project)
    assert run.returncode == 1, run
    check = diff_data(run)
    assert check["status"] == "fail"
    assert check["measured"] == {"covered": 10, "total": 14, "ratio": 10 / 14}
    rows = {row["path"]: {k: row[k] for k in ("changed", "measured", "covered", "missing")}
            for row in check["data"]["files"]}
    assert rows == EXPECTED
    # The deleted file is ignored, the renamed one is followed (only its edited lines count),
    # the tests are changed files the report does not measure.
    assert check["data"]["not_in_report"] == ["tests/test_base.py", "tests/test_feature.py"]
    assert check["data"]["changed_lines"] == 10 + 8 + 2 + 1 + 14
    base = git(project, "merge-base", "main", "HEAD").strip()
    assert check["data"]["merge_base"] == base
    assert check["findings"] == [
        {"message": "pkg/calc.py: 15", "file": "pkg/calc.py", "line": 15},
        {"message": "pkg/fmt.py: 8", "file": "pkg/fmt.py", "line": 8},
        {"message": "pkg/shapes.py: 6-7", "file": "pkg/shapes.py", "line": 6, "end_line": 7},
    ]


def test_text_report_and_threshold(project: Path, gate_cli) -> None:
    blocked = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "0.72",
                       cwd=project)
    assert blocked.returncode == 1, blocked
    assert "diff coverage 71.42% (10/14) < 72.00% on lines changed since main" in blocked.stdout
    assert "- pkg/shapes.py: 6-7" in blocked.stdout
    allowed = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "0.71",
                       cwd=project)
    assert allowed.returncode == 0, allowed
    assert "diff coverage 71.42% (10/14) >= 71.00%" in allowed.stdout


def test_matches_diff_cover(project: Path, gate_cli) -> None:
    """diff-cover, run on the same repository and report, is the reference."""
    exe = shutil.which("diff-cover", path=str(Path(sys.executable).parent))
    assert exe is not None, "diff-cover is in the test dependency group"
    out = project / "diff-cover.json"
    subprocess.run([exe, "coverage.xml", "--compare-branch=main", "--format", f"json:{out}"],
                   cwd=project, env=child_env(nested=True), check=True, capture_output=True,
                   timeout=120)
    reference = json.loads(out.read_text())
    ours = diff_data(gate_cli("check", "--diff-against", "main", "--format", "json",
                              cwd=project))
    assert ours["measured"]["total"] == reference["total_num_lines"] == 14
    assert ours["measured"]["total"] - ours["measured"]["covered"] \
        == reference["total_num_violations"] == 4
    assert ours["data"]["changed_lines"] == reference["num_changed_lines"]
    by_file = {row["path"]: row for row in ours["data"]["files"]}
    assert set(by_file) == set(reference["src_stats"])
    for path, stats in reference["src_stats"].items():
        assert by_file[path]["measured"] == len(stats["violation_lines"]) \
            + len(stats["covered_lines"])
        assert by_file[path]["covered"] == len(stats["covered_lines"])


def test_working_tree_changes_count(project: Path, tmp_path: Path, gate_cli) -> None:
    """Uncommitted edits are part of the change: the diff ends at the working tree."""
    root = tmp_path / "repo"
    shutil.copytree(project, root)
    calc = root / "pkg/calc.py"
    calc.write_text(calc.read_text() + "\n\ndef neg(a):\n    return -a\n")
    measure(root)
    run = gate_cli("check", "--diff-against", "main", "--format", "json", cwd=root)
    rows = {row["path"]: row for row in diff_data(run)["data"]["files"]}
    assert rows["pkg/calc.py"]["changed"] == 14
    assert rows["pkg/calc.py"]["missing"] == "15, 20"


def test_diff_min_lines_lets_a_small_change_pass(tmp_path: Path, gate_cli) -> None:
    root = tmp_path / "repo"
    build_project(root, main_moves_on=False)
    git(root, "checkout", "-q", "-b", "fix", "main")
    calc = root / "pkg/calc.py"
    calc.write_text(calc.read_text().replace("return a - b", "return a - b - 0"))
    commit_all(root, "one-line fix")
    measure(root)
    failing = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "80%",
                       cwd=root)
    assert failing.returncode == 1, failing
    assert "0.00% (0/1) < 80.00%" in failing.stdout
    noted = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "80%",
                     "--diff-min-lines", "3", cwd=root)
    assert noted.returncode == 0, noted
    assert ("diff coverage 0.00% (0/1) since main" in noted.stdout
            and "fewer than --diff-min-lines 3, so not gated" in noted.stdout), noted


@pytest.mark.parametrize("prefix", ["lib/", "/build/other-project/"])
def test_a_report_naming_no_file_of_the_repository_cannot_be_evaluated(
        project: Path, tmp_path: Path, gate_cli, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Another project's report, or paths nothing maps here: every pull request would pass."""
    report = tmp_path / "coverage.xml"
    text = (project / "coverage.xml").read_text()
    assert 'filename="pkg/calc.py"' in text
    report.write_text(text.replace('filename="pkg/', f'filename="{prefix}').replace(
        'filename="tests/', f'filename="{prefix}tests-'))
    run = gate_cli("check", "--coverage-file", str(report), "--diff-against", "main",
                   "--min-diff-coverage", "80%", cwd=project)
    assert run.returncode == 2, run
    assert run.stdout == "" and run.stderr.count("\n") == 1, run
    assert run.stderr.startswith("gate: error: diff coverage: no file the coverage report names "
                                 f"is in this repository ({prefix}"), run
    assert "--path-map FROM=TO" in run.stderr and "relative_files" in run.stderr, run
    mapped = gate_cli("check", "--coverage-file", str(report), "--diff-against", "main",
                      "--min-diff-coverage", "80%", "--path-map", f"{prefix}=pkg/", cwd=project)
    assert mapped.returncode == 1, mapped
    assert "(10/14)" in mapped.stdout


def test_a_change_that_touches_no_reported_file_passes_with_a_note(
        project: Path, tmp_path: Path, gate_cli) -> None:  # type: ignore[no-untyped-def]
    """The report's files are here, the change is elsewhere (docs, tests): nothing to gate."""
    root = tmp_path / "repo"
    shutil.copytree(project, root)  # the shared project stays as it is
    git(root, "checkout", "-q", "-b", "docs-only")  # from feature, which the report measured
    (root / "README.md").write_text("# shop\n\nHow to run it.\n")
    (root / "tests" / "test_more.py").write_text("def test_more():\n    assert True\n")
    git(root, "add", "README.md", "tests/test_more.py")
    git(root, "commit", "-q", "-m", "docs and a test")
    run = gate_cli("check", "--diff-against", "feature", "--min-diff-coverage", "80%",
                   cwd=root)
    assert run.returncode == 0, run
    assert ("no changed line is in the coverage report: none of the 2 changed files"
            in run.stdout), run
    assert "warning" not in run.stdout + run.stderr, run


def test_report_made_elsewhere_is_mapped(project: Path, tmp_path: Path, gate_cli) -> None:
    """Absolute names from a container (/app/...) map by their tail, without configuration."""
    report = tmp_path / "coverage.xml"
    text, count = re.subn(r"<source>[^<]*</source>", "<source>/app/checkout</source>",
                          (project / "coverage.xml").read_text())
    assert count == 1
    report.write_text(text.replace('filename="pkg/', 'filename="/app/checkout/pkg/'))
    run = gate_cli("check", "--coverage-file", str(report), "--diff-against", "main",
                   "--format", "json", cwd=project)
    assert diff_data(run)["measured"] == {"covered": 10, "total": 14, "ratio": 10 / 14}


def test_src_layout(tmp_path: Path, gate_cli) -> None:
    """A src/ layout measured with relative_files and without: the same figures."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_package(root, {
        ".gitignore": "__pycache__/\n.coverage*\ncoverage.xml\n",
        "src/app/__init__.py": "",
        "src/app/core.py": "def one():\n    return 1\n",
        "tests/conftest.py": "import sys\nsys.path.insert(0, 'src')\n",
        "tests/test_core.py": "from app.core import one\n\n\ndef test_one():\n"
                              "    assert one() == 1\n",
    })
    commit_all(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    write_package(root, {"src/app/core.py": "def one():\n    return 1\n\n\ndef two():\n"
                                            "    return 2\n"})
    commit_all(root, "two")
    for relative in (False, True):
        (root / ".coveragerc").write_text(f"[run]\nrelative_files = {relative}\n")
        measure(root, source="app")
        run = gate_cli("check", "--diff-against", "main", "--format", "json", cwd=root)
        check = diff_data(run)
        assert check["measured"]["covered"] == 1 and check["measured"]["total"] == 2, run
        assert check["findings"][0]["file"] == "src/app/core.py"


def test_gate_in_a_subfolder_uses_repository_paths(project: Path, gate_cli) -> None:
    sub = project / "tests"
    run = gate_cli("check", "--coverage-file", "../coverage.xml", "--diff-against", "main",
                   "--format", "json", cwd=sub)
    check = diff_data(run)
    assert check["measured"]["total"] == 14, run
    assert check["findings"][0]["file"] == "pkg/calc.py"


def test_relative_report_in_a_subproject(tmp_path: Path, gate_cli) -> None:
    """A monorepo: relative_files names from service/, the gate run at the repository root."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_package(root, {
        ".gitignore": "__pycache__/\n.coverage*\ncoverage.xml\n",
        "service/.coveragerc": "[run]\nrelative_files = true\n",
        "service/pkg/__init__.py": "",
        "service/pkg/mod.py": "def one():\n    return 1\n",
        "service/test_mod.py": "from pkg.mod import one\n\n\ndef test_one():\n"
                               "    assert one() == 1\n",
    })
    commit_all(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "service/pkg/mod.py").write_text("def one():\n    return 1\n\n\ndef two():\n"
                                             "    return 2\n")
    commit_all(root, "two")
    measure(root / "service")
    assert 'filename="pkg/mod.py"' in (root / "service/coverage.xml").read_text()
    run = gate_cli("check", "--coverage-file", "service/coverage.xml", "--diff-against", "main",
                   "--format", "json", cwd=root)
    check = diff_data(run)
    assert check["measured"]["covered"] == 1 and check["measured"]["total"] == 2, run
    assert check["findings"][0]["file"] == "service/pkg/mod.py"
    assert check["findings"][0]["line"] == 6


def test_github_annotations_point_at_uncovered_lines(
        project: Path, tmp_path: Path, gate_cli) -> None:
    outputs = tmp_path / "github-output.txt"
    run = gate_cli("check", "--diff-against", "main", "--min-diff-coverage", "90%", cwd=project,
                   env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs)})
    assert run.returncode == 1, run
    assert ("::error file=pkg/shapes.py,line=6,endLine=7,title=releasegate coverage.diff::"
            "pkg/shapes.py: 6-7") in run.stdout
    assert "::error file=pkg/calc.py,line=15,title=releasegate coverage.diff::" in run.stdout
    assert "diff-coverage=71.42\n" in outputs.read_text()


def test_settings_file_keys(project: Path, tmp_path: Path, gate_cli) -> None:
    settings = tmp_path / "gate.toml"
    settings.write_text(
        '[coverage]\ndiff-against = "main"\nmin-diff = "75%"\ndiff-min-lines = 2\n'
        'path-map = ["lib/=pkg/"]\n'
    )
    run = gate_cli("check", "--config", str(settings), cwd=project)
    assert run.returncode == 1, run
    assert "diff coverage 71.42% (10/14) < 75.00%" in run.stdout


def test_threshold_without_ref_skips(project: Path, tmp_path: Path, gate_cli) -> None:
    settings = tmp_path / "gate.toml"
    settings.write_text('[coverage]\nmin-diff = "75%"\n')
    run = gate_cli("check", "--config", str(settings), cwd=project)
    assert run.returncode == 0, run
    assert "SKIP   coverage.diff  no --diff-against REF given" in run.stdout


# Evaluation errors: a ref that is not here, a shallow clone, no repository -----------------


def test_unknown_ref_is_an_evaluation_error(project: Path, gate_cli) -> None:
    run = gate_cli("check", "--diff-against", "origin/main", cwd=project)
    assert run.returncode == 2, run
    assert run.stderr.count("\n") == 1, run
    assert "--diff-against origin/main: no such branch, tag or commit" in run.stderr
    assert "fetch it first (`git fetch origin main`)" in run.stderr
    assert "fetch-depth: 0" in run.stderr and '"$GITHUB_BASE_REF"' in run.stderr


def test_shallow_clone_says_how_to_fetch(project: Path, tmp_path: Path, gate_cli) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature",
        project.as_uri(), str(clone))  # a file:// URL: --depth is honoured
    shutil.copy(project / "coverage.xml", clone / "coverage.xml")
    missing = gate_cli("check", "--diff-against", "origin/main", cwd=clone)
    assert missing.returncode == 2, missing
    assert "(a shallow clone)" in missing.stderr and "fetch-depth: 0" in missing.stderr
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    no_base = gate_cli("check", "--diff-against", "origin/main", cwd=clone)
    assert no_base.returncode == 2, no_base
    assert "merge base of origin/main and HEAD is not in this shallow clone" in no_base.stderr
    assert "fetch-depth: 0" in no_base.stderr
    git(clone, "fetch", "-q", "--unshallow", "origin")
    fixed = gate_cli("check", "--diff-against", "origin/main", "--format", "json", cwd=clone)
    assert fixed.returncode == 0, fixed
    assert diff_data(fixed)["measured"]["total"] == 14


def test_outside_a_repository(tmp_path: Path, gate_cli) -> None:
    write_package(tmp_path, {
        "pkg/__init__.py": "X = 1\n",
        "test_x.py": "import pkg\n\n\ndef test_x():\n    assert pkg.X\n",
    })
    measure(tmp_path)
    run = gate_cli("check", "--diff-against", "main", cwd=tmp_path,
                   env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert run.returncode == 2, run
    assert "cannot find the repository with git" in run.stderr
    assert "run the gate inside the project's git checkout" in run.stderr


def test_option_like_ref_is_a_usage_error(project: Path, gate_cli) -> None:
    run = gate_cli("check", "--diff-against=--output=x", cwd=project)
    assert run.returncode == 2, run
    assert "is not a git branch, tag or commit" in run.stderr


def test_unrelated_history(project: Path, tmp_path: Path, gate_cli) -> None:
    root = tmp_path / "repo"
    shutil.copytree(project, root)
    git(root, "checkout", "-q", "--orphan", "elsewhere")
    git(root, "commit", "-q", "-m", "a new root")
    run = gate_cli("check", "--diff-against", "main", cwd=root)
    assert run.returncode == 2, run
    assert "main and HEAD have no common ancestor" in run.stderr


def test_git_not_installed(project: Path, tmp_path: Path, gate_cli) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    run = gate_cli("check", "--diff-against", "main", cwd=project, env={"PATH": str(empty)})
    assert run.returncode == 2, run
    assert "--diff-against needs git, and git is not on PATH" in run.stderr
