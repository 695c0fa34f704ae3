"""Generate and decode ZEGO "token04" authentication tokens.

A token04 is ``"04" + base64(frame)``. The frame holds the expire time, an IV
(or, for GCM, a nonce) and the AES-256 encryption, under the project's
ServerSecret, of a small JSON body::

    {"app_id":1,"user_id":"demo","nonce":123,"ctime":1700000000,"expire":1700003600,"payload":""}

``generate_token04`` never raises: bad input gives a ``TokenInfo`` whose token
is "" and whose ``error_code`` says which argument was refused.
``decode_token04`` raises ``InvalidTokenError`` for every way a token can be bad.
"""

from __future__ import annotations

import binascii
import json
import math
import operator
import os
import struct
import time
from typing import Iterable, NamedTuple

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

__all__ = [
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
    "PRIVILEGE_KEY_LOGIN",
    "PRIVILEGE_KEY_PUBLISH",
    "PRIVILEGE_ENABLE",
    "PRIVILEGE_DISABLE",
    "TokenInfo",
    "Token04",
    "InvalidTokenError",
    "ExpiredTokenError",
    "generate_token04",
    "decode_token04",
    "rtc_room_payload",
]

ERROR_CODE_SUCCESS = 0
"""The token was generated."""
ERROR_CODE_APP_ID_INVALID = 1
"""app_id is not an int from 1 to 4294967295."""
ERROR_CODE_USER_ID_INVALID = 3
"""user_id is not a non-empty str of valid Unicode text."""
ERROR_CODE_SECRET_INVALID = 5
"""secret is not a str of exactly 32 ASCII characters."""
ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID = 6
"""effective_time_in_seconds is not an int > 0 whose expire fits an int64."""
ERROR_CODE_PAYLOAD_INVALID = 7
"""payload is not a str (or None) of valid Unicode text, or the token body is
too large for the frame (see MAX_BODY_BYTES)."""
ERROR_CODE_MODE_INVALID = 8
"""mode is neither MODE_CBC nor MODE_GCM."""

MODE_CBC = "cbc"
"""AES-256-CBC: the classic token04 that every official generator makes."""
MODE_GCM = "gcm"
"""AES-256-GCM: the newer, authenticated frame, marked by a trailing byte 1."""

MAX_BODY_BYTES = 65519
"""The largest UTF-8 JSON body a token can carry. The frame stores the
ciphertext's length as an unsigned 16-bit number (at most 65535), and both
modes add up to 16 bytes to the body (CBC padding, the GCM tag)."""

PRIVILEGE_KEY_LOGIN = 1
"""Privilege key: may log in to the room."""
PRIVILEGE_KEY_PUBLISH = 2
"""Privilege key: may publish streams."""
PRIVILEGE_ENABLE = 1
"""Privilege value: allowed."""
PRIVILEGE_DISABLE = 0
"""Privilege value: not allowed."""


class TokenInfo(NamedTuple):
    """The result of generate_token04: a token, or "" and why not."""

    token: str
    error_code: int
    error_message: str


class Token04(NamedTuple):
    """The contents of a decoded token04."""

    app_id: int
    user_id: str
    nonce: int
    ctime: int
    expire: int
    payload: str
    mode: str


class InvalidTokenError(ValueError):
    """The token is not a valid token04 under this secret."""


class ExpiredTokenError(InvalidTokenError):
    """The token is valid, but its expire time (plus leeway) has passed."""


class _Frame(NamedTuple):
    """How one mode lays out its frame."""

    mode: str
    iv_size: int
    head: struct.Struct  # expire, len(iv), iv, len(ciphertext); the ciphertext follows
    trailer: bytes  # what follows the ciphertext


_CBC_FRAME = _Frame(MODE_CBC, 16, struct.Struct(">qH16sH"), b"")
_GCM_FRAME = _Frame(MODE_GCM, 12, struct.Struct(">qH12sH"), b"\x01")
_FRAMES_BY_MODE = {frame.mode: frame for frame in (_CBC_FRAME, _GCM_FRAME)}
_FRAMES_BY_IV_SIZE = {frame.iv_size: frame for frame in (_CBC_FRAME, _GCM_FRAME)}
_EXPIRE_AND_IV_SIZE = struct.Struct(">qH")
_GCM_TAG_SIZE = 16

