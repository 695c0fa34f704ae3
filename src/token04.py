"""Generate and decode ZEGO "token04" authentication tokens.

A token04 is ``"04" + base64(frame)``. The frame holds the expire time, an IV
(or, for GCM, a nonce) and the AES-256 encryption, under the project's
ServerSecret, of a small JSON body::

    {"app_id":1,"user_id":"demo","nonce":123,"ctime":1700000000,"expire":1700003600,"payload":""}

(ZEGOCLOUD's UIKit writes the same body without ``payload``; it reads as "".)

``generate_token04`` never raises: bad input gives a ``TokenInfo`` whose token
is "" and whose ``error_code`` says which argument was refused.
``decode_token04`` raises ``InvalidTokenError`` for every way a token can be
bad; a malformed secret, ``now`` or ``leeway`` is the caller's configuration
and raises TypeError or ValueError instead.

Arguments documented as ``str`` or ``int`` also take their subclasses (an enum
member, say), read by their plain value (``str.__str__`` and ``int.__index__``
of the built-in types). ``bool`` is never taken for an ``int``. Classes built
to sabotage (a lying ``__class__``, metaclass tricks) are outside that promise.

The ServerSecret is held only in parameters named ``secret``; the AES key is
made from it where the cipher is made. Error trackers that record local
variables (Sentry, ``pytest --showlocals``) hide a variable by that name.

This file can be copied alone into a project: it needs only the standard
library and pycryptodome.
"""

from __future__ import annotations

import binascii
import json
import math
import numbers
import os
import struct
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple, Union

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
    "MAX_APP_ID",
    "SECRET_LENGTH",
    "MAX_BODY_BYTES",
    "MAX_NONCE_DIGITS",
    "MAX_TOKEN_LENGTH",
    "PRIVILEGE_KEY_LOGIN",
    "PRIVILEGE_KEY_PUBLISH",
    "PRIVILEGE_ENABLE",
    "PRIVILEGE_DISABLE",
    "Seconds",
    "TokenInfo",
    "Token04",
    "RtcRoomPayload",
    "InvalidTokenError",
    "ExpiredTokenError",
    "generate_token04",
    "decode_token04",
    "rtc_room_payload",
    "parse_rtc_room_payload",
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

MAX_APP_ID = 2**32 - 1
"""The largest AppID (an unsigned 32-bit number); the smallest is 1."""
SECRET_LENGTH = 32
"""A ServerSecret is a str of exactly this many ASCII characters (its bytes are the AES-256 key)."""

