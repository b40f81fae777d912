"""Redaction by parsing: URLs of every scheme, query parameters, DSNs, driver text."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.checks.connect.redact import (
    MASK, Redactor, header_secrets, is_secret_name, redact_dsn, redact_url, url_secrets)


@pytest.mark.parametrize("url, shown", [
    ("postgresql://app:hunter22@db:5432/app", "postgresql://app:***@db:5432/app"),
    ("postgres://app:hunter22@db/app", "postgres://app:***@db/app"),
    ("mysql://root:hunter22@127.0.0.1:3306/test", "mysql://root:***@127.0.0.1:3306/test"),
    ("mariadb://root:hunter22@[::1]:3306/test", "mariadb://root:***@[::1]:3306/test"),
    ("redis://:hunter22@cache:6379/0", "redis://:***@cache:6379/0"),
    ("rediss://default:hunter22@cache:6380", "rediss://default:***@cache:6380"),
    ("amqp://guest:hunter22@mq:5672/%2F", "amqp://guest:***@mq:5672/%2F"),
    ("https://user:hunter22@api.example/health", "https://user:***@api.example/health"),
    ("https://ghp_token123@github.com/org/repo", "https://***@github.com/org/repo"),
    ("postgresql://app@db/app", "postgresql://app@db/app"),
    ("tcp://127.0.0.1:5432", "tcp://127.0.0.1:5432"),
    # A reserved character left unencoded in a password must not leak its tail.
    ("postgresql://app:pa/ss?w#rd@db:5432/app", "postgresql://app:***@db:5432/app"),
    ("redis://:p@ss@cache:6379", "redis://:***@cache:6379"),
])
def test_passwords_in_urls_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize("query, shown", [
    ("password=x1&sslmode=require", "password=***&sslmode=require"),
    ("sslpassword=x1", "sslpassword=***"),
    ("token=x1&a=1", "token=***&a=1"),
    ("api_key=x1", "api_key=***"),
    ("X-Amz-Signature=abc&X-Amz-Credential=def&X-Amz-Date=1",
     "X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Date=1"),
    ("secret=x1&key=y2", "secret=***&key=***"),
    ("sslmode=verify-full&connect_timeout=3", "sslmode=verify-full&connect_timeout=3"),
])
def test_secret_query_parameters_are_masked(query: str, shown: str) -> None:
    assert redact_url(f"postgresql://db/app?{query}") == f"postgresql://db/app?{shown}"


def test_a_token_in_the_fragment_is_masked() -> None:
    assert redact_url("https://app/cb#access_token=abc&x=1") == "https://app/cb#access_token=***&x=1"


def test_an_unparseable_url_shows_only_its_scheme() -> None:
    assert redact_url("http://u:hunter22@[::1") == "http://***"


@pytest.mark.parametrize("text, shown", [
    ("host=db password=hunter22 dbname=app", "host=db password=*** dbname=app"),
    ("password='hunter 22' user=app", "password=*** user=app"),
    ('password="a \\" b" user=app', "password=*** user=app"),
    ("Authorization: Bearer abc.def.ghi", "Authorization: ***"),
    ('{"password": "hunter22", "user": "x"}', '{"password": ***, "user": "x"}'),
    ("connecting to keycloak:8080 failed", "connecting to keycloak:8080 failed"),
    ("user=app host=db", "user=app host=db"),
])
def test_dsn_fields_are_masked(text: str, shown: str) -> None:
    assert redact_dsn(text) == shown


def test_secret_names() -> None:
    secret = ("password", "PGPASSWORD", "api-key", "X_Token", "client_secret", "sslpassword",
              "Authorization")
    assert all(is_secret_name(n) for n in secret)
    assert not any(is_secret_name(n) for n in ("host", "port", "dbname", "sslmode", "user"))


def test_url_secrets_finds_password_parameters_and_basic_auth() -> None:
    found = url_secrets("https://u:p%40ss@h/x?token=t0k&sslmode=x")
    assert {"p%40ss", "p@ss", "t0k"} <= set(found)
    assert "dTpwQHNz" in found  # base64 of u:p@ss, as Basic auth sends it


def test_header_secrets_take_the_value_and_its_token() -> None:
    assert header_secrets("Authorization", "Bearer abc123") == ["Bearer abc123", "abc123"]
    assert header_secrets("X-Api-Key", "k3y") == ["k3y"]
    assert header_secrets("Accept", "text/plain") == []


def test_redactor_masks_known_secrets_in_driver_text() -> None:
    redact = Redactor(url_secrets("postgresql://app:Tr0ub4dor@db/app"))
    text = 'FATAL: password "Tr0ub4dor" rejected; retry with Tr0ub4dor'
    assert redact(text) == f'FATAL: password "{MASK}" rejected; retry with {MASK}'


def test_redactor_masks_encoded_forms_and_urls_it_does_not_know() -> None:
    redact = Redactor(["p@ss word"])
    assert redact("sent p%40ss%20word and p%40ss+word") == "sent *** and ***"
    assert redact("redirected to http://x:unknown-secret@other/") == "redirected to http://x:***@other/"


def test_redactor_keeps_punctuation_around_what_it_masks() -> None:
    redact = Redactor()
    assert redact("(last: 302 to http://x:pw@h/?token=t1).") == "(last: 302 to http://x:***@h/?token=***)."
    assert redact("postgres://h/db?password=pw1: refused") == "postgres://h/db?password=***: refused"


def test_redactor_leaves_short_secrets_to_parsing() -> None:
    redact = Redactor(["ab"])
    assert redact("tab table redis://:ab@h") == "tab table redis://:***@h"


def test_redactor_walks_data() -> None:
    redact = Redactor(["hunter22"])
    assert redact.data({"a": ["x hunter22", 3, {"hunter22": None}]}) == {
        "a": ["x ***", 3, {"***": None}]}


PASSWORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=6,
                    max_size=30)


@given(password=PASSWORDS, encode=st.booleans())
def test_no_password_survives_any_url_of_any_scheme(password: str, encode: bool) -> None:
    written = quote(password, safe="") if encode else password
    for scheme in ("postgresql", "mysql", "redis", "amqp", "https", "foo+bar"):
        url = f"{scheme}://user:{written}@host:1234/db?password={quote(password, safe='')}"
        redact = Redactor(url_secrets(url))
        shown = redact(f"failed: {url}")
        assert password not in shown.replace(MASK, "\0")
        assert written not in shown.replace(MASK, "\0")
