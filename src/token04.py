"""Generate and decode ZEGO "token04" authentication tokens: upstream's module, done properly.

A token04 is ``"04" + base64(frame)`` (see ``frame``): AES-256 under the
project's ServerSecret, around a compact JSON body::

    {"app_id":1,"user_id":"demo","nonce":123,"ctime":1700000000,"expire":1700003600,"payload":""}

(ZEGOCLOUD's UIKit writes the same body without ``payload``; it reads as "".)

``generate_token04`` never raises: bad input gives a ``TokenInfo`` whose token
is "" and whose ``error_code`` says which argument was refused. ``decode_token04``
raises ``InvalidTokenError`` (``ExpiredTokenError``) for every way a token can
be bad; a malformed secret, ``now``, ``leeway`` or ``mode`` is the caller's
configuration and raises TypeError or ValueError instead.

The ServerSecret is held only in variables named ``secret``, which error
trackers that record local variables (Sentry, ``pytest --showlocals``) hide.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ._body import APP_ID_MEMBER, TEXT_MEMBER, USER_ID_MEMBER, BodyRule, int_member, read_body
from ._frame import MAX_TOKEN_LENGTH, MODE_CBC, MODE_GCM, Frame, decrypt, new_iv, read_frame, seal
from .errors import (
    ERROR_CODE_APP_ID_INVALID,
    ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
    ERROR_CODE_MODE_INVALID,
    ERROR_CODE_PAYLOAD_INVALID,
    ERROR_CODE_SECRET_INVALID,
    ERROR_CODE_SUCCESS,
    ERROR_CODE_USER_ID_INVALID,
    ExpiredTokenError,
    InvalidTokenError,
    TokenError,
)
from .values import (
    APP_ID_RULE,
    SECRET_RULE,
    Seconds,
    app_id_value,
    as_int,
    as_str,
    as_text,
    clock,
    plain_secret,
    require_secret,
    utc_datetime,
)
from .values import seconds as seconds_value

if TYPE_CHECKING:  # at run time, __getattr__ below
    from .payload import (
        PRIVILEGE_DISABLE,
        PRIVILEGE_ENABLE,
        PRIVILEGE_KEY_LOGIN,
        PRIVILEGE_KEY_PUBLISH,
        RtcRoomPayload,
        parse_rtc_room_payload,
        rtc_room_payload,
    )

__all__ = [
    "VERSION",
    "ERROR_CODE_SUCCESS",
    "ERROR_CODE_APP_ID_INVALID",
    "ERROR_CODE_USER_ID_INVALID",
    "ERROR_CODE_SECRET_INVALID",
    "ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID",
    "ERROR_CODE_PAYLOAD_INVALID",
    "ERROR_CODE_MODE_INVALID",
    "MODE_CBC",
    "MODE_GCM",
    "MAX_BODY_BYTES",
    "MAX_NONCE_DIGITS",
    "MAX_TOKEN_LENGTH",
    "PRIVILEGE_KEY_LOGIN",
    "PRIVILEGE_KEY_PUBLISH",
    "PRIVILEGE_ENABLE",
    "PRIVILEGE_DISABLE",
    "TokenInfo",
    "Token04",
    "RtcRoomPayload",
    "InvalidTokenError",
    "ExpiredTokenError",
    "make_token04",
    "generate_token04",
    "encode_token04",
    "decode_token04",
    "Expiring",
    "check_expiry",
    "rtc_room_payload",
    "parse_rtc_room_payload",
]

VERSION = "04"
"""What a token04 starts with."""
MAX_BODY_BYTES = 65519
"""The largest UTF-8 JSON body a token can carry: the frame stores the ciphertext's length in
16 bits, and both modes add up to 16 bytes (CBC padding, the GCM tag). The body is measured with
its nonce at its longest (MAX_NONCE_DIGITS), so whether a payload fits never depends on the nonce
drawn."""
MAX_NONCE_DIGITS = 10
"""Digits of the longest nonce generate_token04 draws (2147483647)."""

_INT64_MAX = 2**63 - 1
_BODY_RULES: dict[str, BodyRule] = {
    "app_id": APP_ID_MEMBER,
    "user_id": USER_ID_MEMBER,
    "nonce": int_member(32),
    "ctime": int_member(64),
    "expire": int_member(64),
    "payload": BodyRule("a string", lambda value: value is None or TEXT_MEMBER.test(value)),
}
_json_string = json.JSONEncoder(ensure_ascii=False).encode


class TokenInfo(NamedTuple):
    """The result of generate_token04: a token, or "" and why not."""

    token: str
    """The token04, or "" when it could not be made."""
    error_code: int
    """ERROR_CODE_SUCCESS (0), or the ERROR_CODE_* of the argument refused."""
    error_message: str
    """"success", or what was wrong with the argument (never the secret)."""


class Token04(NamedTuple):
    """The contents of a decoded token04."""

    app_id: int
    """The project's AppID."""
    user_id: str
    """The user the token is for."""
    nonce: int
    """A random 31-bit number drawn when the token was made."""
    ctime: int
    """When it was made (Unix seconds)."""
    expire: int
    """When it expires (Unix seconds)."""
    payload: str
    """The payload: "" for a basic token, or a privilege payload (see parse_rtc_room_payload)."""
    mode: str
    """MODE_CBC or MODE_GCM."""

    @property
    def expires_at(self) -> datetime:
        """``expire`` as an aware UTC datetime."""
        return utc_datetime(self.expire)


