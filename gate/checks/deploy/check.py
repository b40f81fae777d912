"""Run the deploy checks: four results built from the issues each part finds.

- `deploy.env`: required variables and the env files (when either is set);
- `deploy.files`: each config file reads, resolves and meets its require,
  forbid and schema (when files are set);
- `deploy.secrets`: every secret found by name or listed (skipped when none);
- `deploy.insecure`: every insecure value.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from gate.checks.deploy import catalog, entries, env, keypath, rules, secrets, validate
from gate.checks.deploy.files import Document, load
from gate.checks.deploy.issue import Issue, display
from gate.checks.deploy.spec import DeploySettings
from gate.checks.deploy.words import looks_secret
from gate.model import CheckResult, Status

SHOWN_NAMES = 8


def evaluate(settings: DeploySettings, environ: Mapping[str, str]) -> list[CheckResult]:
    """All deploy results for `settings`, reading variables from `environ`; each one timed."""
    results = []
    clock = time.perf_counter()

    def timed(result: CheckResult) -> None:
        nonlocal clock
        now = time.perf_counter()
        results.append(replace(result, duration=now - clock))
        clock = now

    environment = env.load(settings.env_files, environ)
    if settings.require_env or settings.env_files:
        timed(_env_result(settings, environment))
    documents: list[validate.Resolved] = []
    unreadable = False
    if settings.files:
        result, documents, unreadable = _files_result(settings, environment)
        timed(result)
    env_names = [*settings.require_env, *(s for s in settings.secrets if "." not in s)]
    found = entries.collect(environment, env_names, documents)
    secret_list, missing = secrets.gather(found, settings.secrets, missing_ok=unreadable)
    # env-missing has said that a required variable is not set
    missing = [i for i in missing if i.rule != "secret-empty" or i.key not in settings.require_env]
    judged = secrets.judge(secret_list, settings.min_secret_length)
    timed(_secrets_result(settings, secret_list, missing + judged))
    timed(_insecure_result(settings, found, rules.scan(found, settings.require_tls)))
    return results


def _kept(settings: DeploySettings, issues: Sequence[Issue]) -> tuple[list[Issue], int]:
    kept = [i for i in issues if not settings.ignored(i.rule, i.key)]
    return kept, len(issues) - len(kept)


def _counts(issues: Sequence[Issue]) -> str:
    counts = Counter(issue.rule for issue in issues)
    return ", ".join(f"{n} {rule}" for rule, n in counts.most_common())


def _result(check_id: str, issues: Sequence[Issue], ignored: int, summary: str,
            data: dict[str, Any], status: Status | None = None) -> CheckResult:
    data = {**data, "rules": dict(Counter(i.rule for i in issues))}
    if ignored:
        data["ignored"] = ignored
    return CheckResult(check_id, "deploy", status or (Status.FAIL if issues else Status.PASS),
                       summary, findings=tuple(i.finding() for i in issues), data=data)


def _n(count: int, noun: str, plural: str = "") -> str:
    """`1 secret`, `2 secrets`."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def _env_result(settings: DeploySettings, environment: env.Environment) -> CheckResult:
    missing = env.required(settings.require_env, environment)
    issues, ignored = _kept(settings, [*environment.issues, *missing])
    required = len(settings.require_env)
    loaded = f", {_n(len(environment.files), 'env file')} read" if environment.files else ""
    unset = [i.key for i in issues if i.rule == "env-missing"]
    others = [i for i in issues if i.rule != "env-missing"]
    parts = []
    if unset:
        parts.append(f"{len(unset)} of {_n(required, 'required variable')} not set: "
                     f"{_names(unset)}")
    if others:
        parts.append(f"{_n(len(others), 'problem')} in env files: {_counts(others)}")
    summary = "; ".join(parts) or f"{_n(required, 'required variable')} set{loaded}"
    data = {"required": list(settings.require_env), "missing": [i.key for i in missing],
            "env_files": list(environment.files)}
    return _result(catalog.ENV, issues, ignored, summary, data)


def _files_result(settings: DeploySettings, environment: env.Environment
                  ) -> tuple[CheckResult, list[validate.Resolved], bool]:
    from gate.checks.deploy import schema as schemas

    documents, all_issues, rows = [], [], []
    schema_cache: dict[Path, Any] = {}
    unreadable = False
    for spec in settings.files:
        label = display(spec.path)
        document = load(spec.path, spec.format, label)
        if isinstance(document, Document):
            resolved = validate.resolve_document(document, environment.values)
            documents.append(resolved)
            issues = [*resolved.issues,
                      *validate.check_spec(spec, resolved, _is_secret(settings, document))]
            if spec.schema is not None:
                if spec.schema not in schema_cache:
                    schema_cache[spec.schema] = schemas.load(spec.schema)
                issues += schemas.violations(schema_cache[spec.schema], resolved, label)
        else:
            unreadable = True
            issues = [document]
        kept, _ = _kept(settings, issues)
        all_issues.extend(issues)
        rows.append({"path": label, "format": spec.format,
                     "status": "fail" if kept else "pass", "problems": len(kept)})
    issues, ignored = _kept(settings, all_issues)
    bad = sum(1 for row in rows if row["status"] == "fail")
    if issues:
        summary = f"{bad} of {_n(len(rows), 'config file')} with problems: {_counts(issues)}"
    else:
        summary = f"{_n(len(rows), 'config file')} read and valid"
    return _result(catalog.FILES, issues, ignored, summary, {"files": rows}), documents, unreadable


def _is_secret(settings: DeploySettings, document: Document) -> Any:
    listed = {keypath.show(keypath.parse(name)) for name in settings.secrets}

    def secret(path: keypath.Path) -> bool:
        return keypath.show(path) in listed or looks_secret(keypath.name_of(path))

    return secret


def _secrets_result(settings: DeploySettings, found: Sequence[secrets.Secret],
                    issues: Sequence[Issue]) -> CheckResult:
    kept, ignored = _kept(settings, issues)
    keys = list(dict.fromkeys([*(s.key for s in found),
                               *(i.key for i in issues if i.rule == "secret-type")]))
    data = {"checked": keys, "min_length": settings.min_secret_length}
    if not found and not kept:
        return _result(catalog.SECRETS, kept, ignored, "no secret found among the checked keys",
                       data, Status.SKIP)
    failing = list(dict.fromkeys(i.key for i in kept))
    if kept:
        summary = f"{len(failing)} of {_n(len(keys) or len(failing), 'secret')} failing: " + (
            _counts(kept))
    else:
        summary = f"{_n(len(keys), 'secret')} checked, all pass"
    return _result(catalog.SECRETS, kept, ignored, summary, data)


def _insecure_result(settings: DeploySettings, found: Sequence[entries.Entry],
                     issues: Sequence[Issue]) -> CheckResult:
    kept, ignored = _kept(settings, issues)
    tls = " (TLS required)" if settings.require_tls else ""
    if kept:
        summary = f"{_n(len(kept), 'insecure value')}: {_counts(kept)}{tls}"
    else:
        summary = f"no insecure value in {_n(len(found), 'key')}{tls}"
    data = {"keys": len(found), "require_tls": settings.require_tls}
    return _result(catalog.INSECURE, kept, ignored, summary, data)
