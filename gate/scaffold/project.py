"""The repository `gate init` writes into: where it is, and what its pyproject.toml declares."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from gate.config import read_toml
from gate.inputs import read_optional
from gate.errors import InputError, UsageError
from gate.scaffold import lint
from gate.scaffold.lint import LintSettings
from gate.scaffold.services import database_hint

#: Python versions a `requires-python` range can expand to (as the template noxfile does).
KNOWN_PYTHONS = tuple(f"3.{minor}" for minor in range(8, 16))
#: Folders never searched for a project: environments, build output, other tools'.
SKIP_DIRS = frozenset({".git", ".venv", "venv", ".nox", ".tox", "build", "dist", "node_modules",
                       ".eggs", "htmlcov", "__pycache__", "site-packages"})
#: What may appear in a path or name written into a workflow: nothing YAML or a shell reads
#: specially.
SAFE = re.compile(r"[A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class Project:
    """A Python project inside a repository, as its pyproject.toml declares it."""

    root: Path  # the repository: .github/workflows/ goes here
    directory: Path  # the Python project: pyproject.toml, noxfile.py, gate.toml
    name: str
    pythons: tuple[str, ...]  # oldest first
    gate_settings: bool  # pyproject.toml already has [tool.gate]
    flake8_config: str | None  # setup.cfg or tox.ini when one already has a [flake8] section
    lint: LintSettings = LintSettings()  # line length and excludes of [tool.ruff]/[tool.black]
    database: str | None = None  # where a database setting of the tests was seen
    migrations: str | None = None  # alembic.ini when the project migrates its database
    chosen_pythons: bool = False  # the versions come from `--python`, not from pyproject.toml
    classifiers: bool = True  # pyproject.toml lists Python versions as classifiers

    @property
    def relative(self) -> str:
        """The project's folder from the repository root, POSIX style ("." for the root)."""
        return self.directory.relative_to(self.root).as_posix() or "."


def find(dest: Path, project_dir: Path | None = None,
         pythons: Sequence[str] = ()) -> Project:
    """The project `gate init DEST [--project-dir DIR] [--python X.Y ...]` is about."""
    if not dest.is_dir():
        raise UsageError(f"DEST {dest}: not a directory")
    dest = dest.resolve()
    if project_dir is not None:
        root, directory = dest, (dest / project_dir).resolve()
        if not directory.is_relative_to(root):
            raise UsageError(f"--project-dir {project_dir}: outside {dest}",
                             "give a folder inside the repository")
        if not (directory / "pyproject.toml").is_file():
            raise InputError(f"--project-dir {project_dir}: no pyproject.toml in {directory}")
    elif (dest / "pyproject.toml").is_file():
        root, directory = _repository_root(dest), dest
    else:
        root, directory = dest, _only_subproject(dest)
    if not SAFE.fullmatch(directory.relative_to(root).as_posix() or "."):
        raise UsageError(f"project folder {directory.relative_to(root)}: only letters, digits "
                         "and . _ / - can be written into a workflow safely",
                         "rename the folder")
    project = _read(root, directory)
    if not pythons:
        return project
    chosen = choose_pythons(pythons, directory / "pyproject.toml")
    return replace(project, pythons=chosen, chosen_pythons=True)


def choose_pythons(pythons: Sequence[str], path: Path) -> tuple[str, ...]:
    """`--python` versions, checked against what the project's requires-python allows."""
    table = _table(read_toml(path, "project file"), "project")
    spec = table.get("requires-python")
    clauses = _parse_specifier(spec, str(path)) if isinstance(spec, str) else []
    chosen = []
    for version in pythons:
        if not re.fullmatch(r"3\.\d{1,2}", version):
            raise UsageError(f"--python {version}: expected a version like 3.12")
        if not _allows(clauses, version):
            raise UsageError(f"--python {version}: requires-python {spec!r} does not allow it")
        chosen.append(version)
    return tuple(sorted(set(chosen), key=_minor))


