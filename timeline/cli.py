"""The command line: parse options and call build, check or serve; nothing else lives here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from timeline import __version__
from timeline.errors import Report, TimelineError
from timeline.pool import default_jobs
from timeline.progress import Progress


def _jobs(text: str) -> int:
    """Parse --jobs: a whole number of processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _fraction(text: str) -> Fraction:
    """Parse --min-coverage: a share from 0 to 1, read exactly (0.9 is nine tenths)."""
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(
            f"must be a share from 0 to 1, e.g. 0.9 for 90%, not '{text}'")
    return value


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                         help="processes for large projects; 1: no pool "
                              f"(default: the CPUs this process may use, {default_jobs()})")


def _add_authoring(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `init`, `new` and `import`: start a project, write an event file, import one."""
    init = commands.add_parser(
        "init", help="start a new project", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a new project: timeline.toml, content/ with a source and two sample "
                    "events, .gitignore, requirements.txt and a GitHub Pages workflow.",
        epilog="example:\n  timeline init my-timeline && timeline build my-timeline")
    init.add_argument("project", nargs="?", default=".", type=Path,
                      help="folder to write it into, made if missing (default: .)")
    new = commands.add_parser(
        "new", help="write a new event file", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write content/<date>-<slug>.md with its front matter filled in.",
        epilog='example:\n  timeline new "Strike on the depot" --date 2023-01-01 '
               "--tags strike,military --source article")
    new.add_argument("title", help="the event's title")
    new.add_argument("--date", help="its date, in any form build reads; a BC date with '=': "
                                    "--date=-0043-03-15 (default: today in the project's "
                                    "time zone)")
    new.add_argument("--tags", default="", help="tags, separated by commas")
    new.add_argument("--source", metavar="ID", help="a source id from content/sources.yaml")
    new.add_argument("--project", default=".", type=Path, help="project folder (default: .)")

    imports = commands.add_parser(
        "import", help="write event files from another timeline format",
        description="Write event files from another timeline format.",
        epilog="example: timeline import timelinejs timeline.json --project my-timeline",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    formats = imports.add_subparsers(dest="format", required=True)
    timelinejs = formats.add_parser(
        "timelinejs", help="a TimelineJS3 JSON file, or its Google Sheet saved as CSV",
        description="Write one event file per TimelineJS slide into PROJECT/content, eras "
                    "into content/eras.yaml and the title slide into timeline.toml (if the "
                    "project has none). Existing files are never overwritten.",
        epilog="example: timeline import timelinejs sheet.csv --project my-timeline")
    timelinejs.add_argument("file", type=Path, help="TimelineJS JSON or sheet CSV")
    timelinejs.add_argument("--project", type=Path, default=Path("."),
                            help="project folder (default: .)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Build static, source-cited timeline websites.")
    parser.add_argument("--version", action="version", version=f"timeline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", help="build the site", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the site of PROJECT into PROJECT/site (or -o), replacing the "
                    "previous one only if every event is valid.",
        epilog="example:\n  timeline build my-timeline --base-url https://example.org/timeline/")
    build.add_argument("project", nargs="?", default=".", type=Path,
                       help="project folder (default: .)")
    build.add_argument("-o", "--output", type=Path, help="output folder (default: PROJECT/site)")
    build.add_argument("--drafts", action="store_true", help="include events with draft: true")
    build.add_argument("--base-url", help="absolute URL of the site, for feeds and canonical links")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--no-cache", action="store_true",
                       help="neither read nor write PROJECT/.timeline-cache: build everything")
    _add_jobs(build)

    check = commands.add_parser(
        "check", help="check the content without writing anything",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Report every problem of PROJECT's content, and warnings such as events "
                    "without sources, without writing anything.",
        epilog="example:\n  timeline check my-timeline --strict")
    check.add_argument("project", nargs="?", default=".", type=Path,
                       help="project folder (default: .)")
    check.add_argument("--drafts", action="store_true", help="include events with draft: true")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--citations", action="store_true",
                       help="report uncited paragraphs, each event's share of cited ones, "
                            "single-source events and sources without an archived copy")
    check.add_argument("--min-coverage", type=_fraction, metavar="SHARE",
                       help="with --citations (implied): exit 1 if less than this share of "
                            "paragraphs is cited, e.g. 0.9")
    _add_jobs(check)

    serve = commands.add_parser(
        "serve", help="preview the site: serve it, rebuild and reload on every change",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve a preview of the site, rebuilt and reloaded in the browser on "
                    "every change of the project.",
        epilog="example:\n  timeline serve my-timeline --drafts --open")
    serve.add_argument("project", nargs="?", default=".", type=Path,
                       help="project folder (default: .)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on; 0 picks a free one (default: 8000)")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="also answer requests for this host name, e.g. mybox.local "
                            "(localhost and IP addresses always work; repeatable)")
    serve.add_argument("--drafts", action="store_true", help="include events with draft: true")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    _add_jobs(serve)
    _add_authoring(commands)
    return parser


def _print_report(report: Report) -> None:
    for diagnostic in sorted(report.diagnostics):
        print(diagnostic, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    jobs = getattr(args, "jobs", None) or default_jobs()
    progress = Progress(sys.stderr)
    try:
        if args.command == "build":
            from timeline.build import build

            output = args.output if args.output is not None else args.project / "site"
            try:
                result = build(args.project, output, drafts=args.drafts,
                               base_url=args.base_url, strict=args.strict,
                               cache=not args.no_cache, jobs=jobs,
                               progress=progress)
            finally:
                progress.close()
            _print_report(result.report)
            print(result.summary(output))
        elif args.command == "check":
            from timeline.check import check, check_citations

            options = {"strict": args.strict, "drafts": args.drafts, "jobs": jobs,
                       "progress": progress}
            coverage = below = None
            try:
                if args.citations or args.min_coverage is not None:
                    report, coverage = check_citations(args.project, **options)
                else:
                    report = check(args.project, **options)
            finally:
                progress.close()
            for diagnostic in sorted(report.diagnostics):
                print(diagnostic)
            if coverage is not None:
                print("\n".join(coverage.lines))
                below = coverage.below(args.min_coverage or Fraction(0))
                if below:
                    print(below)
            print(report.summary())
            return 1 if report.errors or below else 0
        elif args.command == "serve":
            from timeline.serve.server import serve

            serve(args.project, host=args.host, port=args.port, drafts=args.drafts,
                  open_browser=args.open, allowed_hosts=args.allow_host, jobs=jobs)
        elif args.command == "init":
            from timeline.authoring.project import init_project

            init_project(args.project)
            print(f"wrote a new timeline in {args.project}: build it with "
                  f"'timeline build {args.project}'")
        elif args.command == "new":
            from timeline.authoring.project import new_event

            print(new_event(args.project, args.title, date=args.date,
                            tags=args.tags.split(","), source=args.source))
        elif args.command == "import":
            from timeline.authoring.timelinejs import run_import

            imported = run_import(args.file, args.project)
            _print_report(imported.report)
            print(f"imported {imported.events} events into {args.project / 'content'}")
            return 1 if imported.report.errors else 0
        return 0
    except TimelineError as error:
        print(error.format(), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
