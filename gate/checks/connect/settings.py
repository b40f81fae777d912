"""Connect settings: entries from `[[tool.gate.connect]]` and `--connect`, validated.

Parsing is pure: the environment comes in as a mapping. Every message names
the entry and key, and shows URLs redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from gate import inputs, interpolate
from gate.checks.connect.redact import (
    Redactor, header_secrets, is_secret_name, redact_url, split_userinfo)
from gate.checks.connect.schemes import KEY_PROBES, SCHEMES, Scheme, names
from gate.errors import UsageError
from gate.family import Origin, as_int, as_seconds, as_str

DEFAULT_TIMEOUT = 5.0
DEFAULT_MIN_DAYS_VALID = 14
DEFAULT_MAX_REDIRECTS = 5
ENTRY_KEYS = ("name", "url", "timeout", *KEY_PROBES)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]*\Z")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")


@dataclass(frozen=True)
class StatusSet:
    """The HTTP statuses a check accepts, as inclusive ranges, and how to show them."""

    ranges: tuple[tuple[int, int], ...]
    text: str

    def __contains__(self, status: object) -> bool:
        return isinstance(status, int) and any(lo <= status <= hi for lo, hi in self.ranges)


ANY_2XX = StatusSet(((200, 299),), "2xx")
#: The scheme of a check whose URL is a variable that is not set.
UNRESOLVED = Scheme("unresolved", "none", None)


@dataclass(frozen=True)
class Entry:
    """One check as written, variables not yet resolved (it may hold a literal password)."""

    label: str
    url: str = field(repr=False)
    name: str | None = None
    timeout: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Check:
    """One check ready to run. `url` and `headers` may hold secrets: never shown."""

    name: str
    url: str = field(repr=False)
    shown: str
    scheme: Scheme
    host: str | None
    port: int | None
    timeout: float
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    expect_status: StatusSet = ANY_2XX
    expect_body: re.Pattern[str] | None = None
    ca_file: Path | None = None
    min_days_valid: int = DEFAULT_MIN_DAYS_VALID
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    unresolved: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The check's id in reports: `connect.<name>`."""
        return f"connect.{self.name}"


@dataclass(frozen=True)
class ConnectSettings:
    """The checks to run, how long `--wait` may retry, and the secrets to redact."""

    checks: tuple[Check, ...]
    wait: float | None = None
    redactor: Redactor = field(default_factory=Redactor, repr=False)


# Raw entries -------------------------------------------------------------------


@dataclass(frozen=True)
class RawEntry:
    """A settings-file entry and the label that names it in messages."""

    label: str
    value: Any = field(repr=False)


def normalize(raw: Any, where: str) -> Any:
    """`[[tool.gate.connect]]` (a list) or `[tool.gate.connect]` (a table) as an options table."""
    if isinstance(raw, list):
        return {"checks": [RawEntry(f"{where}[{i}]", item) for i, item in enumerate(raw, 1)]}
    if isinstance(raw, dict) and isinstance(raw.get("checks"), list):
        items = raw["checks"]
        return {**raw, "checks": [RawEntry(f"{where}.checks[{i}]", item)
                                  for i, item in enumerate(items, 1)]}
    return raw


def as_entries(raw: Any, origin: Origin) -> tuple[Entry, ...]:
    """Entries from the settings file: tables, or plain URL strings."""
    out = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, RawEntry):
            item = RawEntry(f"{origin.label}[{i}]", item)
        out.append(parse_entry(item.value, item.label, origin.base))
    return tuple(out)


def as_urls(raw: Any, origin: Origin) -> tuple[Entry, ...]:
    """Entries from `--connect URL` flags (or a `urls` list in the settings)."""
    return tuple(Entry(origin.label, as_str(item, Origin(origin.label, origin.base)))
                 for item in raw)


def parse_entry(value: Any, label: str, base: Path) -> Entry:
    """One entry: a URL string, or a table of the keys in `ENTRY_KEYS`."""
    if isinstance(value, str):
        return Entry(label, value)
    if not isinstance(value, dict):
        raise UsageError(f"{label}: expected a table or a URL string, "
                         f"got {type(value).__name__}")
    unknown = sorted(set(value) - set(ENTRY_KEYS))
    if unknown:
        raise UsageError(f"{label}: unknown key {unknown[0]!r}",
                         "known keys: " + ", ".join(sorted(ENTRY_KEYS)))
    if "url" not in value:
        raise UsageError(f"{label}: missing key 'url'")
    url = as_str(value["url"], Origin(f"{label}.url", base))
    name = value.get("name")
    if name is not None:
        name = as_str(name, Origin(f"{label}.name", base))
        if not _NAME.match(name):
            raise UsageError(f"{label}.name: {name!r} is not a usable check name",
                             "use letters, digits and . _ - : @")
    timeout = None
    if "timeout" in value:
        timeout = as_seconds(value["timeout"], Origin(f"{label}.timeout", base))
    options = {key: _option(key, raw, Origin(f"{label}.{key}", base))
               for key, raw in value.items() if key in KEY_PROBES}
    return Entry(label, url, name, timeout, options)


