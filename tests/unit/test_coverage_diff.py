"""The git diff parser, path unquoting, and line ranges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.errors import InputError, UsageError
from gate.gitdiff import check_ref, format_ranges, line_ranges, parse_diff, unquote


def parse(text: str) -> dict[str, tuple[int, ...]]:
    return parse_diff(text.split("\n"))


MODIFIED_RENAMED_DELETED = """\
diff --git a/gate/cli.py b/gate/cli.py
index 54ac147..bfc15d2 100644
--- a/gate/cli.py
+++ b/gate/cli.py
@@ -4,0 +5,2 @@ def a(x):
+
+def a2():
@@ -10 +12 @@ def b():
-    return 1
+    return 2
@@ -20,3 +21,0 @@ def c():
-gone
-gone
-gone
@@ -40 +40,3 @@
-x
+y
+z
+w
diff --git a/pkg/gone.py b/pkg/gone.py
deleted file mode 100644
index 9ac3582..0000000
--- a/pkg/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-def gone():
-    return 1
diff --git a/pkg/old.py b/pkg/new.py
similarity index 63%
rename from pkg/old.py
rename to pkg/new.py
index d218c38..e95aa07 100644
--- a/pkg/old.py
+++ b/pkg/new.py
@@ -8 +8,3 @@ def old(x):
-def other():
+def other(flag):
+    if flag:
+        return 6
diff --git a/pkg/moved.py b/pkg/moved2.py
similarity index 100%
rename from pkg/moved.py
rename to pkg/moved2.py
diff --git a/pkg/new_file.py b/pkg/new_file.py
new file mode 100644
index 0000000..ffa5c9c
--- /dev/null
+++ b/pkg/new_file.py
@@ -0,0 +1,3 @@
+a
+b
+c
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
"""


def test_modified_renamed_deleted_and_new_files() -> None:
    assert parse(MODIFIED_RENAMED_DELETED) == {
        "gate/cli.py": (5, 6, 12, 40, 41, 42),
        "pkg/new.py": (8, 9, 10),
        "pkg/new_file.py": (1, 2, 3),
    }


def test_body_lines_that_look_like_headers_are_content() -> None:
    text = """\
diff --git a/x.py b/x.py
--- a/x.py
+++ b/x.py
@@ -1,2 +1,3 @@
--- a/y.py
-diff --git a/y.py b/y.py
+++ b/y.py
+@@ -1 +1 @@
+diff --git a/z.py b/z.py
"""
    assert parse(text) == {"x.py": (1, 2, 3)}


def test_no_newline_markers_inside_and_after_a_hunk() -> None:
    text = """\
diff --git a/x.py b/x.py
--- a/x.py
+++ b/x.py
@@ -3 +3,2 @@
-old
\\ No newline at end of file
+new
+newer
\\ No newline at end of file
"""
    assert parse(text) == {"x.py": (3, 4)}


def test_carriage_returns_and_form_feeds_in_content() -> None:
    lines = ["diff --git a/x.py b/x.py", "--- a/x.py", "+++ b/x.py", "@@ -0,0 +1,2 @@",
             "+a\r", "+b\x0c\x1c", "diff --git a/y.py b/y.py", "--- /dev/null", "+++ b/y.py",
             "@@ -0,0 +1 @@", "+c", ""]
    assert parse_diff(lines) == {"x.py": (1, 2), "y.py": (1,)}


def test_quoted_and_spaced_names() -> None:
    text = (
        'diff --git "a/t\\tab.py" "b/t\\tab.py"\n'
        '--- "a/t\\tab.py"\n'
        '+++ "b/t\\tab.py"\n'
        "@@ -1 +1 @@\n-a\n+b\n"
        "diff --git a/with space.py b/with space.py\n"
        "--- a/with space.py\t\n"
        "+++ b/with space.py\t\n"
        "@@ -0,0 +1 @@\n+x\n"
        'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
        '+++ "b/caf\\303\\251.py"\n'
        "@@ -0,0 +7,2 @@\n+x\n+y\n"
    )
    assert parse(text) == {"t\tab.py": (1,), "with space.py": (1,), "café.py": (7, 8)}


@pytest.mark.parametrize(("quoted", "plain"), [
    (r"a\"b", 'a"b'), (r"a\\b", "a\\b"), (r"\n\t\r", "\n\t\r"), (r"\303\251", "é"),
    (r"\342\202\254x", "€x"), ("plain", "plain"), ("trailing\\", "trailing\\"),
])
def test_unquote(quoted: str, plain: str) -> None:
    assert unquote(quoted) == plain


def test_a_hunk_cut_short_is_an_input_error() -> None:
    text = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1,3 @@\n-a\n+b\nstray\n"
    with pytest.raises(InputError, match="unexpected git diff output: line 7"):
        parse(text)


def test_a_target_without_prefix_is_an_input_error() -> None:
    with pytest.raises(InputError, match="lacks the b/ prefix"):
        parse("diff --git x y\n+++ y\n@@ -0,0 +1 @@\n+a\n")


def test_hunks_before_a_file_header_are_ignored() -> None:
    assert parse("@@ -0,0 +1 @@\n+a\n") == {}


@pytest.mark.parametrize(("numbers", "text"), [
    ([], ""),
    ([7], "7"),
    ([40, 41, 42, 57], "40-42, 57"),
    ([1, 3, 5], "1, 3, 5"),
    ([1, 2, 4, 5, 6, 9], "1-2, 4-6, 9"),
])
def test_format_ranges(numbers: list[int], text: str) -> None:
    assert format_ranges(numbers) == text


@given(st.sets(st.integers(min_value=1, max_value=500)))
def test_ranges_cover_exactly_the_lines(numbers: set[int]) -> None:
    runs = line_ranges(sorted(numbers))
    covered = [n for start, end in runs for n in range(start, end + 1)]
    assert covered == sorted(numbers)
    assert all(b[0] > a[1] + 1 for a, b in zip(runs, runs[1:]))  # runs never touch


@pytest.mark.parametrize("ref", ["", "  ", "-x", "--output=/tmp/x"])
def test_refs_that_are_not_refs(ref: str) -> None:
    with pytest.raises(UsageError):
        check_ref(ref, "--diff-against")


def test_ordinary_refs_pass() -> None:
    for ref in ("origin/main", "main~3", "v1.2.0", "0123abcd", "HEAD^"):
        assert check_ref(ref, "--diff-against") == ref
