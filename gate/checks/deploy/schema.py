"""JSON Schema validation of a whole config file, with messages that never quote a value.

The schema is the gate's own input: missing, unreadable or not a valid schema
is an evaluation error (exit 2). A file that violates it is a finding.
jsonschema's own messages quote the offending value (which may be a secret),
so each violation is described from its keyword and the schema alone.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

from gate.checks.deploy import keypath
from gate.checks.deploy.files import library
from gate.checks.deploy.issue import Issue, display
from gate.checks.deploy.validate import Resolved, describe
from gate.errors import InputError, UsageError

MAX_VIOLATIONS = 50  # reported
MAX_ERRORS = 1000  # examined: a file that breaks its schema everywhere stays quick to report
_JSON_TYPES = {"object": "a table", "array": "a list", "string": "a string",
               "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "null": "null"}


def load(path: Path) -> Any:
    """Read and check a JSON Schema file; an InputError or UsageError when it is unusable."""
    label = display(path)
    library("jsonschema", f"the schema {label}")
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    try:
        schema = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"schema file not found: {label}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read schema file {label}: "
                         f"{getattr(exc, 'strerror', None) or type(exc).__name__}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"schema file is not valid JSON: {label}: {exc.msg} "
                         f"(line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise InputError(f"schema file is not valid JSON: {label}") from None
    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "top level"
        raise UsageError(f"{label} is not a valid JSON Schema: {exc.message} (at {where})",
                         "check it against its $schema's meta-schema") from None
    return schema


def violations(schema: Any, resolved: Resolved, label: str) -> list[Issue]:
    """An issue per violation of `schema`, in file order, at most MAX_VIOLATIONS."""
    from jsonschema.validators import validator_for
    from referencing.exceptions import Unresolvable

    cls = validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    document = resolved.document
    try:
        errors = sorted(itertools.islice(validator.iter_errors(resolved.root), MAX_ERRORS),
                        key=lambda e: [str(p) for p in e.absolute_path])
    except Unresolvable as exc:
        raise UsageError(f"schema for {label}: cannot resolve $ref {exc.ref!r}",
                         "the gate follows only references inside the schema file") from None
    issues: dict[Issue, None] = {}  # `required` repeats per missing key: keep each once
    for error in errors:
        parent = tuple(str(p) for p in error.absolute_path)
        for path, problem in explain(error, parent):
            issues[Issue("schema-violation", keypath.show(path), problem,
                         document.place(path))] = None
    return _capped(list(issues), len(errors) == MAX_ERRORS, document)


def _capped(issues: list[Issue], truncated: bool, document: Any) -> list[Issue]:
    if len(issues) > MAX_VIOLATIONS:
        more = len(issues) - MAX_VIOLATIONS
        issues = issues[:MAX_VIOLATIONS] + [Issue(
            "schema-violation", "", f"... and {more}{'+' if truncated else ''} more violations",
            document.place(()))]
    return issues


def explain(error: Any, path: keypath.Path) -> list[tuple[keypath.Path, str]]:
    """A violation in words from the schema and the value's kind, never the value.

    A missing or unexpected key is reported at its own path, one issue each.
    """
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [(path + (str(k),), "required by the schema but missing")
                for k in expected if k not in instance]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        return [(path + (str(k),), "not allowed by the schema (no such key)")
                for k in instance if k not in known and not any(
                    re.search(p, k) for p in patterns)]
    return [(path, _words(keyword, expected, instance))]


def _words(keyword: str, expected: Any, instance: Any) -> str:
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return (f"expected {' or '.join(_JSON_TYPES.get(k, str(k)) for k in kinds)}, "
                f"found {describe(instance)}")
    if keyword == "enum":
        shown = ", ".join(json.dumps(v) for v in expected[:10])
        return f"not one of the allowed values ({shown}{', ...' if len(expected) > 10 else ''})"
    words = {
        "const": f"must equal {json.dumps(expected)}",
        "pattern": f"does not match the pattern {expected!r}",
        "format": f"is not a valid {expected}",
        "minLength": f"shorter than {expected} characters",
        "maxLength": f"longer than {expected} characters",
        "minimum": f"less than {expected}",
        "maximum": f"greater than {expected}",
        "exclusiveMinimum": f"not greater than {expected}",
        "exclusiveMaximum": f"not less than {expected}",
        "minItems": f"fewer than {expected} items",
        "maxItems": f"more than {expected} items",
        "uniqueItems": "has repeated items",
        "multipleOf": f"not a multiple of {expected}",
    }
    return words.get(keyword, f"fails the schema's {keyword!r} rule")
