"""Would ZEGO accept this token for this login? An offline answer, one finding per broken rule.

``check_token04(token, secret, app_id=…, user_id=…, room_id=…, …)`` reads the
token (a token04, a token03 or a UIKit kit token) and holds it against the
login a client makes: the AppID and userID it logs in with, the room, the
stream it will publish, the privileges the project verifies, and ZEGO's SDK
rules for IDs. Each rule broken is a ``Finding``: a fixed ``code``, the ``problem``, its ``remedy``.
"""

from __future__ import annotations

from typing import NamedTuple

from .._values import (
    APP_ID_RULE,
    CheckedOptions,
    DecodeOptions,
    app_id_value,
    as_int,
    as_str,
    read_options,
    require_secret,
    type_name,
    utc_datetime,
)
from ..errors import ExpiredTokenError, InvalidTokenError
from ..kit import KitToken
from ..payload import RtcRoomPayload, parse_rtc_room_payload
from ..token03 import Token03
from ._report import (
    RULES,
    SEVERITY_ERROR,
    SEVERITY_WARNING,
    AnyToken,
    CheckReport,
    Contents,
    Finding,
    Recorder,
    read_for_report,
    read_token,
)
from ._sdk import (
    PRODUCT_RTC,
    PRODUCT_ZIM,
    check_ids,
    check_room_id,
    check_stream_id,
    check_user_id,
    check_zim,
    product_name,
)

__all__ = [
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "RULES",
    "Finding",
    "CheckReport",
    "check_token04",
    "check_user_id",
    "check_room_id",
    "check_stream_id",
    "AnyToken",
    "read_token",
    "CLOCK_SKEW_SECONDS",
]

CLOCK_SKEW_SECONDS = 60
"""How far ahead of now (beyond leeway) a token's ctime may be before it is reported."""


def check_token04(
    token: str,
    secret: str,
    *,
    app_id: int | None = None,
    user_id: str | None = None,
    room_id: str | None = None,
    stream_id: str | None = None,
    login_privilege: bool = True,
    publish_privilege: bool = True,
    product: str = PRODUCT_RTC,
    options: DecodeOptions = DecodeOptions(),
) -> CheckReport:
    """Hold ``token`` against a login and report every rule it breaks.

    ``app_id``, ``user_id``, ``room_id`` and ``stream_id`` are the values the
    client logs in (and publishes) with; None skips the rules that need them (a
    kit token supplies the ones it carries). ``login_privilege`` and
    ``publish_privilege`` say which privileges the project verifies (a console
    setting). ``product`` is "rtc" or "zim". ``options`` are read_token's (an
    expired token is a finding, whatever ``verify_expiry`` says). Never raises
    for anything about the token or the login values: a wrong type is a finding
    too. ``options``, the privilege flags and ``product`` are the caller's code:
    a wrong one raises TypeError or ValueError, as decode_token04 does. A token
    whose content holds the secret gets the one finding ``secret-in-token``,
    and its content is not in the report.
    """
    secret = require_secret(secret)
    if not (isinstance(login_privilege, bool) and isinstance(publish_privilege, bool)):
        raise TypeError("login_privilege and publish_privilege must be bool")
    privileges = (login_privilege, publish_privilege)
    login = _Login(app_id, user_id, room_id, stream_id, *privileges, product_name(product))
    checked = read_options(options)
    report = Recorder()
    decoded = read_for_report(token, secret, options, report)
    if decoded is None:
        check_ids(login.user_id, login.room_id, login.stream_id, login.product, report)
        return report.result(None, None)
    kit = decoded if isinstance(decoded, KitToken) else None
    contents: Contents = decoded.token if isinstance(decoded, KitToken) else decoded
    login = login if kit is None else _kit_login(login, kit)
    _check_token(contents, login, checked, report)
    if login.product != PRODUCT_ZIM:
        _check_privileges(contents, login, report)
    login_user = contents.user_id if login.user_id is None else login.user_id
    check_ids(login_user, login.room_id, login.stream_id, login.product, report)
    return report.result(contents, kit)


class _Login(NamedTuple):
    """The login a token is held against, as the caller gave it (None: not checked)."""

    app_id: object
    user_id: object
    room_id: object
    stream_id: object
    login_privilege: bool  # whether the project verifies it
    publish_privilege: bool
    product: str


def _kit_login(login: _Login, kit: KitToken) -> _Login:
    """The login made with the values a kit token carries, where the caller gave none."""
    return login._replace(
        app_id=kit.app_id if login.app_id is None else login.app_id,
        user_id=kit.user_id if login.user_id is None else login.user_id,
        room_id=kit.room_id if login.room_id is None else login.room_id,
    )


def _check_token(
    contents: Contents, login: _Login, options: CheckedOptions, report: Recorder
) -> None:
    """The rules of the token itself, ZIM's included when the login is to ZIM."""
    _check_format(contents, login.product, report)
    expired = _check_times(contents, options, report)
    _check_login_values(contents, login.app_id, login.user_id, report)
    if login.product == PRODUCT_ZIM:
        check_zim(contents, options.now, expired, report)


def _check_format(contents: Contents, product: str, report: Recorder) -> None:
    if not isinstance(contents, Token03):
        report.rule("token03", None)
    elif product == PRODUCT_ZIM:
        report.rule(
            "token03",
            "this is a token03, the older format, and ZIM's SDK refuses it",
            "make a token04",
            SEVERITY_ERROR,
        )
    else:
        report.rule(
            "token03",
            "this is a token03, the older format: ZEGO asks for token04",
            "make a token04 instead",
        )


def _check_times(contents: Contents, options: CheckedOptions, report: Recorder) -> bool:
    """The expired and issued-in-future rules; True if the token has expired."""
    expired, now, leeway = None, options.now, options.leeway
    try:
        options._replace(verify_expiry=True).unexpired(contents)
    except ExpiredTokenError as error:
        expired = f"{error}, at {_moment(contents.expire)}"
    report.rule("expired", expired, "give the client a new token")
    ahead = contents.ctime - now
    future = None
    if ahead > leeway + CLOCK_SKEW_SECONDS:
        future = (
            f"the token was made {ahead:.0f} s from now, at {_moment(contents.ctime)}: its "
            "server's clock is ahead"
        )
    report.rule("issued-in-future", future, "set that server's clock right (NTP)")
    return expired is not None


def _check_login_values(
    contents: Contents, app_id: object, user_id: object, report: Recorder
) -> None:
    if app_id is not None:
        value = as_int(app_id)
        problem = None
        if value is None:
            problem = (
                "the login's app_id must be an int (the SDK's appID is a number), not "
                f"{type_name(app_id)}"
            )
        elif app_id_value(value) is None:
            problem = (
                f"the login's app_id is not an AppID ({APP_ID_RULE}); the token is for "
                f"{contents.app_id}"
            )
        elif value != contents.app_id:
            problem = f"the token is for AppID {contents.app_id}, the login uses AppID {value}"
        report.rule(
            "app-id-mismatch", problem, "make the token with the project the client logs in to"
        )
    text = as_str(user_id)
    if text is not None:
        mismatch = f"the token is for userID {contents.user_id!r}, not the login's userID"
        report.rule(
            "user-id-mismatch",
            mismatch if text != contents.user_id else None,
            "make the token for the user who logs in",
        )


def _moment(timestamp: int) -> str:
    return utc_datetime(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_privileges(contents: Contents, login: _Login, report: Recorder) -> None:
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
