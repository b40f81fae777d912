"""`gate init`: what it writes, what it leaves alone, and what it says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate import __version__
from gate.cli import main
from gate.scaffold.plan import TEMPLATES, adapt, template_text
from gate.scaffold.project import Project
from tests.conftest import write_package

PYPROJECT = """
    [project]
    name = "shop-api"
    requires-python = ">=3.11"
    classifiers = [
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ]
"""
ALL = {".github/workflows/ci.yml", ".github/workflows/release.yml",
       ".github/workflows/quality-gate.yml", ".github/workflows/pr-comment.yml", "noxfile.py",
       ".flake8", "gate.toml"}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and "pyproject.toml" not in p.name}


def init(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    # Recording the findings baseline runs nox: tests/integration/test_init_service.py does.
    code = main(["init", str(root), "--no-baseline", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_every_file_adapted_to_the_project(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT})
    code, out, err = init(tmp_path, capsys=capsys)
    assert (code, err) == (0, "")
    assert files(tmp_path) == ALL
    ci = (tmp_path / ".github/workflows/ci.yml").read_text()
    assert 'python: ["3.11", "3.12"]' in ci
    assert 'PYTHON_VERSION: "3.12"' in ci
    assert 'PROJECT_DIR: "."' in ci
    assert f'GATE_REQUIREMENT: "releasegate=={__version__}"' in ci
    release = (tmp_path / ".github/workflows/release.yml").read_text()
    assert "https://pypi.org/p/shop-api" in release
    # Templates the project needs no change in are copied as they ship.
    for name in ("noxfile.py", ".flake8", "gate.toml"):
        assert (tmp_path / name).read_text() == template_text(name)
    assert "Python project 'shop-api' (Python 3.11, 3.12)" in out
    assert "  wrote           .github/workflows/ci.yml" in out
    assert "Next steps:" in out
    assert "python -m pip install nox uv && nox" in out
    assert 'make the "all required checks pass" job required' in out
    assert "MIN_COVERAGE, and MIN_DIFF_COVERAGE for the lines a pull request changes" in out
    assert "badge are on the releasegate-data branch" in out
    assert ".nox/ .coverage* coverage.xml htmlcov/ reports/" in out


def test_dry_run_lists_and_writes_nothing(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT, "noxfile.py": "# mine\n"})
    code, out, _ = init(tmp_path, "--dry-run", capsys=capsys)
    assert code == 0
    assert files(tmp_path) == {"noxfile.py"}
    assert (tmp_path / "noxfile.py").read_text() == "# mine\n"
    assert "  would write     .github/workflows/ci.yml" in out
    assert "  kept            noxfile.py (it exists; --force overwrites it)" in out
    assert "Next steps" not in out


def test_never_overwrites_without_force(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {
        "pyproject.toml": PYPROJECT,
        ".flake8": "[flake8]\nmax-line-length = 120\n",
        # The repository's own workflows are none of init's business.
        ".github/workflows/deploy.yml": "name: mine\n",
        ".github/workflows/ci.yml": "name: my own CI\n",
    })
    code, out, _ = init(tmp_path, capsys=capsys)
    assert code == 0
    assert (tmp_path / ".flake8").read_text() == "[flake8]\nmax-line-length = 120\n"
    assert (tmp_path / ".github/workflows/ci.yml").read_text() == "name: my own CI\n"
    assert (tmp_path / ".github/workflows/deploy.yml").read_text() == "name: mine\n"
    assert "  kept            .flake8 (it exists; --force overwrites it)" in out
    assert "compare the files kept as they were with the templates: .github/workflows/ci.yml, " \
           ".flake8" in out
    assert (tmp_path / "noxfile.py").is_file()

    code, out, _ = init(tmp_path, "--force", capsys=capsys)
    assert code == 0
    assert "  overwrote       .flake8" in out
    assert (tmp_path / ".flake8").read_text() == template_text(".flake8")
    assert (tmp_path / ".github/workflows/deploy.yml").read_text() == "name: mine\n"
    code, out, _ = init(tmp_path, capsys=capsys)
    assert out.count("  unchanged       ") == len(ALL)


def test_force_replaces_a_symlink_not_its_target(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    repo = tmp_path / "repo"
    write_package(repo, {"pyproject.toml": PYPROJECT})
    (repo / "gate.toml").symlink_to(outside)
    assert init(repo, "--force", "--only", "gate", capsys=capsys)[0] == 0
    assert outside.read_text() == "precious\n"
    assert not (repo / "gate.toml").is_symlink()
    assert (repo / "gate.toml").read_text() == template_text("gate.toml")


@pytest.mark.parametrize("only, expected", [
    (["workflows"], {f for f in ALL if f.startswith(".github/")}),
    (["noxfile", "flake8"], {"noxfile.py", ".flake8"}),
    (["gate"], {"gate.toml"}),
])
def test_only_writes_a_subset(tmp_path: Path, capsys, only, expected) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT})
    args = [a for part in only for a in ("--only", part)]
    assert init(tmp_path, *args, capsys=capsys)[0] == 0
    assert files(tmp_path) == expected


def test_project_in_a_subfolder(tmp_path: Path, capsys) -> None:
    (tmp_path / ".git").mkdir()
    write_package(tmp_path, {"backend/pyproject.toml": PYPROJECT, "frontend/index.html": ""})
    code, out, _ = init(tmp_path, capsys=capsys)
    assert code == 0
    assert files(tmp_path) - {"frontend/index.html"} == {
        ".github/workflows/ci.yml", ".github/workflows/release.yml",
        ".github/workflows/quality-gate.yml", ".github/workflows/pr-comment.yml",
        "backend/noxfile.py", "backend/.flake8", "backend/gate.toml"}
    for workflow in ("ci.yml", "release.yml"):
        assert 'PROJECT_DIR: "backend"' in (tmp_path / ".github/workflows" / workflow).read_text()
    reusable = (tmp_path / ".github/workflows/quality-gate.yml").read_text()
    assert 'default: "backend"' in reusable
    assert "Python project 'shop-api' in backend/" in out
    assert "cd backend && python -m pip install nox uv && nox" in out
    # Run from inside the subfolder, init still finds the repository root.
    code, out, _ = init(tmp_path / "backend", "--dry-run", capsys=capsys)
    assert "unchanged       .github/workflows/ci.yml" in out
    assert "unchanged       backend/noxfile.py" in out


def test_settings_that_live_elsewhere_are_left_out(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {
        "pyproject.toml": PYPROJECT + "\n[tool.gate.coverage]\nmin = 0.9\n",
        "tox.ini": "[tox]\nenvlist = py311\n\n[flake8]\nmax-line-length = 88\n",
        ".gitignore": ".nox/\n.coverage*\ncoverage.xml\nhtmlcov/\nreports/\n",
    })
    code, out, _ = init(tmp_path, capsys=capsys)
    assert code == 0
    assert not (tmp_path / "gate.toml").exists()
    assert not (tmp_path / ".flake8").exists()
    assert "left out        gate.toml (pyproject.toml has [tool.gate]" in out
    assert "left out        .flake8 (tox.ini has a [flake8] section" in out
    assert ".gitignore" not in out


def test_missing_pyproject_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    code, out, err = init(tmp_path, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err == (f"gate: error: no pyproject.toml in {tmp_path.resolve()} or the folders below "
                   "it (hint: run `gate init` in a Python project, or pass --project-dir DIR)\n")


def test_pyproject_without_versions_is_exit_2(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    code, _, err = init(tmp_path, capsys=capsys)
    assert code == 2
    assert err.startswith(f"gate: error: {tmp_path.resolve() / 'pyproject.toml'}: declares no "
                          "Python version (hint: add requires-python")
    assert err.count("\n") == 1
    assert files(tmp_path) == set()


def test_unwritable_target_is_exit_2(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT})
    (tmp_path / ".github").write_text("a file where a folder belongs")
    code, _, err = init(tmp_path, "--only", "workflows", capsys=capsys)
    assert code == 2
    assert err.startswith("gate: error: cannot write ")
    assert err.count("\n") == 1


def test_bad_part_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = init(tmp_path, "--only", "docs", capsys=capsys)
    assert code == 2
    assert "argument --only: invalid choice: 'docs'" in err


def test_defaults_to_the_current_directory(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT})
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert main(["init", "--only", "gate", "--no-baseline"]) == 0
    finally:
        os.chdir(before)
    assert files(tmp_path) == {"gate.toml"}


def test_every_substitution_hits_its_template_once(tmp_path: Path) -> None:
    project = Project(tmp_path, tmp_path / "svc", "svc", ("3.9", "3.14"), False, None)
    for template in TEMPLATES:
        original = template_text(template.source)
        adapted = adapt(template.source, original, project, version="9.9.9")
        if template.source.endswith(".yml"):
            assert adapted != original
            assert "releasegate==9.9.9" in adapted
            if template.source != "github/workflows/pr-comment.yml":  # reads no project
                assert '"svc"' in adapted
            assert '"3.14"' in adapted
        else:
            assert adapted == original
    with pytest.raises(RuntimeError, match="expected 'PROJECT_DIR: \".\"' exactly once"):
        adapt("github/workflows/ci.yml", "no such line\n", project)


def test_a_binary_file_in_the_way_is_kept(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT})
    (tmp_path / "gate.toml").write_bytes(b"\xff\xfe binary")
    code, out, _ = init(tmp_path, "--only", "gate", capsys=capsys)
    assert code == 0
    assert "  kept            gate.toml (it exists; --force overwrites it)" in out
    assert (tmp_path / "gate.toml").read_bytes() == b"\xff\xfe binary"


def test_the_projects_lint_settings_and_database_are_read(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {
        "pyproject.toml": PYPROJECT + """
            [tool.ruff]
            line-length = 120
            extend-exclude = ["alembic", "generated/*"]
        """,
        ".env": "# local settings\nPOSTGRES_SERVER=localhost\nPOSTGRES_PASSWORD=changethis\n",
        "alembic.ini": "[alembic]\n",
    })
    code, out, _ = init(tmp_path, capsys=capsys)
    assert code == 0
    flake8 = (tmp_path / ".flake8").read_text()
    assert "# The line length of [tool.ruff].\nmax-line-length = 120\n" in flake8
    assert "    htmlcov,\n    alembic,\n    generated/*\n" in flake8
    assert "Lint settings from [tool.ruff]: max-line-length 120; excludes alembic, generated/*" \
        in out
    assert "The tests use a database (.env: POSTGRES_SERVER)" in out
    assert 'SERIAL_SESSIONS = frozenset({"unit", "integration"})' in out
    assert "alembic.ini: the database needs its migrations" in out
    assert "changethis" not in out  # a value is never shown


def test_ruff_without_a_line_length_means_its_default(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT + "\n[tool.ruff]\nsrc = [\"src\"]\n"})
    init(tmp_path, "--only", "flake8", capsys=capsys)
    assert "max-line-length = 88\n" in (tmp_path / ".flake8").read_text()


def test_black_excludes_are_named_not_translated(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": PYPROJECT + """
        [tool.black]
        line-length = 99
        extend-exclude = "^/migrations/"
    """})
    _, out, _ = init(tmp_path, "--only", "flake8", capsys=capsys)
    assert "max-line-length = 99\n" in (tmp_path / ".flake8").read_text()
    assert "[tool.black] extend-exclude is a regular expression flake8 cannot take" in out
    assert "database" not in out


def test_python_versions_chosen_when_no_classifier_names_them(tmp_path: Path, capsys) -> None:
    write_package(tmp_path, {"pyproject.toml": """
        [project]
        name = "lib"
        requires-python = ">=3.8"
    """})
    _, out, _ = init(tmp_path, "--dry-run", capsys=capsys)
    assert "Python versions: no `Programming Language :: Python :: 3.X` classifier" in out
    assert "name the ones to test with `--python 3.12`" in out
    code, out, _ = init(tmp_path, "--python", "3.12", "--python", "3.11", capsys=capsys)
    assert code == 0 and "(Python 3.11, 3.12)" in out and "Python versions:" not in out
    assert 'python: ["3.11", "3.12"]' in (tmp_path / ".github/workflows/ci.yml").read_text()
    assert 'PYTHON_VERSIONS: tuple[str, ...] = ("3.11", "3.12",)' in \
        (tmp_path / "noxfile.py").read_text()
    assert main(["init", str(tmp_path), "--python", "3.7", "--dry-run"]) == 2
    assert "--python 3.7: requires-python '>=3.8' does not allow it" in capsys.readouterr().err
