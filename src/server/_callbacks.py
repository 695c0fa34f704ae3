"""ZEGO's callbacks: prove that one is ZEGO's, and handle it once.

ZEGO signs a callback with the project's CallbackSecret (not the ServerSecret):
``signature`` = sha1 of the CallbackSecret, ``timestamp`` and ``nonce``, sorted
as strings and joined, in hex. That signature proves only that the sender knew
the CallbackSecret and chose this timestamp and nonce; nothing else of the
body is signed. HTTPS keeps the rest from being changed on the way; ``max_age``
refuses an old callback; a callback log (``seen=``) refuses one already handled.

Anyone can POST to a callback URL, so every body, whatever its bytes, shape or
value types, is either taken or refused with ``InvalidCallbackError``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from .._values import (
    as_int,
    now_seconds,
    parse_whole_number,
    require_callback_secret,
    seconds,
    type_name,
)
from ._callback_log import CLAIMED, DONE, AsyncCallbackLog, CallbackLog, MemoryCallbackLog
from ._errors import CallbackLogError, InvalidCallbackError
from ._fields import callback_fields, callback_id, signed_fields, signed_text

__all__ = [
    "DEFAULT_MAX_AGE",
    "MAX_LOGGED_AGE",
    "LOG_MARGIN",
    "callback_signature",
    "verify_callback",
    "averify_callback",
]

DEFAULT_MAX_AGE = 300
"""verify_callback's max_age unless given: 5 minutes, as Stripe's and Standard Webhooks'."""
MAX_LOGGED_AGE = 12 * 3600
"""The largest max_age: a log keeps an entry at most a day."""
LOG_MARGIN = 120
"""Seconds a log keeps an entry beyond max_age, and beyond the moment max_age would refuse the
callback."""

_MAX_TTL = 24 * 3600
_MILLISECONDS_FROM = 10**11  # a timestamp this large is in milliseconds (as seconds: the year 5138)


def callback_signature(secret: str, timestamp: int | str, nonce: int | str) -> str:
    """A callback's signature: sha1 of the CallbackSecret, timestamp and nonce, sorted and joined,
    in hex.

    ``secret`` is the CallbackSecret; ``timestamp`` and ``nonce`` as they were
    sent (an int is signed as its decimal digits). Raises TypeError or
    ValueError, naming the argument, for a value that cannot be signed.
    """
    signed = [_require_signed(timestamp, "timestamp"), _require_signed(nonce, "nonce")]
    joined = "".join(sorted([require_callback_secret(secret), *signed])).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()


def verify_callback(
    body: bytes | str | Mapping[str, Any],
    secret: str,
    *,
    max_age: float | timedelta = DEFAULT_MAX_AGE,
    now: float | None = None,
    seen: CallbackLog | None = None,
) -> dict[str, Any]:
    """The fields of a callback signed with the CallbackSecret ``secret``.

    ``body`` is what the web framework hands over: the raw body (``bytes`` or
    ``str``, JSON or form-encoded) or a mapping of its fields. The signed fields
    are found as RTC and ZIM send them (``signature``, ``timestamp``, ``nonce``)
    or as the AI products do (``Signature``...), signed exactly as sent and
    compared in constant time. The signature proves the timestamp and nonce
    only: the other fields are as the sender wrote them (HTTPS protects them on
    the way).

    A callback whose timestamp (seconds or milliseconds) is further than
    ``max_age`` (seconds or a timedelta, at most MAX_LOGGED_AGE; 5 minutes unless
    given: ZEGO's last resend comes about a minute after the first try) from
    ``now`` is refused. With ``seen`` (a ``CallbackLog``) the callback is claimed
    in the log: call ``seen.done(fields)`` once it is handled (see CallbackLog).

    Raises InvalidCallbackError (its ``reason``: ``malformed``, ``missing-field``,
    ``bad-signature``, ``too-old``, ``replayed``) for any body not taken;
    CallbackLogError (answer 503: ZEGO sends it again) if the log cannot be
    reached in time, is full, or another delivery of the callback is being
    handled; TypeError or ValueError for a malformed ``secret``, ``max_age``,
    ``now`` or ``seen`` (an AsyncCallbackLog goes to averify_callback).
    """
    if not (seen is None or isinstance(seen, CallbackLog)):
        raise TypeError("seen must be a CallbackLog (an AsyncCallbackLog: averify_callback)")
    fields, ttl = _verified(body, secret, max_age, now)
    if seen is not None:
        _settle(seen.claim(callback_id(fields), ttl))
    return fields


