"""Every value the secret and insecure-value rules look at, with its key and place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from gate.checks.deploy import keypath
from gate.checks.deploy.env import Environment
from gate.checks.deploy.issue import Place
from gate.checks.deploy.validate import Resolved

#: Read from the real environment even when no setting names them: the variables
#: whose insecure values the rules know (the other variables of a CI runner are
#: not the deployment's).
WATCHED = (
    "DEBUG", "FLASK_DEBUG", "DJANGO_DEBUG", "APP_DEBUG",
    "FLASK_ENV", "APP_ENV", "NODE_ENV", "RAILS_ENV", "RACK_ENV", "DJANGO_ENV", "ENVIRONMENT",
    "ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS",
    "CORS_ORIGINS", "CORS_ALLOWED_ORIGINS", "CORS_ALLOW_ORIGINS", "CORS_ORIGIN_ALLOW_ALL",
    "CORS_ALLOW_ALL_ORIGINS",
)


@dataclass(frozen=True)
class Entry:
    """One value: an environment variable, or a key path in a config file.

    `source` names the environment variable a config value was taken from
    whole (`password: ${DB_PASSWORD}`), so that the two count as one secret.
    """

    key: str
    path: keypath.Path
    value: Any
    place: Place
    in_env: bool
    in_list: bool = False
    source: str | None = None
    #: The value holds a reference to a variable that is not set (reported on its own).
    broken: bool = False

    @property
    def variable(self) -> str | None:
        """The environment variable this value is, if it is one."""
        return self.source or (self.key if self.in_env else None)

    @property
    def identity(self) -> tuple[str, ...]:
        """What makes two entries the same value: the variable, or the file and path."""
        if self.in_env or self.source:
            return ("env", self.source or self.key)
        return ("file", self.place.file or "", *self.path)


def collect(env: Environment, names: Sequence[str],
            documents: Sequence[Resolved]) -> list[Entry]:
    """Entries for the declared variables, then for every value of every document."""
    entries = []
    declared = dict.fromkeys([*env.defined, *names, *WATCHED])
    for name in declared:
        if name in env.values:
            entries.append(Entry(name, (name,), env.values[name], env.place(name), True,
                                 source=env.aliases.get(name), broken=name in env.unresolved))
    for resolved in documents:
        entries.extend(_document(resolved))
    return entries


def _document(resolved: Resolved) -> Iterator[Entry]:
    document = resolved.document
    stack: list[tuple[keypath.Path, Any, bool]] = [((), resolved.root, False)]
    while stack:
        path, node, in_list = stack.pop()
        if path:
            yield Entry(keypath.show(path), path, node, document.place(path), False, in_list,
                        resolved.sources.get(path), path in resolved.unresolved)
        if isinstance(node, dict):
            stack.extend((path + (str(k),), v, False) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((path + (str(i),), v, True) for i, v in reversed(list(enumerate(node))))
