"""Generate and decode ZEGO "token04" authentication tokens.

A token04 is ``"04" + base64(frame)``. The frame holds the expire time, an IV
(or, for GCM, a nonce) and the AES-256 encryption, under the project's
ServerSecret, of a small JSON body::

    {"app_id":1,"user_id":"demo","nonce":123,"ctime":1700000000,"expire":1700003600,"payload":""}

(ZEGOCLOUD's UIKit writes the same body without ``payload``; it reads as "".)

``generate_token04`` never raises: bad input gives a ``TokenInfo`` whose token
is "" and whose ``error_code`` says which argument was refused.
``decode_token04`` raises ``InvalidTokenError`` for every way a token can be bad.

Arguments documented as ``str`` or ``int`` also take their subclasses, read by
their plain value (``str.__str__`` and ``int.__index__`` of the built-in types):
no method a subclass defines is ever called, so a subclass cannot change what
is checked or make a function raise. ``bool`` is never taken for an ``int``.
"""

from __future__ import annotations

import binascii
import functools
import json
import json.scanner
import math
import operator
import os
import struct
import sys
import time
from typing import Iterable, NamedTuple

from Crypto.Cipher import AES

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

MAX_BODY_BYTES = 65519
"""The largest UTF-8 JSON body a token can carry. The frame stores the
ciphertext's length as an unsigned 16-bit number (at most 65535), and both
modes add up to 16 bytes to the body (CBC padding, the GCM tag).

generate_token04 measures the body with its nonce written at its longest
(MAX_NONCE_DIGITS digits), so whether a payload fits depends only on the
inputs and the clock, never on the random nonce drawn."""
MAX_NONCE_DIGITS = 10
"""Digits of the longest nonce generate_token04 draws (2147483647)."""

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


# The records made on every call, built straight from a tuple: a NamedTuple's own __new__ is a
# Python function, and costs a call on top.
_new_token_info = functools.partial(tuple.__new__, TokenInfo)
_new_token04 = functools.partial(tuple.__new__, Token04)


class _Frame:
    """How one mode lays out its frame (slots, not a NamedTuple: decode reads them on every call)."""

    __slots__ = ("head", "head_size", "iv_size", "mode", "trailer")

    def __init__(self, mode: str, iv_size: int, head: struct.Struct, trailer: bytes) -> None:
        self.mode = mode
        self.iv_size = iv_size
        self.head = head  # expire, len(iv), iv, len(ciphertext); the ciphertext follows
        self.head_size = head.size
        self.trailer = trailer  # what follows the ciphertext


_CBC_FRAME = _Frame(MODE_CBC, 16, struct.Struct(">qH16sH"), b"")
_GCM_FRAME = _Frame(MODE_GCM, 12, struct.Struct(">qH12sH"), b"\x01")
_FRAMES_BY_MODE = {frame.mode: frame for frame in (_CBC_FRAME, _GCM_FRAME)}
# Keyed by the frame's IV-length field as it stands in bytes 8 and 9.
_FRAMES_BY_IV_SIZE_FIELD = {frame.iv_size.to_bytes(2, "big"): frame for frame in (_CBC_FRAME, _GCM_FRAME)}
_GCM_TAG_SIZE = 16
_CBC_BLOCK_SIZE = 16

_VERSION = "04"
_SECRET_LENGTH = 32
_SECRET_SHOWN_AS = "<the secret>"
_UINT32_MAX = 2**32 - 1
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# The body's members in the upstream Python generator's order, each with its placeholder
# in the template: '{"app_id":%d,"user_id":%s,"nonce":%d,...,"payload":%s}', compact, with
# the strings JSON-encoded and non-ASCII characters left unescaped.
_BODY_MEMBERS = (
    ("app_id", "%d"),
    ("user_id", "%s"),
    ("nonce", "%s"),  # written from its decimal text, which also measures the body
    ("ctime", "%d"),
    ("expire", "%d"),
    ("payload", "%s"),
)
_BODY_MEMBER_NAMES = tuple(name for name, _ in _BODY_MEMBERS)
_UIKIT_BODY_MEMBER_NAMES = _BODY_MEMBER_NAMES[:-1]  # no payload
_BODY_TEMPLATE = "{" + ",".join(f'"{name}":{placeholder}' for name, placeholder in _BODY_MEMBERS) + "}"
_body_members = operator.itemgetter(*_BODY_MEMBER_NAMES)
_uikit_body_members = operator.itemgetter(*_UIKIT_BODY_MEMBER_NAMES)
_PAYLOAD_MEMBERS = ("room_id", "privilege", "stream_id_list")
_PRIVILEGE_KEYS = (str(PRIVILEGE_KEY_LOGIN), str(PRIVILEGE_KEY_PUBLISH))
_json_string = json.JSONEncoder(ensure_ascii=False).encode

