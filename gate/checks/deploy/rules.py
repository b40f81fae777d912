"""Insecure values, each rule with a stable id (see catalog.py).

- `debug-on`: a debug flag is on (DEBUG, FLASK_DEBUG, DJANGO_DEBUG, APP_DEBUG,
  a `debug` key);
- `dev-mode`: an environment name such as FLASK_ENV or NODE_ENV says development;
- `hosts-wildcard`: allowed hosts contain `*`;
- `cors-wildcard`: a CORS setting allows every origin;
- with `require-tls` only: `http-url`, an http:// URL to a host that is not
  loopback; `db-sslmode-disable`, a database URL that turns TLS off.

Messages name the key, and at most a host or a query parameter: never a value
that could be a secret.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import parse_qsl, urlsplit

from gate.checks.deploy import keypath
from gate.checks.deploy.entries import Entry
from gate.checks.deploy.issue import Issue
from gate.checks.deploy.validate import parse_bool
from gate.checks.deploy.words import words

DEV_NAMES = frozenset({"development", "develop", "dev", "local", "debug"})
_POSTGRES = ("postgres", "postgresql", "pgsql")
_MYSQL = ("mysql", "mariadb")
_TLS_OFF = {
    "sslmode": {"disable", "allow"},
    "ssl_mode": {"disabled"}, "ssl-mode": {"disabled"},
    "ssl": {"false", "0", "off", "no"}, "tls": {"false", "0", "off", "no"},
    "usessl": {"false"},
}


def scan(entries: Sequence[Entry], require_tls: bool) -> list[Issue]:
    """Every insecure value among `entries`."""
    rules: list[Callable[[Entry], Iterator[Issue]]] = [_debug, _dev_mode, _hosts, _cors]
    if require_tls:
        rules += [_http, _database]
    # A value taken whole from a variable that is itself checked is reported there, once.
    checked = {entry.key for entry in entries if entry.in_env}
    return [issue for entry in entries
            if not entry.broken and (entry.source is None or entry.source not in checked)
            for rule in rules for issue in rule(entry)]


def truthy(value: Any) -> bool:
    """On, the way config files and environments spell it: true, 1, yes, on."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return isinstance(value, str) and parse_bool(value) is True


def _name(entry: Entry) -> tuple[str, ...]:
    return words(entry.key if entry.in_env else keypath.name_of(entry.path))


def _issue(rule: str, entry: Entry, problem: str) -> Issue:
    return Issue(rule, entry.key, problem, entry.place)


def _debug(entry: Entry) -> Iterator[Issue]:
    name = _name(entry)
    if not entry.in_list and name and name[-1] == "debug" and truthy(entry.value):
        yield _issue("debug-on", entry, "debug is on")


def _dev_mode(entry: Entry) -> Iterator[Issue]:
    name = _name(entry)
    if (not entry.in_list and name and name[-1] in ("env", "environment")
            and isinstance(entry.value, str) and entry.value.strip().lower() in DEV_NAMES):
        yield _issue("dev-mode", entry, "names a development environment")


def _has_star(value: Any) -> bool:
    """`*` as a list item, or as one item of a comma- or space-separated string."""
    if isinstance(value, list):
        return any(isinstance(v, str) and v.strip() == "*" for v in value)
    return isinstance(value, str) and "*" in value.replace(",", " ").split()


def _hosts(entry: Entry) -> Iterator[Issue]:
    joined = "".join(_name(entry))
    if (not entry.in_list and joined.endswith(("allowedhosts", "trustedhosts"))
            and _has_star(entry.value)):
        yield _issue("hosts-wildcard", entry, "allowed hosts contain '*' (any host)")


def _cors(entry: Entry) -> Iterator[Issue]:
    if entry.in_list:
        return
    name = _name(entry)
    context = {w for segment in entry.path for w in words(segment)}
    origin = "origin" in name or "origins" in name
    if "".join(name) == "accesscontrolalloworigin" or ("cors" in context and origin):
        if _has_star(entry.value) or ("all" in name and truthy(entry.value)):
            yield _issue("cors-wildcard", entry, "CORS allows every origin")


def _urls(entry: Entry) -> Iterator[tuple[str, Any]]:
    value = entry.value
    if not isinstance(value, str) or "://" not in value:
        return
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return
    yield value.strip().lower().split("://", 1)[0], parts


def is_loopback(host: str | None) -> bool:
    """localhost, *.localhost, 127.0.0.0/8 and ::1."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _http(entry: Entry) -> Iterator[Issue]:
    for scheme, parts in _urls(entry):
        if scheme == "http" and parts.hostname and not is_loopback(parts.hostname):
            yield _issue("http-url", entry, f"http:// URL to {parts.hostname} (use https://)")


def _database(entry: Entry) -> Iterator[Issue]:
    for scheme, parts in _urls(entry):
        family = scheme.split("+", 1)[0]
        if family not in _POSTGRES + _MYSQL or is_loopback(parts.hostname):
            continue
        if parts.hostname is None:  # a Unix socket: nothing crosses the network
            continue
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if value.strip().lower() in _TLS_OFF.get(key.lower(), ()):
                yield _issue("db-sslmode-disable", entry,
                             f"database URL to {parts.hostname} turns TLS off ({key}={value})")
                break
