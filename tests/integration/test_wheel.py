"""The built wheel carries the templates `gate init` writes, and the JSON report's schema,
byte for byte."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.childenv import child_env
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_the_wheel_ships_every_template(tmp_path: Path) -> None:
    # uv (a test dependency) builds it: nox's uv-made venvs have no pip.
    built = subprocess.run(
        [sys.executable, "-m", "uv", "build", "--wheel", "-q", "-o", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, env=child_env(nested=True), check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("releasegate-*.whl")
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
