"""Read a config or env file into a Document: plain data, plus the line of each key.

What can go wrong with the file itself (missing, unreadable, too big, not
UTF-8, not valid, unsafe) is an Issue: it belongs to the deployment under
check. Only a library the gate needs and cannot import is a UsageError.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

from gate import inputs, numeric
from gate.checks.deploy import keypath
from gate.checks.deploy.issue import Issue, Place
from gate.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # deeper data is hostile, and would strain the recursive steps after loading
EXTRA_HINT = "pip install 'releasegate[deploy]'"
_PACKAGES = {"yaml": "PyYAML", "dotenv": "python-dotenv", "jsonschema": "jsonschema"}


@dataclass(frozen=True)
class Document:
    """A parsed file. `typed` is False where every value is a string (INI, dotenv)."""

    label: str
    format: str
    root: Any
    lines: Mapping[keypath.Path, int] = field(default_factory=dict)
    typed: bool = True
    #: INI: the section whose keys every other section inherits, as configparser does.
    defaults: str | None = None

    def place(self, path: keypath.Path) -> Place:
        """The file and the line of `path` (or of its nearest ancestor that has one)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return Place(self.label, line)
        return Place(self.label)

    def lookup(self, path: keypath.Path, root: Any = None) -> tuple[bool, Any]:
        """Find `path` in `root` (default: this document's data), with INI inheritance."""
        root = self.root if root is None else root
        found, value = keypath.lookup(root, path)
        if not found and self.defaults and len(path) == 2 and path[0] != self.defaults:
            if isinstance(root, dict) and path[0] in root:
                return keypath.lookup(root, (self.defaults, path[1]))
        return found, value


