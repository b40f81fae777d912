"""A family's options give flags, settings keys and their merging: flags win."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from gate.checks.coverage import FAMILY
from gate.errors import UsageError
from gate.family import Origin, as_bool, as_int, as_path, as_paths, as_seconds, as_str, as_strs

ORIGIN = Origin("coverage.x", Path("/base"))


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    FAMILY.add_arguments(parser)
    return parser.parse_args(argv)


def test_flags_beat_settings(tmp_path: Path) -> None:
    values = FAMILY.values(_args("--min-coverage", "90%"), {"min": 0.5, "min-file": "10%"},
                           "pyproject.toml: tool.gate.coverage", tmp_path)
    assert str(values["min"]) == "9/10" and str(values["min-file"]) == "1/10"


def test_settings_paths_resolve_against_the_settings_folder(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    values = FAMILY.values(_args(), {"files": ["reports/c.xml"]}, "gate.toml: coverage",
                           tmp_path / "conf")
    assert values["files"] == (tmp_path / "conf" / "reports/c.xml",)
    values = FAMILY.values(_args("--coverage-file", "a.xml", "--coverage-file", "b.xml"),
                           {"files": ["reports/c.xml"]}, "gate.toml: coverage", tmp_path / "conf")
    assert values["files"] == (tmp_path / "a.xml", tmp_path / "b.xml")


def test_unknown_key_is_an_error_naming_it() -> None:
    with pytest.raises(UsageError) as caught:
        FAMILY.values(_args(), {"min": 0.8, "min-branches": 0.5}, "pyproject.toml: tool.gate"
                      ".coverage", Path("."))
    assert str(caught.value).startswith(
        "pyproject.toml: tool.gate.coverage: unknown key 'min-branches'")
    assert "min-branch" in (caught.value.hint or "")


def test_table_shapes_are_checked() -> None:
    with pytest.raises(UsageError, match="expected a table, got int"):
        FAMILY.values(_args(), 3, "gate.toml: coverage", Path("."))
    with pytest.raises(UsageError, match=r"coverage.include: expected a list"):
        FAMILY.values(_args(), {"include": "src/*"}, "gate.toml: coverage", Path("."))
    with pytest.raises(UsageError, match=r"coverage.min: .* above 1"):
        FAMILY.values(_args(), {"min": 80}, "gate.toml: coverage", Path("."))


def test_converters() -> None:
    assert as_str("x", ORIGIN) == "x"
    assert as_strs(["a", "b"], ORIGIN) == ("a", "b")
    assert as_path("a.xml", ORIGIN) == Path("/base/a.xml")
    assert as_paths(["a", "/abs"], ORIGIN) == (Path("/base/a"), Path("/abs"))
    assert as_bool(True, ORIGIN) is True and as_bool("No", ORIGIN) is False
    assert as_bool("on", ORIGIN) is True
    assert as_int("7", ORIGIN) == 7 and as_int(0, ORIGIN) == 0
    assert as_seconds("2.5", ORIGIN) == 2.5


@pytest.mark.parametrize(("convert", "raw", "problem"), [
    (as_str, 5, "expected a string, got int"),
    (as_strs, ["a", 1], "expected a string, got int"),
    (as_bool, "maybe", "expected true or false"),
    (as_int, "x", "expected a whole number"),
    (as_int, True, "expected a whole number"),
    (as_int, -1, "must be at least 0"),
    (as_seconds, "soon", "expected a number of seconds"),
    (as_seconds, False, "expected a number of seconds"),
    (as_seconds, 0, "must be a positive number of seconds"),
    (as_seconds, "nan", "must be a positive number of seconds"),
    (as_seconds, "inf", "must be a positive number of seconds"),
])
def test_converter_errors_name_the_setting(convert, raw: object, problem: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as caught:
        convert(raw, ORIGIN)
    assert str(caught.value).startswith("coverage.x: ") and problem in str(caught.value)
