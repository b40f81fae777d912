"""The package runs on every Python it claims (3.10 to 3.13), not only the one CI uses.

Python 3.11 added possessive quantifiers (`*+`, `++`) and atomic groups (`(?>...)`) to
`re`; on 3.10 a module compiling one fails to import. The suites run on 3.11 too, so a
check here finds such syntax in any compiled pattern the package holds, on any Python.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

import gate
from gate.readers.coverage import coveragejson, jacoco, lcov

PACKAGE = Path(gate.__file__).parent


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_templates" in path.parts:
            continue  # an adopter's noxfile, shipped as data
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue  # runs the CLI when imported
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _patterns(module: ModuleType) -> Iterator[tuple[str, re.Pattern[Any]]]:
    """The compiled patterns a module holds, alone or as a bound method (`re.compile(...).match`)."""
    for name, value in vars(module).items():
        target = getattr(value, "__self__", value)
        if isinstance(target, re.Pattern):
            yield f"{module.__name__}.{name}", target


def _opcodes(parsed: Any) -> Iterator[str]:
    """Every opcode name in a parsed pattern, nested ones included."""
    for op, argument in parsed:
        yield str(op)
        stack = [argument]
        while stack:
            item = stack.pop()
            if hasattr(item, "data") and hasattr(item, "state"):  # a SubPattern
                yield from _opcodes(item)
            elif isinstance(item, (list, tuple)):
                stack.extend(item)


@pytest.mark.parametrize("name", _module_names())
def test_every_module_imports_here(name: str) -> None:
    importlib.import_module(name)


def test_the_modules_are_found() -> None:
    names = _module_names()
    assert {"gate.cli", "gate.readers.coverage.jacoco", "gate.readers.coverage.lcov"} <= set(names)
    assert not any("_templates" in n or n.endswith("__main__") for n in names)


@pytest.mark.skipif(sys.version_info < (3, 11),
                    reason="3.10's re has no such syntax: test_every_module_imports_here fails")
def test_no_pattern_needs_python_3_11() -> None:
    from re import _parser  # type: ignore[attr-defined]  # 3.11+

    found: list[str] = []
    newer = {"POSSESSIVE_REPEAT", "ATOMIC_GROUP"}
    for name in _module_names():
        for where, pattern in _patterns(importlib.import_module(name)):
            found.append(where)
            used = newer & set(_opcodes(_parser.parse(pattern.pattern, pattern.flags)))
            assert not used, f"{where} uses {sorted(used)}, which Python 3.10 cannot compile"
    # The readers' bulk grammars are among those checked.
    assert {"gate.readers.coverage.jacoco._LINES", "gate.readers.coverage.lcov._OTHERS",
            "gate.readers.coverage.coveragejson._SKIP"} <= set(found)


def test_the_check_sees_possessive_syntax() -> None:
    """The opcode walk finds what it looks for, nested deep in a group (on 3.11+)."""
    if sys.version_info < (3, 11):
        with pytest.raises(re.error):
            re.compile("(?:a|b*+)c")
        return
    from re import _parser  # type: ignore[attr-defined]

    assert "POSSESSIVE_REPEAT" in set(_opcodes(_parser.parse("x(?:a|(b*+))c")))
    assert "ATOMIC_GROUP" in set(_opcodes(_parser.parse("x(?:a|((?>b)))c")))
    assert not {"POSSESSIVE_REPEAT", "ATOMIC_GROUP"} & set(_opcodes(_parser.parse("(?:a|b*)c")))


def test_a_skipped_string_cut_by_the_window_ends_the_run_quickly() -> None:
    """A string whose closing quote is not yet read stops the bulk skip before it.

    Without possessive quantifiers, a nested repetition (`(?:[^"]+|\\.)*"`) would try
    every split of the string before giving up: exponential in its length.
    """
    start = b'1, "done", [2, 3], "a\\"b", '
    cut = start + b'"' + b"x" * 200_000
    assert coveragejson._SKIP.match(cut).end() == len(start)  # type: ignore[union-attr]
    escaped = start + b'"' + b"\\n" * 100_000
    assert coveragejson._SKIP.match(escaped).end() == len(start)  # type: ignore[union-attr]
    assert coveragejson._FLAT.match(b"[1, 2" + b" " * 100_000) is None


def test_a_jacoco_value_cut_short_fails_without_backtracking_far() -> None:
    value = re.compile(jacoco._VALUE)
    assert value.fullmatch(b'"a &lt; b &amp;&amp; c"')
    assert value.match(b'"' + b"a&amp;" * 50_000) is None
    assert value.match(b'"a & b"') is None  # a bare ampersand is not JaCoCo's


def test_lcov_others_accept_only_whole_known_records() -> None:
    assert lcov._OTHERS.fullmatch(b"TN:\nFN:3,f\nFNDA:1,f\nLF:12\nLH:10\n")
    assert lcov._OTHERS.fullmatch(b"TN:x\nLF:12\r\n") is None
    assert lcov._OTHERS.fullmatch(b"FN:" + b"y" * 100_000) is None  # no newline: not whole
