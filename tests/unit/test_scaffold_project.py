"""`gate init` reads the target's pyproject.toml: where the project is, its name, its Pythons."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.errors import InputError, UsageError
from gate.scaffold.project import declared_pythons, find
from tests.conftest import write_package

CLASSIFIERS = [f"Programming Language :: Python :: 3.{m}" for m in (10, 11, 12)]


def pyproject(name: str = "demo", requires: str | None = ">=3.10", classifiers=(),
              extra: str = "") -> str:
    lines = ["[project]", f'name = "{name}"']
    if requires is not None:
        lines.append(f'requires-python = "{requires}"')
    if classifiers:
        lines.append("classifiers = [" + ", ".join(f'"{c}"' for c in classifiers) + "]")
    return "\n".join(lines) + "\n" + extra


@pytest.mark.parametrize("table, expected", [
    ({"requires-python": ">=3.10", "classifiers": CLASSIFIERS}, ("3.10", "3.11", "3.12")),
    # Classifiers are the project's word; requires-python still bounds them.
    ({"requires-python": ">=3.11", "classifiers": CLASSIFIERS}, ("3.11", "3.12")),
    ({"classifiers": ["Programming Language :: Python :: 3 :: Only", *CLASSIFIERS[1:]]},
     ("3.11", "3.12")),
    ({"requires-python": ">=3.12"}, ("3.12", "3.13", "3.14", "3.15")),
    ({"requires-python": ">=3.10, <3.13"}, ("3.10", "3.11", "3.12")),
    ({"requires-python": "~=3.11"}, ("3.11", "3.12", "3.13", "3.14", "3.15")),
    ({"requires-python": "~=3.11.2"}, ("3.11",)),
    ({"requires-python": "==3.12.*"}, ("3.12",)),
    ({"requires-python": ">=3.10,!=3.11.*,<3.13"}, ("3.10", "3.12")),
    ({"requires-python": ">3.11.4,<=3.12.1"}, ("3.11", "3.12")),
    ({"requires-python": "==3.11.4"}, ("3.11",)),
])
def test_declared_pythons(table, expected) -> None:
    assert declared_pythons(table, "pyproject.toml") == expected


@pytest.mark.parametrize("table, message", [
    ({}, "declares no Python version"),
    ({"classifiers": ["Programming Language :: Python :: 3"]}, "declares no Python version"),
    ({"requires-python": "<3.0"}, "declares no Python version that '<3.0' allows"),
    ({"requires-python": ">=3.10", "classifiers": ["Programming Language :: Python :: 3.9"]},
     "that '>=3.10' allows"),
    ({"requires-python": "3.10+"}, "cannot read requires-python '3.10+'"),
    ({"requires-python": ">=3.*"}, "cannot read requires-python"),
    ({"requires-python": 3.10}, "requires-python must be a string"),
])
def test_declared_pythons_errors(table, message) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace("+", r"\+")):
        declared_pythons(table, "pyproject.toml")


def test_project_at_the_root(tmp_path: Path) -> None:
    write_package(tmp_path, {"pyproject.toml": pyproject("My.Service", classifiers=CLASSIFIERS)})
    project = find(tmp_path)
    assert (project.root, project.directory) == (tmp_path, tmp_path)
    assert project.relative == "."
    assert project.name == "My.Service"
    assert project.pythons == ("3.10", "3.11", "3.12")
    assert not project.gate_settings and project.flake8_config is None


def test_project_found_in_a_subfolder(tmp_path: Path) -> None:
    write_package(tmp_path, {
        "backend/pyproject.toml": pyproject("api"),
        "frontend/package.json": "{}",
        # Never searched: environments and other tools' folders hold pyproject.toml files too.
        ".venv/lib/pyproject.toml": pyproject("noise"),
        "node_modules/pkg/pyproject.toml": pyproject("noise"),
    })
    project = find(tmp_path)
    assert project.directory == tmp_path / "backend"
    assert project.relative == "backend"


def test_project_two_levels_down(tmp_path: Path) -> None:
    write_package(tmp_path, {"services/api/pyproject.toml": pyproject("api")})
    assert find(tmp_path).relative == "services/api"


def test_dest_inside_a_git_repository_writes_workflows_at_its_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_package(tmp_path, {"backend/pyproject.toml": pyproject("api")})
    project = find(tmp_path / "backend")
    assert project.root == tmp_path
    assert project.relative == "backend"


def test_project_dir_flag(tmp_path: Path) -> None:
    write_package(tmp_path, {"a/pyproject.toml": pyproject("a"), "b/pyproject.toml": pyproject("b")})
    assert find(tmp_path, Path("b")).name == "b"
    with pytest.raises(UsageError, match=r"several Python projects in .*: a/, b/ \(hint: choose "
                                         r"one with --project-dir DIR\)"):
        find(tmp_path)


@pytest.mark.parametrize("files, project_dir, error, message", [
    ({}, None, InputError, "no pyproject.toml in"),
    ({"x/pyproject.toml": pyproject()}, Path("y"), InputError, "--project-dir y: no pyproject"),
    ({"pyproject.toml": pyproject()}, Path(".."), UsageError, r"--project-dir \.\.: outside"),
    ({"pyproject.toml": "[project\nname ="}, None, InputError, "is not valid TOML"),
    ({"pyproject.toml": "[build-system]\n"}, None, InputError, r"no \[project\] name"),
    ({"pyproject.toml": pyproject('bad name')}, None, InputError, "not a valid package name"),
    ({"pyproject.toml": pyproject(requires=None)}, None, InputError, "declares no Python"),
    ({"we ird/pyproject.toml": pyproject()}, None, UsageError, "can be written into a workflow"),
])
def test_errors_name_the_input(tmp_path: Path, files, project_dir, error, message) -> None:
    write_package(tmp_path, files)
    with pytest.raises(error, match=message):
        find(tmp_path, project_dir)


def test_dest_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        find(tmp_path / "nowhere")


def test_poetry_name_and_existing_settings(tmp_path: Path) -> None:
    write_package(tmp_path, {
        "pyproject.toml": '[project]\nrequires-python = ">=3.11"\n'
                          '[tool.poetry]\nname = "poetic"\n[tool.gate.coverage]\nmin = 0.9\n',
        "setup.cfg": "[metadata]\nname = poetic\n\n[flake8]\nmax-line-length = 88\n",
    })
    project = find(tmp_path)
    assert project.name == "poetic"
    assert project.gate_settings
    assert project.flake8_config == "setup.cfg"


def test_a_pyproject_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    with pytest.raises(InputError, match="project file is not UTF-8 text: .*pyproject.toml"):
        find(tmp_path)
