"""JSON Schema validation: violations located by key path, described without values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.checks.deploy import schema
from gate.checks.deploy.files import Document
from gate.checks.deploy.validate import resolve_document
from gate.errors import InputError, UsageError

SECRET = "Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0gA"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["app", "db"],
    "additionalProperties": False,
    "properties": {
        "app": {"type": "object", "properties": {
            "env": {"enum": ["production", "staging"]},
            "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8},
            "token": {"type": "string", "minLength": 40},
            "workers": {"type": "integer", "minimum": 1},
            "hosts": {"type": "array", "minItems": 1, "uniqueItems": True},
            "mode": {"const": "strict"},
            "ratio": {"type": "number", "exclusiveMaximum": 1, "multipleOf": 0.5},
            "contact": {"type": "string", "format": "email"},
        }},
        "db": {"type": "object"},
    },
    "patternProperties": {"^x-": {}},
}


def write_schema(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "s.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def check(tmp_path: Path, root: Any) -> list[tuple[str, str]]:
    loaded = schema.load(write_schema(tmp_path, SCHEMA))
    document = Document("c.json", "json", root, {("app", "token"): 4})
    issues = schema.violations(loaded, resolve_document(document, {}), "c.json")
    for issue in issues:
        assert SECRET not in issue.finding().message
    return [(i.key, i.problem) for i in issues]


def test_a_valid_document_has_no_violation(tmp_path: Path) -> None:
    assert check(tmp_path, {"app": {"env": "production", "workers": 2}, "db": {},
                            "x-extra": 1}) == []


def test_each_violation_named_by_its_path_and_keyword(tmp_path: Path) -> None:
    root = {"app": {"env": SECRET, "name": SECRET, "token": SECRET, "workers": 0,
                    "hosts": [SECRET, SECRET], "mode": SECRET, "ratio": 1.25, "contact": SECRET},
            "extra": SECRET, "x-ok": 1}
    assert check(tmp_path, root) == [
        ("db", "required by the schema but missing"),
        ("extra", "not allowed by the schema (no such key)"),
        ("app.contact", "is not a valid email"),
        ("app.env", 'not one of the allowed values ("production", "staging")'),
        ("app.hosts", "has repeated items"),
        ("app.mode", 'must equal "strict"'),
        ("app.name", "does not match the pattern '^[a-z]+$'"),
        ("app.name", "longer than 8 characters"),
        ("app.ratio", "not less than 1"),
        ("app.ratio", "not a multiple of 0.5"),
        ("app.token", "shorter than 40 characters"),
        ("app.workers", "less than 1"),
    ]


def test_type_violations_say_the_kind_found(tmp_path: Path) -> None:
    assert check(tmp_path, {"app": {"workers": "3", "hosts": {}}, "db": []}) == [
        ("app.hosts", "expected a list, found a table"),
        ("app.workers", "expected an integer, found a string"),
        ("db", "expected a table, found a list"),
    ]


def test_violations_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "MAX_VIOLATIONS", 2)
    found = check(tmp_path, {"a": 1, "b": 2, "c": 3, "d": 4})
    assert found[-1] == ("", "... and 4 more violations")  # 2 required, 4 unexpected keys


def test_unusable_schema_files_are_evaluation_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="schema file not found"):
        schema.load(tmp_path / "missing.json")
    with pytest.raises(InputError, match="schema file is not valid JSON"):
        schema.load(write_schema(tmp_path, "{not json"))
    with pytest.raises(UsageError, match="is not a valid JSON Schema"):
        schema.load(write_schema(tmp_path, {"type": "no-such-type"}))


def test_an_unresolvable_ref_is_an_evaluation_error(tmp_path: Path) -> None:
    loaded = schema.load(write_schema(tmp_path, {"$ref": "https://schemas.example/x.json"}))
    document = Document("c.json", "json", {}, {})
    with pytest.raises(UsageError, match="cannot resolve \\$ref"):
        schema.violations(loaded, resolve_document(document, {}), "c.json")
