"""Map the file names in a coverage report to paths in the repository.

coverage.py names a file relative to one of the report's `<sources>` (or, with
`relative_files`, relative to where it ran), other tools write absolute paths,
and a report made in a container names paths that do not exist here. We try,
in order, and keep the first candidate that is a file in the repository:

1. the name rewritten by the first `--path-map FROM=TO` whose FROM prefixes it
   (TO is relative to the repository root, or absolute);
2. the name joined to each `<source>`, and the bare name, taken relative to
   the working folder and to the repository root;
3. each of those under `src/` (the src layout);
4. the longest tail of the name's path that is a repository path, or one
   under `src/` (a report made elsewhere: `/app/pkg/mod.py` is `pkg/mod.py`).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from typing import Container, Iterable, Iterator, Sequence

from gate.errors import UsageError

WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:/")


@dataclass(frozen=True)
class PathMap:
    """Read a report file name that starts with `source` as starting with `target`."""

    source: str
    target: str

    def apply(self, name: str) -> str | None:
        """`name` rewritten, or None when `source` is not a leading part of it."""
        prefix = self.source.rstrip("/")
        if name == prefix:
            return self.target
        if not name.startswith(prefix + "/"):
            return None
        rest = name[len(prefix) + 1:]
        return posixpath.join(self.target, rest) if self.target else rest


def parse_path_map(text: str, where: str) -> PathMap:
    """`FROM=TO` as a PathMap; FROM must not be empty."""
    source, sep, target = text.partition("=")
    if not sep or not source:
        raise UsageError(f"{where}: expected FROM=TO, got {text!r}",
                         "e.g. --path-map /app/=  or  --path-map pkg/=src/pkg/")
    return PathMap(_slashes(source), _slashes(target))


def _slashes(name: str) -> str:
    return name.replace("\\", "/")


class PathMapper:
    """Finds the repository path of each report file name.

    `root` is the repository's top folder and `cwd` the folder the gate runs in
    (both absolute); `known` holds the repository's files as paths relative to
    `root` with forward slashes.
    """

    def __init__(self, root: str, cwd: str, sources: Sequence[str], maps: Sequence[PathMap],
                 known: Container[str]) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.cwd = cwd
        self.sources = [_slashes(s) for s in sources if s.strip()]
        self.maps = list(maps)
        self.known = known

    def repo_path(self, name: str) -> str | None:
        """The repository path `name` stands for, or None when it is none of its files."""
        for candidate in self.candidates(name):
            if candidate in self.known:
                return candidate
        return None

    def candidates(self, name: str) -> Iterator[str]:
        """Repository paths `name` may stand for, most likely first (they may not exist)."""
        name = _slashes(name)
        if _is_absolute(name):
            spelled = [name]
        else:
            spelled = [posixpath.join(s, name) for s in self.sources] + [name]
        for raw in spelled:
            for path_map in self.maps:
                mapped = path_map.apply(raw)
                if mapped is not None:
                    yield from self._inside(mapped, self.root)
                    break
        direct: list[str] = []
        for raw in spelled:
            if _is_absolute(raw):
                direct.extend(self._inside(raw, self.root))
            else:
                direct.extend(self._inside(raw, self.cwd))
                direct.extend(self._inside(raw, self.root))
        yield from direct
        yield from ("src/" + path for path in direct)
        for raw in spelled:
            parts = [p for p in raw.split("/") if p not in ("", ".", "..")]
            first = 1
            if WINDOWS_ABSOLUTE.match(raw):  # C:/work/pkg/mod.py: the drive is no folder here
                parts, first = parts[1:], 0
            for start in range(first, len(parts)):
                tail = "/".join(parts[start:])
                yield tail
                yield "src/" + tail

    def _inside(self, path: str, base: str) -> list[str]:
        """`path` (relative ones resolved against `base`) relative to the root, if inside it."""
        if WINDOWS_ABSOLUTE.match(path):
            return []
        full = posixpath.normpath(posixpath.join(base, path))
        relative = _below(full, self.root)
        if relative is None:  # maybe through a symlink: /tmp -> /private/tmp, say
            relative = _below(os.path.realpath(full), self.real_root)
        return [] if relative is None else [relative]


def _below(path: str, root: str) -> str | None:
    relative = posixpath.relpath(path, root)
    if relative in (".", "..") or relative.startswith("../"):
        return None
    return relative


def _is_absolute(name: str) -> bool:
    return name.startswith("/") or bool(WINDOWS_ABSOLUTE.match(name))


class _OnDisk:
    """The files below `root`, asked one at a time (a container for PathMapper)."""

    def __init__(self, root: str) -> None:
        self.root = root

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and os.path.isfile(os.path.join(self.root, path))


def aliases(reports: Sequence[tuple[Iterable[str], Sequence[str]]], maps: Sequence[PathMap],
            cwd: str) -> list[dict[str, str]]:
    """For reports given as (file names, base folders), the names to rename so that one
    file named differently by two reports (`pkg/mod.py` beside `/ci/src/pkg/mod.py`) has
    the name the first report gave it.

    A name stands for a file when PathMapper finds it on disk below `cwd` (through
    `--path-map`, the base folders, `src/`, or the tail of a name made elsewhere),
    else when it is an absolute path. Names that stand for nothing are left alone:
    files merge by their exact names, as before.
    """
    first: dict[str, str] = {}  # what a name stands for -> the first name seen for it
    renames: list[dict[str, str]] = []
    for names, bases in reports:
        mapper = PathMapper(cwd, cwd, bases, maps, _OnDisk(cwd))
        renamed: dict[str, str] = {}
        for name in names:
            found = mapper.repo_path(name)
            if found is None and _is_absolute(_slashes(name)):
                found = posixpath.normpath(_slashes(name))
            if found is None:
                continue
            known = first.setdefault(found, name)
            if known != name:
                renamed[name] = known
        renames.append(renamed)
    return renames