def _option(key: str, raw: Any, origin: Origin) -> Any:
    if key == "method":
        method = as_str(raw, origin).upper()
        if not _TOKEN.match(method):
            raise UsageError(f"{origin.label}: {raw!r} is not an HTTP method")
        return method
    if key == "headers":
        return _headers(raw, origin)
    if key == "expect-status":
        return parse_status(raw, origin.label)
    if key == "expect-body":
        pattern = as_str(raw, origin)
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"{origin.label}: not a valid regular expression: {exc}") from None
    if key == "ca-file":
        path = origin.base / as_str(raw, origin)
        inputs.check(path, origin.label)  # OpenSSL reads it later: a FIFO would block it
        return path
    if key == "min-days-valid":
        return as_int(raw, origin)
    if key == "max-redirects":
        return as_int(raw, origin)
    raise AssertionError(key)  # pragma: no cover - KEY_PROBES and this list agree


def _headers(raw: Any, origin: Origin) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise UsageError(f"{origin.label}: expected a table of header names and values")
    out = []
    for name, value in raw.items():
        if not _TOKEN.match(name):
            raise UsageError(f"{origin.label}: {name!r} is not a header name")
        value = as_str(value, Origin(f"{origin.label}.{name}", origin.base))
        if "\r" in value or "\n" in value:
            raise UsageError(f"{origin.label}.{name}: a header value cannot hold a line break")
        out.append((name, value))
    return tuple(out)


def parse_status(raw: Any, label: str) -> StatusSet:
    """`200`, `"2xx"`, `"200-299"` or a list of them."""
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise UsageError(f"{label}: expected at least one status")
    ranges, texts = [], []
    for item in items:
        if isinstance(item, bool):
            raise UsageError(f"{label}: {item!r} is not an HTTP status")
        text = str(item).strip().lower()
        match = re.fullmatch(r"([1-5])xx|([1-5]\d\d)(?:-([1-5]\d\d))?", text)
        if not isinstance(item, (int, str)) or match is None:
            raise UsageError(f"{label}: {item!r} is not an HTTP status",
                             "use 200, \"2xx\", \"200-299\" or a list of them")
        if match.group(1):
            lo = int(match.group(1)) * 100
            ranges.append((lo, lo + 99))
        else:
            lo, hi = int(match.group(2)), int(match.group(3) or match.group(2))
            if hi < lo:
                raise UsageError(f"{label}: {item!r} is an empty range")
            ranges.append((lo, hi))
        texts.append(text)
    return StatusSet(tuple(ranges), ", ".join(texts))


# Building the checks -----------------------------------------------------------


def build(entries: Sequence[Entry], timeout: float | None, wait: float | None,
          environ: Mapping[str, str]) -> ConnectSettings:
    """Resolve variables, parse each URL and name each check."""
    checks = []
    secrets: list[str] = []
    taken: set[str] = set()
    for entry in entries:
        check, found = _check(entry, timeout or DEFAULT_TIMEOUT, environ)
        secrets += found
        name = check.name
        if entry.name is not None:
            if name in taken:
                raise UsageError(f"{entry.label}.name: {name!r} is used by another check")
        else:
            n = 2
            while name in taken:
                name = f"{check.name}-{n}"
                n += 1
        taken.add(name)
        checks.append(replace(check, name=name))
    return ConnectSettings(tuple(checks), wait, Redactor(secrets))


