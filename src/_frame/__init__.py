"""The frame token04 and token03 share: a version, base64, a binary frame, AES-256.

    token = VERSION + base64(frame)
    frame = expire (int64) | len(iv) (uint16) | iv | len(ciphertext) (uint16) | ciphertext | trailer

CBC: a 16-byte IV, PKCS#7 padding, no trailer (what every official generator makes). GCM: a
12-byte nonce, the 16-byte tag at the end of the ciphertext, the trailer byte 1. The AES-256 key
is the secret's 32 ASCII bytes, made where the cipher is: no variable holds it.

``read_frame`` reads what anyone can read (no secret); ``decrypt`` needs the secret;
``read_body`` reads the JSON body inside by each member's rule. All raise ``InvalidTokenError``;
why a token did not read is ``_paste``'s to say, loaded only then.
"""

from __future__ import annotations

import binascii
import os
import struct
from typing import Callable, NamedTuple

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

from .._values import APP_ID_RULE, app_id_value, as_text, parse_json_object
from ..errors import InvalidTokenError

MODE_CBC = "cbc"
"""AES-256-CBC: the classic frame that every official generator makes."""
MODE_GCM = "gcm"
"""AES-256-GCM: the newer, authenticated frame, marked by a trailing byte 1."""


class Layout(NamedTuple):
    mode: str
    trailer: bytes  # what follows the ciphertext
    head: struct.Struct  # expire, len(iv), iv, len(ciphertext)

    def size(self, ciphertext_size: int) -> int:
        """The bytes of a whole frame of this layout around a ciphertext of that size."""
        return self.head.size + ciphertext_size + len(self.trailer)


