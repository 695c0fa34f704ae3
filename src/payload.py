"""The privilege payload of an RTC room token: ``rtc_room_payload`` writes it,
``parse_rtc_room_payload`` reads it.

    {"room_id": "room1", "privilege": {"1": 1, "2": 0}, "stream_id_list": null}

Privilege "1" allows logging in to the room, "2" publishing streams; a
``stream_id_list`` names the only streams that may be published.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from ._values import as_text, parse_json_object, require_str
from .errors import InvalidTokenError, TokenError
from .token04 import ERROR_CODE_PAYLOAD_INVALID

__all__ = ["RtcRoomPayload", "rtc_room_payload", "parse_rtc_room_payload"]

_MEMBERS = ("room_id", "privilege", "stream_id_list")
# ZEGO's privilege keys (login 1, publish 2; PrivilegeKeyLogin and PrivilegeKeyPublish in its Go
# generator), each 1 (allowed) or 0 (not).
_PRIVILEGE_KEYS = ("1", "2")


class RtcRoomPayload(NamedTuple):
    """The privilege payload of an RTC room token, as parse_rtc_room_payload reads it."""

    room_id: str
    """The only room the token may log in to; "" for any room."""
    login: bool
    """Privilege 1: may log in to the room."""
    publish: bool
    """Privilege 2: may publish streams."""
    stream_ids: tuple[str, ...] | None
    """The only stream IDs the token may publish, or None for any."""


def rtc_room_payload(
    room_id: str,
    *,
    login: bool = True,
    publish: bool = True,
    stream_ids: Iterable[str] | None = None,
) -> str:
    """The privilege payload of an RTC room token, as a JSON string.

    ``room_id`` is the only room the token may log in to ("" for any room);
    ``login`` and ``publish`` allow or deny those privileges; ``stream_ids``
    is None (any stream may be published) or the only stream IDs that may be.
    Raises TypeError for an argument of the wrong type, and TokenError (a
    ValueError; ``argument`` names it) for an ID that is not valid Unicode text.
    """
    if not (isinstance(login, bool) and isinstance(publish, bool)):
        raise TypeError("login and publish must be bool")
    if isinstance(stream_ids, (str, bytes)) or not (
        stream_ids is None or isinstance(stream_ids, Iterable)
    ):
        raise TypeError("stream_ids must be None or a list of str")
    stream_id_list = (
        None if stream_ids is None else [_text(stream_id, "stream_ids") for stream_id in stream_ids]
    )
    privilege = {
        _PRIVILEGE_KEYS[0]: int(login),
        _PRIVILEGE_KEYS[1]: int(publish),
    }
    members = {
        "room_id": _text(room_id, "room_id"),
        "privilege": privilege,
        "stream_id_list": stream_id_list,
    }
    return json.dumps(members, ensure_ascii=False)


def parse_rtc_room_payload(payload: str) -> RtcRoomPayload:
    """Read the privilege payload of an RTC room token: the mirror of rtc_room_payload.

    Takes what ZEGO's generators write: a JSON object with exactly the members
    ``room_id`` (a string), ``privilege`` (an object whose keys are "1" and
    "2", each 0 or 1) and ``stream_id_list`` (null or a list of strings), in
    any order and spacing. Raises InvalidTokenError (a ValueError), saying what
    is wrong without quoting the payload, for anything else; TypeError if
    ``payload`` is not a str.
    """
    members = parse_json_object(require_str(payload, "payload"))
    if members is None:
        raise InvalidTokenError("payload is not a JSON object whose members are each named once")
    if sorted(members) != sorted(_MEMBERS):
        raise InvalidTokenError("payload's members are not exactly " + ", ".join(_MEMBERS))
    room_id, privilege, stream_id_list = (members[name] for name in _MEMBERS)
    if not isinstance(room_id, str):
        raise InvalidTokenError(f"payload's room_id is {_json_kind(room_id)}, not a string")
    return RtcRoomPayload(room_id, *_privileges(privilege), _stream_ids(stream_id_list))


def _privileges(privilege: object) -> tuple[bool, bool]:
    if not isinstance(privilege, dict) or sorted(privilege) != sorted(_PRIVILEGE_KEYS):
        raise InvalidTokenError(
            'payload\'s privilege is not an object with exactly the keys "1" and "2"'
        )
    for key in _PRIVILEGE_KEYS:
        value = privilege[key]
        if not (type(value) is int and value in (0, 1)):
            raise InvalidTokenError(
                f'payload\'s privilege "{key}" is {_json_kind(value)}; it must be 0 or 1'
            )
    login, publish = (privilege[key] == 1 for key in _PRIVILEGE_KEYS)
    return login, publish


def _stream_ids(stream_id_list: object) -> tuple[str, ...] | None:
    if stream_id_list is None:
        return None
    if not isinstance(stream_id_list, list) or not all(
        isinstance(item, str) for item in stream_id_list
    ):
        raise InvalidTokenError("payload's stream_id_list is neither null nor a list of strings")
    return tuple(stream_id_list)


def _text(value: object, argument: str) -> str:
    text = as_text(require_str(value, argument))
    if text is None:
        raise TokenError(argument, "must be valid Unicode text", ERROR_CODE_PAYLOAD_INVALID)
    return text


def _json_kind(value: object) -> str:
    """A parsed JSON value in JSON's words: numbers, true, false and null as written, others by
    kind."""
    if isinstance(value, (str, list, dict)):
        return {str: "a string", list: "an array", dict: "an object"}[type(value)]
    return json.dumps(value)
