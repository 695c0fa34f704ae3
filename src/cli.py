"""The ``zego-token04`` command: parse, call the library, print.

Secrets come from the environment or ``--secret-file``, never from an argument.
Option names may be echoed; values never. Every read is bounded. Every failure
is one line on stderr and an exit status: 0 done, 1 refused (an invalid or
expired token, a check with errors, a callback that is not ZEGO's), 2 usage,
3 stdout failed, 130 interrupted.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .check import check_token04
from .console import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_REFUSED,
    EXIT_USAGE,
    Exit,
    detach,
    read_app_id,
    read_seconds,
    read_secret,
    read_stdin,
    to_json,
    token_argument,
    write,
)
from .errors import ExpiredTokenError, InvalidCallbackError, InvalidTokenError, TokenError
from .kit import KitToken, make_kit_token
from .project import APP_ID_ENV, CALLBACK_SECRET_ENV, SECRET_ENV, ZegoProject
from .reader import describe, holds_secret, read_token
from .server import PRODUCTS, REGIONS, verify_callback
from .server.signing import checked_base_url
from .token04 import MAX_BODY_BYTES, MODE_CBC, MODE_GCM
from .values import whole_number

_HINT = (
    f"Secrets are read from {SECRET_ENV} ({CALLBACK_SECRET_ENV}) or --secret-file PATH, "
    "never from an argument."
)
_EXAMPLES = f"""{_HINT}

examples:
  # with {APP_ID_ENV} and {SECRET_ENV} set
  TOKEN=$(zego-token04 generate --user-id demo --room-id room1)
  zego-token04 decode "$TOKEN"; zego-token04 check "$TOKEN" --user-id demo --room-id room1
  curl "$(zego-token04 sign DescribeUserNum --param 'RoomId[]=room1')"
  zego-token04 verify-callback --max-age 300 < callback.json