_CBC = Layout(MODE_CBC, b"", struct.Struct(">qH16sH"))
_GCM = Layout(MODE_GCM, b"\x01", struct.Struct(">qH12sH"))
LAYOUTS = {MODE_CBC: _CBC, MODE_GCM: _GCM}
MODES = tuple(LAYOUTS)
LAYOUT_BY_IV_FIELD = {b"\x00\x10": _CBC, b"\x00\x0c": _GCM}  # the frame's len(iv)
IV_FIELD = slice(8, 10)
TAG_SIZE = 16
VERSION_LENGTH = 2  # "04", "03"
MAX_TOKEN_LENGTH = VERSION_LENGTH + 4 * -(-_CBC.size(0xFFFF) // 3)  # 87,422: CBC's head is longer
"""No token is longer than this: a longer one is refused unread."""

# A CBC IV is 16 characters of 0-9a-z, as the official generators make it. A random byte below
# 252 (7 * 36) maps to one by its remainder; bytes from 252 up are dropped: each is as likely.
_IV_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IV_TABLE = bytes(_IV_ALPHABET[byte % len(_IV_ALPHABET)] for byte in range(256))
_IV_DROPPED = bytes(range(252, 256))


class Frame(NamedTuple):
    """What a token's frame holds, all of it readable without the secret."""

    mode: str  # MODE_CBC or MODE_GCM, from the frame's IV length
    expire: int  # carried in the clear
    iv: bytes  # the IV (CBC) or nonce (GCM)
    ciphertext: bytes  # with the GCM tag at its end


def seal(version: str, mode: str, secret: str, expire: int, iv: bytes, body: bytes) -> str:
    """The token that carries ``body`` encrypted under ``secret``: read_frame and decrypt's
    mirror."""
    if mode == MODE_GCM:
        gcm = AES.new(secret.encode("ascii"), AES.MODE_GCM, nonce=iv)
        ciphertext = b"".join(gcm.encrypt_and_digest(body))
    else:
        cbc = AES.new(secret.encode("ascii"), AES.MODE_CBC, iv)
        ciphertext = cbc.encrypt(pad(body, AES.block_size))
    layout = LAYOUTS[mode]
    packed = layout.head.pack(expire, len(iv), iv, len(ciphertext)) + ciphertext + layout.trailer
    return version + binascii.b2a_base64(packed, newline=False).decode("ascii")


def new_iv(mode: str) -> bytes:
    """A fresh IV from os.urandom: 16 characters of 0-9a-z (CBC), or 12 bytes (GCM)."""
    if mode == MODE_GCM:
        return os.urandom(12)
    iv = b""
    while len(iv) < 16:  # 24 bytes leave fewer than 16 about once in 10**10 draws
        iv += os.urandom(24).translate(_IV_TABLE, _IV_DROPPED)
    return iv[:16]


def read_frame(token: object, version: str, mode: str | None = None) -> Frame:
    """The frame of a token of ``version``; InvalidTokenError, naming the paste mistake, if none.

    ``mode`` pins the cipher: a frame of the other mode is refused, before anything is decrypted.
    ValueError if ``mode`` is not None, MODE_CBC or MODE_GCM (the caller's configuration).
    """
    if mode is not None and mode not in MODES:
        raise ValueError('mode must be None, "cbc" or "gcm"')
    if not isinstance(token, str):
        raise InvalidTokenError(f"token must be a str, not {type(token).__name__}")
    token = str.__str__(token)
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError(
            f"token is longer than any token ({len(token)} > {MAX_TOKEN_LENGTH} characters)"
        )
    packed = canonical_base64(token[VERSION_LENGTH:]) if token.startswith(version) else None
    if packed is None:
        from ._paste import paste_mistake

        raise InvalidTokenError(paste_mistake(token, version))
    frame = _unpack(packed, len(token))
    if mode is not None and frame.mode != mode:
        raise InvalidTokenError(
            f"the token{version} is {frame.mode.upper()}; only {mode.upper()} tokens are taken here"
        )
    return frame


def decrypt(frame: Frame, secret: str, version: str) -> bytes:
    """The body inside the frame: the GCM tag verified, or the CBC padding removed."""
    body = _open_gcm(frame, secret) if frame.mode == MODE_GCM else _open_cbc(frame, secret)
    if body is None:  # raised out here, so that no exception keeps the cipher (and its key) alive
        raise InvalidTokenError(
            f"this token{version} does not decrypt with this secret (wrong secret or corrupted)"
        )
    return body


def _open_gcm(frame: Frame, secret: str) -> bytes | None:
    if len(frame.ciphertext) < TAG_SIZE:
        return None
    ciphertext, tag = frame.ciphertext[:-TAG_SIZE], frame.ciphertext[-TAG_SIZE:]
    cipher = AES.new(secret.encode("ascii"), AES.MODE_GCM, nonce=frame.iv)
    try:
        return cipher.decrypt_and_verify(ciphertext, tag)
    except ValueError:
        return None


def _open_cbc(frame: Frame, secret: str) -> bytes | None:
    # Checked here, not left to the cipher: older pycryptodome raises IndexError on an empty one.
    if not frame.ciphertext or len(frame.ciphertext) % AES.block_size:
        return None
    cipher = AES.new(secret.encode("ascii"), AES.MODE_CBC, frame.iv)
    try:
        return unpad(cipher.decrypt(frame.ciphertext), AES.block_size)
    except ValueError:
        return None


def _unpack(packed: bytes, token_length: int) -> Frame:
    """The frame's fields, its layout named by its IV-length field, its length fields agreeing."""
    layout = LAYOUT_BY_IV_FIELD.get(packed[IV_FIELD])
    if layout is None or len(packed) < layout.head.size:
        from ._paste import frame_mistake

        raise InvalidTokenError(frame_mistake(packed))
    expire, _, iv, ciphertext_size = layout.head.unpack_from(packed)
    end = layout.head.size + ciphertext_size
    if len(packed) < layout.size(ciphertext_size):
        from ._paste import cut_short

        raise InvalidTokenError(cut_short(token_length, layout.size(ciphertext_size)))
    if packed[end:] != layout.trailer:
        raise InvalidTokenError(
            f"token frame has unexpected bytes after the ciphertext (a {layout.mode} frame)"
        )
    return Frame(layout.mode, expire, iv, packed[layout.head.size : end])


def canonical_base64(encoded: str) -> bytes | None:
    """Standard, padded, canonical base64 (the one spelling a generator writes) as bytes, else
    None: a token has one spelling, so a token changed on its way is refused."""
    try:
        data = encoded.encode("ascii")
        decoded = binascii.a2b_base64(data)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return decoded if binascii.b2a_base64(decoded, newline=False) == data else None


class Member(NamedTuple):
    """What one member of a token's JSON body must be."""

    description: str  # in the words a refusal uses
    test: Callable[[object], bool]  # true for a parsed value the member may hold


def int_member(bits: int) -> Member:
    """A JSON integer (not true or false) of ``bits`` bits, signed."""
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return Member(f"a {bits}-bit int", lambda value: type(value) is int and low <= value <= high)


def _is_text(value: object) -> bool:
    # JSON gives exact strs; only a non-ASCII one can hold a lone surrogate ("\ud800").
    return type(value) is str and (value.isascii() or as_text(value) is not None)


APP_ID_MEMBER = Member(f"an AppID ({APP_ID_RULE})", lambda v: app_id_value(v) is not None)
TEXT_MEMBER = Member("a string", _is_text)
USER_ID_MEMBER = Member("a non-empty string", lambda value: value != "" and _is_text(value))


def read_body(
    body: bytes,
    version: str,
    members: dict[str, Member],
    expire: tuple[str, int],
    optional: str = "",
) -> dict[str, object]:
    """A token's body: a UTF-8 JSON object of exactly ``members`` (``optional`` may be absent or
    null), each once, keeping its rule, ``expire[0]`` the frame's ``expire[1]``; else refused."""
    try:
        found = parse_json_object(body.decode("utf-8"))
    except UnicodeDecodeError:
        found = None
    if found is None or not (members.keys() - {optional} <= found.keys() <= members.keys()):
        absent = f" ({optional} may be absent)" if optional else ""
        raise InvalidTokenError(
            f"token{version} body is not a JSON object with exactly the members "
            f"{', '.join(members)}{absent}, each once"
        )
    if found.get(optional, "") is None:
        del found[optional]  # null reads as absent
    for name, member in members.items():
        if name in found and not member.test(found[name]):
            raise InvalidTokenError(f"token{version} body's {name} is not {member.description}")
    if found[expire[0]] != expire[1]:  # anyone can read the frame's, and change it in a CBC token
        raise InvalidTokenError("the frame's expire differs from the body's")
    return found
