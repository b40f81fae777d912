"""The findings baseline: a committed file of accepted findings, read, matched and written.

The file is JSON, versioned, sorted for readable diffs (docs/findings.md):

    {
      "releasegate": "findings-baseline",
      "version": 1,
      "findings": [
        {"tool": "bandit", "rule": "B324", "file": "src/pkg/signer.py",
         "fingerprint": "3f0c9a1b2d4e5f60:1", "context": "9a8b7c6d5e4f3a2b",
         "line": 45, "severity": "high", "message": "Use of weak SHA1 hash for security..."}
      ]
    }

`line`, `severity` and `message` are for the people reading the file; only
tool, rule, file, fingerprint and context take part in matching. Matching is
done in four passes, strictest first, each pairing an entry with one finding
at most: the same fingerprint and context; the same line text and context at
another occurrence number (an identical line was added above it, elsewhere);
the same fingerprint (the neighbours changed); the same line text at any
occurrence. Entries left over are stale.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Sequence

from gate.checks.findings.fingerprint import HASH_CHARS, Print
from gate.errors import InputError, UsageError
from gate.inputs import open_input
from gate.readers.jsonstream import Malformed, Stream

KIND = "findings-baseline"
VERSION = 1
WHAT = "findings baseline"
HINT = "record one with `python -m gate baseline`"
FINGERPRINT = re.compile(rf"[0-9a-f]{{{HASH_CHARS}}}:[1-9][0-9]*")
CONTEXT = re.compile(rf"[0-9a-f]{{{HASH_CHARS}}}")


@dataclass(frozen=True)
class Entry:
    """One accepted finding."""

    tool: str
    rule: str
    file: str
    fingerprint: str
    context: str
    line: int | None = None
    severity: str | None = None
    message: str = ""

    @property
    def line_hash(self) -> str:
        """The fingerprint without its occurrence number."""
        return self.fingerprint.rpartition(":")[0]

    def to_dict(self) -> dict[str, Any]:
        """The entry as the file stores it."""
        out: dict[str, Any] = {"tool": self.tool, "rule": self.rule, "file": self.file,
                               "fingerprint": self.fingerprint, "context": self.context}
        if self.line is not None:
            out["line"] = self.line
        if self.severity:
            out["severity"] = self.severity
        out["message"] = self.message
        return out


def entry_of(found: Print, line: int | None, severity: str | None, message: str) -> Entry:
    """The baseline entry that accepts a finding."""
    return Entry(found.tool, found.rule, found.file, found.fingerprint, found.context, line,
                 severity, message)


# Matching -------------------------------------------------------------------------


def _passes() -> tuple[Callable[[Print], Hashable], ...]:
    return (
        lambda p: (p.tool, p.rule, p.file, p.fingerprint, p.context),
        lambda p: (p.tool, p.rule, p.file, p.line_hash, p.context),
        lambda p: (p.tool, p.rule, p.file, p.fingerprint),
        lambda p: (p.tool, p.rule, p.file, p.line_hash),
    )


def _entry_keys(entry: Entry) -> tuple[Hashable, ...]:
    return ((entry.tool, entry.rule, entry.file, entry.fingerprint, entry.context),
            (entry.tool, entry.rule, entry.file, entry.line_hash, entry.context),
            (entry.tool, entry.rule, entry.file, entry.fingerprint),
            (entry.tool, entry.rule, entry.file, entry.line_hash))


def match(current: Sequence[Print], entries: Sequence[Entry]
          ) -> tuple[list[int | None], list[int]]:
    """For each finding the index of the entry that accepts it (or None); the stale entries."""
    matched: list[int | None] = [None] * len(current)
    used = [False] * len(entries)
    for number, key_of in enumerate(_passes()):
        waiting: dict[Hashable, deque[int]] = defaultdict(deque)
        for index, entry in enumerate(entries):
            if not used[index]:
                waiting[_entry_keys(entry)[number]].append(index)
        for index, found in enumerate(current):
            if matched[index] is not None:
                continue
            queue = waiting.get(key_of(found))
            if queue:
                chosen = queue.popleft()
                matched[index], used[chosen] = chosen, True
    return matched, [i for i, done in enumerate(used) if not done]


# Reading --------------------------------------------------------------------------


class _Bad(Exception):
    """The file is JSON but not a baseline of ours."""


def read(path: Path) -> list[Entry]:
    """Read a baseline file; one InputError line naming it when it is not the gate's."""
    handle = open_input(path, WHAT, HINT, "pass the baseline file, not its folder")
    try:
        with handle:
            return _read(Stream(handle))
    except Malformed as exc:
        raise InputError(f"{WHAT} is not valid JSON: {path}: {exc}", HINT) from None
    except _Bad as exc:
        raise InputError(f"not a releasegate {WHAT}: {path}: {exc}", HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read {WHAT} {path}: {exc.strerror or exc}") from None


def _read(stream: Stream) -> list[Entry]:
    if stream.kind() != "object":
        raise _Bad("expected a JSON object")
    kind: Any = None
    version: Any = None
    keys: set[str] = set()
    raw_entries: list[Any] = []
    for key in stream.members():
        keys.add(key)
        if key == "releasegate":
            kind = stream.value()
        elif key == "version":
            version = stream.value()
        elif key == "findings":
            if stream.kind() != "array":
                raise _Bad("`findings` must be an array")
            raw_entries = [stream.value() for _ in stream.elements()]
    stream.finish()
    if kind != KIND:
        raise _Bad(_what_it_is(keys))
    if not isinstance(version, int) or isinstance(version, bool):
        raise _Bad("no `version`")
    if version > VERSION:
        raise _Bad(f"version {version} was written by a newer releasegate (this one reads "
                   f"version {VERSION})")
    if version < 1:
        raise _Bad(f"unknown version {version}")
    if "findings" not in keys:
        raise _Bad("no `findings` array")
    return [_entry(raw, number) for number, raw in enumerate(raw_entries)]


def _what_it_is(keys: set[str]) -> str:
    if "results" in keys and ("metrics" in keys or "generated_at" in keys):
        return "this is a bandit report (the file bandit's --baseline reads), not the gate's"
    if {"runs", "version"} <= keys:
        return "this is a SARIF log, not the gate's baseline"
    if "checks" in keys and "schema_version" in keys:
        return "this is the gate's JSON report (coverage's --baseline reads that), not a " \
               "findings baseline"
    return 'no "releasegate": "findings-baseline" marker'


def _entry(raw: Any, number: int) -> Entry:
    where = f"entry {number + 1}"
    if not isinstance(raw, dict):
        raise _Bad(f"{where} is not an object")
    for key in ("tool", "rule", "file", "fingerprint", "context"):
        if not isinstance(raw.get(key), str):
            raise _Bad(f"{where} has no {key!r} string")
    if not FINGERPRINT.fullmatch(raw["fingerprint"]):
        raise _Bad(f"{where}: fingerprint {raw['fingerprint'][:40]!r} is not <16 hex>:<n>")
    if not CONTEXT.fullmatch(raw["context"]):
        raise _Bad(f"{where}: context {raw['context'][:40]!r} is not 16 hex digits")
    line = raw.get("line")
    severity = raw.get("severity")
    message = raw.get("message", "")
    return Entry(raw["tool"], raw["rule"], raw["file"], raw["fingerprint"], raw["context"],
                 line if isinstance(line, int) and not isinstance(line, bool) else None,
                 severity if isinstance(severity, str) else None,
                 message if isinstance(message, str) else "")


# Writing --------------------------------------------------------------------------


def render(entries: Iterable[Entry]) -> str:
    """The baseline file's text: entries sorted by tool, file, line and rule, one per line."""
    ordered = sorted(entries, key=lambda e: (e.tool, e.file, e.line or 0, e.rule, e.fingerprint))
    rows = ",\n".join("    " + json.dumps(e.to_dict(), ensure_ascii=False) for e in ordered)
    body = f"\n{rows}\n  " if rows else ""
    return (f'{{\n  "releasegate": "{KIND}",\n  "version": {VERSION},\n'
            f'  "about": "Findings accepted as they are: only findings not listed here block. '
            f'Written by `python -m gate baseline`; see docs/findings.md.",\n'
            f'  "findings": [{body}]\n}}\n')


def write(path: Path, text: str) -> None:
    """Write the baseline file (atomically: a reader never sees half of it)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write the {WHAT} {path}: {exc.strerror or exc}") from None
