"""How the library reads its arguments: one home for each rule (AppID, secret, seconds, JSON
objects).

Every function that takes a ``str`` or an ``int`` takes a subclass too (an
enum member, a framework's safe string), read by its plain value; ``bool`` is
never an ``int``. Objects built to lie about what they are (a subclass whose
``__str__`` or ``__index__`` misbehaves, a forged ``__class__``) are out of
scope: nothing here is written to defeat them.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import time
from datetime import datetime, timedelta, timezone
from typing import Union

__all__ = [
    "MAX_APP_ID",
    "SECRET_LENGTH",
    "APP_ID_RULE",
    "SECRET_RULE",
    "Seconds",
    "as_str",
    "as_int",
    "as_text",
    "type_name",
    "require_str",
    "app_id_value",
    "require_app_id",
    "plain_secret",
    "secret_problem",
    "require_secret",
    "whole_number",
    "seconds",
    "clock",
    "parse_json_object",
    "utc_datetime",
]

MAX_APP_ID = 2**32 - 1
"""The largest AppID (an unsigned 32-bit number); the smallest is 1."""
SECRET_LENGTH = 32
"""A ServerSecret is a str of exactly this many ASCII characters (its bytes are the AES-256 key)."""
SECRET_RULE = f"exactly {SECRET_LENGTH} ASCII characters"
"""What a secret is, in words every interface can use."""
APP_ID_RULE = f"a whole number from 1 to {MAX_APP_ID}"
"""What an AppID is, in words every interface can use."""

Seconds = Union[float, timedelta]
"""A duration or a moment in seconds: an int, a float (any real number) or a ``timedelta``."""


def as_str(value: object) -> str | None:
    """The plain value of a str (or a str subclass: an enum member reads as its value), else
    None."""
    return str.__str__(value) if isinstance(value, str) else None


def as_int(value: object) -> int | None:
    """The plain value of an int (or an int subclass such as IntEnum) other than bool, else None."""
    return operator.index(value) if isinstance(value, int) and not isinstance(value, bool) else None


def as_text(value: object) -> str | None:
    """The plain value of a str that is valid Unicode text (encodes to UTF-8: no lone surrogate),
    else None."""
    text = as_str(value)
    if text is None or text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def type_name(value: object) -> str:
    """The name of a value's type, for a message that refuses it."""
    return type(value).__name__


def require_str(value: object, name: str) -> str:
    """The plain value of a str argument; TypeError, naming the argument, for anything else."""
    text = as_str(value)
    if text is None:
        raise TypeError(f"{name} must be a str, not {type_name(value)}")
    return text


def app_id_value(value: object) -> int | None:
    """The plain value of an AppID (an int from 1 to MAX_APP_ID), else None."""
    number = as_int(value)
    return number if number is not None and 0 < number <= MAX_APP_ID else None


def require_app_id(value: object) -> int:
    """An AppID given by the caller's configuration; TypeError or ValueError if it is not one."""
    if as_int(value) is None:
        raise TypeError(f"app_id must be an int, not {type_name(value)}")
    number = app_id_value(value)
    if number is None:
        raise ValueError(f"app_id must be {APP_ID_RULE}")
    return number


# A secret is held only in variables named "secret", which error trackers (Sentry) hide.


def plain_secret(secret: object) -> str | None:
    """The plain value of a well-formed secret (a str of SECRET_LENGTH ASCII characters), else
    None."""
    secret = as_str(secret)
    return (
        secret if secret is not None and len(secret) == SECRET_LENGTH and secret.isascii() else None
    )


def secret_problem(secret: str, name: str = "secret") -> str:
    """Why ``secret`` is not a well-formed secret, with the commonest mistakes named; its text is
    never shown."""
    rule = f"{name} must be {SECRET_RULE}"
    if secret.strip()[:1] in "\"'" and plain_secret(secret.strip().strip("\"'")) is not None:
        return f"{rule}: it is in quotes (as docker --env-file keeps them); remove the quotes"
    if plain_secret(secret.strip().partition("=")[2].strip()) is not None:
        return f"{rule}: it holds a NAME=value line; keep only the value"
    if plain_secret(secret.strip()) is not None:
        return f"{rule}: it has white space around it; remove it"
    return (
        f"{rule}, not {len(secret)} characters"
        if secret.isascii()
        else f"{rule}; it has non-ASCII characters"
    )


def require_secret(secret: object, name: str = "secret") -> str:
    """A well-formed secret given by the caller's configuration; TypeError or ValueError if it is
    not one."""
    if not isinstance(secret, str):
        raise TypeError(f"{name} must be a str, not {type_name(secret)}")
    secret = str.__str__(secret)
    if plain_secret(secret) is None:
        raise ValueError(secret_problem(secret, name))
    return secret


def whole_number(text: str) -> int | None:
    """ASCII decimal digits (surrounding white space allowed; no sign, no other scripts' digits) as
    an int."""
    text = text.strip()
    return int(text) if 0 < len(text) <= 20 and text.isascii() and text.isdigit() else None


def seconds(value: object, name: str) -> float:
    """A number of seconds given by the caller, as a finite float; TypeError or ValueError if it is
    none.

    Takes an int, a float, any other real number (Fraction, Decimal, numpy's) and a timedelta;
    not bool.
    """
    if isinstance(value, timedelta):
        number = value.total_seconds()
    elif isinstance(value, numbers.Number) and not isinstance(value, (bool, complex)):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (OverflowError, ValueError):  # too large for a float; Decimal's signalling NaN
            number = math.nan
    else:
        raise TypeError(
            f"{name} must be a number of seconds or a timedelta, not {type_name(value)}"
        )
    if not math.isfinite(number):
        raise ValueError(
            f"{name} must be a finite number of seconds, no larger than a float holds (about "
            "1.8e308)"
        )
    return number


def clock(now: object, leeway: object, verify_expiry: object = True) -> tuple[float, float]:
    """A decoder's clock: ``now`` (None: the current Unix time) and ``leeway`` as seconds,
    ``verify_expiry`` a bool."""
    if not isinstance(verify_expiry, bool):
        raise TypeError("verify_expiry must be a bool")
    return (time.time() if now is None else seconds(now, "now")), seconds(leeway, "leeway")


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a member name is repeated")  # parsers differ on which one wins
    return members


def _not_json(constant: str) -> object:
    # Python's json takes NaN and Infinity; JSON has neither.
    raise ValueError(f"{constant} is not JSON")


_strict_json = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_not_json).decode


def parse_json_object(text: str) -> dict[str, object] | None:
    """A JSON object (RFC 8259: no NaN, no Infinity) whose members are each named once, else None.

    Nesting too deep is None too; an int of more digits than Python reads (4,300) is None, in
    linear time.
    """
    try:
        value = _strict_json(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def utc_datetime(timestamp: float) -> datetime:
    """A Unix time as an aware UTC datetime; one beyond what datetime holds is datetime.min or .max
    (UTC)."""
    try:
        return _EPOCH + timedelta(seconds=timestamp)
    except OverflowError:
        return (datetime.max if timestamp > 0 else datetime.min).replace(tzinfo=timezone.utc)
