"""The ``zego-token04`` command: generate and decode token04s from a shell.

It parses arguments and calls ``src.token04``; nothing more. The secret comes
from ``ZEGO_SERVER_SECRET`` or ``--secret-file``, never from an argument, and no
output ever contains it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import time
from typing import Any, Sequence

from . import __version__, token04

SECRET_ENV = "ZEGO_SERVER_SECRET"
"""The environment variable the ServerSecret is read from."""
APP_ID_ENV = "ZEGO_APP_ID"
"""The environment variable the AppID falls back to."""

EXIT_OK = 0
"""The token was made, or is valid and unexpired."""
EXIT_REFUSED = 1
"""The library refused the input, or the token is invalid or expired."""
EXIT_USAGE = 2
"""The command line itself is wrong, or the secret or app id is missing."""

_PROGRAM_EXAMPLE = f"""\
The secret is read from {SECRET_ENV} or --secret-file, never from an argument.

example:
  export {SECRET_ENV}=...   # or: --secret-file PATH
  TOKEN=$(zego-token04 generate --app-id 1 --user-id demo)
  zego-token04 decode "$TOKEN"
"""
_GENERATE_EXAMPLE = f"""\
example:
  export {SECRET_ENV}=...   # or: --secret-file /run/secrets/zego
  TOKEN=$(zego-token04 generate --app-id 1 --user-id demo --ttl 3600)
  zego-token04 generate --app-id 1 --user-id demo --room-id room1 --no-publish --json
"""
_DECODE_EXAMPLE = f"""\
example:
  export {SECRET_ENV}=...
  zego-token04 decode "$TOKEN"
  echo "$TOKEN" | zego-token04 decode - --leeway 30