def make_token04(
    app_id: int,
    user_id: str,
    secret: str,
    ttl: int,
    payload: str | None = "",
    *,
    mode: str = MODE_CBC,
    now: float | None = None,
) -> str:
    """A token04 for ``user_id``, valid ``ttl`` seconds from ``now``: generate_token04, raising.

    The arguments are generate_token04's (``ttl`` is its effective_time_in_seconds).
    Raises TokenError (``error_code``, ``argument``) for the first argument, in
    upstream's order, a token cannot be made with; TypeError or ValueError for a
    ``now`` that is not a number of seconds.
    """
    ctime = int(time.time()) if now is None else int(seconds_value(now, "now"))
    _refuse(app_id, user_id, secret, ttl, payload, mode, ctime)
    secret = plain_secret(secret) or ""  # its plain value (a str subclass's methods are not called)
    contents = _new_contents(app_id, user_id, ctime, ttl, payload, mode)
    return encode_token04(contents, secret, new_iv(contents.mode))


def generate_token04(
    app_id: int,
    user_id: str,
    secret: str,
    effective_time_in_seconds: int,
    payload: str | None = "",
    *,
    mode: str = MODE_CBC,
    now: int | None = None,
) -> TokenInfo:
    """Make a token04 for ``user_id`` that expires ``effective_time_in_seconds`` after ``now``.

    ``payload`` is "" (or None) for a basic token, or a privilege payload such
    as ``rtc_room_payload("room1")``. ``mode`` is MODE_CBC (the default, what
    every official generator makes) or MODE_GCM. ``now`` is the Unix time the
    token is made at (default: the clock), for tests and for reproducible tokens.

    Never raises: on bad input the result is ``TokenInfo("", code, message)``
    with one of the ERROR_CODE_* constants; on success the code is 0.
    """
    try:
        token = make_token04(
            app_id, user_id, secret, effective_time_in_seconds, payload, mode=mode, now=now
        )
    except TokenError as error:
        message = str(error)
        if error.argument == "ttl":  # in upstream's words
            message = message.replace("ttl", "effective_time_in_seconds", 1)
        return TokenInfo("", error.error_code, message)
    except (TypeError, ValueError):  # now: upstream has no code of its own for it
        return TokenInfo("", ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID, _NOW_RULE)
    return TokenInfo(token, ERROR_CODE_SUCCESS, "success")


_NOW_RULE = "now must be a number of Unix seconds"
_REFUSALS = {  # each argument's code and refusal, in upstream's order of checks
    "app_id": (ERROR_CODE_APP_ID_INVALID, f"app_id must be {APP_ID_RULE}"),
    "user_id": (
        ERROR_CODE_USER_ID_INVALID,
        "user_id must be a non-empty str of valid Unicode text",
    ),
    "secret": (ERROR_CODE_SECRET_INVALID, f"secret must be {SECRET_RULE}"),
    "ttl": (
        ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
        "ttl must be an int > 0 whose expire time fits a signed 64-bit integer",
    ),
    "payload": (ERROR_CODE_PAYLOAD_INVALID, "payload must be text or None"),
    "mode": (ERROR_CODE_MODE_INVALID, 'mode must be "cbc" or "gcm"'),
}


def _refuse(
    app_id: object,
    user_id: object,
    secret: object,
    ttl: object,
    payload: object,
    mode: object,
    ctime: int,
) -> None:
    """TokenError for the first argument, in upstream's order, a token cannot be made with."""
    passed = (
        app_id_value(app_id) is not None,
        bool(as_text(user_id)),
        plain_secret(secret) is not None,
        _lifetime_fits(as_int(ttl), ctime),
        payload is None or as_text(payload) is not None,
        as_str(mode) in (MODE_CBC, MODE_GCM),
    )
    for argument, ok in zip(_REFUSALS, passed):
        if not ok:
            code, refusal = _REFUSALS[argument]
            raise TokenError(refusal, code, argument)


def _lifetime_fits(seconds: int | None, ctime: int) -> bool:
    return seconds is not None and 0 < seconds <= _INT64_MAX - ctime