_VERSION = "04"
_SECRET_LENGTH = 32
_UINT32_MAX = 2**32 - 1
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# The body's members in the upstream Python generator's order, each with its placeholder
# in the template: '{"app_id":%d,"user_id":%s,"nonce":%d,...,"payload":%s}', compact, with
# the strings JSON-encoded and non-ASCII characters left unescaped.
_BODY_MEMBERS = (
    ("app_id", "%d"),
    ("user_id", "%s"),
    ("nonce", "%d"),
    ("ctime", "%d"),
    ("expire", "%d"),
    ("payload", "%s"),
)
_BODY_MEMBER_NAMES = tuple(name for name, _ in _BODY_MEMBERS)
_BODY_TEMPLATE = "{" + ",".join(f'"{name}":{placeholder}' for name, placeholder in _BODY_MEMBERS) + "}"
_body_members = operator.itemgetter(*_BODY_MEMBER_NAMES)
_json_string = json.JSONEncoder(ensure_ascii=False).encode

# A CBC IV is 16 characters of 0-9a-z, as the official generators make it. Each
# random byte below 252 (7 * 36) maps to alphabet[byte % 36]; bytes from 252 up
# are dropped, so that every character is equally likely.
_IV_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IV_USABLE_BYTES = 252
_IV_TABLE = bytes(_IV_ALPHABET[byte % len(_IV_ALPHABET)] for byte in range(256))
_IV_DROPPED = bytes(range(_IV_USABLE_BYTES, 256))
_IV_DRAW = 24  # random bytes per draw: fewer than 16 survive about once in 10**10 draws


def generate_token04(
    app_id: int,
    user_id: str,
    secret: str,
    effective_time_in_seconds: int,
    payload: str | None = "",
    *,
    mode: str = MODE_CBC,
) -> TokenInfo:
    """Make a token04 for ``user_id`` that expires ``effective_time_in_seconds`` from now.

    ``payload`` is "" (or None) for a basic token, or a privilege payload such
    as ``rtc_room_payload("room1")``. ``mode`` is MODE_CBC (the default, what
    every official generator makes) or MODE_GCM.

    Never raises: on bad input the result is ``TokenInfo("", code, message)``
    with one of the ERROR_CODE_* constants; on success the code is 0.
    """
    ctime = int(time.time())
    refusal = _refuse_arguments(app_id, user_id, secret, effective_time_in_seconds, payload, mode, ctime)
    if refusal is not None:
        return refusal
    frame = _FRAMES_BY_MODE[mode]
    return _encode_token(
        frame,
        secret.encode("ascii"),
        app_id,
        user_id,
        _random_nonce(),
        ctime,
        ctime + effective_time_in_seconds,
        payload or "",
        _random_iv(frame),
    )


def decode_token04(
    token: str,
    secret: str,
    *,
    now: float | None = None,
    leeway: float = 0,
    verify_expiry: bool = True,
) -> Token04:
    """Decrypt and check ``token`` with ``secret``; return what it holds.

    Raises ``InvalidTokenError`` for anything that is not a token04 made with
    this secret, and ``ExpiredTokenError`` (a subclass) when ``verify_expiry``
    is true and ``expire + leeway < now``. ``now`` defaults to the current Unix
    time. ``now`` and ``leeway`` must be finite numbers (TypeError or
    ValueError otherwise).
    """
    if now is None:
        now = time.time()
    try:
        finite = math.isfinite(now) and math.isfinite(leeway)
    except TypeError:
        raise TypeError("now and leeway must be numbers of seconds") from None
    except OverflowError:
        finite = False
    if not finite:
        raise ValueError("now and leeway must be finite numbers of seconds")
    now, leeway = float(now), float(leeway)  # one type, whatever real numbers were given
    contents = _decode_token(token, secret)
    if verify_expiry and contents.expire + leeway < now:
        raise ExpiredTokenError(
            f"token expired at {contents.expire}, {now - contents.expire:.0f} seconds before now"
            f" (leeway {leeway})"
        )
    return contents


def rtc_room_payload(
    room_id: str,
    *,
    login: bool = True,
    publish: bool = True,
    stream_ids: Iterable[str] | None = None,
) -> str:
    """Build the privilege payload of an RTC room token, as a JSON string.

    ``room_id`` is the only room the token may log in to ("" for any room);
    ``login`` and ``publish`` allow or deny those privileges; ``stream_ids``
    is None (any stream may be published) or the only stream IDs that may be.
    Raises TypeError or ValueError for arguments of the wrong kind.
    """
    _require_text(room_id, "room_id")
    if not (isinstance(login, bool) and isinstance(publish, bool)):
        raise TypeError("login and publish must be bool")
    stream_id_list = None
    if stream_ids is not None:
        if isinstance(stream_ids, (str, bytes)):
            raise TypeError("stream_ids must be a list of str, not a single string")
        try:
            stream_id_list = list(stream_ids)
        except TypeError:
            raise TypeError("stream_ids must be None or a list of str") from None
        for stream_id in stream_id_list:
            _require_text(stream_id, "each stream id")
    privilege = {
        str(PRIVILEGE_KEY_LOGIN): PRIVILEGE_ENABLE if login else PRIVILEGE_DISABLE,
        str(PRIVILEGE_KEY_PUBLISH): PRIVILEGE_ENABLE if publish else PRIVILEGE_DISABLE,
    }
    return json.dumps(
        {"room_id": room_id, "privilege": privilege, "stream_id_list": stream_id_list},
        ensure_ascii=False,
    )


