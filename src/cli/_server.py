"""The command's server-side commands: actions (ZEGO's catalogue), sign (a Server API URL) and
verify-callback."""

from __future__ import annotations

import argparse

from ..check._report import holds_secret
from ..project import ZegoProject
from ..project._environment import CALLBACK_SECRET_ENV, SECRET_ENV
from ..server import InvalidCallbackError, verify_callback
from ..server._callbacks import DEFAULT_MAX_AGE
from ..server._rules import actions, from_text, products
from ..server._signing import REGIONS, checked_base_url
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

__all__ = ["actions_command", "sign", "verify_callback_command"]


def sign(args: argparse.Namespace) -> int:
    secret, params = read_secret(args.secret_file, SECRET_ENV), _params(args.param or [])
    printed = [args.action, args.product, args.base_url, *(args.param or [])]
    if any(text and holds_secret(text, secret) for text in printed):  # the URL is printed, and sent
        raise Exit(
            "ACTION, --param, --product or --base-url holds the ServerSecret; it would be in "
            "the URL"
        )
    refusal = _where_refusal(args)
    if refusal:
        raise Exit(refusal)
    if args.action not in actions() and args.product is None:
        raise Exit(
            f"ACTION: {args.action} is not an Action ZEGO documents (zego-token04 actions "
            "lists them); one newer than this command needs --product"
        )
    zego = ZegoProject(read_app_id(args.app_id), secret, region=args.region, base_url=args.base_url)
    try:
        write(zego.api_url(args.action, from_text(args.action, params), product=args.product))
    except (TypeError, ValueError) as error:
        raise Exit(f"--param: {error}") from None
    return EXIT_OK


def actions_command(args: argparse.Namespace) -> int:
    """The Actions whose name, product or group holds WORD: product, method, rate limit."""
    word = (args.word or "").lower()
    found = {
        name: facts
        for name, facts in actions().items()
        if word in name.lower() or word in (facts["product"], facts["group"])
    }
    rows = [
        {"action": name, "product": facts["product"], "method": facts["method"]}
        | {"rate_limit": _rate(facts["rate_limit"]), "page": facts["page"]}
        for name, facts in found.items()
    ]
    if args.json:
        write(to_json({"actions": rows}))
    else:
        width = max((len(row["action"]) for row in rows), default=0)
        for row in rows:
            product, method = f"{row['product']:<11}", f"{row['method']:<4}"
            write(f"{row['action']:<{width}}  {product} {method}  {row['rate_limit']}".rstrip())
    return EXIT_OK if rows else EXIT_REFUSED


def _rate(limit: dict[str, list[int]] | None) -> str:
    """A rate limit as numbers: "10/s", or "1/10 s"."""
    if not limit or "limit" not in limit:
        return ""
    calls, seconds = limit["limit"]
    return f"{calls}/s" if seconds == 1 else f"{calls}/{seconds} s"


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
        try:
            checked_base_url(args.base_url)
        except ValueError:
            return "--base-url must be an http:// or https:// URL with a host, no query, no space"
    if args.product not in (None, *products()):
        return f"--product must be one of {', '.join(products())} (another host: --base-url)"
    if args.region not in (None, *REGIONS):
        return f"--region must be one of {', '.join(REGIONS)}"
    return ""


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
