"""The JSON body inside a token's frame: each member's rule, and the body read by them."""

from __future__ import annotations

from typing import Callable, NamedTuple

from ._frame import Frame
from .errors import InvalidTokenError
from .values import APP_ID_RULE, app_id_value, as_text, parse_json_object

__all__ = ["BodyRule", "int_member", "APP_ID_MEMBER", "TEXT_MEMBER", "USER_ID_MEMBER", "read_body"]


class BodyRule(NamedTuple):
    """What one member of a token's JSON body must be: its description, and the test of a parsed
    value."""

    description: str
    """What the member must be, in the words a refusal uses."""
    test: Callable[[object], bool]
    """True for a parsed value the member may hold."""


def int_member(bits: int, signed: bool = True) -> BodyRule:
    """A JSON integer (not true or false) of ``bits`` bits, signed or not."""
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    return BodyRule(f"a {bits}-bit int", lambda value: type(value) is int and low <= value <= high)


APP_ID_MEMBER = BodyRule(
    f"an AppID ({APP_ID_RULE})",
    lambda value: type(value) is int and app_id_value(value) is not None,
)
"""A body's AppID."""


def _is_text(value: object) -> bool:
    # JSON gives exact strs; an ASCII one is text, and only a non-ASCII one can hold a lone
    # surrogate ("\ud800" in the JSON), which as_text looks for.
    return type(value) is str and (value.isascii() or as_text(value) is not None)


TEXT_MEMBER = BodyRule("a string", _is_text)
"""A body's string of valid Unicode text."""
USER_ID_MEMBER = BodyRule("a non-empty string", lambda value: value != "" and _is_text(value))
"""A body's user ID."""


def read_body(
    body: bytes,
    frame: Frame,
    version: str,
    rules: dict[str, BodyRule],
    *,
    expire: str,
    optional: str = "",
) -> dict[str, object]:
    """A token's body: a UTF-8 JSON object of exactly the members of ``rules`` (``optional`` may be
    absent), each named once and keeping its rule, its ``expire`` member equal to the frame's."""
    try:
        members = parse_json_object(body.decode("utf-8"))
    except UnicodeDecodeError:
        members = None
    if members is None or not (rules.keys() - {optional} <= members.keys() <= rules.keys()):
        absent = f" ({optional} may be absent)" if optional else ""
        raise InvalidTokenError(
            f"token{version} body is not a JSON object with exactly the members "
            f"{', '.join(rules)}{absent}, each once"
        )
    for name, rule in rules.items():
        if name in members and not rule.test(members[name]):
            raise InvalidTokenError(f"token{version} body's {name} is not {rule.description}")
    if members[expire] != frame.expire:  # anyone can read the frame's, and change it in a CBC token
        raise InvalidTokenError("the frame's expire differs from the body's")
    return members
