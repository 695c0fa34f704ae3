"""ZEGO's SDK rules: for user, room and stream IDs (refuse a bad ID before you mint a token for
it), and ZIM's for a token's expiry and payload.

A token can carry any user ID, but the SDK refuses a login whose IDs break its rules, so a token
for such an ID is useless. Each check returns what is wrong with an ID, as a sentence, or None
when the SDK takes it. Where ZEGO's platforms differ, the rule is what every platform takes, and
the message names the platform that refuses. Where each rule comes from: docs/decoding.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from .._values import as_str, as_text, require_str, type_name
from ..errors import TokenError
from ..token04 import ERROR_CODE_PAYLOAD_INVALID, ERROR_CODE_USER_ID_INVALID, Token04
from ._report import Contents, Recorder

__all__ = [
    "PRODUCT_RTC",
    "PRODUCT_ZIM",
    "MAX_USER_ID_BYTES",
    "MAX_ROOM_ID_BYTES",
    "MAX_STREAM_ID_BYTES",
    "check_user_id",
    "check_room_id",
    "check_stream_id",
    "every_sdk_refuses",
    "id_rule",
    "refuse_ids",
    "product_name",
    "ZIM_MIN_VALIDITY_SECONDS",
    "ZIM_MAX_VALIDITY_SECONDS",
    "ZIM_MAX_EXPIRE",
    "check_zim",
    "check_ids",
]

PRODUCT_RTC = "rtc"
"""ZEGO Express: RTC rooms, and the UIKits built on it."""
PRODUCT_ZIM = "zim"
"""ZIM, in-app chat."""

MAX_USER_ID_BYTES = {PRODUCT_RTC: 64, PRODUCT_ZIM: 32}
"""The longest userID each product takes, in UTF-8 bytes."""
MAX_ROOM_ID_BYTES = 128
MAX_STREAM_ID_BYTES = 256

_LETTERS_AND_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_USER_ID_PUNCTUATION = "~!@#$%^&*()_+=-`;',.<>\\"  # not "/": the web SDK refuses it
_ROOM_ID_PUNCTUATION = "~!@#$%^&*()_+=-`;,.<>\\"  # not "'": the native SDKs refuse it
_USER_ID_NOTES = {"/": "the web SDK refuses '/', the native SDKs take it"}
_ROOM_ID_NOTES = {"'": 'the native SDKs refuse "\'", the web SDK takes it'}
_STREAM_ID_PUNCTUATION = "-_"
_USER_ID = (_USER_ID_PUNCTUATION, _USER_ID_NOTES)
_OTHER_IDS: dict[str, tuple[int, str, dict[str, str] | None]] = {
    "room_id": (MAX_ROOM_ID_BYTES, _ROOM_ID_PUNCTUATION, _ROOM_ID_NOTES),
    "stream_id": (MAX_STREAM_ID_BYTES, _STREAM_ID_PUNCTUATION, None),
}
_EVERY_SDK = {  # what every SDK takes, widest first: (bytes, punctuation)
    "user_id": (max(MAX_USER_ID_BYTES.values()), _USER_ID_PUNCTUATION + "".join(_USER_ID_NOTES)),
    "room_id": (MAX_ROOM_ID_BYTES, _ROOM_ID_PUNCTUATION + "".join(_ROOM_ID_NOTES)),
    "stream_id": (MAX_STREAM_ID_BYTES, _STREAM_ID_PUNCTUATION),
}


def check_user_id(user_id: str, product: str = PRODUCT_RTC) -> str | None:
    """What is wrong with ``user_id`` for ``product`` ("rtc" or "zim"), or None.

    Raises TypeError for a product that is not a str and ValueError for an
    unknown one (the ID itself never raises).
    """
    return _named("user_id", id_rule("user_id", user_id, product))


def check_room_id(room_id: str) -> str | None:
    """What is wrong with ``room_id`` as loginRoom's roomID, or None."""
    return _named("room_id", id_rule("room_id", room_id))


def check_stream_id(stream_id: str) -> str | None:
    """What is wrong with ``stream_id`` as startPublishingStream's streamID, or None."""
    return _named("stream_id", id_rule("stream_id", stream_id))


def id_rule(kind: str, value: object, product: str = PRODUCT_RTC) -> str | None:
    """The rule of some ZEGO SDK an ID breaks, without the ID's name ("is empty", "has
    characters ..."), or None; ``kind`` is "user_id", "room_id" or "stream_id"."""
    if kind == "user_id":
        return _check_id(value, MAX_USER_ID_BYTES[product_name(product)], *_USER_ID)
    return _check_id(value, *_OTHER_IDS[kind])


def product_name(product: object) -> str:
    """The plain value of a product name ("rtc" or "zim"); TypeError or ValueError for anything
    else."""
    name = require_str(product, "product")
    if name not in MAX_USER_ID_BYTES:
        raise ValueError(f'product must be "{PRODUCT_RTC}" or "{PRODUCT_ZIM}"')
    return name


