"""Finding and reading the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate import config
from gate.errors import InputError, UsageError


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_tool_gate_is_found(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[project]\nname='x'\n[tool.gate.coverage]\nmin = 0.8\n")
    _write(tmp_path / "gate.toml", "[coverage]\nmin = 0.1\n")
    settings = config.load(None, tmp_path)
    assert settings.tables == {"coverage": {"min": 0.8}}
    assert settings.source == (tmp_path / "pyproject.toml").resolve()
    assert settings.base == tmp_path.resolve()
    assert settings.where("coverage") == "pyproject.toml: tool.gate.coverage"


def test_gate_toml_when_pyproject_has_no_tool_gate(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    _write(tmp_path / "gate.toml", "[coverage]\nmin = '80%'\n")
    settings = config.load(None, tmp_path)
    assert settings.tables == {"coverage": {"min": "80%"}}
    assert settings.where("coverage") == "gate.toml: coverage"


def test_no_settings_at_all(tmp_path: Path) -> None:
    settings = config.load(None, tmp_path)
    assert settings.tables == {} and settings.source is None
    assert settings.base == Path.cwd()


def test_explicit_file_wins_over_discovery(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.gate.coverage]\nmin = 0.8\n")
    other = _write(tmp_path / "ci.toml", "[coverage]\nmin = 0.5\n")
    assert config.load(other, tmp_path).tables == {"coverage": {"min": 0.5}}


def test_explicit_pyproject_needs_tool_gate(tmp_path: Path) -> None:
    path = _write(tmp_path / "pyproject.toml", "[tool.other]\n")
    with pytest.raises(UsageError, match=r"no \[tool.gate\] table"):
        config.load(path, tmp_path)
    path.write_text("[tool.gate.coverage]\nmin = 1\n")
    assert config.load(path, tmp_path).prefix == "tool.gate."


def test_tool_gate_must_be_a_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool]\ngate = 3\n")
    with pytest.raises(UsageError, match="tool.gate must be a table"):
        config.load(None, tmp_path)


@pytest.mark.parametrize(("content", "problem"), [
    (b"[coverage\nmin = 0.8\n", "settings file is not valid TOML"),
    (b"min = 0.8\nmin = 0.9\n", "settings file is not valid TOML"),
    (b"\xff\xfe[coverage]\n", "settings file is not"),
])
def test_bad_settings_files_name_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "gate.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        config.load(path, tmp_path)
    assert problem in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_and_directory_settings(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="settings file not found: .*nope.toml"):
        config.load(tmp_path / "nope.toml", tmp_path)
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(InputError, match="settings file is a directory"):
        config.load(tmp_path / "dir.toml", tmp_path)
