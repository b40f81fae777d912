"""See the gate's pull-request comment and step summary as a person does: rendered.

    python docs/tools/render_markdown.py OUT_DIR [REPORT.md ...]

Renders each markdown file with cmark-gfm (GitHub's own fork of cmark, with its table,
autolink, strikethrough and tag-filter extensions; `pip install cmarkgfm`) into an HTML
page styled like a GitHub comment, serves the pages on 127.0.0.1 and screenshots each with
headless Chromium (`apt-get install chromium`) into OUT_DIR/NAME.png. Without files it
renders samples made by the gate's own renderers: a blocked pull request touching three
files, one touching fourteen (whose table folds), and the coverage badge in its colours
(badges.png).

Not part of the test suite: a tool for looking, kept beside the docs it illustrates.
"""

from __future__ import annotations

import functools
import html
import shutil
import subprocess
import sys
import tempfile
import threading
from fractions import Fraction
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STYLE = """
body { margin: 0; background: #fff; }
.comment { box-sizing: border-box; width: 860px; margin: 16px; border: 1px solid #d0d7de;
  border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px;
  font: 14px -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: #57606a; border-radius: 6px 6px 0 0; }
.head b { color: #1f2328; }
.markdown-body { padding: 16px; color: #1f2328; line-height: 1.5;
  font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.markdown-body h3 { font-size: 1.25em; margin: 0 0 16px; }
.markdown-body h4 { font-size: 1em; margin: 24px 0 12px; }
.markdown-body p { margin: 0 0 12px; }
.markdown-body table { border-collapse: collapse; margin: 0 0 16px; display: block;
  width: max-content; max-width: 100%; overflow: auto; }
.markdown-body th, .markdown-body td { border: 1px solid #d0d7de; padding: 6px 13px; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: rgba(175, 184, 193, .2); padding: .2em .4em; border-radius: 6px; }
.markdown-body details { margin: 0 0 16px; }
.markdown-body summary { cursor: pointer; }
.markdown-body ul { margin: 0 0 16px; padding-left: 2em; }
"""


def to_html(markdown: str, title: str) -> str:
    """A page showing `markdown` as a GitHub comment would."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{STYLE}</style></head><body><div class='comment'>"
            f"<div class='head'><b>github-actions</b> bot commented</div>"
            f"<div class='markdown-body'>{body}</div></div></body></html>")


def samples() -> dict[str, str]:
    """Markdown the gate renders for two pull requests (built from real result objects)."""
    from gate.checks.coverage.baseline import FileCounts, Snapshot
    from gate.checks.coverage.check import _total
    from gate.checks.coverage.diff import MappedChange, diff_result
    from gate.checks.coverage.ratchet import ratchet_result
    from gate.databranch.find import BaseReport
    from gate.gitdiff import Change
    from gate.model import Ratio, Report
    from gate.readers.coverage.model import FileCoverage
    from gate.report.markdown_report import render

    def bitmap(lines: set[int]) -> bytes:
        value = sum(1 << n for n in lines)
        return value.to_bytes((value.bit_length() + 7) // 8, "little")

    def cov(name: str, total: int, missed: set[int]) -> FileCoverage:
        lines = set(range(1, total + 1))
        return FileCoverage(name, bitmap(lines), bitmap(lines - missed))

    out = {}
    for name, count in (("comment-3-files", 3), ("comment-14-files", 14)):
        paths = [f"src/shortlink/{m}.py" for m in
                 ("codes", "store", "app", "config", "cli", "auth", "cache", "models", "views",
                  "forms", "admin", "tasks", "signals", "utils")[:count]]
        now = {p: cov(p, 40 + 3 * i, {12, 13, 14, 30} if i == 0 else {7 + i})
               for i, p in enumerate(paths)}
        change = Change("origin/main", "4c1d0e9a7b3f" + "0" * 28, Path("/repo"),
                        {p: (10, 11, 12, 13, 14, 20 + i) for i, p in enumerate(paths)})
        mapped = MappedChange(change, now, {p: (p,) for p in paths})
        before = Snapshot({p: FileCounts(Ratio(40 + 3 * i - (0 if i == 0 else 2), 40 + 3 * i),
                                         Ratio(10, 12)) for i, p in enumerate(paths[1:], 1)}
                          | {paths[0]: FileCounts(Ratio(40, 40), Ratio(12, 12))}, True)
        after = Snapshot({p: FileCounts(f.lines, Ratio(9 if p == paths[0] else 11, 12))
                          for p, f in now.items()}, True)
        base = BaseReport("origin/releasegate-data", change.base, "the merge base",
                          change.base, 0, b"{}")
        ratchet = ratchet_result(before, after, Fraction(0), "x", gated=False, base=base,
                                 mapped=mapped)
        line = _total("coverage.line", "line coverage", after.lines, Fraction(4, 5), after, {})
        diff = diff_result(change, now, Fraction(9, 10), 0)
        out[name] = render(Report((line, diff, ratchet)))
    return out


def badges(out: Path) -> str:
    """Badges for a failing, a passing and an unknown figure, and a page showing them."""
    from gate.model import CheckResult, Ratio, Report, Status
    from gate.report.badge_report import render

    cases = {"badge-fail": (7999, 10000, Status.FAIL), "badge-pass": (8164, 8330, Status.PASS),
             "badge-full": (10, 10, Status.PASS)}
    tags = []
    for name, (covered, total, status) in cases.items():
        check = CheckResult("coverage.line", "coverage", status, "", measured=Ratio(covered, total),
                            threshold=Fraction(4, 5))
        (out / f"{name}.svg").write_text(render(Report((check,))), encoding="utf-8")
        tags.append(f"<p><img src='{name}.svg'> &nbsp; <img src='{name}.svg' style='zoom:3'></p>")
    (out / "badge-unknown.svg").write_text(render(Report(())), encoding="utf-8")
    tags.append("<p><img src='badge-unknown.svg'> &nbsp; <img src='badge-unknown.svg'"
                " style='zoom:3'></p>")
    page = "<!doctype html><html><body style='margin:16px'>" + "".join(tags) + "</body></html>"
    (out / "badges.html").write_text(page, encoding="utf-8")
    return "badges.html"


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """A server for `folder` on 127.0.0.1 (a free port), in a thread."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def screenshot(chromium: str, url: str, png: Path, height: int) -> None:
    """Headless Chromium, with nothing but the page: no network beyond it, no profile kept."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
            f"--window-size=900,{height}", f"--screenshot={png}", url,
        ], check=True, capture_output=True, timeout=120)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    pages = ({Path(p).stem: Path(p).read_text(encoding="utf-8") for p in argv[1:]}
             or samples())
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    for name, markdown in pages.items():
        (out / f"{name}.md").write_text(markdown, encoding="utf-8")
        (out / f"{name}.html").write_text(to_html(markdown, name), encoding="utf-8")
    if chromium is None:
        print("no chromium on PATH: wrote the HTML pages only", file=sys.stderr)
        return 1
    page = badges(out) if len(argv) == 1 else None
    server, base = serve(out)
    try:
        for name, markdown in pages.items():
            height = min(4000, 120 + 25 * markdown.count("\n"))
            screenshot(chromium, f"{base}/{name}.html", out / f"{name}.png", height)
            print(out / f"{name}.png")
        if page is not None:
            screenshot(chromium, f"{base}/{page}", out / "badges.png", 320)
            print(out / "badges.png")
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
