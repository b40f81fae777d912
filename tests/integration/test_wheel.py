"""The built wheel carries the templates `gate init` writes, and the JSON report's schema,
byte for byte."""

from __future__ import annotations

import zipfile

import pytest

from tests.conftest import ROOT
from tests.wheel import checkout_wheel

pytestmark = pytest.mark.integration


def test_the_wheel_ships_every_template() -> None:
    wheel = checkout_wheel()
    templates = ROOT / "templates"
    expected = {f"gate/_templates/{p.relative_to(templates).as_posix()}": p.read_bytes()
                for p in templates.rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist()
                   if name.startswith("gate/_templates/")}
    assert shipped == expected
    assert "gate/_templates/github/workflows/ci.yml" in shipped
    # The JSON report's schema (docs/report-schema.md) is package data too.
    schema = ROOT / "gate" / "report" / "schema" / "report-v1.json"
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("gate/report/schema/report-v1.json") == schema.read_bytes()
