"""The frame token04 and token03 share: a version, base64, a binary frame, AES-256.

    token = VERSION + base64(frame)
    frame = expire (int64) | len(iv) (uint16) | iv | len(ciphertext) (uint16) | ciphertext | trailer

CBC: a 16-byte IV, PKCS#7 padding, no trailer (what every official generator
makes). GCM: a 12-byte nonce, the 16-byte tag at the end of the ciphertext, and
the trailer byte 1. The AES-256 key is the secret's 32 ASCII bytes; it is made
where the cipher is, and no variable holds it.

``read_frame`` reads what anyone can read (no secret); ``decrypt`` needs the
secret. Both raise ``InvalidTokenError``, naming the commonest paste mistakes.
"""

from __future__ import annotations

import binascii
import os
import struct
from typing import NamedTuple

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

from .errors import InvalidTokenError
from .values import type_name

__all__ = [
    "MODE_CBC",
    "MODE_GCM",
    "MAX_TOKEN_LENGTH",
    "MIN_TOKEN_LENGTH",
    "VERSION_LENGTH",
    "Frame",
    "seal",
    "new_iv",
    "read_frame",
    "canonical_base64",
    "decrypt",
    "base64_length",
    "declared_size",
]

MODE_CBC = "cbc"
"""AES-256-CBC: the classic frame that every official generator makes."""
MODE_GCM = "gcm"
"""AES-256-GCM: the newer, authenticated frame, marked by a trailing byte 1."""


class _Layout(NamedTuple):
    mode: str
    iv_size: int
    trailer: bytes  # what follows the ciphertext
    head: struct.Struct  # expire, len(iv), iv, len(ciphertext)

    def size(self, ciphertext_size: int) -> int:
        """The bytes of a whole frame of this layout around a ciphertext of that size."""
        return self.head.size + ciphertext_size + len(self.trailer)


_CBC = _Layout(MODE_CBC, 16, b"", struct.Struct(">qH16sH"))
_GCM = _Layout(MODE_GCM, 12, b"\x01", struct.Struct(">qH12sH"))
_LAYOUTS = {MODE_CBC: _CBC, MODE_GCM: _GCM}
_LAYOUT_BY_IV_FIELD = {layout.iv_size.to_bytes(2, "big"): layout for layout in (_CBC, _GCM)}
_IV_FIELD = slice(8, 10)
_TAG_SIZE = 16
VERSION_LENGTH = 2  # "04", "03"

