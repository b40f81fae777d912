"""Safe, streaming XML input shared by the report readers (Cobertura, JUnit, and the rest).

Safety follows defusedxml: the same handlers refuse entity declarations and
external references, raising defusedxml's own exceptions. A DOCTYPE naming an
external DTD is accepted and never fetched: expat reads no external entity
unless asked to. Input is fed to expat in pieces, so memory follows what a
reader keeps, never the size of the file, and a token longer than MAX_TOKEN is
refused rather than rescanned quadratically.

An entity reference the document does not define (`&nbsp;` from a DTD that is
never read) stands for text nobody knows: the document is refused as unusable,
naming the entity, wherever the reference is. Expat would skip it silently
once a DOCTYPE names an external DTD (and drop it from attribute values
without a word), so the external ID of the DOCTYPE is blanked before expat
sees it, as if the DTD were empty, which, never read, it is; anything else
that would make expat skip references (a DOCTYPE it could not blank, a
parameter entity) is refused too.

A reader creates a parser with `parser()`, installs its own handlers and hands
`read()` a function that feeds the open file with `feed()`, or with a `Feeder`
given a `Shortcut` that reads some runs of markup in bulk, past expat. `read()` turns
every failure of the file itself (missing, a directory, a FIFO, empty,
unreadable, not well-formed, hostile, unusable) into one InputError line naming the
file; a reader's own exceptions pass through for it to translate.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import IO, Any, Callable, NoReturn, Protocol
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from gate.errors import InputError, UnsafeInputError
# Re-exported: a reader opens its file through gate.inputs, as every input is opened.
from gate.inputs import open_input as open_input

#: What is read and fed at once: expat's buffer grows to hold it, and pyexpat
#: hands expat at most 1 MiB per call anyway.
CHUNK = 1 << 18
#: Expat before 2.6 rescans an unfinished token from its start on every call, so
#: a single huge token (an attribute, a comment) would make parsing quadratic.
#: No report has a token near this size: a longer one is refused.
MAX_TOKEN = 8 << 20
#: How many bytes a Shortcut's marker may span, its look-ahead included.
MARKER_REACH = 256


class TokenTooLong(Exception):
    """A single XML token is longer than MAX_TOKEN bytes."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}: an XML token longer than {MAX_TOKEN >> 20} MiB")


class Unusable(Exception):
    """The document's meaning depends on a DTD the gate never reads. `hint` says what to do."""

    def __init__(self, line: int, problem: str, hint: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.hint = hint


_UNDEFINED = expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]
_NOT_STANDALONE = expat.errors.codes[expat.errors.XML_ERROR_NOT_STANDALONE]
#: From the start of a document to the external ID of its DOCTYPE: what may come
#: first is a byte-order mark, the XML declaration, white space, comments and
#: processing instructions. Every repetition is unambiguous (no backtracking blow-up).
_EXTERNAL_ID = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:<\?xml[^>]*\?>)?"
    rb"(?:[ \t\r\n]|<!--(?:[^-]|-(?!->))*-->|<\?(?:[^?]|\?(?!>))*\?>)*"
    rb"<!DOCTYPE[ \t\r\n]+[^ \t\r\n\[>]+[ \t\r\n]+"
    rb"((?:SYSTEM|PUBLIC[ \t\r\n]+(?:\"[^\"]*\"|'[^']*'))[ \t\r\n]+(?:\"[^\"]*\"|'[^']*'))")
