"""Families may use the same settings key; their flags must not leak into each other."""

from __future__ import annotations

import argparse
from pathlib import Path

from gate.family import Family, Option, as_str


def _family(name: str, flags: tuple[str, ...]) -> Family:
    option = Option("files", "help", as_str, flags)
    return Family(name, name.title(), (option,), dict, lambda settings: [])


def test_a_flag_of_one_family_is_not_read_by_another_with_the_same_key() -> None:
    with_flag, settings_only = _family("alpha", ("--alpha-files",)), _family("beta", ())
    parser = argparse.ArgumentParser()
    with_flag.add_arguments(parser)
    settings_only.add_arguments(parser)
    args = parser.parse_args(["--alpha-files", "a.xml"])
    assert with_flag.values(args, None, "alpha", Path(".")) == {"files": "a.xml"}
    assert settings_only.values(args, None, "beta", Path(".")) == {}
