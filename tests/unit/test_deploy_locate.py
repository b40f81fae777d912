"""Lines of key paths for TOML, JSON and INI (hints for annotations)."""

from __future__ import annotations

import json
import textwrap

from gate.checks.deploy.locate import ini_lines, json_lines, toml_lines


def test_toml_lines() -> None:
    text = textwrap.dedent('''\
        title = "x"
        [app]
        name = "shop"  # comment
        "quoted.key" = 1
        db.host = "h"
        notes = """
        not = a key
        """
        hosts = [
          "a",
          { fake = 1 },
        ]
        after = true

        [[workers]]
        queue = "a"
        [[workers]]
        queue = "b"
        [workers.limits]
        cpu = 2
        ''')
    lines = toml_lines(text)
    assert lines[("title",)] == 1
    assert lines[("app",)] == 2
    assert lines[("app", "name")] == 3
    assert lines[("app", "quoted.key")] == 4
    assert lines[("app", "db", "host")] == 5
    assert ("app", "not") not in lines
    assert ("app", "fake") not in lines
    assert lines[("app", "after")] == 13
    assert lines[("workers", "0", "queue")] == 16
    assert lines[("workers", "1", "queue")] == 18
    assert lines[("workers", "1", "limits", "cpu")] == 20


def test_json_lines() -> None:
    text = json.dumps({"app": {"url": "x", "hosts": ["a", "b"]}, "n": 1.5e3, "t": None},
                      indent=2)
    lines = json_lines(text)
    assert lines[("app",)] == 2
    assert lines[("app", "url")] == 3
    assert lines[("app", "hosts", "1")] == 6
    assert lines[("n",)] == 9 and lines[("t",)] == 10


def test_json_lines_on_compact_text_and_escapes() -> None:
    lines = json_lines('{"a\\"b": [1, {"c": true}], "d": "}"}')
    assert lines == {("a\"b",): 1, ("a\"b", "0"): 1, ("a\"b", "1"): 1, ("a\"b", "1", "c"): 1,
                     ("d",): 1}


def test_ini_lines_lower_case_keys_as_configparser_does() -> None:
    text = "; c\n[DEFAULT]\nLevel = info\n[server]\nport: 80\n  continued = no\nHost=x\n"
    assert ini_lines(text) == {("DEFAULT",): 2, ("DEFAULT", "level"): 3, ("server",): 4,
                               ("server", "port"): 5, ("server", "host"): 7}