def _new_contents(
    app_id: object, user_id: object, ctime: int, ttl: object, payload: object, mode: object
) -> Token04:
    """A new token's contents, from arguments _refusal took (their plain values), with a fresh
    nonce."""
    nonce = int.from_bytes(os.urandom(4), "big") >> 1
    expire = ctime + (as_int(ttl) or 0)
    plain_user_id, plain_payload = as_str(user_id) or "", as_str(payload) or ""
    return Token04(
        app_id_value(app_id) or 0,
        plain_user_id,
        nonce,
        ctime,
        expire,
        plain_payload,
        as_str(mode) or MODE_CBC,
    )


def encode_token04(contents: Token04, secret: str, iv: bytes) -> str:
    """The token04 that holds ``contents``, sealed with ``iv``: the deterministic mirror of
    decode_token04.

    ``contents`` must hold valid values (generate_token04 checks them). Raises
    TokenError (``ERROR_CODE_PAYLOAD_INVALID``) when the body is too large.
    """
    nonce_text = str(contents.nonce)
    body = (
        f'{{"app_id":{int(contents.app_id)},"user_id":{_json_string(contents.user_id)},'
        f'"nonce":{nonce_text},"ctime":{contents.ctime},"expire":{contents.expire},'
        f'"payload":{_json_string(contents.payload)}}}'
    ).encode()
    size_at_longest_nonce = len(body) - len(nonce_text) + MAX_NONCE_DIGITS
    if size_at_longest_nonce > MAX_BODY_BYTES:
        raise TokenError(
            f"token body would be {size_at_longest_nonce} bytes (with a "
            f"{MAX_NONCE_DIGITS}-digit nonce);"
            f" at most {MAX_BODY_BYTES} fit in a token: shorten the payload (or the user_id)",
            ERROR_CODE_PAYLOAD_INVALID,
            "payload",
        )
    return seal(VERSION, contents.mode, secret, contents.expire, iv, body)


def decode_token04(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
    mode: str | None = None,
) -> Token04:
    """Decrypt and check ``token`` with ``secret``; return what it holds.

    Raises ``InvalidTokenError`` for anything that is not a token04 made with
    this secret, and ``ExpiredTokenError`` (a subclass, carrying ``contents``)
    when ``verify_expiry`` is true and ``expire + leeway < now``. ``now``
    defaults to the current Unix time; ``now`` and ``leeway`` are real numbers
    of seconds or timedeltas (a negative leeway asks for that much validity
    left). ``mode`` pins the cipher (MODE_GCM: a CBC token is refused before
    anything is decrypted); None takes both. These and the secret are the
    caller's configuration: a wrong one raises TypeError or ValueError.
    """
    now_seconds, leeway_seconds = clock(now, leeway, verify_expiry)
    secret = require_secret(secret)
    frame = read_frame(token, VERSION, mode)
    contents = _contents(frame, decrypt(frame, secret, VERSION))
    if verify_expiry:
        check_expiry(contents, now_seconds, leeway_seconds)
    return contents


def _contents(frame: Frame, body: bytes) -> Token04:
    members = read_body(body, frame, VERSION, _BODY_RULES, expire="expire", optional="payload")
    members["payload"] = members.get("payload") or ""
    return Token04(**members, mode=frame.mode)  # type: ignore[arg-type]


class Expiring(Protocol):
    """Any decoded token: what check_expiry reads of it."""

    @property
    def expire(self) -> int: ...


def check_expiry(contents: Expiring, now: float, leeway: float) -> None:
    """Raise ExpiredTokenError (carrying ``contents``) if the token's ``expire`` plus ``leeway`` is
    before ``now``.

    The one place the library compares a token's expiry; ``contents`` is any
    decoded token (its ``expire`` in Unix seconds).
    """
    expire = contents.expire
    if expire + leeway >= now:
        return
    if expire < now:
        message = (
            f"token expired at {expire}, {now - expire:.0f} seconds before now (leeway "
            f"{leeway:g} s)"
        )
    else:
        message = (
            f"token expires at {expire}, {expire - now:.0f} seconds from now:"
            f" less than the {-leeway:g} s of validity that leeway {leeway:g} asks for"
        )
    raise ExpiredTokenError(message, contents)


# Upstream's module builds privilege payloads too: payload.py is loaded when one is first asked for,
# not on the way to every token.
_FROM_PAYLOAD = {
    "PRIVILEGE_KEY_LOGIN",
    "PRIVILEGE_KEY_PUBLISH",
    "PRIVILEGE_ENABLE",
    "PRIVILEGE_DISABLE",
    "RtcRoomPayload",
    "rtc_room_payload",
    "parse_rtc_room_payload",
}


def __getattr__(name: str) -> object:
    if name in _FROM_PAYLOAD:
        from . import payload

        globals()[name] = value = getattr(payload, name)  # the next use finds it here, as the root
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
