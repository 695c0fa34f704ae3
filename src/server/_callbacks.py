"""ZEGO's callbacks: prove that one is ZEGO's, and handle it once.

ZEGO signs a callback with the project's CallbackSecret (not the ServerSecret):
``signature`` = sha1 of the CallbackSecret, ``timestamp`` and ``nonce``, sorted
as strings and joined, in hex. That signature proves only that the sender knew
the CallbackSecret and chose this timestamp and nonce; nothing else of the
body is signed. HTTPS keeps the rest from being changed on the way; ``max_age``
refuses an old callback; a callback log (``seen=``) refuses one already handled.

Anyone can POST to a callback URL, so every body, whatever its bytes, shape or
value types, is either taken or refused with ``InvalidCallbackError``. The
CallbackSecret is held only in variables named ``secret``, which error
trackers hide.
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
    as_text,
    now_seconds,
    parse_whole_number,
    require_str,
    seconds,
    type_name,
)
from ._callback_log import CallbackLog
from ._errors import InvalidCallbackError
from ._fields import callback_fields, callback_id, signed_fields, signed_text

__all__ = [
    "MAX_LOGGED_AGE",
    "LOG_MARGIN",
    "callback_signature",
    "verify_callback",
]

MAX_LOGGED_AGE = 12 * 3600
"""The largest max_age that goes with a callback log: a log keeps an entry at most a day."""
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
    # Named so that error trackers hide it.
    secret = "".join(sorted([_require_secret(secret), *signed]))
    return hashlib.sha1(secret.encode(), usedforsecurity=False).hexdigest()


def verify_callback(
    body: bytes | str | Mapping[str, Any],
    secret: str,
    *,
    max_age: float | timedelta | None = None,
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

    With ``max_age`` (seconds or a timedelta) a callback whose timestamp (seconds
    or milliseconds) is further than that from ``now`` is refused; allow for
    ZEGO's retries, the last about a minute after the first try. With ``seen``
    (a ``CallbackLog``; ``max_age`` of at most MAX_LOGGED_AGE is then required)
    a callback already in the log is refused as ``"replayed"``, and a new one is
    entered in it: hand it back with ``seen.forget(fields)`` if handling it fails.

    Raises InvalidCallbackError (its ``reason``: ``malformed``, ``missing-field``,
    ``bad-signature``, ``too-old``, ``replayed``) for any body not taken;
    CallbackLogError if the log cannot be reached (answer 5xx: ZEGO retries);
    TypeError or ValueError for a malformed ``secret``, ``max_age``, ``now`` or
    ``seen``.
    """
    _require_secret(secret)
    limit = None if max_age is None else seconds(max_age, "max_age")
    moment = now_seconds(now)
    if seen is not None and (limit is None or not 0 <= limit <= MAX_LOGGED_AGE):
        raise ValueError(
            f"seen needs a max_age from 0 to {MAX_LOGGED_AGE} s: the log forgets older callbacks"
        )
    fields = callback_fields(body)
    signature, timestamp, nonce = signed_fields(fields)
    # No local holds the expected signature: it would forge this timestamp and nonce.
    if not hmac.compare_digest(callback_signature(secret, timestamp, nonce), signature):
        raise InvalidCallbackError(
            "the callback's signature is wrong: not ZEGO's, or not this CallbackSecret",
            "bad-signature",
        )
    if limit is not None:
        left = _seconds_left(timestamp, moment, limit)
        # The whole window, and ZEGO's retries.
        ttl = min(math.ceil(max(left, limit)) + LOG_MARGIN, _MAX_TTL)
        if seen is not None and not seen.add(callback_id(fields), ttl):
            raise InvalidCallbackError(
                "the callback is in the log already: it was handled", "replayed"
            )
    return fields


def _require_signed(value: object, name: str) -> str:
    text = signed_text(value)
    if text is None:
        if as_int(value) is None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or an int, not {type_name(value)}")
        raise ValueError(f"{name} must be non-empty text, or a whole number below 10**20")
    return text


def _require_secret(secret: object) -> str:
    secret = require_str(secret, "secret")
    if not as_text(secret):
        raise ValueError("secret must be non-empty text")
    return secret


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
