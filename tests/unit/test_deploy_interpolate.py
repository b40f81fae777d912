"""${VAR} and $VAR resolution: the public `resolve(text, environ) -> (value, missing)`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.interpolate import resolve, sole_reference

ENV = {"HOST": "db.internal", "PORT": "5432", "EMPTY": ""}


@pytest.mark.parametrize(("text", "value", "missing"), [
    ("plain text", "plain text", ()),
    ("${HOST}:${PORT}", "db.internal:5432", ()),
    ("$HOST:$PORT/db", "db.internal:5432/db", ()),
    ("postgres://u@${HOST}/x?a=$PORT", "postgres://u@db.internal/x?a=5432", ()),
    ("${NOPE}", "", ("NOPE",)),
    ("$NOPE and ${NOPE} and $OTHER", " and  and ", ("NOPE", "OTHER")),
    ("${NOPE:-fallback}", "fallback", ()),
    ("${EMPTY:-fallback}", "fallback", ()),
    ("${EMPTY-fallback}", "", ()),
    ("${NOPE-fallback}", "fallback", ()),
    ("${NOPE:-${HOST}}", "db.internal", ()),
    ("${NOPE:-${ALSO_NOPE}}", "", ("ALSO_NOPE",)),
    ("${HOST:-${ALSO_NOPE}}", "db.internal", ()),
    ("${NOPE:?set it}", "", ("NOPE",)),
    ("${EMPTY:?set it}", "", ("EMPTY",)),
    ("${EMPTY?set it}", "", ()),
    ("$$HOST costs $$5", "$HOST costs $5", ()),
    ("price: $5, ${ not a name }, ${unclosed", "price: $5, ${ not a name }, ${unclosed", ()),
    ("${NOPE:-unclosed", "${NOPE:-unclosed", ()),
    ("trailing $", "trailing $", ()),
])
def test_resolve(text: str, value: str, missing: tuple[str, ...]) -> None:
    assert resolve(text, ENV) == (value, missing)


def test_bare_false_keeps_dollar_names_literal_as_python_dotenv_does() -> None:
    assert resolve("pa$$w0rd$HOST-${HOST}", ENV, bare=False) == ("pa$$w0rd$HOST-db.internal", ())
    assert resolve("${NOPE}", ENV, bare=False) == ("", ("NOPE",))


def test_missing_names_are_reported_once_in_order() -> None:
    assert resolve("$B ${A} $B ${A:?x}", {}) == ("   ", ("B", "A"))


def test_deep_nesting_stops_without_recursion_error() -> None:
    text = "${A:-" * 200 + "x" + "}" * 200
    value, missing = resolve(text, {})
    assert isinstance(value, str) and missing == ()


@pytest.mark.parametrize(("text", "name"), [
    ("${DB_PASSWORD}", "DB_PASSWORD"), ("  $TOKEN ", "TOKEN"), ("${A}${B}", None),
    ("x${A}", None), ("${A:-b}", None), ("plain", None),
])
def test_sole_reference(text: str, name: str | None) -> None:
    assert sole_reference(text) == name


def test_sole_reference_without_bare_names() -> None:
    assert sole_reference("$TOKEN", bare=False) is None
    assert sole_reference("${TOKEN}", bare=False) == "TOKEN"


@given(st.text(alphabet=st.characters(blacklist_characters="$")))
def test_text_without_dollar_is_unchanged(text: str) -> None:
    assert resolve(text, ENV) == (text, ())


@given(st.text(alphabet="${}:-?AB_ x"), st.dictionaries(st.sampled_from("AB"), st.text("xy")))
def test_resolve_never_raises_and_reports_only_unset_names(text: str, env: dict[str, str]) -> None:
    value, missing = resolve(text, env)
    assert isinstance(value, str)
    assert all(re.fullmatch(r"[A-Za-z_]\w*", name) and name in text for name in missing)
    assert all(name not in env or env[name] == "" for name in missing)
