"""Read ZEGO "token03" tokens, the older format, so that a login made with one can be told apart.

A token03 is ``"03" + base64(frame)``, the frame a token04's CBC frame, around
the compact UTF-8 JSON body::

    {"app_id":1,"room_id":"room1","user_id":"demo","privilege":{"1":1,"2":0},
     "create_time":1700000000,"expire_time":1700003600,"nonce":1067280902019847021}

ZEGO's official repository still ships token03 generators; ZEGO asks for
token04 now. ZIM's SDK refuses a token03; the Express SDKs still read one.
This module reads them; it makes none.
"""

from __future__ import annotations

from typing import NamedTuple

from ._frame import (
    APP_ID_MEMBER,
    MODE_CBC,
    TEXT_MEMBER,
    USER_ID_MEMBER,
    Member,
    decrypt,
    int_member,
    read_body,
    read_frame,
)
from ._values import Seconds, checked_options, require_secret
from .errors import InvalidTokenError

__all__ = ["VERSION", "Token03", "decode_token03"]

VERSION = "03"
"""What a token03 starts with."""


class Token03(NamedTuple):
    """The contents of a decoded token03."""

    app_id: int
    """The project's AppID."""
    user_id: str
    """The user the token is for."""
    room_id: str
    """The room the token is for."""
    login: bool
    """Privilege 1: may log in to the room."""
    publish: bool
    """Privilege 2: may publish streams."""
    nonce: int
    """A random number drawn when the token was made."""
    ctime: int
    """The body's create_time."""
    expire: int
    """The body's expire_time."""


def _is_privilege(value: object) -> bool:
    return (
        isinstance(value, dict)
        and sorted(value) == ["1", "2"]
        and all(type(v) is int and v in (0, 1) for v in value.values())
    )


_MEMBERS = {
    "app_id": APP_ID_MEMBER,
    "room_id": TEXT_MEMBER,
    "user_id": USER_ID_MEMBER,
    "privilege": Member('an object with the keys "1" and "2", each 0 or 1', _is_privilege),
    "create_time": int_member(64),
    "expire_time": int_member(64),
    # Generators differ: signed or not.
    "nonce": Member("a 64-bit int", lambda value: type(value) is int and -(2**63) <= value < 2**64),
}


def decode_token03(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
    mode: str | None = None,
) -> Token03:
    """Decrypt and check a token03 with ``secret``; return what it holds.

    The mirror of ``decode_token04``, with its frame rules, refusals and
    arguments: ``InvalidTokenError`` (``ExpiredTokenError``) for anything about
    the token; TypeError or ValueError for a malformed secret, ``now``,
    ``leeway`` or ``mode`` (a token03 is always CBC).
    """
    options = checked_options(now, leeway, verify_expiry, mode)
    secret = require_secret(secret)
    frame = read_frame(token, VERSION, options.mode)
    if frame.mode != MODE_CBC:
        raise InvalidTokenError("a token03 frame is CBC (an IV of 16 bytes); this one is GCM")
    body = decrypt(frame, secret, VERSION)
    members = read_body(body, VERSION, _MEMBERS, ("expire_time", frame.expire))
    privilege: dict[str, int] = members["privilege"]  # type: ignore[assignment]
    contents = Token03(
        members["app_id"],  # type: ignore[arg-type]
        members["user_id"],  # type: ignore[arg-type]
        members["room_id"],  # type: ignore[arg-type]
        privilege["1"] == 1,
        privilege["2"] == 1,
        members["nonce"],  # type: ignore[arg-type]
        members["create_time"],  # type: ignore[arg-type]
        members["expire_time"],  # type: ignore[arg-type]
    )
    return options.unexpired(contents)
