"""Numbers written in the gate's inputs, bounded by length before they are converted.

Python refuses to convert a string of more than 4300 digits to an int (a
ValueError that names no file and no line), and a huge number that does
convert can still overflow a later step. No count, line number, time or
setting needs more than MAX_LENGTH characters, so a longer one is refused
before conversion, by every reader alike, with an error the reader completes
with the file and the line.
"""

from __future__ import annotations

import re
import sys

#: A 128-bit count has 39 digits; a time or a setting is far shorter.
MAX_LENGTH = 40
#: A billion seconds is 31 years: no test or suite takes longer, and the times of a
#: million of them still add up, and round to milliseconds, exactly.
MAX_SECONDS = 10 ** 9
#: Python's own limit on converting digits to an int (a library that converts for us hits it).
INT_LIMIT = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300


class TooLong(ValueError):
    """A number longer than MAX_LENGTH characters. `str()` says which and how long."""

    def __init__(self, text: str, what: str = "a number") -> None:
        self.text = text
        super().__init__(f"{what} is {len(text):,} characters long (numbers have at most "
                         f"{MAX_LENGTH})")


def bounded(text: str, what: str = "a number") -> str:
    """`text` itself, when it is short enough to be a number; TooLong otherwise."""
    if len(text) > MAX_LENGTH:
        raise TooLong(text, what)
    return text


def whole(text: str, what: str = "a number") -> int:
    """`int(text)`, once `text` is known to be short enough (ValueError when not a number)."""
    return int(bounded(text, what))


def decimal_exponent_ok(exponent: int | str) -> bool:
    """Whether a Decimal's exponent is small enough to work with exactly (1e-99999999 is not:
    turning it into a Fraction computes 10**99999999)."""
    return isinstance(exponent, int) and abs(exponent) <= MAX_LENGTH


def json_int(text: str) -> int:
    """For `json.loads(parse_int=json_int)`: JSON integers, bounded."""
    return int(bounded(text, "an integer"))


def line_of(text: str, token: str) -> int | None:
    """The line of `text` where `token` first appears (to place a TooLong), if it does."""
    index = text.find(token)
    return None if index < 0 else text.count("\n", 0, index) + 1


_HUGE = re.compile(r"[0-9][0-9_]{%d,}" % (INT_LIMIT - 1))


def huge_number(text: str) -> tuple[int, int] | None:
    """(line, digits) of the first run of more than INT_LIMIT digits: what a parser that
    converts numbers itself (tomllib) could not convert."""
    found = _HUGE.search(text)
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1, len(found[0].replace("_", ""))


def huge_number_message(text: str) -> str:
    """`line N: an integer D digits long (...)`, for a parser's ValueError on `text`."""
    where = huge_number(text)
    if where is None:
        return f"a number of more digits than Python converts ({INT_LIMIT})"
    return (f"line {where[0]}: an integer {where[1]:,} digits long (Python converts at most "
            f"{INT_LIMIT})")
