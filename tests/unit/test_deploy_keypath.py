"""Dotted key paths: parse, show, lookup, walk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.checks.deploy import keypath


@pytest.mark.parametrize(("text", "path"), [
    ("database.host", ("database", "host")),
    ("servers.0.url", ("servers", "0", "url")),
    ('labels."app.kubernetes.io/name"', ("labels", "app.kubernetes.io/name")),
    ('"a \\"b\\" c"', ('a "b" c',)),
    ("DATABASE_URL", ("DATABASE_URL",)),
])
def test_parse(text: str, path: tuple[str, ...]) -> None:
    assert keypath.parse(text) == path
    assert keypath.show(path) == text


@pytest.mark.parametrize("text", ["", "a..b", "a.", ".a", 'a."b', "a b", "a.b c"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(keypath.PathError):
        keypath.parse(text)


@given(st.lists(st.text(min_size=0, max_size=8), min_size=1, max_size=4))
def test_show_then_parse_round_trips(segments: list[str]) -> None:
    path = tuple(segments)
    assert keypath.parse(keypath.show(path)) == path


def test_lookup_through_tables_and_lists() -> None:
    root = {"servers": [{"url": "a"}, {"url": "b"}], "x": None}
    assert keypath.lookup(root, ("servers", "1", "url")) == (True, "b")
    assert keypath.lookup(root, ("x",)) == (True, None)
    assert keypath.lookup(root, ("servers", "2")) == (False, None)
    assert keypath.lookup(root, ("servers", "url")) == (False, None)
    assert keypath.lookup(root, ("x", "y")) == (False, None)


def test_walk_visits_containers_before_contents_in_order() -> None:
    root = {"a": {"b": 1}, "c": [2, {"d": 3}]}
    assert [p for p, _ in keypath.walk(root)] == [
        ("a",), ("a", "b"), ("c",), ("c", "0"), ("c", "1"), ("c", "1", "d")]


def test_name_of_skips_list_indexes() -> None:
    assert keypath.name_of(("hosts", "0")) == "hosts"
    assert keypath.name_of(("0", "1")) == ""
