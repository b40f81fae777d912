"""`gate init [DEST]`: write the CI templates into a repository, adapted to its project.

The workflows go to the repository's .github/workflows/; the noxfile, the flake8 config
and the gate settings go next to the project's pyproject.toml. Nothing that exists is
overwritten without --force.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from gate.errors import InputError

#: The parts `--only` chooses from, in the order they are written.
PARTS = ("workflows", "noxfile", "flake8", "gate")


def add_parser(subcommands: Any) -> argparse.ArgumentParser:
    """Register `init` with the CLI's subcommands (importing nothing more: --help stays fast)."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        "init",
        help="write the CI workflows, noxfile and gate settings into a repository",
        description="Write the CI workflows, a noxfile, a flake8 config and the gate settings "
                    "into a repository, adapted to its pyproject.toml. Existing files are "
                    "left alone unless --force is given.",
    )
    parser.add_argument("dest", nargs="?", type=Path, default=Path("."), metavar="DEST",
                        help="the repository (default: the current directory)")
    parser.add_argument("--project-dir", type=Path, metavar="DIR",
                        help="the Python project's folder inside DEST, e.g. backend "
                             "(default: DEST, else the one folder below it with a pyproject.toml)")
    parser.add_argument("--python", action="append", metavar="X.Y", default=[],
                        help="a Python version to test (repeatable), when the project's "
                             "classifiers name none: the CI matrix and the noxfile use these")
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help="write only this part: " + ", ".join(PARTS) + " (repeatable)")
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")
    parser.add_argument("--dry-run", action="store_true",
                        help="list what would be written, and write nothing")
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not run the lint and security sessions to record today's "
                             "findings as the baseline (gate baseline does it later)")
    return parser


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Carry out `gate init`; returns the exit code (0: done, even when files were kept)."""
    from gate.scaffold.plan import plan
    from gate.scaffold.project import find

    out = stdout or sys.stdout
    project = find(args.dest, args.project_dir, args.python)
    parts = tuple(p for p in PARTS if p in (args.only or PARTS))
    actions = plan(project, parts, force=args.force)
    if project.directory != project.root:
        out.write(f"Python project {project.name!r} in {project.relative}/ "
                  f"(Python {', '.join(project.pythons)})\n")
    else:
        out.write(f"Python project {project.name!r} (Python {', '.join(project.pythons)})\n")
    for action in actions:
        if action.writes and not args.dry_run:
            _write(action.path, action.text)
        out.write(_line(action, args.dry_run) + "\n")
    out.write(found(project))
    recorded = False
    if not args.dry_run and not args.no_baseline and _records(project, parts):
        from gate.scaffold.record import record

        recorded = record(project.directory, out)
    if not args.dry_run:
        out.write(next_steps(project, actions, recorded))
    return 0


def _records(project: Any, parts: tuple[str, ...]) -> bool:
    """Whether init records the findings baseline: the noxfile and the settings are there."""
    return ("noxfile" in parts and (project.directory / "noxfile.py").is_file()
            and ("gate" in parts or project.gate_settings))


def found(project: Any) -> str:
    """What init read of the project's own settings, and what it asks the user to set."""
    lines = []
    if not project.classifiers and not project.chosen_pythons:
        lines.append(f"Python versions: no `Programming Language :: Python :: 3.X` classifier, "
                     f"so every version requires-python allows is tested "
                     f"({', '.join(project.pythons)}); name the ones to test with "
                     "`--python 3.12` (repeatable)")
    lint = project.lint
    if lint.source and (lint.line_length or lint.excludes):
        parts = [f"max-line-length {lint.line_length}"] if lint.line_length else []
        if lint.excludes:
            parts.append("excludes " + ", ".join(lint.excludes))
        lines.append(f"Lint settings from {lint.source}: {'; '.join(parts)} (in .flake8)")
    lines += [f"Note: {note}" for note in lint.notes]
    if project.database:
        lines.append(
            f"The tests use a database ({project.database}). Tests that share one database "
            "must not run in parallel, and CI must be given it:\n"
            "  - in noxfile.py, run them one at a time: "
            'SERIAL_SESSIONS = frozenset({"unit", "integration"})\n'
            "  - in .github/workflows/ci.yml, give the unit and integration jobs the database "
            "(DATABASE_URL, or the variables your settings read; a secret for a real one)")
        if project.migrations:
            lines.append(f"  - {project.migrations}: the database needs its migrations before "
                         "the tests: set BEFORE_TESTS in noxfile.py (alembic upgrade head)")
    return "".join(line + "\n" for line in lines)


