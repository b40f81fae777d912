"""Secrets: found by name or listed in `secrets`, judged without ever being shown.

A secret fails when it is not a string (null, a number, a boolean: a YAML,
JSON or TOML file can hold those), empty, shorter than `min-secret-length`,
made of fewer than 8 distinct characters, a placeholder, or the same as
another secret. Passwords inside URLs (`postgres://app:pw@db/app`) are secrets too.
The issues name the key and the rule; the value goes nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import unquote, urlsplit

from gate.checks.deploy import keypath
from gate.checks.deploy.entries import Entry
from gate.checks.deploy.issue import ENVIRONMENT, Issue, Place
from gate.checks.deploy.validate import describe
from gate.checks.deploy.words import looks_secret

MIN_DISTINCT = 8

_PLACEHOLDERS = frozenset({
    "changeme", "change-me", "change_me", "changeit", "change-it", "secret", "secrets",
    "password", "passwd", "pass", "passw0rd", "p@ssw0rd", "password1", "test", "testing",
    "example", "dummy", "default", "todo", "tbd", "fixme", "none", "null", "nil", "undefined",
    "admin", "root", "foo", "bar", "foobar", "qwerty", "letmein", "sample", "placeholder",
    "token", "key", "apikey", "api_key", "mysecret", "supersecret", "topsecret", "s3cr3t",
    "123456", "12345678", "123456789", "1234567890", "abc123", "xxx",
    # the default passwords of service images, kept into production
    "postgres", "mysql", "mariadb", "redis", "guest", "rabbitmq", "minioadmin", "elastic",
})
_MARKERS = (
    "changeme", "change-me", "change_me", "change-this", "changethis", "change_this",
    "replace-me", "replaceme", "replace_me", "replace-this", "placeholder", "insecure",
    "example", "dummy", "do-not-use", "donotuse", "not-a-secret", "notasecret", "notsecret",
    "your-", "your_", "yoursecret", "yourkey", "yourtoken", "yourpassword", "xxxx", "todo",
    "fixme",
)
_PREFIXES = ("django-insecure-", "sk_test_", "pk_test_", "rk_test_", "whsec_test")
_TEMPLATE = re.compile(r"<[^<>]+>|\{\{.*\}\}|%\(\w+\)s|\*+|\.+|#+|-+", re.DOTALL)
_PATH = re.compile(r"(?:file://|~?/|\.{1,2}/)[\w.\-/]+")


@dataclass(frozen=True)
class Secret:
    """A value to judge. `what` says which part of the key it is ("" for all of it)."""

    key: str
    value: str
    place: Place
    identity: tuple[str, ...]
    what: str = "value "


def is_placeholder(value: str) -> bool:
    """Whether a value is a stand-in, not a real secret (changeme, <token>, your-key...)."""
    text = value.strip().lower()
    return (text in _PLACEHOLDERS or any(m in text for m in _MARKERS)
            or text.startswith(_PREFIXES) or bool(_TEMPLATE.fullmatch(text)))


def problems(value: str, min_length: int) -> list[tuple[str, str]]:
    """(rule, problem) for each rule `value` fails, most telling first."""
    if not value.strip():
        return [("secret-empty", "is empty")]
    found = []
    if is_placeholder(value):
        found.append(("secret-placeholder", "is a placeholder, not a real secret"))
    if len(value) < min_length:
        found.append(("secret-short", f"is shorter than {min_length} characters"))
    if len(set(value)) < MIN_DISTINCT:
        found.append(("secret-low-variety",
                      f"has fewer than {MIN_DISTINCT} distinct characters"))
    return found


def _looks_like_path(value: str) -> bool:
    return bool(_PATH.fullmatch(value.strip())) and (
        value.count("/") > 1 or "." in value.rsplit("/", 1)[-1])


def gather(entries: Sequence[Entry], listed: Sequence[str],
           missing_ok: bool = False) -> tuple[list[Secret], list[Issue]]:
    """The secrets among `entries`, a `secret-type` issue per secret that is not a string,
    and a `secret-empty` issue per listed name found nowhere.

    A listed name (`secrets`) is always a secret; a name that only looks like
    one (`looks_secret`) counts when its value is a string that is not a file
    path (GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json names a secret,
    it is not one), and fails when it holds null, a number or a boolean.
    `missing_ok` skips the "found nowhere" issue for dotted paths, when a
    config file could not be read.
    """
    wanted = {keypath.show(keypath.parse(name)): name for name in listed}
    seen: set[tuple[str, ...]] = set()
    secrets: list[Secret] = []
    mistyped: list[Issue] = []
    found: set[str] = set()

    def add(secret: Secret) -> None:
        if secret.identity not in seen:
            seen.add(secret.identity)
            secrets.append(secret)

    for entry in entries:
        if entry.key in wanted:
            found.add(entry.key)
        if entry.broken:
            continue
        value = entry.value
        owner = entry.path[:-1] if entry.in_list else entry.path  # a list's items share its key
        owner_key = entry.key if entry.in_env else keypath.show(owner)
        if isinstance(value, str) and "://" in value:
            password = _url_password(value)
            if password is not None:
                add(Secret(entry.key, password, entry.place, ("url", *entry.identity),
                           "password in the URL "))
        named = owner_key in wanted
        if not named and not looks_secret(keypath.name_of(owner)):
            continue
        if isinstance(value, str):
            if named or not _looks_like_path(value):
                add(Secret(entry.key, value, entry.place, entry.identity))
            continue
        kind = _not_a_string(value, named and not entry.in_list)
        if kind and entry.identity not in seen:
            seen.add(entry.identity)
            mistyped.append(Issue("secret-type", entry.key, f"value is {kind}, not a string",
                                  entry.place))
    issues = [Issue("secret-empty", shown, "listed in `secrets` but not set anywhere",
                    ENVIRONMENT)
              for shown in wanted if shown not in found and not (missing_ok and "." in shown)]
    return secrets, mistyped + issues


def _not_a_string(value: Any, listed: bool) -> str | None:
    """What a secret that is not a string is, in words; None where it is structure.

    A table under a secret's name (`secrets:`, a secretKeyRef) holds keys that are
    judged by their own names, and a list's items are judged one by one, so
    neither fails as such, but for an empty list, or a table listed in `secrets`.
    """
    if isinstance(value, dict):
        return describe(value) if listed else None
    if isinstance(value, list):
        return None if value else "an empty list"
    return describe(value)


def _url_password(value: str) -> str | None:
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return None
    return None if password is None else unquote(password)


def judge(secrets: Sequence[Secret], min_length: int) -> list[Issue]:
    """An issue for each rule each secret fails, then one per secret reused elsewhere."""
    issues: list[Issue] = []
    for secret in secrets:
        issues.extend(Issue(rule, secret.key, secret.what + problem, secret.place)
                      for rule, problem in problems(secret.value, min_length))
    first: dict[str, Secret] = {}
    for secret in secrets:
        if not secret.value.strip():
            continue
        earlier = first.setdefault(secret.value, secret)
        if earlier is not secret:
            where = "" if earlier.place is ENVIRONMENT else f" ({earlier.place})"
            same = f"is the same as the {earlier.what.strip()} of {earlier.key}{where}"
            issues.append(Issue("secret-reused", secret.key, secret.what + same, secret.place))
    return issues
