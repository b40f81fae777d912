"""Key names read as words: which ones hold a secret."""

from __future__ import annotations

import pytest

from gate.checks.deploy.words import looks_secret, words


def test_words_split_separators_and_camel_case() -> None:
    assert words("DATABASE_PASSWORD") == ("database", "password")
    assert words("jwtSecret") == ("jwt", "secret")
    assert words("Access-Control-Allow-Origin") == ("access", "control", "allow", "origin")


@pytest.mark.parametrize("name", [
    "SECRET_KEY", "password", "DB_PASSWD", "DB_PASS", "DB_PWD", "API_TOKEN", "authToken",
    "GITHUB_TOKEN", "api_key", "apiKey", "STRIPE_API_KEY", "private_key", "AWS_SECRET_ACCESS_KEY",
    "credentials", "jwtsecret", "SECRET_KEY_BASE", "ACCESS_KEY", "signing_key", "client_secret",
])
def test_secret_names(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize("name", [
    "TOKEN_TTL", "PASSWORD_MIN_LENGTH", "SECRET_KEY_FILE", "secretName", "AUTH_PASSWORD_VALIDATORS",
    "PASSWORD_HASHERS", "AWS_ACCESS_KEY_ID", "tokenizer", "BYPASS_CACHE", "DATABASE_URL",
    "TOKEN_URL", "debug", "", "PASSWORD_RESET_TIMEOUT", "key",
])
def test_names_that_are_not_secrets(name: str) -> None:
    assert not looks_secret(name)
