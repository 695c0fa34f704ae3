"""The command's five commands: each parses its options, calls the library and prints.

``COMMANDS`` maps a command's name to its function, which takes the parsed
arguments and returns the exit status, or raises ``Exit``.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, Callable

from .._values import DecodeOptions, parse_whole_number
from ..check import check_token04
from ..check._report import describe, holds_secret, read_token
from ..check._sdk import id_rule
from ..errors import ExpiredTokenError, InvalidTokenError, TokenError
from ..kit import KitToken, make_kit_token
from ..project import ZegoProject
from ..project._environment import APP_ID_ENV, SECRET_ENV
from ..token04 import MODE_CBC, MODE_GCM
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

_OPTIONS = {  # TokenError.argument -> the option that gave it
    "user_id": "--user-id",
    "ttl": "--ttl",
    "payload": "--payload",
    "room_id": "--room-id",
    "stream_ids": "--stream-id",
    "user_name": "--user-name",
}
_TTL_REFUSAL = "--ttl must be a whole number of seconds > 0 whose expire time fits a 64-bit number"
_REMEDIES = {  # check's remedies, for the codes whose Python remedy names no option of the command
    "zim-payload": "make it with generate, without --payload or --room-id",
    "no-privilege-payload": "make it with generate --room-id ROOM (or check with "
    "--no-login-check --no-publish-check)",
    "payload-invalid": "make the payload with generate --room-id",
    "duration-too-long": "make it with a --ttl of at most 24 days",
    "expire-beyond-2038": "make it with a --ttl of at most 24 days",
}


def _generate(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, SECRET_ENV)
    project, options = ZegoProject(read_app_id(args.app_id), secret), _token_options(args)
    try:
        token = project.token(args.user_id, **options)
    except TokenError as error:
        raise Exit(_refusal(error)) from None
    kit = _kit_token(project, token, args) if args.kit_room_id else ""
    made = read_token(kit or token, secret, DecodeOptions(verify_expiry=False))
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


def _refusal(error: TokenError, **options: str) -> str:
    """A value the library refused, as the option that gave it and the rule it breaks."""
    option = {**_OPTIONS, **options}.get(error.argument, error.argument)
    return f"{option} {error.rule}"


def _kit_token(project: ZegoProject, token: str, args: argparse.Namespace) -> str:
    try:
        return make_kit_token(
            token, project.app_id, args.kit_room_id, args.user_id, args.user_name or ""
        )
    except TokenError as error:
        raise Exit(_refusal(error, room_id="--kit-room-id")) from None


def _token_options(args: argparse.Namespace) -> dict[str, Any]:
    """ZegoProject.token's options from generate's, each refused alone if it is missing or out of
    place."""
    ttl = parse_whole_number("3600" if args.ttl is None else args.ttl)
    if args.user_id is None:
        raise Exit("--user-id is required")
    if not ttl:
        raise Exit(_TTL_REFUSAL)
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
    """What some ZEGO SDK will refuse of the IDs (and the payload) generate made a token with:
    the option and the rule it breaks."""
    room_option = "--room-id" if args.room_id is not None else "--kit-room-id"
    given = [("--user-id", "user_id", args.user_id)]
    given += [(room_option, "room_id", args.room_id or args.kit_room_id)]
    given += [("--stream-id", "stream_id", stream) for stream in args.stream_id or []]
    said = {option: id_rule(kind, value) for option, kind, value in given if value}
    said["--payload"] = _payload_rule(project, token) if args.payload else None
    for option, rule in said.items():
        if rule:
            write(
                f"zego-token04: warning: {option} {rule}: a login with it is refused", stdout=False
            )


def _payload_rule(project: ZegoProject, token: str) -> str | None:
    report = project.check(token, login_privilege=False, publish_privilege=False)
    invalid = any(finding.code == "payload-invalid" for finding in report.findings)
    return "is not a privilege payload ZEGO reads" if invalid else None


def _decode(args: argparse.Namespace) -> int:
    secret, token, expired = (
        read_secret(args.secret_file, SECRET_ENV),
        token_argument(args.token),
        None,
    )
    try:
        decoded: Any = read_token(token, secret, _options(args))
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
    login.update(product="zim" if args.zim else "rtc", options=_options(args))
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


def _options(args: argparse.Namespace) -> DecodeOptions:
    return DecodeOptions(leeway=read_seconds(args.leeway or "0", "--leeway"))
