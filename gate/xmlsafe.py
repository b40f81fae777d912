"""Safe, streaming XML input shared by the report readers (Cobertura, JUnit).

Safety follows defusedxml: the same handlers refuse entity declarations and
external references, raising defusedxml's own exceptions. A DOCTYPE naming an
external DTD is accepted and never fetched: expat reads no external entity
unless asked to. Input is fed to expat in pieces, so memory follows what a
reader keeps, never the size of the file, and a token longer than MAX_TOKEN is
refused rather than rescanned quadratically.

A reader creates a parser with `parser()`, installs its own handlers and hands
`read()` a function that feeds the open file with `feed()`. `read()` turns
every failure of the file itself (missing, a directory, a FIFO, empty,
unreadable, not well-formed, hostile) into one InputError line naming the file;
a reader's own exceptions pass through for it to translate.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any, Callable, NoReturn
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from gate.errors import InputError, UnsafeInputError

#: What is read and fed at once: expat's buffer grows to hold it, and pyexpat
#: hands expat at most 1 MiB per call anyway.
CHUNK = 1 << 18
#: Expat before 2.6 rescans an unfinished token from its start on every call, so
#: a single huge token (an attribute, a comment) would make parsing quadratic.
#: No report has a token near this size: a longer one is refused.
MAX_TOKEN = 8 << 20


class TokenTooLong(Exception):
    """A single XML token is longer than MAX_TOKEN bytes."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}: an XML token longer than {MAX_TOKEN >> 20} MiB")


def _forbid_entity(name: str, *_: Any) -> NoReturn:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_unparsed(name: str, *_: Any) -> NoReturn:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context: str, base: str | None, sysid: str | None,
                     pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def parser() -> Any:
    """A new expat parser that refuses entity declarations and external references."""
    new = expat.ParserCreate()
    new.EntityDeclHandler = _forbid_entity
    new.UnparsedEntityDeclHandler = _forbid_unparsed
    new.ExternalEntityRefHandler = _forbid_external
    new.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    new.buffer_text = True
    return new


def feed(parser: Any, handle: IO[bytes]) -> None:
    """Feed all of `handle` to `parser` in CHUNK-byte pieces, then finish.

    Raises TokenTooLong when expat has been stuck in one token for MAX_TOKEN bytes.
    """
    read, parse = handle.read, parser.Parse
    fed = 0
    while data := read(CHUNK):
        parse(data, False)
        fed += len(data)
        start = parser.CurrentByteIndex  # where the unfinished token begins
        if start >= 0 and fed - start > MAX_TOKEN:
            raise TokenTooLong(parser.CurrentLineNumber)
    parse(b"", True)


def read(path: Path, what: str, hint: str, directory_hint: str,
         parse: Callable[[IO[bytes]], None]) -> None:
    """Open `path` safely and run `parse` on it, translating the file's failures.

    `what` names the input in messages ("coverage report"); `hint` says how to
    produce it. Raises InputError (UnsafeInputError for hostile XML).
    """
    handle = open_input(path, what, hint, directory_hint)
    try:
        with handle:
            parse(handle)
    except DefusedXmlException as exc:
        raise UnsafeInputError(f"unsafe XML rejected: {path}: {unsafe_reason(exc)}") from None
    except expat.ExpatError as exc:
        raise InputError(
            f"{what} is not well-formed XML: {path}: line {exc.lineno}: {problem(exc)}", hint
        ) from None
    except TokenTooLong as exc:
        raise InputError(f"{what} is not usable: {path}: {exc}", hint) from None
    except (LookupError, UnicodeError) as exc:  # an encoding expat hands to Python's codecs
        raise InputError(f"{what} is not well-formed XML: {path}: {exc}", hint) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def open_input(path: Path, what: str, hint: str, directory_hint: str) -> IO[bytes]:
    """Open a regular, non-empty file for reading, or raise one InputError line."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{what} not found: {path}", hint) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{what} is a directory: {path}", directory_hint)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{what} is not a regular file: {path}")
    if info.st_size == 0:
        raise InputError(f"{what} is empty: {path}", hint)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after stat, open must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    return os.fdopen(fd, "rb", buffering=0)


def problem(exc: expat.ExpatError) -> str:
    """Expat's own words for what is wrong with the document."""
    return expat.errors.messages[exc.code] if exc.code else str(exc)


def unsafe_reason(exc: DefusedXmlException) -> str:
    """Why a hostile document was refused, in one phrase."""
    if isinstance(exc, EntitiesForbidden):
        return f"entity declaration {exc.name!r} is forbidden"
    if isinstance(exc, ExternalReferenceForbidden):
        return f"external reference to {exc.sysid!r} is forbidden"
    return str(exc)
