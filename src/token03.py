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

from typing import Callable, NamedTuple

from . import token04
from .token04 import InvalidTokenError, Seconds, Token04

__all__ = ["TOKEN03_VERSION", "Token03", "decode_token03"]

TOKEN03_VERSION = "03"
"""What a token03 starts with."""


class Token03(NamedTuple):
    """The contents of a decoded token03."""

    app_id: int
    user_id: str
    room_id: str
    """The room the token is for."""
    login: bool
    """Privilege 1: may log in to the room."""
    publish: bool
    """Privilege 2: may publish streams."""
    nonce: int
    ctime: int
    """The body's create_time."""
    expire: int
    """The body's expire_time."""


def decode_token03(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
) -> Token03:
    """Decrypt and check a token03 with ``secret``; return what it holds.

    The mirror of ``decode_token04``, with its frame rules, refusals and
    arguments: ``InvalidTokenError`` (``ExpiredTokenError``) for anything about
    the token; TypeError or ValueError for a malformed secret, ``now`` or
    ``leeway``.
    """
    now_seconds, leeway_seconds = token04._clock(now, leeway, verify_expiry)
    secret = token04._require_secret(secret)
    contents = _read_body(*token04._open(token, secret, TOKEN03_VERSION))
    if verify_expiry:
        token04._verify_expiry(contents.expire, now_seconds, leeway_seconds)
    return contents


def _decoder(token: object) -> Callable[..., Token03 | Token04]:
    """The function that reads this token: decode_token03 for one that starts "03", else decode_token04."""
    text = token04._as_str(token)
    return decode_token03 if text is not None and text.startswith(TOKEN03_VERSION) else token04.decode_token04


_BODY_MEMBER_NAMES = frozenset(("app_id", "room_id", "user_id", "privilege", "create_time", "expire_time", "nonce"))
_PRIVILEGE_KEYS = frozenset(token04._PRIVILEGE_KEYS)
_NONCE_MIN, _NONCE_MAX = -(2**63), 2**64 - 1  # signed or unsigned: the generators differ


def _read_body(mode: str, frame_expire: int, body: bytes) -> Token03:
    """A token03's contents from its body: a UTF-8 JSON object of exactly its seven members."""
    if mode != token04.MODE_CBC:
        raise InvalidTokenError("a token03 frame is CBC (an IV of 16 bytes); this one is GCM")
    try:
        members = token04._json_object(body.decode("utf-8"))
    except (ValueError, RecursionError):
        members = None
    if type(members) is not dict or members.keys() != _BODY_MEMBER_NAMES:
        raise InvalidTokenError(
            "token03 body is not a JSON object with exactly the members " + ", ".join(sorted(_BODY_MEMBER_NAMES))
        )
    login, publish = _privileges(members["privilege"])
    contents = Token03(
        members["app_id"],
        members["user_id"],
        members["room_id"],
        login,
        publish,
        members["nonce"],
        members["create_time"],
        members["expire_time"],
    )
    _check_body_values(contents)
    token04._same_expire(contents.expire, frame_expire)
    return contents


def _privileges(privilege: object) -> tuple[bool, bool]:
    """(login, publish) from the body's privilege object: keys "1" and "2", each 0 or 1."""
    if type(privilege) is not dict or privilege.keys() != _PRIVILEGE_KEYS:
        raise InvalidTokenError('token03 body\'s privilege is not an object with exactly the keys "1" and "2"')
    values = [privilege[key] for key in token04._PRIVILEGE_KEYS]
    if not all(type(value) is int and value in (0, 1) for value in values):
        raise InvalidTokenError("token03 body's privileges are not each 0 or 1")
    return values[0] == 1, values[1] == 1


def _check_body_values(contents: Token03) -> None:
    """Refuse a body member of the wrong type or range."""
    if token04._app_id_value(contents.app_id) is None:
        raise InvalidTokenError(f"token03 body's app_id is not {token04._APP_ID_RULE}")
    if not (type(contents.user_id) is str and contents.user_id and token04._as_text(contents.user_id) is not None):
        raise InvalidTokenError("token03 body's user_id is not a non-empty string")
    if not (type(contents.room_id) is str and token04._as_text(contents.room_id) is not None):
        raise InvalidTokenError("token03 body's room_id is not a string")
    if not token04._is_int_in(contents.nonce, _NONCE_MIN, _NONCE_MAX):
        raise InvalidTokenError("token03 body's nonce is not a 64-bit int")
    for name, value in (("create_time", contents.ctime), ("expire_time", contents.expire)):
        if not token04._is_int_in(value, token04._INT64_MIN, token04._INT64_MAX):
            raise InvalidTokenError(f"token03 body's {name} is not a 64-bit int")
