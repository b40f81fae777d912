"""The streaming JSON reader: the same values as json.loads, whatever the chunk size, and every
kind of broken input refused with where it broke."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.readers import jsonstream
from gate.readers.jsonstream import Malformed, Stream


def stream(text: str | bytes, chunk: int | None = None, monkeypatch: Any = None,
           max_value: int = jsonstream.MAX_VALUE) -> Stream:
    data = text.encode() if isinstance(text, str) else text
    return Stream(io.BytesIO(data), max_value=max_value)


def walk(s: Stream) -> Any:
    """Rebuild a document through members()/elements(), decoding only scalars."""
    kind = s.kind()
    if kind == "object":
        return {key: walk(s) for key in s.members()}
    if kind == "array":
        return [walk(s) for _ in s.elements()]
    return s.value()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(document=JSON, chunk=st.integers(min_value=1, max_value=64), indent=st.sampled_from(
    [None, 0, 2]))
def test_walking_and_decoding_give_what_json_loads_gives(document: Any, chunk: int,
                                                         indent: int | None) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    original = jsonstream.CHUNK
    jsonstream.CHUNK = chunk
    try:
        walked = stream(text)
        assert walk(walked) == json.loads(text)
        walked.finish()
        decoded = stream(text)
        assert decoded.value() == json.loads(text)
        skipped = stream(f"[{text}, 1]")
        assert [skipped.skip() if n == 0 else skipped.value() for n in skipped.elements()] \
            == [None, 1]
    finally:
        jsonstream.CHUNK = original


def test_members_skip_what_the_caller_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 3)
    s = stream('{"big": [1, [2, {"x": "y"}], "z"], "keep": {"a": 1}, "n": 12345}')
    seen = {}
    for key in s.members():
        if key != "big":
            seen[key] = s.value()
    assert seen == {"keep": {"a": 1}, "n": 12345}


def test_a_number_split_across_reads_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 2)
    assert stream("[123456789, true, false, null, -1.5e3]").value() == \
        [123456789, True, False, None, -1500.0]


def test_a_bom_is_allowed() -> None:
    assert stream(b"\xef\xbb\xbf{\"a\": 1}").value() == {"a": 1}


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1', "the end of the file"),
    ('{"a": 1,}', "expected a key in quotes"),
    ('{"a" 1}', "expected ':'"),
    ("[1 2]", "expected ',' or ']' at character 4, found '2'"),
    ('{"a": NaN}', "expected a JSON value at character 7, found 'N'"),
    ('[1, Infinity]', "expected a JSON value at character 5, found 'I'"),
    ('"tab\there"', "Invalid control character"),
    ("[1] [2]", "unexpected data after the JSON document"),
    ("", "expected a value"),
    ("[" + "9" * 5000 + "]", "digits"),
])
def test_broken_json_is_refused_with_where(text: str, expected: str) -> None:
    with pytest.raises(Malformed, match=expected):
        s = stream(text)
        walk(s)
        s.finish()


def test_not_utf8_is_refused() -> None:
    with pytest.raises(Malformed, match="not UTF-8 text near byte 7"):
        stream(b'{"a": "\xff"}').value()


def test_nesting_too_deep_is_refused_without_a_recursion_error() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(Malformed, match="nested"):
        stream(deep).value()
    with pytest.raises(Malformed, match="nested deeper than 512"):
        stream(deep).skip()


def test_a_value_longer_than_the_limit_is_refused() -> None:
    big = json.dumps({"results": [{"text": "x" * 5000}]})
    s = stream(big, max_value=1000)
    original = jsonstream.CHUNK
    jsonstream.CHUNK = 100
    try:
        with pytest.raises(Malformed, match="a single value longer than"):
            for _ in s.members():
                for _ in s.elements():
                    s.value()
    finally:
        jsonstream.CHUNK = original


def test_kind_names_the_next_value() -> None:
    assert [stream(t).kind() for t in ("{}", "[]", '""', "1", "-1", "true", "null", " ")] == \
        ["object", "array", "string", "number", "number", "literal", "literal", "end"]
