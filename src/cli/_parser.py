"""The command's parser, made from ``_COMMANDS``: one line per command and per option."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ..project._environment import APP_ID_ENV, CALLBACK_SECRET_ENV, SECRET_ENV
from ._commands import COMMANDS
from ._console import Exit, write

__all__ = ["HINT", "build_parser"]

HINT = (
    f"Secrets are read from {SECRET_ENV} ({CALLBACK_SECRET_ENV}) or --secret-file PATH, "
    "never from an argument."
)
_EXAMPLES = f"""{HINT}

examples:
  # with {APP_ID_ENV} and {SECRET_ENV} set
  TOKEN=$(zego-token04 generate --user-id demo --room-id room1)
  zego-token04 decode "$TOKEN"; zego-token04 check "$TOKEN" --user-id demo --room-id room1
  curl "$(zego-token04 sign DescribeUserNum --param 'RoomId[]=room1')"
  zego-token04 verify-callback --max-age 300 < callback.json
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes a value it refuses, which may be a secret typed in the wrong place.
        raise Exit(
            message.split("'")[0].rstrip(": ")
            + (" (the value is not shown)" if "'" in message else "")
        )

    def print_help(self, file: Any = None) -> None:
        write(self.format_help().rstrip("\n"))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, list[str]]]:
    """The parser, from _COMMANDS, and each command's option names (to name the nearest to a
    mistyped one)."""
    settings: dict[str, Any] = {"epilog": _EXAMPLES, "allow_abbrev": False, "formatter_class": _RAW}
    parser = _Parser(prog="zego-token04", description=_DESCRIPTION, **settings)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers, options = parser.add_subparsers(dest="command", metavar="COMMAND"), {}
    for line in _COMMANDS.strip().splitlines():
        head, help_text = line.split(": ", 1)
        if not line.startswith(" "):  # "name: summary", then its "  option METAVAR: help" lines
            command = subparsers.add_parser(head, help=help_text, description=help_text, **settings)
            command.set_defaults(run=COMMANDS[head])
            options[head] = names = ["--secret-file"]
            secret = CALLBACK_SECRET_ENV if head == "verify-callback" else SECRET_ENV
            command.add_argument(
                "--secret-file", metavar="PATH", help=f"read the secret here (default: ${secret})"
            )
            continue
        name, metavar = head.split()
        if metavar == "flag":
            command.add_argument(name, action="store_true", help=help_text)
        else:  # METAVAR* may be given more than once, METAVAR? left out
            many, maybe = metavar.endswith("*"), metavar.endswith("?")
            command.add_argument(
                name,
                metavar=metavar.rstrip("*?"),
                help=help_text,
                action="append" if many else "store",
                nargs="?" if maybe else None,
            )
        names += [name] if name.startswith("--") else []
    return parser, options


_RAW = argparse.RawDescriptionHelpFormatter
_DESCRIPTION = (
    "Make, read and check ZEGO token04s; sign Server API requests; verify ZEGO's callbacks."
)
_COMMANDS = """
generate: print a new token
  --user-id USER: the user the token is for
  --app-id N: the project's AppID (default: $ZEGO_APP_ID)
  --ttl SECONDS: lifetime (default: 3600)
  --payload JSON: the payload, as given (default: none)
  --room-id ROOM: make a privilege payload for this room ("" for any)
  --no-login flag: with --room-id: deny logging in
  --no-publish flag: with --room-id: deny publishing
  --stream-id STREAM*: with --room-id: a stream that may be published (repeat for more)
  --kit-room-id ROOM: print a UIKit kit token for this room
  --user-name NAME: with --kit-room-id: the user's display name
  --gcm flag: make the AES-GCM variant (default: CBC)
  --json flag: print a JSON object with the token and its fields
decode: print what a token holds (exit 1 if it is invalid or expired)
  token TOKEN: the token or kit token, or - to read it from stdin
  --leeway SECONDS: accept a token this long past its expiry
  --json flag: print a JSON object
check: would ZEGO accept this token for this login? (exit 1 if not)
  token TOKEN: the token or kit token, or - to read it from stdin
  --app-id N: the login's AppID (default: $ZEGO_APP_ID, if set)
  --user-id USER: the userID the client logs in with
  --room-id ROOM: the room it logs in to
  --stream-id STREAM: the stream it will publish
  --no-login-check flag: the project does not verify the login privilege
  --no-publish-check flag: the project does not verify the publish privilege
  --zim flag: the login is to ZIM (in-app chat), not RTC
  --leeway SECONDS: accept a token this long past its expiry
  --json flag: print a JSON object
sign: print a signed Server API request URL (for curl, or ZEGO's online checker)
  action ACTION: the API's Action, such as DescribeUserNum
  --param KEY=VALUE*: an action's parameter (repeat for more; KEY[]=V, or a KEY repeated, is a list)
  --app-id N: the project's AppID (default: $ZEGO_APP_ID)
  --product NAME: for an Action newer than the catalogue: rtc, zim, aiagent, cloudrecord, ...
  --region REGION: a regional host (sha, hkg, fra, lax, bom, sgp)
  --base-url URL: an http(s) URL instead of ZEGO's host (a proxy, a test server)
actions: list ZEGO's Server API Actions: product, method, rate limit (exit 1 if none match)
  word WORD?: only those whose name holds WORD (any case), or of this product or group
  --json flag: print a JSON list
verify-callback: is the callback body on stdin ZEGO's? (exit 1 if not; its fields as JSON if so)
  --max-age SECONDS: refuse a callback older than this (default 300; allow for ZEGO's retries)
"""
