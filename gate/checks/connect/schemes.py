"""The URL schemes the connect family speaks, and what each needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheme:
    """A URL scheme: the probe module that speaks it, its driver and its default port."""

    name: str
    probe: str
    default_port: int | None
    driver: str | None = None
    extra: str | None = None
    tls: bool = False


SCHEMES = {s.name: s for s in (
    Scheme("tcp", "tcp", None),
    Scheme("http", "http", 80),
    Scheme("https", "http", 443, tls=True),
    Scheme("tls", "tls", 443, tls=True),
    Scheme("postgresql", "postgres", 5432, "psycopg", "postgres"),
    Scheme("postgres", "postgres", 5432, "psycopg", "postgres"),
    Scheme("mysql", "mysql", 3306, "pymysql", "mysql"),
    Scheme("mariadb", "mysql", 3306, "pymysql", "mysql"),
    Scheme("redis", "redis", 6379, "redis", "redis"),
    Scheme("rediss", "redis", 6379, "redis", "redis", tls=True),
    Scheme("amqp", "amqp", 5672, "pika", "amqp"),
    Scheme("amqps", "amqp", 5671, "pika", "amqp", tls=True),
    Scheme("dns", "dns", None),
)}

#: Per-check keys beyond name, url and timeout, and the probes that read them.
KEY_PROBES = {
    "method": {"http"},
    "headers": {"http"},
    "expect-status": {"http"},
    "expect-body": {"http"},
    "max-redirects": {"http"},
    "ca-file": {"http", "tls", "redis", "amqp"},
    "min-days-valid": {"http", "tls"},
}


def names() -> str:
    """The scheme names for a hint: `tcp, http, https, ...`."""
    return ", ".join(SCHEMES)
