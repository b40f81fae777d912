"""A streaming reader for SARIF 2.1.0 from any tool (zizmor, semgrep, CodeQL, bandit's formatter).

The log is walked with `gate.readers.jsonstream`: each result and each rule is
decoded on its own and reduced to what the gate needs, so memory follows the
number of findings, never the size of the file. The parts of a run may come
in any order (zizmor writes `results` before `tool`), so results are resolved
against their run's rules and artifacts once the run ends.

What a result becomes:

- the tool: the run's `tool.driver.name`, lower case, other characters as `-`;
- the rule: `ruleId`, else `rule.id`, else the id of the rule `ruleIndex` names;
- the severity: a `security-severity` score (result, then rule; as GitHub reads
  it: 9.0 and above critical, 7.0 high, 4.0 medium, below low), else the tool's
  own severity property (`issue_severity`, `<tool>/severity`), else the
  `level` (result, then the rule's `defaultConfiguration`; default `warning`):
  error high, warning medium, note and none low;
- the confidence: `precision`, `confidence`, `issue_confidence` or
  `<tool>/confidence` in the result's properties, then the rule's; else none;
- the place: the first location's `artifactLocation` (a `uri`, or an `index`
  into the run's `artifacts`), resolved against `uriBaseId` when the log says
  what that base is, and `region.startLine`.

Results whose `kind` says they are not problems (`pass`, `notApplicable`,
`informational`), that a tool marked suppressed, or whose `baselineState` is
`absent` are not findings. A run whose invocation says it failed
(`executionSuccessful: false`) makes the whole report unusable: it cannot be
trusted to hold every finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from gate.errors import InputError
from gate.inputs import open_input
from gate.readers.findings.model import Level, ScanFinding, ScanReport
from gate.readers.jsonstream import Malformed, Stream

WHAT = "SARIF report"
HINT = "write one with the tool's SARIF output (bandit -f sarif, zizmor --format sarif, " \
       "semgrep --sarif)"
DIRECTORY_HINT = "pass the .sarif file the tool wrote"
NOT_PROBLEMS = frozenset(("pass", "notApplicable", "informational"))
LEVELS = {"error": Level.HIGH, "warning": Level.MEDIUM, "note": Level.LOW, "none": Level.LOW}
TOOL_NAME = re.compile(r"[^a-z0-9]+")
#: What is kept of a result's message and quoted line: enough to show and to fingerprint.
MESSAGE_KEPT = 1000
SNIPPET_KEPT = 400


class _Bad(Exception):
    """A value inside the log that SARIF does not allow; becomes an InputError."""


def tool_slug(name: str) -> str:
    """`Semgrep OSS` -> `semgrep-oss`: how the gate names a tool in ids and settings."""
    return TOOL_NAME.sub("-", name.lower()).strip("-")


@dataclass
class _Rule:
    id: str
    level: str | None = None
    severity: Level | None = None
    confidence: Level | None = None


@dataclass
class _Run:
    tool: str = ""
    rules: list[_Rule] = field(default_factory=list)
    extensions: list[list[_Rule]] = field(default_factory=list)
    artifacts: list[str | None] = field(default_factory=list)
    bases: dict[str, str] = field(default_factory=dict)
    results: list[_Result] = field(default_factory=list)
    failed: bool = False


def read(path: Path) -> ScanReport:
    """Read a SARIF 2.1.0 log; raises InputError naming the file when it is not one."""
    handle = open_input(path, WHAT, HINT, DIRECTORY_HINT)
    try:
        with handle:
            runs, warnings = _read_log(Stream(handle))
    except Malformed as exc:
        raise InputError(f"{WHAT} is not valid JSON: {path}: {exc}", HINT) from None
    except _Bad as exc:
        raise InputError(f"{WHAT} is not usable: {path}: {exc}", HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read {WHAT} {path}: {exc.strerror or exc}") from None
    findings: list[ScanFinding] = []
    for number, run in enumerate(runs, 1):
        if run.failed:
            raise InputError(f"{WHAT} is not usable: {path}: run {number} ({run.tool}) says the "
                             "tool's execution failed, so its results may be incomplete",
                             "fix the scan, then write the report again")
        try:
            findings.extend(_finding(run, result) for result in run.results)
        except _Bad as exc:
            raise InputError(f"{WHAT} is not usable: {path}: run {number}: {exc}", HINT) from None
    tools = tuple(dict.fromkeys(run.tool for run in runs))
    return ScanReport(str(path), "sarif", tools, tuple(findings), tuple(warnings))


def _read_log(stream: Stream) -> tuple[list[_Run], list[str]]:
    if stream.kind() != "object":
        raise _Bad("a SARIF log is a JSON object with `version` and `runs`")
    version: Any = None
    runs: list[_Run] | None = None
    for key in stream.members():
        if key == "version":
            version = stream.value()
        elif key == "runs":
            if stream.kind() != "array":
                raise _Bad("`runs` must be an array")
            runs = [_read_run(stream, index) for index in stream.elements()]
    stream.finish()
    if version != "2.1.0":
        if version is None:
            raise _Bad("no `version`: not a SARIF log (is it another tool's JSON?)")
        raise _Bad(f"SARIF version {version!r}: only 2.1.0 is read")
    if runs is None:
        raise _Bad("no `runs`")
    return runs, []


def _read_run(stream: Stream, index: int) -> _Run:
    run = _Run()
    shared: dict[str, str] = {}

    def keep(text: str) -> str:
        return shared.setdefault(text, text)

    if stream.kind() != "object":
        raise _Bad(f"run {index + 1} is not an object")
    for key in stream.members():
        if key == "tool":
            _read_tool(stream, run)
        elif key == "results":
            if stream.kind() == "literal":  # null: the tool did not run to the results
                stream.value()
                continue
            _array(stream, "results")
            for _ in stream.elements():
                result = stream.value()
                if not isinstance(result, dict):
                    raise _Bad(f"run {index + 1}: a result is not an object")
                kept = _reduce(result, keep)
                if kept is not None:
                    run.results.append(kept)
        elif key == "artifacts":
            _array(stream, "artifacts")
            for _ in stream.elements():
                artifact = stream.value()
                location = artifact.get("location") if isinstance(artifact, dict) else None
                uri = location.get("uri") if isinstance(location, dict) else None
                run.artifacts.append(uri if isinstance(uri, str) else None)
        elif key == "originalUriBaseIds":
            bases = stream.value()
            if isinstance(bases, dict):
                for name, where in bases.items():
                    uri = where.get("uri") if isinstance(where, dict) else None
                    if isinstance(uri, str):
                        run.bases[name] = uri
        elif key == "invocations":
            invocations = stream.value()
            if isinstance(invocations, list):
                run.failed = any(isinstance(i, dict) and i.get("executionSuccessful") is False
                                 for i in invocations)
    if not run.tool:
        raise _Bad(f"run {index + 1} names no tool (`tool.driver.name`)")
    return run


def _array(stream: Stream, name: str) -> None:
    if stream.kind() != "array":
        raise _Bad(f"`{name}` must be an array")


def _read_tool(stream: Stream, run: _Run) -> None:
    if stream.kind() != "object":
        raise _Bad("`tool` must be an object")
    for key in stream.members():
        if key == "driver":
            name, run.rules = _read_component(stream)
            run.tool = tool_slug(name) if isinstance(name, str) else ""
        elif key == "extensions":
            _array(stream, "tool.extensions")
            for _ in stream.elements():
                run.extensions.append(_read_component(stream)[1])


def _read_component(stream: Stream) -> tuple[Any, list[_Rule]]:
    if stream.kind() != "object":
        raise _Bad("a tool component must be an object")
    name: Any = None
    rules: list[_Rule] = []
    for key in stream.members():
        if key == "name":
            name = stream.value()
        elif key == "rules":
            _array(stream, "rules")
            for _ in stream.elements():
                rules.append(_rule(stream.value()))
    return name, rules


def _rule(raw: Any) -> _Rule:
    if not isinstance(raw, dict):
        return _Rule("")
    config = raw.get("defaultConfiguration")
    level = config.get("level") if isinstance(config, dict) else None
    props = raw.get("properties")
    props = props if isinstance(props, dict) else {}
    return _Rule(str(raw.get("id") or ""), level if isinstance(level, str) else None,
                 _severity_of(props), _confidence_of(props))


@dataclass(frozen=True)
class _Result:
    """What the gate keeps of a result until its run's rules are known: a few short fields."""

    rule_id: str | None
    rule_index: int | None
    component: int | None
    level: str | None
    message: str | None
    severity: Level | None
    confidence: Level | None
    uri: str | None
    base: str | None
    artifact: int | None
    line: int | None
    column: int | None
    end_line: int | None
    snippet: str | None