def _line(action: Any, dry_run: bool) -> str:
    from gate.scaffold.plan import EXISTS, LEFT_OUT, OVERWRITE, UNCHANGED, WRITE

    verb = {
        WRITE: "would write" if dry_run else "wrote",
        OVERWRITE: "would overwrite" if dry_run else "overwrote",
        UNCHANGED: "unchanged",
        EXISTS: "kept",
        LEFT_OUT: "left out",
    }[action.fate]
    if action.fate == EXISTS:
        return f"  {verb:<15} {action.shown} (it exists; {action.reason})"
    if action.reason:
        return f"  {verb:<15} {action.shown} ({action.reason})"
    return f"  {verb:<15} {action.shown}"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():  # replace the link itself, never the file it points to
            path.unlink()
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def next_steps(project: Any, actions: list[Any], recorded: bool = False) -> str:
    """What to do after `gate init`, for the files it handled."""
    written = [a.shown for a in actions if a.writes]
    if recorded:
        baseline = (project.directory / "findings-baseline.json").relative_to(project.root)
        written.append(baseline.as_posix())
    kept = [a.shown for a in actions if a.fate == "exists"]
    cd = "" if project.relative == "." else f"cd {project.relative} && "
    steps = []
    if written:
        steps.append(f"review the files, then commit them: git add {' '.join(written)}")
    if kept:
        steps.append(f"compare the files kept as they were with the templates: {', '.join(kept)}"
                     " (--force overwrites them)")
    steps.append(f"run the whole pipeline locally: {cd}python -m pip install nox uv && nox")
    if any(a.shown.endswith("ci.yml") for a in actions):
        steps.append("set the coverage thresholds: MIN_COVERAGE, and MIN_DIFF_COVERAGE for the "
                     "lines a pull request changes, in .github/workflows/ci.yml (CI); "
                     "[coverage] in gate.toml (local runs)")
        steps.append('make the "all required checks pass" job required: Settings > Rules > '
                     "Rulesets (or Branches) > require status checks to pass")
        steps.append("after the first push to the default branch, its report and coverage "
                     "badge are on the releasegate-data branch: pull requests are compared "
                     "with it, and a README can show ![coverage](https://raw.githubusercontent"
                     ".com/OWNER/REPO/releasegate-data/coverage.svg)")
    if any(a.shown.endswith("release.yml") for a in actions):
        steps.append('before the first release: create the "production" and "pypi" '
                     "environments, add PyPI's trusted publisher, and fill in the deploy job "
                     "of .github/workflows/release.yml")
    ignored = missing_ignores(project)
    if ignored:
        steps.append(f"keep what the sessions write out of git: add {' '.join(ignored)} "
                     "to .gitignore")
    return "\nNext steps:\n" + "".join(f"  {i}. {s}\n" for i, s in enumerate(steps, 1))


#: What the generated sessions write, which no repository wants to commit.
GENERATED = (".nox/", ".coverage*", "coverage.xml", "htmlcov/", "reports/")


def missing_ignores(project: Any) -> list[str]:
    """Those of GENERATED that no .gitignore line of the repository or project names."""
    from gate.inputs import read_optional

    lines: set[str] = set()
    for folder in {project.root, project.directory}:
        text = read_optional(folder / ".gitignore", ".gitignore")
        if text is None:
            continue
        lines.update(line.strip().strip("/") for line in text.splitlines())
    return [entry for entry in GENERATED if entry.strip("/") not in lines]
