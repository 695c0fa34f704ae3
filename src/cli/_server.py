"""The command's server-side commands: sign (a Server API URL) and verify-callback."""

from __future__ import annotations

import argparse

from ..check._reader import holds_secret
from ..project import ZegoProject
from ..project._environment import CALLBACK_SECRET_ENV, SECRET_ENV
from ..server import InvalidCallbackError, verify_callback
from ..server._callbacks import DEFAULT_MAX_AGE
from ..server._signing import PRODUCTS, REGIONS, checked_base_url
from ._console import (
    EXIT_OK,
    EXIT_REFUSED,
    Exit,
    read_app_id,
    read_seconds,
    read_secret,
    read_stdin,
    to_json,
    write,
)

__all__ = ["sign", "verify_callback_command"]


def sign(args: argparse.Namespace) -> int:
    secret, params = read_secret(args.secret_file, SECRET_ENV), _params(args.param or [])
    printed = [args.action, args.product, args.base_url, *(args.param or [])]
    if any(text and holds_secret(text, secret) for text in printed):  # the URL is printed, and sent
        raise Exit(
            "ACTION, --param, --product or --base-url holds the ServerSecret; it would be in "
            "the URL"
        )
    try:
        checked_base_url(args.base_url, args.product or "rtc", args.region)
    except ValueError:
        raise Exit(_where_refusal(args)) from None
    zego = ZegoProject(read_app_id(args.app_id), secret, region=args.region, base_url=args.base_url)
    try:
        write(zego.api_url(args.action, params, product=args.product or "rtc"))
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


def verify_callback_command(args: argparse.Namespace) -> int:
    secret = read_secret(args.secret_file, CALLBACK_SECRET_ENV)
    max_age = DEFAULT_MAX_AGE if args.max_age is None else read_seconds(args.max_age, "--max-age")
    try:
        write(
            to_json(
                verify_callback(read_stdin("the callback's body").strip(), secret, max_age=max_age)
            )
        )
    except InvalidCallbackError as error:
        raise Exit(f"not ZEGO's callback ({error.reason}): {error}", EXIT_REFUSED) from None
    return EXIT_OK