def _refuse_arguments(
    app_id: object,
    user_id: object,
    secret: object,
    effective_time_in_seconds: object,
    payload: object,
    mode: object,
    ctime: int,
) -> TokenInfo | None:
    """The refusal for the first bad argument, in upstream's order, or None."""
    if not (type(app_id) is int and 0 < app_id <= _UINT32_MAX):
        return _refusal(ERROR_CODE_APP_ID_INVALID, "app_id must be an int from 1 to 4294967295")
    if not (_is_text(user_id) and user_id):
        return _refusal(ERROR_CODE_USER_ID_INVALID, "user_id must be a non-empty str of valid Unicode text")
    if _secret_key(secret) is None:
        return _refusal(ERROR_CODE_SECRET_INVALID, "secret must be a str of exactly 32 ASCII characters")
    if not (type(effective_time_in_seconds) is int and 0 < effective_time_in_seconds <= _INT64_MAX - ctime):
        return _refusal(
            ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
            "effective_time_in_seconds must be an int > 0 whose expire time fits a signed 64-bit integer",
        )
    if not (payload is None or _is_text(payload)):
        return _refusal(ERROR_CODE_PAYLOAD_INVALID, "payload must be a str of valid Unicode text, or None")
    if not (isinstance(mode, str) and mode in _FRAMES_BY_MODE):
        return _refusal(ERROR_CODE_MODE_INVALID, 'mode must be "cbc" or "gcm"')
    return None


def _encode_token(
    frame: _Frame,
    key: bytes,
    app_id: int,
    user_id: str,
    nonce: int,
    ctime: int,
    expire: int,
    payload: str,
    iv: bytes,
) -> TokenInfo:
    """The deterministic core of generate_token04: checked inputs in, token out."""
    body = (
        _BODY_TEMPLATE % (app_id, _json_string(user_id), nonce, ctime, expire, _json_string(payload))
    ).encode("utf-8")
    if len(body) > MAX_BODY_BYTES:
        return _refusal(
            ERROR_CODE_PAYLOAD_INVALID,
            f"token body would be {len(body)} bytes; at most {MAX_BODY_BYTES} fit in a token:"
            " shorten the payload (or the user_id)",
        )
    if frame is _GCM_FRAME:
        ciphertext, tag = AES.new(key, AES.MODE_GCM, nonce=iv).encrypt_and_digest(body)
        ciphertext += tag
    else:
        ciphertext = AES.new(key, AES.MODE_CBC, iv).encrypt(pad(body, AES.block_size))
    packed = frame.head.pack(expire, len(iv), iv, len(ciphertext)) + ciphertext + frame.trailer
    token = _VERSION + binascii.b2a_base64(packed, newline=False).decode("ascii")
    return TokenInfo(token, ERROR_CODE_SUCCESS, "success")


def _decode_token(token: object, secret: object) -> Token04:
    """The deterministic core of decode_token04: everything but the clock."""
    key = _secret_key(secret)
    if key is None:
        raise InvalidTokenError("secret must be a str of exactly 32 ASCII characters")
    if not isinstance(token, str):
        raise InvalidTokenError(f"token must be a str, not {type(token).__name__}")
    if not token.startswith(_VERSION):
        raise InvalidTokenError('token does not start with "04"')
    frame, expire, iv, ciphertext = _unpack_frame(_base64_decode(token[len(_VERSION) :]))
    try:
        if frame is _GCM_FRAME:
            if len(ciphertext) < _GCM_TAG_SIZE:
                raise ValueError("no room for the tag")
            cipher = AES.new(key, AES.MODE_GCM, nonce=iv)
            body = cipher.decrypt_and_verify(ciphertext[:-_GCM_TAG_SIZE], ciphertext[-_GCM_TAG_SIZE:])
        else:
            body = unpad(AES.new(key, AES.MODE_CBC, iv).decrypt(ciphertext), AES.block_size)
    except ValueError:
        raise InvalidTokenError("token does not decrypt with this secret (wrong secret or corrupted)") from None
    contents = _parse_body(body, frame.mode)
    if contents.expire != expire:
        raise InvalidTokenError("the frame's expire differs from the body's")
    return contents