_NOT_LINE_BREAK = re.compile(rb"[^\r\n]")
#: A reference to a named entity other than the five XML defines (&amp; &lt; &gt; &quot; &apos;).
_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([^\s;&<>\"'#][^\s;&<>\"']{0,99});")
#: How far into a start tag the undefined reference that expat reports at the tag is looked for.
_TAG_REACH = 1 << 16
_ENTITY_HINT = ("the gate reads no DTD: the report must spell the character itself "
                "or as a character reference (&#233;)")


def without_external_dtd(head: bytes) -> bytes:
    """`head` with the external ID of its DOCTYPE (SYSTEM "..." / PUBLIC "..." "...") blanked.

    Same length, same line breaks: every byte offset and line number stays true.
    """
    found = _EXTERNAL_ID.match(head)
    if found is None:
        return head
    start, end = found.span(1)
    return head[:start] + _NOT_LINE_BREAK.sub(b" ", head[start:end]) + head[end:]


def _forbid_entity(name: str, *_: Any) -> NoReturn:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_unparsed(name: str, *_: Any) -> NoReturn:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context: str, base: str | None, sysid: str | None,
                     pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _refuse_dtd() -> int:
    return 0  # expat then stops with XML_ERROR_NOT_STANDALONE


def parser() -> Any:
    """A new expat parser that refuses entity declarations and external references.

    Feed it with a `Feeder` (or `feed`), which also refuses undefined entity
    references; parsing a few bytes directly (to sniff the root) skips them.
    """
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
    Feeder(parser).run(handle)


class Shortcut(Protocol):
    """A reader that can read some runs of markup faster than expat's events allow.

    The feeder hands expat everything up to the end of each match of `marker`
    (a start tag, looking ahead at most MARKER_REACH bytes for the run it
    opens), asks `cue` whether expat has just read that tag as the reader's
    own, and if so lets `take` read on from the bytes after it. `take` returns
    where the markup it read itself ends (expat never sees those bytes, so they
    must be complete elements the reader has checked against a grammar strict
    enough to make them well-formed) and whether it stopped only because the
    data ran out.
    """

    marker: re.Pattern[bytes]

    def cue(self, offset: int) -> bool:
        """Whether the marker that starts at expat's byte `offset` opens a run to take."""

    def take(self, data: bytes, start: int, final: bool) -> tuple[int, bool]:
        """Read from data[start:]; returns (end of what was read, wants more data)."""


class Feeder:
    """Feeds a file to expat in pieces, and lets a Shortcut take the runs it can read faster.

    Positions reported for errors (`line`) and for size limits (`offset`) are
    the file's own, counting the bytes taken past expat.
    """

    def __init__(self, parser: Any, shortcut: Shortcut | None = None) -> None:
        # With the DOCTYPE's external ID blanked (`run`), expat knows every entity the
        # document can use: whatever would still make it skip references is refused.
        parser.NotStandaloneHandler = _refuse_dtd
        self.parser = parser
        self.shortcut = shortcut
        self.fed = 0  # bytes handed to expat
        # The last pieces handed to expat (they end at `fed`), at least _TAG_REACH bytes of
        # them when there were that many: an error names what stopped it from there.
        self.recent: deque[bytes] = deque()
        self.recent_size = 0
        self.taken = 0  # bytes read by the shortcut instead
        self.taken_lines = 0  # line breaks in those

    def line(self) -> int:
        """The file's line number where expat is now."""
        line: int = self.parser.CurrentLineNumber
        return line + self.taken_lines

    def offset(self) -> int:
        """How far into the file expat (or the shortcut) has read."""
        index: int = self.parser.CurrentByteIndex
        return max(index, 0) + self.taken

    def run(self, handle: IO[bytes]) -> None:
        """Feed all of `handle`, then finish the document."""
        source = _Head(handle)
        try:
            if self.shortcut is None:
                while data := source.read(CHUNK):
                    self._parse(data)
            else:
                self._run_with(self.shortcut, source)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            exc.lineno += self.taken_lines  # the file's line, not expat's
            if exc.code == _UNDEFINED:
                name = self._reference()
                entity = f"&{name};" if name else "an entity reference"
                raise Unusable(exc.lineno, f"undefined entity {entity} (its text is unknown: "
                               "no DTD is read)", _ENTITY_HINT) from None
            if exc.code == _NOT_STANDALONE:
                raise Unusable(exc.lineno, "the DOCTYPE needs a DTD, which the gate never reads "
                               "(a parameter entity, or an external DTD not at the start)",
                               "drop the DOCTYPE, or keep it to one line at the top of the "
                               "file") from None
            raise

    def _reference(self) -> str | None:
        """The name of the undefined entity expat stopped at, found in the recent pieces."""
        data = b"".join(self.recent)
        index = self.parser.ErrorByteIndex - (self.fed - len(data))
        if not 0 <= index < len(data):
            return None
        found = _REFERENCE.search(data, index, index + _TAG_REACH)  # at it, or inside its tag
        return found[1].decode("utf-8", "replace") if found else None

    def _run_with(self, shortcut: Shortcut, handle: _Head) -> None:
        find, keep = shortcut.marker.search, MARKER_REACH
        data, pos, final = b"", 0, False
        taking = more = False
        while True:
            if not final and (more or len(data) - pos < CHUNK + keep):
                if block := handle.read(CHUNK):
                    data, pos = data[pos:] + block, 0
                else:
                    final = True
            if taking:
                end, more = shortcut.take(data, pos, final)
                if end > pos:
                    self._skip(data, pos, end)
                pos, taking = end, more and not final
                if taking:
                    continue
            hit = find(data, pos)
            if hit is None:
                pos = self._parse_held(data, pos, final)
                if final:
                    return
                continue
            start = self.fed + hit.start() - pos  # the marker's offset as expat counts
            self._parse(data[pos:hit.end()])
            pos = hit.end()
            if self.parser.CurrentByteIndex < self.fed:
                # The marker sits inside an unfinished token (a comment, an
                # attribute): expat 2.5 rescans such a token on every call, so it
                # gets the rest of what has been read in one piece.
                pos = self._parse_held(data, pos, final)
            else:
                taking = shortcut.cue(start)

    def _parse_held(self, data: bytes, pos: int, final: bool) -> int:
        """Parse data[pos:] but for the last MARKER_REACH bytes (a marker may start there)."""
        stop = len(data) if final else max(pos, len(data) - MARKER_REACH)
        self._parse(data[pos:stop])
        return stop

    def _parse(self, data: bytes) -> None:
        parser = self.parser
        self.fed += len(data)
        self.recent.append(data)
        self.recent_size += len(data)
        while self.recent_size - len(self.recent[0]) >= _TAG_REACH:
            self.recent_size -= len(self.recent.popleft())
        parser.Parse(data, False)
        start = parser.CurrentByteIndex  # where the unfinished token begins
        if start >= 0 and self.fed - start > MAX_TOKEN:
            raise TokenTooLong(self.line())

    def _skip(self, data: bytes, start: int, end: int) -> None:
        # Expat counts CR, LF and CRLF as one line break each; a taken run
        # begins and ends at a tag's edge, so a CRLF is never split.
        self.taken += end - start
        self.taken_lines += data.count(b"\n", start, end)
        if data.find(b"\r", start, end) >= 0:  # rare: CRs alone, or CRLFs counted twice
            self.taken_lines += data.count(b"\r", start, end) - data.count(b"\r\n", start, end)


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
    except Unusable as exc:
        raise InputError(f"{what} is not usable: {path}: {exc}", exc.hint) from None
    except (LookupError, UnicodeError) as exc:  # an encoding expat hands to Python's codecs
        raise InputError(f"{what} is not well-formed XML: {path}: {exc}", hint) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


class _Head:
    """A file whose first block is read with the external ID of its DOCTYPE blanked."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.first = True

    def read(self, size: int) -> bytes:
        data = self.handle.read(size)
        if self.first:
            self.first = False
            return without_external_dtd(data)
        return data


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
