"""Fingerprints, the baseline file and its matching, thresholds, and the findings checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gate.checks.findings import baseline as baselines
from gate.checks.findings.check import Changed, evaluate, judge
from gate.checks.findings.fingerprint import Located, compute, normalise
from gate.checks.findings.scan import file_name, scan
from gate.checks.findings.settings import FindingsSettings, Thresholds, as_thresholds, configure
from gate.errors import InputError, UsageError
from gate.family import Origin
from gate.model import Status
from gate.severity import Level

SOURCE = """import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)


def again(cmd):
    return subprocess.call(cmd, shell=True)
"""


def prints(text: str, lines: list[int | None], rule: str = "B602") -> list[str]:
    source = text.split("\n")
    found = compute([Located("bandit", rule, "pkg/x.py", n, None, "m") for n in lines],
                    lambda name: source)
    return [f"{p.fingerprint}/{p.context}" for p in found]


def test_whitespace_and_moves_keep_the_fingerprint() -> None:
    before = prints(SOURCE, [5])
    moved = "# a new first line\n\n" + SOURCE.replace("    return", "        return")
    assert prints(moved, [7]) == before
    assert normalise(" a =\tb \r\n") == "a=b"


def test_identical_lines_are_numbered_in_line_order() -> None:
    first, second = prints(SOURCE, [5, 9])
    assert first.split("/")[0].endswith(":1") and second.split("/")[0].endswith(":2")
    assert first.split(":")[0] == second.split(":")[0]
    assert prints(SOURCE, [9, 5]) == [second, first]  # the report's order does not matter
    assert first.split("/")[1] != second.split("/")[1]  # the neighbours tell them apart


def test_the_rule_the_tool_and_the_file_are_part_of_it() -> None:
    source = SOURCE.split("\n")
    base = Located("bandit", "B602", "pkg/x.py", 5, None, "m")
    variants = [base, Located("bandit", "B603", "pkg/x.py", 5, None, "m"),
                Located("semgrep", "B602", "pkg/x.py", 5, None, "m"),
                Located("bandit", "B602", "pkg/y.py", 5, None, "m")]
    assert len({p.fingerprint for p in compute(variants, lambda name: source)}) == 4


def test_an_unreadable_file_falls_back_to_the_quoted_line_then_the_message() -> None:
    quoted, bare = compute([Located("bandit", "B602", "gone.py", 5, "  x = 1\n  y", "m"),
                            Located("bandit", "B602", "gone.py", 9, None, "a message")],
                           lambda name: None)
    readable = compute([Located("bandit", "B602", "here.py", 1, None, "m")],
                       lambda name: ["x=1"])
    assert quoted.line_hash != readable[0].line_hash  # the file name differs, and so on
    assert quoted.context == bare.context  # both "from the report"
    assert quoted.line_hash != bare.line_hash


def entry(p_text: str, **kw: object) -> baselines.Entry:
    fingerprint, context = p_text.split("/")
    values = {"tool": "bandit", "rule": "B602", "file": "pkg/x.py", "fingerprint": fingerprint,
              "context": context, "line": 5}
    values.update(kw)
    return baselines.Entry(**values)  # type: ignore[arg-type]


def test_matching_pairs_a_moved_twin_with_its_own_entry() -> None:
    source = SOURCE.split("\n")
    old = compute([Located("bandit", "B602", "pkg/x.py", 5, None, "m")], lambda n: source)
    entries = [baselines.entry_of(old[0], 5, "high", "m")]
    # A new identical call is added above the accepted one: it takes occurrence 1.
    changed = SOURCE.replace("def run(cmd):", "def new(cmd):\n    return subprocess.call(cmd, "
                             "shell=True)\n\n\ndef run(cmd):").split("\n")
    now = compute([Located("bandit", "B602", "pkg/x.py", n, None, "m") for n in (5, 9, 13)],
                  lambda n: changed)
    matched, stale = baselines.match(now, entries)
    assert matched == [None, 0, None] and stale == []
    # The accepted finding fixed: its entry is stale.
    assert baselines.match([], entries) == ([], [0])


def test_baseline_round_trip_is_sorted_and_stable(tmp_path: Path) -> None:
    entries = [entry("0123456789abcdef:2/0123456789abcdef", file="b.py", line=9),
               entry("fedcba9876543210:1/0123456789abcdef", file="a.py", line=3,
                     message="ünïcode")]
    path = tmp_path / "findings-baseline.json"
    baselines.write(path, baselines.render(entries))
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["version"] == 1 and "ünïcode" in text
    assert [e.file for e in baselines.read(path)] == ["a.py", "b.py"]
    assert baselines.render(baselines.read(path)) == text


@pytest.mark.parametrize("document, message", [
    ({"results": [], "metrics": {}, "generated_at": "x"}, "this is a bandit report"),
    ({"version": "2.1.0", "runs": []}, "this is a SARIF log"),
    ({"schema_version": 1, "checks": []}, "this is the gate's JSON report"),
    ({"findings": []}, 'no "releasegate": "findings-baseline" marker'),
    ({"releasegate": "findings-baseline", "version": 9, "findings": []},
     "version 9 was written by a newer releasegate"),
    ({"releasegate": "findings-baseline", "findings": []}, "no `version`"),
    ({"releasegate": "findings-baseline", "version": 1}, "no `findings` array"),
    ({"releasegate": "findings-baseline", "version": 1, "findings": [{"tool": "x"}]},
     "entry 1 has no 'rule' string"),
    ({"releasegate": "findings-baseline", "version": 1, "findings": [
        {"tool": "t", "rule": "r", "file": "f", "fingerprint": "12:1", "context": "0" * 16}]},
     "fingerprint '12:1' is not <16 hex>:<n>"),
])
def test_a_baseline_that_is_not_the_gates_is_refused(tmp_path: Path, document: object,
                                                     message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as caught:
        baselines.read(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_thresholds_from_settings_and_flags() -> None:
    origin = Origin("min-severity", Path("."))
    assert as_thresholds("medium", origin).of("bandit") is Level.MEDIUM
    mixed = as_thresholds("medium,flake8=low", origin)
    assert (mixed.of("bandit"), mixed.of("flake8")) == (Level.MEDIUM, Level.LOW)
    table = as_thresholds({"default": "high", "Bandit": "low"}, origin)
    assert (table.of("zizmor"), table.of("bandit")) == (Level.HIGH, Level.LOW)
    with pytest.raises(UsageError, match="min-severity.bandit: expected one of low, medium"):
        as_thresholds({"bandit": "severe"}, origin)
    with pytest.raises(UsageError, match="expected a level"):
        as_thresholds(3, origin)


def test_a_baseline_without_reports_is_a_usage_error() -> None:
    assert configure({}) is None
    with pytest.raises(UsageError, match="a findings baseline is set but no report"):
        configure({"baseline": Path("b.json")})


def test_file_names_are_made_relative_to_the_working_folder(tmp_path: Path) -> None:
    assert file_name(str(tmp_path / "pkg" / "x.py"), tmp_path) == "pkg/x.py"
    assert file_name("./pkg//x.py", tmp_path) == "pkg/x.py"
    assert file_name("pkg\\x.py", tmp_path) == "pkg/x.py"
    assert file_name("/elsewhere/x.py", tmp_path) == "/elsewhere/x.py"


# The checks, on real files --------------------------------------------------------


def project(tmp_path: Path, flake8: str, code: str = SOURCE) -> FindingsSettings:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "pkg" / "x.py").write_text(code)
    report = tmp_path / "flake8.txt"
    report.write_text(flake8)
    return FindingsSettings(flake8=(report,), baseline=tmp_path / "baseline.json")


def record(settings: FindingsSettings, cwd: Path) -> None:
    found = scan(settings, cwd)
    assert settings.baseline is not None
    baselines.write(settings.baseline, baselines.render(
        baselines.entry_of(i.print, i.finding.line, i.finding.severity.label, i.finding.message)
        for i in found.items))


def test_new_accepted_below_threshold_and_stale(tmp_path: Path) -> None:
    settings = project(tmp_path, "pkg/x.py:1:1: F401 'os' imported but unused\n"
                                 "pkg/x.py:5:80: E501 line too long (81 > 79 characters)\n")
    record(settings, tmp_path)
    [lint, base] = evaluate(settings, tmp_path)
    assert (lint.id, lint.status, lint.summary) == ("findings.flake8", Status.PASS,
                                                    "2 findings, all accepted in the baseline")
    assert (base.status, base.summary) == (Status.PASS, "2 baseline entries, none stale")

    (tmp_path / "flake8.txt").write_text(
        "pkg/x.py:8:80: E501 line too long (81 > 79 characters)\n"
        "pkg/x.py:9:1: F811 redefinition of unused 'run' from line 4\n")
    [lint, base] = evaluate(settings, tmp_path)
    assert lint.status is Status.FAIL
    assert lint.summary == "2 new findings (E501, F811) of 2"
    assert [f.message for f in lint.findings] == [
        "pkg/x.py:8: E501 line too long (81 > 79 characters) [medium]",
        "pkg/x.py:9: F811 redefinition of unused 'run' from line 4 [medium]"]
    assert {(f.rule, f.tool, f.severity, f.line, f.blocks) for f in lint.findings} == {
        ("E501", "flake8", "medium", 8, True), ("F811", "flake8", "medium", 9, True)}
    assert base.status is Status.PASS and base.summary.startswith(
        "2 stale baseline entries of 2, no longer found (E501, F401)")
    assert base.warnings and "findings.baseline: 2 stale" in base.warnings[0]

    strict = FindingsSettings(flake8=settings.flake8, baseline=settings.baseline, stale="fail",
                              min_severity=Thresholds(Level.HIGH))
    [lint, base] = evaluate(strict, tmp_path)
    assert (lint.status, lint.summary) == (
        Status.PASS, "no new finding blocks: 2 findings, 2 below min-severity high")
    assert base.status is Status.FAIL and all(f.blocks for f in base.findings)


def test_a_threshold_for_a_tool_no_report_comes_from_is_an_error(tmp_path: Path) -> None:
    settings = project(tmp_path, "")
    typo = FindingsSettings(flake8=settings.flake8,
                            min_severity=Thresholds(Level.LOW, {"bnadit": Level.HIGH}))
    with pytest.raises(UsageError, match="min-severity names the tool 'bnadit', and no report "
                                         r"read comes from it \(tools read: flake8\)"):
        evaluate(typo, tmp_path)
    [clean] = evaluate(FindingsSettings(flake8=settings.flake8), tmp_path)
    assert (clean.status, clean.summary) == (Status.PASS, "no findings in 1 report")


def test_only_findings_on_changed_lines_block_with_a_change(tmp_path: Path) -> None:
    settings = project(tmp_path, "pkg/x.py:5:1: E111 x\npkg/x.py:9:1: E111 y\n")
    items = scan(settings, tmp_path).items
    changed = Changed("main", "abc", {"pkg/x.py": frozenset({9})}, ())
    fates = [judge(i, False, settings, changed).fate for i in items]
    assert fates == ["outside the change", "blocking"]
    assert judge(items[0], True, settings, changed).fate == "accepted"


def test_deploy_findings_carry_their_rule_id_in_a_field() -> None:
    from gate.checks.deploy.issue import Issue, Place

    finding = Issue("debug-on", "DEBUG", "debug is on", Place(".env", 3)).finding()
    assert (finding.rule, finding.tool, finding.severity, finding.file, finding.line) == (
        "debug-on", "releasegate", "high", ".env", 3)
    assert finding.message == ".env:3: DEBUG: debug is on [debug-on]"


def test_sources_read_only_regular_files_inside_the_root(tmp_path: Path) -> None:
    from gate.checks.findings.fingerprint import Sources

    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    (tmp_path / "outside.py").write_text("secret = 1\n")
    os.mkfifo(root / "pipe.py")  # a plain open() would block for ever
    (root / "link.py").symlink_to(tmp_path / "outside.py")
    sources = Sources(root)
    assert sources.lines("app.py") == ["x = 1", ""]
    assert sources.lines(str(tmp_path / "outside.py")) is None
    assert sources.lines("../outside.py") is None
    assert sources.lines("link.py") is None
    assert sources.lines("pipe.py") is None
    assert sources.unreadable == sorted(["../outside.py", "link.py", "pipe.py",
                                         str(tmp_path / "outside.py")])
