"""JSON Schema validation: violations located by key path, described without values."""

from __future__ import annotations

import json
import os
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


def test_a_ref_to_nowhere_inside_the_schema_is_an_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        schema.load(write_schema(tmp_path, {"properties": {"a": {"$ref": "#/$defs/none"}}}))
    assert str(caught.value).startswith(f"{tmp_path / 's.json'}: $ref '#/$defs/none' at "
                                        "properties/a cannot be followed: ")


# $ref: followed inside the schema and to JSON files in its folder; everything else refused.

DEFS = {"$defs": {"port": {"type": "integer", "maximum": 65535},
                  "host": {"$ref": "common/host.json"}}}
HOST = {"type": "string", "minLength": 3, "not": {"$ref": "../defs.json#/$defs/port"}}


def _layout(tmp_path: Path, root: Any) -> Path:
    (tmp_path / "schemas" / "common").mkdir(parents=True)
    (tmp_path / "schemas" / "defs.json").write_text(json.dumps(DEFS))
    (tmp_path / "schemas" / "common" / "host.json").write_text(json.dumps(HOST))
    path = tmp_path / "schemas" / "config.schema.json"
    path.write_text(json.dumps(root))
    return path


def _violations(path: Path, root: Any) -> list[tuple[str, str]]:
    loaded = schema.load(path)
    document = Document("c.json", "json", root, {})
    return [(i.key, i.problem) for i in schema.violations(loaded, resolve_document(document, {}),
                                                          "c.json")]


@pytest.mark.parametrize("root_id", [None, "https://config.example/schemas/config.schema.json",
                                     "urn:example:config"])
def test_refs_to_files_beside_the_schema_are_followed(tmp_path: Path, root_id: str | None) -> None:
    root: dict[str, Any] = {"type": "object", "properties": {
        "port": {"$ref": "defs.json#/$defs/port"}, "host": {"$ref": "defs.json#/$defs/host"},
        "name": {"$ref": "#/$defs/name"}, "kind": {"$ref": "urn:example:kind"}},
        "$defs": {"name": {"type": "string"},
                  "kind": {"$id": "urn:example:kind", "enum": ["web", "worker"]}}}
    if root_id:
        root["$id"] = root_id
    path = _layout(tmp_path, root)
    assert _violations(path, {"port": 8080, "host": "db.internal", "name": "a", "kind": "web"}) == []
    assert _violations(path, {"port": 70000, "host": "db", "name": 1, "kind": "cron"}) == [
        ("host", "shorter than 3 characters"),
        ("kind", 'not one of the allowed values ("web", "worker")'),
        ("name", "expected a string, found an integer"),
        ("port", "greater than 65535"),
    ]


def test_the_meta_schemas_come_from_jsonschema_itself(tmp_path: Path) -> None:
    path = write_schema(tmp_path, {"$ref": "https://json-schema.org/draft/2020-12/schema"})
    assert _violations(path, {"type": "object"}) == []


OUTSIDE = {"secret": "no"}
REFUSED = {
    "http": ("http://127.0.0.1:9/defs.json", "is not followed: the gate never fetches"),
    "https": ("https://schemas.example/defs.json#/$defs/port", "is not followed: the gate never "
              "fetches"),
    "file URL": ("file:///etc/hostname", "is not followed: the gate never fetches"),
    "urn": ("urn:example:unknown", "is not followed: the gate never fetches"),
    "absolute path": ("/etc/hostname", "leads outside the schema's folder"),
    "parent folder": ("../outside.json", "leads outside the schema's folder"),
    "parent through a subfolder": ("common/../../outside.json", "leads outside the schema's "
                                   "folder"),
    "symlink out": ("link.json", "leads outside the schema's folder"),
    "query": ("defs.json?x=1", "is not followed"),
    "missing file": ("nothere.json", "schema file not found"),
    "not JSON": ("broken.json", "schema file is not valid JSON"),
    "a FIFO": ("pipe.json", "schema file is not a regular file (a FIFO)"),
}


@pytest.mark.parametrize("ref", list(REFUSED), ids=list(REFUSED))
@pytest.mark.parametrize("where", ["visited", "never visited"])
def test_every_other_ref_is_refused_up_front(tmp_path: Path, ref: str, where: str) -> None:
    target, said = REFUSED[ref]
    (tmp_path / "outside.json").write_text(json.dumps(OUTSIDE))
    path = _layout(tmp_path, {})
    (tmp_path / "schemas" / "link.json").symlink_to(tmp_path / "outside.json")
    (tmp_path / "schemas" / "broken.json").write_text("{")
    os.mkfifo(tmp_path / "schemas" / "pipe.json")
    # "never visited": under a key the document does not have, so validation alone would
    # never look the reference up.
    key = "port" if where == "visited" else "absent"
    path.write_text(json.dumps({"properties": {key: {"$ref": target}}}))
    with pytest.raises(InputError) as caught:
        _violations(path, {"port": 1})
    message = str(caught.value)
    assert message.startswith(f"{path}: $ref {target!r} at properties/{key} "), message
    assert said in message, message
    assert "secret" not in message and "(hint: " in message


def test_a_ref_inside_a_followed_file_is_held_to_the_same_rule(tmp_path: Path) -> None:
    path = _layout(tmp_path, {"properties": {"host": {"$ref": "common/host.json"}}})
    (tmp_path / "schemas" / "common" / "host.json").write_text(json.dumps(
        {"$ref": "https://schemas.example/host.json"}))
    with pytest.raises(InputError, match=r"\$ref 'https://schemas.example/host.json' at "
                                         r"top level in common/host.json is not followed"):
        schema.load(path)