def _reduce(result: dict[str, Any], keep: Callable[[str], str]) -> _Result | None:
    """The few fields of a result the gate uses (the rest is dropped at once).

    `keep` shares equal strings (paths, messages repeat across results).
    """
    kind = result.get("kind", "fail")
    if kind in NOT_PROBLEMS or result.get("baselineState") == "absent":
        return None
    suppressions = result.get("suppressions")
    if isinstance(suppressions, list) and any(
            isinstance(s, dict) and s.get("status", "accepted") == "accepted"
            for s in suppressions):
        return None
    rule_id = result.get("ruleId")
    index = result.get("ruleIndex")
    component = None
    ref = result.get("rule")
    if isinstance(ref, dict):
        if not isinstance(rule_id, str) and isinstance(ref.get("id"), str):
            rule_id = ref["id"]
        index = ref.get("index", index)
        tool_component = ref.get("toolComponent")
        if isinstance(tool_component, dict) and _index(tool_component.get("index")) is not None:
            component = tool_component["index"]
    message = result.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    props = result.get("properties")
    props = props if isinstance(props, dict) else {}
    level = result.get("level")
    uri = base = snippet = None
    artifact = line = column = end_line = None
    locations = result.get("locations")
    physical = locations[0].get("physicalLocation") if isinstance(locations, list) and \
        locations and isinstance(locations[0], dict) else None
    if isinstance(physical, dict):
        where = physical.get("artifactLocation")
        if isinstance(where, dict):
            uri = where.get("uri") if isinstance(where.get("uri"), str) else None
            base = where.get("uriBaseId") if isinstance(where.get("uriBaseId"), str) else None
            artifact = _index(where.get("index"))
        region = physical.get("region")
        if isinstance(region, dict):
            line, column = _positive(region.get("startLine")), _positive(region.get("startColumn"))
            end_line = _positive(region.get("endLine"))
            quoted = region.get("snippet")
            if isinstance(quoted, dict) and isinstance(quoted.get("text"), str):
                snippet = quoted["text"].split("\n", 1)[0][:SNIPPET_KEPT]
    return _Result(
        keep(rule_id) if isinstance(rule_id, str) else None, _index(index), component,
        level if isinstance(level, str) else None,
        keep(" ".join(text.split())[:MESSAGE_KEPT]) if isinstance(text, str) else None,
        _severity_of(props), _confidence_of(props), keep(uri) if uri else None, base, artifact,
        line, column, end_line, snippet)


