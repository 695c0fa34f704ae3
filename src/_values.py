"""How the library reads values: one home for each rule (AppID, secret, seconds, decode options,
expiry, JSON object, token body). A ``str`` or ``int`` subclass (an enum member) is read by its
plain value; ``bool`` is never an ``int``; objects built to lie (a ``__str__`` that misbehaves)
are out of scope. A secret is held only in variables named ``secret``, which Sentry hides.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import time
from datetime import datetime, timedelta, timezone
from typing import Callable, NamedTuple, Protocol, TypeVar, Union

from .errors import ExpiredTokenError, InvalidTokenError

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


class Options(NamedTuple):
    """The keywords every decoder takes, read once (read_options), as PyJWT merges ``options``."""

    now: float
    leeway: float
    verify_expiry: bool = True
    mode: str | None = None  # None: any; read_frame reads it, as the frame knows the modes

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


def read_options(now: object, leeway: object, verify_expiry: object, mode: str | None) -> Options:
    """A decoder's ``now``, ``leeway``, ``verify_expiry`` and ``mode``: TypeError or ValueError
    for a wrong one (the caller's configuration, never mistaken for a bad token)."""
    if not isinstance(verify_expiry, bool):
        raise TypeError("verify_expiry must be a bool")
    return Options(now_seconds(now), seconds(leeway, "leeway"), verify_expiry, mode)


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


def utc_datetime(timestamp: float) -> datetime:
    """A Unix time as an aware UTC datetime; beyond what datetime holds, datetime.min or .max."""
    try:
        return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=timestamp)
    except OverflowError:
        return (datetime.max if timestamp > 0 else datetime.min).replace(tzinfo=timezone.utc)
