"""The command line: parse, load settings, run the checks, render, exit.

Each step is a plain function; only `main` prints or picks the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from gate import __version__
from gate.errors import GateError, UsageError
from gate.exitcodes import ExitCode, describe
from gate.family import Family

PROG = "gate"
FORMATS = ("text", "json", "markdown", "junit", "sarif", "badge")


def families() -> tuple[Family, ...]:
    """Every family of checks, in the order they run and report."""
    from gate.checks import connect, coverage, deploy, findings, tests

    return (coverage.FAMILY, tests.FAMILY, findings.FAMILY, deploy.FAMILY, connect.FAMILY)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2, never a usage dump."""

    def error(self, message: str) -> Any:
        raise UsageError(message, f"see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `gate` and its subcommands."""
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,  # other families add flags: a prefix that works today may not
        description="Releasegate: decide whether a release may ship.",
        epilog="exit codes:\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"releasegate {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = commands.add_parser(
        "check",
        help="run the checks and exit 0 only when the release may go ahead",
        description="Run the configured checks; exit 0 only when the release may go ahead.",
        epilog="exit codes:\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    check.add_argument(
        "--config", type=Path, metavar="PATH",
        help="settings file (default: [tool.gate] in ./pyproject.toml, else ./gate.toml)",
    )
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="report format (default: text)")
    check.add_argument("--output", type=Path, metavar="PATH",
                       help="write the report to PATH; the one-line verdict still goes to stdout")
    check.add_argument("--report", action="append", type=_report_file, metavar="FORMAT=PATH",
                       dest="reports",
                       help="also write the report in FORMAT to PATH (repeatable): "
                            "json=reports/gate.json, markdown=reports/gate.md, "
                            "sarif=reports/gate.sarif, "
                            "badge=reports/coverage.svg (an SVG coverage badge)")
    check.add_argument("--comment", action="store_true",
                       help="post the markdown report as the pull request's comment (edited in"
                            " place; GITHUB_TOKEN): a refused comment is a warning, never a"
                            " different exit code")
    check.add_argument("--only", action="append", metavar="FAMILY",
                       help="run only this family of checks (repeatable)")
    check.add_argument("--skip", action="append", metavar="FAMILY",
                       help="do not run this family of checks (repeatable)")
    added: set[str] = set()
    for family in families():
        family.add_arguments(check, added)
    from gate.checks.findings.command import add_parser as add_baseline
    from gate.comment import add_parser as add_comment
    from gate.databranch import add_parser as add_publish
    from gate.scaffold import add_parser as add_init

    add_init(commands)
    add_baseline(commands)
    add_publish(commands)
    add_comment(commands)
    return parser


def _report_file(text: str) -> tuple[str, Path]:
    """`FORMAT=PATH` of --report: a known format and a path."""
    fmt, sep, path = text.partition("=")
    if not sep or fmt not in FORMATS or not path:
        raise argparse.ArgumentTypeError(
            f"expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}, got {text!r}")
    return fmt, Path(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate; returns the exit code (see `gate.exitcodes.ExitCode`)."""
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version have printed what was asked
            return exc.code if isinstance(exc.code, int) else ExitCode.ALLOWED
        if args.command == "check":
            return check(args)
        if args.command == "init":
            from gate.scaffold import run as init

            return init(args)
        if args.command == "baseline":
            from gate.checks.findings.command import run as record

            return record(args)
        if args.command == "publish":
            from gate.databranch import run as publish

            return publish(args)
        if args.command == "comment":
            from gate.comment import run as comment

            return comment(args)
        # No command: a usage error like any other, one line on stderr (not the help on stdout).
        raise UsageError("a command is needed: check, init, baseline, publish or comment",
                         f"`{PROG} check` runs the checks; see `{PROG} --help`")
    except GateError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:  # the last line of defence: one line, never a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.ERROR


def check(args: argparse.Namespace) -> int:
    """`gate check`: evaluate, render, publish to GitHub Actions when there."""
    from gate.runner import plan, run

    _check_outputs(args)
    selected = plan(families(), args)
    report = run(selected)
    emit(report, args, sys.stdout, os.environ)
    if args.comment:
        comment(report, sys.stderr, os.environ)
    return int(report.exit_code)


def comment(report: Any, stream: TextIO, environ: Any) -> None:
    """Post the report as the pull request's comment; whatever happens, only say so."""
    from gate.comment import deliver, tell
    from gate.comment.post import Outcome
    from gate.report import Format, renderer

    try:
        outcome = deliver(renderer(Format.MARKDOWN)(report), environ)
    except GateError as exc:  # a bad event or GITHUB_REPOSITORY: still only a warning
        outcome = Outcome("skipped", warning=f"no comment posted: {exc}")
    tell(outcome, stream, stream, environ)


def emit(report: Any, args: argparse.Namespace, stdout: TextIO, environ: Any) -> None:
    """Write the report where it was asked for, and to GitHub Actions when there."""
    from gate.report import Format, renderer

    fmt = Format(args.format)
    if fmt is Format.TEXT:
        from gate.report.text_report import render as render_text

        colour = args.output is None and _colour(stdout, environ)
        text = render_text(report, colour=colour)
    else:
        text = renderer(fmt)(report)
    if environ.get("GITHUB_ACTIONS") == "true":
        from gate.report.github import publish

        publish(report, environ, stdout if fmt is Format.TEXT or args.output else sys.stderr)
    for name, path in getattr(args, "reports", None) or ():
        _write(path, renderer(Format(name))(report), f"--report {name}=")
    if args.output is not None:
        _write(args.output, text)
        stdout.write(report.verdict() + "\n")
    else:
        stdout.write(text)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse two outputs to one file before any work is done."""
    paths = [("--output ", args.output)] if args.output is not None else []
    paths += [(f"--report {name}=", path) for name, path in args.reports or ()]
    seen: dict[Path, str] = {}
    for flag, path in paths:
        key = Path(os.path.abspath(path))
        if key in seen:
            raise UsageError(f"{flag}{path}: {seen[key]} writes to the same file",
                             "give each report a file of its own")
        seen[key] = flag + str(path)


def _colour(stream: TextIO, environ: Any) -> bool:
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and environ.get("TERM") != "dumb"


def _write(path: Path, text: str, flag: str = "--output ") -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {flag}{path}: {exc.strerror or exc}") from None
