"""Open the files the gate reads, refusing anything that is not a regular file first.

Every input of every family comes through here: reports, baselines, settings
files, env and config files, schemas. A FIFO nobody writes to would block a
plain open() for ever, /dev/zero would never end and a directory cannot be
read, so the path is looked at (`stat`, following symlinks) before it is
opened. Should it be swapped for something else in between, the open does
not block (O_NONBLOCK) and the opened file is looked at again. The one
device let through is the null device (`--config /dev/null`: no settings),
which reads as an empty file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from gate.errors import InputError

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class NotReadable(InputError):
    """An input that cannot be read. `problem` is the short reason ("not found", ...)."""

    def __init__(self, message: str, problem: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.problem = problem


def kind(mode: int) -> str:
    """What a file that is not regular is, in a word or two ("a FIFO")."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def check(path: Path, what: str, hint: str | None = None,
          directory_hint: str | None = None) -> os.stat_result:
    """The status of `path` when it is a regular file; else NotReadable, one line."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotReadable(f"{what} not found: {path}", "not found", hint) from None
    except OSError as exc:
        problem = f"cannot be read: {exc.strerror or type(exc).__name__}"
        raise NotReadable(f"cannot read {what} {path}: {exc.strerror}", problem) from None
    return _regular(info, path, what, directory_hint)


def _regular(info: os.stat_result, path: Path, what: str,
             directory_hint: str | None) -> os.stat_result:
    if stat.S_ISDIR(info.st_mode):
        raise NotReadable(f"{what} is a directory: {path}", "is a directory, not a file",
                          directory_hint)
    if not stat.S_ISREG(info.st_mode) and not _is_null(info):
        problem = f"is not a regular file ({kind(info.st_mode)})"
        raise NotReadable(f"{what} {problem}: {path}", problem)
    return info


def _is_null(info: os.stat_result) -> bool:
    if not stat.S_ISCHR(info.st_mode):
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(null.st_mode) and info.st_rdev == null.st_rdev


def open_input(path: Path, what: str, hint: str | None = None,
               directory_hint: str | None = None, *, allow_empty: bool = False) -> IO[bytes]:
    """Open a regular file for reading in binary, or raise NotReadable naming `what`.

    An empty file is refused too (with `hint`) unless `allow_empty`.
    """
    info = check(path, what, hint, directory_hint)
    if info.st_size == 0 and not allow_empty:
        raise NotReadable(f"{what} is empty: {path}", "is empty", hint)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        problem = f"cannot be read: {exc.strerror or type(exc).__name__}"
        raise NotReadable(f"cannot read {what} {path}: {exc.strerror}", problem) from None
    try:
        _regular(os.fstat(fd), path, what, directory_hint)  # the file opened is the one checked
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb", buffering=0)


def read_bytes(path: Path, what: str, limit: int | None = None, hint: str | None = None, *,
               allow_empty: bool = True) -> bytes:
    """The whole of a regular file (at most `limit` + 1 bytes: the caller tells "too big")."""
    handle = open_input(path, what, hint, allow_empty=allow_empty)
    try:
        with handle:
            return handle.read() if limit is None else _read_up_to(handle, limit + 1)
    except OSError as exc:
        problem = f"cannot be read: {exc.strerror or type(exc).__name__}"
        raise NotReadable(f"cannot read {what} {path}: {exc.strerror or exc}", problem) from None


def _read_up_to(handle: IO[bytes], size: int) -> bytes:
    parts, left = [], size
    while left > 0:
        data = handle.read(min(left, 1 << 20))
        if not data:
            break
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def read_optional(path: Path, what: str, errors: str = "replace") -> str | None:
    """A UTF-8 text file that may be absent: its text, or None when there is no such file.

    Anything else that stops it being read (a FIFO, a directory, no permission)
    is NotReadable; with `errors="strict"`, text that is not UTF-8 reads as None.
    """
    try:
        data = read_bytes(path, what)
    except NotReadable as exc:
        if exc.problem == "not found":
            return None
        raise
    try:
        return data.decode("utf-8", errors)
    except UnicodeDecodeError:
        return None
