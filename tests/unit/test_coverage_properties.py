"""Property: any per-file line sets, written as Cobertura, gate exactly as integer arithmetic says."""

from __future__ import annotations

import tempfile
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.checks.coverage import run
from gate.checks.coverage.settings import CoverageSettings
from gate.model import Status
from gate.thresholds import parse_threshold

# A listing: line number, hits, optional (covered, total) branches, attribute order flipped.
listing = st.tuples(
    st.integers(min_value=0, max_value=3000),
    st.one_of(st.just(0), st.integers(min_value=0, max_value=3), st.integers(min_value=0)),
    st.none() | st.integers(min_value=1, max_value=8).flatmap(
        lambda total: st.tuples(st.integers(min_value=0, max_value=total), st.just(total))),
    st.booleans(),
)
reports = st.dictionaries(st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8}){0,2}\.py", fullmatch=True),
                          st.lists(listing, max_size=60), min_size=1, max_size=6)


def _line(number: int, hits: int, branches: tuple[int, int] | None, flipped: bool) -> str:
    attrs = [f'number="{number}"', f'hits="{hits}"']
    if flipped:
        attrs.reverse()
    if branches is not None:
        covered, total = branches
        attrs += ['branch="true"', f'condition-coverage="{covered * 100 // total}% '
                                   f'({covered}/{total})"']
    elif flipped:
        attrs.append('branch="false"')
    return f"<line {' '.join(attrs)}/>"


def _xml(files: dict[str, list[tuple[int, int, tuple[int, int] | None, bool]]]) -> str:
    classes = []
    for name, lines in files.items():
        body = "".join(_line(*item) for item in lines)
        # Java-style method lines repeat (here: contradict) the class's lines; they never count.
        method = '<method name="m"><lines><line number="1" hits="9"/></lines></method>'
        classes.append(f'<class name="c" filename="{name}"><methods>{method}</methods>'
                       f"<lines>{body}</lines></class>")
    return ('<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM '
            '"http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
            '<coverage line-rate="0.5"><packages><package name="p"><classes>'
            + "".join(classes) + "</classes></package></packages></coverage>")


def _expected(files: dict[str, list[tuple[int, int, tuple[int, int] | None, bool]]]
              ) -> tuple[int, int, int, int]:
    covered_lines = total_lines = covered_branches = total_branches = 0
    for lines in files.values():
        measured = {n for n, _, _, _ in lines}
        ran = {n for n, hits, _, _ in lines if hits > 0}
        best: dict[int, tuple[int, int]] = {}
        for n, _, branches, _ in lines:
            if branches is not None:
                seen = best.get(n, (0, 0))
                best[n] = (max(seen[0], branches[0]), max(seen[1], branches[1]))
        covered_lines += len(ran)
        total_lines += len(measured)
        covered_branches += sum(c for c, _ in best.values())
        total_branches += sum(t for _, t in best.values())
    return covered_lines, total_lines, covered_branches, total_branches


def _near(value: Fraction, places: int, up: bool) -> str:
    """`value` rounded up or down to `places` decimals: a threshold just either side of it."""
    with localcontext() as context:
        context.prec = 80
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return str(exact.quantize(Decimal(1).scaleb(-places),
                                  ROUND_CEILING if up else ROUND_FLOOR))


@settings(max_examples=120, deadline=None)
@given(files=reports, places=st.integers(min_value=0, max_value=6), up=st.booleans())
def test_reports_gate_as_integer_arithmetic_says(files, places: int, up: bool) -> None:  # type: ignore[no-untyped-def]
    covered, total, bcovered, btotal = _expected(files)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coverage.xml"
        path.write_text(_xml(files), encoding="utf-8")
        if total == 0:
            return
        value = Fraction(covered, total)
        # Thresholds on both sides of the exact value, and the value itself when it is a decimal.
        for text in {_near(value, places, up), _near(value, places, not up),
                     _near(value, 30, up)}:
            limit = parse_threshold(text, "x")
            results = run(CoverageSettings(files=(path,), min_lines=limit,
                                           min_branches=limit if btotal else None))
            line = results[0]
            assert (line.measured.covered, line.measured.total) == (covered, total)
            assert line.status is (Status.PASS if covered * limit.denominator
                                   >= limit.numerator * total else Status.FAIL)
            if btotal:
                branch = results[1]
                assert (branch.measured.covered, branch.measured.total) == (bcovered, btotal)
                assert branch.status is (Status.PASS if Fraction(bcovered, btotal) >= limit
                                         else Status.FAIL)
