"""Why a token did not read, in a person's words: the commonest paste mistakes, by what they
leave. Loaded only when a token fails to read, never on the way to a token.
"""

from __future__ import annotations

import binascii

from . import IV_FIELD, LAYOUT_BY_IV_FIELD, LAYOUTS, MODE_GCM, TAG_SIZE, VERSION_LENGTH

MIN_TOKEN_LENGTH = VERSION_LENGTH + 4 * -(-LAYOUTS[MODE_GCM].size(TAG_SIZE) // 3)
"""No token is shorter than this: a GCM frame around an empty body."""

_VERSION_READERS = {"03": "decode_token03", "04": "decode_token04"}


# What a token meets on its way through a web stack, each named by what it leaves in the token.
_TRANSPORT_MISTAKES = (
    (("\n", "\r"), "the token is wrapped over several lines: join them into one"),
    (
        ("#",),
        'this is a kit token (token04 + "#" + the UIKit\'s login fields): read it with '
        "decode_kit_token",
    ),
    (
        ("%2B", "%2b", "%2F", "%2f", "%3D", "%3d"),
        "the token is still URL-encoded (%2B, %3D): URL-decode it once",
    ),
    (
        (" ",),
        'the token has spaces where its "+" were (it went through a URL query string unencoded)',
    ),
    (("-", "_"), 'the token is in URL-safe base64 ("-" and "_"): ZEGO\'s tokens use "+" and "/"'),
)


def paste_mistake(token: str, version: str) -> str:
    """Why a token of ``version`` does not read as standard base64 after its version, in a person's
    words."""
    wrapping = _wrapping_mistake(token)
    if wrapping is not None:
        return wrapping
    if token[:2] in _VERSION_READERS and token[:2] != version:
        return (
            f"this is a token{token[:2]}, not a token{version}: read it with "
            f"{_VERSION_READERS[token[:2]]}"
        )
    if not token.startswith(version):
        return f'token does not start with "{version}"'
    for marks, mistake in _TRANSPORT_MISTAKES:
        if any(mark in token for mark in marks):
            return mistake
    return _length_mistake(token, version)


def _wrapping_mistake(token: str) -> str | None:
    """What was pasted around a token: white space, "Bearer ", quotes; None if nothing was."""
    if not token.strip():
        return "the token is empty"
    if token != token.strip():
        return "the token has white space around it (a space, a line end): remove it"
    if token[:7].lower() == "bearer ":
        return 'the token starts with "Bearer ": pass the token alone'
    if token[0] in "\"'" and token[1:3] in _VERSION_READERS:
        return (
            "the token is in quotes: remove them (your client may be sending the JSON "
            "string, not the token)"
        )
    return None


def _length_mistake(token: str, version: str) -> str:
    """A token of base64 characters that does not decode: cut short, its padding lost, or too
    short."""
    size, characters = _frame_size_said(token[VERSION_LENGTH:]), len(token) - VERSION_LENGTH
    if size is not None and characters < base64_length(size):
        if characters == -(-size * 4 // 3):  # every character but the "=" padding
            return 'the token has lost the "=" padding at its end: restore it'
        return cut_short(len(token), size)
    if len(token) < MIN_TOKEN_LENGTH:
        return (
            f"the token is too short to be one ({len(token)} characters; the shortest has "
            f"{MIN_TOKEN_LENGTH})"
        )
    return f'token is not standard base64 after its "{version}"'


def _frame_size_said(token: str) -> int | None:
    """How many bytes the frame's own length fields say it has, read from its first 40 characters
    (30 bytes: every frame's head fits)."""
    try:
        head = binascii.a2b_base64(token[:40] + "=" * (-len(token[:40]) % 4))
    except (ValueError, binascii.Error):
        return None
    return declared_size(head)


def frame_mistake(packed: bytes) -> str:
    """Why a frame has no head to read."""
    if len(packed) >= IV_FIELD.stop and packed[IV_FIELD] not in LAYOUT_BY_IV_FIELD:
        return "token frame's IV length is neither 16 (CBC) nor 12 (GCM)"
    return "token frame is truncated"


def cut_short(characters: int, said: int) -> str:
    """A token of ``characters`` whose frame's length fields say it has ``said`` bytes."""
    expected = VERSION_LENGTH + base64_length(said)
    return (
        f"the token looks cut short: {characters} characters, where its frame says "
        f"{expected}; copy the whole token"
    )


def base64_length(size: int) -> int:
    """The characters of padded base64 for ``size`` bytes."""
    return 4 * -(-size // 3)


def declared_size(head: bytes) -> int | None:
    """The bytes of a whole frame, as the length fields of its head say; None if it has no head."""
    layout = LAYOUT_BY_IV_FIELD.get(head[IV_FIELD])
    if layout is None or len(head) < layout.head.size:
        return None
    return layout.size(layout.head.unpack_from(head)[-1])
