"""The `scratchgrad` command: release, grade, demo and the nbgrader course workflow."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


class UsageError(Exception):
    """Bad usage or unusable input: printed as one line, exit status 2."""


def _release(args: argparse.Namespace) -> int:
    from .release import generate_release

    written = generate_release(dest=args.dest, assignment_ids=args.assignment or None)
    for folder in written:
        print(f"wrote {folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scratchgrad",
        description="Auto-graded exercise kit for Deep Learning from Scratch courses.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    release = commands.add_parser(
        "release", help="regenerate the student release (assignments/) from solutions/")
    release.add_argument("--dest", type=Path, default=None,
                         help="write here instead of the kit's assignments/ folder")
    release.add_argument("--assignment", action="append", metavar="ID",
                         help="only this assignment (repeatable)")
    release.set_defaults(run=_release)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"scratchgrad: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("scratchgrad: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
