"""Would ZEGO accept this token for this login? An offline answer, one finding per broken rule.

``check_token04(token, secret, app_id=…, user_id=…, room_id=…, …)`` reads the
token (a token04, a token03 or a UIKit kit token) and holds it against the
login a client makes: the AppID and userID it logs in with, the room, the
stream it will publish, the privileges the project verifies, and ZEGO's SDK
rules for IDs. Each rule broken is a ``Finding``: a fixed ``code``, the ``problem``, its ``remedy``.
"""

from __future__ import annotations

from .._values import DecodeOptions, require_secret
from ..kit import KitToken
from ._ids import (
    PRODUCT_RTC,
    PRODUCT_ZIM,
    check_room_id,
    check_stream_id,
    check_user_id,
    product_name,
)
from ._privileges import check_ids, check_privileges
from ._reader import AnyToken, read_token
from ._report import (
    RULES,
    SEVERITY_ERROR,
    SEVERITY_WARNING,
    CheckReport,
    Contents,
    Finding,
    Recorder,
)
from ._token import Login, check_token, kit_login, read

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
]


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
    login = Login(
        app_id,
        user_id,
        room_id,
        stream_id,
        login_privilege,
        publish_privilege,
        product_name(product),
    )
    checked = options.checked()
    report = Recorder()
    decoded = read(token, secret, checked, report)
    if decoded is None:
        check_ids(login, login.user_id, report)
        return report.result(None, None)
    kit = decoded if isinstance(decoded, KitToken) else None
    contents: Contents = decoded.token if isinstance(decoded, KitToken) else decoded
    login = login if kit is None else kit_login(login, kit)
    check_token(contents, login, checked, report)
    if login.product != PRODUCT_ZIM:
        check_privileges(contents, login, report)
    check_ids(login, contents.user_id if login.user_id is None else login.user_id, report)
    return report.result(contents, kit)