def library(module: str, purpose: str) -> ModuleType:
    """Import an optional library, or fail with one line naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(f"{purpose} needs {_PACKAGES.get(module, module)}, which is not "
                         "installed", EXTRA_HINT) from None


def read_text(path: Path, label: str) -> str | Issue:
    """The file's text, or the Issue that stops it being read (a FIFO is never opened)."""
    where = Place(label)
    try:
        data = inputs.read_bytes(path, "file", MAX_BYTES)
    except inputs.NotReadable as exc:
        return Issue("file-missing", "", exc.problem, where)
    if len(data) > MAX_BYTES:
        return Issue("file-invalid", "", f"larger than {MAX_BYTES // (1024 * 1024)} MiB",
                     where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Issue("file-invalid", "", "is not UTF-8 text", Place(label, line))


def load(path: Path, fmt: str, label: str) -> Document | Issue:
    """Read and parse `path` as `fmt`; an Issue when that fails."""
    text = read_text(path, label)
    if isinstance(text, Issue):
        return text
    document = PARSERS[fmt](text, label)
    if isinstance(document, Document) and _depth(document.root) > MAX_DEPTH:
        return Issue("file-unsafe", "", f"nested deeper than {MAX_DEPTH} levels", Place(label))
    return document


def _depth(root: Any) -> int:
    """How deeply lists and tables nest in `root` (iteratively: any depth is safe)."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(
            node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _invalid(label: str, problem: str, line: int | None = None) -> Issue:
    return Issue("file-invalid", "", problem, Place(label, line))


def parse_toml(text: str, label: str) -> Document | Issue:
    """TOML through tomllib; lines located afterwards."""
    from gate.checks.deploy.locate import toml_lines

    try:
        root = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        return _invalid(label, f"not valid TOML: {str(exc).split(' (at line')[0]}",
                        int(found.group(1)) if found else None)
    except ValueError:  # tomllib's int() on more digits than Python converts
        where = numeric.huge_number(text)
        return _invalid(label, f"not valid TOML: {numeric.huge_number_message(text)}",
                        where[0] if where else None)
    return Document(label, "toml", root, toml_lines(text))


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def parse_json(text: str, label: str) -> Document | Issue:
    """JSON, refusing duplicate keys (the last would silently win)."""
    from gate.checks.deploy.locate import json_lines

    try:
        root = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=numeric.json_int)
    except numeric.TooLong as exc:
        return _invalid(label, f"not valid JSON: {exc}", numeric.line_of(text, exc.text))
    except json.JSONDecodeError as exc:
        return _invalid(label, f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
    except _DuplicateKey as exc:
        return _invalid(label, f"not valid JSON: duplicate key {exc.args[0]!r}")
    except RecursionError:
        return Issue("file-unsafe", "", "nested too deeply to parse", Place(label))
    except ValueError as exc:  # int() refuses a number with too many digits
        return _invalid(label, f"not valid JSON: {type(exc).__name__}")
    return Document(label, "json", root, json_lines(text))


def parse_yaml(text: str, label: str) -> Document | Issue:
    """YAML with safe loading only: standard tags, a bounded alias expansion."""
    library("yaml", f"reading {label}")
    from gate.checks.deploy import yamlsafe

    try:
        root, lines = yamlsafe.load(text)
    except yamlsafe.Rejected as exc:
        rule = "file-unsafe" if exc.unsafe else "file-invalid"
        return Issue(rule, "", exc.message, Place(label, exc.line))
    return Document(label, "yaml", root, lines)


def parse_ini(text: str, label: str) -> Document | Issue:
    """INI as configparser reads it: option names lower-cased, no %-interpolation."""
    import configparser

    from gate.checks.deploy.locate import ini_lines

    # A default_section no file can name keeps DEFAULT an ordinary table in
    # the data; Document.lookup applies its inheritance instead.
    parser = configparser.ConfigParser(interpolation=None, default_section="\x00")
    try:
        parser.read_string(text, source=label)
    except configparser.DuplicateSectionError as exc:
        return _invalid(label, f"not valid INI: duplicate section [{exc.section}]", exc.lineno)
    except configparser.DuplicateOptionError as exc:
        return _invalid(label, f"not valid INI: duplicate key {exc.option!r} in "
                               f"[{exc.section}]", exc.lineno)
    except configparser.MissingSectionHeaderError as exc:
        return _invalid(label, "not valid INI: a key before any [section] header", exc.lineno)
    except configparser.ParsingError as exc:
        # The exception quotes the offending lines, which may hold secrets: only numbers.
        numbers = [number for number, _ in exc.errors]
        return _invalid(label, "not valid INI: cannot parse line "
                        + ", ".join(str(n) for n in numbers), numbers[0] if numbers else None)
    except configparser.Error as exc:
        return _invalid(label, f"not valid INI: {type(exc).__name__}")
    root = {section: dict(parser.items(section)) for section in parser.sections()}
    defaults = "DEFAULT" if "DEFAULT" in root else None
    return Document(label, "ini", root, ini_lines(text), typed=False, defaults=defaults)


def parse_dotenv(text: str, label: str) -> Document | Issue:
    """KEY=value lines as python-dotenv reads them; the last definition of a key wins."""
    entries = dotenv_entries(text, label)
    if isinstance(entries, Issue):
        return entries
    root = {key: value for key, value, _ in entries}
    lines: dict[keypath.Path, int] = {(key,): line for key, _, line in entries}
    return Document(label, "dotenv", root, lines, typed=False)


def dotenv_entries(text: str, label: str) -> list[tuple[str, str, int]] | Issue:
    """(key, raw value, line) for each binding, or an Issue naming the bad lines."""
    library("dotenv", f"reading {label}")
    from dotenv.parser import parse_stream

    entries, bad = [], []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            bad.append(binding.original.line)
        elif binding.key is not None:
            # `KEY` with no `=`: python-dotenv loads nothing for it, and nor do we.
            if binding.value is not None:
                entries.append((binding.key, binding.value, binding.original.line))
    if bad:
        return _invalid(label, "not valid dotenv: cannot parse line "
                        + ", ".join(str(n) for n in bad), bad[0])
    return entries


PARSERS: dict[str, Callable[[str, str], Document | Issue]] = {
    "toml": parse_toml,
    "yaml": parse_yaml,
    "json": parse_json,
    "ini": parse_ini,
    "dotenv": parse_dotenv,
}
