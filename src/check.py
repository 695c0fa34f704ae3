"""Would ZEGO accept this token for this login? An offline answer, one finding per broken rule.

``check_token04(token, secret, app_id=…, user_id=…, room_id=…, …)`` decodes the
token (a token04 or a UIKit kit token) and holds it against the login a client
makes: the AppID and userID it logs in with, the room, the stream it will
publish, the privileges the project verifies, and ZEGO's SDK rules for IDs.
Each rule broken is a ``Finding`` with a fixed ``code`` a program can test and
a message a person can act on.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from . import ids, kit, token03, token04
from .token03 import Token03
from .token04 import InvalidTokenError, RtcRoomPayload, Token04

__all__ = [
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "RULES",
    "CLOCK_SKEW_SECONDS",
    "ZIM_MIN_VALIDITY_SECONDS",
    "ZIM_MAX_VALIDITY_SECONDS",
    "Finding",
    "CheckReport",
    "check_token04",
]

SEVERITY_ERROR = "error"
"""ZEGO would refuse the login (or the publish)."""
SEVERITY_WARNING = "warning"
"""Likely to cause trouble, but not by itself a refusal."""

RULES: dict[str, tuple[str, str]] = {
    "invalid-token": (SEVERITY_ERROR, "the token decodes with this secret"),
    "expired": (SEVERITY_ERROR, "the token has not expired"),
    "issued-in-future": (SEVERITY_WARNING, "the token was not made in the future"),
    "app-id-mismatch": (SEVERITY_ERROR, "the token is for the login's AppID"),
    "user-id-mismatch": (SEVERITY_ERROR, "the token is for the login's userID"),
    "payload-invalid": (SEVERITY_ERROR, "the privilege payload is one ZEGO reads"),
    "no-privilege-payload": (SEVERITY_WARNING, "the token carries the privilege payload the project verifies"),
    "room-id-mismatch": (SEVERITY_ERROR, "the token may log in to the login's room"),
    "login-denied": (SEVERITY_ERROR, "the token may log in (privilege 1)"),
    "publish-denied": (SEVERITY_ERROR, "the token may publish (privilege 2)"),
    "stream-id-not-allowed": (SEVERITY_ERROR, "the stream is one the token may publish"),
    "zim-payload": (SEVERITY_ERROR, "the token carries no payload, as ZIM requires"),
    "token03": (SEVERITY_WARNING, "the token is a token04, the format ZEGO asks for (ZIM: an error)"),
    "duration-too-short": (SEVERITY_WARNING, "the token has the 30 s of validity left that ZIM's SDK asks for"),
    "duration-too-long": (SEVERITY_WARNING, "the token has no more than the 24 days of validity ZIM's SDK takes"),
    "user-id-format": (SEVERITY_ERROR, "the userID keeps the SDK's rules"),
    "room-id-format": (SEVERITY_ERROR, "the roomID keeps the SDK's rules"),
    "stream-id-format": (SEVERITY_ERROR, "the streamID keeps the SDK's rules"),
}
"""Every rule: its code, the severity of its finding, and what it means when it passes."""

CLOCK_SKEW_SECONDS = 60
"""How far ahead of now (beyond leeway) a token's ctime may be before it is reported."""
ZIM_MIN_VALIDITY_SECONDS = 30
"""ZIM's SDK logs 6000108 "Token duration is too short" for a token with less validity left (expire - now)."""
ZIM_MAX_VALIDITY_SECONDS = 24 * 24 * 3600
"""ZIM's SDK logs 6000109 "Token duration is too long" for more (its renewal timer is capped at 24 days)."""


class Finding(NamedTuple):
    """A broken rule: its code (a key of RULES), "error" or "warning", and what to do about it."""

    code: str
    severity: str
    message: str


