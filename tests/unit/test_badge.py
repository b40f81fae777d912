"""The SVG coverage badge: well-formed SVG, the gate's own figure rounded down, the verdict's
colour, and the same figure as the step summary."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree  # nosec B405  # our own output
from fractions import Fraction
from pathlib import Path

import pytest

from gate.cli import main
from gate.model import CheckResult, Ratio, Report, Status
from gate.report.badge_report import GREEN, GREY, RED, render, text_width
from gate.report.markdown_report import render as render_markdown
from tests.cobertura_xml import ratio_report

SVG = "{http://www.w3.org/2000/svg}"


def line_check(covered: int, total: int, threshold: Fraction | None) -> CheckResult:
    ratio = Ratio(covered, total)
    passed = threshold is None or ratio.value >= threshold
    return CheckResult("coverage.line", "coverage", Status.PASS if passed else Status.FAIL,
                       "line coverage", measured=ratio, threshold=threshold)


def parsed(svg: str) -> tuple[str, str, ElementTree.Element]:
    """(the accessible title, the value rect's colour, the root) of a badge."""
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    title = root.findtext(f"{SVG}title") or ""
    rects = root.findall(f"./{SVG}g/{SVG}rect")
    return title, rects[1].get("fill") or "", root


@pytest.mark.parametrize("covered, total, threshold, figure, colour", [
    (7999, 10000, Fraction(4, 5), "79.99%", RED),  # never rounded up to the threshold
    (8000, 10000, Fraction(4, 5), "80.00%", GREEN),
    (2, 3, Fraction(1, 2), "66.66%", GREEN),
    (80125, 100000, Fraction(80125, 100000), "80.125%", GREEN),  # the threshold's precision
    (1, 3, Fraction(0), "33.33%", GREEN),
])
def test_the_figure_is_the_gates_rounded_down(covered: int, total: int, threshold: Fraction,
                                              figure: str, colour: str) -> None:
    report = Report((line_check(covered, total, threshold),))
    title, fill, root = parsed(render(report))
    assert title == f"coverage: {figure}"
    assert fill == colour
    assert root.get("aria-label") == title
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["coverage", "coverage", figure, figure]  # shadow, then text
    # The step summary (markdown) shows the very same figure.
    assert f"| {figure} ({covered}/{total}) |" in render_markdown(report)


def test_without_a_threshold_grey_and_without_a_figure_unknown() -> None:
    ratchet = CheckResult("coverage.ratchet", "coverage", Status.PASS, "compared",
                          measured=Ratio(1, 3))
    title, fill, _ = parsed(render(Report((ratchet,))))
    assert (title, fill) == ("coverage: 33.33%", GREY)
    title, fill, _ = parsed(render(Report(())))
    assert (title, fill) == ("coverage: unknown", GREY)


def test_the_layout_fits_the_text() -> None:
    _, _, root = parsed(render(Report((line_check(1, 1, Fraction(1)),))))
    width = float(root.get("width") or 0)
    label = root.findall(f"./{SVG}g/{SVG}rect")[0]
    assert float(label.get("width") or 0) == pytest.approx(text_width("coverage") + 12)
    assert width == pytest.approx(text_width("coverage") + text_width("100.00%") + 24)
    assert text_width("100.00%") > text_width("9.00%")


def test_check_writes_every_report_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    ratio_report(tmp_path / "coverage.xml", 7999, 10000)
    code = main(["check", "--min-coverage", "80%", "--report", "badge=coverage.svg",
                 "--report", "json=gate.json", "--report", "markdown=gate.md"])
    assert code == 1
    assert capsys.readouterr().out.startswith("FAIL   coverage.line  line coverage 79.99%")
    title, fill, _ = parsed((tmp_path / "coverage.svg").read_text())
    assert (title, fill) == ("coverage: 79.99%", RED)
    assert '"verdict": "blocked"' in (tmp_path / "gate.json").read_text()
    assert "79.99% (7999/10000)" in (tmp_path / "gate.md").read_text()


@pytest.mark.parametrize("args, message", [
    (["--report", "svg=x.svg"], "argument --report: expected FORMAT=PATH with FORMAT one of"),
    (["--report", "json="], "argument --report: expected FORMAT=PATH"),
    (["--report", "json=a.json", "--output", "a.json"],
     "--report json=a.json: --output a.json writes to the same file"),
])
def test_report_flag_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str], args: list[str],
                            message: str) -> None:
    monkeypatch.chdir(tmp_path)
    ratio_report(tmp_path / "coverage.xml", 1, 1)
    assert main(["check", "--min-coverage", "0", *args]) == 2
    err = capsys.readouterr().err
    assert re.match(r"gate: error: ", err) and message in err, err
    assert not (tmp_path / "a.json").exists()