def every_sdk_refuses(name: str, value: str) -> str | None:
    """The rule of every ZEGO SDK that an ID breaks ("is empty", "has characters ..."), or
    None; ``name`` is "user_id", "room_id" or "stream_id".

    Looser than check_user_id and its kin, which refuse what any SDK refuses: a character or a
    length only some SDKs refuse ('/' in a userID, a ZIM userID over 32 bytes) passes here.
    """
    max_bytes, punctuation = _EVERY_SDK[name]
    return _check_id(value, max_bytes, punctuation)


def _named(name: str, rule: str | None) -> str | None:
    return None if rule is None else f"{name} {rule}"


def _check_id(
    value: object, max_bytes: int, punctuation: str, notes: dict[str, str] | None = None
) -> str | None:
    """The rule an ID breaks, or None."""
    text = as_str(value)
    if text is None:
        return f"must be a str, not {type_name(value)}"
    if not text:
        return "is empty"
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return f"is {size} bytes; the SDK takes at most {max_bytes}"
    refused = sorted(set(text) - set(_LETTERS_AND_DIGITS + punctuation))
    if refused:
        shown = " ".join(repr(c) for c in refused[:8]) + (" …" if len(refused) > 8 else "")
        notes_said = "".join(f"; {notes[c]}" for c in refused if notes and c in notes)
        takes = f"it takes ASCII letters, digits and {punctuation}"
        return f"has characters the SDK refuses ({shown}{notes_said}); {takes}"
    return None


def refuse_ids(user_id: str, room_id: str | None, stream_ids: Iterable[str] | None) -> None:
    """TokenError for the first ID every ZEGO SDK refuses at login (a room_id "" is any room)."""
    named = [("user_id", user_id), ("room_id", room_id or None)]
    named += [("stream_ids", stream_id) for stream_id in stream_ids or ()]
    for argument, value in named:
        kind = "stream_id" if argument == "stream_ids" else argument
        # Not text, or empty: make_token04 (or rtc_room_payload) refuses it, as no token holds it.
        rule = every_sdk_refuses(kind, value) if value and as_text(value) else None
        if rule is not None:
            code = (
                ERROR_CODE_USER_ID_INVALID if argument == "user_id" else ERROR_CODE_PAYLOAD_INVALID
            )
            raise TokenError(argument, rule, code)


ZIM_MIN_VALIDITY_SECONDS = 30
"""Less validity left than this: ZIM's web SDK 2.22 and older refuse the login (6000108); 2.24 and
newer log in, fire tokenWillExpire at once and close the connection 2 s before the expiry."""
ZIM_MAX_VALIDITY_SECONDS = 24 * 24 * 3600
"""More validity than this: ZIM's web SDK 2.22 and older refuse the login (6000109); 2.24 and newer
close the connection after 24 days less 2 s unless the token is renewed."""
ZIM_MAX_EXPIRE = 2**31 - 1
"""ZIM's web SDK reads the expire as a signed 32-bit number: a later one (after 2038-01-19) reads as
expired."""

_ZIM_OLD_AND_NEW = "ZIM's SDK 2.22 and older refuse the login ({code}); 2.24 and newer {newer}"


def check_zim(contents: Contents, now: float, expired: bool, report: Recorder) -> None:
    """ZIM takes no payload, reads the expire as 32 bits, and judges the validity left at login."""
    if isinstance(contents, Token04):
        report.rule(
            "zim-payload",
            "ZIM takes no payload, and this token carries one" if contents.payload else None,
            'make it with payload=""',
        )
    beyond = contents.expire > ZIM_MAX_EXPIRE
    refused = (
        "the token expires after 2038-01-19, and ZIM's SDK reads its expire as a signed 32-bit "
        "number: it refuses the login as expired (6000106)"
    )
    report.rule(
        "expire-beyond-2038",
        refused if beyond else None,
        "make it with a lifetime of at most 24 days",
    )
    if beyond or expired:
        return  # the findings above say more
    left = contents.expire - now
    short = long = None
    if left < ZIM_MIN_VALIDITY_SECONDS:
        newer = (
            "log in, fire tokenWillExpire at once and close the connection 2 s before the expiry"
        )
        short = (
            f"the token has {left:.0f} s of validity left, less than {ZIM_MIN_VALIDITY_SECONDS} s: "
            + _ZIM_OLD_AND_NEW.format(code=6000108, newer=newer)
        )
    if left > ZIM_MAX_VALIDITY_SECONDS:
        newer = "close the connection after 24 days less 2 s unless the token is renewed"
        long = (
            f"the token has {left:.0f} s of validity left, more than 24 days: "
            + _ZIM_OLD_AND_NEW.format(code=6000109, newer=newer)
        )
    report.rule("duration-too-short", short, "give the client a new token")
    report.rule("duration-too-long", long, "make it with a lifetime of at most 24 days")


def check_ids(
    user_id: object, room_id: object, stream_id: object, product: str, report: Recorder
) -> None:
    """ZEGO's SDK rules for the IDs a login uses (None: not used)."""
    rules: tuple[tuple[str, object, Callable[[Any], str | None]], ...] = (
        ("user-id-format", user_id, lambda value: check_user_id(value, product)),
        ("room-id-format", room_id, check_room_id),
        ("stream-id-format", stream_id, check_stream_id),
    )
    for code, value, check in rules:
        if value is not None:  # a value of the wrong type is a finding too: check_*_id says so
            report.rule(code, check(value), "use an ID the SDK takes")
