"""check_token04's rules of the privileges a token carries and of ZEGO's ID rules."""

from __future__ import annotations

from typing import Any, Callable

from .._values import as_str
from ..errors import InvalidTokenError
from ..payload import RtcRoomPayload, parse_rtc_room_payload
from ..token03 import Token03
from ._ids import check_room_id, check_stream_id, check_user_id
from ._report import Contents, Recorder
from ._token import Login

__all__ = ["check_privileges", "check_ids"]


def check_privileges(contents: Contents, login: Login, report: Recorder) -> None:
    payload = _privilege_payload(contents, login.login_privilege or login.publish_privilege, report)
    if payload is None:
        return
    room_id, stream_id = as_str(login.room_id), as_str(login.stream_id)
    if room_id is not None and payload.room_id:
        mismatch = f"the token may log in only to room {payload.room_id!r}, not the login's room"
        report.rule(
            "room-id-mismatch",
            mismatch if payload.room_id != room_id else None,
            "make the token for that room",
        )
    if login.login_privilege:
        denied = "the token's login privilege (1) is 0: the login is refused"
        report.rule(
            "login-denied", None if payload.login else denied, "make the token with login allowed"
        )
    if login.publish_privilege and stream_id is not None:
        _check_publishing(payload, stream_id, report)


def _check_publishing(payload: RtcRoomPayload, stream_id: str, report: Recorder) -> None:
    denied = "the token's publish privilege (2) is 0: publishing is refused"
    report.rule(
        "publish-denied", None if payload.publish else denied, "make the token with publish allowed"
    )
    if payload.stream_ids is not None:
        outside = f"the stream is not one the token may publish: {list(payload.stream_ids)!r}"
        report.rule(
            "stream-id-not-allowed",
            None if stream_id in payload.stream_ids else outside,
            "make the token with that stream",
        )


def _privilege_payload(
    contents: Contents, verified: bool, report: Recorder
) -> RtcRoomPayload | None:
    """The privileges the token carries: a token03's own, or a token04's payload as ZEGO reads
    it."""
    if isinstance(contents, Token03):
        return RtcRoomPayload(contents.room_id, contents.login, contents.publish, None)
    if verified:
        missing = (
            "the token has no privilege payload: if the project verifies privileges (a console "
            "setting), ZEGO refuses the login"
        )
        report.rule(
            "no-privilege-payload",
            None if contents.payload else missing,
            "make it with rtc_room_payload(room_id, ...)",
        )
    if not contents.payload:
        return None
    try:
        payload = parse_rtc_room_payload(contents.payload)
    except InvalidTokenError as error:
        report.rule("payload-invalid", str(error), "make the payload with rtc_room_payload")
        return None
    report.rule("payload-invalid", None)
    return payload


def check_ids(login: Login, user_id: object, report: Recorder) -> None:
    """ZEGO's SDK rules for the IDs the login uses."""
    rules: tuple[tuple[str, object, Callable[[Any], str | None]], ...] = (
        ("user-id-format", user_id, lambda value: check_user_id(value, login.product)),
        ("room-id-format", login.room_id, check_room_id),
        ("stream-id-format", login.stream_id, check_stream_id),
    )
    for code, value, check in rules:
        if value is not None:  # a value of the wrong type is a finding too: check_*_id says so
            report.rule(code, check(value), "use an ID the SDK takes")
