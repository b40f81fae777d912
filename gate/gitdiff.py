"""Which lines a change added or changed: git plumbing and our own diff parser.

The change is everything between the merge base of REF and HEAD and the
working tree, as `git diff --unified=0 -M <merge-base>` shows it: committed,
staged and unstaged edits alike. Renamed files are followed (only the lines
edited after the rename count), deleted files are ignored, and files git does
not track are not part of the change.

git runs as a subprocess with a timeout, with the user's diff settings that
would change its output's shape (external diff tools, textconv, prefixes,
colour) overridden. Anything that stops us from computing the change is an
`InputError` saying how to fix it, above all in GitHub Actions, where a
shallow checkout without the base branch is the usual cause.
"""

from __future__ import annotations

import os
import re
import shutil
# Runs git with a fixed argument list, never a shell (bandit B404 flags the import).
import subprocess  # nosec B404
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from gate.errors import InputError, UsageError

GIT_TIMEOUT = 60.0
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
FETCH_HINT = (
    "in GitHub Actions, check out with `fetch-depth: 0` (actions/checkout), or fetch the base"
    ' branch before the gate: `git fetch --no-tags origin "$GITHUB_BASE_REF"`'
)
SHALLOW_HINT = (
    "this is a shallow clone: in GitHub Actions, check out with `fetch-depth: 0`"
    " (actions/checkout); elsewhere run `git fetch --unshallow`"
)
ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class Change:
    """The lines a change added or changed, by repository path (relative to `root`)."""

    ref: str
    base: str
    root: Path
    files: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def line_count(self) -> int:
        """How many lines were added or changed, over all files."""
        return sum(len(lines) for lines in self.files.values())


# Parsing -----------------------------------------------------------------------


def parse_diff(lines: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """Added or changed line numbers of each file that `git diff -U0` shows, in order.

    A file that a diff deletes has no new lines and is left out; a file whose
    diff has no hunks (a pure rename, a mode change, a binary file) maps to ().
    Hunk bodies are consumed by the counts in their headers, so a body line
    that looks like a header (`+++ x` is an added line `++ x`) is never one.
    """
    files: dict[str, list[int]] = {}
    current: list[int] | None = None
    old_left = new_left = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if old_left or new_left:
            mark = line[:1]
            if mark == "-" and old_left:
                old_left -= 1
            elif mark == "+" and new_left:
                new_left -= 1
            elif mark != "\\":  # "\ No newline at end of file"
                raise InputError(f"unexpected git diff output: line {number}: {line[:60]!r}",
                                 "is a git alias or wrapper changing `git diff`?")
            continue
        if line.startswith("+++ "):
            path = _target(line[4:])
            current = None if path is None else files.setdefault(path, [])
        elif line.startswith("diff "):
            current = None
        elif line.startswith("@@ ") and current is not None:
            match = HUNK.match(line)
            if match is None:
                raise InputError(f"unexpected git diff output: line {number}: {line[:60]!r}")
            start, count = int(match[3]), _count(match[4])
            old_left, new_left = _count(match[2]), count
            current.extend(range(start, start + count))
    return {path: tuple(sorted(set(numbers))) for path, numbers in files.items()}


def _count(text: str | None) -> int:
    return 1 if text is None else int(text)


def _target(text: str) -> str | None:
    """The new path from a `+++ ` line: `b/x`, `"b/\\tx"` or `/dev/null` (deleted)."""
    if text.endswith("\t"):  # git appends a tab when the name has a space
        text = text[:-1]
    if text == "/dev/null":
        return None
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = unquote(text[1:-1])
    if not text.startswith("b/"):
        raise InputError(f"unexpected git diff output: {text[:60]!r} lacks the b/ prefix")
    return text[2:]


def unquote(text: str) -> str:
    r"""Undo git's C-style quoting of a path (`\t`, `\"`, `\\`, octal `\303\251`)."""
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 == len(text):
            out += char.encode("utf-8", "surrogateescape")
            index += 1
            continue
        following = text[index + 1]
        if following in ESCAPES:
            out.append(ESCAPES[following])
            index += 2
        elif text[index + 1:index + 4].isdigit() and len(text[index + 1:index + 4]) == 3:
            out.append(int(text[index + 1:index + 4], 8) & 0xFF)
            index += 4
        else:
            out += following.encode("utf-8", "surrogateescape")
            index += 2
    return out.decode("utf-8", "surrogateescape")


def line_ranges(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted numbers as runs of consecutive ones: [40, 41, 42, 57] -> [(40, 42), (57, 57)]."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def format_ranges(numbers: Sequence[int]) -> str:
    """Sorted line numbers as text: [40, 41, 42, 57] -> "40-42, 57"."""
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in line_ranges(numbers))


# git --------------------------------------------------------------------------


def check_ref(ref: str, where: str) -> str:
    """Refuse a REF that git would read as an option, or an empty one."""
    if not ref.strip():
        raise UsageError(f"{where}: expected a git branch, tag or commit, got an empty string")
    if ref.startswith("-"):
        raise UsageError(f"{where}: {ref!r} is not a git branch, tag or commit",
                         "name the base branch, e.g. origin/main")
    return ref


def changed_lines(ref: str, cwd: Path, timeout: float = GIT_TIMEOUT) -> Change:
    """The lines added or changed between the merge base of `ref` and HEAD and the working tree."""
    git = Git(cwd, timeout)
    top = git.run(["rev-parse", "--show-toplevel"], "find the repository",
                  hint="run the gate inside the project's git checkout, or drop --diff-against")
    root = Path(top.strip())
    git = Git(root, timeout)
    found = git.run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], "", check=False)
    if not found.strip():
        shallow = git.is_shallow()
        raise InputError(
            f"--diff-against {ref}: no such branch, tag or commit in {root}"
            + (" (a shallow clone)" if shallow else ""),
            f"fetch it first (`{_fetch_command(ref)}`); {FETCH_HINT}",
        )
    base = git.run(["merge-base", found.strip(), "HEAD"], "", check=False).strip()
    if not base:
        if git.is_shallow():
            raise InputError(f"--diff-against {ref}: the merge base of {ref} and HEAD is not"
                             " in this shallow clone", SHALLOW_HINT)
        raise InputError(f"--diff-against {ref}: {ref} and HEAD have no common ancestor",
                         "name the branch this one was made from")
    diff, notes = git.run_with_warnings(
        ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "-M",
         "--diff-filter=d", "--ignore-submodules=all", "--src-prefix=a/", "--dst-prefix=b/",
         base, "--"],
        f"diff against {ref}",
    )
    # Split on newlines only: str.splitlines() would also split a line at \r or \f.
    return Change(ref, base, root, parse_diff(diff.split("\n")), notes)


