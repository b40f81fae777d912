"""The environment a deployment runs with: env files beneath the real environment.

Env files load in order, a later file overriding an earlier one, and the real
environment overriding them all (python-dotenv's `override=False`). In a file,
`${VAR}` references resolve against the real environment and the variables
defined above them, as python-dotenv does; `$VAR` stays literal, as there.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from gate.checks.deploy.files import dotenv_entries, read_text
from gate.interpolate import resolve, sole_reference
from gate.checks.deploy.issue import ENVIRONMENT, Issue, Place, display


@dataclass(frozen=True)
class Environment:
    """The effective variables, where each env-file variable's value comes from, and issues."""

    values: Mapping[str, str]
    places: Mapping[str, Place] = field(default_factory=dict)
    defined: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()
    #: Variables whose value holds a reference to a variable that is not set.
    unresolved: frozenset[str] = frozenset()
    #: Variables defined as exactly another (`STRIPE_KEY=${STRIPE_KEY_FROM_VAULT}`): one value.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def place(self, name: str) -> Place:
        """Where the value of `name` comes from: its env file line, or the environment."""
        return self.places.get(name, ENVIRONMENT)


def load(env_files: Sequence[Path], environ: Mapping[str, str]) -> Environment:
    """Read the env files beneath `environ`; their problems become issues."""
    from_files: dict[str, str] = {}
    places: dict[str, Place] = {}
    issues: list[Issue] = []
    unresolved: set[str] = set()
    aliases: dict[str, str] = {}
    labels = []
    lookup = ChainMap(dict(environ), from_files)  # the real environment first: it wins
    for path in env_files:
        label = display(path)
        labels.append(label)
        text = read_text(path, label)
        entries = text if isinstance(text, Issue) else dotenv_entries(text, label)
        if isinstance(entries, Issue):
            issues.append(entries)
            continue
        for name, raw, line in entries:
            if name in environ:  # the real environment wins; the file's value is never used
                places[name] = ENVIRONMENT
                from_files.setdefault(name, environ[name])
                continue
            value, missing = resolve(raw, lookup, bare=False)
            issues.extend(Issue("ref-unresolved", name, f"refers to {ref}, which is not set",
                                Place(label, line)) for ref in missing)
            from_files[name] = value
            target = sole_reference(raw, bare=False)
            if target is not None and target != name and not missing:
                aliases[name] = aliases.get(target, target)
            else:
                aliases.pop(name, None)
            if missing:
                unresolved.add(name)
            else:
                unresolved.discard(name)
            places[name] = Place(label, line)
    return Environment(
        values={**from_files, **environ},
        places=places,
        defined=tuple(from_files),
        files=tuple(labels),
        issues=tuple(issues),
        unresolved=frozenset(unresolved),
        aliases=aliases,
    )


def required(names: Sequence[str], env: Environment) -> list[Issue]:
    """An `env-missing` issue for each name that is unset or blank."""
    issues = []
    for name in names:
        value = env.values.get(name)
        if value is None:
            issues.append(Issue("env-missing", name, "not set", ENVIRONMENT))
        elif not value.strip():
            issues.append(Issue("env-missing", name, "set but empty", env.place(name)))
    return issues
