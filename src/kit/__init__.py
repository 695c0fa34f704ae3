"""ZEGOCLOUD UIKit kit tokens: a token04 and the login fields the UIKit logs in with.

A kit token is ``token04 + "#" + base64(JSON)``, the JSON being
``{"userID":…,"roomID":…,"userName":encodeURIComponent(name),"appID":…}``, as
the UIKit's ``generateKitTokenForProduction(appID, token, roomID, userID,
userName)`` makes it in the browser: ``JSON.stringify``'s spelling, then
``btoa`` (standard base64 of the text's Latin-1 bytes).

``decode_kit_token`` reads the fields as real generators write them: members
in any order, extra members ignored, ``appID`` a JSON number or a string of
decimal digits, ``userName`` percent-encoded (either case). Where the UIKit's
own reader would take something stranger (``"0x10"`` as an appID), this one
refuses it.
"""

from __future__ import annotations

import base64
from typing import NamedTuple

from .._frame import MAX_TOKEN_LENGTH, read_frame
from .._values import (
    APP_ID_RULE,
    Seconds,
    app_id_value,
    checked_options,
    parse_whole_number,
    require_app_id,
    require_secret,
    require_str,
    type_name,
)
from ..errors import InvalidTokenError, TokenError
from ..token04 import (
    ERROR_CODE_PAYLOAD_INVALID,
    ERROR_CODE_USER_ID_INVALID,
    VERSION,
    Token04,
    decode_token04,
)
from ._javascript import (
    KIT_SEPARATOR,
    atob,
    decode_uri_component,
    encode_uri_component,
    javascript_string,
    json_parse,
    latin1_field,
    stringify,
)

__all__ = [
    "KIT_SEPARATOR",
    "MAX_KIT_PART_LENGTH",
    "MAX_KIT_TOKEN_LENGTH",
    "KitToken",
    "make_kit_token",
    "decode_kit_token",
]

MAX_KIT_PART_LENGTH = 16384
"""The longest login-field part read or made (the SDK's IDs and names take far less)."""
MAX_KIT_TOKEN_LENGTH = MAX_TOKEN_LENGTH + len(KIT_SEPARATOR) + MAX_KIT_PART_LENGTH
"""decode_kit_token refuses a longer kit token unread."""


class KitToken(NamedTuple):
    """A decoded kit token: the token04's contents and the login fields beside it."""

    token: Token04
    """What the token04 holds (its app_id and user_id equal the fields below)."""
    app_id: int
    """The AppID of the login fields."""
    user_id: str
    """The userID of the login fields."""
    room_id: str
    """The room the UIKit logs in to."""
    user_name: str
    """The display name, decoded from its encodeURIComponent form."""

    @property
    def expire(self) -> int:
        """The token04's expire (Unix seconds)."""
        return self.token.expire


def make_kit_token(token: str, app_id: int, room_id: str, user_id: str, user_name: str = "") -> str:
    """Wrap a server-made token04 as the UIKit's kit token.

    The result is identical, character for character, to what the UIKit's
    ``generateKitTokenForProduction(app_id, token, room_id, user_id,
    user_name)`` returns for the same values. Raises TypeError for an argument
    of the wrong type, ValueError for an app_id that is not an AppID,
    InvalidTokenError if ``token`` is not a token04 (its frame is read, not
    decrypted), and TokenError (``argument`` names it) for a value the UIKit
    cannot carry: an ID with a character above U+00FF (``btoa`` takes Latin-1
    only), a name with a lone surrogate, or fields longer than
    MAX_KIT_PART_LENGTH (decode_kit_token would refuse them).
    """
    token_text = require_str(token, "token")
    fields = {
        "userID": latin1_field(user_id, "user_id", ERROR_CODE_USER_ID_INVALID),
        "roomID": latin1_field(room_id, "room_id", ERROR_CODE_PAYLOAD_INVALID),
        "userName": encode_uri_component(javascript_string(user_name, "user_name")),
        "appID": require_app_id(app_id),
    }
    if KIT_SEPARATOR in token_text:
        raise InvalidTokenError(
            f'token must not contain "{KIT_SEPARATOR}": pass the token generate_token04 made'
        )
    read_frame(token_text, VERSION)
    part = base64.b64encode(stringify(fields).encode("latin-1")).decode("ascii")
    if len(part) > MAX_KIT_PART_LENGTH:
        raise TokenError(
            "user_name",
            f"would make the kit fields longer than {MAX_KIT_PART_LENGTH} characters: shorten "
            "the IDs or user_name",
            ERROR_CODE_PAYLOAD_INVALID,
        )
    return token_text + KIT_SEPARATOR + part


