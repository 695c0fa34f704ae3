"""Would ZEGO accept this token for this login? An offline answer, one finding per broken rule.

``check_token04(token, secret, app_id=…, user_id=…, room_id=…, …)`` reads the
token (a token04, a token03 or a UIKit kit token) and holds it against the
login a client makes: the AppID and userID it logs in with, the room, the
stream it will publish, the privileges the project verifies, and ZEGO's SDK
rules for IDs. Each rule broken is a ``Finding`` with a fixed ``code`` a
program can test, the ``problem`` and its ``remedy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, Union

from .errors import ExpiredTokenError, InvalidTokenError
from .ids import (
    PRODUCT_RTC,
    PRODUCT_ZIM,
    check_room_id,
    check_stream_id,
    check_user_id,
    product_name,
)
from .kit import KitToken
from .payload import RtcRoomPayload, parse_rtc_room_payload
from .reader import describe, holds_secret, read_token
from .token03 import Token03
from .token04 import Token04, check_expiry
from .values import (
    APP_ID_RULE,
    app_id_value,
    as_int,
    as_str,
    clock,
    require_secret,
    type_name,
    utc_datetime,
)

__all__ = [
    "SEVERITY_ERROR",
    "SEVERITY_WARNING",
    "RULES",
    "CLOCK_SKEW_SECONDS",
    "ZIM_MIN_VALIDITY_SECONDS",
    "ZIM_MAX_VALIDITY_SECONDS",
    "ZIM_MAX_EXPIRE",
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
    "secret-in-token": (SEVERITY_ERROR, "the token's content does not hold the ServerSecret"),
    "expired": (SEVERITY_ERROR, "the token has not expired"),
    "issued-in-future": (SEVERITY_WARNING, "the token was not made in the future"),
    "app-id-mismatch": (SEVERITY_ERROR, "the token is for the login's AppID"),
    "user-id-mismatch": (SEVERITY_ERROR, "the token is for the login's userID"),
    "payload-invalid": (SEVERITY_ERROR, "the privilege payload is one ZEGO reads"),
    "no-privilege-payload": (
        SEVERITY_WARNING,
        "the token carries the privilege payload the project verifies",
    ),
    "room-id-mismatch": (SEVERITY_ERROR, "the token may log in to the login's room"),
    "login-denied": (SEVERITY_ERROR, "the token may log in (privilege 1)"),
    "publish-denied": (SEVERITY_ERROR, "the token may publish (privilege 2)"),
    "stream-id-not-allowed": (SEVERITY_ERROR, "the stream is one the token may publish"),
    "zim-payload": (SEVERITY_ERROR, "the token carries no payload, as ZIM requires"),
    "token03": (
        SEVERITY_WARNING,
        "the token is a token04, the format ZEGO asks for (ZIM: an error)",
    ),
    "duration-too-short": (
        SEVERITY_ERROR,
        "the token has the 30 s of validity left that ZIM's SDK asks for",
    ),
    "duration-too-long": (
        SEVERITY_ERROR,
        "the token has no more than the 24 days of validity ZIM's SDK takes",
    ),
    "expire-beyond-2038": (
        SEVERITY_ERROR,
        "the token's expire fits the 32-bit number ZIM reads it as",
    ),
    "user-id-format": (SEVERITY_ERROR, "the userID keeps the SDK's rules"),
    "room-id-format": (SEVERITY_ERROR, "the roomID keeps the SDK's rules"),
    "stream-id-format": (SEVERITY_ERROR, "the streamID keeps the SDK's rules"),
}
"""Every rule: its code, the severity of its finding, and what it means when it passes."""

CLOCK_SKEW_SECONDS = 60
"""How far ahead of now (beyond leeway) a token's ctime may be before it is reported."""
ZIM_MIN_VALIDITY_SECONDS = 30
"""Less validity left than this: ZIM's web SDK 2.22 and older refuse the login (6000108); 2.24 and
newer
log in, fire tokenWillExpire at once and close the connection 2 s before the expiry."""
ZIM_MAX_VALIDITY_SECONDS = 24 * 24 * 3600
"""More validity than this: ZIM's web SDK 2.22 and older refuse the login (6000109); 2.24 and newer
close
the connection after 24 days less 2 s unless the token is renewed."""
ZIM_MAX_EXPIRE = 2**31 - 1
"""ZIM's web SDK reads the expire as a signed 32-bit number: a later one (after 2038-01-19) reads as
expired."""

_ZIM_OLD_AND_NEW = "ZIM's SDK 2.22 and older refuse the login ({code}); 2.24 and newer {newer}"


