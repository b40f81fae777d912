"""Coverage against the base: the ratchet's comparison with a stored report, the table of
touched files, and how the markdown shows them (folded when long, figures rounded down)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from gate.checks.coverage.baseline import FileCounts, Snapshot
from gate.checks.coverage.diff import MappedChange
from gate.checks.coverage.ratchet import ratchet_result
from gate.checks.coverage.settings import OPTIONS, configure
from gate.databranch.find import BaseReport
from gate.errors import UsageError
from gate.gitdiff import Change
from gate.model import Ratio, Report, Status
from gate.report.comparison import comparison, points
from gate.report.json_report import render as render_json
from gate.report.markdown_report import FOLD_FILES
from gate.report.markdown_report import render as render_markdown
from gate.report.text_report import render as render_text
from tests.unit.test_coverage_diff_check import cov

BASE_COMMIT, MERGE_BASE = "b" * 40, "m" * 40


def snap(files: dict[str, tuple[int, int]]) -> Snapshot:
    return Snapshot({n: FileCounts(Ratio(c, t), Ratio(0, 0)) for n, (c, t) in files.items()},
                    False)


def base(distance: int = 0) -> BaseReport:
    commit = MERGE_BASE if distance == 0 else BASE_COMMIT
    return BaseReport("origin/releasegate-data", MERGE_BASE, "the merge base", commit,
                      distance, b"{}")


BEFORE = snap({"src/app/codes.py": (10, 10), "src/app/store.py": (8, 10),
               "src/app/web.py": (5, 10)})
AFTER = snap({"src/app/codes.py": (6, 10), "src/app/store.py": (9, 10),
              "src/app/web.py": (5, 10), "src/app/new.py": (1, 4)})
MAPPED = MappedChange(
    Change("origin/main", MERGE_BASE, Path("/repo"),
           {"src/app/codes.py": (3, 4, 5, 9), "src/app/store.py": (2,), "src/app/new.py": (1, 2),
            "README.md": (1,)}),
    {"src/app/codes.py": cov("src/app/codes.py", set(range(1, 11)), set(range(1, 7))),
     "src/app/store.py": cov("src/app/store.py", set(range(1, 11)), set(range(1, 10))),
     "src/app/new.py": cov("src/app/new.py", {1, 2, 3, 4}, {1})},
    {"src/app/codes.py": ("src/app/codes.py",), "src/app/store.py": ("src/app/store.py",),
     "src/app/new.py": ("src/app/new.py",)},
)


def test_a_found_base_is_compared_without_gating_unless_asked() -> None:
    result = ratchet_result(BEFORE, AFTER, Fraction(0), "x", gated=False, base=base(),
                            mapped=MAPPED)
    assert result.status is Status.PASS  # lines fell, files lost lines: shown, not gated
    assert result.summary == ("line 76.66% (23/30) -> 61.76% (21/34) against the report of"
                              f" {MERGE_BASE[:12]} (the merge base) (not gated: no max-drop"
                              " set)")
    assert result.data["gated"] is False and result.data["max_drop"] is None
    assert result.data["base"] == {"branch": "origin/releasegate-data", "commit": MERGE_BASE,
                                   "start": MERGE_BASE, "origin": "the merge base",
                                   "distance": 0}
    gated = ratchet_result(BEFORE, AFTER, Fraction(0), "x", base=base(3), mapped=MAPPED)
    assert gated.status is Status.FAIL
    assert (f"against the report of {BASE_COMMIT[:12]} (3 commit(s) before the merge base"
            f" {MERGE_BASE[:12]}: the newest with a report): line coverage fell 14.91 points"
            in gated.summary)


def test_the_touched_files_worst_first() -> None:
    rows = ratchet_result(BEFORE, AFTER, Fraction(0), mapped=MAPPED).data["changed_files"]
    assert [r["path"] for r in rows] == ["src/app/codes.py", "src/app/new.py",
                                         "src/app/store.py"]
    codes, new, store = rows
    assert codes["before"]["lines"] == {"covered": 10, "total": 10}
    assert codes["after"]["lines"] == {"covered": 6, "total": 10}
    assert (codes["uncovered"], codes["uncovered_count"]) == ("9", 1)
    assert new["before"] is None and new["uncovered"] == "2"
    assert store["uncovered"] == "" and store["uncovered_count"] == 0


def test_points_are_rounded_down() -> None:
    assert points(Ratio(1, 3), Ratio(1, 3)) == "0.00"
    assert points(Ratio(99_999, 100_000), Ratio(99_998, 100_000)) == "-0.01"  # never 0.00
    assert points(Ratio(0, 10), Ratio(1, 3)) == "+33.33"
    assert points(Ratio(1, 1), Ratio(2, 3)) == "-33.34"
    assert points(Ratio(100_000, 100_000), Ratio(99_999_999, 100_000_000)) == "-0.01"


def test_markdown_shows_before_after_and_the_change() -> None:
    result = ratchet_result(BEFORE, AFTER, Fraction(0), "x", gated=False, base=base(),
                            mapped=MAPPED)
    text = render_markdown(Report((result,)))
    assert "#### Coverage against the base" in text
    assert (f"Compared with the report of `{MERGE_BASE[:12]}`, the merge base, on"
            " `origin/releasegate-data`.") in text
    assert "| Lines | 76.66% (23/30) | 61.76% (21/34) | **-14.91** |" in text
    assert "**3 files touched by the change**" in text
    assert "| `src/app/codes.py` | 100.00% (10/10) | 60.00% (6/10) | **-40.00** | 9 |" in text
    assert "| `src/app/new.py` | new | 25.00% (1/4) |  | 2 |" in text
    assert "| `src/app/store.py` | 80.00% (8/10) | 90.00% (9/10) | +10.00 | — |" in text
    assert "<details><summary>3 files" not in text


def test_a_long_list_of_files_folds() -> None:
    names = [f"pkg/m{n:02d}.py" for n in range(FOLD_FILES + 1)]
    mapped = MappedChange(Change("origin/main", MERGE_BASE, Path("/repo"),
                                 {n: (1,) for n in names}),
                          {n: cov(n, {1, 2}, {2}) for n in names}, {n: (n,) for n in names})
    before = snap({n: (2, 2) for n in names})
    after = snap({n: (1, 2) for n in names})
    text = render_markdown(Report((ratchet_result(before, after, Fraction(0), mapped=mapped),)))
    assert (f"<details><summary>{FOLD_FILES + 1} files touched by the change:"
            f" {FOLD_FILES + 1} lost coverage</summary>") in text
    assert text.count("| `pkg/m") == FOLD_FILES + 1


def test_json_and_text_carry_it() -> None:
    result = ratchet_result(BEFORE, AFTER, Fraction(0), "x", gated=False, base=base(),
                            mapped=MAPPED)
    data = json.loads(render_json(Report((result,))))["checks"][0]["data"]
    assert data["current"]["lines"] == {"covered": 21, "total": 34}
    assert [r["path"] for r in data["changed_files"]][0] == "src/app/codes.py"
    text = render_text(Report((result,)))
    assert "PASS   coverage.ratchet  line 76.66% (23/30) -> 61.76% (21/34)" in text
    assert ("  * src/app/codes.py: 100.00% (10/10) -> 60.00% (6/10) (-40.00); uncovered changed"
            " lines 9\n") in text
    assert "  * src/app/new.py: new -> 25.00% (1/4); uncovered changed lines 2\n" in text
    assert "  * src/app/store.py: 80.00% (8/10) -> 90.00% (9/10) (+10.00)\n" in text


def test_no_comparison_no_section() -> None:
    assert comparison(Report(())) is None
    plain = ratchet_result(BEFORE, AFTER, Fraction(1))
    text = render_markdown(Report((plain,)))
    assert "Compared with `baseline`." in text
    assert "touched by the change" not in text


def test_baseline_and_branch_are_exclusive() -> None:
    with pytest.raises(UsageError) as caught:
        configure({"baseline": Path("b.json"), "baseline-branch": "origin/releasegate-data"})
    assert "--baseline and --baseline-branch" in str(caught.value)
    settings = configure({"baseline-branch": "origin/releasegate-data"})
    assert settings is not None and settings.wants_ratchet and settings.max_drop is None
    assert "baseline-branch" in {o.key for o in OPTIONS}
