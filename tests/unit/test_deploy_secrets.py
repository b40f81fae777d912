"""Secret rules: each with a passing and a failing case; values never in a message."""

from __future__ import annotations

from typing import Any

import pytest

from gate.checks.deploy.entries import Entry
from gate.checks.deploy.issue import ENVIRONMENT, Place
from gate.checks.deploy.secrets import gather, is_placeholder, judge, problems

STRONG = "Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0gA"  # 32 characters, 32 distinct
OTHER = "q7Wm2Xn9Kp4Lr6Tz8Vb3Yc5Hd1Jf0Gs_"


def rules_of(value: str, min_length: int = 32) -> list[str]:
    return [rule for rule, _ in problems(value, min_length)]


@pytest.mark.parametrize(("value", "expected"), [
    (STRONG, []),
    ("", ["secret-empty"]),
    ("   ", ["secret-empty"]),
    ("Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0g", ["secret-short"]),
    ("abcdefgabcdefgabcdefgabcdefgabcdefg", ["secret-low-variety"]),
    ("abcdefghabcdefghabcdefghabcdefgh", []),
    ("changeme", ["secret-placeholder", "secret-short", "secret-low-variety"]),
    ("django-insecure-" + STRONG, ["secret-placeholder"]),
])
def test_problems(value: str, expected: list[str]) -> None:
    assert rules_of(value) == expected


def test_min_length_is_a_setting() -> None:
    assert rules_of(STRONG[:20], min_length=20) == []
    assert rules_of(STRONG[:20], min_length=21) == ["secret-short"]


@pytest.mark.parametrize("value", [
    "changeme", "CHANGE-ME", "change_me_in_production_" + STRONG, "secret", "password", "test",
    "todo", "xxx", "xxxxxxxxxxxxxxxx", "<your-api-key>", "your-secret-key-here", "your_token",
    "django-insecure-abc", "sk_test_" + STRONG, "{{ .Values.secret }}", "********", "...",
    "dummy-" + STRONG, "example-" + STRONG, "postgres", "guest", "notasecret",
    "replace-me-" + STRONG, "%(password)s",
])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", [STRONG, OTHER, "sk_live_" + STRONG, "correct-horse-battery"])
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def env(key: str, value: Any, line: int | None = 1, **kw: Any) -> Entry:
    place = Place(".env", line) if line else ENVIRONMENT
    return Entry(key, (key,), value, place, True, **kw)


def conf(key: str, value: Any, **kw: Any) -> Entry:
    path = tuple(key.split("."))
    return Entry(key, path, value, Place("c.yaml", 3), False, **kw)


def test_gather_finds_secrets_by_name_and_by_listing() -> None:
    entries = [
        env("SECRET_KEY", STRONG),
        env("TOKEN_TTL", "60"),
        env("GOOGLE_APPLICATION_CREDENTIALS", "/var/run/secrets/gcp/key.json"),
        env("PIN", 1234),
        env("PLAIN", "x"),
        conf("db.password", OTHER),
        conf("db.password_file", "/run/secrets/db"),
        conf("api_keys", ["a", "b"]),
        conf("api_keys.0", "a", in_list=True),
        conf("api_keys.1", "b", in_list=True),
        conf("retries", 3),
    ]
    found, missing = gather(entries, ["PIN", "ABSENT", "db.nope"])
    assert [(s.key, s.value) for s in found] == [
        ("SECRET_KEY", STRONG), ("db.password", OTHER), ("api_keys.0", "a"), ("api_keys.1", "b")]
    assert [(i.rule, i.key, i.problem) for i in missing] == [
        ("secret-type", "PIN", "value is an integer, not a string"),
        ("secret-empty", "ABSENT", "listed in `secrets` but not set anywhere"),
        ("secret-empty", "db.nope", "listed in `secrets` but not set anywhere")]
    _, missing = gather(entries, ["db.nope", "ABSENT"], missing_ok=True)
    assert [i.key for i in missing] == ["ABSENT"]


def test_listed_secrets_are_checked_whatever_their_name_or_value() -> None:
    entries = [env("STRIPE", "/looks/like/a/path"), conf("app.signing", None)]
    found, issues = gather(entries, ["STRIPE", "app.signing"])
    assert [(s.key, s.value) for s in found] == [("STRIPE", "/looks/like/a/path")]
    assert [(i.rule, i.key, i.problem) for i in issues] == [
        ("secret-type", "app.signing", "value is null, not a string")]


def test_url_passwords_are_secrets() -> None:
    entries = [env("DATABASE_URL", "postgres://app:p%40ss@db/app"),
               env("REDIS_URL", "rediss://:" + STRONG + "@cache:6380/0"),
               env("PUBLIC_URL", "https://user@shop.example.com")]
    found, _ = gather(entries, [])
    assert [(s.key, s.value, s.what) for s in found] == [
        ("DATABASE_URL", "p@ss", "password in the URL "),
        ("REDIS_URL", STRONG, "password in the URL ")]


def test_a_value_taken_whole_from_a_variable_is_that_variable() -> None:
    entries = [env("DB_PASSWORD", STRONG),
               conf("database.password", STRONG, source="DB_PASSWORD"),
               env("STRIPE_KEY", OTHER, source="STRIPE_KEY_FROM_VAULT"),
               env("STRIPE_KEY_FROM_VAULT", OTHER, line=None)]
    found, _ = gather(entries, ["STRIPE_KEY_FROM_VAULT"])
    assert [s.key for s in found] == ["DB_PASSWORD", "STRIPE_KEY_FROM_VAULT"]
    assert judge(found, 32) == []


def test_entries_with_unresolved_references_are_left_to_ref_unresolved() -> None:
    found, missing = gather([conf("db.password", "", broken=True)], ["db.password"])
    assert found == [] and missing == []


def test_judge_reports_each_rule_and_reuse_without_values() -> None:
    entries = [env("JWT_SECRET", STRONG), env("SESSION_SECRET", STRONG, line=2),
               env("API_TOKEN", "changeme", line=3), env("EMPTY_PASSWORD", "", line=4),
               env("DATABASE_URL", f"postgres://app:{STRONG}@db/app", line=5)]
    found, _ = gather(entries, [])
    issues = judge(found, 32)
    assert [(i.rule, i.key, i.problem, i.place.line) for i in issues] == [
        ("secret-placeholder", "API_TOKEN", "value is a placeholder, not a real secret", 3),
        ("secret-short", "API_TOKEN", "value is shorter than 32 characters", 3),
        ("secret-low-variety", "API_TOKEN", "value has fewer than 8 distinct characters", 3),
        ("secret-empty", "EMPTY_PASSWORD", "value is empty", 4),
        ("secret-reused", "SESSION_SECRET",
         "value is the same as the value of JWT_SECRET (.env:1)", 2),
        ("secret-reused", "DATABASE_URL",
         "password in the URL is the same as the value of JWT_SECRET (.env:1)", 5),
    ]
    for issue in issues:
        assert STRONG not in issue.finding().message and "changeme" not in issue.finding().message


def test_distinct_strong_secrets_pass() -> None:
    found, _ = gather([env("JWT_SECRET", STRONG), env("SESSION_SECRET", OTHER)], [])
    assert judge(found, 32) == []
