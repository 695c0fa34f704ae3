"""Any token text read by the one reader that fits it, and the one rule for a secret inside a token.

``read_token`` is the only place that chooses between decode_kit_token,
decode_token03 and decode_token04. ``holds_secret`` is the only place that
decides whether what a token holds spells the project's secret; whatever shows
a token's content (check_token04, the command) asks it first, and shows none of
the content when it says yes.
"""

from __future__ import annotations

from typing import Any, Callable, Union

from .._values import DecodeOptions, utc_datetime
from ..errors import InvalidTokenError
from ..kit import KIT_SEPARATOR, KitToken, decode_kit_token
from ..payload import parse_rtc_room_payload
from ..token03 import VERSION as TOKEN03_VERSION
from ..token03 import Token03, decode_token03
from ..token04 import Token04, decode_token04

__all__ = ["AnyToken", "read_token", "holds_secret", "describe"]

AnyToken = Union[Token04, Token03, KitToken]
"""What read_token returns: a Token04, a Token03 or a KitToken, whichever the token was (tell
them apart with isinstance)."""


def read_token(token: str, secret: str, options: DecodeOptions = DecodeOptions()) -> AnyToken:
    """What any token text holds: a kit token (it has a "#"), a token03 ("03...") or a token04.

    ``options`` are the reader's (decode_kit_token, decode_token03, decode_token04), and so are
    the errors: InvalidTokenError or ExpiredTokenError for the token, TypeError or ValueError for
    the caller's configuration.
    """
    read: Callable[..., AnyToken] = decode_token04
    if isinstance(token, str) and KIT_SEPARATOR in token:
        read = decode_kit_token
    elif isinstance(token, str) and token.startswith(TOKEN03_VERSION):
        read = decode_token03
    return read(token, secret, **options._asdict())


def holds_secret(value: str | tuple[object, ...], secret: str) -> bool:
    """True if ``value`` (a str, or a decoded token: every str it holds, at any depth) holds
    ``secret`` as it is written: a plain search of the decoded fields."""
    if isinstance(value, str):
        return secret in value
    return any(isinstance(item, (str, tuple)) and holds_secret(item, secret) for item in value)


def describe(decoded: AnyToken) -> dict[str, Any]:
    """What a decoded token holds, as a JSON-ready dict: its ``format`` ("token04", "token03",
    "kittoken"), its fields, ``expires_at`` (ISO 8601, UTC), a token04's ``privilege_payload``
    as parse_rtc_room_payload reads it (None if it reads none), and a kit token's ``token``
    (what its token04 holds) described so too.

    Show it only after holds_secret has said no: it holds every field of the token."""
    document: dict[str, Any] = {"format": type(decoded).__name__.lower(), **decoded._asdict()}
    if isinstance(decoded, KitToken):
        document["token"] = describe(decoded.token)
        return document
    document["expires_at"] = utc_datetime(decoded.expire).isoformat().replace("+00:00", "Z")
    if isinstance(decoded, Token04):
        try:
            document["privilege_payload"] = parse_rtc_room_payload(decoded.payload)._asdict()
        except InvalidTokenError:
            document["privilege_payload"] = None
    return document
