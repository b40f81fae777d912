"""One probe per protocol: each holds a real conversation with the service.

A probe is `probe(check, attempt) -> Passed`; it raises `ProbeFailure` with a
classified reason when the service answers wrongly or not at all. Drivers are
imported only when a check needs them, and a missing one is reported, never
replaced by a bare TCP connect.
"""

from __future__ import annotations

import importlib
from typing import Callable

from gate.checks.connect.outcome import Attempt, MissingDriver, Passed
from gate.checks.connect.schemes import Scheme
from gate.checks.connect.settings import Check

Probe = Callable[[Check, Attempt], Passed]


def load(scheme: Scheme) -> Probe:
    """The probe for `scheme`, with its driver imported; `MissingDriver` if it is absent."""
    if scheme.driver is not None:
        try:
            importlib.import_module(scheme.driver)
        except ImportError:
            raise MissingDriver(scheme.driver, scheme.extra or "all") from None
    module = importlib.import_module(f"gate.checks.connect.probes.{scheme.probe}")
    probe: Probe = module.probe
    return probe