# A CBC IV is 16 characters of 0-9a-z, as the official generators make it. Each
# random byte below 252 (7 * 36) maps to alphabet[byte % 36]; bytes from 252 up
# are dropped, so that every character is equally likely.
_IV_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IV_USABLE_BYTES = 252
_IV_TABLE = bytes(_IV_ALPHABET[byte % len(_IV_ALPHABET)] for byte in range(256))
_IV_DROPPED = bytes(range(_IV_USABLE_BYTES, 256))
_IV_DRAW = 24  # random bytes per draw: fewer than 16 survive about once in 10**10 draws
_NONCE_BYTES = 4  # drawn with the IV, in one os.urandom call
# PKCS#7: a body of n bytes is followed by k = 16 - n % 16 bytes of value k.
_CBC_PADDING = tuple(bytes((size,)) * size for size in range(_CBC_BLOCK_SIZE + 1))

# The longest frame (a 16-byte IV, the longest ciphertext, a mode byte) in base64, after "04".
MAX_TOKEN_LENGTH = len(_VERSION) + 4 * -(-(_CBC_FRAME.head_size + 0xFFFF + 1) // 3)
"""No token04 is longer than this (87,422 characters): decode refuses a longer one unread."""


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
    # Plain int and ASCII str arguments, the usual ones, skip the helpers' calls.
    app_id_value = app_id if type(app_id) is int else _as_int(app_id)
    user_id_text = user_id if type(user_id) is str and user_id.isascii() else _as_text(user_id)
    key = _secret_key(secret)
    lifetime: int | None = effective_time_in_seconds
    if type(lifetime) is not int:
        lifetime = _as_int(effective_time_in_seconds)
    if payload is None:
        payload_text: str | None = ""
    else:
        payload_text = payload if type(payload) is str and payload.isascii() else _as_text(payload)
    frame = _FRAMES_BY_MODE.get(mode if type(mode) is str else _as_str(mode))  # type: ignore[arg-type]
    if not (app_id_value is not None and 0 < app_id_value <= _UINT32_MAX):
        return _refusal(ERROR_CODE_APP_ID_INVALID, "app_id must be an int from 1 to 4294967295")
    if not user_id_text:
        return _refusal(ERROR_CODE_USER_ID_INVALID, "user_id must be a non-empty str of valid Unicode text")
    if key is None:
        return _refusal(ERROR_CODE_SECRET_INVALID, "secret must be a str of exactly 32 ASCII characters")
    if not (lifetime is not None and 0 < lifetime <= _INT64_MAX - ctime):
        return _refusal(
            ERROR_CODE_EFFECTIVE_TIME_IN_SECONDS_INVALID,
            "effective_time_in_seconds must be an int > 0 whose expire time fits a signed 64-bit integer",
        )
    if payload_text is None:
        return _refusal(ERROR_CODE_PAYLOAD_INVALID, "payload must be a str of valid Unicode text, or None")
    if frame is None:
        return _refusal(ERROR_CODE_MODE_INVALID, 'mode must be "cbc" or "gcm"')
    nonce, iv = _random_nonce_and_iv(frame)
    return _encode_token(frame, key, app_id_value, user_id_text, nonce, ctime, ctime + lifetime, payload_text, iv)


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
    time. ``now`` and ``leeway`` are real numbers of seconds whose float value
    is finite (a negative leeway asks for that much validity left), and
    ``verify_expiry`` a bool: these are the caller's code, not the token, so a
    wrong one raises TypeError or ValueError instead. Given ``now``, the result
    depends on the arguments alone.
    """
    # One straight run of steps (the clock, the secret, the text, the frame, the cipher,
    # the body), each refusing with its own message: this is the hot path, and every call
    # saved is a measurable part of it.
    now_seconds = time.time() if now is None else _seconds(now, "now")
    leeway_seconds = 0.0 if type(leeway) is int and leeway == 0 else _seconds(leeway, "leeway")
    if type(verify_expiry) is not bool:
        raise TypeError("verify_expiry must be a bool")
    key = secret.encode("ascii") if type(secret) is str and len(secret) == _SECRET_LENGTH and secret.isascii() else None
    if key is None and (key := _secret_key(secret)) is None:
        raise InvalidTokenError("secret must be a str of exactly 32 ASCII characters")
    text = token if type(token) is str else _as_str(token)
    if text is None:
        raise InvalidTokenError(f"token must be a str, not {_type_name(token)}")
    if len(text) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError(f"token is longer than any token04 ({len(text)} > {MAX_TOKEN_LENGTH} characters)")
    if not text.startswith(_VERSION):
        raise InvalidTokenError('token does not start with "04"')

    # The frame: canonical base64, the layout its IV-length field names, the lengths agreeing.
    packed = _canonical_base64(text[len(_VERSION) :])
    if packed is None:
        if "#" in text:
            raise InvalidTokenError(
                'this is a kit token (token04 + "#" + the UIKit\'s login fields): read it with decode_kit_token'
            )
        raise InvalidTokenError('token is not standard base64 after its "04"')
    frame = _FRAMES_BY_IV_SIZE_FIELD.get(packed[8:10])
    if frame is None:
        if len(packed) < 10:
            raise InvalidTokenError("token frame is truncated")
        raise InvalidTokenError("token frame's IV length is neither 16 (CBC) nor 12 (GCM)")
    try:
        expire, _, iv, ciphertext_size = frame.head.unpack_from(packed)
    except struct.error:
        raise InvalidTokenError("token frame is truncated") from None
    ciphertext_end = frame.head_size + ciphertext_size
    if len(packed) < ciphertext_end:
        raise InvalidTokenError("token frame is shorter than its ciphertext length says")
    if packed[ciphertext_end:] != frame.trailer:
        raise InvalidTokenError(
            f"token frame has unexpected bytes after the ciphertext"
            f" (a {frame.mode} frame ends with {frame.trailer!r})"
        )
    ciphertext = packed[frame.head_size : ciphertext_end]

    # The cipher.
    try:
        if frame is _GCM_FRAME:
            if len(ciphertext) < _GCM_TAG_SIZE:
                raise ValueError("no room for the tag")
            cipher = AES.new(key, AES.MODE_GCM, nonce=iv)
            body = cipher.decrypt_and_verify(ciphertext[:-_GCM_TAG_SIZE], ciphertext[-_GCM_TAG_SIZE:])
        else:
            # Checked here, not left to the cipher: older pycryptodome raises IndexError on an empty one.
            if not ciphertext or len(ciphertext) % _CBC_BLOCK_SIZE:
                raise ValueError("not a whole number of blocks")
            # CBC decryption by its definition (each block's AES decryption XOR the block before
            # it, the IV before the first), in one ECB call: a CBC cipher object costs pycryptodome
            # a second C state per call, about 1 us.
            size = len(ciphertext)
            padded = (
                int.from_bytes(AES.new(key, AES.MODE_ECB).decrypt(ciphertext), "big")
                ^ int.from_bytes(iv + ciphertext[: size - _CBC_BLOCK_SIZE], "big")
            ).to_bytes(size, "big")
            padding = padded[-1]
            if not (0 < padding <= _CBC_BLOCK_SIZE and padded.endswith(_CBC_PADDING[padding])):
                raise ValueError("bad padding")
            body = padded[:-padding]
    except ValueError:
        raise InvalidTokenError("token does not decrypt with this secret (wrong secret or corrupted)") from None

    # The body: a UTF-8 JSON object of the six members (the UIKit's five), each named once.
    try:
        body_text = body.decode("utf-8")  # a UnicodeDecodeError is a ValueError
        try:  # compact JSON, as every generator writes it: one scan
            pairs, end = _scan_body(body_text, 0)
        except StopIteration:
            end = -1
        if end != len(body_text):  # whitespace around it, or more after it: the full decoder decides
            pairs = _decode_body(body_text)
        if type(pairs) is not tuple:
            raise ValueError("not an object")
        members = dict(pairs)
        if len(members) != len(pairs):
            raise ValueError("a member name is repeated")  # parsers differ on which one wins
        if len(members) == len(_BODY_MEMBER_NAMES):
            app_id, user_id, nonce, ctime, body_expire, payload = _body_members(members)
        elif len(members) == len(_UIKIT_BODY_MEMBER_NAMES):
            app_id, user_id, nonce, ctime, body_expire = _uikit_body_members(members)
            payload = ""
        else:
            raise ValueError("neither six members nor the UIKit's five")
    except (ValueError, KeyError, RecursionError):
        raise InvalidTokenError(
            "token body is not a JSON object with exactly the members "
            + ", ".join(_BODY_MEMBER_NAMES)
            + " (payload may be absent), each once"
        ) from None
    if payload is None:
        payload = ""
    if not (type(app_id) is int and 0 < app_id <= _UINT32_MAX):
        raise InvalidTokenError("token body's app_id is not an int from 1 to 4294967295")
    # json gives plain str; only non-ASCII text needs the full look for lone surrogates.
    if not (type(user_id) is str and user_id and (user_id.isascii() or _as_text(user_id) is not None)):
        raise InvalidTokenError("token body's user_id is not a non-empty string")
    if not (type(nonce) is int and _INT32_MIN <= nonce <= _INT32_MAX):
        raise InvalidTokenError("token body's nonce is not a 32-bit int")
    if not (type(ctime) is int and _INT64_MIN <= ctime <= _INT64_MAX):
        raise InvalidTokenError("token body's ctime is not a 64-bit int")
    if not (type(body_expire) is int and _INT64_MIN <= body_expire <= _INT64_MAX):
        raise InvalidTokenError("token body's expire is not a 64-bit int")
    if not (type(payload) is str and (payload.isascii() or _as_text(payload) is not None)):
        raise InvalidTokenError("token body's payload is not a string")
    if body_expire != expire:
        raise InvalidTokenError("the frame's expire differs from the body's")
    if verify_expiry and expire + leeway_seconds < now_seconds:
        raise ExpiredTokenError(_expiry_message(expire, now_seconds, leeway_seconds))
    return _new_token04((app_id, user_id, nonce, ctime, expire, payload, frame.mode))


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
    nonce_text = str(nonce)
    body = (
        _BODY_TEMPLATE % (app_id, _json_string(user_id), nonce_text, ctime, expire, _json_string(payload))
    ).encode("utf-8")
    size_at_longest_nonce = len(body) - len(nonce_text) + MAX_NONCE_DIGITS
    if size_at_longest_nonce > MAX_BODY_BYTES:
        return _refusal(
            ERROR_CODE_PAYLOAD_INVALID,
            f"token body would be {size_at_longest_nonce} bytes (with a {MAX_NONCE_DIGITS}-digit nonce);"
            f" at most {MAX_BODY_BYTES} fit in a token: shorten the payload (or the user_id)",
        )
    if frame is _GCM_FRAME:
        ciphertext, tag = AES.new(key, AES.MODE_GCM, nonce=iv).encrypt_and_digest(body)
        ciphertext += tag
    else:
        padded = body + _CBC_PADDING[_CBC_BLOCK_SIZE - len(body) % _CBC_BLOCK_SIZE]
        ciphertext = AES.new(key, AES.MODE_CBC, iv).encrypt(padded)
    packed = frame.head.pack(expire, len(iv), iv, len(ciphertext)) + ciphertext + frame.trailer
    token = _VERSION + binascii.b2a_base64(packed, newline=False).decode("ascii")
    return _new_token_info((token, ERROR_CODE_SUCCESS, "success"))


def _canonical_base64_reencoded(text: str) -> bytes | None:
    """Standard, padded, canonical base64 to bytes; None for any other spelling."""
    try:
        encoded = text.encode("ascii")
        decoded = binascii.a2b_base64(encoded)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return decoded if binascii.b2a_base64(decoded, newline=False) == encoded else None


if sys.version_info >= (3, 11):
    _BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    _LAST_BEFORE_ONE_PAD = frozenset(_BASE64_ALPHABET[0::4])  # the low 2 bits are zero
    _LAST_BEFORE_TWO_PADS = frozenset(_BASE64_ALPHABET[0::16])  # the low 4 bits are zero

    def _canonical_base64_strict(text: str) -> bytes | None:
        """The same rule as _canonical_base64_reencoded, 0.3 us faster, on Python 3.11+.

        Strict mode refuses what is not the alphabet and padding in the wrong place; left to
        check are whole quanta and zero bits where the padding leaves some over ("QR==" decodes
        as "QQ==" does, but only one is how base64 writes it).
        """
        if len(text) % 4:
            return None
        try:
            decoded = binascii.a2b_base64(text, strict_mode=True)
        except ValueError:  # binascii.Error, and a str that is not ASCII
            return None
        if text[-1:] == "=" and (
            text[-3] not in _LAST_BEFORE_TWO_PADS if text[-2] == "=" else text[-2] not in _LAST_BEFORE_ONE_PAD
        ):
            return None
        return decoded

    _canonical_base64 = _canonical_base64_strict
else:
    _canonical_base64 = _canonical_base64_reencoded


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object's members; a name given twice is refused (parsers differ on which one wins)."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a member name is repeated")
    return members


_json_object = json.JSONDecoder(object_pairs_hook=_unique_members).decode
# The token body's decoder gives each object as a tuple of its (name, value) pairs, made in C;
# _parse_body refuses a repeated name itself.
_BODY_DECODER = json.JSONDecoder(object_pairs_hook=tuple)
_decode_body = _BODY_DECODER.decode
_scan_body = json.scanner.make_scanner(_BODY_DECODER)  # type: ignore[arg-type]  # typeshed's stub is off


def _expiry_message(expire: int, now: float, leeway: float) -> str:
    if expire < now:
        return f"token expired at {expire}, {now - expire:.0f} seconds before now (leeway {leeway:g} s)"
    return (
        f"token expires at {expire}, {expire - now:.0f} seconds from now:"
        f" less than the {-leeway:g} s of validity that leeway {leeway:g} asks for"
    )


def _random_nonce_and_iv(frame: _Frame) -> tuple[int, bytes]:
    """A body nonce in 0 .. 2**31-1 and a fresh IV: 16 characters of 0-9a-z (CBC), 12 bytes (GCM).

    Both come from one os.urandom call (a second only in the rare case that
    too few IV bytes survive the unbiasing).
    """
    if frame is _GCM_FRAME:
        draw = os.urandom(_NONCE_BYTES + frame.iv_size)
        return int.from_bytes(draw[:_NONCE_BYTES], "big") >> 1, draw[_NONCE_BYTES:]
    draw = os.urandom(_NONCE_BYTES + _IV_DRAW)
    iv = draw[_NONCE_BYTES:].translate(_IV_TABLE, _IV_DROPPED)
    while len(iv) < frame.iv_size:
        iv += os.urandom(_IV_DRAW).translate(_IV_TABLE, _IV_DROPPED)
    return int.from_bytes(draw[:_NONCE_BYTES], "big") >> 1, iv[: frame.iv_size]


def _secret_key(secret: object) -> bytes | None:
    """The AES-256 key of a ServerSecret, or None if it is not 32 ASCII characters."""
    text = secret if type(secret) is str else _as_str(secret)
    if text is not None and len(text) == _SECRET_LENGTH and text.isascii():
        return text.encode("ascii")
    return None


def _without_secret(text: str, secret: object) -> str:
    """``text`` with the secret, as given or as repr or JSON quotes it, written ``<the secret>``.

    For messages and output that quote values a caller or a token supplied, any
    of which may be the secret put in the wrong place. A malformed secret is left
    alone: it decodes nothing, so nothing quoted beside it can have come from it.
    """
    key = _secret_key(secret)
    if key is None:
        return text
    plain = key.decode("ascii")
    escaped = plain.encode("unicode_escape").decode("ascii")  # as repr writes it, but for the quotes
    forms = {plain, escaped, escaped.replace("'", "\\'"), escaped.replace('"', '\\"'), json.dumps(plain)[1:-1]}
    while any(form in text for form in forms):  # again: a replacement can join text into a new one
        for form in forms:
            text = text.replace(form, _SECRET_SHOWN_AS)
    return text


def _seconds(value: object, name: str) -> float:
    """A number of seconds given by the caller, as a finite float (int and float subclasses by plain value)."""
    kind = type(value)
    whole = _as_int(value)  # None for a bool, as everywhere
    try:
        if issubclass(kind, float):
            seconds = float.__float__(value)  # type: ignore[arg-type]
        elif whole is not None:
            seconds = float(whole)
        elif hasattr(kind, "__float__") and not issubclass(kind, int):  # Fraction, Decimal, ...; not str, not bool
            seconds = float(value)  # type: ignore[arg-type]
        else:
            raise TypeError(f"{name} must be a number of seconds, not {_type_name(value)}")
    except (OverflowError, ValueError):  # too large for a float; Decimal's signalling NaN
        seconds = math.inf
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds no larger than a float holds (about 1.8e308)")
    return seconds


def _as_str(value: object) -> str | None:
    """The plain str value of a str or str subclass (none of its methods called), else None."""
    if type(value) is str:
        return value
    if issubclass(type(value), str):
        return str.__str__(value)
    return None


def _as_int(value: object) -> int | None:
    """The plain int value of an int or int subclass other than bool, else None."""
    if type(value) is int:
        return value
    if issubclass(type(value), int) and type(value) is not bool:
        return int.__index__(value)  # type: ignore[arg-type]
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
    """The name of value's class, read from the class itself (a metaclass cannot change it)."""
    return str(type.__dict__["__name__"].__get__(type(value)))


def _json_kind(value: object) -> str:
    """What a parsed JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    return {str: "a string", int: "a number", float: "a number", list: "an array", dict: "an object"}[type(value)]


def _refusal(error_code: int, error_message: str) -> TokenInfo:
    return TokenInfo("", error_code, error_message)
