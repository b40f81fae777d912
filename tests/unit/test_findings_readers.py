"""The findings readers: SARIF from several tools' shapes, bandit's JSON, flake8's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.errors import InputError
from gate.readers.findings import bandit, flake8, reader, sarif
from gate.severity import Level


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def log(*runs: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"version": "2.1.0", "runs": list(runs), **top}


#: zizmor's shape: keys sorted, so `results` comes before `tool`; severity and confidence in
#: tool-prefixed properties; no ruleIndex.
ZIZMOR = {
    "invocations": [{"executionSuccessful": True}],
    "results": [
        {"ruleId": "zizmor/template-injection", "level": "error",
         "message": {"text": "code injection via template expansion"},
         "properties": {"zizmor/confidence": "High", "zizmor/severity": "High"},
         "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": ".github/workflows/ci.yml"},
             "region": {"startLine": 7, "startColumn": 24, "snippet": {"text": "echo ${{ x }}"}}}}]},
        {"ruleId": "zizmor/artipacked", "level": "warning", "message": {"text": "credential\n  persistence"},
         "properties": {"zizmor/confidence": "Low", "zizmor/severity": "Medium"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": ".github/workflows/ci.yml"},
                                             "region": {"startLine": 6, "endLine": 6}}}]},
    ],
    "tool": {"driver": {"name": "zizmor",
                        "rules": [{"id": "zizmor/artipacked"}, {"id": "zizmor/template-injection"}]}},
}


def test_sarif_results_before_the_tool_are_resolved_when_the_run_ends(tmp_path: Path) -> None:
    report = sarif.read(write(tmp_path, "z.sarif", log(ZIZMOR)))
    assert report.tools == ("zizmor",)
    first, second = report.findings
    assert (first.tool, first.rule, first.path, first.line, first.column) == \
        ("zizmor", "zizmor/template-injection", ".github/workflows/ci.yml", 7, 24)
    assert (first.severity, first.confidence, first.snippet) == (Level.HIGH, Level.HIGH,
                                                                 "echo ${{ x }}")
    assert second.message == "credential persistence"
    assert (second.severity, second.confidence, second.end_line) == (Level.MEDIUM, Level.LOW, None)


def test_sarif_rules_by_index_default_levels_and_security_severity(tmp_path: Path) -> None:
    run = {
        "tool": {"driver": {"name": "CodeQL", "rules": [
            {"id": "py/weak-hash", "defaultConfiguration": {"level": "note"},
             "properties": {"security-severity": "7.5", "precision": "very-high"}},
            {"id": "py/unused-import", "defaultConfiguration": {"level": "note"}},
        ]}, "extensions": [{"name": "pack", "rules": [{"id": "x/y", "defaultConfiguration": {
            "level": "error"}}]}]},
        "artifacts": [{"location": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///work/repo/"}},
        "results": [
            {"ruleIndex": 0, "message": {"text": "weak"}, "locations": [{"physicalLocation": {
                "artifactLocation": {"index": 0}, "region": {"startLine": 3}}}]},
            {"ruleId": "py/unused-import", "message": {"text": "unused"},
             "locations": [{"physicalLocation": {"artifactLocation": {
                 "uri": "src/a%20b.py", "uriBaseId": "%SRCROOT%"}}}]},
            {"rule": {"id": "x/y", "index": 0, "toolComponent": {"index": 0}},
             "message": {"text": "ext"}},
            {"ruleId": "py/weak-hash", "kind": "pass", "message": {"text": "fine"}},
            {"ruleId": "py/weak-hash", "suppressions": [{"kind": "inSource"}],
             "message": {"text": "suppressed"}},
            {"ruleId": "py/weak-hash", "baselineState": "absent", "message": {"text": "gone"}},
        ],
    }
    weak, unused, ext = sarif.read(write(tmp_path, "q.sarif", log(run))).findings
    assert (weak.tool, weak.rule, weak.path, weak.line) == ("codeql", "py/weak-hash",
                                                            "src/app.py", 3)
    assert (weak.severity, weak.confidence) == (Level.HIGH, Level.HIGH)
    assert (unused.severity, unused.path) == (Level.LOW, "/work/repo/src/a b.py")
    assert (ext.rule, ext.severity, ext.path) == ("x/y", Level.HIGH, None)


def test_bandit_sarif_with_column_zero_and_issue_properties(tmp_path: Path) -> None:
    run = {"tool": {"driver": {"name": "Bandit", "rules": [
        {"id": "B602", "properties": {"precision": "high"}}]}},
        "results": [{"ruleId": "B602", "ruleIndex": 0, "level": "error",
                     "message": {"text": "shell"},
                     "properties": {"issue_severity": "HIGH", "issue_confidence": "MEDIUM"},
                     "locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": "pkg/x.py"},
                         "region": {"startLine": 4, "startColumn": 0, "endLine": 4}}}]}]}
    [found] = sarif.read(write(tmp_path, "b.sarif", log(run))).findings
    assert (found.tool, found.severity, found.confidence, found.column) == \
        ("bandit", Level.HIGH, Level.MEDIUM, None)


@pytest.mark.parametrize("document, message", [
    ({"runs": []}, "no `version`: not a SARIF log"),
    ({"version": "2.0.0", "runs": []}, "SARIF version '2.0.0': only 2.1.0 is read"),
    ({"version": "2.1.0"}, "no `runs`"),
    ([1, 2], "a SARIF log is a JSON object"),
    (log({"results": []}), "run 1 names no tool"),
    (log({"tool": {"driver": {"name": "t"}}, "results": [{"message": {"text": "x"}}]}),
     "a result names no rule"),
    (log({"tool": {"driver": {"name": "t"}}, "results": [{"ruleIndex": 3}]}),
     "ruleIndex 3 names no rule"),
    (log({"tool": {"driver": {"name": "t"}}, "results": [{"ruleId": "r", "level": "fatal"}]}),
     "unknown level 'fatal'"),
    (log({"tool": {"driver": {"name": "t"}}, "results": {}}), "`results` must be an array"),
])
def test_sarif_that_is_not_usable_names_the_file(tmp_path: Path, document: Any,
                                                 message: str) -> None:
    path = write(tmp_path, "bad.sarif", document)
    with pytest.raises(InputError) as caught:
        sarif.read(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_a_run_that_says_it_failed_is_refused(tmp_path: Path) -> None:
    run = {"tool": {"driver": {"name": "semgrep"}}, "results": [],
           "invocations": [{"executionSuccessful": False}]}
    with pytest.raises(InputError, match="run 1 \\(semgrep\\) says the tool's execution failed"):
        sarif.read(write(tmp_path, "s.sarif", log(run)))


def test_sarif_results_null_and_no_results_read_as_none(tmp_path: Path) -> None:
    run = {"tool": {"driver": {"name": "Semgrep OSS"}}, "results": None}
    report = sarif.read(write(tmp_path, "s.sarif", log(run)))
    assert (report.tools, report.findings) == (("semgrep-oss",), ())


BANDIT = {
    "errors": [{"filename": "pkg/broken.py", "reason": "syntax error while parsing AST"}],
    "generated_at": "2026-11-21T10:00:00Z",
    "metrics": {"_totals": {"loc": 10}, "pkg/x.py": {"loc": 10}},
    "results": [{
        "code": "6 def sign(key, data):\n7     return hashlib.sha1(key + data).hexdigest()\n",
        "col_offset": 11, "end_col_offset": 35, "filename": "pkg/x.py",
        "issue_confidence": "HIGH", "issue_cwe": {"id": 327, "link": "https://cwe"},
        "issue_severity": "HIGH", "issue_text": "Use of weak SHA1 hash for security.",
        "line_number": 7, "line_range": [7], "more_info": "https://bandit", "test_id": "B324",
        "test_name": "hashlib"}, {
        "code": "13     except Exception:\n14         pass\n", "col_offset": 4,
        "filename": "pkg/x.py", "issue_confidence": "HIGH", "issue_severity": "LOW",
        "issue_text": "Try, Except, Pass detected.", "line_number": 13, "line_range": [13, 14],
        "test_id": "B110"}],
}


def test_bandit_json(tmp_path: Path) -> None:
    report = bandit.read(write(tmp_path, "bandit.json", BANDIT))
    weak, bare = report.findings
    assert (weak.rule, weak.path, weak.line, weak.column, weak.snippet) == \
        ("B324", "pkg/x.py", 7, 12, "    return hashlib.sha1(key + data).hexdigest()")
    assert (weak.severity, weak.confidence) == (Level.HIGH, Level.HIGH)
    assert (bare.severity, bare.end_line) == (Level.LOW, 14)
    assert report.warnings == (f"{tmp_path / 'bandit.json'}: bandit could not scan 1 file(s), "
                               "so their findings are missing: pkg/broken.py: syntax error "
                               "while parsing AST",)


@pytest.mark.parametrize("document, message", [
    (log(ZIZMOR), "this is a SARIF log, not bandit's JSON"),
    ({"metrics": {}}, "no `results`: not a bandit JSON report"),
    ({"results": [{"test_id": "B1", "filename": "a.py", "line_number": 1,
                   "issue_severity": "SEVERE", "issue_confidence": "LOW"}]},
     "result 1 (B1): issue_severity: expected LOW, MEDIUM or HIGH, got 'SEVERE'"),
    ({"results": [{"filename": "a.py"}]}, "result 1 has no test_id"),
    ({"results": [{"test_id": "B1", "line_number": 1}]}, "result 1 (B1) has no filename"),
])
def test_bandit_json_that_is_not_usable(tmp_path: Path, document: Any, message: str) -> None:
    with pytest.raises(InputError, match="bandit report is not usable") as caught:
        bandit.read(write(tmp_path, "bandit.json", document))
    assert message in str(caught.value)


def test_flake8_default_format_with_colons_in_paths_and_messages(tmp_path: Path) -> None:
    text = ("pkg/__init__.py:3:1: F401 '.encoding.base64_decode' imported but unused\n"
            "\n"
            "C:/work/a:b.py:10:80: E501 line too long (101 > 79 characters)\n"
            "odd:1:2: name.py:7:5: E999 SyntaxError: invalid syntax: x:1:2: Y\n"
            "pkg/x.py:0:1: E902 FileNotFoundError: [Errno 2] No such file\r\n")
    found = flake8.read(write(tmp_path, "flake8.txt", text)).findings
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("pkg/__init__.py", 3, 1, "F401"), ("C:/work/a:b.py", 10, 80, "E501"),
        ("odd:1:2: name.py", 7, 5, "E999"), ("pkg/x.py", None, 1, "E902")]
    assert [f.severity for f in found] == [Level.MEDIUM, Level.MEDIUM, Level.HIGH, Level.HIGH]
    assert found[2].message == "SyntaxError: invalid syntax: x:1:2: Y"


def test_colours_flake8_wrote_with_force_color_are_read_through(tmp_path: Path) -> None:
    # What flake8 7 writes to --output-file when FORCE_COLOR=1 (seen in a CI run).
    text = ("\x1b[1m./noxfile.py\x1b[m\x1b[36m:\x1b[m7\x1b[36m:\x1b[m89\x1b[36m:\x1b[m "
            "\x1b[1m\x1b[31mE501\x1b[m line too long (90 > 88 characters)\n")
    [found] = flake8.read(write(tmp_path, "flake8.txt", text)).findings
    assert (found.path, found.line, found.column, found.rule, found.message) == (
        "./noxfile.py", 7, 89, "E501", "line too long (90 > 88 characters)")


def test_an_empty_flake8_file_is_a_clean_run(tmp_path: Path) -> None:
    report = flake8.read(write(tmp_path, "flake8.txt", ""))
    assert (report.tools, report.findings) == (("flake8",), ())


@pytest.mark.parametrize("text", [
    "pkg/x.py:3:1: F401 'x' imported but unused\n    import x\n    ^\n",
    "3     F401 'x' imported but unused\n",
])
def test_other_flake8_formats_are_refused_naming_the_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "flake8.txt", text)
    with pytest.raises(InputError, match="flake8 report is not flake8's default format") as caught:
        flake8.read(path)
    assert f"{path}: line {2 if text.startswith('pkg') else 1}:" in str(caught.value)


def test_a_row_number_thousands_of_digits_long_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 1: a row is 5,000 characters long"):
        flake8.read(write(tmp_path, "flake8.txt", f"a.py:{'9' * 5000}:1: E1 x\n"))


def test_a_huge_flake8_line_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flake8, "MAX_LINE", 100)
    with pytest.raises(InputError, match="line 1 is longer than"):
        flake8.read(write(tmp_path, "flake8.txt", "a" * 500))


@pytest.mark.parametrize("fmt", ["sarif", "bandit", "flake8"])
def test_every_reader_refuses_missing_files_and_folders(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(InputError, match="not found"):
        reader(fmt)(tmp_path / "missing")
    with pytest.raises(InputError, match="is a directory"):
        reader(fmt)(tmp_path)


def test_level_words() -> None:
    assert [Level.parse(w) for w in ("low", "Medium", "HIGH", "very-high", "critical", "note",
                                     "UNDEFINED", "severe")] == \
        [Level.LOW, Level.MEDIUM, Level.HIGH, Level.HIGH, Level.CRITICAL, Level.LOW, Level.LOW,
         None]