async def averify_callback(
    body: bytes | str | Mapping[str, Any],
    secret: str,
    *,
    max_age: float | timedelta = DEFAULT_MAX_AGE,
    now: float | None = None,
    seen: AsyncCallbackLog | MemoryCallbackLog | None = None,
) -> dict[str, Any]:
    """verify_callback for asyncio: ``seen`` is an AsyncCallbackLog (AsyncRedisCallbackLog) or
    a MemoryCallbackLog, so the event loop never waits on the log."""
    if not (seen is None or isinstance(seen, (AsyncCallbackLog, MemoryCallbackLog))):
        raise TypeError(
            "seen must be an AsyncCallbackLog or a MemoryCallbackLog: another would block "
            "the event loop"
        )
    fields, ttl = _verified(body, secret, max_age, now)
    if isinstance(seen, AsyncCallbackLog):
        _settle(await seen.claim(callback_id(fields), ttl))
    elif seen is not None:
        _settle(seen.claim(callback_id(fields), ttl))
    return fields


def _verified(
    body: object, secret: str, max_age: object, now: object
) -> tuple[dict[str, Any], int]:
    """The fields of a callback proven to be ZEGO's and fresh, and how long a log keeps it."""
    require_callback_secret(secret)
    limit, moment = seconds(max_age, "max_age"), now_seconds(now)
    if not 0 <= limit <= MAX_LOGGED_AGE:
        raise ValueError(f"max_age must be from 0 to {MAX_LOGGED_AGE} seconds")
    fields = callback_fields(body)
    signature, timestamp, nonce = signed_fields(fields)
    # No local holds the expected signature: it would forge this timestamp and nonce.
    if not hmac.compare_digest(callback_signature(secret, timestamp, nonce), signature):
        raise InvalidCallbackError(
            "the callback's signature is wrong: not ZEGO's, or not this CallbackSecret",
            "bad-signature",
        )
    left = _seconds_left(timestamp, moment, limit)
    # The whole window, and ZEGO's retries.
    return fields, min(math.ceil(max(left, limit)) + LOG_MARGIN, _MAX_TTL)


def _settle(state: str) -> None:
    if state == DONE:
        raise InvalidCallbackError("the callback is in the log already: it was handled", "replayed")
    if state != CLAIMED:
        raise CallbackLogError(
            "another delivery of this callback is being handled; try later", "in-progress"
        )


def _require_signed(value: object, name: str) -> str:
    text = signed_text(value)
    if text is None:
        if as_int(value) is None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or an int, not {type_name(value)}")
        raise ValueError(f"{name} must be non-empty text, or a whole number below 10**20")
    return text


def _seconds_left(timestamp: str, now: float, max_age: float) -> float:
    """How long until max_age refuses the callback; InvalidCallbackError if it does already."""
    sent = parse_whole_number(timestamp)
    if sent is None:
        raise InvalidCallbackError(
            "the callback's timestamp is not a whole number of seconds or milliseconds", "malformed"
        )
    sent_seconds = sent / 1000 if sent >= _MILLISECONDS_FROM else sent
    if now - sent_seconds > max_age:
        raise InvalidCallbackError(
            f"the callback is {now - sent_seconds:.0f} s old, more than {max_age:g} s", "too-old"
        )
    if sent_seconds - now > max_age:
        raise InvalidCallbackError(
            "the callback's timestamp is ahead of this server's clock by more than max_age",
            "too-old",
        )
    return sent_seconds + max_age - now
