"""Reading key names: `DATABASE_PASSWORD`, `jwtSecret`, `cors.allow_origins` as words."""

from __future__ import annotations

import re

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of a key name, split at separators and camelCase humps."""
    return tuple(w.lower() for w in _SPLIT.split(_CAMEL.sub(r"\1_\2", name)) if w)


_SECRET = ("secret", "secrets", "password", "passwords", "passwd", "token", "tokens",
           "credential", "credentials", "apikey", "privatekey", "secretkey")
_SECRET_EXACT = ("pwd", "pass")
_SECRET_PAIRS = (("api", "key"), ("private", "key"), ("access", "key"), ("signing", "key"),
                 ("encryption", "key"))
# A last word that makes the key *about* a secret rather than the secret itself:
# SECRET_KEY_FILE (a path), TOKEN_TTL, PASSWORD_MIN_LENGTH, secretName (a reference).
_ABOUT = frozenset({
    "file", "path", "dir", "directory", "ttl", "expiry", "expire", "expires", "expiration",
    "lifetime", "age", "length", "len", "min", "max", "size", "name", "id", "type", "header",
    "url", "uri", "endpoint", "enabled", "enable", "required", "validator", "hasher", "field",
    "prefix", "timeout", "algorithm", "backend", "env", "var", "version", "hint", "rotation",
    "count", "mode", "policy", "location", "store", "provider", "format", "method", "scope",
    "audience", "issuer", "user", "username", "login", "ref", "source", "kind",
})


def looks_secret(name: str) -> bool:
    """Whether a key's name says it holds a secret (password, token, api_key...)."""
    parts = words(name)
    if not parts or _singular(parts[-1]) in _ABOUT:
        return False
    if any(p in _SECRET_EXACT or any(p == w or p.endswith(w) for w in _SECRET) for p in parts):
        return True
    singular = [_singular(p) for p in parts]
    return any(pair in zip(singular, singular[1:]) for pair in _SECRET_PAIRS)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