class CheckReport(NamedTuple):
    """What check_token04 found."""

    findings: tuple[Finding, ...]
    """Every broken rule, in the order checked."""
    checked: tuple[str, ...]
    """The codes of every rule that was applied, in order; those without a finding passed."""
    contents: Token04 | Token03 | None
    """The token's contents (a Token03 for a token of the older format), or None when it did not decode."""
    kit: kit.KitToken | None
    """The kit token's login fields, when the token was a kit token whose fields read."""

    @property
    def ok(self) -> bool:
        """True when no finding is an error: as far as can be told offline, ZEGO accepts the login."""
        return not any(finding.severity == SEVERITY_ERROR for finding in self.findings)


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
    product: str = ids.PRODUCT_RTC,
    now: float | None = None,
    leeway: float = 0,
) -> CheckReport:
    """Hold ``token`` against a login and report every rule it breaks.

    ``app_id``, ``user_id``, ``room_id`` and ``stream_id`` are the values the
    client logs in (and publishes) with; None skips the rules that need them (a
    kit token supplies the ones it carries). ``login_privilege`` and
    ``publish_privilege`` say which privileges the project verifies (a console
    setting). ``product`` is "rtc" or "zim". Never raises for anything about the
    token or the login values: a wrong type is a finding too. ``now``,
    ``leeway``, the privilege flags and ``product`` are the caller's code: a
    wrong one raises TypeError or ValueError, as decode_token04 does. No
    message shows the secret: where a quoted value holds it (a login value put
    in the wrong place, say), it reads ``<the secret>``.
    """
    secret = token04._require_secret(secret)
    product = ids._product_name(product)
    if not (type(login_privilege) is bool and type(publish_privilege) is bool):
        raise TypeError("login_privilege and publish_privilege must be bool")
    now_seconds = time.time() if now is None else token04._seconds(now, "now")
    leeway_seconds = token04._seconds(leeway, "leeway")
    report = _Report(secret)

    contents, fields = _decode(token, secret, report)
    if fields is not None:  # a kit token: the login is made with the values it carries
        app_id = fields.app_id if app_id is None else app_id
        user_id = fields.user_id if user_id is None else user_id
        room_id = fields.room_id if room_id is None else room_id
    if contents is not None:
        _check_format(contents, product, report)
        _check_times(contents, now_seconds, leeway_seconds, report)
        _check_login_values(contents, app_id, user_id, report)
        if product == ids.PRODUCT_ZIM:
            _check_zim(contents, now_seconds, leeway_seconds, report)
        else:
            _check_privileges(contents, room_id, stream_id, login_privilege, publish_privilege, report)
    login_user_id = user_id if user_id is not None else (contents.user_id if contents is not None else None)
    _check_ids(login_user_id, room_id, stream_id, product, report)
    return CheckReport(tuple(report.findings), tuple(report.checked), contents, fields)


# The remedy a finding ends with, in Python's terms (the command line says it in its own).
_ADVICE = {
    "zim-payload": 'make it with payload=""',
    "no-privilege-payload": "make it with rtc_room_payload(room_id, ...)",
    "payload-invalid": "make the payload with rtc_room_payload",
}


class _Report:
    def __init__(self, secret: str) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []
        self._secret = secret  # messages quote login and token values, and one of them may be the secret

    def rule(self, code: str, problem: str | None, severity: str | None = None) -> None:
        """Record that rule `code` was applied, and its finding if `problem` says what broke it."""
        self.checked.append(code)
        if problem:
            self.findings.append(Finding(code, severity or RULES[code][0], problem))

    def quote(self, value: str) -> str:
        """``value`` quoted for a message, the secret in it masked first."""
        return repr(token04._masked(value, self._secret))


def _decode(token: object, secret: str, report: _Report) -> tuple[Token04 | Token03 | None, kit.KitToken | None]:
    """The token's contents (expiry not checked) and, for a kit token, its login fields."""
    fields = None
    try:
        if kit._is_kit_token(token):
            token, fields = kit._split(token)
        contents = token03._decoder(token)(token, secret, verify_expiry=False)
    except InvalidTokenError as error:
        report.rule("invalid-token", f"{error}; check that the token is whole and the secret is this project's")
        return None, None
    report.rule("invalid-token", None)
    if isinstance(contents, Token03):
        return contents, None  # the UIKit wraps a token04; a kit token around a token03 has no fields to trust
    return contents, None if fields is None else kit.KitToken(contents, *fields)


def _check_format(contents: Token04 | Token03, product: str, report: _Report) -> None:
    if not isinstance(contents, Token03):
        report.rule("token03", None)
    elif product == ids.PRODUCT_ZIM:
        report.rule(
            "token03", "this is a token03, the older format, and ZIM's SDK refuses it: make a token04", SEVERITY_ERROR
        )
    else:
        report.rule("token03", "this is a token03, the older format: ZEGO asks for token04; make one instead")


def _check_zim(contents: Token04 | Token03, now: float, leeway: float, report: _Report) -> None:
    """ZIM takes no payload, and judges a token by the validity it has left when it logs in or renews."""
    if isinstance(contents, Token04):
        carried = f"ZIM takes no payload, and this token carries one: {_ADVICE['zim-payload']}"
        report.rule("zim-payload", carried if contents.payload else None)
    if contents.expire + leeway < now:
        return  # expired: that finding says more
    left = contents.expire - now
    short = long = None
    if left < ZIM_MIN_VALIDITY_SECONDS:
        short = (
            f"the token has {left:.0f} s of validity left, less than the {ZIM_MIN_VALIDITY_SECONDS} s ZIM's SDK"
            " takes (6000108 Token duration is too short): give the client a new token"
        )
    if left > ZIM_MAX_VALIDITY_SECONDS:
        long = (
            f"the token has {left:.0f} s of validity left, more than the {ZIM_MAX_VALIDITY_SECONDS} s (24 days)"
            " ZIM's SDK takes (6000109 Token duration is too long): make it with a shorter lifetime"
        )
    report.rule("duration-too-short", short)
    report.rule("duration-too-long", long)


