"""Outcomes as `CheckResult`s the gate's renderers show, with every secret masked."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gate.checks.connect.outcome import Reason, seconds
from gate.checks.connect.redact import Redactor
from gate.checks.connect.runner import Ran
from gate.model import CheckResult, Finding

FAMILY = "connect"
MAX_SUMMARY_DETAIL = 200


def to_result(ran: Ran, redactor: Redactor) -> CheckResult:
    """One check's result: the URL (redacted), the reason, the latency, the facts."""
    check, outcome = ran.check, ran.outcome
    reason = outcome.reason
    timing = ""
    if reason not in (Reason.UNRESOLVED, Reason.MISSING_DRIVER):
        timing = f" ({seconds(outcome.latency)}"
        if ran.attempts > 1:
            timing += f", {ran.attempts} attempts in {seconds(ran.elapsed)}"
        timing += ")"
    # The detail's first line goes in the summary; what does not fit, in a finding.
    lines = outcome.detail.strip().splitlines() or [""]
    head = " ".join(lines[0].split())
    findings: tuple[Finding, ...] = ()
    if len(head) > MAX_SUMMARY_DETAIL:
        head = head[:MAX_SUMMARY_DETAIL - 3] + "..."
        findings = (Finding(outcome.detail.strip()),)
    elif len(lines) > 1:
        findings = (Finding("\n".join(line.strip() for line in lines[1:])),)
    if reason is Reason.OK:
        summary = f"{check.shown}: {head}{timing}"
    else:
        summary = f"{check.shown}: {reason.label}: {head}{timing}"
    data: dict[str, Any] = {
        "url": check.shown,
        "scheme": check.scheme.name,
        "reason": reason.value,
        "detail": outcome.detail,
        "attempts": ran.attempts,
        "timeout_seconds": check.timeout,
    }
    if ran.attempts:
        data["latency_ms"] = round(outcome.latency * 1000, 1)
    data.update(outcome.facts)
    result = CheckResult(f"{FAMILY}.{check.name}", FAMILY, reason.status, summary,
                         findings=findings, data=data, duration=ran.elapsed)
    return scrub(result, redactor)


def scrub(result: CheckResult, redactor: Redactor) -> CheckResult:
    """`result` with every text it carries passed through `redactor`."""
    return replace(
        result,
        summary=redactor(result.summary),
        findings=tuple(replace(f, message=redactor(f.message)) for f in result.findings),
        data=redactor.data(dict(result.data)),
        warnings=tuple(redactor(w) for w in result.warnings),
    )
