"""Connectivity checks: log in to what the release depends on before it ships.

Configured by `[[tool.gate.connect]]` entries and `--connect URL`. This module
stays light (the CLI imports it for `--help`): settings, probes, drivers, ssl
and http are imported only when the family runs.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from gate.family import Family, Option, Origin, as_seconds


def _entries(raw: Any, origin: Origin) -> Any:
    from gate.checks.connect.settings import as_entries

    return as_entries(raw, origin)


def _urls(raw: Any, origin: Origin) -> Any:
    from gate.checks.connect.settings import as_urls

    return as_urls(raw, origin)


OPTIONS = (
    Option("checks", "the [[tool.gate.connect]] entries (settings file only)", _entries,
           multiple=True),
    Option("urls", "check that URL is reachable and answers; repeatable, adds to the "
           "configured checks (tcp, http(s), tls, postgresql, mysql, redis(s), amqp(s), dns)",
           _urls, ("--connect",), multiple=True, metavar="URL"),
    Option("timeout", "time allowed to each connect check and each of its steps "
           "(default: 5)", as_seconds, ("--connect-timeout",), metavar="SECONDS"),
    Option("wait", "retry failing connect checks, with backoff, for up to SECONDS",
           as_seconds, ("--wait",), metavar="SECONDS"),
)


def normalize(raw: Any, where: str) -> Any:
    """`[[tool.gate.connect]]` (a list of entries) as a table of this family's options."""
    from gate.checks.connect.settings import normalize as settings_normalize

    return settings_normalize(raw, where)


def configure(values: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Any:
    """The checks to run (variables resolved), or None when none are configured."""
    entries = tuple(values.get("checks", ())) + tuple(values.get("urls", ()))
    if not entries:
        return None
    from gate.checks.connect.settings import build

    return build(entries, values.get("timeout"), values.get("wait"),
                 os.environ if environ is None else environ)


def run(settings: Any) -> list[Any]:
    """Run every check concurrently and report each, secrets masked."""
    from gate.checks.connect.probes import load
    from gate.checks.connect.report import to_result
    from gate.checks.connect.runner import run_checks

    from gate.checks.connect.outcome import MissingDriver

    loaded: dict[str, Any] = {}

    def probe_for(check: Any) -> Any:
        if check.scheme.name not in loaded:
            try:
                loaded[check.scheme.name] = load(check.scheme)
            except MissingDriver as exc:  # remembered, raised again for each check
                loaded[check.scheme.name] = exc
        found = loaded[check.scheme.name]
        if isinstance(found, MissingDriver):
            raise found
        return found

    ran = run_checks(settings.checks, probe_for, settings.wait)
    return [to_result(item, settings.redactor) for item in ran]


FAMILY = Family("connect", "Connectivity", OPTIONS, configure, run, normalize)
