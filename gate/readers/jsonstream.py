"""Streaming JSON input shared by the findings readers (SARIF, bandit, the baseline).

`json.load` builds the whole document: a 50 MB SARIF file costs several times
that in memory. A `Stream` walks the containers a reader asks it to open itself
(`members()` of an object, `elements()` of an array) and hands each value it is
asked for to the C decoder (`json.JSONDecoder.raw_decode`) in one piece, so memory
follows the largest single value the reader keeps (one result, one rule), never
the size of the file. Values the reader does not need are skipped without being
kept: decoded whole when they fit in what has been read, else walked.

The input is strict JSON in UTF-8 (a BOM is allowed): NaN and Infinity, numbers
too long for int(), control characters in strings, nesting deeper than
MAX_DEPTH, a single value longer than MAX_VALUE and anything after the document
are refused with a `Malformed` exception saying where, which a reader turns
into one InputError line naming its file.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import IO, Any, Iterator

#: Bytes read at once.
CHUNK = 1 << 18
#: The largest single value a reader may ask for whole (one SARIF result, one rule).
MAX_VALUE = 16 << 20
#: Containers nested deeper than this are refused (json's C decoder recurses).
MAX_DEPTH = 512
#: How close to the end of what has been read an error must be to mean "read more".
NEAR_END = 16
WHITESPACE = re.compile(r"[ \t\n\r]*")
VALUE_STARTS = frozenset('{["tfn-0123456789')


class Malformed(Exception):
    """The document is not the JSON it should be; the message says where (byte offsets)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


class Stream:
    """Pull-based reading of one JSON document from a binary file."""

    def __init__(self, handle: IO[bytes], max_value: int = MAX_VALUE) -> None:
        self.handle = handle
        self.max_value = max_value
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.buffer = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the front of the buffer
        self.eof = False
        self.started = False
        self.depth = 0

    # Low level ------------------------------------------------------------------------

    def offset(self) -> int:
        """How many characters of the document lie behind the reading position."""
        return self.consumed + self.pos

    def where(self) -> str:
        """`character N` of the document, for messages."""
        return f"character {self.consumed + self.pos + 1}"

    def _fill(self, at_least: int = 0) -> bool:
        """Read at least `at_least` more bytes (or to the end); False at the end."""
        if self.eof:
            return False
        if self.pos:
            self.consumed += self.pos
            self.buffer = self.buffer[self.pos:]
            self.pos = 0
        parts = [self.buffer]
        wanted = max(at_least, CHUNK)
        got = 0
        while got < wanted:
            block = self.handle.read(wanted - got)
            if not block:
                self.eof = True
                break
            got += len(block)
            try:
                parts.append(self.decoder.decode(block, False))
            except UnicodeDecodeError as exc:
                raise Malformed(f"not UTF-8 text near byte {exc.start}") from None
        if self.eof:
            try:
                parts.append(self.decoder.decode(b"", True))
            except UnicodeDecodeError:
                raise Malformed("not UTF-8 text: the file ends inside a character") from None
        self.buffer = "".join(parts)
        if not self.started:
            self.started = True
            if self.buffer.startswith("\ufeff"):
                self.pos = 1
        return got > 0

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the document)."""
        while True:
            self.pos = WHITESPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def _expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.peek()
            raise Malformed(f"expected {what} at {self.where()}, found "
                            + (repr(found) if found else "the end of the file"))
        self.pos += 1

    # Values ---------------------------------------------------------------------------

    def value(self) -> Any:
        """The next value, decoded whole (at most `max_value` characters long)."""
        if not self.peek():
            raise Malformed(f"expected a value at {self.where()}, found the end of the file")
        while True:
            try:
                found, end = DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if not self._incomplete(exc):
                    raise Malformed(f"{exc.msg} at character {self.consumed + exc.pos + 1}"
                                    ) from None
                self._more()
                continue
            except RecursionError:  # the C decoder stops at Python's recursion limit
                raise Malformed(f"containers nested too deeply at {self.where()}") from None
            except ValueError as exc:  # NaN, Infinity, an int longer than Python allows
                raise Malformed(f"{exc} at {self.where()}") from None
            if not self.eof and len(self.buffer) - end <= NEAR_END:
                self._more()  # a number (`0` of `0.5`) may go on in what is not read yet
                continue
            if end - self.pos > self.max_value:
                raise self._too_long()
            self.pos = end
            return found

    def _incomplete(self, exc: json.JSONDecodeError) -> bool:
        if self.eof:
            return False
        return exc.msg.startswith("Unterminated string") or len(self.buffer) - exc.pos <= NEAR_END

    def _more(self) -> None:
        held = len(self.buffer) - self.pos
        if held >= self.max_value:
            raise self._too_long()
        self._fill(held)  # doubling what is held: decoding again costs linear time overall

    def _too_long(self) -> Malformed:
        return Malformed(f"a single value longer than {self.max_value >> 20} MiB at "
                         f"{self.where()}")

    def skip(self) -> None:
        """Pass over the next value without keeping it."""
        char = self.peek()
        if char in "[{":
            try:  # small containers in one go, in C, when they fit in what has been read
                found, end = DECODER.raw_decode(self.buffer, self.pos)
            except (json.JSONDecodeError, RecursionError, ValueError):
                pass
            else:
                if end < len(self.buffer):
                    self.pos = end
                    return
            if char == "[":
                for _ in self.elements():
                    self.skip()
            else:
                for _ in self.members():
                    self.skip()
            return
        self.value()

    # Containers -----------------------------------------------------------------------

    def members(self) -> Iterator[str]:
        """An object's keys in order; the caller reads or skips each value before the next."""
        self._open("{", "an object")
        try:
            if self.peek() == "}":
                self.pos += 1
                return
            while True:
                if self.peek() != '"':
                    raise Malformed(f"expected a key in quotes at {self.where()}")
                key = self.value()
                self._expect(":", "':'")
                at = self.offset()
                yield key
                if self.offset() == at:
                    self.skip()
                char = self._next_separator("}")
                if char == "}":
                    return
        finally:
            self.depth -= 1

    def elements(self) -> Iterator[int]:
        """An array's indexes in order; the caller reads or skips each value before the next."""
        self._open("[", "an array")
        try:
            if self.peek() == "]":
                self.pos += 1
                return
            index = 0
            while True:
                at = self.offset()
                yield index
                if self.offset() == at:
                    self.skip()
                index += 1
                if self._next_separator("]") == "]":
                    return
        finally:
            self.depth -= 1

    def _next_separator(self, close: str) -> str:
        char = self.peek()
        if char not in (",", close) or not char:
            found = repr(char) if char else "the end of the file"
            raise Malformed(f"expected ',' or '{close}' at {self.where()}, found {found}")
        self.pos += 1
        return char

    def kind(self) -> str:
        """What the next value is: object, array, string, number, literal, or end."""
        char = self.peek()
        if char and char not in VALUE_STARTS:
            raise Malformed(f"expected a JSON value at {self.where()}, found {char!r}")
        return {"{": "object", "[": "array", '"': "string", "": "end"}.get(
            char, "literal" if char in "tfn" else "number")

    def _open(self, char: str, what: str) -> None:
        if self.depth >= MAX_DEPTH:
            raise Malformed(f"containers nested deeper than {MAX_DEPTH} at {self.where()}")
        self._expect(char, what)
        self.depth += 1

    def finish(self) -> None:
        """Refuse anything but whitespace after the document."""
        if self.peek():
            raise Malformed(f"unexpected data after the JSON document at {self.where()}")
