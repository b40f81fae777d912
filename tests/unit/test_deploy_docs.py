"""docs/deploy.md lists every rule id, setting, flag, type, format and watched variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gate.checks.deploy import FAMILY
from gate.checks.deploy.catalog import RULES
from gate.checks.deploy.entries import WATCHED
from gate.checks.deploy.settings import FORMATS, TYPES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()


def table_rows(heading: str) -> dict[str, list[str]]:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([^`]+)`", cells[0])
        if line.startswith("|") and match:
            rows[match.group(1)] = cells[1:]
    return rows


def test_every_rule_is_in_the_rules_table_with_its_check_and_ignorability() -> None:
    rows = table_rows("Rules")
    assert list(rows) == [rule.id for rule in RULES]
    for rule in RULES:
        check, ignorable, _ = rows[rule.id]
        assert f"`{rule.check}`" in check
        assert ignorable == ("yes" if rule.ignorable else "no")


@pytest.mark.parametrize("option", FAMILY.options, ids=lambda o: o.key)
def test_every_setting_and_flag_is_documented(option) -> None:  # type: ignore[no-untyped-def]
    row = table_rows("Settings and flags")[option.key]
    for flag in option.flags:
        assert f"`{flag}" in row[0]


def test_every_type_format_and_watched_variable_is_documented() -> None:
    types = table_rows("Config files")
    assert all(f"| `{t}` |" in DOC for t in TYPES) and "format" in types
    assert all(f"`{f}`" in DOC for f in FORMATS)
    assert all(f"`{name}`" in DOC for name in WATCHED)
