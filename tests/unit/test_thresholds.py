"""Thresholds are exact decimals, and display never contradicts the verdict."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.errors import UsageError
from gate.thresholds import floor_percent, parse_threshold, percent_places, show, show_threshold


@pytest.mark.parametrize(("raw", "expected"), [
    ("0.8", Fraction(4, 5)),
    ("80%", Fraction(4, 5)),
    ("92.5%", Fraction(37, 40)),
    (" 80 % ", Fraction(4, 5)),
    ("1", Fraction(1)),
    ("0", Fraction(0)),
    ("100%", Fraction(1)),
    ("0%", Fraction(0)),
    ("0.80125", Fraction(641, 800)),
    ("1e-1", Fraction(1, 10)),
    (0.8, Fraction(4, 5)),  # a TOML float keeps the digits it was written with
    (0.1, Fraction(1, 10)),
    (1, Fraction(1)),
    (0, Fraction(0)),
])
def test_spellings_parse_to_exact_fractions(raw: object, expected: Fraction) -> None:
    assert parse_threshold(raw, "--min-coverage") == expected


def test_never_a_float() -> None:
    # 0.1 as a binary float is 0.1000000000000000055...; the threshold is exactly 1/10.
    assert parse_threshold("0.1", "x") == Fraction(1, 10) != Fraction(0.1)


def test_many_decimal_places_stay_exact() -> None:
    assert parse_threshold("0.80000000000000000000001", "x") == (
        Fraction(4, 5) + Fraction(1, 10**23))


@pytest.mark.parametrize("raw", ["80", "92.5", "1.5", 80, 99.9])
def test_bare_number_above_one_is_a_usage_error_suggesting_both_spellings(raw: object) -> None:
    with pytest.raises(UsageError) as caught:
        parse_threshold(raw, "--min-coverage")
    message = str(caught.value)
    assert message.startswith(f"--min-coverage: {raw} is above 1")
    assert f"{raw}%" in message
    assert str(Decimal(str(raw)) / 100) in message


def test_bare_eighty_hint_names_eighty_percent_and_zero_point_eight() -> None:
    with pytest.raises(UsageError) as caught:
        parse_threshold("80", "coverage.min")
    assert caught.value.hint == "write 80% for a percentage, or 0.8 for a fraction"


def test_number_above_a_hundred_gets_the_general_spellings() -> None:
    with pytest.raises(UsageError) as caught:
        parse_threshold("150", "--min-coverage")
    assert "above 1" in str(caught.value)
    assert "such as 0.8" in str(caught.value) and "such as 80%" in str(caught.value)


@pytest.mark.parametrize(("raw", "problem"), [
    ("-0.1", "outside 0%..100%"),
    ("101%", "outside 0%..100%"),
    ("-5%", "outside 0%..100%"),
    ("abc", "is not a number"),
    ("", "is not a number"),
    ("80%%", "is not a number"),
    ("0,8", "is not a number"),
    ("nan", "not a finite number"),
    ("inf", "not a finite number"),
    ("-Infinity%", "not a finite number"),
    (True, "expected a number, got bool"),
    ([80], "expected a number, got list"),
    (None, "expected a number, got NoneType"),
])
def test_bad_thresholds_are_usage_errors(raw: object, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_threshold(raw, "--min-coverage")
    assert str(caught.value).startswith("--min-coverage: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Fraction(7999, 10000), 2, "79.99%"),
    (Fraction(79999, 100000), 2, "79.99%"),
    (Fraction(8, 10), 2, "80.00%"),
    (Fraction(1), 2, "100.00%"),
    (Fraction(0), 2, "0.00%"),
    (Fraction(2, 3), 2, "66.66%"),
    (Fraction(2, 3), 0, "66%"),
    (Fraction(999999, 1000000), 3, "99.999%"),
])
def test_floor_percent_rounds_down(value: Fraction, places: int, shown: str) -> None:
    assert floor_percent(value, places) == shown


@pytest.mark.parametrize(("threshold", "places"), [
    (None, 2), ("0.8", 2), ("92.5%", 2), ("0.80125", 3), ("80.125%", 3), ("0.5", 2),
    ("0.123456789012345678", 16), ("1", 2),
])
def test_percent_places_follow_the_threshold(threshold: str | None, places: int) -> None:
    value = None if threshold is None else parse_threshold(threshold, "x")
    assert percent_places(value) == places


def test_percent_places_of_a_non_decimal_fraction_is_bounded() -> None:
    assert percent_places(Fraction(1, 3)) == 12


def test_show_uses_the_threshold_precision() -> None:
    threshold = parse_threshold("80.125%", "x")
    assert show_threshold(threshold) == "80.125%"
    assert show(Fraction(80124, 100000), threshold) == "80.124%"
    assert show(Fraction(7999, 10000), parse_threshold("0.8", "x")) == "79.99%"
    assert show_threshold(parse_threshold("92.5%", "x")) == "92.50%"


decimal_thresholds = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=0, max_value=10**20), st.integers(min_value=0, max_value=22),
).filter(lambda d: d <= 1)


@given(threshold=decimal_thresholds, covered=st.integers(min_value=0, max_value=10**30),
       extra=st.integers(min_value=0, max_value=10**30))
def test_display_never_contradicts_the_verdict(threshold: Decimal, covered: int,
                                               extra: int) -> None:
    total = covered + extra
    if total == 0:
        return
    limit = parse_threshold(str(threshold), "x")
    value = Fraction(covered, total)
    shown = Decimal(show(value, limit).rstrip("%"))
    shown_limit = Decimal(show_threshold(limit).rstrip("%"))
    assert shown_limit == threshold * 100  # the threshold is shown exactly
    if value >= limit:
        assert shown >= shown_limit
    else:
        assert shown < shown_limit
