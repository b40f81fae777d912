"""Keep secrets out of every message: by parsing URLs, query strings and DSNs.

Two layers. `redact_url` and `redact_dsn` mask what sits in a secret's place
(a URL's password, a `password=`/`token=`/`key=`/`secret=` parameter, a DSN
field) whatever the scheme. A `Redactor` also knows the secret values taken from
the configured checks and masks them wherever they turn up, so a driver that
echoes a password in its own words still shows `***`.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlsplit, urlunsplit

MASK = "***"
#: A parameter or field whose name contains one of these holds a secret.
SECRET_WORDS = ("password", "passwd", "pwd", "pass", "secret", "token", "key", "auth",
                "credential", "signature", "sig", "session", "cookie")
#: Known secret values shorter than this are masked where they are parsed, not
#: wherever their characters happen to appear (a one-letter "password" would
#: otherwise mangle every message).
MIN_SCRUBBED = 4
#: Schemes whose user name alone may be a token (`https://TOKEN@host/`).
_TOKEN_USER_SCHEMES = frozenset({"http", "https", "ws", "wss", "git+https"})

# Candidates only: each is then parsed, never judged by the pattern.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>`]+")
# `name=value`, `name: value` or `"name": "value"`, where a field can start (so
# neither `host:5432` nor the path in `http://h/auth: refused` is a field).
_FIELD = re.compile(
    r"(?:(?<=^)|(?<=[\s{,;&?(\[\"']))([A-Za-z_][A-Za-z0-9_.\-]*)"
    r"([\"']?(?:\s*=\s*|:\s+|:(?=[\"'])))")


def is_secret_name(name: str) -> bool:
    """Whether a parameter, field or header called `name` holds a secret."""
    folded = unquote_plus(name).lower().replace("-", "").replace("_", "")
    return any(word in folded for word in SECRET_WORDS)


def split_userinfo(url: str) -> tuple[str, str | None, str]:
    """`url` as (`scheme://`, userinfo or None, the rest after `@`).

    A password with an unencoded `/`, `?` or `#` ends the authority early for a
    standard parser, which would then show the rest of the password as a path.
    So when an `@` follows the parsed authority and a `user:` starts it, the
    userinfo runs to the last such `@`: masking too much beats showing a secret.
    """
    head, sep, rest = url.partition("://")
    if not sep:
        return url, None, ""
    end = len(rest)
    for stop in "/?#":
        index = rest.find(stop)
        if index != -1:
            end = min(end, index)
    at = rest.rfind("@", 0, end)
    later = rest.rfind("@", end)
    colon = rest.find(":")
    if later != -1 and -1 < colon < end:
        at = later
    if at == -1:
        return head + sep, None, rest
    return head + sep, rest[:at], rest[at + 1:]


def redact_url(url: str) -> str:
    """`url` with its password and secret parameters masked; never raises."""
    prefix, userinfo, rest = split_userinfo(url)
    scheme = prefix[:-3].lower()
    if userinfo is not None:
        user, colon, _password = userinfo.partition(":")
        if colon:
            userinfo = f"{user}:{MASK}"
        elif scheme in _TOKEN_USER_SCHEMES:
            userinfo = MASK
        rest = f"{userinfo}@{rest}"
    try:
        parts = urlsplit(f"{prefix}{rest}")
    except ValueError:
        return _fallback(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, _redact_query(parts.query),
                       _redact_query(parts.fragment) if "=" in parts.fragment
                       else parts.fragment))


def _fallback(url: str) -> str:
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://{MASK}" if sep else MASK


def _redact_query(query: str) -> str:
    if not query:
        return query
    out = []
    for piece in query.split("&"):
        name, eq, _value = piece.partition("=")
        out.append(f"{name}={MASK}" if eq and is_secret_name(name) else piece)
    return "&".join(out)


def redact_dsn(text: str) -> str:
    """Mask the values of secret fields in `key=value` text (libpq DSNs, driver messages).

    Values may be quoted with ' or " (backslash escapes); otherwise `key=value`
    runs to the next space, `&`, `;` or `,`, and `key: value` to the end of the line.
    """
    out: list[str] = []
    pos = 0
    for match in _FIELD.finditer(text):
        if match.start() < pos or not is_secret_name(match.group(1)):
            continue
        start = match.end()
        if text.startswith(MASK, start):
            continue  # masked already; its end is unknown to this pass
        end = _value_end(text, start, to_line=":" in match.group(2))
        if end == start:
            continue
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _value_end(text: str, start: int, to_line: bool) -> int:
    if start < len(text) and text[start] in "'\"":
        quote_char = text[start]
        i = start + 1
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == quote_char:
                return i + 1
            i += 1
        return len(text)
    # `Authorization: Bearer x` runs to the end of the line; `password=x` to a separator.
    stops = "\r\n)]}" if to_line else "&;,)]}"
    i = start
    while i < len(text) and text[i] not in stops and (to_line or not text[i].isspace()):
        i += 1
    return i


def url_secrets(url: str) -> list[str]:
    """The secret values in `url`: its password and secret parameters, as written and decoded."""
    found: list[str] = []
    prefix, userinfo, rest = split_userinfo(url)
    if userinfo is not None:
        user, colon, password = userinfo.partition(":")
        if colon:
            found += [password, unquote(password)]
            if user:
                pair = f"{unquote(user)}:{unquote(password)}".encode()
                found.append(base64.b64encode(pair).decode())  # what Basic auth sends
        elif prefix[:-3].lower() in _TOKEN_USER_SCHEMES:
            found += [user, unquote(user)]
    try:
        parts = urlsplit(f"{prefix}{rest}")
        plain = urlsplit(url).password  # the standard reading too, when the two differ
    except ValueError:
        return found
    if plain:
        found += [plain, unquote(plain)]
    for section in (parts.query, parts.fragment):
        for piece in section.split("&"):
            name, eq, value = piece.partition("=")
            if eq and value and is_secret_name(name):
                found += [value, unquote_plus(value)]
    return found


def header_secrets(name: str, value: str) -> list[str]:
    """The secret parts of an HTTP header: a sensitive header's value and its token."""
    if not (is_secret_name(name) or name.lower() in {"proxy-authorization", "x-api-key"}):
        return []
    found = [value]
    scheme, _, token = value.partition(" ")
    if token and scheme.isalpha():
        found.append(token.strip())
    return found


def _redact_match(match: re.Match[str]) -> str:
    """A URL found in text, redacted; punctuation that ends a sentence stays outside it."""
    url = match.group(0)
    core = url.rstrip(".,;:!?)]}")
    return redact_url(core) + url[len(core):]


class Redactor:
    """Masks known secret values and anything in a secret's place, in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            for form in (secret, quote(secret, safe=""), quote_plus(secret), unquote(secret)):
                if len(form) >= MIN_SCRUBBED:
                    variants.add(form)
        # Longest first, so a secret that contains another is masked whole.
        self._values = sorted(variants, key=lambda s: (-len(s), s))

    def __call__(self, text: str) -> str:
        """`text` with every secret masked."""
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        text = _URL.sub(_redact_match, text)
        return redact_dsn(text)

    def data(self, value: Any) -> Any:
        """JSON-like data with every string in it redacted (keys too)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {self(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value
