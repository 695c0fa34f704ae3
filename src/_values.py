"""How the library reads the caller's values: one home for each rule (AppID, secret, seconds,
decode options and expiry, a JSON object). A ``str`` or ``int`` subclass (an enum member) is
read by its plain value; ``bool`` is never an ``int``; objects built to lie (a ``__str__``
that misbehaves) are out of scope.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import time
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, Protocol, TypeVar, Union

from .errors import ExpiredTokenError

__all__ = ["DecodeOptions"]  # its one public name; the rest is the library's own

MAX_APP_ID = 2**32 - 1  # an AppID is an unsigned 32-bit number, 0 excepted
SECRET_LENGTH = 32  # ASCII characters: their bytes are the AES-256 key
SECRET_RULE = f"exactly {SECRET_LENGTH} ASCII characters"
APP_ID_RULE = f"a whole number from 1 to {MAX_APP_ID}"

Seconds = Union[float, timedelta]
"""A duration or a moment in seconds: an int, a float (any real number) or a ``timedelta``."""


def as_str(value: object) -> str | None:
    """The plain value of a str (a str subclass, an enum member: its value), else None."""
    return str.__str__(value) if isinstance(value, str) else None


def as_int(value: object) -> int | None:
    """The plain value of an int (or an int subclass such as IntEnum) other than bool, else None."""
    return operator.index(value) if isinstance(value, int) and not isinstance(value, bool) else None


def as_text(value: object) -> str | None:
    """The plain value of a str of valid Unicode text (no lone surrogate), else None."""
    text = as_str(value)
    if text is None or text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def type_name(value: object) -> str:
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
    """An AppID from the caller's configuration; TypeError or ValueError if it is not one."""
    if as_int(value) is None:
        raise TypeError(f"app_id must be an int, not {type_name(value)}")
    number = app_id_value(value)
    if number is None:
        raise ValueError(f"app_id must be {APP_ID_RULE}")
    return number


def plain_secret(secret: object) -> str | None:
    """The plain value of a well-formed secret (SECRET_LENGTH ASCII characters), else None."""
    secret = as_str(secret)
    return secret if secret and len(secret) == SECRET_LENGTH and secret.isascii() else None


def require_secret(secret: object, name: str = "secret") -> str:
    """A well-formed secret from the caller's configuration; TypeError or ValueError if not."""
    if not isinstance(secret, str):
        raise TypeError(f"{name} must be a str, not {type_name(secret)}")
    secret = str.__str__(secret)
    if plain_secret(secret) is None:  # the paste mistakes are named where secrets are read
        found = f", not {len(secret)} characters" if secret.isascii() else ": it is not ASCII"
        raise ValueError(f"{name} must be {SECRET_RULE}{found}")
    return secret


CALLBACK_SECRET_RULE = "non-empty text"  # ZEGO's own example signs with "secret"


def require_callback_secret(secret: object, name: str = "secret") -> str:
    """A CallbackSecret (the one rule: non-empty text); TypeError or ValueError naming ``name``."""
    secret = require_str(secret, name)
    if not as_text(secret):
        raise ValueError(f"{name} must be {CALLBACK_SECRET_RULE}")
    return secret


def parse_whole_number(text: str) -> int | None:
    """ASCII decimal digits (white space around allowed; no sign, no other scripts' digits)."""
    text = text.strip()
    return int(text) if 0 < len(text) <= 20 and text.isascii() and text.isdigit() else None


def seconds(value: object, name: str) -> float:
    """Seconds from the caller (a real number, not bool, or a timedelta) as a finite float;
    TypeError or ValueError, naming the argument, for anything else."""
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


def now_seconds(now: object) -> float:
    """``now`` as seconds; None is the current Unix time."""
    return time.time() if now is None else seconds(now, "now")


class Expiring(Protocol):  # any decoded token
    @property
    def expire(self) -> int: ...


T = TypeVar("T", bound=Expiring)


class DecodeOptions(NamedTuple):
    """How a token is decoded, one value for every reader (as PyJWT's ``options``): read_token,
    ZegoProject.decode and check_token04 take it and pass it along.

    ``now`` is the moment to judge expiry at (Unix seconds or a timedelta; None: the current
    time); ``leeway`` the seconds a token may be past its expiry (a negative leeway asks for
    that much validity left); ``verify_expiry`` False reads an expired token as a valid one;
    ``mode`` (MODE_CBC or MODE_GCM) pins the cipher, None takes both.
    """

    now: Seconds | None = None
    leeway: Seconds = 0
    verify_expiry: bool = True
    mode: str | None = None


def read_options(options: DecodeOptions) -> CheckedOptions:
    """``options`` read by checked_options; TypeError if it is not a DecodeOptions."""
    if not isinstance(options, DecodeOptions):
        raise TypeError(f"options must be a DecodeOptions, not {type_name(options)}")
    return checked_options(*options)


def checked_options(
    now: object, leeway: object, verify_expiry: object, mode: str | None
) -> CheckedOptions:
    """A decoder's options with ``now`` and ``leeway`` read as float seconds; TypeError or
    ValueError naming a wrong one (the caller's configuration, never a bad token)."""
    if not isinstance(verify_expiry, bool):
        raise TypeError("verify_expiry must be a bool")
    return CheckedOptions(now_seconds(now), seconds(leeway, "leeway"), verify_expiry, mode)


class CheckedOptions(NamedTuple):
    """DecodeOptions, read: what the decoders use."""

    now: float
    leeway: float
    verify_expiry: bool
    mode: str | None

    def unexpired(self, contents: T) -> T:
        """``contents``; ExpiredTokenError (carrying it) if ``verify_expiry`` and its ``expire``
        plus ``leeway`` is before ``now``: the one place the library compares a token's expiry."""
        expire, now, leeway = contents.expire, self.now, self.leeway
        if not self.verify_expiry or expire + leeway >= now:
            return contents
        if expire < now:
            message = f"token expired at {expire}, {now - expire:.0f} seconds before now"
            raise ExpiredTokenError(f"{message} (leeway {leeway:g} s)", contents)
        message = f"token expires at {expire}, {expire - now:.0f} seconds from now"
        raise ExpiredTokenError(
            f"{message}: less than the {-leeway:g} s of validity that leeway {leeway:g} asks for",
            contents,
        )


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a member name is repeated")  # parsers differ on which one wins
    return members


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")  # Python's json takes NaN and Infinity


_strict_json = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_not_json).decode


def parse_json_object(text: str) -> dict[str, object] | None:
    """A JSON object (RFC 8259: no NaN, no Infinity), each member named once, else None: also
    for nesting too deep, or an int of more digits than Python reads (4,300), in linear time."""
    try:
        value = _strict_json(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def utc_datetime(timestamp: float) -> datetime:
    """A Unix time as an aware UTC datetime; beyond what datetime holds, datetime.min or .max."""
    try:
        return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=timestamp)
    except OverflowError:
        return (datetime.max if timestamp > 0 else datetime.min).replace(tzinfo=timezone.utc)
