"""Insecure-value rules: each with a passing and a failing case."""

from __future__ import annotations

from typing import Any

import pytest

from gate.checks.deploy.entries import Entry
from gate.checks.deploy.issue import Place
from gate.checks.deploy.rules import is_loopback, scan, truthy


def env(key: str, value: Any, **kw: Any) -> Entry:
    return Entry(key, (key,), value, Place(".env", 1), True, **kw)


def conf(key: str, value: Any, **kw: Any) -> Entry:
    return Entry(key, tuple(key.split(".")), value, Place("c.yaml", 2), False, **kw)


def found(entry: Entry, require_tls: bool = True) -> list[str]:
    return [i.rule for i in scan([entry], require_tls)]


@pytest.mark.parametrize(("entry", "rules"), [
    (env("DEBUG", "True"), ["debug-on"]),
    (env("DEBUG", "false"), []),
    (env("FLASK_DEBUG", "1"), ["debug-on"]),
    (env("DJANGO_DEBUG", "0"), []),
    (env("APP_DEBUG", "yes"), ["debug-on"]),
    (conf("app.debug", True), ["debug-on"]),
    (conf("app.debug", False), []),
    (conf("settings.DEBUG", 1), ["debug-on"]),
    (conf("logging.level", "debug"), []),
    (conf("debug_toolbar", True), []),
    (env("FLASK_ENV", "development"), ["dev-mode"]),
    (env("NODE_ENV", "production"), []),
    (conf("app.environment", "dev"), ["dev-mode"]),
    (conf("app.environment", "staging"), []),
    (env("ALLOWED_HOSTS", "shop.example.com,*"), ["hosts-wildcard"]),
    (env("ALLOWED_HOSTS", "shop.example.com,*.example.com"), []),
    (env("DJANGO_ALLOWED_HOSTS", "* shop.example.com"), ["hosts-wildcard"]),
    (conf("app.allowedHosts", ["shop.example.com", "*"]), ["hosts-wildcard"]),
    (conf("app.allowed_hosts", [".example.com"]), []),
    (conf("app.allowed_hosts.1", "*", in_list=True), []),  # reported on the list, once
    (env("CORS_ALLOWED_ORIGINS", "*"), ["cors-wildcard"]),
    (env("CORS_ALLOWED_ORIGINS", "https://shop.example.com"), []),
    (env("CORS_ORIGIN_ALLOW_ALL", "True"), ["cors-wildcard"]),
    (env("CORS_ALLOW_ALL_ORIGINS", "false"), []),
    (conf("cors.allow_origins", ["*"]), ["cors-wildcard"]),
    (conf("cors.allow_headers", ["*"]), []),
    (conf("headers.Access-Control-Allow-Origin", "*"), ["cors-wildcard"]),
    (conf("headers.Access-Control-Allow-Origin", "https://a.example"), []),
    (env("PUBLIC_URL", "http://shop.example.com"), ["http-url"]),
    (env("PUBLIC_URL", "https://shop.example.com"), []),
    (env("METRICS_URL", "http://localhost:9090/metrics"), []),
    (env("METRICS_URL", "http://127.0.0.2:9090"), []),
    (env("METRICS_URL", "http://[::1]:9090"), []),
    (conf("webhooks.1", "http://hooks.example.com/x", in_list=True), ["http-url"]),
    (env("DATABASE_URL", "postgres://app@db.example.com/app?sslmode=disable"),
     ["db-sslmode-disable"]),
    (env("DATABASE_URL", "postgresql+psycopg://app@db.example.com/app?sslmode=allow"),
     ["db-sslmode-disable"]),
    (env("DATABASE_URL", "postgres://app@db.example.com/app?sslmode=verify-full"), []),
    (env("DATABASE_URL", "postgres://app@localhost/app?sslmode=disable"), []),
    (env("DATABASE_URL", "postgres:///app?host=/run/postgresql&sslmode=disable"), []),
    (env("DATABASE_URL", "mysql://app@db.example.com/app?ssl-mode=DISABLED"),
     ["db-sslmode-disable"]),
    (env("DATABASE_URL", "mysql+pymysql://app@db.example.com/app?ssl=false"),
     ["db-sslmode-disable"]),
    (env("DATABASE_URL", "mysql://app@db.example.com/app?ssl-mode=REQUIRED"), []),
])
def test_rules(entry: Entry, rules: list[str]) -> None:
    assert found(entry) == rules


def test_tls_rules_run_only_with_require_tls() -> None:
    assert found(env("PUBLIC_URL", "http://shop.example.com"), require_tls=False) == []
    assert found(env("DATABASE_URL", "postgres://db.example.com/a?sslmode=disable"),
                 require_tls=False) == []


def test_messages_name_the_host_never_credentials() -> None:
    [issue] = scan([env("API_URL", "http://user:Zr8vQ2mN5kL1@api.example.com/v1")], True)
    assert issue.problem == "http:// URL to api.example.com (use https://)"
    assert "Zr8vQ2mN5kL1" not in issue.finding().message


def test_values_taken_from_a_checked_variable_are_reported_there_once() -> None:
    source = env("DEBUG", "true")
    copy = conf("app.debug", "true", source="DEBUG")
    alone = conf("app.other_debug", "true", source="NOT_DECLARED")
    assert [(i.rule, i.key) for i in scan([source, copy, alone], False)] == [
        ("debug-on", "DEBUG"), ("debug-on", "app.other_debug")]


def test_broken_entries_are_skipped() -> None:
    assert scan([env("DEBUG", "true", broken=True)], True) == []


def test_truthy_and_loopback() -> None:
    assert [truthy(v) for v in (True, 1, "On", "yes", False, 0, "no", None, "x")] == [
        True, True, True, True, False, False, False, False, False]
    assert is_loopback("localhost") and is_loopback("app.localhost") and is_loopback("::1")
    assert not is_loopback("example.com") and not is_loopback(None) and not is_loopback("10.0.0.1")