def _base64_decode(text: str) -> bytes:
    """Standard, padded, canonical base64 to bytes: any other spelling is refused."""
    try:
        encoded = text.encode("ascii")
        decoded = binascii.a2b_base64(encoded)
    except (UnicodeEncodeError, binascii.Error):
        decoded = None
    if decoded is None or binascii.b2a_base64(decoded, newline=False) != encoded:
        raise InvalidTokenError('token is not standard base64 after its "04"')
    return decoded


def _unpack_frame(packed: bytes) -> tuple[_Frame, int, bytes, bytes]:
    """Split a frame into its layout, expire, IV and ciphertext."""
    try:
        frame = _FRAMES_BY_IV_SIZE.get(_EXPIRE_AND_IV_SIZE.unpack_from(packed)[1])
        if frame is None:
            raise InvalidTokenError("token frame's IV length is neither 16 (CBC) nor 12 (GCM)")
        expire, _, iv, ciphertext_size = frame.head.unpack_from(packed)
    except struct.error:
        raise InvalidTokenError("token frame is truncated") from None
    ciphertext_start = frame.head.size
    ciphertext_end = ciphertext_start + ciphertext_size
    if len(packed) < ciphertext_end:
        raise InvalidTokenError("token frame is shorter than its ciphertext length says")
    if packed[ciphertext_end:] != frame.trailer:
        raise InvalidTokenError(
            f"token frame has unexpected bytes after the ciphertext"
            f" (a {frame.mode} frame ends with {frame.trailer!r})"
        )
    return frame, expire, iv, packed[ciphertext_start:ciphertext_end]


def _parse_body(body: bytes, mode: str) -> Token04:
    """Read the decrypted JSON body, checking each member's type and range."""
    try:
        members = json.loads(body.decode("utf-8"))  # a UnicodeDecodeError is a ValueError
        if type(members) is not dict or len(members) != len(_BODY_MEMBER_NAMES):
            raise ValueError("not an object of six members")
        app_id, user_id, nonce, ctime, expire, payload = _body_members(members)
    except (ValueError, KeyError, RecursionError):
        raise InvalidTokenError(
            "token body is not a JSON object with exactly the members " + ", ".join(_BODY_MEMBER_NAMES)
        ) from None
    if payload is None:
        payload = ""
    if not (type(app_id) is int and 0 < app_id <= _UINT32_MAX):
        raise InvalidTokenError("token body's app_id is not an int from 1 to 4294967295")
    if not (_is_text(user_id) and user_id):
        raise InvalidTokenError("token body's user_id is not a non-empty string")
    if not (type(nonce) is int and _INT32_MIN <= nonce <= _INT32_MAX):
        raise InvalidTokenError("token body's nonce is not a 32-bit int")
    if not (type(ctime) is int and _INT64_MIN <= ctime <= _INT64_MAX):
        raise InvalidTokenError("token body's ctime is not a 64-bit int")
    if not (type(expire) is int and _INT64_MIN <= expire <= _INT64_MAX):
        raise InvalidTokenError("token body's expire is not a 64-bit int")
    if not _is_text(payload):
        raise InvalidTokenError("token body's payload is not a string")
    return Token04(app_id, user_id, nonce, ctime, expire, payload, mode)


def _random_nonce() -> int:
    """A body nonce in 0 .. 2**31-1 from the OS CSPRNG."""
    return int.from_bytes(os.urandom(4), "big") >> 1


def _random_iv(frame: _Frame) -> bytes:
    """A fresh IV from the OS CSPRNG: 16 characters of 0-9a-z (CBC), 12 bytes (GCM)."""
    if frame is _GCM_FRAME:
        return os.urandom(frame.iv_size)
    iv = b""
    while len(iv) < frame.iv_size:
        iv += os.urandom(_IV_DRAW).translate(_IV_TABLE, _IV_DROPPED)
    return iv[: frame.iv_size]


def _secret_key(secret: object) -> bytes | None:
    """The AES-256 key of a ServerSecret, or None if it is not 32 ASCII characters."""
    if isinstance(secret, str) and len(secret) == _SECRET_LENGTH and secret.isascii():
        return secret.encode("ascii")
    return None


def _require_text(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not _is_text(value):
        raise ValueError(f"{name} must be valid Unicode text (it has a lone surrogate)")


def _is_text(value: object) -> bool:
    """A str that encodes to UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refusal(error_code: int, error_message: str) -> TokenInfo:
    return TokenInfo("", error_code, error_message)