MAX_BODY_BYTES = 65519
"""The largest UTF-8 JSON body a token can carry. The frame stores the
ciphertext's length as an unsigned 16-bit number (at most 65535), and both
modes add up to 16 bytes to the body (CBC padding, the GCM tag).

generate_token04 measures the body with its nonce written at its longest
(MAX_NONCE_DIGITS digits), so whether a payload fits depends only on the
inputs and the clock, never on the random nonce drawn."""
MAX_NONCE_DIGITS = 10
"""Digits of the longest nonce generate_token04 draws (2147483647)."""
MAX_TOKEN_LENGTH = 2 + 4 * -(-(8 + 2 + 16 + 2 + 0xFFFF + 1) // 3)
"""No token04 is longer than this (87,422 characters: "04" and the base64 of
the longest frame, a 16-byte IV, the longest ciphertext and a mode byte):
decode refuses a longer one unread."""

PRIVILEGE_KEY_LOGIN = 1
"""Privilege key: may log in to the room."""
PRIVILEGE_KEY_PUBLISH = 2
"""Privilege key: may publish streams."""
PRIVILEGE_ENABLE = 1
"""Privilege value: allowed."""
PRIVILEGE_DISABLE = 0
"""Privilege value: not allowed."""

Seconds = Union[float, timedelta]
"""A duration or a moment in seconds: an int, a float (any real number) or a ``timedelta``."""


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


class RtcRoomPayload(NamedTuple):
    """The privilege payload of an RTC room token, as parse_rtc_room_payload reads it."""

    room_id: str
    """The only room the token may log in to; "" for any room."""
    login: bool
    """Privilege 1: may log in to the room."""
    publish: bool
    """Privilege 2: may publish streams."""
    stream_ids: tuple[str, ...] | None
    """The only stream IDs the token may publish, or None for any."""


class InvalidTokenError(ValueError):
    """The token is not a valid token04 under this secret."""


class ExpiredTokenError(InvalidTokenError):
    """The token is valid, but its expire time (plus leeway) has passed."""


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
    return _generate_at_time(app_id, user_id, secret, effective_time_in_seconds, payload, mode, int(time.time()))


def decode_token04(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
) -> Token04:
    """Decrypt and check ``token`` with ``secret``; return what it holds.

    Raises ``InvalidTokenError`` for anything that is not a token04 made with
    this secret, and ``ExpiredTokenError`` (a subclass) when ``verify_expiry``
    is true and ``expire + leeway < now``. ``now`` defaults to the current Unix
    time. ``now`` and ``leeway`` are real numbers of seconds whose float value
    is finite, or timedeltas (a negative leeway asks for that much validity
    left), and ``verify_expiry`` a bool. These and the secret are the caller's
    configuration, not the token: a wrong one raises TypeError or ValueError
    instead. Given ``now``, the result depends on the arguments alone.
    """
    now_seconds, leeway_seconds = _clock(now, leeway, verify_expiry)
    secret = _require_secret(secret)
    contents = _read_body(*_open(token, secret, _VERSION))  # no variable holds the decrypted body
    if verify_expiry:
        _verify_expiry(contents.expire, now_seconds, leeway_seconds)
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
    Raises TypeError or ValueError for arguments of the wrong kind (an error
    raised by the caller's own ``stream_ids`` iterator passes through).
    """
    room_id_text = _require_text(room_id, "room_id")
    if not (type(login) is bool and type(publish) is bool):
        raise TypeError("login and publish must be bool")
    stream_id_list = None
    if stream_ids is not None:
        if issubclass(type(stream_ids), (str, bytes)):
            raise TypeError("stream_ids must be a list of str, not a single string")
        if not hasattr(type(stream_ids), "__iter__"):
            raise TypeError("stream_ids must be None or a list of str")
        stream_id_list = [_require_text(stream_id, "each stream id") for stream_id in stream_ids]
    privilege = {
        str(PRIVILEGE_KEY_LOGIN): PRIVILEGE_ENABLE if login else PRIVILEGE_DISABLE,
        str(PRIVILEGE_KEY_PUBLISH): PRIVILEGE_ENABLE if publish else PRIVILEGE_DISABLE,
    }
    return json.dumps(
        {"room_id": room_id_text, "privilege": privilege, "stream_id_list": stream_id_list},
        ensure_ascii=False,
    )


def parse_rtc_room_payload(payload: str) -> RtcRoomPayload:
    """Read the privilege payload of an RTC room token: the mirror of rtc_room_payload.

    Takes what ZEGO's generators write: a JSON object with exactly the members
    ``room_id`` (a string), ``privilege`` (an object whose keys are "1" and
    "2", each 0 or 1) and ``stream_id_list`` (null or a list of strings).
    Raises ValueError, saying what is wrong, for anything else (TypeError if
    ``payload`` is not a str).
    """
    text = _require_text(payload, "payload")
    try:
        members = _json_object(text)
    except (ValueError, RecursionError):
        raise ValueError("payload is not a JSON object whose members are each named once") from None
    if type(members) is not dict:
        raise ValueError(f"payload is {_json_kind(members)}, not a JSON object")
    if sorted(members) != sorted(_PAYLOAD_MEMBERS):
        raise ValueError(
            f"payload's members are {', '.join(sorted(members)) or 'none'}; a privilege payload has exactly "
            + ", ".join(_PAYLOAD_MEMBERS)
        )
    room_id, privilege, stream_id_list = (members[name] for name in _PAYLOAD_MEMBERS)
    if type(room_id) is not str:
        raise ValueError(f"payload's room_id is {_json_kind(room_id)}, not a string")
    if type(privilege) is not dict or sorted(privilege) != sorted(_PRIVILEGE_KEYS):
        raise ValueError('payload\'s privilege is not an object with exactly the keys "1" (login) and "2" (publish)')
    for key in _PRIVILEGE_KEYS:
        if not (type(privilege[key]) is int and privilege[key] in (PRIVILEGE_DISABLE, PRIVILEGE_ENABLE)):
            raise ValueError(f'payload\'s privilege "{key}" is {json.dumps(privilege[key])}; it must be 0 or 1')
    stream_ids = None
    if stream_id_list is not None:
        if type(stream_id_list) is not list or any(type(item) is not str for item in stream_id_list):
            raise ValueError("payload's stream_id_list is neither null nor a list of strings")
        stream_ids = tuple(stream_id_list)
    login, publish = (privilege[key] == PRIVILEGE_ENABLE for key in _PRIVILEGE_KEYS)
    return RtcRoomPayload(room_id, login, publish, stream_ids)


class _Frame:
    """How one mode lays out its frame (slots, not a NamedTuple: decode reads them on every call)."""

    __slots__ = ("head", "head_size", "iv_size", "mode", "trailer")

    def __init__(self, mode: str, iv_size: int, trailer: bytes) -> None:
        self.mode = mode
        self.iv_size = iv_size
        self.head = struct.Struct(f">qH{iv_size}sH")  # expire, len(iv), iv, len(ciphertext)
        self.head_size = self.head.size
        self.trailer = trailer  # what follows the ciphertext


_CBC_FRAME = _Frame(MODE_CBC, 16, b"")
_GCM_FRAME = _Frame(MODE_GCM, 12, b"\x01")
_FRAMES_BY_MODE = {frame.mode: frame for frame in (_CBC_FRAME, _GCM_FRAME)}
# Keyed by the frame's IV-length field as it stands in bytes 8 and 9.
_FRAMES_BY_IV_SIZE_FIELD = {frame.iv_size.to_bytes(2, "big"): frame for frame in (_CBC_FRAME, _GCM_FRAME)}
_IV_SIZE_FIELD = slice(8, 10)
_GCM_TAG_SIZE = 16

_VERSION = "04"
_VERSIONS = {"03": "decode_token03 (the older format; ZEGO asks for token04 now)", _VERSION: "decode_token04"}
_SECRET_RULE = f"secret must be a str of exactly {SECRET_LENGTH} ASCII characters"
_APP_ID_RULE = f"an int from 1 to {MAX_APP_ID}"
_SECRET_SHOWN_AS = "<the secret>"
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# The body's members in the upstream Python generator's order, each with its placeholder
# in the template: '{"app_id":%d,"user_id":%s,"nonce":%s,...,"payload":%s}', compact, with
# the strings JSON-encoded and non-ASCII characters left unescaped. (A template, not
# json.dumps: it keeps upstream's exact spelling and is the cheaper of the two.)
_BODY_MEMBERS = (
    ("app_id", "%d"),
    ("user_id", "%s"),
    ("nonce", "%s"),  # written from its decimal text, which also measures the body
    ("ctime", "%d"),
    ("expire", "%d"),
    ("payload", "%s"),
)
_BODY_MEMBER_NAMES = tuple(name for name, _ in _BODY_MEMBERS)
_BODY_NAME_SETS = (frozenset(_BODY_MEMBER_NAMES), frozenset(_BODY_MEMBER_NAMES[:-1]))  # the UIKit's: no payload
_BODY_TEMPLATE = "{" + ",".join(f'"{name}":{placeholder}' for name, placeholder in _BODY_MEMBERS) + "}"
_PAYLOAD_MEMBERS = ("room_id", "privilege", "stream_id_list")
_PRIVILEGE_KEYS = (str(PRIVILEGE_KEY_LOGIN), str(PRIVILEGE_KEY_PUBLISH))
_json_string = json.JSONEncoder(ensure_ascii=False).encode

# A CBC IV is 16 characters of 0-9a-z, as the official generators make it. Each
# random byte below 252 (7 * 36) maps to alphabet[byte % 36]; bytes from 252 up
# are dropped, so that every character is equally likely. (A translate table,
# not secrets.choice per character: that is several times the cost of a token.)
_IV_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IV_USABLE_BYTES = 252
_IV_TABLE = bytes(_IV_ALPHABET[byte % len(_IV_ALPHABET)] for byte in range(256))
_IV_DROPPED = bytes(range(_IV_USABLE_BYTES, 256))
_IV_DRAW = 24  # random bytes per draw: fewer than 16 survive about once in 10**10 draws
_NONCE_BYTES = 4  # drawn with the IV, in one os.urandom call


def _generate_at_time(
    app_id: object,
    user_id: object,
    secret: object,
    effective_time_in_seconds: object,
    payload: object,
    mode: object,
    ctime: int,
) -> TokenInfo:
    """generate_token04 at a given clock: the arguments checked in upstream's order, then the token."""
    app_id_value = _app_id_value(app_id)
    user_id_text = _as_text(user_id)
    secret = _plain_secret(secret)
    lifetime = _as_int(effective_time_in_seconds)
    payload_text = "" if payload is None else _as_text(payload)
    frame = _FRAMES_BY_MODE.get(_as_str(mode) or "")
    if app_id_value is None:
        return _refusal(ERROR_CODE_APP_ID_INVALID, f"app_id must be {_APP_ID_RULE}")
    if not user_id_text:
        return _refusal(ERROR_CODE_USER_ID_INVALID, "user_id must be a non-empty str of valid Unicode text")
    if secret is None:
        return _refusal(ERROR_CODE_SECRET_INVALID, _SECRET_RULE)
    if lifetime is None or not 0 < lifetime <= _INT64_MAX - ctime:
        return _refusal(
            ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
            "effective_time_in_seconds must be an int > 0 whose expire time fits a signed 64-bit integer",
        )
    if payload_text is None:
        return _refusal(ERROR_CODE_PAYLOAD_INVALID, "payload must be a str of valid Unicode text, or None")
    if frame is None:
        return _refusal(ERROR_CODE_MODE_INVALID, 'mode must be "cbc" or "gcm"')
    nonce, iv = _random_nonce_and_iv(frame)
    return _encode_token(frame, secret, app_id_value, user_id_text, nonce, ctime, ctime + lifetime, payload_text, iv)


def _encode_token(
    frame: _Frame,
    secret: str,
    app_id: int,
    user_id: str,
    nonce: int,
    ctime: int,
    expire: int,
    payload: str,
    iv: bytes,
) -> TokenInfo:
    """The deterministic core of generate_token04: checked inputs in, token out."""
    nonce_text = str(nonce)
    text = _BODY_TEMPLATE % (app_id, _json_string(user_id), nonce_text, ctime, expire, _json_string(payload))
    body = text.encode("utf-8")
    size_at_longest_nonce = len(body) - len(nonce_text) + MAX_NONCE_DIGITS
    if size_at_longest_nonce > MAX_BODY_BYTES:
        return _refusal(
            ERROR_CODE_PAYLOAD_INVALID,
            f"token body would be {size_at_longest_nonce} bytes (with a {MAX_NONCE_DIGITS}-digit nonce);"
            f" at most {MAX_BODY_BYTES} fit in a token: shorten the payload (or the user_id)",
        )
    ciphertext = _encrypt(frame, secret, iv, body)
    packed = frame.head.pack(expire, len(iv), iv, len(ciphertext)) + ciphertext + frame.trailer
    token = _VERSION + binascii.b2a_base64(packed, newline=False).decode("ascii")
    return TokenInfo(token, ERROR_CODE_SUCCESS, "success")


def _encrypt(frame: _Frame, secret: str, iv: bytes, body: bytes) -> bytes:
    """The body's ciphertext (with the GCM tag after it); the key is made here and kept by no variable."""
    if frame is _GCM_FRAME:
        ciphertext, tag = AES.new(secret.encode("ascii"), AES.MODE_GCM, nonce=iv).encrypt_and_digest(body)
        return ciphertext + tag
    return AES.new(secret.encode("ascii"), AES.MODE_CBC, iv).encrypt(pad(body, AES.block_size))


def _clock(now: object, leeway: object, verify_expiry: object) -> tuple[float, float]:
    """The caller's now (default: the clock) and leeway as seconds; TypeError or ValueError if malformed."""
    now_seconds = time.time() if now is None else _seconds(now, "now")
    leeway_seconds = _seconds(leeway, "leeway")
    if type(verify_expiry) is not bool:
        raise TypeError("verify_expiry must be a bool")
    return now_seconds, leeway_seconds


def _open(token: object, secret: str, version: str) -> tuple[str, int, bytes]:
    """A token's mode, its frame's expire and its decrypted body: the steps every version shares."""
    frame, expire, iv, ciphertext = _read_frame(token, version)
    return frame.mode, expire, _decrypt(frame, secret, iv, ciphertext)


def _read_frame(token: object, version: str) -> tuple[_Frame, int, bytes, bytes]:
    """What a token's frame holds (layout, expire, IV, ciphertext): all that can be read without the secret."""
    return _unpack_frame(_frame_bytes(_token_text(token, version), version))


def _same_expire(body_expire: int, frame_expire: int) -> None:
    """The body's expire must be the frame's (which anyone can read, and change in a CBC token)."""
    if body_expire != frame_expire:
        raise InvalidTokenError("the frame's expire differs from the body's")


def _token_text(token: object, version: str) -> str:
    """The token as a plain str that may be of this version: short enough, starting with it."""
    text = _as_str(token)
    if text is None:
        raise InvalidTokenError(f"token must be a str, not {_type_name(token)}")
    if len(text) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError(f"token is longer than any token04 ({len(text)} > {MAX_TOKEN_LENGTH} characters)")
    if not text.startswith(version):
        raise InvalidTokenError(_wrong_start(text, version))
    return text


def _wrong_start(text: str, version: str) -> str:
    """Why a token does not start with its version: the commonest paste mistakes by name."""
    if not text:
        return "the token is empty"
    if text[0] in "\"'" and text[1:3] in _VERSIONS:
        return "the token is in quotes: remove them (your client may be sending the JSON string, not the token)"
    if text[:2] in _VERSIONS:
        return f"this is a token{text[:2]}, not a token{version}: read it with {_VERSIONS[text[:2]]}"
    return f'token does not start with "{version}"'


def _frame_bytes(text: str, version: str) -> bytes:
    """The frame behind the version: standard, padded, canonical base64 (the one spelling a generator writes)."""
    packed = _canonical_base64(text[len(version) :])
    if packed is not None:
        return packed
    if "#" in text:
        raise InvalidTokenError(
            'this is a kit token (token04 + "#" + the UIKit\'s login fields): read it with decode_kit_token'
        )
    expected = _length_said(text[len(version) :])
    if expected is not None and len(text) - len(version) < expected:
        raise InvalidTokenError(_cut_short(len(text), len(version) + expected))
    raise InvalidTokenError(f'token is not standard base64 after its "{version}"')


def _length_said(encoded: str) -> int | None:
    """How many base64 characters the frame's own length fields say it takes, read from its first ones."""
    start = encoded[:40]  # up to 30 bytes: every frame's head fits
    try:
        head = binascii.a2b_base64(start + "=" * (-len(start) % 4))
    except (ValueError, binascii.Error):
        return None
    frame = _FRAMES_BY_IV_SIZE_FIELD.get(head[_IV_SIZE_FIELD])
    if frame is None or len(head) < frame.head_size:
        return None
    ciphertext_size = frame.head.unpack_from(head)[-1]
    return _base64_length(frame.head_size + ciphertext_size + len(frame.trailer))


def _base64_length(size: int) -> int:
    return 4 * -(-size // 3)


def _cut_short(characters: int, expected: int) -> str:
    return (
        f"the token looks cut short: {characters} characters, where its frame's length fields say {expected};"
        " copy the whole token"
    )


def _unpack_frame(packed: bytes) -> tuple[_Frame, int, bytes, bytes]:
    """The frame's layout (named by its IV-length field), expire, IV and ciphertext, the lengths agreeing."""
    frame = _FRAMES_BY_IV_SIZE_FIELD.get(packed[_IV_SIZE_FIELD])
    if frame is None:
        if len(packed) < _IV_SIZE_FIELD.stop:
            raise InvalidTokenError("token frame is truncated")
        raise InvalidTokenError("token frame's IV length is neither 16 (CBC) nor 12 (GCM)")
    try:
        expire, _, iv, ciphertext_size = frame.head.unpack_from(packed)
    except struct.error:
        raise InvalidTokenError("token frame is truncated") from None
    ciphertext_end = frame.head_size + ciphertext_size
    if len(packed) < ciphertext_end:
        shown, said = (
            len(_VERSION) + _base64_length(size) for size in (len(packed), ciphertext_end + len(frame.trailer))
        )
        raise InvalidTokenError(_cut_short(shown, said))
    if packed[ciphertext_end:] != frame.trailer:
        raise InvalidTokenError(
            f"token frame has unexpected bytes after the ciphertext (a {frame.mode} frame ends with {frame.trailer!r})"
        )
    return frame, expire, iv, packed[frame.head_size : ciphertext_end]


def _decrypt(frame: _Frame, secret: str, iv: bytes, ciphertext: bytes) -> bytes:
    """The body inside the ciphertext: the GCM tag verified, or the CBC padding removed."""
    try:
        if frame is _GCM_FRAME:
            if len(ciphertext) < _GCM_TAG_SIZE:
                raise ValueError("no room for the tag")
            body, tag = ciphertext[:-_GCM_TAG_SIZE], ciphertext[-_GCM_TAG_SIZE:]
            return AES.new(secret.encode("ascii"), AES.MODE_GCM, nonce=iv).decrypt_and_verify(body, tag)
        # Checked here, not left to the cipher: older pycryptodome raises IndexError on an empty one.
        if not ciphertext or len(ciphertext) % AES.block_size:
            raise ValueError("not a whole number of blocks")
        return unpad(AES.new(secret.encode("ascii"), AES.MODE_CBC, iv).decrypt(ciphertext), AES.block_size)
    except ValueError:
        raise InvalidTokenError("token does not decrypt with this secret (wrong secret or corrupted)") from None


def _read_body(mode: str, frame_expire: int, body: bytes) -> Token04:
    """The token's contents from its body: a UTF-8 JSON object of the six members (the UIKit's five)."""
    try:
        members = _json_object(body.decode("utf-8"))  # a UnicodeDecodeError is a ValueError
    except (ValueError, RecursionError):
        members = None
    if type(members) is not dict or members.keys() not in _BODY_NAME_SETS:
        raise InvalidTokenError(
            "token body is not a JSON object with exactly the members "
            + ", ".join(_BODY_MEMBER_NAMES)
            + " (payload may be absent), each once"
        )
    payload = members.get("payload")
    app_id, user_id, nonce, ctime, expire = (members[name] for name in _BODY_MEMBER_NAMES[:-1])
    contents = Token04(app_id, user_id, nonce, ctime, expire, "" if payload is None else payload, mode)
    _check_body_values(contents)
    _same_expire(contents.expire, frame_expire)
    return contents


def _check_body_values(contents: Token04) -> None:
    """Refuse a body member of the wrong type or range."""
    if _app_id_value(contents.app_id) is None:
        raise InvalidTokenError(f"token body's app_id is not {_APP_ID_RULE}")
    if not (type(contents.user_id) is str and contents.user_id and _as_text(contents.user_id) is not None):
        raise InvalidTokenError("token body's user_id is not a non-empty string")
    if not _is_int_in(contents.nonce, _INT32_MIN, _INT32_MAX):
        raise InvalidTokenError("token body's nonce is not a 32-bit int")
    if not _is_int_in(contents.ctime, _INT64_MIN, _INT64_MAX):
        raise InvalidTokenError("token body's ctime is not a 64-bit int")
    if not _is_int_in(contents.expire, _INT64_MIN, _INT64_MAX):
        raise InvalidTokenError("token body's expire is not a 64-bit int")
    if not (type(contents.payload) is str and _as_text(contents.payload) is not None):
        raise InvalidTokenError("token body's payload is not a string")


def _verify_expiry(expire: int, now: float, leeway: float) -> None:
    """Raise ExpiredTokenError if the token's expire (plus leeway) has passed."""
    if expire + leeway >= now:
        return
    if expire < now:
        message = f"token expired at {expire}, {now - expire:.0f} seconds before now (leeway {leeway:g} s)"
    else:
        message = (
            f"token expires at {expire}, {expire - now:.0f} seconds from now:"
            f" less than the {-leeway:g} s of validity that leeway {leeway:g} asks for"
        )
    raise ExpiredTokenError(message)


def _canonical_base64(text: str) -> bytes | None:
    """Standard, padded, canonical base64 to bytes; None for any other spelling."""
    try:
        encoded = text.encode("ascii")
        decoded = binascii.a2b_base64(encoded)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return decoded if binascii.b2a_base64(decoded, newline=False) == encoded else None


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object's members; a name given twice is refused (parsers differ on which one wins)."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a member name is repeated")
    return members


_json_object = json.JSONDecoder(object_pairs_hook=_unique_members).decode


def _random_nonce_and_iv(frame: _Frame) -> tuple[int, bytes]:
    """A body nonce in 0 .. 2**31-1 and a fresh IV: 16 characters of 0-9a-z (CBC), 12 bytes (GCM)."""
    draw = os.urandom(_NONCE_BYTES + (frame.iv_size if frame is _GCM_FRAME else _IV_DRAW))
    nonce = int.from_bytes(draw[:_NONCE_BYTES], "big") >> 1
    if frame is _GCM_FRAME:
        return nonce, draw[_NONCE_BYTES:]
    iv = draw[_NONCE_BYTES:].translate(_IV_TABLE, _IV_DROPPED)
    while len(iv) < frame.iv_size:
        iv += os.urandom(_IV_DRAW).translate(_IV_TABLE, _IV_DROPPED)
    return nonce, iv[: frame.iv_size]


def _plain_secret(secret: object) -> str | None:
    """The plain value of a well-formed ServerSecret (a str of SECRET_LENGTH ASCII characters), else None."""
    secret = _as_str(secret)
    if secret is not None and len(secret) == SECRET_LENGTH and secret.isascii():
        return secret
    return None


def _require_secret(secret: object) -> str:
    """The plain value of a well-formed ServerSecret; TypeError or ValueError (the caller's configuration) if not."""
    if _as_str(secret) is None:
        raise TypeError(f"secret must be a str, not {_type_name(secret)}")
    secret = _plain_secret(secret)
    if secret is None:
        raise ValueError(_SECRET_RULE)
    return secret


def _masked(value: str, secret: str) -> str:
    """A value to show: ``value`` with the (well-formed) secret in it written ``<the secret>``.

    For a value a caller or a token supplied, quoted in a message or printed, which may be the
    secret put in the wrong place. Masked before it is formatted, so that no quoting or escaping
    can spell the secret anew; replaced until none is left (the marker and the text after it can
    form the secret again).
    """
    while secret in value:
        value = value.replace(secret, _SECRET_SHOWN_AS)
    return value


def _seconds(value: object, name: str) -> float:
    """A number of seconds given by the caller, as a finite float; TypeError or ValueError if it is none."""
    try:
        seconds = _as_float(value)
    except (OverflowError, ValueError):  # too large for a float; Decimal's signalling NaN
        seconds = math.inf
    if seconds is None:
        raise TypeError(f"{name} must be a number of seconds or a timedelta, not {_type_name(value)}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds no larger than a float holds (about 1.8e308)")
    return seconds


def _as_float(value: object) -> float | None:
    """A real number (int and float subclasses by plain value, not bool) or a timedelta as float seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, int):
        whole = _as_int(value)  # None for a bool, as everywhere
        return None if whole is None else float(whole)
    if isinstance(value, numbers.Number) and not isinstance(value, complex):  # Fraction, Decimal, numpy's
        return float(value)  # type: ignore[arg-type]
    return None


def _is_int_in(value: object, low: int, high: int) -> bool:
    """True for a plain int (not bool) from low to high."""
    return type(value) is int and low <= value <= high


def _app_id_value(app_id: object) -> int | None:
    """The plain value of an AppID (an int from 1 to MAX_APP_ID, or an int subclass of one), else None."""
    value = _as_int(app_id)
    return value if value is not None and 0 < value <= MAX_APP_ID else None


def _as_str(value: object) -> str | None:
    """The plain str value of a str or str subclass (an enum member reads as its value), else None."""
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    return None


def _as_int(value: object) -> int | None:
    """The plain int value of an int or int subclass other than bool, else None."""
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__index__(value)
    return None


def _as_text(value: object) -> str | None:
    """The plain value of a str that encodes to UTF-8 (no lone surrogates), else None."""
    text = _as_str(value)
    if text is None or text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def _require_text(value: object, name: str) -> str:
    text = _as_text(value)
    if text is None:
        if _as_str(value) is None:
            raise TypeError(f"{name} must be a str, not {_type_name(value)}")
        raise ValueError(f"{name} must be valid Unicode text (it has a lone surrogate)")
    return text


def _type_name(value: object) -> str:
    return type(value).__name__


def _json_kind(value: object) -> str:
    """What a parsed JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    return {str: "a string", int: "a number", float: "a number", list: "an array", dict: "an object"}[type(value)]


def _refusal(error_code: int, error_message: str) -> TokenInfo:
    return TokenInfo("", error_code, error_message)
