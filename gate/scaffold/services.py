"""Whether a project's tests talk to a database, from the settings files they read.

Tests that share one database cannot run in parallel, and CI has to be given its
address. `gate init` cannot know a project's settings loader, so it looks where such
settings live: dotenv files (`.env`, `.env.test`, `.env.example`...) in the project and
the repository root, and the tests' own configuration (`tests/conftest.py`, pytest's
settings). A variable that names a database (`DATABASE_URL`, `POSTGRES_SERVER`...) or a
database URL is the sign; it is reported with where it was seen, never its value.
"""

from __future__ import annotations

import re
from pathlib import Path

ENV_FILES = (".env", ".env.test", ".env.testing", ".env.ci", ".env.example", ".env.sample")
TEST_FILES = ("tests/conftest.py", "test/conftest.py", "conftest.py", "pytest.ini", "tox.ini",
              "setup.cfg", "pyproject.toml")
NAME = re.compile(r"^\s*(?:export\s+)?((?:[A-Z0-9_]*_)?(?:DATABASE_URL|DATABASE_URI|DB_URL|"
                  r"SQLALCHEMY_DATABASE_URI|POSTGRES_(?:SERVER|HOST|DB)|MYSQL_(?:HOST|DATABASE)|"
                  r"PGHOST|PGDATABASE))\s*=", re.MULTILINE)
URL = re.compile(r"\b(postgres(?:ql)?|mysql|mariadb)(?:\+\w+)?://", re.IGNORECASE)
MAX_BYTES = 1 << 20


def database_hint(root: Path, directory: Path) -> str | None:
    """`.env: POSTGRES_SERVER` (where a database setting was seen), or None."""
    for folder in dict.fromkeys((directory, root)):
        for name in ENV_FILES:
            found = _scan(folder / name, names_only=False)
            if found:
                return f"{_shown(folder / name, root)}: {found}"
    for name in TEST_FILES:
        found = _scan(directory / name, names_only=False)
        if found:
            return f"{_shown(directory / name, root)}: {found}"
    return None


def _scan(path: Path, names_only: bool) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    name = NAME.search(text)
    if name:
        return name.group(1)
    url = None if names_only else URL.search(text)
    return f"a {url.group(1).lower()}:// URL" if url else None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