def _index(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None


def _severity_of(props: dict[str, Any]) -> Level | None:
    score = props.get("security-severity")
    if score is not None:
        try:
            value = float(score)
        except (TypeError, ValueError):
            value = -1.0
        if 0 <= value <= 10:
            return (Level.CRITICAL if value >= 9 else Level.HIGH if value >= 7
                    else Level.MEDIUM if value >= 4 else Level.LOW)
    for key, value in props.items():
        if isinstance(value, str) and (key == "issue_severity" or key.endswith("/severity")):
            found = Level.parse(value)
            if found is not None:
                return found
    return None


def _confidence_of(props: dict[str, Any]) -> Level | None:
    for key, value in props.items():
        if isinstance(value, str) and (key in ("precision", "confidence", "issue_confidence")
                                       or key.endswith("/confidence")):
            found = Level.parse(value)
            if found is not None:
                return found
    return None


def _finding(run: _Run, result: _Result) -> ScanFinding:
    rule = _rule_of(run, result)
    rule_id = result.rule_id or (rule.id if rule is not None else "")
    if not rule_id:
        raise _Bad("a result names no rule (ruleId, rule.id or ruleIndex)")
    severity = result.severity or (rule.severity if rule else None)
    if severity is None:
        level = result.level or (rule.level if rule and rule.level else "warning")
        if level not in LEVELS:
            raise _Bad(f"result of rule {rule_id}: unknown level {level!r}")
        severity = LEVELS[level]
    confidence = result.confidence or (rule.confidence if rule else None)
    uri = result.uri
    if uri is None and result.artifact is not None and result.artifact < len(run.artifacts):
        uri = run.artifacts[result.artifact]
    path = _path(uri, result.base, run.bases) if uri else None
    end_line = result.end_line
    if end_line is not None and (result.line is None or end_line <= result.line):
        end_line = None
    return ScanFinding(run.tool, rule_id, result.message or rule_id, severity, path,
                       result.line, result.column, end_line, confidence, result.snippet)


def _rule_of(run: _Run, result: _Result) -> _Rule | None:
    rules = run.rules
    if result.component is not None:
        rules = run.extensions[result.component] if result.component < len(run.extensions) \
            else []
    if result.rule_index is not None:
        if result.rule_index >= len(rules):
            raise _Bad(f"ruleIndex {result.rule_index} names no rule ({len(rules)} rules)")
        return rules[result.rule_index]
    if result.rule_id is not None:
        for known in (run.rules, *run.extensions):
            for rule in known:
                if rule.id == result.rule_id:
                    return rule
    return None


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _path(uri: str, base_id: str | None, bases: dict[str, str]) -> str:
    """A file path from a URI: `file:` URIs and `%SRCROOT%`-style bases resolved when known."""
    if isinstance(base_id, str) and base_id in bases and not urlsplit(uri).scheme:
        base = bases[base_id]
        uri = base.rstrip("/") + "/" + uri if base else uri
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return unquote(parts.path)
    if parts.scheme and len(parts.scheme) > 1:  # another scheme: keep it as it is written
        return uri
    return unquote(uri)
