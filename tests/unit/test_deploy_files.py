"""Reading config and env files: every format, every way a file can be wrong, hostile YAML."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from gate.checks.deploy import files, yamlsafe
from gate.checks.deploy.files import Document, load
from gate.checks.deploy.issue import Issue, Place
from gate.errors import UsageError

SECRET = "Zr8vQ2mN5kL1pX7wT4yB9cF3hJ6dS0gA"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def loaded(tmp_path: Path, name: str, fmt: str, text: str | bytes) -> Document:
    document = load(write(tmp_path, name, text), fmt, name)
    assert isinstance(document, Document), document
    return document


def failed(tmp_path: Path, name: str, fmt: str, text: str | bytes) -> Issue:
    issue = load(write(tmp_path, name, text), fmt, name)
    assert isinstance(issue, Issue), issue
    assert SECRET not in issue.finding().message
    return issue


def test_toml(tmp_path: Path) -> None:
    doc = loaded(tmp_path, "c.toml", "toml", """\
        [redis]
        port = 6379
        """)
    assert doc.root == {"redis": {"port": 6379}} and doc.typed
    assert doc.place(("redis", "port")) == Place("c.toml", 2)
    assert doc.place(("redis", "nope")) == Place("c.toml", 1)
    assert doc.place(("nope",)) == Place("c.toml")


def test_yaml_with_anchors_merge_keys_and_lines(tmp_path: Path) -> None:
    doc = loaded(tmp_path, "v.yaml", "yaml", """\
        base: &base
          cpu: 1
          mem: 2
        web:
          <<: *base
          mem: 4
        on: yes
        when: 2024-01-01
        """)
    assert doc.root["web"] == {"mem": 4, "cpu": 1}
    assert doc.root["on"] is True  # YAML 1.1, as PyYAML reads it; the key keeps its text
    assert doc.place(("web", "mem")) == Place("v.yaml", 6)
    assert doc.place(("base", "cpu")) == Place("v.yaml", 2)


def test_yaml_documents_are_a_list(tmp_path: Path) -> None:
    doc = loaded(tmp_path, "k8s.yaml", "yaml", """\
        kind: ConfigMap
        ---
        kind: Secret
        data:
          token: abc
        """)
    assert doc.root == [{"kind": "ConfigMap"}, {"kind": "Secret", "data": {"token": "abc"}}]
    assert doc.place(("1", "data", "token")) == Place("k8s.yaml", 5)
    assert loaded(tmp_path, "empty.yaml", "yaml", "# nothing\n").root is None


def test_json(tmp_path: Path) -> None:
    doc = loaded(tmp_path, "c.json", "json", '{\n  "a": {"b": [1, 2]}\n}\n')
    assert doc.root == {"a": {"b": [1, 2]}}
    assert doc.place(("a", "b", "1")) == Place("c.json", 2)


def test_ini_keeps_default_as_a_table_and_inherits_on_lookup(tmp_path: Path) -> None:
    doc = loaded(tmp_path, "a.ini", "ini", """\
        [DEFAULT]
        Level = info
        [server]
        Port = 80
        url = %(host)s
        """)
    assert doc.root == {"DEFAULT": {"level": "info"}, "server": {"port": "80", "url": "%(host)s"}}
    assert not doc.typed
    assert doc.lookup(("server", "level")) == (True, "info")
    assert doc.lookup(("nope", "level")) == (False, None)
    assert doc.place(("server", "port")) == Place("a.ini", 4)


def test_dotenv(tmp_path: Path) -> None:
    doc = loaded(tmp_path, ".env", "dotenv", """\
        # comment
        export A=1
        B="two words"  # comment
        A=3
        FLAG
        """)
    assert doc.root == {"A": "3", "B": "two words"}
    assert doc.place(("A",)) == Place(".env", 4)


@pytest.mark.parametrize(("fmt", "text", "problem", "line"), [
    ("toml", f'a = "{SECRET}"\nb = = 1\n', "not valid TOML: Invalid value", 2),
    ("json", f'{{"a": "{SECRET}",\n "b": }}', "not valid JSON: Expecting value (column 7)", 2),
    ("json", f'{{"a": "{SECRET}", "a": 1}}', "not valid JSON: duplicate key 'a'", None),
    ("yaml", f"a: {SECRET}\nb: [1\n", "not valid YAML:", 3),
    ("yaml", f"a: {SECRET}\na: 2\n", "duplicate key 'a'", 2),
    ("yaml", "? [a, b]\n: c\n", "a key that is a list or a table is not supported", 1),
    ("yaml", "a: *nowhere\n", "found undefined alias", 1),
    ("yaml", "b: &b [1]\na:\n  <<: *b\n", "a merge key (<<) must refer to a table", 3),
    ("ini", f"password {SECRET}\n", "a key before any [section] header", 1),
    ("ini", f"[a]\nx = {SECRET}\nx = 2\n", "duplicate key 'x' in [a]", 3),
    ("ini", "[a]\n[a]\n", "duplicate section [a]", 2),
    ("ini", f"[a]\nx = 1\n{SECRET}\n", "cannot parse line 3", 3),
    ("dotenv", f'A={SECRET}\nB="unclosed\nC=1\n', "not valid dotenv: cannot parse line", 2),
])
def test_invalid_files_are_issues_that_never_quote_the_file(
        tmp_path: Path, fmt: str, text: str, problem: str, line: int | None) -> None:
    issue = failed(tmp_path, f"bad.{fmt}", fmt, text)
    assert issue.rule == "file-invalid"
    assert problem in issue.problem
    assert issue.place == Place(f"bad.{fmt}", line)


def test_missing_unreadable_and_odd_files(tmp_path: Path) -> None:
    assert load(tmp_path / "nope.toml", "toml", "nope.toml") == Issue(
        "file-missing", "", "not found", Place("nope.toml"))
    issue = load(tmp_path, "toml", "dir")
    assert isinstance(issue, Issue) and issue.rule == "file-missing"
    issue = failed(tmp_path, "latin.toml", "toml", b'a = 1\nb = "caf\xe9"\n')
    assert (issue.rule, issue.problem, issue.place.line) == ("file-invalid", "is not UTF-8 text", 2)
    assert loaded(tmp_path, "bom.json", "json", "\ufeff{}".encode()).root == {}


def test_files_larger_than_the_limit_are_refused_unread(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    issue = failed(tmp_path, "big.json", "json", "[" + "1," * 100 + "1]")
    assert issue.rule == "file-invalid" and "larger than" in issue.problem


@pytest.mark.parametrize(("fmt", "text"), [
    ("json", "[" * 100 + "]" * 100),
    ("toml", "a = " + "[" * 100 + "]" * 100),
    ("yaml", "a: " + "[" * 100 + "]" * 100),
])
def test_deep_nesting_is_unsafe(tmp_path: Path, fmt: str, text: str) -> None:
    issue = failed(tmp_path, f"deep.{fmt}", fmt, text)
    assert issue.rule == "file-unsafe" and "nested" in issue.problem


def test_json_deeper_than_the_parser_allows(tmp_path: Path) -> None:
    issue = failed(tmp_path, "deeper.json", "json", "[" * 100_000 + "]" * 100_000)
    assert issue.rule == "file-unsafe"


def test_huge_numbers_are_invalid_not_a_crash(tmp_path: Path) -> None:
    digits = "9" * 5000
    for fmt, text in (("json", f"[{digits}]"), ("toml", f"a = {digits}"),
                      ("yaml", f"a: {digits}")):
        assert failed(tmp_path, f"n.{fmt}", fmt, text).rule == "file-invalid"


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_bomb_is_rejected_within_its_budget(tmp_path: Path) -> None:
    started = time.perf_counter()
    issue = failed(tmp_path, "bomb.yaml", "yaml", BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    assert issue.rule == "file-unsafe"
    assert "through aliases" in issue.problem
    assert elapsed < 30  # a bounded-time guard: the full expansion would never end


def test_yaml_merge_key_bomb_is_rejected(tmp_path: Path) -> None:
    lines = ["l0: &l0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}"]
    for n in range(1, 9):
        refs = ", ".join(f"k{i}: *l{n - 1}" for i in range(9))
        lines.append(f"l{n}: &l{n} {{{refs}}}")
    issue = failed(tmp_path, "merge-bomb.yaml", "yaml", "\n".join(lines) + "\n")
    assert issue.rule == "file-unsafe"


def test_yaml_alias_that_contains_itself_is_rejected(tmp_path: Path) -> None:
    issue = failed(tmp_path, "loop.yaml", "yaml", "a: &a [1, *a]\n")
    assert issue.rule == "file-unsafe"


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['touch pwned']\n",
    "a: !!python/object:builtins.dict {x: 1}\n",
    "a: !!python/name:os.system ''\n",
    "a: !!python/object/new:subprocess.Popen [['touch', 'pwned']]\n",
    "a: !!python/tuple [1, 2]\n",
    "a: !Ref Something\n",
    "a: !!set {x, y}\n",
])
def test_yaml_tags_beyond_the_standard_ones_are_rejected(tmp_path: Path, text: str) -> None:
    issue = failed(tmp_path, "tags.yaml", "yaml", text)
    assert issue.rule == "file-unsafe"
    assert "is not allowed (safe loading only)" in issue.problem
    assert not (tmp_path / "pwned").exists()


def test_yaml_loader_budget_counts_every_expanded_node() -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    root, _ = yamlsafe.load(text)
    assert root == {"a": [1, 2, 3], "b": [[1, 2, 3]] * 3}
    with pytest.raises(yamlsafe.Rejected):
        yamlsafe.load(text, max_nodes=10)


def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    with pytest.raises(UsageError) as caught:
        load(write(tmp_path, "v.yaml", "a: 1\n"), "yaml", "v.yaml")
    assert str(caught.value) == ("reading v.yaml needs PyYAML, which is not installed "
                                 "(hint: pip install 'releasegate[deploy]')")
