"""Short codes (base62 numbers) and the rules a submitted URL must follow."""

from __future__ import annotations

from urllib.parse import urlsplit

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_URL_LENGTH = 2048


class InvalidURL(ValueError):
    """A URL that cannot be shortened."""


def encode(number: int) -> str:
    """The short code of a positive number."""
    if number < 1:
        raise ValueError(f"codes are for positive numbers, got {number}")
    digits = []
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def decode(code: str) -> int:
    """The number a short code stands for; ValueError when it is not a code."""
    if not code or code[0] == "0" or any(c not in ALPHABET for c in code):
        raise ValueError(f"not a short code: {code!r}")
    number = 0
    for char in code:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def is_code(text: str) -> bool:
    """Whether `text` is a well-formed short code."""
    try:
        decode(text)
    except ValueError:
        return False
    return True


def validate_url(url: str) -> str:
    """The URL, stripped, when it is an absolute http(s) URL of a sane length."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InvalidURL("only http and https URLs can be shortened")
    if not parts.hostname:
        raise InvalidURL("the URL has no host")
    return url
