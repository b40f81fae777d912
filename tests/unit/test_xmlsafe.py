"""gate.readers.xmlsafe, as both readers use it: the same refusals and messages for every bad file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from gate.errors import InputError, UnsafeInputError
from gate.readers import xmlsafe
from gate.readers.coverage import cobertura
from gate.readers.junit import reader as junit

GOOD = (b'<?xml version="1.0"?><coverage lines-valid="2" lines-covered="1"><packages><package>'
        b'<classes><class name="a" filename="a.py"><lines><line number="1" hits="1"/>'
        b'<line number="2" hits="0"/></lines></class></classes></package></packages></coverage>')
HINT = "(hint: produce it with `coverage xml` (or pytest --cov-report=xml))"


def write(tmp_path: Path, data: bytes, name: str = "coverage.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        cobertura.read(path)
    return str(caught.value)


def test_cobertura_messages_are_unchanged(tmp_path: Path) -> None:
    """The messages the Cobertura reader gave before the safe-XML code moved out of it."""
    laughs = write(tmp_path, b'<!DOCTYPE l [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]>'
                             b'<coverage>&l2;</coverage>', "laughs.xml")
    external = write(tmp_path, b'<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                               b'<coverage>&x;</coverage>', "external.xml")
    truncated = write(tmp_path, GOOD[:100], "truncated.xml")
    html = write(tmp_path, b"<html><body/></html>", "html.xml")
    empty = write(tmp_path, b"", "empty.xml")
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    assert error(laughs) == f"unsafe XML rejected: {laughs}: entity declaration 'lol' is forbidden"
    assert error(external) == f"unsafe XML rejected: {external}: entity declaration 'x' is forbidden"
    assert error(truncated) == (f"coverage report is not well-formed XML: {truncated}: line 1: "
                                f"unclosed token {HINT}")
    assert error(html) == (f"not a valid Cobertura report: {html}: line 1: expected a <coverage> "
                           "root element, found <html>")
    assert error(empty) == f"coverage report is empty: {empty} {HINT}"
    assert error(tmp_path / "nope.xml") == f"coverage report not found: {tmp_path / 'nope.xml'} {HINT}"
    assert error(tmp_path) == f"coverage report is a directory: {tmp_path} (hint: pass the coverage.xml file)"
    assert error(fifo) == f"coverage report is not a regular file (a FIFO): {fifo}"
    data, _ = cobertura.read(write(tmp_path, GOOD))
    assert (data.lines.covered, data.lines.total) == (1, 2)


@pytest.mark.parametrize("read", [cobertura.read, junit.read], ids=["cobertura", "junit"])
def test_both_readers_refuse_the_same_hostile_documents(tmp_path: Path, read) -> None:
    for i, doc in enumerate([
        b'<!DOCTYPE r [<!ENTITY a "b">]><r/>',
        b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]><r/>',
        b'<!DOCTYPE r [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "y" NDATA n>]><r/>',
    ]):
        with pytest.raises(UnsafeInputError, match=r"^unsafe XML rejected: .*: entity declaration"):
            read(write(tmp_path, doc, f"{i}.xml"))


def test_feed_refuses_a_token_longer_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expat 2.5 would rescan it on every call: a huge token is refused, a big one parses."""
    monkeypatch.setattr(xmlsafe, "MAX_TOKEN", 1 << 20)
    parser = xmlsafe.parser()
    got: list[int] = []
    parser.StartElementHandler = lambda tag, attrs: got.append(len(attrs["a"]))
    xmlsafe.feed(parser, io.BytesIO(b'<r a="' + b"x" * 900_000 + b'"/>'))
    assert got == [900_000]
    with pytest.raises(xmlsafe.TokenTooLong, match="line 1: an XML token longer than 1 MiB"):
        xmlsafe.feed(xmlsafe.parser(), io.BytesIO(b'<r a="' + b"x" * (3 << 20) + b'"/>'))


def test_unsafe_reason_for_other_defusedxml_errors() -> None:
    from defusedxml import DTDForbidden, ExternalReferenceForbidden

    assert xmlsafe.unsafe_reason(ExternalReferenceForbidden("c", None, "http://x/y", None)) == (
        "external reference to 'http://x/y' is forbidden")
    assert xmlsafe.unsafe_reason(DTDForbidden("r", None, None)) == (
        "DTDForbidden(name='r', system_id=None, public_id=None)")


def test_cobertura_refuses_negative_line_numbers(tmp_path: Path) -> None:
    """A negative line number was an IndexError on an empty bitmap, and on a non-empty one
    silently counted some other line as measured and covered."""
    for name, lines in (("first.xml", b'<line number="-5" hits="1"/>'),
                        ("later.xml", b'<line number="1" hits="1"/><line number="-1" hits="1"/>')):
        path = write(tmp_path, GOOD.replace(b'<line number="1" hits="1"/>', lines), name)
        assert error(path) == (f"not a valid Cobertura report: {path}: line 1: "
                               f"negative line number {-5 if name == 'first.xml' else -1}")


def test_cobertura_root_without_attributes_is_still_a_root(tmp_path: Path) -> None:
    data, warnings = cobertura.read(write(tmp_path, GOOD.replace(
        b'<coverage lines-valid="2" lines-covered="1">', b"<coverage>")))
    assert (data.lines.covered, data.lines.total, warnings) == (1, 2, [])
