"""The ``zego-token04`` command: parse, call the library, print.

Secrets come from the environment or ``--secret-file``, never from an argument.
Option names may be echoed; values never. Every read is bounded. Every failure
is one line on stderr and an exit status: 0 done, 1 refused (an invalid or
expired token, a check with errors, a callback that is not ZEGO's), 2 usage,
3 stdout failed, 130 interrupted.
"""

from __future__ import annotations

import difflib
import io
import sys
from collections.abc import Sequence

from .. import __version__
from ._commands import COMMANDS
from ._console import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_USAGE,
    Exit,
    detach,
    write,
)
from ._parser import HINT, build_parser

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return its exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a character the terminal lacks, as \\u...
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        return _run(words)
    except Exit as error:
        usage = _usage(words) if error.status == EXIT_USAGE else ""
        if error.status == EXIT_OUTPUT:
            detach(sys.stdout)  # so that the interpreter's own flush at exit cannot fail again
        write(f"{usage}zego-token04: error: {error}", stdout=False)
        return error.status
    except KeyboardInterrupt:
        write("zego-token04: interrupted", stdout=False)
        return EXIT_INTERRUPTED


def _usage(argv: list[str]) -> str:
    """The usage line of the command the words name, or of the program."""
    command = argv[0] if argv and argv[0] in COMMANDS else None
    if command is None:
        return "usage: zego-token04 COMMAND [OPTIONS] (see --help)\n"
    return f"usage: zego-token04 {command} [OPTIONS] (see zego-token04 {command} --help)\n"


def _run(argv: list[str]) -> int:
    parser, options = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in options:
        raise Exit("unknown command" + _did_you_mean(argv[0], list(options)))
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit:  # --help, printed
        return EXIT_OK
    if args.version:
        write(f"zego-token04 {__version__}")
        return EXIT_OK
    if extra:
        raise Exit(_strays(extra, options[args.command] if args.command else _PROGRAM_OPTIONS))
    if args.command is None:
        raise Exit("a COMMAND is required: " + ", ".join(options))
    status: int = args.run(args)
    return status


_PROGRAM_OPTIONS = ["--version", "--help"]


def _strays(extra: list[str], choices: list[str]) -> str:
    """What is wrong with words argparse did not take: options named, with the nearest real one;
    values counted, never shown."""
    words = [word.split("=", 1)[0] for word in extra if word.startswith("--")]
    unknown = [f"unrecognized option {word}{_did_you_mean(word, choices)}" for word in words]
    values = (
        [f"{len(extra) - len(words)} unexpected argument(s)"] if len(extra) > len(words) else []
    )
    hint = [HINT] if any(word.startswith("--secret") for word in words) else []
    return "; ".join([*unknown, *values, *hint])


def _did_you_mean(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {match[0]}?)" if match else ""