MAX_TOKEN_LENGTH = VERSION_LENGTH + 4 * -(-max(_CBC.size(0xFFFF), _GCM.size(0xFFFF)) // 3)
"""No token is longer than this (87,422 characters): a longer one is refused unread."""
MIN_TOKEN_LENGTH = VERSION_LENGTH + 4 * -(-_GCM.size(_TAG_SIZE) // 3)
"""No token is shorter than this: a GCM frame around an empty body."""

# A CBC IV is 16 characters of 0-9a-z, as the official generators make it. A random byte below
# 252 (7 * 36) maps to the alphabet by its remainder; bytes from 252 up are dropped, so that
# every character is equally likely.
_IV_ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz"
_IV_TABLE = bytes(_IV_ALPHABET[byte % len(_IV_ALPHABET)] for byte in range(256))
_IV_DROPPED = bytes(range(252, 256))


class Frame(NamedTuple):
    """What a token's frame holds, all of it readable without the secret."""

    mode: str
    """MODE_CBC or MODE_GCM, from the frame's IV length."""
    expire: int
    """The expire the frame carries in the clear (Unix seconds)."""
    iv: bytes
    """The IV (CBC) or nonce (GCM)."""
    ciphertext: bytes
    """The encrypted body (with the GCM tag at its end)."""


def seal(version: str, mode: str, secret: str, expire: int, iv: bytes, body: bytes) -> str:
    """The token that carries ``body`` encrypted under ``secret``: the mirror of read_frame and
    decrypt."""
    layout = _LAYOUTS[mode]
    if layout is _GCM:
        ciphertext, tag = AES.new(
            secret.encode("ascii"), AES.MODE_GCM, nonce=iv
        ).encrypt_and_digest(body)
        ciphertext += tag
    else:
        ciphertext = AES.new(secret.encode("ascii"), AES.MODE_CBC, iv).encrypt(
            pad(body, AES.block_size)
        )
    packed = layout.head.pack(expire, len(iv), iv, len(ciphertext)) + ciphertext + layout.trailer
    return version + binascii.b2a_base64(packed, newline=False).decode("ascii")


def new_iv(mode: str) -> bytes:
    """A fresh IV from os.urandom: 16 characters of 0-9a-z (CBC, as the official generators), 12
    bytes (GCM)."""
    if mode == MODE_GCM:
        return os.urandom(_GCM.iv_size)
    iv = b""
    while len(iv) < _CBC.iv_size:  # 24 bytes leave fewer than 16 about once in 10**10 draws
        iv += os.urandom(24).translate(_IV_TABLE, _IV_DROPPED)
    return iv[: _CBC.iv_size]


def read_frame(token: object, version: str, mode: str | None = None) -> Frame:
    """The frame of a token of ``version``; InvalidTokenError, naming the paste mistake, if it is
    none.

    ``mode`` pins the cipher: a frame of the other mode is refused, before anything is decrypted.
    ValueError if ``mode`` is not None, MODE_CBC or MODE_GCM (the caller's configuration).
    """
    if mode is not None and mode not in _LAYOUTS:
        raise ValueError('mode must be None, "cbc" or "gcm"')
    if not isinstance(token, str):
        raise InvalidTokenError(f"token must be a str, not {type_name(token)}")
    token = str.__str__(token)
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidTokenError(
            f"token is longer than any token ({len(token)} > {MAX_TOKEN_LENGTH} characters)"
        )
    packed = canonical_base64(token[VERSION_LENGTH:]) if token.startswith(version) else None
    if packed is None:
        from ._paste import paste_mistake  # only when a token fails: never on the way to a token

        raise InvalidTokenError(paste_mistake(token, version))
    frame = _unpack(packed)
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
    if len(frame.ciphertext) < _TAG_SIZE:
        return None
    ciphertext, tag = frame.ciphertext[:-_TAG_SIZE], frame.ciphertext[-_TAG_SIZE:]
    try:
        return AES.new(secret.encode("ascii"), AES.MODE_GCM, nonce=frame.iv).decrypt_and_verify(
            ciphertext, tag
        )
    except ValueError:
        return None


def _open_cbc(frame: Frame, secret: str) -> bytes | None:
    # Checked here, not left to the cipher: older pycryptodome raises IndexError on an empty one.
    if not frame.ciphertext or len(frame.ciphertext) % AES.block_size:
        return None
    try:
        return unpad(
            AES.new(secret.encode("ascii"), AES.MODE_CBC, frame.iv).decrypt(frame.ciphertext),
            AES.block_size,
        )
    except ValueError:
        return None


def _unpack(packed: bytes) -> Frame:
    """The frame's fields, its layout named by its IV-length field, its length fields agreeing."""
    layout = _LAYOUT_BY_IV_FIELD.get(packed[_IV_FIELD])
    if layout is not None and len(packed) >= layout.head.size:
        expire, _, iv, ciphertext_size = layout.head.unpack_from(packed)
    elif layout is None and len(packed) >= _IV_FIELD.stop:
        raise InvalidTokenError("token frame's IV length is neither 16 (CBC) nor 12 (GCM)")
    else:
        raise InvalidTokenError("token frame is truncated")
    end = layout.head.size + ciphertext_size
    if len(packed) < layout.size(ciphertext_size):
        shown, said = (
            VERSION_LENGTH + base64_length(size)
            for size in (len(packed), layout.size(ciphertext_size))
        )
        from ._paste import cut_short

        raise InvalidTokenError(cut_short(shown, said))
    if packed[end:] != layout.trailer:
        raise InvalidTokenError(
            f"token frame has unexpected bytes after the ciphertext (a {layout.mode} frame)"
        )
    return Frame(layout.mode, expire, iv, packed[layout.head.size : end])


def canonical_base64(encoded: str) -> bytes | None:
    """Standard, padded, canonical base64 (the one spelling a generator writes) to bytes, else None.

    The only base64 read_frame takes: a token has one spelling, so a token changed on its way is
    refused."""
    try:
        data = encoded.encode("ascii")
        decoded = binascii.a2b_base64(data)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return decoded if binascii.b2a_base64(decoded, newline=False) == data else None


def base64_length(size: int) -> int:
    """The characters of padded base64 for ``size`` bytes."""
    return 4 * -(-size // 3)


def declared_size(head: bytes) -> int | None:
    """The bytes of a whole frame, as the length fields of its head say; None if it has no head."""
    layout = _LAYOUT_BY_IV_FIELD.get(head[_IV_FIELD])
    if layout is None or len(head) < layout.head.size:
        return None
    return layout.size(layout.head.unpack_from(head)[-1])
