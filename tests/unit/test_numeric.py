"""gate.numeric: numbers are bounded by length before conversion, with one message everywhere."""

from __future__ import annotations

import json

import pytest

from gate import numeric


def test_a_number_within_the_bound_converts() -> None:
    assert numeric.whole("9" * numeric.MAX_LENGTH) == int("9" * numeric.MAX_LENGTH)
    assert numeric.bounded(" 12 ") == " 12 "
    with pytest.raises(ValueError) as caught:
        numeric.whole("twelve")
    assert not isinstance(caught.value, numeric.TooLong)


def test_a_longer_one_is_refused_before_conversion() -> None:
    with pytest.raises(numeric.TooLong) as caught:
        numeric.whole("9" * 100_000, "hits")  # int() would refuse it with its own words
    assert str(caught.value) == "hits is 100,000 characters long (numbers have at most 40)"
    assert caught.value.text == "9" * 100_000


def test_json_integers() -> None:
    assert json.loads('{"a": 12}', parse_int=numeric.json_int) == {"a": 12}
    with pytest.raises(numeric.TooLong, match="^an integer is 41 characters long"):
        json.loads('{"a": 1%s}' % ("0" * 40), parse_int=numeric.json_int)


def test_where_a_number_is() -> None:
    text = 'a = 1\nb = "x"\nc = ' + "1_0" * 3000 + "\n"
    assert numeric.huge_number(text) == (3, 6000)
    assert numeric.huge_number_message(text) == ("line 3: an integer 6,000 digits long (Python "
                                                 "converts at most 4300)")
    assert numeric.huge_number("a = " + "9" * 4000) is None
    assert numeric.line_of("one\ntwo 123\n", "123") == 2
    assert numeric.line_of("one", "123") is None
