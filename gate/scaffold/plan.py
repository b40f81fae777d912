"""What `gate init` writes where: the templates, adapted to the project, and each file's fate."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gate import __version__
from gate.inputs import read_optional
from gate.scaffold.lint import adapt_flake8
from gate.scaffold.project import Project


@dataclass(frozen=True)
class Template:
    """One template file: where it ships, where it goes, which part it belongs to."""

    source: str  # path below templates/ (and gate/_templates/ in the package)
    target: str  # path below the repository root (at_root) or the project folder
    part: str
    at_root: bool = False


TEMPLATES = (
    Template("github/workflows/ci.yml", ".github/workflows/ci.yml", "workflows", at_root=True),
    Template("github/workflows/release.yml", ".github/workflows/release.yml", "workflows",
             at_root=True),
    Template("github/workflows/quality-gate.yml", ".github/workflows/quality-gate.yml",
             "workflows", at_root=True),
    Template("github/workflows/pr-comment.yml", ".github/workflows/pr-comment.yml",
             "workflows", at_root=True),
    Template("noxfile.py", "noxfile.py", "noxfile"),
    Template(".flake8", ".flake8", "flake8"),
    Template("gate.toml", "gate.toml", "gate"),
)

#: What each fate is called in the listing.
WRITE, OVERWRITE, UNCHANGED, EXISTS, LEFT_OUT = (
    "write", "overwrite", "unchanged", "exists", "left out")


@dataclass(frozen=True)
class Action:
    """One file's fate: written, overwritten, already identical, or left as it is (and why)."""

    path: Path
    shown: str  # the path from the repository root, for messages
    fate: str
    text: str = ""
    reason: str = ""

    @property
    def writes(self) -> bool:
        """Whether carrying out this action changes a file."""
        return self.fate in (WRITE, OVERWRITE)


def template_text(source: str) -> str:
    """A template as shipped inside the package."""
    return (resources.files("gate") / "_templates" / source).read_text(encoding="utf-8")


def adapt(source: str, text: str, project: Project, version: str = __version__) -> str:
    """The template `source` with the project's folder, Python versions and name filled in.

    Each template carries working defaults (so it passes the linters as it is); adapting
    replaces exactly those lines, and a line that is not there is a bug, never skipped.
    """
    for old, new in substitutions(project, version).get(source, ()):
        if text.count(old) != 1:
            raise RuntimeError(f"template {source}: expected {old!r} exactly once")
        text = text.replace(old, new)
    return text


def substitutions(project: Project, version: str) -> dict[str, list[tuple[str, str]]]:
    """For each template, the (template line, adapted line) pairs."""
    newest = project.pythons[-1]
    pythons = ", ".join(f'"{v}"' for v in project.pythons)
    common = [
        ('PROJECT_DIR: "."', f'PROJECT_DIR: "{project.relative}"'),
        ('PYTHON_VERSION: "3.13"', f'PYTHON_VERSION: "{newest}"'),
        ('GATE_REQUIREMENT: "releasegate"', f'GATE_REQUIREMENT: "releasegate=={version}"'),
    ]
    chosen = {"noxfile.py": [("PYTHON_VERSIONS: tuple[str, ...] = ()",
                              f"PYTHON_VERSIONS: tuple[str, ...] = ({pythons},)")]} \
        if project.chosen_pythons else {}
    return {
        **chosen,
        "github/workflows/ci.yml": [
            *common, ('python: ["3.10", "3.11", "3.12", "3.13"]', f"python: [{pythons}]")],
        "github/workflows/release.yml": [
            *common, ("https://pypi.org/p/your-package", f"https://pypi.org/p/{project.name}")],
        "github/workflows/pr-comment.yml": [common[1], common[2]],
        "github/workflows/quality-gate.yml": [
            ('default: "3.13"', f'default: "{newest}"'),
            ('default: "."', f'default: "{project.relative}"'),
            common[2],
        ],
    }


def plan(project: Project, parts: tuple[str, ...], force: bool = False) -> list[Action]:
    """Every file of the chosen parts, with what would happen to it."""
    actions = []
    for template in TEMPLATES:
        if template.part not in parts:
            continue
        base = project.root if template.at_root else project.directory
        path = base / template.target
        shown = path.relative_to(project.root).as_posix()
        reason = _left_out(template, project)
        if reason:
            actions.append(Action(path, shown, LEFT_OUT, reason=reason))
            continue
        text = adapt(template.source, template_text(template.source), project)
        if template.source == ".flake8":
            text = adapt_flake8(text, project.lint)
        actions.append(_fate(path, shown, text, force))
    return actions


def _left_out(template: Template, project: Project) -> str:
    if template.part == "gate" and project.gate_settings:
        return "pyproject.toml has [tool.gate], which the gate reads instead"
    if template.part == "flake8" and project.flake8_config:
        return f"{project.flake8_config} has a [flake8] section, which flake8 reads instead"
    return ""


def _fate(path: Path, shown: str, text: str, force: bool) -> Action:
    if path.is_symlink() or path.exists():
        # Read as an input: a FIFO or a directory in the way stops init with one line.
        current = read_optional(path, shown, errors="strict")
        if current == text:
            return Action(path, shown, UNCHANGED, text)
        if not force:
            return Action(path, shown, EXISTS, text, "--force overwrites it")
        return Action(path, shown, OVERWRITE, text)
    return Action(path, shown, WRITE, text)