def decode_kit_token(
    token: str,
    secret: str,
    *,
    now: Seconds | None = None,
    leeway: Seconds = 0,
    verify_expiry: bool = True,
    mode: str | None = None,
) -> KitToken:
    """Read a kit token: decode its token04 with ``secret``, and its login fields.

    Raises InvalidTokenError when the token04 is bad, when the login fields are not a kit's, and
    when the fields' appID or userID differ from the token's: the UIKit would log in as
    someone the token is not for; then ExpiredTokenError (carrying the
    KitToken) when it has expired. ``now``, ``leeway``, ``verify_expiry`` and
    ``mode`` are decode_token04's; like it, a malformed secret raises TypeError
    or ValueError.
    """
    options = checked_options(now, leeway, verify_expiry, mode)
    secret = require_secret(secret)
    if not isinstance(token, str):
        raise InvalidTokenError(f"kit token must be a str, not {type_name(token)}")
    if len(token) > MAX_KIT_TOKEN_LENGTH:
        raise InvalidTokenError(
            f"kit token is longer than any kit token ({MAX_KIT_TOKEN_LENGTH} characters)"
        )
    token, separator, fields = str.__str__(token).partition(KIT_SEPARATOR)
    if not separator:
        raise InvalidTokenError(
            f'not a kit token: no "{KIT_SEPARATOR}" after the token04 (read it with decode_token04)'
        )
    kit = KitToken(
        decode_token04(token, secret, verify_expiry=False, mode=options.mode),
        *_read_fields(fields.partition(KIT_SEPARATOR)[0]),  # the UIKit reads split("#")[1]
    )
    if kit.app_id != kit.token.app_id:
        raise InvalidTokenError(
            f"the kit's appID {kit.app_id} differs from the token's app_id {kit.token.app_id}"
        )
    if kit.user_id != kit.token.user_id:
        raise InvalidTokenError(
            "the kit's userID differs from the token's user_id: the UIKit would log in as "
            "another user"
        )
    return options.unexpired(kit)


def _read_fields(part: str) -> tuple[int, str, str, str]:
    """The login fields after "#" (appID, userID, roomID, userName), each as the UIKit reads it."""
    if len(part) > MAX_KIT_PART_LENGTH:
        raise InvalidTokenError(f"the kit fields are longer than {MAX_KIT_PART_LENGTH} characters")
    fields = json_parse(atob(part))
    if not isinstance(fields, dict):
        raise InvalidTokenError(f'the kit fields after "{KIT_SEPARATOR}" are not a JSON object')
    for name in ("userID", "roomID", "userName"):
        if name not in fields:
            raise InvalidTokenError(f"the kit fields have no {name}")
        if not isinstance(fields[name], str):
            raise InvalidTokenError(f"the kit's {name} is not a string")
    return (
        _app_id_field(fields.get("appID")),
        fields["userID"],
        fields["roomID"],
        decode_uri_component(fields["userName"]),
    )


def _app_id_field(value: object) -> int:
    """The kit's appID: a JSON number, or a string of decimal digits, that is an AppID."""
    number = parse_whole_number(value) if isinstance(value, str) else value
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, bool) or app_id_value(number) is None:
        raise InvalidTokenError(f"the kit's appID is not an AppID ({APP_ID_RULE})")
    return number  # type: ignore[return-value]