"""
_REFUSALS = {  # TokenError.argument -> what generate says of the option that gave it
    "user_id": "--user-id must be valid text, not empty",
    "ttl": "--ttl must be a whole number of seconds > 0 whose expire time fits a 64-bit number",
    "payload": "--payload (with --user-id) must be valid text, the token body at most "
    f"{MAX_BODY_BYTES} bytes",
    "room_id": "--room-id and --kit-room-id must be valid text (the kit's: characters up to "
    "U+00FF)",
    "stream_ids": "--stream-id must be valid text",
    "user_name": "--user-name must be valid text, short enough for the kit fields",
}
_REMEDIES = {  # check's remedies, for the codes whose Python remedy names no option of the command
    "zim-payload": "make it with generate, without --payload or --room-id",
    "no-privilege-payload": "make it with generate --room-id ROOM (or check with "
    "--no-login-check --no-publish-check)",
    "payload-invalid": "make the payload with generate --room-id",
    "duration-too-long": "make it with a --ttl of at most 24 days",
    "expire-beyond-2038": "make it with a --ttl of at most 24 days",
}
_WARNED = {
    "user-id-format": "--user-id",
    "stream-id-format": "--stream-id",
    "payload-invalid": "--payload",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes a value it refuses, which may be a secret typed in the wrong place.
        raise Exit(
            message.split("'")[0].rstrip(": ")
            + (" (the value is not shown)" if "'" in message else "")
        )

    def print_help(self, file: Any = None) -> None:
        write(self.format_help().rstrip("\n"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return its exit status."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except Exit as error:
        usage = (
            "usage: zego-token04 COMMAND [OPTIONS] (see --help)\n"
            if error.status == EXIT_USAGE
            else ""
        )
        if error.status == EXIT_OUTPUT:
            detach(sys.stdout)  # so that the interpreter's own flush at exit cannot fail again
        write(f"{usage}zego-token04: error: {error}", stdout=False)
        return error.status
    except KeyboardInterrupt:
        write("zego-token04: interrupted", stdout=False)
        return EXIT_INTERRUPTED


def _run(argv: list[str]) -> int:
    parser, options = _build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in options:
        raise Exit("unknown command" + _did_you_mean(argv[0], list(options)))
    try:
        args, extra = parser.parse_known_args(argv)
    except SystemExit:  # --help, printed
        return EXIT_OK
    if args.version:
        write(f"zego-token04 {__version__}")
        return EXIT_OK
    if args.command is None:
        raise Exit("a COMMAND is required: " + ", ".join(options))
    if extra:
        raise Exit(_strays(extra, options[args.command]))
    status: int = args.run(args)
    return status


def _strays(extra: list[str], choices: list[str]) -> str:
    """What is wrong with words argparse did not take: options named, with the nearest real one;
    values
    counted, never shown."""
    words = [word.split("=", 1)[0] for word in extra if word.startswith("--")]
    unknown = [f"unrecognized option {word}{_did_you_mean(word, choices)}" for word in words]
    values = (
        [f"{len(extra) - len(words)} unexpected argument(s)"] if len(extra) > len(words) else []
    )
    hint = [_HINT] if any(word.startswith("--secret") for word in words) else []
    return "; ".join([*unknown, *values, *hint])


def _did_you_mean(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def _generate(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, SECRET_ENV)
    project, options = ZegoProject(read_app_id(args.app_id), secret), _token_options(args)
    try:
        token = project.token(args.user_id, **options)
        kit = args.kit_room_id and make_kit_token(
            token, project.app_id, args.kit_room_id, args.user_id, args.user_name or ""
        )
    except TokenError as error:
        raise Exit(_REFUSALS.get(error.argument, str(error))) from None
    made = read_token(kit or token, secret, verify_expiry=False)
    if holds_secret(made, secret):  # what the options put in a token is seen by every client
        raise Exit(
            "a value of --user-id, --payload, --room-id, --stream-id, --kit-room-id or "
            "--user-name holds the secret"
        )
    _warn_of_sdk_rules(project, token, args)
    fields = describe(made.token if isinstance(made, KitToken) else made)
    write(
        to_json({"token": token, "kit_token": kit or None, **fields}) if args.json else kit or token
    )
    return EXIT_OK


def _token_options(args: argparse.Namespace) -> dict[str, Any]:
    """ZegoProject.token's options from generate's, each refused alone if it is missing or out of
    place."""
    ttl = whole_number("3600" if args.ttl is None else args.ttl)
    if args.user_id is None:
        raise Exit("--user-id is required")
    if not ttl:
        raise Exit(_REFUSALS["ttl"])
    _refuse_misplaced(args)
    options: dict[str, Any] = {
        "ttl": ttl,
        "mode": MODE_GCM if args.gcm else MODE_CBC,
        "payload": args.payload,
    }
    if args.room_id is not None:
        options.update(room_id=args.room_id, login=not args.no_login, publish=not args.no_publish)
        options.update(stream_ids=args.stream_id, payload=None)
    return options


def _refuse_misplaced(args: argparse.Namespace) -> None:
    if args.room_id is None and (args.no_login or args.no_publish or args.stream_id):
        raise Exit("--no-login, --no-publish and --stream-id go with --room-id")
    if args.room_id is not None and args.payload:
        raise Exit("--payload goes without --room-id (which makes the payload)")
    if args.user_name and not args.kit_room_id:
        raise Exit("--user-name goes with --kit-room-id")


def _warn_of_sdk_rules(project: ZegoProject, token: str, args: argparse.Namespace) -> None:
    """What check finds of ZEGO's ID rules (and the payload) in a token generate made: the SDK will
    refuse it."""
    options = {
        **_WARNED,
        "room-id-format": "--room-id" if args.room_id is not None else "--kit-room-id",
    }
    room, privileges = (
        args.room_id or args.kit_room_id,
        {"login_privilege": False, "publish_privilege": False},
    )
    reports = [
        project.check(token, room_id=room, stream_id=s, **privileges)
        for s in args.stream_id or [None]
    ]
    for option, problem in {
        options[f.code]: f.problem for r in reports for f in r.findings if f.code in options
    }.items():
        write(
            f"zego-token04: warning: {option} {problem.split(' ', 1)[1]}: a login with it is "
            "refused",
            stdout=False,
        )


def _decode(args: argparse.Namespace) -> int:
    secret, token, expired = (
        read_secret(args.secret_file, SECRET_ENV),
        token_argument(args.token),
        None,
    )
    try:
        decoded: Any = read_token(
            token, secret, leeway=read_seconds(args.leeway or "0", "--leeway")
        )
    except ExpiredTokenError as error:
        decoded, expired = error.contents, error
    except InvalidTokenError as error:
        raise Exit(f"invalid token: {error}", EXIT_REFUSED) from None
    if holds_secret(decoded, secret):
        raise Exit(
            "the token holds the ServerSecret (none of it is shown): make a new one, treat the "
            "secret as exposed",
            EXIT_REFUSED,
        )
    document = {**describe(decoded), "expired": expired is not None}
    lines = [f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in document.items()]
    write(to_json(document) if args.json else "\n".join(lines))
    if expired is not None:
        raise Exit(str(expired), EXIT_REFUSED)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, SECRET_ENV)
    login = {"user_id": args.user_id, "room_id": args.room_id, "stream_id": args.stream_id}
    login["app_id"] = (
        read_app_id(args.app_id) if args.app_id or os.environ.get(APP_ID_ENV) else None
    )
    login.update(
        login_privilege=not args.no_login_check, publish_privilege=not args.no_publish_check
    )
    login.update(
        product="zim" if args.zim else "rtc", leeway=read_seconds(args.leeway or "0", "--leeway")
    )
    report = check_token04(token_argument(args.token), secret, **login)
    write(to_json(report.as_dict(_REMEDIES)) if args.json else "\n".join(report.lines(_REMEDIES)))
    return EXIT_OK if report.ok else EXIT_REFUSED


def _sign(args: argparse.Namespace) -> int:
    secret, params = read_secret(args.secret_file, SECRET_ENV), _params(args.param or [])
    printed = [args.action, args.product, args.base_url, *(args.param or [])]
    if any(text and holds_secret(text, secret) for text in printed):  # the URL is printed, and sent
        raise Exit(
            "ACTION, --param, --product or --base-url holds the ServerSecret; it would be in "
            "the URL"
        )
    where = {"product": args.product or "rtc", "region": args.region, "base_url": args.base_url}
    try:
        checked_base_url(**where)
    except ValueError:
        raise Exit(_where_refusal(args)) from None
    try:
        write(ZegoProject(read_app_id(args.app_id), secret).api_url(args.action, params, **where))
    except (TypeError, ValueError):
        raise Exit(
            "--param: each KEY must be printable and not a common parameter (Action, AppId, ...)"
        ) from None
    return EXIT_OK


def _params(pairs: list[str]) -> dict[str, str | list[str]]:
    """--param KEY=VALUE pairs; a KEY given twice, or written KEY[], is a list: KEY[]=a&KEY[]=b."""
    params: dict[str, str | list[str]] = {}
    for name, equals, value in (pair.partition("=") for pair in pairs):
        key = name.removesuffix("[]")
        if not (key and equals):
            raise Exit("--param must be KEY=VALUE (KEY[]=VALUE for a list)")
        held = params.get(key)
        if held is None:
            params[key] = [value] if name.endswith("[]") else value
        else:
            params[key] = [*([held] if isinstance(held, str) else held), value]
    return params


def _where_refusal(args: argparse.Namespace) -> str:
    if args.base_url is not None:
        return (
            "--base-url must be an http:// or https:// URL with a host, no query and no white space"
        )
    if (args.product or "rtc") not in PRODUCTS:
        return (
            f"--product must be one of {', '.join(PRODUCTS)} (another product's host: --base-url)"
        )
    return f"--region must be one of {', '.join(REGIONS)}"


def _verify_callback(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, CALLBACK_SECRET_ENV)
    max_age = None if args.max_age is None else read_seconds(args.max_age, "--max-age")
    try:
        write(
            to_json(
                verify_callback(read_stdin("the callback's body").strip(), secret, max_age=max_age)
            )
        )
    except InvalidCallbackError as error:
        raise Exit(f"not ZEGO's callback ({error.reason}): {error}", EXIT_REFUSED) from None
    return EXIT_OK


def _build_parser() -> tuple[argparse.ArgumentParser, dict[str, list[str]]]:
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
            command.set_defaults(run=_RUN[head])
            options[head] = names = ["--secret-file"]
            secret = CALLBACK_SECRET_ENV if head == "verify-callback" else SECRET_ENV
            command.add_argument(
                "--secret-file", metavar="PATH", help=f"read the secret here (default: ${secret})"
            )
            continue
        name, metavar = head.split()
        if metavar == "flag":
            command.add_argument(name, action="store_true", help=help_text)
        else:  # METAVAR* may be given more than once
            many = metavar.endswith("*")
            command.add_argument(
                name,
                metavar=metavar.rstrip("*"),
                help=help_text,
                action="append" if many else "store",
            )
        names += [name] if name.startswith("--") else []
    return parser, options


_RAW = argparse.RawDescriptionHelpFormatter
_DESCRIPTION = (
    "Make, read and check ZEGO token04s; sign Server API requests; verify ZEGO's callbacks."
)
_RUN = {
    "generate": _generate,
    "decode": _decode,
    "check": _check,
    "sign": _sign,
    "verify-callback": _verify_callback,
}
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
  --product NAME: the product's host: rtc (default), zim, cloudrecord, whiteboard, docs, analytics
  --region REGION: a regional host (sha, hkg, fra, lax, bom, sgp)
  --base-url URL: an http(s) URL instead of ZEGO's host (a proxy, a test server)
verify-callback: is the callback body on stdin ZEGO's? (exit 1 if not; its fields as JSON if so)
  --max-age SECONDS: refuse a callback older than this (allow for ZEGO's retries)
"""
