"""Generate and decode ZEGO "token04" authentication tokens: upstream's module, done properly.

A token04 is ``"04" + base64(frame)``: AES-256 under the project's ServerSecret around a compact
JSON body (ZEGOCLOUD's UIKit leaves out ``payload``; it reads as "")::

    {"app_id":1,"user_id":"demo","nonce":123,"ctime":1700000000,"expire":1700003600,"payload":""}

``make_token04`` raises ``TokenError`` for an argument it refuses; ``generate_token04``, upstream's
function, turns that into a ``TokenInfo`` and never raises. ``decode_token04`` raises
``InvalidTokenError`` (``ExpiredTokenError``) for every way a token can be bad; a malformed
secret, ``now``, ``leeway`` or ``mode`` is the caller's configuration: TypeError or ValueError.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import NamedTuple

from ._frame import (
    APP_ID_MEMBER,
    MODE_CBC,
    MODE_GCM,
    MODES,
    TEXT_MEMBER,
    USER_ID_MEMBER,
    decrypt,
    int_member,
    new_iv,
    read_body,
    read_frame,
    seal,
)
from ._values import (
    APP_ID_RULE,
    SECRET_RULE,
    Seconds,
    app_id_value,
    as_int,
    as_text,
    checked_options,
    now_seconds,
    plain_secret,
    require_secret,
    utc_datetime,
)
from .errors import TokenError

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
    "TokenInfo",
    "Token04",
    "generate_token04",
    "make_token04",
    "encode_token04",
    "decode_token04",
]

ERROR_CODE_SUCCESS = 0
"""generate_token04's codes, upstream's numbers (TokenError carries them too): success."""
ERROR_CODE_APP_ID_INVALID = 1
"""app_id is not an AppID."""
ERROR_CODE_USER_ID_INVALID = 3
"""user_id is not a non-empty str of valid Unicode text."""
ERROR_CODE_SECRET_INVALID = 5
"""secret is not a well-formed ServerSecret."""
ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID = 6
"""effective_time_in_seconds is not an int > 0 whose expire fits an int64, or ``now`` no time."""
ERROR_CODE_PAYLOAD_INVALID = 7
"""payload is not text (or None), or the token body is too large for the frame."""
ERROR_CODE_MODE_INVALID = 8
"""mode is neither MODE_CBC nor MODE_GCM."""

VERSION = "04"
"""What a token04 starts with."""
MAX_BODY_BYTES = 65519
"""The largest UTF-8 JSON body a token can carry: the frame stores the ciphertext's length in
16 bits, and both modes add up to 16 bytes (CBC padding, the GCM tag). The body is measured with
its nonce at its longest (10 digits), so whether a payload fits never depends on the nonce."""

_MAX_NONCE_DIGITS, _INT64_MAX = 10, 2**63 - 1  # 2147483647 is the largest nonce drawn
_MEMBERS = {
    "app_id": APP_ID_MEMBER,
    "user_id": USER_ID_MEMBER,
    "nonce": int_member(32),
    "ctime": int_member(64),
    "expire": int_member(64),
    "payload": TEXT_MEMBER,  # or absent, or null: the UIKit's generator leaves it out
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

    ``payload`` is "" (or None) for a basic token, or a privilege payload such as
    ``rtc_room_payload("room1")``. ``mode`` is MODE_CBC (the default, what every official
    generator makes) or MODE_GCM. ``now`` is the Unix time the token is made at (default: the
    clock), for tests and for reproducible tokens.

    Never raises: on bad input the result is ``TokenInfo("", code, message)`` with one of the
    ERROR_CODE_* constants; on success the code is 0.
    """
    ttl = effective_time_in_seconds
    try:
        token = make_token04(app_id, user_id, secret, ttl, payload, mode=mode, now=now)
    except TokenError as error:
        argument = "effective_time_in_seconds" if error.argument == "ttl" else error.argument
        return TokenInfo("", error.error_code, f"{argument} {error.rule}")
    except (TypeError, ValueError):  # now: upstream has no code of its own for it
        return TokenInfo("", ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID, _NOW_RULE)
    return TokenInfo(token, ERROR_CODE_SUCCESS, "success")


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

    The arguments are generate_token04's (``ttl`` is its effective_time_in_seconds). Raises
    TokenError (``error_code``, ``argument``) for the first argument, in upstream's order, a token
    cannot be made with; TypeError or ValueError for a ``now`` that is not a number of seconds.
    """
    ctime, seconds = int(now_seconds(now)), as_int(ttl)
    app, user, text = app_id_value(app_id), as_text(user_id), as_text(payload)
    chosen, secret = as_text(mode), plain_secret(secret) or ""  # plain values, each read once
    passed = (  # in upstream's order of checks, as _REFUSALS
        app is not None,
        bool(user),
        bool(secret),
        seconds is not None and 0 < seconds <= _INT64_MAX - ctime,
        payload is None or text is not None,
        chosen in MODES,
    )
    if not all(passed):
        argument = list(_REFUSALS)[passed.index(False)]
        code, rule = _REFUSALS[argument]
        raise TokenError(argument, f"must be {rule}", code)
    nonce = int.from_bytes(os.urandom(4), "big") >> 1  # 31 bits, as upstream's
    contents = Token04(
        app or 0, user or "", nonce, ctime, ctime + (seconds or 0), text or "", chosen or MODE_CBC
    )
    return encode_token04(contents, secret, new_iv(contents.mode))


_NOW_RULE = "now must be a number of Unix seconds"
_TTL_RULE = "an int > 0 whose expire time fits a signed 64-bit integer"
_REFUSALS = {  # each argument's code and rule, in upstream's order of checks
    "app_id": (ERROR_CODE_APP_ID_INVALID, APP_ID_RULE),
    "user_id": (ERROR_CODE_USER_ID_INVALID, "a non-empty str of valid Unicode text"),
    "secret": (ERROR_CODE_SECRET_INVALID, SECRET_RULE),
    "ttl": (ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID, _TTL_RULE),
    "payload": (ERROR_CODE_PAYLOAD_INVALID, "text or None"),
    "mode": (ERROR_CODE_MODE_INVALID, " or ".join(f'"{mode}"' for mode in MODES)),
}


def encode_token04(contents: Token04, secret: str, iv: bytes) -> str:
    """The token04 that holds ``contents``, sealed with ``iv``: decode_token04's mirror.

    ``contents`` must hold valid values (make_token04 checks them). Raises TokenError
    (``ERROR_CODE_PAYLOAD_INVALID``) when the body is too large.
    """
    nonce = str(contents.nonce)
    body = (
        f'{{"app_id":{int(contents.app_id)},"user_id":{_json_string(contents.user_id)},'
        f'"nonce":{nonce},"ctime":{contents.ctime},"expire":{contents.expire},'
        f'"payload":{_json_string(contents.payload)}}}'
    ).encode()
    size = len(body) - len(nonce) + _MAX_NONCE_DIGITS
    if size > MAX_BODY_BYTES:
        raise TokenError(
            "payload",
            f"would make a token body of {size} bytes (with a {_MAX_NONCE_DIGITS}-digit nonce);"
            f" at most {MAX_BODY_BYTES} fit in a token: shorten the payload (or the user_id)",
            ERROR_CODE_PAYLOAD_INVALID,
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

    Raises ``InvalidTokenError`` for anything that is not a token04 made with this secret, and
    ``ExpiredTokenError`` (a subclass, carrying ``contents``) when ``verify_expiry`` is true and
    ``expire + leeway < now``. ``now`` defaults to the current Unix time; ``now`` and ``leeway``
    are real numbers of seconds or timedeltas (a negative leeway asks for that much validity
    left). ``mode`` pins the cipher (MODE_GCM: a CBC token is refused before anything is
    decrypted); None takes both. These and the secret are the caller's configuration: a wrong
    one raises TypeError or ValueError.
    """
    options = checked_options(now, leeway, verify_expiry, mode)
    secret = require_secret(secret)
    frame = read_frame(token, VERSION, options.mode)
    body = decrypt(frame, secret, VERSION)
    members = read_body(body, VERSION, _MEMBERS, ("expire", frame.expire), optional="payload")
    members["payload"] = members.get("payload") or ""
    return options.unexpired(Token04(**members, mode=frame.mode))  # type: ignore[arg-type]