"""


class _UsageError(Exception):
    """A command line that cannot be carried out: exit 2 with this message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit status."""
    parser = _build_parser()
    args, unrecognized = parser.parse_known_args(argv)
    try:
        if unrecognized:
            # Name only the options: the values may be a secret typed by mistake.
            options = sorted({word.split("=", 1)[0] for word in unrecognized if word.startswith("-")})
            raise _UsageError(
                f"unrecognized arguments{': ' + ' '.join(options) if options else ''}"
                f" (the secret is read only from {SECRET_ENV} or --secret-file)"
            )
        status: int = args.run(args)
        return status
    except _UsageError as error:
        command = getattr(args, "parser", parser)
        command.print_usage(sys.stderr)
        print(f"{command.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _generate(args: argparse.Namespace) -> int:
    app_id = _app_id(args.app_id)
    if args.room_id is not None:
        payload = token04.rtc_room_payload(
            args.room_id, login=not args.no_login, publish=not args.no_publish, stream_ids=args.stream_ids
        )
    elif args.no_login or args.no_publish or args.stream_ids:
        raise _UsageError("--no-login, --no-publish and --stream-id go with --room-id")
    else:
        payload = args.payload
    secret = _secret(args.secret_file)
    mode = token04.MODE_GCM if args.gcm else token04.MODE_CBC
    info = token04.generate_token04(app_id, args.user_id, secret, args.ttl, payload, mode=mode)
    if info.error_code != token04.ERROR_CODE_SUCCESS:
        print(f"error {info.error_code}: {info.error_message}", file=sys.stderr)
        return EXIT_REFUSED
    if not args.json:
        print(info.token)
        return EXIT_OK
    contents = token04.decode_token04(info.token, secret, verify_expiry=False)
    _print_json(
        {
            "token": info.token,
            "app_id": contents.app_id,
            "user_id": contents.user_id,
            "ctime": contents.ctime,
            "expire": contents.expire,
            "mode": contents.mode,
        }
    )
    return EXIT_OK


def _decode(args: argparse.Namespace) -> int:
    token = sys.stdin.read().strip() if args.token == "-" else args.token
    secret = _secret(args.secret_file)
    now = time.time()
    try:
        contents = token04.decode_token04(token, secret, now=now, leeway=args.leeway)
        expired = False
    except token04.ExpiredTokenError:
        contents = token04.decode_token04(token, secret, now=now, verify_expiry=False)
        expired = True
    except token04.InvalidTokenError as error:
        print(f"error: invalid token: {error}", file=sys.stderr)
        return EXIT_REFUSED
    expire_at = _iso_utc(contents.expire)
    _print_json({**contents._asdict(), "expired": expired, "expire_at": expire_at})
    if expired:
        print(f"error: token expired at {expire_at} (leeway {args.leeway:g} s)", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _app_id(option: int | None) -> int:
    if option is not None:
        return option
    text = os.environ.get(APP_ID_ENV, "").strip()
    if not text:
        raise _UsageError(f"no app id: pass --app-id or set {APP_ID_ENV}")
    try:
        return int(text)
    except ValueError:
        raise _UsageError(f"{APP_ID_ENV} is not an integer") from None


def _secret(path: str | None) -> str:
    """The ServerSecret, from --secret-file or the environment."""
    if path is not None:
        try:
            with open(path, encoding="utf-8") as secret_file:
                return secret_file.read().strip()
        except OSError as error:
            raise _UsageError(f"cannot read --secret-file {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise _UsageError(f"--secret-file {path} is not UTF-8 text") from None
    secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise _UsageError(f"no secret: set {SECRET_ENV} or pass --secret-file PATH")
    return secret


def _iso_utc(timestamp: int) -> str | None:
    try:
        moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None  # beyond what datetime can show
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _print_json(document: dict[str, Any]) -> None:
    print(json.dumps(document, ensure_ascii=False))


def _build_parser() -> argparse.ArgumentParser:
    # allow_abbrev=False everywhere: otherwise "--secret X" would be taken as
    # "--secret-file X", and the secret would be read as a path.
    parser = argparse.ArgumentParser(
        prog="zego-token04",
        description="Generate and decode ZEGO token04 authentication tokens.",
        epilog=_PROGRAM_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    generate = commands.add_parser(
        "generate",
        help="print a new token",
        description="Print a new token04 and a newline on stdout (nothing else, unless --json).",
        epilog=_GENERATE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    generate.set_defaults(run=_generate, parser=generate)
    generate.add_argument("--user-id", required=True, help="the user the token is for")
    generate.add_argument("--app-id", type=int, help=f"the project's AppID (default: ${APP_ID_ENV})")
    generate.add_argument("--ttl", type=int, default=3600, metavar="SECONDS", help="lifetime (default: 3600)")
    payload = generate.add_mutually_exclusive_group()
    payload.add_argument("--payload", default="", metavar="JSON", help="the payload, as given (default: none)")
    payload.add_argument("--room-id", metavar="ROOM", help='make a privilege payload for this room ("" for any)')
    generate.add_argument("--no-login", action="store_true", help="with --room-id: deny logging in")
    generate.add_argument("--no-publish", action="store_true", help="with --room-id: deny publishing")
    generate.add_argument(
        "--stream-id",
        action="append",
        dest="stream_ids",
        metavar="STREAM",
        help="with --room-id: a stream that may be published (repeat for more; default: any)",
    )
    generate.add_argument("--gcm", action="store_true", help="make the AES-GCM variant (default: CBC)")
    generate.add_argument("--json", action="store_true", help="print a JSON object with the token and its fields")
    _add_secret_file(generate)

    decode = commands.add_parser(
        "decode",
        help="print what a token holds",
        description="Print a token's fields as JSON. Exit 0 if it is valid and unexpired, "
        "1 if it is invalid or expired (an expired token's fields are still printed).",
        epilog=_DECODE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    decode.set_defaults(run=_decode, parser=decode)
    decode.add_argument("token", metavar="TOKEN", help='the token, or "-" to read it from stdin')
    decode.add_argument(
        "--leeway", type=_seconds, default=0.0, metavar="SECONDS", help="accept a token this long past its expiry"
    )
    _add_secret_file(decode)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number of seconds: {text!r}")
    return value


def _add_secret_file(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--secret-file",
        metavar="PATH",
        help=f"read the ServerSecret from this file (default: ${SECRET_ENV})",
    )