def _check_ids(user_id: object, room_id: object, stream_id: object, product: str, report: _Report) -> None:
    """ZEGO's SDK rules for the IDs the login uses."""
    if user_id is not None:
        report.rule("user-id-format", ids.check_user_id(user_id, product))  # type: ignore[arg-type]
    if room_id is not None:
        report.rule("room-id-format", ids.check_room_id(room_id))  # type: ignore[arg-type]
    if stream_id is not None:
        report.rule("stream-id-format", ids.check_stream_id(stream_id))  # type: ignore[arg-type]


def _check_times(contents: Token04 | Token03, now: float, leeway: float, report: _Report) -> None:
    expired = None
    if contents.expire + leeway < now:
        expired = (
            f"the token expired at {_moment(contents.expire)}, {now - contents.expire:.0f} s before now"
            f" (leeway {leeway:g} s): give the client a new one"
        )
    report.rule("expired", expired)
    ahead = contents.ctime - now
    future = None
    if ahead > leeway + CLOCK_SKEW_SECONDS:
        future = (
            f"the token was made {ahead:.0f} s from now, at {_moment(contents.ctime)}:"
            " the generating server's clock is ahead; set it right (NTP)"
        )
    report.rule("issued-in-future", future)


def _check_login_values(contents: Token04 | Token03, app_id: object, user_id: object, report: _Report) -> None:
    if app_id is not None:
        value = token04._as_int(app_id)
        problem = None
        if value is None:
            kind = token04._type_name(app_id)
            problem = f"the login's app_id must be an int (the SDK's appID is a number), not {kind}"
        elif token04._app_id_value(value) is None:
            problem = f"the login's app_id is not an AppID ({token04._APP_ID_RULE}); the token is for {contents.app_id}"
        elif value != contents.app_id:
            problem = f"the token is for AppID {contents.app_id}, the login uses AppID {value}"
        report.rule("app-id-mismatch", problem)
    text = token04._as_str(user_id)
    if text is not None:
        problem = None
        if text != contents.user_id:
            problem = (
                f"the token is for userID {report.quote(contents.user_id)}, the login uses {report.quote(text)}:"
                " make the token for the user who logs in"
            )
        report.rule("user-id-mismatch", problem)


def _check_privileges(
    contents: Token04 | Token03,
    room_id: object,
    stream_id: object,
    login_privilege: bool,
    publish_privilege: bool,
    report: _Report,
) -> None:
    payload = _privilege_payload(contents, login_privilege or publish_privilege, report)
    if payload is not None:
        room, stream = token04._as_str(room_id), token04._as_str(stream_id)
        _check_room_and_streams(payload, room, stream, login_privilege, publish_privilege, report)


def _privilege_payload(contents: Token04 | Token03, verified: bool, report: _Report) -> RtcRoomPayload | None:
    """The privileges the token carries: a token03's own, or a token04's payload as ZEGO reads it."""
    if isinstance(contents, Token03):
        return RtcRoomPayload(contents.room_id, contents.login, contents.publish, None)
    if verified:
        missing = (
            "the token has no privilege payload, but the project verifies privileges:"
            f" {_ADVICE['no-privilege-payload']}"
        )
        report.rule("no-privilege-payload", None if contents.payload else missing)
    if not contents.payload:
        return None
    try:
        payload = token04.parse_rtc_room_payload(contents.payload)
    except ValueError as error:
        report.rule("payload-invalid", f"{error}; {_ADVICE['payload-invalid']}")
        return None
    report.rule("payload-invalid", None)
    return payload


def _check_room_and_streams(
    payload: RtcRoomPayload,
    room_id: str | None,
    stream_id: str | None,
    login_privilege: bool,
    publish_privilege: bool,
    report: _Report,
) -> None:
    if room_id is not None and payload.room_id:
        mismatch = (
            f"the token may log in only to room {report.quote(payload.room_id)},"
            f" the login is to room {report.quote(room_id)}"
        )
        report.rule("room-id-mismatch", mismatch if payload.room_id != room_id else None)
    if login_privilege:
        denied = "the token's login privilege (1) is 0: the login is refused"
        report.rule("login-denied", None if payload.login else denied)
    if publish_privilege and stream_id is not None:
        denied = f"the token's publish privilege (2) is 0: publishing {report.quote(stream_id)} is refused"
        report.rule("publish-denied", None if payload.publish else denied)
        if payload.stream_ids is not None:
            allowed = ", ".join(map(report.quote, payload.stream_ids))
            outside = f"stream {report.quote(stream_id)} is not one the token may publish: [{allowed}]"
            report.rule("stream-id-not-allowed", None if stream_id in payload.stream_ids else outside)


def _iso_utc(timestamp: int) -> str | None:
    """A Unix time as ISO 8601 UTC, or None beyond what the platform can show."""
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
    except (OverflowError, OSError, ValueError):
        return None


def _moment(timestamp: int) -> str:
    return _iso_utc(timestamp) or f"Unix time {timestamp}"