def _check(entry: Entry, default_timeout: float, environ: Mapping[str, str]
           ) -> tuple[Check, list[str]]:
    url, missing = interpolate.resolve(entry.url.strip(), environ)
    url = url.strip()
    headers = []
    for header, raw_value in entry.options.get("headers", ()):
        value, more = interpolate.resolve(raw_value, environ)
        missing += tuple(m for m in more if m not in missing)
        headers.append((header, value))
    secrets = _secrets(url, headers, entry, environ)
    if not missing and not url.strip():
        used = interpolate.references(entry.url)
        missing = used or ("url",)
    raw_shown = redact_url(entry.url)
    label = f"{entry.label} {raw_shown}" if entry.label.startswith("--") else entry.label
    scheme_name = _scheme_of(url if not missing else entry.url)
    scheme = SCHEMES.get(scheme_name)
    if scheme is None and missing and (not scheme_name or "$" in scheme_name):
        scheme = UNRESOLVED  # not known until the variable is set; the check fails anyway
    elif scheme is None:
        # Never echo a variable's value: it may be a secret set in the wrong place.
        what = "does not resolve to" if interpolate.references(entry.url) else "is not"
        raise UsageError(f"{label}: unknown scheme {scheme_name!r}" if scheme_name else
                         f"{label}: {raw_shown!r} {what} a URL",
                         "use one of " + names())
    host, port = (None, None) if missing else _host_port(url, scheme, label)
    if not missing:
        _check_keys(entry, scheme, label)
    options = entry.options
    check = Check(
        name=entry.name or _default_name(entry.url, scheme_name),
        url=url,
        shown=raw_shown if missing else redact_url(url),
        scheme=scheme,
        host=host,
        port=port,
        timeout=entry.timeout or default_timeout,
        method=options.get("method", "GET"),
        headers=tuple(headers),
        expect_status=options.get("expect-status", ANY_2XX),
        expect_body=options.get("expect-body"),
        ca_file=options.get("ca-file"),
        min_days_valid=options.get("min-days-valid", DEFAULT_MIN_DAYS_VALID),
        max_redirects=options.get("max-redirects", DEFAULT_MAX_REDIRECTS),
        unresolved=tuple(missing),
    )
    return check, secrets


def _secrets(url: str, headers: Sequence[tuple[str, str]], entry: Entry,
             environ: Mapping[str, str]) -> list[str]:
    from gate.checks.connect.redact import url_secrets

    found = url_secrets(url) + url_secrets(entry.url)
    for header, value in headers:
        found += header_secrets(header, value)
    # A variable named like a secret holds one, wherever it is used.
    for name in interpolate.references(entry.url) + tuple(
            n for _, v in entry.options.get("headers", ()) for n in interpolate.references(v)):
        if is_secret_name(name) and environ.get(name):
            found.append(environ[name])
    return found


def _scheme_of(url: str) -> str:
    scheme, sep, _ = url.strip().partition("://")
    return scheme.lower() if sep else ""


def _host_port(url: str, scheme: Scheme, label: str) -> tuple[str | None, int | None]:
    from urllib.parse import urlsplit

    shown = redact_url(url)
    authority = _authority(url)
    if scheme.probe == "postgres" and "," in authority:
        return None, None  # several hosts: libpq tries each
    userinfo = split_userinfo(url)[1]
    try:
        # Drivers would read a password with an unencoded / ? or # as a host, a port
        # or a path (and might show it as one): such a URL is refused.
        if urlsplit(url).netloc != (f"{userinfo}@" if userinfo is not None else "") + authority:
            raise ValueError("ambiguous user info")
        parts = urlsplit(f"{scheme.name}://{authority}")
        port = parts.port
    except ValueError:
        raise UsageError(f"{label}: {shown!r} is not a valid URL",
                         "check the port, and percent-encode / ? # @ in the user name and "
                         "password (%2F %3F %23 %40)") from None
    host = parts.hostname
    if not host and scheme.probe not in ("postgres",):  # libpq defaults to a local socket
        raise UsageError(f"{label}: {shown!r} names no host")
    if port is None and scheme.probe == "tcp":
        raise UsageError(f"{label}: {shown!r} names no port", "write tcp://host:port")
    return host, port if port is not None else scheme.default_port


def _authority(url: str) -> str:
    """`host:port` of `url`, read past the user info as redaction reads it."""
    rest = split_userinfo(url)[2]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    return rest


def _check_keys(entry: Entry, scheme: Scheme, label: str) -> None:
    for key in entry.options:
        if scheme.probe not in KEY_PROBES[key] or (
                key in ("ca-file", "min-days-valid") and not scheme.tls):
            allowed = sorted(s.name for s in SCHEMES.values()
                             if s.probe in KEY_PROBES[key]
                             and (s.tls or key not in ("ca-file", "min-days-valid")))
            raise UsageError(f"{label}.{key}: does not apply to {scheme.name}:// checks",
                             "it applies to " + ", ".join(allowed))


def _default_name(raw_url: str, scheme: str) -> str:
    """`postgresql-db.internal-5432`, or `database_url` for a bare `${DATABASE_URL}`."""
    refs = interpolate.references(raw_url)
    if len(refs) == 1 and raw_url.strip() in (f"${refs[0]}", f"${{{refs[0]}}}"):
        return refs[0].lower()
    where = _authority(raw_url.strip())
    slug = re.sub(r"[^A-Za-z0-9_.@]+", "-", f"{scheme}-{where}").strip("-")
    return slug or "check"
