"""check_token04's rules of the token itself: it reads, holds no secret, is a token04, is
unexpired and not from the future, is for the login's AppID and userID, and keeps ZIM's rules."""

from __future__ import annotations

from typing import NamedTuple

from .._values import (
    APP_ID_RULE,
    CheckedOptions,
    DecodeOptions,
    app_id_value,
    as_int,
    as_str,
    type_name,
    utc_datetime,
)
from ..errors import ExpiredTokenError, InvalidTokenError
from ..kit import KitToken
from ..token03 import Token03
from ..token04 import Token04
from ._ids import PRODUCT_ZIM
from ._reader import holds_secret, read_token
from ._report import SEVERITY_ERROR, Contents, Recorder

__all__ = [
    "CLOCK_SKEW_SECONDS",
    "ZIM_MIN_VALIDITY_SECONDS",
    "ZIM_MAX_VALIDITY_SECONDS",
    "ZIM_MAX_EXPIRE",
    "Login",
    "kit_login",
    "read",
    "check_token",
]

CLOCK_SKEW_SECONDS = 60
"""How far ahead of now (beyond leeway) a token's ctime may be before it is reported."""
ZIM_MIN_VALIDITY_SECONDS = 30
"""Less validity left than this: ZIM's web SDK 2.22 and older refuse the login (6000108); 2.24 and
newer log in, fire tokenWillExpire at once and close the connection 2 s before the expiry."""
ZIM_MAX_VALIDITY_SECONDS = 24 * 24 * 3600
"""More validity than this: ZIM's web SDK 2.22 and older refuse the login (6000109); 2.24 and newer
close the connection after 24 days less 2 s unless the token is renewed."""
ZIM_MAX_EXPIRE = 2**31 - 1
"""ZIM's web SDK reads the expire as a signed 32-bit number: a later one (after 2038-01-19) reads as
expired."""

_ZIM_OLD_AND_NEW = "ZIM's SDK 2.22 and older refuse the login ({code}); 2.24 and newer {newer}"


class Login(NamedTuple):
    """The login a token is held against (the values as the caller gave them)."""

    app_id: object
    """The AppID the client logs in with (None: not checked)."""
    user_id: object
    """The userID it logs in with (None: not checked)."""
    room_id: object
    """The room it logs in to (None: not checked)."""
    stream_id: object
    """The stream it will publish (None: not checked)."""
    login_privilege: bool
    """Whether the project verifies the login privilege."""
    publish_privilege: bool
    """Whether the project verifies the publish privilege."""
    product: str
    """"rtc" or "zim"."""


def kit_login(login: Login, kit: KitToken) -> Login:
    """The login made with the values a kit token carries, where the caller gave none."""
    return login._replace(
        app_id=kit.app_id if login.app_id is None else login.app_id,
        user_id=kit.user_id if login.user_id is None else login.user_id,
        room_id=kit.room_id if login.room_id is None else login.room_id,
    )


def read(
    token: object, secret: str, options: CheckedOptions, report: Recorder
) -> Contents | KitToken | None:
    """The token read (expiry not checked), or None: it did not decode, or it holds the secret."""
    unchecked = DecodeOptions(*options._replace(verify_expiry=False))
    try:
        decoded = read_token(token, secret, unchecked)  # type: ignore[arg-type]
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


def check_token(
    contents: Contents, login: Login, options: CheckedOptions, report: Recorder
) -> None:
    """The rules of the token itself, ZIM's included when the login is to ZIM."""
    now = options.now
    _check_format(contents, login.product, report)
    expired = _check_times(contents, options, report)
    _check_login_values(contents, login.app_id, login.user_id, report)
    if login.product == PRODUCT_ZIM:
        _check_zim(contents, now, expired, report)


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


def _check_zim(contents: Contents, now: float, expired: bool, report: Recorder) -> None:
    """ZIM takes no payload, reads the expire as 32 bits, and judges the validity left at login."""
    if isinstance(contents, Token04):
        report.rule(
            "zim-payload",
            "ZIM takes no payload, and this token carries one" if contents.payload else None,
            'make it with payload=""',
        )
    beyond = contents.expire > ZIM_MAX_EXPIRE
    refused = (
        "the token expires after 2038-01-19, and ZIM's SDK reads its expire as a signed 32-bit "
        "number: it refuses the login as expired (6000106)"
    )
    report.rule(
        "expire-beyond-2038",
        refused if beyond else None,
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


def _moment(timestamp: int) -> str:
    return utc_datetime(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ")
