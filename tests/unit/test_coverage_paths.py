"""Mapping report file names to repository paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.coverage.paths import PathMap, PathMapper, parse_path_map
from gate.errors import UsageError

ROOT = "/work/repo"
FLAT = {"pkg/__init__.py", "pkg/mod.py", "tests/test_mod.py", "__init__.py"}
SRC = {"src/pkg/__init__.py", "src/pkg/mod.py", "tests/test_mod.py"}


def mapper(known: set[str], sources: tuple[str, ...] = (), maps: tuple[str, ...] = (),
           cwd: str = ROOT, root: str = ROOT) -> PathMapper:
    parsed = [parse_path_map(m, "--path-map") for m in maps]
    return PathMapper(root, cwd, sources, parsed, known)


@pytest.mark.parametrize(("known", "sources", "name", "path"), [
    # coverage.py 7: names relative to the folder it ran in, that folder as <source>
    (FLAT, (ROOT,), "pkg/mod.py", "pkg/mod.py"),
    (SRC, (ROOT,), "src/pkg/mod.py", "src/pkg/mod.py"),
    # relative_files = true: an empty or relative <source>
    (FLAT, ("",), "pkg/mod.py", "pkg/mod.py"),
    (SRC, ("src",), "pkg/mod.py", "src/pkg/mod.py"),
    # older coverage.py and pytest-cov: names relative to the package folder
    (FLAT, (ROOT + "/pkg",), "mod.py", "pkg/mod.py"),
    (FLAT, (ROOT + "/pkg",), "__init__.py", "pkg/__init__.py"),
    (SRC, (ROOT + "/src/pkg",), "mod.py", "src/pkg/mod.py"),
    # src layout, names relative to the package root without saying so
    (SRC, (), "pkg/mod.py", "src/pkg/mod.py"),
    # absolute names
    (FLAT, (), ROOT + "/pkg/mod.py", "pkg/mod.py"),
    (SRC, (), ROOT + "/src/pkg/mod.py", "src/pkg/mod.py"),
    # made elsewhere: a container, an installed package, Windows
    (FLAT, ("/app",), "pkg/mod.py", "pkg/mod.py"),
    (FLAT, (), "/app/pkg/mod.py", "pkg/mod.py"),
    (SRC, ("/venv/lib/python3.12/site-packages",), "pkg/mod.py", "src/pkg/mod.py"),
    (SRC, (), "/venv/lib/python3.12/site-packages/pkg/mod.py", "src/pkg/mod.py"),
    (FLAT, (), "C:\\work\\repo\\pkg\\mod.py", "pkg/mod.py"),
    (FLAT, ("C:\\ci\\src",), "pkg\\mod.py", "pkg/mod.py"),
    # not a file of this repository
    (FLAT, (ROOT,), "other/thing.py", None),
    (FLAT, (), "/usr/lib/python3/json.py", None),
])
def test_common_layouts_need_no_configuration(known, sources, name, path) -> None:
    assert mapper(known, sources).repo_path(name) == path


def test_sources_win_over_a_bare_name() -> None:
    """`__init__.py` under <source>/pkg is pkg/__init__.py, though __init__.py exists too."""
    assert mapper(FLAT, (ROOT + "/pkg",)).repo_path("__init__.py") == "pkg/__init__.py"
    assert mapper(FLAT, (ROOT,)).repo_path("__init__.py") == "__init__.py"


def test_the_longest_tail_wins() -> None:
    known = {"pkg/mod.py", "mod.py"}
    assert mapper(known).repo_path("/elsewhere/pkg/mod.py") == "pkg/mod.py"


def test_names_relative_to_a_subfolder_cwd() -> None:
    sub = mapper(FLAT, ("",), cwd=ROOT + "/tests")
    assert sub.repo_path("test_mod.py") == "tests/test_mod.py"
    assert sub.repo_path("../pkg/mod.py") == "pkg/mod.py"


def test_path_map_comes_first() -> None:
    known = FLAT | {"vendored/pkg/mod.py"}
    plain = mapper(known, (ROOT,))
    assert plain.repo_path("pkg/mod.py") == "pkg/mod.py"
    mapped = mapper(known, (ROOT,), maps=("pkg/=vendored/pkg/",))
    assert mapped.repo_path("pkg/mod.py") == "vendored/pkg/mod.py"
    absolute = mapper(known, ("/build/x",), maps=("/build/x=" + ROOT + "/vendored",))
    assert absolute.repo_path("pkg/mod.py") == "vendored/pkg/mod.py"
    strip = mapper(FLAT, ("/build/x",), maps=("/build/x/lib=",))
    assert strip.repo_path("lib/pkg/mod.py") == "pkg/mod.py"


def test_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "pkg").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    through_link = mapper({"pkg/mod.py"}, root=str(real), cwd=str(real))
    assert through_link.repo_path(str(tmp_path / "link" / "pkg" / "mod.py")) == "pkg/mod.py"


@pytest.mark.parametrize(("source", "target", "name", "result"), [
    ("/app", "", "/app/pkg/mod.py", "pkg/mod.py"),
    ("/app/", "", "/app/pkg/mod.py", "pkg/mod.py"),
    ("/app", "src", "/app/pkg/mod.py", "src/pkg/mod.py"),
    ("/app", "src", "/application/pkg/mod.py", None),  # a prefix of a folder name is not one
    ("pkg", "lib", "pkg", "lib"),
    ("pkg/", "lib/", "pkg/mod.py", "lib/mod.py"),
])
def test_path_map_prefix(source: str, target: str, name: str, result: str | None) -> None:
    assert PathMap(source, target).apply(name) == result


@pytest.mark.parametrize("text", ["nomap", "=to", ""])
def test_bad_path_maps(text: str) -> None:
    with pytest.raises(UsageError, match="expected FROM=TO"):
        parse_path_map(text, "--path-map")


def test_path_map_parsing_splits_at_the_first_equals_sign() -> None:
    assert parse_path_map("a=b=c", "x") == PathMap("a", "b=c")
    assert parse_path_map("C:\\ci\\=", "x") == PathMap("C:/ci/", "")
