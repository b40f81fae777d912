import pytest

from shortlink.codes import InvalidURL, decode, encode, is_code, validate_url


@pytest.mark.parametrize("number, code", [(1, "1"), (61, "Z"), (62, "10"), (3844, "100")])
def test_encode_and_decode(number, code):
    assert encode(number) == code
    assert decode(code) == number


def test_round_trip_of_many_numbers():
    for number in range(1, 5000, 7):
        assert decode(encode(number)) == number


@pytest.mark.parametrize("bad", ["", "0", "01", "a-b", "é"])
def test_decode_rejects_what_is_not_a_code(bad):
    with pytest.raises(ValueError):
        decode(bad)
    assert not is_code(bad)


def test_encode_rejects_zero_and_negatives():
    with pytest.raises(ValueError):
        encode(0)


def test_validate_url_accepts_http_and_https():
    assert validate_url("  https://example.org/a?b=c ") == "https://example.org/a?b=c"
    assert validate_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("bad, reason", [
    ("ftp://example.org/file", "only http and https"),
    ("https:///path-only", "no host"),
    ("javascript:alert(1)", "only http and https"),
    ("https://example.org/" + "a" * 2100, "longer than"),
])
def test_validate_url_rejects(bad, reason):
    with pytest.raises(InvalidURL, match=reason):
        validate_url(bad)