class Finding(NamedTuple):
    """A broken rule: its code (a key of RULES), "error" or "warning", the problem and its
    remedy."""

    code: str
    severity: str
    problem: str
    """What is wrong, in terms of the token and the login (no value of the caller's is quoted)."""
    remedy: str
    """What to do about it, in Python's terms ("" when the problem says it all)."""

    @property
    def message(self) -> str:
        """The problem and the remedy, as one sentence."""
        return f"{self.problem}: {self.remedy}" if self.remedy else self.problem


class CheckReport(NamedTuple):
    """What check_token04 found; true when ``ok``."""

    findings: tuple[Finding, ...]
    """Every broken rule, in the order checked."""
    checked: tuple[str, ...]
    """The codes of every rule that was applied, in order; those without a finding passed."""
    contents: Token04 | Token03 | None
    """The token's contents, or None when it did not decode or holds the ServerSecret."""
    kit: KitToken | None
    """A kit token's login fields and contents, when the token was a kit token that read."""

    @property
    def ok(self) -> bool:
        """True when no finding is an error: as far as can be told offline, ZEGO accepts the
        login."""
        return not any(finding.severity == SEVERITY_ERROR for finding in self.findings)

    def __bool__(self) -> bool:
        return self.ok

    def lines(self, remedies: Mapping[str, str] | None = None) -> list[str]:
        """The report as a person reads it: a line per rule applied (ok, or its finding), then the
        verdict.

        ``remedies`` replaces a finding's remedy by its code (the command line says its own).
        """
        said = {finding.code: finding for finding in self.findings}
        lines = [
            f"{said[code].severity:<8}{code}: {_message(said[code], remedies)}"
            if code in said
            else f"{'ok':<8}{RULES[code][1]}"
            for code in self.checked
        ]
        errors = sum(finding.severity == SEVERITY_ERROR for finding in self.findings)
        counts = (
            _count(errors, "error"),
            _count(len(said) - errors, "warning"),
            _count(len(self.checked), "check"),
        )
        return [*lines, f"{'ok' if self.ok else 'not ok'}: {counts[0]}, {counts[1]} in {counts[2]}"]

    def as_dict(self, remedies: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The report as JSON-ready data: ok, findings (code, severity, message), checked, and the
        token described."""
        findings = [
            {"code": f.code, "severity": f.severity, "message": _message(f, remedies)}
            for f in self.findings
        ]
        token = self.kit or self.contents
        return {
            "ok": self.ok,
            "findings": findings,
            "checked": list(self.checked),
            "token": token and describe(token),
        }


def _message(finding: Finding, remedies: Mapping[str, str] | None) -> str:
    remedy = (remedies or {}).get(finding.code, finding.remedy)
    return f"{finding.problem}: {remedy}" if remedy else finding.problem


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


_Contents = Union[Token04, Token03]


class _Login(NamedTuple):
    app_id: object
    user_id: object
    room_id: object
    stream_id: object
    login_privilege: bool
    publish_privilege: bool
    product: str


class _Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.checked: list[str] = []

    def rule(
        self, code: str, problem: str | None, remedy: str = "", severity: str | None = None
    ) -> None:
        """Record that rule ``code`` was applied, and its finding if ``problem`` says what broke
        it."""
        self.checked.append(code)
        if problem:
            self.findings.append(Finding(code, severity or RULES[code][0], problem, remedy))

    def result(self, contents: _Contents | None, kit: KitToken | None) -> CheckReport:
        return CheckReport(tuple(self.findings), tuple(self.checked), contents, kit)


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
    wrong one raises TypeError or ValueError, as decode_token04 does. A token
    whose content holds the secret gets the one finding ``secret-in-token``,
    and its content is not in the report.
    """
    secret = require_secret(secret)
    if not (isinstance(login_privilege, bool) and isinstance(publish_privilege, bool)):
        raise TypeError("login_privilege and publish_privilege must be bool")
    login = _Login(
        app_id,
        user_id,
        room_id,
        stream_id,
        login_privilege,
        publish_privilege,
        product_name(product),
    )
    now_seconds, leeway_seconds = clock(now, leeway)
    report = _Report()
    decoded = _read(token, secret, report)
    if decoded is None:
        _check_ids(login, login.user_id, report)
        return report.result(None, None)
    kit = decoded if isinstance(decoded, KitToken) else None
    contents: _Contents = decoded.token if isinstance(decoded, KitToken) else decoded
    login = login if kit is None else _kit_login(login, kit)
    _check_contents(contents, login, now_seconds, leeway_seconds, report)
    _check_ids(login, contents.user_id if login.user_id is None else login.user_id, report)
    return report.result(contents, kit)


def _kit_login(login: _Login, kit: KitToken) -> _Login:
    """The login made with the values a kit token carries, where the caller gave none."""
    return login._replace(
        app_id=kit.app_id if login.app_id is None else login.app_id,
        user_id=kit.user_id if login.user_id is None else login.user_id,
        room_id=kit.room_id if login.room_id is None else login.room_id,
    )


def _read(token: object, secret: str, report: _Report) -> _Contents | KitToken | None:
    """The token read (expiry not checked), or None: it did not decode, or it holds the secret."""
    try:
        decoded = read_token(token, secret, verify_expiry=False)  # type: ignore[arg-type]
    except InvalidTokenError as error:
        report.rule(
            "invalid-token",
            str(error),
            "check that the token is whole and the secret is this project's",
        )
        return None
    report.rule("invalid-token", None)
    if holds_secret(decoded, secret):
        report.rule(
            "secret-in-token",
            "the token's content holds the ServerSecret (none of it is shown)",
            "make a new token without it, and treat the secret as exposed: reset it in ZEGO's "
            "console",
        )
        return None
    report.rule("secret-in-token", None)
    return decoded


def _check_contents(
    contents: _Contents, login: _Login, now: float, leeway: float, report: _Report
) -> None:
    _check_format(contents, login.product, report)
    expired = _check_times(contents, now, leeway, report)
    _check_login_values(contents, login.app_id, login.user_id, report)
    if login.product == PRODUCT_ZIM:
        _check_zim(contents, now, expired, report)
    else:
        _check_privileges(contents, login, report)


def _check_format(contents: _Contents, product: str, report: _Report) -> None:
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


def _check_times(contents: _Contents, now: float, leeway: float, report: _Report) -> bool:
    """The expired and issued-in-future rules; True if the token has expired (check_expiry
    decides)."""
    expired = None
    try:
        check_expiry(contents, now, leeway)
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
    contents: _Contents, app_id: object, user_id: object, report: _Report
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


def _check_zim(contents: _Contents, now: float, expired: bool, report: _Report) -> None:
    """ZIM takes no payload, reads the expire as 32 bits, and judges the validity left at login."""
    if isinstance(contents, Token04):
        report.rule(
            "zim-payload",
            "ZIM takes no payload, and this token carries one" if contents.payload else None,
            'make it with payload=""',
        )
    beyond = contents.expire > ZIM_MAX_EXPIRE
    report.rule(
        "expire-beyond-2038",
        "the token expires after 2038-01-19, and ZIM's SDK reads its expire as a signed 32-bit "
        "number: it refuses"
        " the login as expired (6000106)"
        if beyond
        else None,
        "make it with a lifetime of at most 24 days",
    )
    if beyond or expired:
        return  # the findings above say more
    left = contents.expire - now
    short = long = None
    if left < ZIM_MIN_VALIDITY_SECONDS:
        newer = (
            "log in, fire tokenWillExpire at once and close the connection 2 s before the expiry"
        )
        short = (
            f"the token has {left:.0f} s of validity left, less than {ZIM_MIN_VALIDITY_SECONDS} s: "
            + _ZIM_OLD_AND_NEW.format(code=6000108, newer=newer)
        )
    if left > ZIM_MAX_VALIDITY_SECONDS:
        newer = "close the connection after 24 days less 2 s unless the token is renewed"
        long = (
            f"the token has {left:.0f} s of validity left, more than 24 days: "
            + _ZIM_OLD_AND_NEW.format(code=6000109, newer=newer)
        )
    report.rule("duration-too-short", short, "give the client a new token")
    report.rule("duration-too-long", long, "make it with a lifetime of at most 24 days")


def _check_privileges(contents: _Contents, login: _Login, report: _Report) -> None:
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


def _check_publishing(payload: RtcRoomPayload, stream_id: str, report: _Report) -> None:
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
    contents: _Contents, verified: bool, report: _Report
) -> RtcRoomPayload | None:
    """The privileges the token carries: a token03's own, or a token04's payload as ZEGO reads
    it."""
    if isinstance(contents, Token03):
        return RtcRoomPayload(contents.room_id, contents.login, contents.publish, None)
    if verified:
        missing = "the token has no privilege payload, but the project verifies privileges"
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


def _check_ids(login: _Login, user_id: object, report: _Report) -> None:
    """ZEGO's SDK rules for the IDs the login uses."""
    rules: tuple[tuple[str, object, Callable[[Any], str | None]], ...] = (
        ("user-id-format", user_id, lambda value: check_user_id(value, login.product)),
        ("room-id-format", login.room_id, check_room_id),
        ("stream-id-format", login.stream_id, check_stream_id),
    )
    for code, value, check in rules:
        if value is not None:  # a value of the wrong type is a finding too: check_*_id says so
            report.rule(code, check(value), "use an ID the SDK takes")


def _moment(timestamp: int) -> str:
    return utc_datetime(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ")
