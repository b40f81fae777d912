"""`${VAR}` / `$VAR` resolution as the connect checks use it for URLs and headers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gate.interpolate import references, resolve

ENV = {"DB_HOST": "db.internal", "PW": "s3cret", "EMPTY": ""}


def test_braced_and_bare_names_resolve() -> None:
    assert resolve("postgresql://app:${PW}@$DB_HOST:5432/app", ENV) == (
        "postgresql://app:s3cret@db.internal:5432/app", ())


def test_unset_variables_are_named_once_in_order() -> None:
    text, missing = resolve("${A}-$B-${A}-$DB_HOST", ENV)
    assert missing == ("A", "B")
    assert text == "---db.internal"


def test_an_empty_variable_is_set() -> None:
    assert resolve("x${EMPTY}y", ENV) == ("xy", ())


def test_dollar_dollar_is_a_literal_dollar() -> None:
    assert resolve("pa$$word-$${PW}", ENV) == ("pa$word-${PW}", ())


def test_a_dollar_without_a_name_stays() -> None:
    assert resolve("a$-b$1 ${ unclosed ${PW", ENV) == ("a$-b$1 ${ unclosed ${PW", ())


def test_a_bare_name_ends_at_the_first_character_not_in_a_name() -> None:
    assert resolve("$DB_HOST.local:$PW/x", ENV) == ("db.internal.local:s3cret/x", ())


def test_references_lists_each_name_once() -> None:
    assert references("${A}$B${A}$$C") == ("A", "B")


@given(st.text(alphabet=st.characters(blacklist_characters="$"), max_size=40))
def test_text_without_a_dollar_is_unchanged(text: str) -> None:
    assert resolve(text, ENV) == (text, ())
