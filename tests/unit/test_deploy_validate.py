"""require (types), forbid and reference resolution in config files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.checks.deploy.files import Document
from gate.checks.deploy.spec import FileSpec
from gate.checks.deploy.validate import (
    check_spec, describe, has_type, is_url, matches, parse_bool, resolve_document)


@pytest.mark.parametrize(("kind", "good", "bad"), [
    ("str", ["x", "db.internal"], ["", "  ", 1, None, ["x"]]),
    ("int", [0, -3, 6379], [True, 1.5, "6379", None]),
    ("float", [1.5, 2, -0.0], [True, "1.5", float("inf"), float("nan")]),
    ("bool", [True, False], [1, "true", None]),
    ("list", [[], ["a"]], [{}, "a,b"]),
    ("table", [{}, {"a": 1}], [[], "a=1"]),
    ("url", ["https://x.example", "postgres://u@db/app", "sqlite:///app.db"],
     ["x.example", "https://", "mailto:a@b", "://x", 1, "http://[::1"]),
    ("port", [1, 5432, 65535], [0, 65536, True, "5432", -1]),
])
def test_types_strict(kind: str, good: list[Any], bad: list[Any]) -> None:
    assert all(has_type(v, kind, flexible=False) for v in good), kind
    assert not any(has_type(v, kind, flexible=False) for v in bad), kind


@pytest.mark.parametrize(("kind", "good", "bad"), [
    ("int", ["6379", " -1 ", 5], ["6379.0", "x", "", "9" * 30]),
    ("port", ["5432", "65535"], ["0", "65536", "http"]),
    ("float", ["1.5", "1e3", "7"], ["inf", "nan", "x"]),
    ("bool", ["true", "No", "ON", "0"], ["maybe", ""]),
    ("list", [["a"]], ["a,b"]),
    ("table", [{}], ["x"]),
])
def test_types_flexible_strings_spell_other_types(kind: str, good: list[Any],
                                                  bad: list[Any]) -> None:
    assert all(has_type(v, kind, flexible=True) for v in good), kind
    assert not any(has_type(v, kind, flexible=True) for v in bad), kind


def test_is_url_and_parse_bool_and_describe() -> None:
    assert is_url(" https://x.example/a ") and not is_url("https//x")
    assert parse_bool(" YES ") is True and parse_bool("off") is False and parse_bool("2") is None
    assert [describe(v) for v in (None, "", "x", True, 1, 1.5, [], {}, b"")] == [
        "null", "an empty string", "a string", "a boolean", "an integer", "a number", "a list",
        "a table", "a bytes"]


@pytest.mark.parametrize(("value", "forbidden", "flexible", "hit"), [
    (True, True, False, True),
    (False, True, False, False),
    ("true", True, False, False),
    ("True", True, True, True),
    (1, True, False, False),
    ("*", "*", False, True),
    (["a", "*"], "*", False, True),
    (["a", "b"], "*", False, False),
    ("a,*", "*", False, False),
    ("a, *", "*", True, True),
    ("a,b", "a,b", True, True),
    (8000, 8000, False, True),
    (True, 1, False, False),
    ("8000", 8000, True, True),
    ("x", 8000, True, False),
    ("8000", 8000, False, False),
    ({"a": 1}, "a", False, False),
])
def test_matches(value: Any, forbidden: Any, flexible: bool, hit: bool) -> None:
    assert matches(value, forbidden, flexible) is hit


def doc(root: Any, typed: bool = True, **lines: int) -> Document:
    return Document("c.yaml", "yaml", root, {tuple(k.split("__")): v for k, v in lines.items()},
                    typed=typed)


def test_resolve_document_records_flexible_sources_and_unresolved() -> None:
    document = doc({"db": {"url": "${DATABASE_URL}", "pw": "${PW}", "port": "${PORT}",
                           "cost": "$$5", "n": 3}, "hosts": ["${HOST}", "b"]}, db__pw=3)
    resolved = resolve_document(document, {"DATABASE_URL": "postgres://x", "PORT": "5432",
                                           "HOST": "a"})
    assert resolved.root == {"db": {"url": "postgres://x", "pw": "", "port": "5432",
                                    "cost": "$5", "n": 3}, "hosts": ["a", "b"]}
    assert resolved.sources == {("db", "url"): "DATABASE_URL", ("db", "pw"): "PW",
                                ("db", "port"): "PORT", ("hosts", "0"): "HOST"}
    assert resolved.unresolved == {("db", "pw")}
    assert ("db", "cost") in resolved.flexible and resolved.is_flexible(("db", "port"))
    assert not resolved.is_flexible(("db", "n"))
    assert [(i.rule, i.key, i.problem, i.place.line) for i in resolved.issues] == [
        ("ref-unresolved", "db.pw", "refers to PW, which is not set", 3)]


def test_dotenv_documents_resolve_braced_references_only() -> None:
    document = Document(".env", "dotenv", {"A": "pa$word", "B": "${HOST}"}, typed=False)
    resolved = resolve_document(document, {"HOST": "h", "word": "x"})
    assert resolved.root == {"A": "pa$word", "B": "h"} and resolved.issues == ()


def spec(**kwargs: Any) -> FileSpec:
    return FileSpec(Path("c.yaml"), "yaml", **kwargs)


def test_require_passes_and_fails_with_the_type_found_never_the_value() -> None:
    resolved = resolve_document(doc({"service": {"port": "8000", "name": "shop"},
                                     "replicas": "${N}", "app": {}}), {"N": "3"})
    issues = check_spec(spec(require=(
        (("service", "name"), "str"), (("service", "port"), "port"), (("replicas",), "int"),
        (("app", "url"), "url"), (("service", "name"), "int"))), resolved, lambda p: False)
    assert [(i.rule, i.key, i.problem) for i in issues] == [
        ("key-type", "service.port", "expected port, found a string that spells one "
                                     "(unquote it, or require str)"),
        ("key-missing", "app.url", "required key is missing (want url)"),
        ("key-type", "service.name", "expected int, found a string"),
    ]


def test_forbid_shows_the_forbidden_value_unless_the_key_holds_a_secret() -> None:
    resolved = resolve_document(doc({"debug": "on", "secret_key": "dev", "hosts": "a"},
                                    typed=False), {})
    issues = check_spec(spec(forbid=((("debug",), (True,)), (("secret_key",), ("dev",)),
                                     (("hosts",), ("*",)), (("absent",), ("x",)))),
                        resolved, lambda p: p == ("secret_key",))
    assert [(i.rule, i.key, i.problem) for i in issues] == [
        ("value-forbidden", "debug", "holds the forbidden value true"),
        ("value-forbidden", "secret_key", "holds a forbidden value"),
    ]


def test_ini_require_sees_default_section_keys() -> None:
    document = Document("a.ini", "ini", {"DEFAULT": {"level": "info"}, "server": {}},
                        typed=False, defaults="DEFAULT")
    resolved = resolve_document(document, {})
    assert check_spec(spec(require=((("server", "level"), "str"),)), resolved,
                      lambda p: False) == []
