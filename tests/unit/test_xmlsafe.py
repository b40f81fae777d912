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


# An entity reference the document never defines: its text is unknown, whatever reader reads it.

#: DOCTYPE lines that name an external DTD (never read), as producers write them.
DOCTYPES = {
    "system": '<!DOCTYPE {root} SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    "public": '<!DOCTYPE {root} PUBLIC "-//Producer//DTD Report 1.0//EN"\n  "report.dtd">',
    "standalone=no": '<!DOCTYPE {root} SYSTEM \'report.dtd\'>',
    "none": "",
}
COBERTURA_AT = {  # where a reference sits: (the document's body, the line it is on)
    "source text": ('<coverage>\n<sources><source>/src/&where;</source></sources>\n'
                    '<packages/></coverage>', 2),
    "class attribute": ('<coverage><packages><package><classes>\n'
                        '<class filename="a&where;.py"><lines><line number="1" hits="1"/>'
                        '</lines></class></classes></package></packages></coverage>', 2),
    "bulk <line> run": ('<coverage><packages><package><classes>\n<class filename="a.py"><lines>\n'
                        '<line number="1" hits="1"/>\n<line number="2" hits="&where;"/>\n'
                        '<line number="3" hits="1"/>\n</lines></class></classes></package>'
                        '</packages></coverage>', 4),
    "between elements": ('<coverage><packages>\n&where;<package/></packages></coverage>', 2),
}
JUNIT_AT = {
    "failure text": ('<testsuite name="s">\n<testcase classname="t" name="a"><failure>\n'
                     'expected &where; got x</failure></testcase></testsuite>', 3),
    "message attribute": ('<testsuite name="s"><testcase classname="t" name="a">\n'
                          '<failure message="saw &amp; &where;"/></testcase></testsuite>', 2),
    "testcase name": ('<testsuite name="s">\n<testcase classname="t" name="a&where;"/>'
                      '</testsuite>', 2),
}
READERS = {"cobertura": (cobertura.read, "coverage", COBERTURA_AT),
           "junit": (junit.read, "testsuite", JUNIT_AT)}
CASES = [(reader, at, doctype) for reader, (_, _, places) in READERS.items() for at in places
         for doctype in DOCTYPES]


@pytest.mark.parametrize(("reader", "at", "doctype"), CASES,
                         ids=["-".join(case) for case in CASES])
def test_an_undefined_entity_makes_a_report_unusable(tmp_path: Path, reader: str, at: str,
                                                     doctype: str) -> None:
    read, root, places = READERS[reader]
    body, line = places[at]
    prolog = DOCTYPES[doctype].format(root=root)
    declaration = ('<?xml version="1.0" standalone="no"?>' if doctype == "standalone=no"
                   else '<?xml version="1.0"?>')
    text = f"{declaration}\n{prolog}\n{body}\n" if prolog else f"{declaration}\n\n{body}\n"
    shift = 2 + prolog.count("\n")  # the body starts on this line
    path = write(tmp_path, text.encode(), f"{reader}.xml")
    with pytest.raises(InputError) as caught:
        read(path)
    assert not isinstance(caught.value, UnsafeInputError)
    assert str(caught.value).startswith(
        f"{'coverage' if reader == 'cobertura' else 'JUnit'} report is not usable: {path}: "
        f"line {line + shift}: undefined entity &where; "), caught.value


@pytest.mark.parametrize("read", [cobertura.read, junit.read], ids=["cobertura", "junit"])
def test_a_parameter_entity_in_the_doctype_makes_a_report_unusable(tmp_path: Path, read) -> None:  # type: ignore[no-untyped-def]
    """`%p;` in the internal subset stands for declarations nobody will read: from there on,
    expat would skip every reference it cannot resolve."""
    path = write(tmp_path, b'<?xml version="1.0"?>\n<!DOCTYPE r [\n%p;\n]>\n<r a="&x;">&y;</r>\n')
    with pytest.raises(InputError) as caught:
        read(path)
    assert not isinstance(caught.value, UnsafeInputError)
    assert str(caught.value).startswith(f"{'coverage' if read is cobertura.read else 'JUnit'} "
                                        f"report is not usable: {path}: line 3: ")
    assert "DTD" in str(caught.value)


@pytest.mark.parametrize("read", [cobertura.read, junit.read], ids=["cobertura", "junit"])
def test_the_predefined_entities_and_character_references_still_read(tmp_path: Path,
                                                                     read) -> None:  # type: ignore[no-untyped-def]
    doc = (b'<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "coverage-04.dtd">\n'
           b'<coverage><sources><source>&lt;&amp;&gt;&quot;&apos;&#38;&#x26;</source></sources>'
           b'<packages><package><classes><class filename="a&amp;b.py"><lines>'
           b'<line number="1" hits="1"/></lines></class></classes></package></packages>'
           b'</coverage>\n')
    if read is cobertura.read:
        data, _ = read(write(tmp_path, doc))
        assert list(data.files) == ["a&b.py"] and data.sources == ("<&>\"'&&",)
    else:
        junit_doc = (b'<?xml version="1.0"?>\n<!DOCTYPE testsuite SYSTEM "junit.dtd">\n'
                     b'<testsuite name="s"><testcase classname="t" name="a&amp;b"><failure '
                     b'message="&lt;&#38;&gt;"/></testcase></testsuite>\n')
        found = read(write(tmp_path, junit_doc, "junit.xml"))
        assert [(c.id, c.message) for c in found.each()] == [("t::a&b", "<&>")]


def test_a_doctype_spread_over_lines_keeps_the_line_numbers(tmp_path: Path) -> None:
    doc = (b'<?xml version="1.0"?>\n<!-- made by a tool -->\n<!DOCTYPE coverage\n  PUBLIC\n'
           b'  "-//x//EN"\n  "coverage.dtd">\n<coverage><packages>\n\n<bad/ </packages>'
           b'</coverage>\n')
    assert error(write(tmp_path, doc)).startswith(
        f"coverage report is not well-formed XML: {tmp_path / 'coverage.xml'}: line 9: ")


def test_a_parser_fed_directly_still_reads_a_doctype() -> None:
    """Sniffing a report's root from its first bytes: no Feeder, no refusal of the DTD's name."""
    roots: list[str] = []
    sniff = xmlsafe.parser()
    sniff.StartElementHandler = lambda tag, attrs: roots.append(tag)
    sniff.Parse(b'<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN"'
                b' "report.dtd"><report name="x"/>', True)
    assert roots == ["report"]
    fed = xmlsafe.parser()
    fed.StartElementHandler = lambda tag, attrs: roots.append(tag)
    xmlsafe.feed(fed, io.BytesIO(b'<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD'
                                 b' Report 1.1//EN" "report.dtd"><report name="x"/>'))
    assert roots == ["report", "report"]
    assert xmlsafe.without_external_dtd(b'<!DOCTYPE r SYSTEM "x.dtd"><r/>') == (
        b"<!DOCTYPE r " + b" " * len(b'SYSTEM "x.dtd"') + b"><r/>")
