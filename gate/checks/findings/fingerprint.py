"""Fingerprints that recognise a finding after unrelated edits move it.

A line number changes whenever lines are added above; the code a finding
points at rarely does. Like GitHub code scanning's `primaryLocationLineHash`,
a fingerprint hashes the text of the flagged line with every space, tab and
line ending taken out (so re-indenting or re-wrapping whitespace keeps it),
together with the tool, the rule and the file, and numbers identical ones in
the file in order (`<hash>:1`, `<hash>:2`), as GitHub does and bandit's
baseline does not (bandit matches on rule, file and message only, so a second
identical problem in a file goes unseen). A second hash, the context, covers
the nearest non-blank line above and below too: it tells apart twins that
the occurrence number alone would swap when one of them moves.

When the file cannot be read here (a report made elsewhere), the text is the
line the report quotes, else the message; such a finding can match only an
entry recorded the same way, so it shows as new rather than hide (the check
warns about it).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

WHITESPACE = re.compile(r"\s+")
HASH_CHARS = 16
MAX_SOURCE = 16 << 20


def normalise(text: str) -> str:
    """The text with every whitespace character removed."""
    return WHITESPACE.sub("", text)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[
        :HASH_CHARS]


@dataclass(frozen=True)
class Print:
    """A finding's identity: what it is, where (file), and the text it flags."""

    tool: str
    rule: str
    file: str
    line_hash: str
    occurrence: int
    context: str

    @property
    def fingerprint(self) -> str:
        """`<line hash>:<occurrence>`, as the baseline stores it."""
        return f"{self.line_hash}:{self.occurrence}"


@dataclass(frozen=True)
class Located:
    """What fingerprinting needs of a finding: its tool, rule, file, lines and fallbacks."""

    tool: str
    rule: str
    file: str
    line: int | None
    snippet: str | None
    message: str


class Sources:
    """Reads the files findings point at, each once, relative to a root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        """The file's lines (line endings stripped), or None when it cannot be read here."""
        if file not in self.cache:
            self.cache[file] = self._read(file)
        return self.cache[file]

    def _read(self, file: str) -> list[str] | None:
        """A source file inside the root, read through gate.inputs (a FIFO never blocks);
        a name that leads out of the root is not read at all."""
        from gate.inputs import NotReadable, read_bytes

        path = Path(file) if os.path.isabs(file) else self.root / file
        try:
            path.resolve().relative_to(self.root.resolve())
        except (OSError, ValueError):
            return None
        try:
            data = read_bytes(path, "source file", MAX_SOURCE)
        except NotReadable:
            return None
        if len(data) > MAX_SOURCE:
            return None
        return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split(
            "\n")

    @property
    def unreadable(self) -> list[str]:
        """The files asked for that could not be read."""
        return sorted(name for name, lines in self.cache.items() if lines is None and name)


def _neighbour(lines: list[str], index: int, step: int) -> str:
    index += step
    while 0 <= index < len(lines):
        if lines[index].strip():
            return lines[index]
        index += step
    return ""


def compute(findings: Sequence[Located], lines_of: Callable[[str], list[str] | None]
            ) -> list[Print]:
    """The fingerprint of each finding, in the same order.

    Occurrences are numbered within a file in the order of lines, so the result
    does not depend on the order the report lists its findings in.
    """
    keyed: list[tuple[str, str]] = []
    for item in findings:
        lines = lines_of(item.file) if item.file else None
        if lines is not None and item.line is not None and 1 <= item.line <= len(lines):
            index = item.line - 1
            text = lines[index]
            context = "\n".join(normalise(t) for t in (_neighbour(lines, index, -1), text,
                                                       _neighbour(lines, index, 1)))
        elif lines is not None and item.line is None:
            text, context = "", "file"
        else:  # not readable here, or a line the file does not have
            text = (item.snippet or "").split("\n")[0] or item.message
            context = "report"
        keyed.append((_digest(item.tool, item.rule, item.file, normalise(text)),
                      _digest(context)))
    order = sorted(range(len(findings)), key=lambda i: (findings[i].file,
                                                        findings[i].line or 0, i))
    seen: dict[str, int] = {}
    occurrence = [0] * len(findings)
    for i in order:
        seen[keyed[i][0]] = seen.get(keyed[i][0], 0) + 1
        occurrence[i] = seen[keyed[i][0]]
    return [Print(item.tool, item.rule, item.file, keyed[i][0], occurrence[i], keyed[i][1])
            for i, item in enumerate(findings)]