def _repository_root(folder: Path) -> Path:
    """The git work tree `folder` is in (the folder itself when it is in none)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _only_subproject(dest: Path) -> Path:
    """The one folder (one or two levels down) holding a pyproject.toml."""
    found = []
    for child in sorted(dest.iterdir()):
        if not child.is_dir() or child.name in SKIP_DIRS or child.name.startswith("."):
            continue
        if (child / "pyproject.toml").is_file():
            found.append(child)
            continue
        found += [grandchild for grandchild in sorted(child.iterdir())
                  if grandchild.is_dir() and grandchild.name not in SKIP_DIRS
                  and not grandchild.name.startswith(".")
                  and (grandchild / "pyproject.toml").is_file()]
    if not found:
        raise InputError(f"no pyproject.toml in {dest} or the folders below it",
                         "run `gate init` in a Python project, or pass --project-dir DIR")
    if len(found) > 1:
        names = ", ".join(p.relative_to(dest).as_posix() + "/" for p in found)
        raise UsageError(f"several Python projects in {dest}: {names}",
                         "choose one with --project-dir DIR")
    return found[0]


def _read(root: Path, directory: Path) -> Project:
    path = directory / "pyproject.toml"
    data = read_toml(path, "project file")
    project, tool = _table(data, "project"), _table(data, "tool")
    poetry = _table(tool, "poetry")
    name = project.get("name") or poetry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{path}: no [project] name",
                         'add name = "your-package" under [project]')
    if not SAFE.fullmatch(name) or "/" in name:
        raise InputError(f"{path}: [project] name {name!r} is not a valid package name")
    pythons = declared_pythons(project, str(path))
    classified = any(re.fullmatch(r"Programming Language :: Python :: 3\.\d+", str(c))
                     for c in project.get("classifiers") or ())
    migrations = "alembic.ini" if (directory / "alembic.ini").is_file() else None
    return Project(root, directory, name, pythons, "gate" in tool, _flake8_config(directory),
                   lint.read(data), database_hint(root, directory), migrations,
                   classifiers=classified)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _flake8_config(directory: Path) -> str | None:
    """setup.cfg or tox.ini when it has a [flake8] section (flake8 would ignore a .flake8)."""
    for name in ("setup.cfg", "tox.ini"):
        text = read_optional(directory / name, name)
        if text is None:
            continue
        if re.search(r"^\[flake8\]", text, re.MULTILINE):
            return name
    return None


def declared_pythons(project: dict[str, Any], where: str) -> tuple[str, ...]:
    """The Python versions a [project] table supports: its classifiers within requires-python,
    else every known version requires-python allows."""
    spec = project.get("requires-python")
    if spec is not None and not isinstance(spec, str):
        raise InputError(f"{where}: requires-python must be a string")
    allowed = _parse_specifier(spec, where) if spec else []
    found = set()
    for classifier in project.get("classifiers") or ():
        match = re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", str(classifier))
        if match:
            found.add(match.group(1))
    if not found and spec:
        found = set(KNOWN_PYTHONS)
    versions = sorted((v for v in found if _allows(allowed, v)), key=_minor)
    if not versions:
        raise InputError(
            f"{where}: declares no Python version" + (f" that {spec!r} allows" if found else ""),
            'add requires-python = ">=3.10" (or "Programming Language :: Python :: 3.X" '
            "classifiers) under [project]",
        )
    return tuple(versions)


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


Clause = tuple[str, tuple[int, ...], bool]  # operator, version, ends with .*


def _parse_specifier(spec: str, where: str) -> list[Clause]:
    """A PEP 440 specifier set as clauses; only what requires-python uses in practice."""
    clauses = []
    for raw in spec.split(","):
        match = re.fullmatch(r"\s*(~=|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?\s*", raw)
        if not match or (match.group(3) and match.group(1) not in ("==", "!=")):
            raise InputError(f"{where}: cannot read requires-python {spec!r}",
                             'write it like ">=3.10" or ">=3.10,<4"')
        clauses.append((match.group(1), _minor(match.group(2)), bool(match.group(3))))
    return clauses


def _allows(clauses: list[Clause], version: str) -> bool:
    """Whether some release of the minor version `version` (3.X.0 ... 3.X.99) is allowed."""
    return any(all(_holds(c, _minor(version) + (patch,)) for c in clauses)
               for patch in range(100))


def _holds(clause: Clause, release: tuple[int, ...]) -> bool:
    op, wanted, wildcard = clause
    width = max(len(wanted), len(release))
    have = release + (0,) * (width - len(release))
    want = wanted + (0,) * (width - len(wanted))
    if wildcard:
        same = release[: len(wanted)] == wanted
        return same if op == "==" else not same
    if op == "~=":
        return have >= want and release[: len(wanted) - 1] == wanted[:-1]
    return {"==": have == want, "!=": have != want, "<=": have <= want, ">=": have >= want,
            "<": have < want, ">": have > want}[op]
