"""The command's five commands: each parses its options, calls the library and prints.

``COMMANDS`` maps a command's name to its function, which takes the parsed
arguments and returns the exit status, or raises ``Exit``.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, Callable

from .._values import parse_whole_number
from ..check import check_token04
from ..check._reader import describe, holds_secret, read_token
from ..errors import ExpiredTokenError, InvalidTokenError, TokenError
from ..kit import KitToken, make_kit_token
from ..project import ZegoProject
from ..project._environment import APP_ID_ENV, SECRET_ENV
from ..token04 import MAX_BODY_BYTES, MODE_CBC, MODE_GCM
from ._console import (
    EXIT_OK,
    EXIT_REFUSED,
    Exit,
    read_app_id,
    read_seconds,
    read_secret,
    to_json,
    token_argument,
    write,
)
from ._server import actions_command, sign, verify_callback_command

__all__ = ["COMMANDS"]

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
_ID_OPTIONS = {"user_id": "--user-id", "room_id": "--room-id", "stream_id": "--stream-id"}
_WARNED = {
    "user-id-format": "--user-id",
    "stream-id-format": "--stream-id",
    "payload-invalid": "--payload",
}


def _generate(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, SECRET_ENV)
    project, options = ZegoProject(read_app_id(args.app_id), secret), _token_options(args)
    try:
        token = project.token(args.user_id, **options)
    except TokenError as error:
        raise Exit(_refusal(error)) from None
    kit = _kit_token(project, token, args) if args.kit_room_id else ""
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


def _refusal(error: TokenError) -> str:
    """What generate says of a value ZegoProject.token refused, in the words of its options."""
    said = str(error)
    for kind, option in _ID_OPTIONS.items():
        if said.startswith(f"{kind} ") and not said.startswith(f"{kind} must"):  # an SDK rule
            return _as_option(option, said)
    return _REFUSALS.get(error.argument, said)


def _as_option(option: str, problem: str) -> str:
    """An ID rule's problem ("user_id has characters ...") in the words of the option it came by."""
    return f"{option} {problem.split(' ', 1)[1]}"


def _kit_token(project: ZegoProject, token: str, args: argparse.Namespace) -> str:
    try:
        return make_kit_token(
            token, project.app_id, args.kit_room_id, args.user_id, args.user_name or ""
        )
    except TokenError as error:
        raise Exit(_REFUSALS.get(error.argument, str(error))) from None


def _token_options(args: argparse.Namespace) -> dict[str, Any]:
    """ZegoProject.token's options from generate's, each refused alone if it is missing or out of
    place."""
    ttl = parse_whole_number("3600" if args.ttl is None else args.ttl)
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
            f"zego-token04: warning: {_as_option(option, problem)}: a login with it is refused",
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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "generate": _generate,
    "decode": _decode,
    "check": _check,
    "sign": sign,
    "actions": actions_command,
    "verify-callback": verify_callback_command,
}
"""Each command's function, by the command's name."""