def _fetch_command(ref: str) -> str:
    """The git command that most likely brings `ref` into the clone."""
    remote, slash, branch = ref.partition("/")
    if slash and branch and remote not in ("refs", "heads", "tags"):
        return f"git fetch {remote} {branch}"
    return f"git fetch origin {ref}"


def tracked_files(root: Path, timeout: float = GIT_TIMEOUT) -> frozenset[str]:
    """Every path git tracks in the repository at `root`, relative to it."""
    listing = Git(root, timeout).run(["ls-files", "-z", "--cached"], "list tracked files")
    return frozenset(name for name in listing.split("\0") if name)


class Git:
    """Runs git in one folder with a timeout; failures become InputErrors.

    `purpose` names what needs git, for the message when git is missing; `env` adds
    variables to git's environment (credentials for a push travel there, never in argv).
    """

    def __init__(self, cwd: Path, timeout: float, purpose: str = "--diff-against",
                 env: Mapping[str, str] | None = None) -> None:
        self.cwd = cwd
        self.timeout = timeout
        self.purpose = purpose
        self.env = dict(env or {})

    def run(self, args: list[str], what: str, check: bool = True, hint: str | None = None) -> str:
        """git's standard output; with `check`, a failure is an InputError about `what`."""
        return self.run_with_warnings(args, what, check, hint)[0]

    def run_with_warnings(self, args: list[str], what: str, check: bool = True,
                          hint: str | None = None) -> tuple[str, tuple[str, ...]]:
        """git's standard output and the `warning:` lines it wrote to standard error."""
        done = self.call(args, what, check, hint)
        warnings = tuple(f"git: {line}" for line in done.errors if line.startswith("warning:"))
        return done.stdout.decode("utf-8", "surrogateescape"), warnings

    def call(self, args: list[str], what: str, check: bool = True, hint: str | None = None,
             stdin: bytes | None = None) -> Done:
        """Run git; its exit status, raw standard output and standard error lines."""
        exe = shutil.which("git")
        if exe is None:
            raise InputError(f"{self.purpose} needs git, and git is not on PATH",
                             f"install git in the CI image, or drop {self.purpose}")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0",
               "LC_ALL": "C", "GIT_PAGER": "cat", **self.env}
        command = [exe, "-c", "core.quotePath=true", "-c", "diff.noprefix=false",
                   "-c", "diff.mnemonicPrefix=false", *args]
        try:
            # A fixed git argv found on PATH, no shell; REF cannot be an option (check_ref).
            done = subprocess.run(  # nosec B603
                command, cwd=self.cwd, env=env, capture_output=True, timeout=self.timeout,
                check=False, input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise InputError(f"git took longer than {self.timeout:g}s to {what or 'answer'}"
                             f" in {self.cwd}") from None
        except OSError as exc:
            raise InputError(f"cannot run git in {self.cwd}: {exc.strerror or exc}") from None
        errors = tuple(done.stderr.decode("utf-8", "replace").strip().splitlines())
        if check and done.returncode != 0:
            reason = errors[0] if errors else f"exit status {done.returncode}"
            raise InputError(f"cannot {what} with git in {self.cwd}: {reason}", hint)
        return Done(done.returncode, done.stdout, errors)

    def is_shallow(self) -> bool:
        """Whether the repository is a shallow clone."""
        answer = self.run(["rev-parse", "--is-shallow-repository"], "", check=False)
        return answer.strip() == "true"


@dataclass(frozen=True)
class Done:
    """A finished git command: exit status, raw standard output, standard error lines."""

    returncode: int
    stdout: bytes
    errors: tuple[str, ...]
